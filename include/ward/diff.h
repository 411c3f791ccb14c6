/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * diff.h - `ward seccomp diff OLD NEW`: what NEW allows that OLD denies and
 * the reverse, per native syscall, and per argument value where the rules of
 * either profile test arguments. Both profiles are resolved for one capability
 * set and compiled; the decisions come from running both programs through
 * ward's BPF interpreter (inspect.h), so they are what the kernel would do.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ward/error.h"

struct diff_opts {
	const char *old_path; /* a profile path, or "default" for the built-in one */
	const char *new_path;
	uint64_t caps; /* the bounding set both are resolved for */
	bool json;
};

/**
 * diff_profiles() - print the differences to @out (text, or one JSON object:
 * {"old", "new", "wider", "added": [{"syscall", "args"}], "removed": [...]}
 * where "args" is null for any arguments, else the [{"index", "value"}] tried).
 * Return: 0 when NEW allows nothing OLD denies, 1 when it does, or a negative
 * errno with @err set.
 */
int diff_profiles(const struct diff_opts *o, FILE *out, struct ward_err *err)
    __attribute__((nonnull));
