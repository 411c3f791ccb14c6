/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * record.h - `ward seccomp record`: the recording mechanism. The container's
 * filter sends every syscall of every ABI to ward as a seccomp user
 * notification (SECCOMP_RET_USER_NOTIF); ward notes (ABI, number, the
 * arguments profiles filter on) and lets the call go on
 * (SECCOMP_USER_NOTIF_FLAG_CONTINUE). Recording starts at the entrypoint's
 * execve: what ward's child does before it is ward's, not the workload's.
 *
 * With an enforcing profile the recording program is the profile's own with
 * every allow (and log) answer turned into a notification: what the profile
 * denies never reaches ward, as with two stacked filters, where the kernel's
 * precedence puts ERRNO and KILL above USER_NOTIF.
 */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "ward/error.h"
#include "ward/filter.h"
#include "ward/sysnames.h"

/* One syscall, counted. */
struct record_call {
	enum sys_abi abi;
	int nr; /* without the x32 bit */
	unsigned long count;
};

/* An argument value seen (socket's family, personality's persona), counted. */
struct record_value {
	uint64_t value;
	unsigned long count;
};

struct record_values {
	struct record_value *v;
	size_t n, cap;
};

struct record_log {
	bool started; /* the entrypoint's execve was seen */
	struct record_call *v;
	size_t n, cap;
	unsigned long total;	  /* calls recorded */
	unsigned long unanswered; /* notifications whose caller was gone */
	uint64_t clone_ns;	  /* namespace flags clone was called with */
	struct record_values socket_families;
	struct record_values personalities;
	int special[SYS_ABI_COUNT][3]; /* clone, socket, personality per ABI; -1 if none */
	/* the receivers (record_handle()): they take calls as soon as they are made */
	pthread_mutex_t lock;
	bool threads;
};

/* Receiver threads: a call waiting for ward's receive can be interrupted by a signal. */
#define RECORD_THREADS 8

/** record_log_init() - an empty log, ready for record_handle(). */
void record_log_init(struct record_log *log) __attribute__((nonnull));
void record_log_release(struct record_log *log) __attribute__((nonnull));

/**
 * record_filter() - the recording program: @in (the enforcing profile's) with
 * its allow and log answers turned into notifications, or one that notifies
 * every call when @in is disabled (unconfined). Always with
 * SECCOMP_FILTER_FLAG_NEW_LISTENER. A profile with SCMP_ACT_NOTIFY rules of
 * its own is refused (its listener is its agent's).
 * Return: 0, or a negative errno with @err set.
 */
int record_filter(const struct filter_prog *in, struct filter_prog *out, struct ward_err *err)
    __attribute__((nonnull));

/**
 * record_handle() - receive one notification from @listener, record it in
 * @log (once the entrypoint's execve was seen) and let it go on. The first
 * call starts RECORD_THREADS threads, each blocked in a receive on a copy of
 * @listener, which serve every notification from then on: a caller that is
 * not received yet when a signal comes fails with EINTR (unless its handler
 * has SA_RESTART), which the workload would not see without ward, so the
 * calls must be received at once (with SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV,
 * Linux 5.19, a received call waits on). A thread ends when the filter has no
 * task left (the container is gone).
 * Return: 1 when the threads serve @listener from now on, or its filter has no
 * task left (stop polling it either way), 0 after serving one notification
 * here, or a negative errno with @err set.
 */
int record_handle(struct record_log *log, int listener, struct ward_err *err)
    __attribute__((nonnull));

/**
 * record_add() - count one call in @log (what record_handle() does with a
 * notification), for tests and for the profile writer.
 */
void record_add(struct record_log *log, uint32_t arch, int nr, const uint64_t args[6])
    __attribute__((nonnull));
