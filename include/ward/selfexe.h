/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * selfexe.h - ward's own executable and memory, out of a container's reach
 * (the CVE-2019-5736 class: a process in the container that opens
 * /proc/PID/exe of a ward process that joined it can rewrite ward on the host).
 *
 * Two defences, as the field uses them:
 *  - selfexe_seal(): run from a sealed memfd copy of the binary, so that
 *    /proc/PID/exe of every ward process is that copy, which nobody can write;
 *  - selfexe_undumpable(): PR_SET_DUMPABLE 0, so that /proc/PID/exe, /proc/PID/fd
 *    and /proc/PID/mem of ward's process cannot even be opened (nor ptraced)
 *    by a container process without CAP_SYS_PTRACE in ward's user namespace.
 * execve() of the container's program makes the process dumpable again, as
 * it should: it is then the container's own.
 */
#pragma once

#include <stdbool.h>

#include "ward/error.h"

/**
 * selfexe_seal() - make sure ward runs from a sealed memfd copy of itself:
 * if it does not already, copy /proc/self/exe into a memfd, seal it against
 * writing, growing and shrinking, and execute it with @argv and the current
 * environment. The copy repeats the parse: nothing must have happened yet.
 *
 * Return: 0 when ward already runs from a sealed copy; otherwise it does not
 * return, but on failure: a negative errno with @err set.
 */
int selfexe_seal(char *const argv[], struct ward_err *err) __attribute__((nonnull));

/** selfexe_sealed() - whether ward runs from a sealed copy (selfexe_seal() done). */
bool selfexe_sealed(void);

/** selfexe_undumpable() - PR_SET_DUMPABLE 0 for the calling process (and its children). */
int selfexe_undumpable(struct ward_err *err) __attribute__((nonnull));
