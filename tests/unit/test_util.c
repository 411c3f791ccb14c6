/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_util.c - strict parsing, string vectors, file reads, error formatting. */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "ward/error.h"
#include "ward/util.h"

START_TEST(test_parse_u64)
{
	uint64_t v = 7;

	ck_assert(parse_u64("0", 10, &v) && v == 0);
	ck_assert(parse_u64("18446744073709551615", UINT64_MAX, &v) && v == UINT64_MAX);
	ck_assert(!parse_u64("18446744073709551616", UINT64_MAX, &v));
	ck_assert(!parse_u64("11", 10, &v));
	ck_assert(!parse_u64("", 10, &v));
	ck_assert(!parse_u64("-1", UINT64_MAX, &v));
	ck_assert(!parse_u64(" 1", 10, &v));
	ck_assert(!parse_u64("1x", 10, &v));
}
END_TEST

START_TEST(test_parse_size)
{
	uint64_t v = 0;

	ck_assert(parse_size("64m", &v) && v == 64ULL << 20);
	ck_assert(parse_size("1G", &v) && v == 1ULL << 30);
	ck_assert(parse_size("512k", &v) && v == 512ULL << 10);
	ck_assert(parse_size("100", &v) && v == 100);
	ck_assert(parse_size("100b", &v) && v == 100);
	ck_assert(!parse_size("12x", &v));
	ck_assert(!parse_size("m", &v));
	ck_assert(!parse_size("", &v));
	ck_assert(!parse_size("-1m", &v));
}
END_TEST

START_TEST(test_strv)
{
	struct strv sv = {0};

	for (int i = 0; i < 20; i++) {
		char buf[8];

		snprintf(buf, sizeof(buf), "%d", i);
		strv_push(&sv, buf);
	}
	ck_assert_uint_eq(sv.n, 20);
	ck_assert_str_eq(sv.v[19], "19");
	ck_assert_ptr_null(sv.v[20]);
	strv_release(&sv);
	ck_assert_ptr_null(sv.v);
	ck_assert_uint_eq(sv.n, 0);
}
END_TEST

START_TEST(test_read_file)
{
	struct ward_err err = {0};
	char *buf = NULL;
	size_t len = 0;

	ck_assert_int_eq(read_file("/proc/self/status", 1 << 20, &buf, &len, &err), 0);
	ck_assert(len > 0 && strstr(buf, "Name:"));
	free(buf);
	ck_assert_int_eq(read_file("/nonexistent", 10, &buf, &len, &err), -ENOENT);
	ck_assert_str_eq(err.msg, "cannot open '/nonexistent'");
	ck_assert_int_eq(read_file("/", 10, &buf, &len, &err), -EISDIR);
	ck_assert_int_eq(read_file("/proc/self/status", 4, &buf, &len, &err), -EFBIG);
}
END_TEST

START_TEST(test_err_format)
{
	struct ward_err err = {0};
	char line[1024];

	ck_assert_int_eq(err_set(&err, ENOENT, "cannot open '%s'", "x"), -ENOENT);
	ck_assert_int_eq(err_prefix(&err, "profile '%s'", "p.json"), -ENOENT);
	err_format(&err, line, sizeof(line));
	ck_assert_str_eq(line, "profile 'p.json': cannot open 'x': No such file or directory");
	ck_assert_int_eq(err_exit_status(&err), 125);
	ck_assert_int_eq(err_set(&err, 0, "plain"), -EINVAL);
	err_format(&err, line, sizeof(line));
	ck_assert_str_eq(line, "plain");
	/* an over-long prefix is cut, never overflows */
	memset(line, 'a', 900);
	line[900] = '\0';
	err_prefix(&err, "%s", line);
	ck_assert_uint_eq(strlen(err.msg), WARD_ERR_MSG_MAX - 1);
}
END_TEST

/* a FIFO nobody writes: refused at once (the test's timeout catches a hang), and the
 * descriptor of a regular file is blocking again for the reads */
START_TEST(test_read_file_not_regular)
{
	char dir[] = "/tmp/ward-unit-util-XXXXXX", fifo[64], file[64];
	struct ward_err err = {0};
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	snprintf(file, sizeof(file), "%s/file", dir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	ck_assert_int_eq(read_file(fifo, 1 << 20, &buf, &len, &err), -EINVAL);
	ck_assert_ptr_null(buf);
	ck_assert_int_eq(err.code, 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "is not a regular file"));
	ck_assert_int_eq(read_file("/dev/zero", 1 << 20, &buf, &len, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "'/dev/zero' is not a regular file");
	ck_assert_int_eq(read_file("/dev/null", 1 << 20, &buf, &len, &err), -EINVAL);
	f = fopen(file, "we");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs("{}", f), 1);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(read_file(file, 1 << 20, &buf, &len, &err), 0);
	ck_assert_str_eq(buf, "{}");
	free(buf);
	ck_assert_int_eq(unlink(fifo), 0);
	ck_assert_int_eq(unlink(file), 0);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/* whatever a message quotes, it prints as one line */
START_TEST(test_err_format_one_line)
{
	struct ward_err err = {0};
	char line[256];

	err_set(&err, 0, "unknown action '%s'", "A\nB\r\033[2J\x7f");
	err_format(&err, line, sizeof(line));
	ck_assert_str_eq(line, "unknown action 'A?B??[2J?'");
}
END_TEST

Suite *util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("util");

	tcase_set_timeout(tc, UNIT_TIMEOUT);
	tcase_add_test(tc, test_parse_u64);
	tcase_add_test(tc, test_parse_size);
	tcase_add_test(tc, test_strv);
	tcase_add_test(tc, test_read_file);
	tcase_add_test(tc, test_err_format);
	tcase_add_test(tc, test_read_file_not_regular);
	tcase_add_test(tc, test_err_format_one_line);
	suite_add_tcase(s, tc);
	return s;
}
