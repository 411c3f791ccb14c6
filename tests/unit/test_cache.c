/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_cache.c - the on-disk cache of compiled filters: a round trip, every
 * input in the key (the build of ward among them), damaged entries as misses, and the trust rules:
 * a cache (or an entry) that someone other than ward's euid could have written is ignored, with the
 * reason, and an entry that turns the filter off is never loaded, even with a correct checksum.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "ward/cleanup.h"
#include "ward/filter.h"
#include "ward/policy.h"
#include "ward/spec.h"
#include "ward/util.h"

#define OTHER_UID 12345U

static const char profile[] = "{\"defaultAction\":\"SCMP_ACT_ERRNO\"}";

/* A fixture: a private directory under /tmp, and the cache two levels below it. */
struct fx {
	char *top;    /* /tmp/ward-cache.XXXXXX, 0755 */
	char *parent; /* top/sub */
	char *dir;    /* top/sub/seccomp: the cache */
	struct filter_cache_key key;
	struct filter_prog prog;
	struct sock_filter insns[3];
};

static void fx_init(struct fx *f)
{
	char tmpl[] = "/tmp/ward-cache.XXXXXX";

	memset(f, 0, sizeof(*f));
	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	ck_assert_int_eq(chmod(tmpl, 0755), 0);
	f->top = xstrdup(tmpl);
	f->parent = xasprintf("%s/sub", tmpl);
	f->dir = xasprintf("%s/sub/seccomp", tmpl);
	f->key.profile = profile;
	f->key.profile_len = sizeof(profile) - 1;
	f->key.caps = 0xa80425fbULL;
	f->key.arch = "SCMP_ARCH_X86_64";
	/* any program will do: the cache does not read it */
	f->insns[0] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0);
	f->insns[1] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1);
	f->insns[2] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f->prog.insns = f->insns;
	f->prog.len = 3;
	f->prog.flags = SECCOMP_FILTER_FLAG_SPEC_ALLOW;
	f->prog.enabled = true;
}

static char *fx_entry(const struct fx *f, const struct filter_cache_key *key)
{
	char hex[FILTER_CACHE_KEY_HEX];

	ck_assert_int_eq(filter_cache_key_hex(key, hex), 0);
	ck_assert_uint_eq(strlen(hex), 32);
	return xasprintf("%s/%s.bpf", f->dir, hex);
}

/* The cache with one good entry in it. */
static void fx_store(struct fx *f)
{
	struct ward_err err = {0};

	ck_assert_msg(filter_cache_store(f->dir, &f->key, &f->prog, &err) == 0, "store: %s",
		      err.msg);
}

static void fx_free(struct fx *f)
{
	cleanup_free char *cmd = xasprintf("rm -rf -- '%s'", f->top);

	(void)chmod(f->top, 0755); /* whatever a test did to it */
	ck_assert_int_eq(system(cmd), 0);
	free(f->top);
	free(f->parent);
	free(f->dir);
}

/* A hit that returns the program stored. */
static void expect_hit(const struct fx *f)
{
	struct ward_err why = {0};
	struct filter_prog q;

	ck_assert_msg(filter_cache_lookup(f->dir, &f->key, &q, &why) == 1, "expected a hit: %s",
		      why.msg);
	ck_assert(q.enabled);
	ck_assert_uint_eq(q.len, f->prog.len);
	ck_assert_uint_eq(q.flags, f->prog.flags);
	ck_assert_int_eq(memcmp(q.insns, f->prog.insns, q.len * sizeof(*q.insns)), 0);
	filter_prog_release(&q);
}

/* A silent miss for @key: nothing loaded, nothing to warn about. */
static void expect_miss_key(const struct fx *f, const struct filter_cache_key *key)
{
	struct ward_err why = {0};
	struct filter_prog q;

	ck_assert_int_eq(filter_cache_lookup(f->dir, key, &q, &why), 0);
	ck_assert(!q.enabled);
	ck_assert_ptr_null(q.insns);
	ck_assert_str_eq(why.msg, "");
}

static void expect_miss(const struct fx *f)
{
	expect_miss_key(f, &f->key);
}

