/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sched.h - a config's process.ioPriority, scheduler and execCPUAffinity, applied
 * to the container's process (src/launch/sched.c) from what the spec stage
 * checked and computed (struct spec_sched). Only raw system calls: safe after
 * the clone. And its oomScoreAdj, which ward writes.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "ward/error.h"
#include "ward/spec.h"

/**
 * sched_apply() - ioprio_set(2), sched_setattr(2) and the final CPU affinity (the
 * initial one when only it is given and @init) on the calling process, before
 * its capabilities are dropped.
 * @init: the container's first process (ward exec's applies the initial affinity
 *        itself, before it joins the cgroup: sched_apply_initial())
 *
 * Return: 0, or a negative errno with @err naming the field.
 */
int sched_apply(const struct spec_sched *s, bool init, struct ward_err *err)
    __attribute__((nonnull));

/** sched_apply_initial() - execCPUAffinity.initial, if given, on the calling process. */
int sched_apply_initial(const struct spec_sched *s, struct ward_err *err) __attribute__((nonnull));

/**
 * sched_set_oom_score_adj() - process.oomScoreAdj of @pid, written by ward (a
 * child in a user namespace could only raise it).
 */
int sched_set_oom_score_adj(pid_t pid, int value, struct ward_err *err) __attribute__((nonnull));
