/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * compare.h - `ward compare`: run our probe (and the user's command) in two
 * configurations of the same container, by default the requested one and the
 * same with seccomp=unconfined, and show what differs, each difference
 * labelled with its cause: a seccomp rule (with its comment), a missing
 * capability, or the kernel.
 */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "ward/error.h"
#include "ward/spec.h"
#include "ward/util.h"

struct compare_opts {
	struct container_spec *a; /* finalized */
	struct container_spec *b;
	const struct strv *command; /* the user's command, or empty */
	bool json;
	bool all; /* show the rows that do not differ too */
};

/**
 * compare_run() - run both configurations and print the comparison to @out.
 * Return: 0, or a negative errno with @err set (nothing is left running).
 */
int compare_run(const struct compare_opts *o, FILE *out, struct ward_err *err)
    __attribute__((nonnull));

/** compare_label() - "seccomp=default", "seccomp=unconfined,no-new-privileges", ... */
void compare_label(const struct container_spec *spec, char *buf, size_t len)
    __attribute__((nonnull));