/* Ignored, with exactly @msg as the reason; and nothing is stored there either. */
static void expect_ignored(const struct fx *f, const char *msg, bool store_refused)
{
	struct ward_err why = {0};
	struct filter_prog q;

	ck_assert_int_lt(filter_cache_lookup(f->dir, &f->key, &q, &why), 0);
	ck_assert(!q.enabled);
	ck_assert_ptr_null(q.insns);
	ck_assert_str_eq(why.msg, msg);
	if (store_refused) {
		ck_assert_int_eq(filter_cache_store(f->dir, &f->key, &f->prog, &why), -EPERM);
		ck_assert_str_eq(why.msg, msg);
	}
}

/* ---- the cache as it is used ------------------------------------------------------- */

START_TEST(test_cache_roundtrip)
{
	struct fx f;
	struct filter_cache_key other;
	struct filter_prog q;
	struct ward_err why = {0};
	char hex1[FILTER_CACHE_KEY_HEX], hex2[FILTER_CACHE_KEY_HEX];
	cleanup_free char *path = NULL;
	cleanup_free char *opath = NULL;
	struct stat st;

	fx_init(&f);
	expect_miss(&f); /* the directory does not exist yet: an empty cache, silently */
	fx_store(&f);
	path = fx_entry(&f, &f.key);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	ck_assert_int_eq(stat(f.dir, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0700); /* made by the store, with its parent */
	ck_assert_int_eq(stat(f.parent, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0700);
	expect_hit(&f);

	/* every input is part of the key */
	other = f.key;
	other.caps ^= 1;
	ck_assert_int_eq(filter_cache_lookup(f.dir, &other, &q, &why), 0);
	other = f.key;
	other.build_flags = FILTER_STRICT;
	ck_assert_int_eq(filter_cache_lookup(f.dir, &other, &q, &why), 0);
	other = f.key;
	other.arch = "SCMP_ARCH_AARCH64";
	ck_assert_int_eq(filter_cache_lookup(f.dir, &other, &q, &why), 0);
	other = f.key;
	other.kernel_release = "1.2.3-test";
	ck_assert_int_eq(filter_cache_key_hex(&f.key, hex1), 0);
	ck_assert_int_eq(filter_cache_key_hex(&other, hex2), 0);
	ck_assert_str_ne(hex1, hex2);

	/* an entry under another key's name is not that key's */
	other = f.key;
	other.caps ^= 1;
	opath = fx_entry(&f, &other);
	ck_assert_int_eq(link(path, opath), 0);
	ck_assert_int_eq(filter_cache_lookup(f.dir, &other, &q, &why), 0);
	ck_assert_int_eq(unlink(opath), 0);

	/* storing again replaces the entry; nothing else (no temporary file) is left */
	fx_store(&f);
	expect_hit(&f);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(rmdir(f.dir), 0);
	fx_free(&f);
}
END_TEST

/* An entry compiled by another build of ward (another build id) is never loaded. */
START_TEST(test_cache_other_build_misses)
{
	static const unsigned char build_a[20] = {0xa1, 0x02, 0x03};
	static const unsigned char build_b[20] = {0xb1, 0x02, 0x03};
	struct fx f;
	struct filter_cache_key other;
	char hex_a[FILTER_CACHE_KEY_HEX], hex_self[FILTER_CACHE_KEY_HEX];
	cleanup_free char *path_a = NULL;
	cleanup_free char *path_b = NULL;

	fx_init(&f);
	f.key.build_id = build_a;
	f.key.build_id_len = sizeof(build_a);
	fx_store(&f);
	expect_hit(&f);
	path_a = fx_entry(&f, &f.key);

	/* the same inputs, compiled by build B: a silent miss */
	other = f.key;
	other.build_id = build_b;
	expect_miss_key(&f, &other);
	/* even with build A's entry under build B's name: its header names build A's key */
	path_b = fx_entry(&f, &other);
	ck_assert_str_ne(path_a, path_b);
	ck_assert_int_eq(link(path_a, path_b), 0);
	expect_miss_key(&f, &other);
	ck_assert_int_eq(unlink(path_b), 0);
	/* a build id that is a prefix of another is another */
	other.build_id = build_a;
	other.build_id_len = sizeof(build_a) - 1;
	expect_miss_key(&f, &other);

	/* the running binary (build_id NULL) is neither */
	other = f.key;
	other.build_id = NULL;
	other.build_id_len = 0;
	ck_assert_int_eq(filter_cache_key_hex(&f.key, hex_a), 0);
	ck_assert_int_eq(filter_cache_key_hex(&other, hex_self), 0);
	ck_assert_str_ne(hex_a, hex_self);
	expect_miss_key(&f, &other);
	expect_hit(&f); /* and build A's entry is still there for build A */
	fx_free(&f);
}
END_TEST

/* The note as the linker writes it: namesz 4, descsz 20 (SHA-1), NT_GNU_BUILD_ID, "GNU". */
static const unsigned char build_id_note[16] = {4, 0, 0, 0, 20,	 0,   0,   0,
						3, 0, 0, 0, 'G', 'N', 'U', 0};

/* Without a build id in the key, the key is the running binary's: its NT_GNU_BUILD_ID. */
START_TEST(test_cache_key_is_the_running_build)
{
	cleanup_free char *exe = NULL;
	size_t len = 0;
	const unsigned char *note;
	struct ward_err err = {0};
	struct filter_cache_key key = {.profile = profile, .profile_len = sizeof(profile) - 1};
	struct filter_cache_key self;
	char hex_null[FILTER_CACHE_KEY_HEX], hex_self[FILTER_CACHE_KEY_HEX];

	/* found in the file, where the loader found it in memory */
	ck_assert_msg(read_file("/proc/self/exe", 256u << 20, &exe, &len, &err) == 0, "%s",
		      err.msg);
	note = memmem(exe, len, build_id_note, sizeof(build_id_note));
	if (!note)
		UNIT_SKIP("the test runner was linked without a 20-byte build id");
	ck_assert_uint_le((size_t)(note - (const unsigned char *)exe) + sizeof(build_id_note) + 20,
			  len);
	self = key;
	self.build_id = note + sizeof(build_id_note);
	self.build_id_len = 20;
	ck_assert_int_eq(filter_cache_key_hex(&key, hex_null), 0);
	ck_assert_int_eq(filter_cache_key_hex(&self, hex_self), 0);
	ck_assert_str_eq(hex_null, hex_self);
}
END_TEST

/* sizeof(struct forged_hdr), declared below with the forger's code */
#define FORGED_HDR_SIZE (8 + 4 * (5 + FILTER_MAX_PARTS) + 4 + 16 + 8)

START_TEST(test_cache_damaged_entries_miss)
{
	struct fx f;
	cleanup_free char *path = NULL;
	struct stat st;
	char byte;
	int fd;

	fx_init(&f);
	fx_store(&f);
	path = fx_entry(&f, &f.key);
	fd = open(path, O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);

	/* a flipped byte in the program: the checksum says so */
	ck_assert_int_eq(pread(fd, &byte, 1, st.st_size - 3), 1);
	byte ^= 0x10;
	ck_assert_int_eq(pwrite(fd, &byte, 1, st.st_size - 3), 1);
	expect_miss(&f);
	byte ^= 0x10;
	ck_assert_int_eq(pwrite(fd, &byte, 1, st.st_size - 3), 1);
	expect_hit(&f);

	/* truncated: in the program, in the header, empty */
	ck_assert_int_eq(ftruncate(fd, st.st_size - 8), 0);
	expect_miss(&f);
	ck_assert_int_eq(ftruncate(fd, (off_t)FORGED_HDR_SIZE), 0); /* the header alone */
	expect_miss(&f);
	ck_assert_int_eq(ftruncate(fd, 10), 0);
	expect_miss(&f);
	ck_assert_int_eq(ftruncate(fd, 0), 0);
	expect_miss(&f);
	close(fd);

	/* the next store repairs it */
	fx_store(&f);
	expect_hit(&f);
	fx_free(&f);
}
END_TEST

/* ---- forged entries ------------------------------------------------------------------- */

/* The entry format, as a forger reads it from filter.c: nothing in it is secret. */
struct forged_hdr {
	char magic[8];
	uint32_t version;
	uint32_t flags;
	uint32_t enabled;
	uint32_t len;
	uint32_t nparts;
	uint32_t part_len[FILTER_MAX_PARTS];
	uint64_t key[2];
	uint64_t checksum;
};
_Static_assert(sizeof(struct forged_hdr) == FORGED_HDR_SIZE, "the entry header's size");

static uint64_t forged_checksum(const struct forged_hdr *hdr, const void *insns, size_t len)
{
	struct forged_hdr h = *hdr;
	const unsigned char *b = (const unsigned char *)&h;
	uint64_t s = 0xcbf29ce484222325ULL;
	size_t i;

	h.checksum = 0;
	for (i = 0; i < sizeof(h); i++)
		s = (s ^ b[i]) * 0x100000001b3ULL;
	for (i = 0, b = insns; i < len; i++)
		s = (s ^ b[i]) * 0x100000001b3ULL;
	return s;
}

/* Rewrite the entry at @path with @enabled, @flags and @len instructions, checksum recomputed. */
static void forge(const char *path, uint32_t enabled, uint32_t flags, uint32_t len)
{
	struct forged_hdr hdr;
	cleanup_free struct sock_filter *insns = NULL;
	int fd = open(path, O_RDWR | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, &hdr, sizeof(hdr), 0), (ssize_t)sizeof(hdr));
	ck_assert_int_eq(memcmp(hdr.magic, "WARDBPF\n", 8), 0);
	ck_assert_uint_le(len, hdr.len);
	insns = xcalloc(hdr.len + 1, sizeof(*insns));
	ck_assert_int_eq(pread(fd, insns, hdr.len * sizeof(*insns), sizeof(hdr)),
			 (ssize_t)(hdr.len * sizeof(*insns)));
	hdr.enabled = enabled;
	hdr.flags = flags;
	hdr.len = len;
	hdr.checksum = forged_checksum(&hdr, insns, len * sizeof(*insns));
	ck_assert_int_eq(ftruncate(fd, 0), 0);
	ck_assert_int_eq(pwrite(fd, &hdr, sizeof(hdr), 0), (ssize_t)sizeof(hdr));
	ck_assert_int_eq(pwrite(fd, insns, len * sizeof(*insns), sizeof(hdr)),
			 (ssize_t)(len * sizeof(*insns)));
	close(fd);
}

/* A stacked program (a profile split into filters) is cached with its parts. */
START_TEST(test_cache_stacked)
{
	struct fx f;
	struct ward_err why = {0};
	struct filter_prog q;
	struct forged_hdr hdr;
	cleanup_free char *path = NULL;
	int fd;

	fx_init(&f);
	f.prog.nparts = 2;
	f.prog.part_len[0] = 1;
	f.prog.part_len[1] = 2;
	fx_store(&f);
	ck_assert_int_eq(filter_cache_lookup(f.dir, &f.key, &q, &why), 1);
	ck_assert_uint_eq(q.nparts, 2);
	ck_assert_uint_eq(q.part_len[0], 1);
	ck_assert_uint_eq(q.part_len[1], 2);
	ck_assert_uint_eq(q.len, 3);
	filter_prog_release(&q);

	/* parts that do not add up to the program, or too many: a miss, checksum or not */
	path = fx_entry(&f, &f.key);
	fd = open(path, O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, &hdr, sizeof(hdr), 0), (ssize_t)sizeof(hdr));
	hdr.part_len[1] = 3;
	hdr.checksum = forged_checksum(&hdr, f.insns, sizeof(f.insns));
	ck_assert_int_eq(pwrite(fd, &hdr, sizeof(hdr), 0), (ssize_t)sizeof(hdr));
	expect_miss(&f);
	hdr.part_len[1] = 2;
	hdr.nparts = FILTER_MAX_PARTS + 1;
	hdr.checksum = forged_checksum(&hdr, f.insns, sizeof(f.insns));
	ck_assert_int_eq(pwrite(fd, &hdr, sizeof(hdr), 0), (ssize_t)sizeof(hdr));
	expect_miss(&f);
	close(fd);

	/* and a store with such parts is refused */
	f.prog.part_len[1] = 3;
	ck_assert_int_eq(filter_cache_store(f.dir, &f.key, &f.prog, &why), -EINVAL);
	fx_free(&f);
}
END_TEST

