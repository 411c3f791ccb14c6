// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * filter_cache.c - compiled programs on disk, `<dir>/<hexkey>.bpf`, keyed on
 * everything a program depends on: the profile bytes, the capability set, the
 * arch, the kernel release, the build flags, the libseccomp version, and the
 * ward binary itself (its ELF build id), so that a rebuilt ward never loads
 * what an older one compiled. An entry is taken only from a directory chain
 * nobody but ward's euid (and root) can write.
 */
#include "filter_int.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/log.h"
#include "ward/util.h"

#define CACHE_MAGIC "WARDBPF\n"
/* the entry format; 2: programs with the fast path in front; 3: stacked programs */
#define CACHE_VERSION 3U

struct cache_hdr {
	char magic[8];
	uint32_t version;
	uint32_t flags;	  /* SECCOMP_FILTER_FLAG_* */
	uint32_t enabled; /* 0 or 1 */
	uint32_t len;	  /* instructions that follow */
	uint32_t nparts;  /* 0 or 1: one program; more: stacked, part_len[i] each */
	uint32_t part_len[FILTER_MAX_PARTS];
	uint64_t key[2];
	uint64_t checksum; /* FNV-1a 64: header (checksum 0), then the program */
};

#define FNV_PRIME   0x100000001b3ULL
#define FNV_BASIS_0 0xcbf29ce484222325ULL
#define FNV_BASIS_1 (0x84222325cbf29ce4ULL ^ 0x5bd1e9955bd1e995ULL)

/*
 * The key: FNV-1a 64, run twice with different offset bases for 128 bits, over
 * 8-byte words (then the last bytes one by one): a warm start hashes the whole
 * profile, and byte by byte that was a third of ward's own work in it.
 */
/* FNV-1a 64 byte by byte: the entry's checksum (its format is fixed). */
static void fnv_bytes(uint64_t h[2], const void *data, size_t len)
{
	const unsigned char *b = data;
	size_t i;

	for (i = 0; i < len; i++) {
		h[0] = (h[0] ^ b[i]) * FNV_PRIME;
		h[1] = (h[1] ^ b[i]) * FNV_PRIME;
	}
}

static void fnv(uint64_t h[2], const void *data, size_t len)
{
	const unsigned char *b = data;
	size_t i = 0;
	uint64_t w;

	for (; i + sizeof(w) <= len; i += sizeof(w)) {
		memcpy(&w, b + i, sizeof(w));
		h[0] = (h[0] ^ w) * FNV_PRIME;
		h[1] = (h[1] ^ w) * FNV_PRIME;
	}
	for (; i < len; i++) {
		h[0] = (h[0] ^ b[i]) * FNV_PRIME;
		h[1] = (h[1] ^ b[i]) * FNV_PRIME;
	}
}

/* Length-prefixed, so ("ab","c") and ("a","bc") hash differently. */
static void fnv_field(uint64_t h[2], const void *data, size_t len)
{
	uint64_t n = len;

	fnv(h, &n, sizeof(n));
	fnv(h, data, len);
}

static void fnv_str(uint64_t h[2], const char *s)
{
	fnv_field(h, s, strlen(s));
}

/* ---- which ward compiled it --------------------------------------------------------- */

/*
 * A program is only as good as the ward that compiled it: a rebuilt ward (another
 * compiler, a fixed fast path) must not take an older one's entry although
 * WARD_VERSION and CACHE_VERSION stayed the same. So the key holds the running
 * binary's identity: the NT_GNU_BUILD_ID note the linker put in it, read in
 * memory through dl_iterate_phdr(), whose first object is the program itself
 * (libward is linked in statically: ward, the unit tests, the fuzzers); or, if
 * the linker wrote none, a hash of /proc/self/exe. Either is read once.
 */
struct self_id {
	bool done;
	int error;	  /* a negative errno when neither could be had */
	const char *kind; /* "build-id" or "exe-fnv" */
	unsigned char v[64];
	size_t len;
};

