/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * runner.c - runs the Check suites of tests/unit. CK_RUN_SUITE=<name> (set per
 * ctest entry) runs one suite; without it every suite runs. Exit status is
 * non-zero when any test failed. Skips (UNIT_SKIP, unit_skip()) are listed and
 * counted after Check's own summary, and $WARD_NO_SKIP names tests for which a
 * skip is a failure.
 */
#include "unit.h"

#include <check.h>
#include <fnmatch.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "suites.h"
#include "ward/cleanup.h"
#include "ward/util.h"

/* Where the tests' forked children record their skips for the parent: one line each. */
static int skip_fd = -1;

/* whether a word of the comma- or space-separated @list, a glob ("all": "*"), matches @name */
static bool in_list(const char *list, const char *name)
{
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ", ");
		char word[128];

		if (len && len < sizeof(word)) {
			memcpy(word, p, len);
			word[len] = '\0';
			if (strcmp(word, "all") == 0 || fnmatch(word, name, 0) == 0)
				return true;
		}
		p += len;
		p += strspn(p, ", ");
	}
	return false;
}

bool unit_must_run(const char *test)
{
	const char *list = getenv("WARD_NO_SKIP");

	return list && in_list(list, test);
}

void unit_make_bundle(char dir[64], const char *tag)
{
	char path[96];

	ck_assert_int_lt(snprintf(dir, 64, "/tmp/ward-unit-%s-XXXXXX", tag), 64);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/rootfs", dir);
	ck_assert_int_eq(mkdir(path, 0755), 0);
}

void unit_remove_dir(const char *dir)
{
	cleanup_free char *cmd = xasprintf("rm -rf -- '%s'", dir);

	ck_assert_int_eq(system(cmd), 0);
}

void unit_skip(const char *func, const char *why)
{
	char name[128];
	size_t n = strlen(func);

	/* Check's START_TEST(t) defines t_fn: report the name the test was written with */
	if (n > 3 && strcmp(func + n - 3, "_fn") == 0)
		n -= 3;
	(void)snprintf(name, sizeof(name), "%.*s", (int)n, func);
	if (unit_must_run(name))
		ck_abort_msg("%s skipped, but WARD_NO_SKIP says it must run: %s", name, why);
	fprintf(stderr, "SKIP: %s: %s\n", name, why);
	/* best effort: a lost line only shortens the summary; the SKIP line above stays */
	if (skip_fd >= 0)
		(void)dprintf(skip_fd, "  %s: %s\n", name, why);
}

/* "Skipped: N of M checks", then the skips the children recorded, under Check's summary */
static void report_skips(int run)
{
	cleanup_free char *text = NULL;
	size_t len = 0, cap = 0;
	int count = 0;
	ssize_t n = 0;

	if (skip_fd >= 0 && lseek(skip_fd, 0, SEEK_SET) == 0) {
		do {
			if (len + 1024 > cap)
				text = xrealloc(text, cap = cap ? 2 * cap : 4096);
			n = read(skip_fd, text + len, cap - len);
			if (n > 0)
				len += (size_t)n;
		} while (n > 0);
	}
	for (size_t i = 0; i < len; i++)
		count += text[i] == '\n';
	printf("Skipped: %d of %d checks%s\n", count, run,
	       count ? " (Check counts each as a pass):" : "");
	if (len)
		fwrite(text, 1, len, stdout);
}

int main(void)
{
	SRunner *sr = srunner_create(NULL);
	size_t i;
	int failed, run;

	skip_fd = memfd_create("ward-unit-skips", MFD_CLOEXEC);
	if (skip_fd < 0)
		perror("ward-unit: memfd_create (skips are not counted)");
	for (i = 0; i < sizeof(ward_suites) / sizeof(ward_suites[0]); i++)
		srunner_add_suite(sr, ward_suites[i].make());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	run = srunner_ntests_run(sr);
	srunner_free(sr);
	report_skips(run);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