START_TEST(test_cache_forged_disabled_entry)
{
	struct fx f;
	cleanup_free char *path = NULL;
	cleanup_free char *msg = NULL;
	struct ward_err err = {0};
	struct filter_prog off = {0};

	fx_init(&f);
	fx_store(&f);
	path = fx_entry(&f, &f.key);

	/* the forger's checksum is right: a forged flag change is taken (it is the owner's cache)
	 */
	forge(path, 1, 0, 3);
	f.prog.flags = 0;
	expect_hit(&f);

	/* "no filter", with a correct checksum: never loaded */
	msg = xasprintf("seccomp cache entry '%s' ignored: it would turn the filter off", path);
	forge(path, 0, 0, 0);
	expect_ignored(&f, msg, false);
	fx_store(&f); /* the store replaces it */
	expect_hit(&f);
	forge(path, 0, 0, 3); /* disabled, program kept */
	expect_ignored(&f, msg, false);
	fx_store(&f);
	forge(path, 1, 0, 0); /* enabled but empty */
	expect_ignored(&f, msg, false);
	fx_store(&f);
	forge(path, 2, 0, 3);
	expect_ignored(&f, msg, false);

	/* and ward never writes one */
	ck_assert_int_eq(filter_cache_store(f.dir, &f.key, &off, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "a disabled seccomp program is never cached");
	fx_free(&f);
}
END_TEST

/* ---- who may have written it ---------------------------------------------------------- */

START_TEST(test_cache_wrong_owner)
{
	struct fx f;
	cleanup_free char *path = NULL;
	cleanup_free char *msg = NULL;

	if (!unit_is_root())
		UNIT_SKIP("chown to another uid needs root");
	fx_init(&f);
	fx_store(&f);
	path = fx_entry(&f, &f.key);

	/* the cache directory */
	ck_assert_int_eq(chown(f.dir, OTHER_UID, OTHER_UID), 0);
	msg = xasprintf("seccomp cache '%s' ignored: owned by uid %u, not 0", f.dir, OTHER_UID);
	expect_ignored(&f, msg, true);
	ck_assert_int_eq(chown(f.dir, 0, 0), 0);
	expect_hit(&f);
	free(msg);

	/* a directory above it */
	ck_assert_int_eq(chown(f.parent, OTHER_UID, OTHER_UID), 0);
	msg = xasprintf("seccomp cache '%s' ignored: '%s' is owned by uid %u, not 0", f.dir,
			f.parent, OTHER_UID);
	expect_ignored(&f, msg, true);
	ck_assert_int_eq(chown(f.parent, 0, 0), 0);
	free(msg);

	/* the entry */
	ck_assert_int_eq(chown(path, OTHER_UID, OTHER_UID), 0);
	msg =
	    xasprintf("seccomp cache entry '%s' ignored: owned by uid %u, not 0", path, OTHER_UID);
	expect_ignored(&f, msg, false);
	fx_store(&f); /* replaced by ward's own */
	expect_hit(&f);
	fx_free(&f);
}
END_TEST

START_TEST(test_cache_group_writable)
{
	struct fx f;
	cleanup_free char *path = NULL;
	cleanup_free char *msg = NULL;

	fx_init(&f);
	fx_store(&f);
	path = fx_entry(&f, &f.key);

	ck_assert_int_eq(chmod(f.dir, 0770), 0);
	msg = xasprintf("seccomp cache '%s' ignored: group writable (mode 0770)", f.dir);
	expect_ignored(&f, msg, true);
	ck_assert_int_eq(chmod(f.dir, 0750), 0); /* readable by others is fine */
	expect_hit(&f);
	free(msg);

	ck_assert_int_eq(chmod(f.parent, 0775), 0);
	msg = xasprintf("seccomp cache '%s' ignored: '%s' is group writable (mode 0775)", f.dir,
			f.parent);
	expect_ignored(&f, msg, true);
	ck_assert_int_eq(chmod(f.parent, 0755), 0);
	free(msg);

	ck_assert_int_eq(chmod(path, 0660), 0);
	msg = xasprintf("seccomp cache entry '%s' ignored: group writable (mode 0660)", path);
	expect_ignored(&f, msg, false);
	ck_assert_int_eq(chmod(path, 0644), 0);
	expect_hit(&f);
	fx_free(&f);
}
END_TEST

START_TEST(test_cache_world_writable)
{
	struct fx f;
	cleanup_free char *path = NULL;
	cleanup_free char *msg = NULL;

	fx_init(&f);
	fx_store(&f);
	path = fx_entry(&f, &f.key);

	ck_assert_int_eq(chmod(f.dir, 0777), 0);
	msg = xasprintf("seccomp cache '%s' ignored: world writable (mode 0777)", f.dir);
	expect_ignored(&f, msg, true);
	free(msg);
	/* sticky does not help the cache directory itself */
	ck_assert_int_eq(chmod(f.dir, 01777), 0);
	msg = xasprintf("seccomp cache '%s' ignored: world writable (mode 1777)", f.dir);
	expect_ignored(&f, msg, true);
	ck_assert_int_eq(chmod(f.dir, 0700), 0);
	free(msg);

	ck_assert_int_eq(chmod(f.parent, 0777), 0);
	msg = xasprintf("seccomp cache '%s' ignored: '%s' is world writable (mode 0777)", f.dir,
			f.parent);
	expect_ignored(&f, msg, true);
	free(msg);
	msg = NULL;
	/* an ancestor sticky and root's, like /tmp (which every test here sits below) */
	ck_assert_int_eq(chmod(f.parent, 01777), 0);
	if (unit_is_root()) {
		expect_hit(&f);
		/* but not when it is someone else's */
		ck_assert_int_eq(chown(f.parent, OTHER_UID, OTHER_UID), 0);
		msg = xasprintf("seccomp cache '%s' ignored: '%s' is owned by uid %u, not 0", f.dir,
				f.parent, OTHER_UID);
		expect_ignored(&f, msg, true);
		ck_assert_int_eq(chown(f.parent, 0, 0), 0);
	} else {
		/* ours, not root's: refused as any other world-writable directory */
		msg = xasprintf("seccomp cache '%s' ignored: '%s' is world writable (mode 1777)",
				f.dir, f.parent);
		expect_ignored(&f, msg, true);
	}
	ck_assert_int_eq(chmod(f.parent, 0700), 0);

	ck_assert_int_eq(chmod(path, 0606), 0);
	free(msg);
	msg = xasprintf("seccomp cache entry '%s' ignored: world writable (mode 0606)", path);
	expect_ignored(&f, msg, false);
	ck_assert_int_eq(chmod(path, 0600), 0);
	expect_hit(&f);
	fx_free(&f);
}
END_TEST

/* ---- what it is --------------------------------------------------------------------------- */

START_TEST(test_cache_symlinked_entry)
{
	struct fx f;
	cleanup_free char *path = NULL;
	cleanup_free char *elsewhere = NULL;
	cleanup_free char *msg = NULL;

	fx_init(&f);
	fx_store(&f);
	path = fx_entry(&f, &f.key);
	/* a perfectly good entry, reached through a link */
	elsewhere = xasprintf("%s/good.bpf", f.top);
	ck_assert_int_eq(rename(path, elsewhere), 0);
	ck_assert_int_eq(symlink(elsewhere, path), 0);
	msg = xasprintf("seccomp cache entry '%s' ignored: a symbolic link", path);
	expect_ignored(&f, msg, false);
	fx_store(&f); /* replaces the link, not what it points to */
	expect_hit(&f);
	ck_assert_int_eq(access(elsewhere, F_OK), 0);
	fx_free(&f);
}
END_TEST

START_TEST(test_cache_symlinked_directory)
{
	struct fx f;
	cleanup_free char *real = NULL;
	cleanup_free char *msg = NULL;

	fx_init(&f);
	fx_store(&f);

	/* a component above the cache: sub -> real */
	real = xasprintf("%s/real", f.top);
	ck_assert_int_eq(rename(f.parent, real), 0);
	ck_assert_int_eq(symlink("real", f.parent), 0);
	msg = xasprintf("seccomp cache '%s' ignored: '%s' is a symbolic link", f.dir, f.parent);
	expect_ignored(&f, msg, true);
	ck_assert_int_eq(unlink(f.parent), 0);
	ck_assert_int_eq(rename(real, f.parent), 0);
	expect_hit(&f);
	free(msg);

	/* the cache directory itself */
	free(real);
	real = xasprintf("%s/real", f.parent);
	ck_assert_int_eq(rename(f.dir, real), 0);
	ck_assert_int_eq(symlink(real, f.dir), 0);
	msg = xasprintf("seccomp cache '%s' ignored: '%s' is a symbolic link", f.dir, f.dir);
	expect_ignored(&f, msg, true);
	fx_free(&f);
}
END_TEST

START_TEST(test_cache_not_regular_or_relative)
{
	struct fx f;
	cleanup_free char *path = NULL;
	cleanup_free char *msg = NULL;
	struct ward_err why = {0};
	struct filter_prog q;

	fx_init(&f);
	fx_store(&f);
	path = fx_entry(&f, &f.key);
	/* a FIFO does not hang the lookup */
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	msg = xasprintf("seccomp cache entry '%s' ignored: not a regular file", path);
	expect_ignored(&f, msg, false);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	expect_ignored(&f, msg, false);
	ck_assert_int_eq(rmdir(path), 0);
	expect_miss(&f);

	/* the cache directory a file */
	ck_assert_int_eq(filter_cache_lookup(path, &f.key, &q, &why), 0); /* missing: silent */
	ck_assert_int_eq(close(open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600)), 0);
	free(msg);
	msg =
	    xasprintf("seccomp cache '%s' ignored: cannot open '%s': Not a directory", path, path);
	ck_assert_int_eq(filter_cache_lookup(path, &f.key, &q, &why), -EPERM);
	ck_assert_str_eq(why.msg, msg);

	ck_assert_int_eq(filter_cache_lookup("relative/dir", &f.key, &q, &why), -EPERM);
	ck_assert_str_eq(why.msg, "seccomp cache 'relative/dir' ignored: not an absolute path");
	ck_assert_int_eq(filter_cache_store("relative/dir", &f.key, &f.prog, &why), -EPERM);
	fx_free(&f);
}
END_TEST

