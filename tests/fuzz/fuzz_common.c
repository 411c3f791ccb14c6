/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_common.c - helpers shared by the fuzz entry points (see fuzz.h). */
#include "fuzz.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "ward/log.h"

void fuzz_quiet(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	if (!getenv("WARD_FUZZ_VERBOSE"))
		log_set_level(LOG_QUIET);
}

void fuzz_check(const char *what, int r, const char *msg)
{
	if (r > 0) {
		fprintf(stderr, "fuzz: %s returned %d, neither 0 nor a negative errno\n", what, r);
		abort();
	}
	if (r < 0 && !msg[0]) {
		fprintf(stderr, "fuzz: %s failed (%d) without a message\n", what, r);
		abort();
	}
}
