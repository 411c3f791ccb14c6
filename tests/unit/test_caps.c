/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_caps.c - capability names and Docker's add/drop arithmetic. */
#include <linux/capability.h>
#include <string.h>

#include "unit.h"
#include "ward/caps.h"

#define BIT(n) (UINT64_C(1) << (n))

START_TEST(test_docker_default_mask)
{
	/* the CapBnd value docker run shows for its default set */
	ck_assert_uint_eq(caps_docker_default(), 0xa80425fbULL);
}
END_TEST

START_TEST(test_names_any_case_with_or_without_prefix)
{
	ck_assert_int_eq(caps_from_name("SYS_ADMIN"), CAP_SYS_ADMIN);
	ck_assert_int_eq(caps_from_name("sys_admin"), CAP_SYS_ADMIN);
	ck_assert_int_eq(caps_from_name("CAP_SYS_ADMIN"), CAP_SYS_ADMIN);
	ck_assert_int_eq(caps_from_name("cap_net_bind_service"), CAP_NET_BIND_SERVICE);
	ck_assert_int_eq(caps_from_name("Net_Raw"), CAP_NET_RAW);
	ck_assert_int_eq(caps_from_name("FOO"), -1);
	ck_assert_int_eq(caps_from_name(""), -1);
	ck_assert_int_eq(caps_from_name("CAP_"), -1);
	ck_assert_int_eq(caps_from_name("12"), -1);
	ck_assert_str_eq(caps_name(CAP_SYS_ADMIN), "CAP_SYS_ADMIN");
	ck_assert_ptr_null(caps_name(64));
}
END_TEST

static uint64_t tweak(char **adds, char **drops)
{
	struct ward_err err = {0};
	uint64_t out = 0;

	ck_assert_int_eq(caps_tweak(caps_docker_default(), adds, drops, &out, &err), 0);
	return out;
}

START_TEST(test_tweak_like_docker)
{
	char *none[] = {NULL};
	char *all[] = {"ALL", NULL};
	char *nbs[] = {"NET_BIND_SERVICE", NULL};
	char *admin[] = {"sys_admin", NULL};
	char *chown_[] = {"CAP_CHOWN", NULL};

	ck_assert_uint_eq(tweak(none, none), caps_docker_default());
	ck_assert_uint_eq(tweak(none, all), 0);
	ck_assert_uint_eq(tweak(nbs, all), BIT(CAP_NET_BIND_SERVICE));
	ck_assert_uint_eq(tweak(admin, none), caps_docker_default() | BIT(CAP_SYS_ADMIN));
	ck_assert_uint_eq(tweak(none, chown_), caps_docker_default() & ~BIT(CAP_CHOWN));
	ck_assert_uint_eq(tweak(all, chown_), caps_bounding() & ~BIT(CAP_CHOWN));
	/* the same name added and dropped: the add wins, as in Docker */
	ck_assert_uint_eq(tweak(chown_, chown_), caps_docker_default());
}
END_TEST

START_TEST(test_tweak_unknown_name)
{
	struct ward_err err = {0};
	char *bad[] = {"CAP_NET_ADMIN", "FOO", NULL};
	uint64_t out = 0;

	ck_assert_int_lt(caps_tweak(caps_docker_default(), bad, NULL, &out, &err), 0);
	ck_assert_str_eq(err.msg, "unknown capability 'FOO'");
	ck_assert_int_lt(caps_tweak(caps_docker_default(), NULL, bad, &out, &err), 0);
	ck_assert_str_eq(err.msg, "unknown capability 'FOO'");
}
END_TEST

START_TEST(test_format)
{
	char buf[256];

	caps_format(BIT(CAP_CHOWN) | BIT(CAP_KILL), buf, sizeof(buf));
	ck_assert_str_eq(buf, "CAP_CHOWN,CAP_KILL");
	caps_format(0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "");
}
END_TEST

Suite *caps_suite(void)
{
	Suite *s = suite_create("caps");
	TCase *tc = tcase_create("caps");

	tcase_set_timeout(tc, UNIT_TIMEOUT);
	tcase_add_test(tc, test_docker_default_mask);
	tcase_add_test(tc, test_names_any_case_with_or_without_prefix);
	tcase_add_test(tc, test_tweak_like_docker);
	tcase_add_test(tc, test_tweak_unknown_name);
	tcase_add_test(tc, test_format);
	suite_add_tcase(s, tc);
	return s;
}
