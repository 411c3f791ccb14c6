/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * notify.h - `ward run --report-denied`: which syscalls the filter denied, with
 * no kernel audit log. The compiled program is rewritten so that every "fail
 * with errno" answer becomes SECCOMP_RET_USER_NOTIF; ward receives each such
 * call on the listener fd, records it, and answers with exactly the errno the
 * original program gives for those arguments (found by running the original
 * through our BPF interpreter). Kill and trap actions are left to the kernel.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "ward/error.h"
#include "ward/filter.h"

struct notify_denied {
	uint32_t arch;
	int nr;
	uint32_t err; /* the errno the caller got; 0: a logged call, allowed */
	unsigned long count;
	pid_t first_pid; /* in ward's pid namespace */
	uint64_t first_args[6];
};

struct record_log;

struct notify_log {
	const struct filter_prog *orig; /* the program the profile compiled to */
	struct record_log *record;	/* set: `ward seccomp record`'s (record.h) */
	struct notify_denied *v;
	size_t n, cap;
	unsigned long unanswered; /* notifications whose caller was gone */
};

/**
 * notify_rewrite() - a copy of @in whose ERRNO and LOG returns are USER_NOTIF,
 * with SECCOMP_FILTER_FLAG_NEW_LISTENER set; notify_handle() answers a denied
 * call with the profile's errno and lets a logged one continue. A profile
 * with SCMP_ACT_NOTIFY rules of its own is refused (its listener is its agent's).
 * Return: 0, or a negative errno with @err set (no filter, or nothing to rewrite).
 */
int notify_rewrite(const struct filter_prog *in, struct filter_prog *out, struct ward_err *err)
    __attribute__((nonnull));

/**
 * notify_handle() - receive one notification from @listener, record it in @log
 * and answer it (with log->record: record_handle()). Return: 0, 1 when
 * @listener is served elsewhere from now on (stop polling it), or a negative
 * errno with @err set.
 */
int notify_handle(struct notify_log *log, int listener, struct ward_err *err)
    __attribute__((nonnull));

/** notify_print() - the report: one line per denied syscall, counted. */
void notify_print(const struct notify_log *log, FILE *out) __attribute__((nonnull));

void notify_log_release(struct notify_log *log) __attribute__((nonnull));
