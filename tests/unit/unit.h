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

/*
 * unit_skip() - record that the test @func skips the rest of itself and why:
 * "SKIP: test: why" on stderr, and in the runner's summary under Check's (which
 * counts a skip as a pass). A test named in $WARD_NO_SKIP (comma or space
 * separated test names or globs, or "all") fails instead: CI lists the tests
 * that must run there. Defined in runner.c.
 */
void unit_skip(const char *func, const char *why) __attribute__((nonnull));

/* unit_must_run() - whether $WARD_NO_SKIP names @test ("test_x", without Check's _fn) */
bool unit_must_run(const char *test) __attribute__((nonnull));

/* Skip the rest of a test, loudly, when the machine lacks what it needs. */
#define UNIT_SKIP(why)                                                                             \
	do {                                                                                       \
		unit_skip(__func__, (why));                                                        \
		return;                                                                            \
	} while (0)

/*
 * unit_make_bundle() - a fresh /tmp/ward-unit-@tag-XXXXXX with an empty rootfs/
 * in it, its path into @dir (64 bytes); unit_remove_dir() removes such a tree.
 * Defined in runner.c.
 */
void unit_make_bundle(char dir[64], const char *tag) __attribute__((nonnull));
void unit_remove_dir(const char *dir) __attribute__((nonnull));

static inline bool unit_is_root(void)
{
	return geteuid() == 0;
}