/* ---- rootless --------------------------------------------------------------------------- */

/* Run @fn(@f) in a child as uid and gid OTHER_UID; the test fails unless it exits 0. */
static void as_other(void (*fn)(struct fx *f), struct fx *f)
{
	pid_t pid = fork();
	int status;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (setresgid(OTHER_UID, OTHER_UID, OTHER_UID) < 0 ||
		    setresuid(OTHER_UID, OTHER_UID, OTHER_UID) < 0)
			_exit(3);
		fn(f); /* a failed assertion exits non-zero */
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "as uid %u: status %#x",
		      OTHER_UID, status);
}

static void store_and_hit(struct fx *f)
{
	fx_store(f);
	expect_hit(f);
}

static void refused_third_owner(struct fx *f)
{
	cleanup_free char *msg =
	    xasprintf("seccomp cache '%s' ignored: '%s' is owned by uid 4242, not 0 or %u", f->dir,
		      f->parent, OTHER_UID);

	expect_ignored(f, msg, true);
}

static void refused_root_owned(struct fx *f)
{
	cleanup_free char *msg =
	    xasprintf("seccomp cache '%s' ignored: owned by uid 0, not %u", f->dir, OTHER_UID);

	expect_ignored(f, msg, true);
}

START_TEST(test_cache_rootless_trust)
{
	struct fx f;

	if (!unit_is_root())
		UNIT_SKIP("switching to another uid needs root");
	fx_init(&f);
	ck_assert_int_eq(mkdir(f.parent, 0755), 0); /* root's: fine above a user's cache */
	ck_assert_int_eq(mkdir(f.dir, 0700), 0);
	ck_assert_int_eq(chown(f.dir, OTHER_UID, OTHER_UID), 0);
	as_other(store_and_hit, &f);
	/* a directory above it owned by a third user */
	ck_assert_int_eq(chown(f.parent, 4242, 4242), 0);
	as_other(refused_third_owner, &f);
	ck_assert_int_eq(chown(f.parent, 0, 0), 0);
	/* the cache directory itself must be the user's own, not even root's */
	ck_assert_int_eq(chown(f.dir, 0, 0), 0);
	ck_assert_int_eq(chmod(f.dir, 0755), 0);
	as_other(refused_root_owned, &f);
	fx_free(&f);
}
END_TEST

