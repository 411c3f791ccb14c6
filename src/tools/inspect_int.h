/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * inspect_int.h - what inspect.c shares with inspect_check.c: a profile
 * compiled for inspection, and a run of its program. Not an API: the rest of
 * ward includes ward/inspect.h.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "ward/filter.h"
#include "ward/inspect.h"
#include "ward/policy.h"
#include "ward/profile.h"

/* A profile read, resolved and compiled for the options' capability set. */
struct compiled {
	struct policy_source src;
	struct profile *prof;
	struct rule_set rs;
	struct filter_prog prog;
};

/* Read, resolve and compile @o's profile into @c; release it with inspect_compiled_release(). */
int inspect_compile(const struct inspect_opts *o, struct compiled *c, struct ward_err *err);
void inspect_compiled_release(struct compiled *c);

/*
 * What @p returns for native syscall @nr with @args (NULL: all zero), by our
 * interpreter; *@executed: the instructions it ran. A disabled program allows.
 */
uint32_t inspect_run_prog(const struct filter_prog *p, int nr, const uint64_t *args,
			  size_t *executed);