static struct self_id self_id; /* ward is single-threaded (STYLE.md pitfall 1) */

#define NOTE_ALIGN(n, a) (((size_t)(n) + (a)-1) & ~((size_t)(a)-1))

/* The NT_GNU_BUILD_ID note among the @size bytes of notes at @p, into @id. */
static bool find_build_id(const unsigned char *p, size_t size, size_t align, struct self_id *id)
{
	size_t off = 0, name, desc;
	ElfW(Nhdr) n;

	align = align == 8 ? 8 : 4;
	while (off < size && size - off >= sizeof(n)) {
		memcpy(&n, p + off, sizeof(n));
		name = off + sizeof(n);
		desc = name + NOTE_ALIGN(n.n_namesz, align);
		if (desc > size || n.n_descsz > size - desc)
			return false;
		if (n.n_type == NT_GNU_BUILD_ID && n.n_namesz == 4 &&
		    memcmp(p + name, "GNU", 4) == 0 && n.n_descsz > 0 &&
		    n.n_descsz <= sizeof(id->v)) {
			memcpy(id->v, p + desc, n.n_descsz);
			id->len = n.n_descsz;
			return true;
		}
		off = desc + NOTE_ALIGN(n.n_descsz, align);
	}
	return false;
}

static int note_of_program(struct dl_phdr_info *info, size_t size, void *data)
{
	ElfW(Half) i;

	(void)size;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type == PT_NOTE &&
		    find_build_id((const unsigned char *)(info->dlpi_addr + ph->p_vaddr),
				  ph->p_memsz, ph->p_align, data))
			break;
	}
	return 1; /* the first object is the program; the shared libraries are not ward */
}

/* FNV-1a of the whole running executable, for a ward linked without a build id. */
static int hash_exe(struct self_id *id)
{
	cleanup_close int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	uint64_t h[2] = {FNV_BASIS_0, FNV_BASIS_1};
	unsigned char buf[16384];
	ssize_t n;

	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		fnv(h, buf, (size_t)n);
	}
	memcpy(id->v, h, sizeof(h));
	id->len = sizeof(h);
	return 0;
}

static const struct self_id *self_identity(void)
{
	if (self_id.done)
		return &self_id;
	self_id.done = true;
	self_id.kind = "build-id";
	(void)dl_iterate_phdr(note_of_program, &self_id); /* the callback's answer, always 1 */
	if (self_id.len == 0) {
		self_id.kind = "exe-fnv";
		self_id.error = hash_exe(&self_id);
		log_debug("seccomp cache: ward has no build id; keyed on a hash of /proc/self/exe");
	}
	return &self_id;
}

/* ---- the key ------------------------------------------------------------------------- */

/* The identity of the ward that compiles: @key's when given, else the running binary's. */
static int hash_build(uint64_t h[2], const struct filter_cache_key *key)
{
	const struct self_id *id;

	if (key->build_id) {
		fnv_str(h, "build-id");
		fnv_field(h, key->build_id, key->build_id_len);
		return 0;
	}
	id = self_identity();
	if (id->error)
		return id->error;
	fnv_str(h, id->kind);
	fnv_field(h, id->v, id->len);
	return 0;
}

static int cache_key(const struct filter_cache_key *key, uint64_t out[2])
{
	const struct scmp_version *v = seccomp_version();
	uint64_t h[2] = {FNV_BASIS_0, FNV_BASIS_1};
	uint32_t num[4] = {CACHE_VERSION, 0, 0, 0};
	struct utsname u;
	const char *release = key->kernel_release;
	int rc;

	if (!release) {
		if (uname(&u) < 0)
			return -errno;
		release = u.release;
	}
	if (v) {
		num[1] = v->major;
		num[2] = v->minor;
		num[3] = v->micro;
	}
	fnv_str(h, "ward seccomp cache");
	fnv_field(h, num, sizeof(num));
	fnv_str(h, WARD_VERSION);
	rc = hash_build(h, key);
	if (rc < 0)
		return rc;
	fnv_field(h, key->profile, key->profile_len);
	fnv_field(h, &key->caps, sizeof(key->caps));
	fnv_str(h, key->arch ? key->arch : "");
	fnv_str(h, release);
	fnv_field(h, &key->build_flags, sizeof(key->build_flags));
	out[0] = h[0];
	out[1] = h[1];
	return 0;
}