static int has_entry(const char *dir)
{
	cleanup_free char *cmd = xasprintf("ls %s/*.bpf >/dev/null 2>&1", dir);

	return system(cmd) == 0;
}

/* policy_prepare() as a rootless ward: the user's own cache directory */
static void rootless_policy(struct fx *f)
{
	struct container_spec spec;
	struct filter_prog p;
	struct ward_err err = {0};
	cleanup_free char *home = xasprintf("%s/home", f->top);
	cleanup_free char *xdg = xasprintf("%s/xdg", f->top);
	cleanup_free char *in_home = xasprintf("%s/.cache/ward/seccomp", home);
	cleanup_free char *in_xdg = xasprintf("%s/ward/seccomp", xdg);
	bool hit = true;

	ck_assert_int_eq(unsetenv("WARD_CACHE_DIR"), 0);
	ck_assert_int_eq(unsetenv("XDG_CACHE_HOME"), 0);
	ck_assert_int_eq(setenv("HOME", home, 1), 0);
	spec_init(&spec);
	spec.seccomp_mode = SPEC_SECCOMP_DEFAULT;
	ck_assert_msg(policy_prepare(&spec, 0, &p, &hit, &err) == 0, "%s", err.msg);
	ck_assert(!hit && p.enabled);
	filter_prog_release(&p);
	ck_assert(has_entry(in_home));
	ck_assert_msg(policy_prepare(&spec, 0, &p, &hit, &err) == 0, "%s", err.msg);
	ck_assert_msg(hit, "the second run is served from $HOME/.cache/ward/seccomp");
	filter_prog_release(&p);

	/* $XDG_CACHE_HOME comes first; a relative one is ignored (the XDG spec) */
	ck_assert_int_eq(setenv("XDG_CACHE_HOME", xdg, 1), 0);
	ck_assert_int_eq(policy_prepare(&spec, 0, &p, &hit, &err), 0);
	ck_assert(!hit);
	filter_prog_release(&p);
	ck_assert(has_entry(in_xdg));
	ck_assert_int_eq(setenv("XDG_CACHE_HOME", "rel", 1), 0);
	ck_assert_int_eq(policy_prepare(&spec, 0, &p, &hit, &err), 0);
	ck_assert(hit);
	filter_prog_release(&p);

	/* WARD_CACHE_DIR still decides, and empty means none */
	ck_assert_int_eq(setenv("WARD_CACHE_DIR", "", 1), 0);
	ck_assert_int_eq(policy_prepare(&spec, 0, &p, &hit, &err), 0);
	ck_assert(!hit);
	filter_prog_release(&p);
	spec_release(&spec);
}

