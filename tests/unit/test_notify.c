/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_notify.c - --report-denied: the rewrite of a compiled filter, and the report. */
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "ward/notify.h"

#define RET(k)                                                                                     \
	{                                                                                          \
		BPF_RET | BPF_K, 0, 0, (k)                                                         \
	}

START_TEST(test_rewrite_errno_only)
{
	struct sock_filter insns[] = {
	    {BPF_LD | BPF_W | BPF_ABS, 0, 0, 0}, {BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 165},
	    RET(SECCOMP_RET_ERRNO | 1),		 {BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 435},
	    RET(SECCOMP_RET_ERRNO | 38),	 {BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 250},
	    RET(SECCOMP_RET_KILL_PROCESS),	 RET(SECCOMP_RET_ALLOW),
	};
	struct filter_prog in = {.insns = insns, .len = 8, .enabled = true, .flags = 0};
	struct filter_prog out;
	struct ward_err err = {0};

	ck_assert_int_eq(notify_rewrite(&in, &out, &err), 0);
	ck_assert_uint_eq(out.len, in.len);
	ck_assert_uint_eq(out.flags & SECCOMP_FILTER_FLAG_NEW_LISTENER,
			  SECCOMP_FILTER_FLAG_NEW_LISTENER);
	ck_assert_uint_eq(out.insns[2].k, SECCOMP_RET_USER_NOTIF);
	ck_assert_uint_eq(out.insns[4].k, SECCOMP_RET_USER_NOTIF);
	/* kill and allow stay as they are, and so does everything that is not a return */
	ck_assert_uint_eq(out.insns[6].k, SECCOMP_RET_KILL_PROCESS);
	ck_assert_uint_eq(out.insns[7].k, SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(out.insns[1].k, 165);
	/* the original is untouched: its errno answers the notifications */
	ck_assert_uint_eq(insns[2].k, SECCOMP_RET_ERRNO | 1);
	filter_prog_release(&out);
}
END_TEST

START_TEST(test_rewrite_refuses)
{
	struct sock_filter allow[] = {RET(SECCOMP_RET_ALLOW)};
	struct filter_prog none = {0};
	struct filter_prog only_allow = {.insns = allow, .len = 1, .enabled = true};
	struct filter_prog out;
	struct ward_err err = {0};

	ck_assert_int_lt(notify_rewrite(&none, &out, &err), 0);
	ck_assert_str_eq(err.msg, "--report-denied needs a seccomp filter (not unconfined)");
	ck_assert_int_lt(notify_rewrite(&only_allow, &out, &err), 0);
	ck_assert_str_eq(err.msg, "--report-denied: the profile neither denies anything with an "
				  "errno nor logs anything");
}
END_TEST

START_TEST(test_rewrite_log_and_listener)
{
	struct sock_filter log_only[] = {RET(SECCOMP_RET_LOG), RET(SECCOMP_RET_ALLOW)};
	struct filter_prog staging = {.insns = log_only, .len = 2, .enabled = true};
	struct filter_prog agent = {.insns = log_only,
				    .len = 2,
				    .enabled = true,
				    .flags = SECCOMP_FILTER_FLAG_NEW_LISTENER};
	struct filter_prog out;
	struct ward_err err = {0};

	/* a staging profile's logged calls are ward's to answer (they continue) */
	ck_assert_int_eq(notify_rewrite(&staging, &out, &err), 0);
	ck_assert_uint_eq(out.insns[0].k, SECCOMP_RET_USER_NOTIF);
	ck_assert_uint_eq(out.insns[1].k, SECCOMP_RET_ALLOW);
	filter_prog_release(&out);
	/* a profile with SCMP_ACT_NOTIFY rules has a listener for its agent already */
	ck_assert_int_lt(notify_rewrite(&agent, &out, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "SCMP_ACT_NOTIFY"));
}
END_TEST

START_TEST(test_print)
{
	struct notify_denied d[] = {
	    {.arch = 0, .nr = 165, .err = 1, .count = 3, .first_pid = 42},
	};
	struct notify_log log = {.v = d, .n = 1, .cap = 1};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	d[0].arch = filter_native_arch();
	notify_print(&log, f);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "ward: seccomp denied 3 calls:\n"));
	ck_assert_ptr_nonnull(strstr(buf, "  mount                       3  EPERM     pid 42:"));
	free(buf);
	log.n = 0;
	f = open_memstream(&buf, &len);
	notify_print(&log, f);
	fclose(f);
	ck_assert_str_eq(buf, "ward: seccomp denied no syscalls\n");
	free(buf);
}
END_TEST

Suite *notify_suite(void)
{
	Suite *s = suite_create("notify");
	TCase *tc = tcase_create("notify");

	tcase_set_timeout(tc, UNIT_TIMEOUT);
	tcase_add_test(tc, test_rewrite_errno_only);
	tcase_add_test(tc, test_rewrite_refuses);
	tcase_add_test(tc, test_rewrite_log_and_listener);
	tcase_add_test(tc, test_print);
	suite_add_tcase(s, tc);
	return s;
}
