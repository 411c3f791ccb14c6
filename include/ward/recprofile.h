/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * recprofile.h - from what `ward seccomp record` saw to a Docker-format
 * profile: defaultAction SCMP_ACT_ERRNO (EPERM), Docker's x86_64 archMap, one
 * allow rule per ABI with the names sorted, argument rules where Docker's
 * default filters arguments (clone's namespace flags, socket's family,
 * personality's persona), clone3 ENOSYS when it was not called, and the calls
 * runtimes make after loading a filter. Optionally the union with an existing
 * profile: merging the same recording twice changes nothing.
 */
#pragma once

#include <stdio.h>

#include "ward/error.h"
#include "ward/profile.h"
#include "ward/record.h"

/* The comment that marks the runtimes' rule (recognised again on --merge). */
#define RECPROFILE_RUNTIME_COMMENT "runtime: "

struct recprofile_stats {
	size_t syscalls;     /* distinct (ABI, name) pairs this run called */
	unsigned long calls; /* calls recorded */
	size_t rules;	     /* rules written */
};

/**
 * recprofile_write() - the profile for @log, merged with @merge (NULL: none),
 * as JSON to @out. Return: 0, or a negative errno with @err set.
 */
int recprofile_write(const struct record_log *log, const struct profile *merge, FILE *out,
		     struct recprofile_stats *st, struct ward_err *err)
    __attribute__((nonnull(1, 3, 4, 5)));

/**
 * recprofile_open() - a temporary file beside @path (*@tmp, allocated) that
 * recprofile_commit() renames to @path: nothing partial is ever at @path.
 * Return: its descriptor, or a negative errno with @err naming @path.
 */
int recprofile_open(const char *path, char **tmp, struct ward_err *err) __attribute__((nonnull));

/**
 * recprofile_commit() - recprofile_write() into @fd (closed here), then rename
 * @tmp to @path. On failure @tmp is left for the caller to unlink.
 * Return: 0, or a negative errno with @err naming @path.
 */
int recprofile_commit(int fd, const char *tmp, const char *path, const struct record_log *log,
		      const struct profile *merge, struct recprofile_stats *st,
		      struct ward_err *err) __attribute__((nonnull(2, 3, 4, 6, 7)));
