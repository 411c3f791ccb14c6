/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * runner.c - runs the Check suites of tests/unit. CK_RUN_SUITE=<name> (set per
 * ctest entry) runs one suite; without it every suite runs. Exit status is
 * non-zero when any test failed.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "suites.h"

int main(void)
{
	SRunner *sr = srunner_create(NULL);
	size_t i;
	int failed;

	for (i = 0; i < sizeof(ward_suites) / sizeof(ward_suites[0]); i++)
		srunner_add_suite(sr, ward_suites[i].make());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