int filter_cache_key_hex(const struct filter_cache_key *key, char out[FILTER_CACHE_KEY_HEX])
{
	uint64_t k[2];
	int rc = cache_key(key, k);

	if (rc < 0)
		return rc;
	(void)snprintf(out, FILTER_CACHE_KEY_HEX, "%016llx%016llx", (unsigned long long)k[0],
		       (unsigned long long)k[1]);
	return 0;
}

static uint64_t cache_checksum(const struct cache_hdr *hdr, const struct sock_filter *insns)
{
	struct cache_hdr h = *hdr;
	uint64_t s[2] = {FNV_BASIS_0, 0};

	h.checksum = 0;
	fnv_bytes(s, &h, sizeof(h));
	if (insns)
		fnv_bytes(s, insns, (size_t)hdr->len * sizeof(*insns));
	return s[0];
}

/*
 * Trust. The checksum detects damage, not forgery (anyone can recompute it), so
 * an entry is only as good as who could have written it. It is taken only when
 * nobody but ward's euid (and root) can have put it there: every directory from
 * / down is opened with O_NOFOLLOW relative to the previous one and fstat'ed;
 * each must be owned by root or the euid and writable by nobody else. A sticky
 * directory owned by root (/tmp) may be an ancestor: others can add names to
 * it but not rename or remove ours, and a directory they made is theirs, which
 * fails the owner check. The cache directory itself and the entry must be the
 * euid's, writable by it alone, and the entry a regular file.
 */

/* @path's components, for messages: the first @n bytes of @path, or "/". */
static const char *shown(char *buf, size_t size, const char *path, size_t n)
{
	(void)snprintf(buf, size, "%.*s", (int)(n ? n : 1), n ? path : "/");
	return buf;
}

/* 0 when @st may lead to (or, @last, be) the cache directory @dir. */
static int trust_dir(const char *dir, const char *what, const struct stat *st, bool last,
		     struct ward_err *why)
{
	uid_t me = geteuid();
	bool owner_ok = st->st_uid == me || (!last && st->st_uid == 0);
	mode_t mode = st->st_mode & 07777;
	char is[PATH_MAX + 8] = "";

	if (!last)
		(void)snprintf(is, sizeof(is), "'%s' is ", what);
	if (!S_ISDIR(st->st_mode))
		return err_set(why, EPERM, "seccomp cache '%s' ignored: %snot a directory", dir,
			       is);
	if (!owner_ok && (last || me == 0))
		return err_set(why, EPERM, "seccomp cache '%s' ignored: %sowned by uid %u, not %u",
			       dir, is, (unsigned)st->st_uid, (unsigned)me);
	if (!owner_ok)
		return err_set(why, EPERM,
			       "seccomp cache '%s' ignored: %sowned by uid %u, not 0 or %u", dir,
			       is, (unsigned)st->st_uid, (unsigned)me);
	if (!(mode & (S_IWGRP | S_IWOTH)))
		return 0;
	if (!last && (mode & S_ISVTX) && st->st_uid == 0)
		return 0; /* like /tmp, see above */
	return err_set(why, EPERM, "seccomp cache '%s' ignored: %s%s writable (mode %04o)", dir, is,
		       (mode & S_IWOTH) ? "world" : "group", (unsigned)mode);
}

/* fstat @fd and check it as a directory of the chain. */
static int check_dir_fd(int fd, const char *dir, const char *what, bool last, struct ward_err *why)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return err_set(why, errno, "seccomp cache '%s' ignored: cannot stat '%s': %s", dir,
			       what, strerror(errno));
	return trust_dir(dir, what, &st, last, why);
}