START_TEST(test_cache_rootless_policy_dir)
{
	struct fx f;
	cleanup_free char *home = NULL;
	cleanup_free char *xdg = NULL;

	if (!unit_is_root())
		UNIT_SKIP("switching to another uid needs root");
	fx_init(&f);
	home = xasprintf("%s/home", f.top);
	xdg = xasprintf("%s/xdg", f.top);
	ck_assert_int_eq(mkdir(home, 0755), 0);
	ck_assert_int_eq(mkdir(xdg, 0755), 0);
	ck_assert_int_eq(chown(home, OTHER_UID, OTHER_UID), 0);
	ck_assert_int_eq(chown(xdg, OTHER_UID, OTHER_UID), 0);
	as_other(rootless_policy, &f);
	fx_free(&f);
}
END_TEST

Suite *cache_suite(void)
{
	Suite *s = suite_create("cache");
	TCase *tc;

	tc = tcase_create("use");
	tcase_set_timeout(tc, UNIT_TIMEOUT);
	tcase_add_test(tc, test_cache_roundtrip);
	tcase_add_test(tc, test_cache_other_build_misses);
	tcase_add_test(tc, test_cache_key_is_the_running_build);
	tcase_add_test(tc, test_cache_damaged_entries_miss);
	tcase_add_test(tc, test_cache_forged_disabled_entry);
	tcase_add_test(tc, test_cache_stacked);
	suite_add_tcase(s, tc);

	tc = tcase_create("trust");
	tcase_set_timeout(tc, UNIT_TIMEOUT);
	tcase_add_test(tc, test_cache_wrong_owner);
	tcase_add_test(tc, test_cache_group_writable);
	tcase_add_test(tc, test_cache_world_writable);
	tcase_add_test(tc, test_cache_symlinked_entry);
	tcase_add_test(tc, test_cache_symlinked_directory);
	tcase_add_test(tc, test_cache_not_regular_or_relative);
	tcase_add_test(tc, test_cache_rootless_trust);
	tcase_add_test(tc, test_cache_rootless_policy_dir);
	suite_add_tcase(s, tc);
	return s;
}
