/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * named.h - `ward run`'s container as a container like any other: registered in
 * the state directory (--root) under --name or a generated id while it runs, so
 * that list, state, exec, kill, ps, pause and delete find it; removed when it
 * ends unless kept; -d runs it in the background.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "ward/error.h"
#include "ward/process.h"
#include "ward/spec.h"
#include "ward/state.h"

#define NAMED_ID_LEN 64 /* a generated id: 64 hex digits, as Docker's */

struct named_run {
	char id[STATE_ID_MAX + 1];
	bool generated; /* no --name */
	bool registered;
	bool keep;
	int dirfd;	   /* <root>/<id> as registered, held open: still this run's? (named.c) */
	int notify;	   /* -d, in the background ward: the foreground one waits on it */
	int stop_signal;   /* --stop-signal, recorded for `ward stop` (0: none given) */
	long stop_timeout; /* --stop-timeout, when stop_timeout_set */
	bool stop_timeout_set;
	struct state_opts o;
	void *rec;			   /* the record (src/oci's struct record) */
	const struct container_spec *spec; /* the run's, for its config.json */
	const char *cidfile;		   /* --cidfile, written once the name is taken */
};

/**
 * named_init() - the container's id: @name, or a new random one. Call before
 * spec_finalize_run(): a generated id gives the default hostname (its first 12
 * digits, as Docker's).
 */
void named_init(struct named_run *n, const char *root, const char *name, bool keep,
		struct container_spec *spec) __attribute__((nonnull(1, 5)));

/**
 * named_begin() - register the container: <root>/<id> with a record without a
 * pid; @cidfile gets the id. With @detach now; otherwise in @popts's cloned
 * callback, while the child mounts (a name in use then fails the run before
 * the container runs anything). Sets @popts's callbacks that write its config.json
 * (what `ward exec` reads) once the child is released, and record the cgroups
 * and the pid; @spec must outlive the run. Rootless, the
 * state directory is the user's own (state_user_root(), or --root), made 0700
 * and checked to be the user's; where the user has none (n->o.root NULL), ward
 * registers nothing and --name, -d and --cidfile are refused.
 *
 * Return: 0, or a negative errno with @err set ("the container name ... is
 * already in use"); nothing is left then.
 */
int named_begin(struct named_run *n, const struct container_spec *spec, bool detach,
		const char *cidfile, struct proc_opts *popts, struct ward_err *err)
    __attribute__((nonnull(1, 2, 5, 6)));

/**
 * named_detach() - -d: fork the ward that runs the container into the
 * background (its stdio on /dev/null) and, in the foreground
 * ward, wait until the container runs.
 *
 * Return: 1 in the foreground ward once the container runs (print the id and
 * exit 0), 0 in the background one (go on and run it), or a negative errno
 * with @err set (in the foreground: the background ward's failure).
 */
int named_detach(struct named_run *n, struct ward_err *err) __attribute__((nonnull));

/**
 * named_fail() - in the background ward of -d: hand a failure before the
 * container ran to the foreground ward, which prints it.
 */
void named_fail(struct named_run *n, const struct ward_err *err) __attribute__((nonnull));

/** named_end() - the container ended: remove it, or keep it (stopped) with --keep. */
void named_end(struct named_run *n) __attribute__((nonnull));