/* One step down: @name in @parent, made (mode 0700) first when @create and missing. */
static int open_component(int parent, const char *name, bool create, const char *dir,
			  const char *what, struct ward_err *why)
{
	int fd = openat(parent, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	int e;

	if (fd < 0 && errno == ENOENT && create) {
		if (mkdirat(parent, name, 0700) < 0 && errno != EEXIST)
			return err_set(why, errno, "cannot create cache directory '%s': %s", what,
				       strerror(errno));
		fd = openat(parent, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd >= 0)
		return fd;
	e = errno;
	if (e == ENOENT)
		return err_set(why, ENOENT, "seccomp cache '%s': '%s' does not exist", dir, what);
	if (e == ENOTDIR && fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(st.st_mode))
		return err_set(why, EPERM, "seccomp cache '%s' ignored: '%s' is a symbolic link",
			       dir, what);
	return err_set(why, e == ENOTDIR ? EPERM : e,
		       "seccomp cache '%s' ignored: cannot open '%s': %s", dir, what, strerror(e));
}

/*
 * The cache directory @dir as an O_PATH descriptor, every directory of the
 * chain checked (and, with @create, the missing ones made).
 *
 * Return: the descriptor; -ENOENT (@why says what is missing) when part of the
 * chain does not exist and !@create; another negative errno (-EPERM when the
 * chain is not trusted) with @why saying why the cache is ignored.
 */
static int open_cache_dir(const char *dir, bool create, struct ward_err *why)
{
	size_t n = strlen(dir), i = 0, end;
	cleanup_free char *name = xstrdup(dir);
	cleanup_close int fd = -1;
	char what[PATH_MAX];
	int next;
	int r;

	if (dir[0] != '/')
		return err_set(why, EPERM, "seccomp cache '%s' ignored: not an absolute path", dir);
	if (n >= PATH_MAX)
		return err_set(why, ENAMETOOLONG, "seccomp cache '%s' ignored: path too long", dir);
	fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return err_set(why, errno, "seccomp cache '%s' ignored: cannot open '/': %s", dir,
			       strerror(errno));
	while (i < n && dir[i] == '/')
		i++;
	r = check_dir_fd(fd, dir, "/", i == n, why);
	if (r < 0)
		return r;
	while (i < n) {
		for (end = i; end < n && dir[end] != '/'; end++)
			;
		memcpy(name, dir + i, end - i);
		name[end - i] = '\0';
		(void)shown(what, sizeof(what), dir, end);
		if (strcmp(name, "..") == 0 || strcmp(name, ".") == 0)
			return err_set(why, EPERM, "seccomp cache '%s' ignored: '%s' in the path",
				       dir, name);
		while (end < n && dir[end] == '/')
			end++;
		next = open_component(fd, name, create, dir, what, why);
		if (next < 0)
			return next;
		(void)close(fd);
		fd = next;
		r = check_dir_fd(fd, dir, what, end == n, why);
		if (r < 0)
			return r;
		i = end;
	}
	return steal_fd(&fd);
}

/* 0 when the opened entry @fd (`@path`, described by @st) may be read. */
static int trust_entry(const char *path, const struct stat *st, struct ward_err *why)
{
	uid_t me = geteuid();

	if (!S_ISREG(st->st_mode))
		return err_set(why, EPERM, "seccomp cache entry '%s' ignored: not a regular file",
			       path);
	if (st->st_uid != me)
		return err_set(why, EPERM,
			       "seccomp cache entry '%s' ignored: owned by uid %u, not %u", path,
			       (unsigned)st->st_uid, (unsigned)me);
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return err_set(
		    why, EPERM, "seccomp cache entry '%s' ignored: %s writable (mode %04o)", path,
		    (st->st_mode & S_IWOTH) ? "world" : "group", (unsigned)(st->st_mode & 07777));
	return 0;
}

/* The entry @name in the trusted directory @dfd, opened and checked; -ENOENT: none. */
static int open_entry(int dfd, const char *name, const char *path, struct stat *st,
		      struct ward_err *why)
{
	/* O_NONBLOCK: a FIFO planted here must not hang ward before fstat says what it is */
	cleanup_close int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	int r;

	if (fd < 0 && errno == ENOENT)
		return -ENOENT;
	if (fd < 0 && errno == ELOOP)
		return err_set(why, EPERM, "seccomp cache entry '%s' ignored: a symbolic link",
			       path);
	if (fd < 0)
		return err_set(why, errno, "seccomp cache entry '%s' ignored: cannot open it: %s",
			       path, strerror(errno));
	if (fstat(fd, st) < 0)
		return err_set(why, errno, "seccomp cache entry '%s' ignored: cannot stat it: %s",
			       path, strerror(errno));
	r = trust_entry(path, st, why);
	if (r < 0)
		return r;
	return steal_fd(&fd);
}

static void entry_name(char *buf, size_t size, const uint64_t k[2])
{
	(void)snprintf(buf, size, "%016llx%016llx.bpf", (unsigned long long)k[0],
		       (unsigned long long)k[1]);
}

/* A well-formed header for key @k and a file of @size bytes (enabled or not). */
/* One program of at most FILTER_MAX_INSNS, or parts of that size that add up to len. */
static bool parts_ok(const struct cache_hdr *hdr)
{
	uint64_t sum = 0;

	if (hdr->nparts <= 1)
		return hdr->len <= FILTER_MAX_INSNS;
	if (hdr->nparts > FILTER_MAX_PARTS)
		return false;
	for (uint32_t i = 0; i < hdr->nparts; i++) {
		if (hdr->part_len[i] == 0 || hdr->part_len[i] > FILTER_MAX_INSNS)
			return false;
		sum += hdr->part_len[i];
	}
	return sum == hdr->len;
}

static bool header_ok(const struct cache_hdr *hdr, const uint64_t k[2], off_t size)
{
	return memcmp(hdr->magic, CACHE_MAGIC, sizeof(hdr->magic)) == 0 &&
	       hdr->version == CACHE_VERSION && hdr->key[0] == k[0] && hdr->key[1] == k[1] &&
	       parts_ok(hdr) &&
	       size == (off_t)(sizeof(*hdr) + (size_t)hdr->len * sizeof(struct sock_filter));
}

int filter_cache_lookup(const char *dir, const struct filter_cache_key *key,
			struct filter_prog *out, struct ward_err *why)
{
	char name[FILTER_CACHE_KEY_HEX + 8];
	cleanup_free char *path = NULL;
	cleanup_free struct sock_filter *insns = NULL;
	cleanup_close int dfd = -1;
	cleanup_close int fd = -1;
	struct cache_hdr hdr;
	uint64_t k[2];
	struct stat st;

	memset(out, 0, sizeof(*out));
	err_clear(why);
	if (cache_key(key, k) < 0)
		return 0;
	dfd = open_cache_dir(dir, false, why);
	if (dfd == -ENOENT) {
		err_clear(why);
		return 0; /* a missing cache is an empty one */
	}
	if (dfd < 0)
		return dfd;
	entry_name(name, sizeof(name), k);
	path = xasprintf("%s/%s", dir, name);
	fd = open_entry(dfd, name, path, &st, why);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return fd;
	if (st.st_size < (off_t)sizeof(hdr) || filter_read_at(fd, &hdr, sizeof(hdr), 0) < 0 ||
	    !header_ok(&hdr, k, st.st_size)) {
		log_debug("seccomp cache: ignoring invalid entry '%s'", path);
		return 0;
	}
	/* ward never writes one: whoever did wants the container unconfined */
	if (hdr.enabled != 1 || hdr.len == 0)
		return err_set(why, EPERM,
			       "seccomp cache entry '%s' ignored: it would turn the filter off",
			       path);
	insns = xcalloc(hdr.len, sizeof(*insns));
	if (filter_read_at(fd, insns, hdr.len * sizeof(*insns), (off_t)sizeof(hdr)) < 0)
		return 0;
	if (cache_checksum(&hdr, insns) != hdr.checksum) {
		log_debug("seccomp cache: checksum mismatch in '%s'", path);
		return 0;
	}
	out->insns = steal_ptr(&insns);
	out->len = hdr.len;
	out->flags = hdr.flags;
	out->enabled = true;
	out->nparts = hdr.nparts;
	for (uint32_t i = 0; hdr.nparts > 1 && i < hdr.nparts; i++)
		out->part_len[i] = hdr.part_len[i];
	return 1;
}

static int write_entry(int fd, const struct cache_hdr *hdr, const struct filter_prog *prog)
{
	int rc = fd_write_all(fd, hdr, sizeof(*hdr));

	/* no fsync: it cost a cold start a millisecond, and an entry a crash left
	 * short or torn fails its length or checksum check, which is a miss
	 */
	if (rc == 0)
		rc = fd_write_all(fd, prog->insns, prog->len * sizeof(*prog->insns));
	return rc;
}

/* A new file `.<name>.<random>` in @dfd, mode 0600, that nobody else has opened. */
static int create_temp(int dfd, const char *name, char *tmp, size_t size)
{
	uint64_t rnd;
	int i, fd;

	for (i = 0; i < 16; i++) {
		if (getrandom(&rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
			return errno ? -errno : -EIO;
		(void)snprintf(tmp, size, ".%s.%016llx", name, (unsigned long long)rnd);
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			return fd >= 0 ? fd : -errno;
	}
	return -EEXIST;
}

int filter_cache_store(const char *dir, const struct filter_cache_key *key,
		       const struct filter_prog *prog, struct ward_err *err)
{
	char name[FILTER_CACHE_KEY_HEX + 8];
	char tmp[sizeof(name) + 24];
	cleanup_close int dfd = -1;
	cleanup_close int fd = -1;
	struct cache_hdr hdr;
	uint64_t k[2];
	int rc;

	/* "no filter" is never cached: lookup refuses such an entry, whoever wrote it */
	if (!prog->enabled)
		return err_set(err, EINVAL, "a disabled seccomp program is never cached");
	if (!prog->insns || !prog->len || prog->nparts > FILTER_MAX_PARTS)
		return err_set(err, EINVAL, "invalid seccomp program for the cache");
	rc = cache_key(key, k);
	if (rc < 0)
		return err_set(err, -rc, "cannot compute the seccomp cache key");
	dfd = open_cache_dir(dir, true, err);
	if (dfd < 0)
		return dfd;

	memset(&hdr, 0, sizeof(hdr));
	memcpy(hdr.magic, CACHE_MAGIC, sizeof(hdr.magic));
	hdr.version = CACHE_VERSION;
	hdr.flags = prog->flags;
	hdr.enabled = 1;
	hdr.len = (uint32_t)prog->len;
	hdr.nparts = (uint32_t)prog->nparts;
	for (size_t i = 0; prog->nparts > 1 && i < prog->nparts; i++)
		hdr.part_len[i] = (uint32_t)prog->part_len[i];
	if (!parts_ok(&hdr))
		return err_set(err, EINVAL, "invalid seccomp program for the cache");
	hdr.key[0] = k[0];
	hdr.key[1] = k[1];
	hdr.checksum = cache_checksum(&hdr, prog->insns);

	entry_name(name, sizeof(name), k);
	fd = create_temp(dfd, name, tmp, sizeof(tmp));
	if (fd < 0)
		return err_set(err, -fd, "cannot create a temporary file in '%s'", dir);
	rc = write_entry(fd, &hdr, prog);
	if (rc == 0 && renameat(dfd, tmp, dfd, name) < 0)
		rc = -errno;
	if (rc < 0) {
		(void)unlinkat(dfd, tmp,
			       0); /* best effort: a stray temporary file is only clutter */
		return err_set(err, -rc, "cannot write seccomp cache entry '%s/%s'", dir, name);
	}
	return 0;
}
