/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit.h - shared helpers for the Check suites. */
#pragma once

#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

/* Where fixtures live: tests/data in the source tree. */
#define UNIT_DATA_DIR WARD_SOURCE_DIR "/tests/data"

/* Every case gets a timeout; a hang is a failure, not a stuck CI job. */
#define UNIT_TIMEOUT 30

/* Skip the rest of a test, loudly, when the machine lacks what it needs. */
#define UNIT_SKIP(why)                                                                             \
	do {                                                                                       \
		fprintf(stderr, "SKIP %s: %s\n", __func__, (why));                                 \
		return;                                                                            \
	} while (0)

static inline bool unit_is_root(void)
{
	return geteuid() == 0;
}
