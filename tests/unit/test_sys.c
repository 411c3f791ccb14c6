/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_sys.c - root-confined path resolution: symlinks and ".." never leave the root. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "unit.h"
#include "ward/sys.h"

static char root[64];
static int rootfd = -1;

static void setup(void)
{
	char p[128];

	strcpy(root, "/tmp/ward-unit-sys-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(p, sizeof(p), "%s/etc", root);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	/* an image's hostile links: absolute and relative ways out */
	snprintf(p, sizeof(p), "%s/etc/passwd", root);
	ck_assert_int_eq(symlink("/etc/hostname", p), 0); /* exists on the host */
	snprintf(p, sizeof(p), "%s/up", root);
	ck_assert_int_eq(symlink("../../../../..", p), 0);
	snprintf(p, sizeof(p), "%s/escape", root);
	ck_assert_int_eq(symlink("/", p), 0);
	rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(rootfd, 0);
}

static void teardown(void)
{
	char cmd[128];

	close(rootfd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_absolute_link_stays_inside)
{
	/* /etc/passwd -> /etc/hostname resolves to <root>/etc/hostname, absent */
	int fd = sys_open_in_root(rootfd, "/etc/passwd", O_RDONLY, 0);

	ck_assert_int_eq(access("/etc/hostname", F_OK), 0);
	ck_assert_int_lt(fd, 0);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

/* @fd (closed here) is <root>@rel on the host */
static void assert_below_root(int fd, const char *rel)
{
	char path[PATH_MAX], want[PATH_MAX], link[64];
	ssize_t n;

	ck_assert_int_ge(fd, 0);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	ck_assert_int_gt(n, 0);
	path[n] = '\0';
	snprintf(want, sizeof(want), "%s%s", root, rel);
	ck_assert_str_eq(path, want);
	close(fd);
}

START_TEST(test_dotdot_stays_inside)
{
	int fd = sys_open_in_root(rootfd, "/up/up/tmp", O_PATH, 0);

	/* "../../.." from the root is the root: /up/up/tmp is <root>/tmp, absent */
	ck_assert_int_lt(fd, 0);
	assert_below_root(sys_open_in_root(rootfd, "/escape/etc", O_PATH | O_DIRECTORY, 0), "/etc");
}
END_TEST

START_TEST(test_mkdir_p_in_root)
{
	char path[PATH_MAX];
	struct stat st;
	int fd;

	/* created below the root, through the "/" link, never on the host */
	assert_below_root(sys_mkdir_p_in_root(rootfd, "/escape/a/b/c", 0755), "/a/b/c");
	ck_assert_int_lt(stat("/a/b/c", &st), 0);
	/* existing directories are fine; a file in the way is an error */
	fd = sys_mkdir_p_in_root(rootfd, "/a/b", 0755);
	ck_assert_int_ge(fd, 0);
	close(fd);
	snprintf(path, sizeof(path), "%s/a/file", root);
	close(open(path, O_CREAT | O_WRONLY, 0644));
	ck_assert_int_lt(sys_mkdir_p_in_root(rootfd, "/a/file/x", 0755), 0);
	ck_assert_int_eq(errno, ENOTDIR);
	ck_assert_int_lt(sys_mkdir_p_in_root(rootfd, "/a/file/x/y", 0755), 0);
	ck_assert_int_eq(errno, ENOTDIR);
	/* repeated and trailing slashes; the missing part below an existing one */
	assert_below_root(sys_mkdir_p_in_root(rootfd, "a//b/d1///d2/", 0755), "/a/b/d1/d2");
}
END_TEST

START_TEST(test_cloexec_from)
{
	int fd = open("/dev/null", O_RDONLY);

	ck_assert_int_ge(fd, 3);
	ck_assert_int_eq(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
	ck_assert_int_eq(sys_cloexec_from(3), 0);
	ck_assert_int_eq(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	close(fd);
}
END_TEST

/* every descriptor from the low one closed, but the kept ones (unsorted, with a -1) */
START_TEST(test_close_except)
{
	const int keep[] = {107, -1, 103, 110};
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	for (int i = 100; i <= 112; i++)
		ck_assert_int_eq(dup2(fd, i), i);
	ck_assert_int_eq(sys_close_except(101, keep, 4), 0);
	for (int i = 100; i <= 112; i++) {
		bool open_now = fcntl(i, F_GETFD) >= 0;

		ck_assert_msg(open_now == (i == 100 || i == 103 || i == 107 || i == 110),
			      "descriptor %d is %s", i, open_now ? "open" : "closed");
	}
	ck_assert_int_ge(fcntl(fd, F_GETFD), 0); /* below the low one */
	close(fd);
}
END_TEST

Suite *sys_suite(void)
{
	Suite *s = suite_create("sys");
	TCase *tc = tcase_create("sys");

	tcase_set_timeout(tc, UNIT_TIMEOUT);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_absolute_link_stays_inside);
	tcase_add_test(tc, test_dotdot_stays_inside);
	tcase_add_test(tc, test_mkdir_p_in_root);
	tcase_add_test(tc, test_cloexec_from);
	tcase_add_test(tc, test_close_except);
	suite_add_tcase(s, tc);
	return s;
}
