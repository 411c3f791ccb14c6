/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_spec.c - validation against a rootfs: users, groups, env, volumes, tmpfs. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "unit.h"
#include "ward/spec.h"

static char rootfs[64];

static void write_text(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", rootfs, rel);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void make_rootfs(void)
{
	char path[256];

	strcpy(rootfs, "/tmp/ward-unit-rootfs-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(rootfs));
	snprintf(path, sizeof(path), "%s/etc", rootfs);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	write_text("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"
				 "app:x:1000:1000::/home/app:/bin/sh\n"
				 "broken line\n"
				 "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n");
	write_text("etc/group",
		   "root:x:0:root\napp:x:1000:\nextra:x:2000:app\nmore:x:3000:x,app\n");
}

static void remove_rootfs(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", rootfs);
	ck_assert_int_eq(system(cmd), 0);
}

static int finalize(struct container_spec *spec, const char *user, struct ward_err *err)
{
	spec_init(spec);
	spec->rootfs = strdup(rootfs);
	return spec_finalize(spec, user, err);
}

START_TEST(test_defaults)
{
	struct container_spec spec;
	struct ward_err err = {0};

	ck_assert_int_eq(finalize(&spec, NULL, &err), 0);
	ck_assert_uint_eq(spec.uid, 0);
	ck_assert_uint_eq(spec.gid, 0);
	ck_assert_str_eq(spec.argv.v[0], "/bin/sh");
	ck_assert_str_eq(spec.cwd, "/");
	ck_assert_str_eq(spec_getenv(&spec, "PATH"), SPEC_DEFAULT_PATH);
	ck_assert_str_eq(spec_getenv(&spec, "HOME"), "/root");
	ck_assert_uint_eq(strlen(spec.hostname), 12);
	ck_assert_uint_eq(strspn(spec.hostname, "0123456789abcdef"), 12);
	ck_assert_str_eq(spec_getenv(&spec, "HOSTNAME"), spec.hostname);
	ck_assert_uint_eq(spec.caps, 0xa80425fbULL);
	spec_release(&spec);
}
END_TEST

START_TEST(test_users)
{
	struct container_spec spec;
	struct ward_err err = {0};

	ck_assert_int_eq(finalize(&spec, "app", &err), 0);
	ck_assert_uint_eq(spec.uid, 1000);
	ck_assert_uint_eq(spec.gid, 1000);
	ck_assert_uint_eq(spec.ngroups, 2);
	ck_assert_uint_eq(spec.groups[0], 2000);
	ck_assert_uint_eq(spec.groups[1], 3000);
	ck_assert_str_eq(spec_getenv(&spec, "HOME"), "/home/app");
	spec_release(&spec);

	ck_assert_int_eq(finalize(&spec, "1000:extra", &err), 0);
	ck_assert_uint_eq(spec.uid, 1000);
	ck_assert_uint_eq(spec.gid, 2000);
	spec_release(&spec);

	/* a number not in passwd: gid 0, HOME /, its own gid as the only group */
	ck_assert_int_eq(finalize(&spec, "4242", &err), 0);
	ck_assert_uint_eq(spec.uid, 4242);
	ck_assert_uint_eq(spec.gid, 0);
	ck_assert_uint_eq(spec.ngroups, 1);
	ck_assert_str_eq(spec_getenv(&spec, "HOME"), "/");
	spec_release(&spec);

	ck_assert_int_eq(finalize(&spec, "1000:1000", &err), 0);
	ck_assert_uint_eq(spec.gid, 1000);
	spec_release(&spec);
}
END_TEST

static const char *finalize_error(const char *user)
{
	static struct ward_err err;
	struct container_spec spec;

	memset(&err, 0, sizeof(err));
	ck_assert_int_lt(finalize(&spec, user, &err), 0);
	spec_release(&spec);
	return err.msg;
}

START_TEST(test_user_errors)
{
	ck_assert_str_eq(finalize_error("a:b:c"), "invalid user 'a:b:c'");
	ck_assert_str_eq(finalize_error(""), "invalid user ''");
	ck_assert_str_eq(finalize_error("app:"), "invalid user 'app:'");
	ck_assert_str_eq(finalize_error("99999999999"), "invalid user '99999999999'");
	ck_assert_str_eq(finalize_error("4294967295"), "invalid user '4294967295'");
	ck_assert_str_eq(finalize_error("nosuchuser"),
			 "unable to find user 'nosuchuser': no matching entries in passwd file");
	ck_assert_str_eq(finalize_error("app:nogroup"),
			 "unable to find group 'nogroup': no matching entries in group file");
}
END_TEST

START_TEST(test_passwd_symlink_stays_in_rootfs)
{
	char link[256], etc[256];
	struct container_spec spec;
	struct ward_err err = {0};

	/* an image's /etc/passwd pointing at the host's must not be read from the host */
	snprintf(link, sizeof(link), "%s/etc/passwd", rootfs);
	ck_assert_int_eq(unlink(link), 0);
	ck_assert_int_eq(symlink("/etc/passwd", link), 0);
	snprintf(etc, sizeof(etc), "%s/etc", rootfs);
	ck_assert_int_lt(finalize(&spec, "root", &err), 0);
	ck_assert_str_eq(err.msg, "unable to find user 'root': no matching entries in passwd file");
	spec_release(&spec);
}
END_TEST

START_TEST(test_rootfs_errors)
{
	struct container_spec spec;
	struct ward_err err = {0};
	char file[256];

	spec_init(&spec);
	spec.rootfs = strdup("/nonexistent-ward-rootfs");
	ck_assert_int_lt(spec_finalize(&spec, NULL, &err), 0);
	ck_assert_str_eq(err.msg, "cannot use rootfs '/nonexistent-ward-rootfs'");
	ck_assert_int_eq(err.code, ENOENT);
	spec_release(&spec);

	snprintf(file, sizeof(file), "%s/etc/passwd", rootfs);
	spec.rootfs = strdup(file);
	ck_assert_int_lt(spec_finalize(&spec, NULL, &err), 0);
	ck_assert_int_eq(err.code, ENOTDIR);
	spec_release(&spec);

	spec.rootfs = strdup(rootfs);
	spec.cwd = strdup("rel");
	ck_assert_int_lt(spec_finalize(&spec, NULL, &err), 0);
	ck_assert_str_eq(err.msg, "working directory 'rel' is not an absolute path");
	spec_release(&spec);
}
END_TEST

START_TEST(test_volumes)
{
	struct container_spec spec;
	struct ward_err err = {0};

	spec_init(&spec);
	ck_assert_int_eq(spec_parse_volume(&spec, "/tmp:/data", &err), 0);
	ck_assert_int_eq(spec_parse_volume(&spec, "/tmp:/ro:ro", &err), 0);
	ck_assert_int_eq(spec_parse_volume(&spec, "/tmp:/rw:rw", &err), 0);
	ck_assert_uint_eq(spec.nmounts, 3);
	ck_assert_uint_eq(spec.mounts[0].flags, 0);
	ck_assert_uint_eq(spec.mounts[1].flags, MS_RDONLY);
	ck_assert_str_eq(spec.mounts[1].source, "/tmp");
	ck_assert_str_eq(spec.mounts[1].destination, "/ro");

	static const struct {
		const char *arg, *why;
	} bad[] = {
	    {"nocolon", "no destination (SRC:DST[:ro|rw])"},
	    {"relative:/x",
	     "the source 'relative' must be an absolute path (ward has no named volumes)"},
	    {"/tmp:relative", "the destination 'relative' must be an absolute path"},
	    {"/tmp:", "the destination is empty"},
	    {"/tmp:/", "the destination '/' is the container's root"},
	    {"/tmp:/d:bogus", "unknown mode 'bogus' (use ro or rw)"},
	    {"/tmp:/d:ro:extra", "too many fields (SRC:DST[:ro|rw])"},
	    {":/x", "the source is empty"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char want[256];

		snprintf(want, sizeof(want), "invalid volume specification '%s': %s", bad[i].arg,
			 bad[i].why);
		ck_assert_int_lt(spec_parse_volume(&spec, bad[i].arg, &err), 0);
		ck_assert_str_eq(err.msg, want);
	}
	ck_assert_int_lt(spec_parse_volume(&spec, "/nonexistent:/x", &err), 0);
	ck_assert_str_eq(err.msg, "volume source '/nonexistent'");
	ck_assert_int_eq(err.code, ENOENT);
	ck_assert_uint_eq(spec.nmounts, 3);
	spec_release(&spec);
}
END_TEST

START_TEST(test_tmpfs)
{
	struct container_spec spec;
	struct ward_err err = {0};

	spec_init(&spec);
	ck_assert_int_eq(spec_parse_tmpfs(&spec, "/scratch", &err), 0);
	ck_assert_uint_eq(spec.mounts[0].flags, MS_NOSUID | MS_NODEV | MS_NOEXEC);
	ck_assert_ptr_null(spec.mounts[0].data);
	ck_assert_int_eq(spec_parse_tmpfs(&spec, "/t:ro,exec,size=64m,mode=1777", &err), 0);
	ck_assert_uint_eq(spec.mounts[1].flags, MS_NOSUID | MS_NODEV | MS_RDONLY);
	ck_assert_str_eq(spec.mounts[1].data, "size=64m,mode=1777");
	ck_assert_int_lt(spec_parse_tmpfs(&spec, "rel", &err), 0);
	ck_assert_str_eq(err.msg, "invalid tmpfs specification 'rel'");
	ck_assert_int_lt(spec_parse_tmpfs(&spec, "/t:bogus", &err), 0);
	ck_assert_str_eq(err.msg, "invalid tmpfs option 'bogus' in '/t:bogus'");
	spec_release(&spec);
}
END_TEST

START_TEST(test_env)
{
	struct container_spec spec;

	spec_init(&spec);
	spec_setenv(&spec, "A=1");
	spec_setenv(&spec, "AB=2");
	spec_setenv(&spec, "A=3");
	ck_assert_uint_eq(spec.env.n, 2);
	ck_assert_str_eq(spec_getenv(&spec, "A"), "3");
	ck_assert_str_eq(spec_getenv(&spec, "AB"), "2");
	ck_assert_ptr_null(spec_getenv(&spec, "B"));
	spec_release(&spec);
}
END_TEST

Suite *spec_suite(void)
{
	Suite *s = suite_create("spec");
	TCase *tc = tcase_create("spec");

	tcase_set_timeout(tc, UNIT_TIMEOUT);
	tcase_add_checked_fixture(tc, make_rootfs, remove_rootfs);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_users);
	tcase_add_test(tc, test_user_errors);
	tcase_add_test(tc, test_passwd_symlink_stays_in_rootfs);
	tcase_add_test(tc, test_rootfs_errors);
	tcase_add_test(tc, test_volumes);
	tcase_add_test(tc, test_tmpfs);
	tcase_add_test(tc, test_env);
	suite_add_tcase(s, tc);
	return s;
}
