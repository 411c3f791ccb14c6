/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * process.h - the orchestrator: runs a container_spec through the pipeline in
 * DESIGN.md. Parent: prepare every module's plan, clone into new namespaces,
 * release the child, learn whether exec succeeded, forward signals, wait.
 * Child: apply the plans in order and execve. Only this module sequences the
 * domain modules.
 */
#pragma once

#include <stdbool.h>

#include "ward/cgroup.h"
#include "ward/error.h"
#include "ward/notify.h"
#include "ward/spec.h"

/* How to run it, beyond what the spec says about the container itself. */
struct proc_opts {
	int exec_fd;		   /* >= 0: execute this file (execveat) instead of argv[0] */
	int stdout_fd;		   /* >= 0: the container's stdout instead of ward's */
	bool report_denied;	   /* record every syscall the filter denies (notify.h) */
	struct record_log *record; /* record every syscall it allows (record.h) */
	/* proc_create() with record: ward's listener goes here (trace_syscall.h) */
	int (*listener_ready)(void *arg, pid_t pid, int listener, struct ward_err *err);
	void *listener_arg;
	bool terminal;		    /* a pty from the container's devpts as its stdio (tty.h) */
	const char *console_socket; /* with terminal: send the master there, else proxy it */
	/* proc_create() only */
	unsigned int preserve_fds; /* fds 3..3+N-1 stay open across execve (--preserve-fds) */
	int exec_fifo;		   /* the fifo the container opens for writing just before execve */
	const char *id;		   /* the container id: its cgroup is ward-oci-<id> */
	/*
	 * The state JSON the hooks that run during create and start get on stdin:
	 * of the container whose init is @pid, with @status "creating" or "created".
	 * Needed only when the config has prestart, createRuntime, createContainer
	 * or startContainer hooks.
	 */
	char *(*state_json)(void *arg, pid_t pid, const char *status);
	void *state_arg;
	/* called with the container's cgroups before any process runs in them */
	int (*cgroup_ready)(void *arg, const struct cg_handle *cg, struct ward_err *err);
	/* create, no mount namespace of its own: the mount id of the container's tree once
	 * ward attached it over the rootfs, before the child goes on (mnt_attach_root()) */
	int (*root_attached)(void *arg, unsigned long long mnt_id, struct ward_err *err);
	/* proc_exec() only */
	bool detach; /* return once the process runs (it stays, ward goes) */
	/* the target's start time (sys_proc_start()): a pid reused since is refused; 0: unchecked
	 */
	unsigned long long target_start;
	/* called once the process runs (the pid file), before ward waits for it */
	int (*started)(void *arg, pid_t pid, struct ward_err *err);
	void *started_arg;
	/* run: called with @started_arg after the clone, before the child is released
	 * (often while it mounts, see plan_go_late()); a failure kills the child */
	int (*cloned)(void *arg, struct ward_err *err);
	/* run: called with @started_arg once the child is released, while it sets up */
	int (*released)(void *arg, struct ward_err *err);
};

#define PROC_OPTS_INIT                                                                             \
	{                                                                                          \
		.exec_fd = -1, .stdout_fd = -1, .exec_fifo = -1                                    \
	}

struct proc_result {
	int status;			/* as Docker reports it: its own, or 128+N for signal N */
	bool oom_killed;		/* the kernel's OOM killer ended it (the --memory limit) */
	struct notify_log denied;	/* with report_denied */
	struct filter_prog denied_prog; /* the profile's program the log refers to */
};

/** proc_result_init() - an empty result; proc_result_release() frees what it holds. */
void proc_result_init(struct proc_result *res) __attribute__((nonnull));
void proc_result_release(struct proc_result *res) __attribute__((nonnull));

/**
 * proc_run() - run the container in the foreground.
 * @res: how the container ended
 *
 * Return: 0 when the command was executed (whatever its status), or a negative
 * errno with @err set when ward failed first; err->status then says 125, 126
 * (cannot execute) or 127 (not found). Nothing is left behind either way: no
 * process, mount, namespace or cgroup.
 */
int proc_run(const struct container_spec *spec, const struct proc_opts *opts,
	     struct proc_result *res, struct ward_err *err) __attribute__((nonnull));

/**
 * proc_create() - `ward create`: set the container up exactly as proc_run()
 * does, but leave it blocked just before execve, opening @opts->exec_fifo
 * for writing, until `ward start` opens the fifo for reading. The container's
 * cgroup is cg_create_detached()'s, there is no parent-death signal and no
 * signal forwarding: ward is expected to exit, and the container to be
 * reparented (to the engine's subreaper, or init).
 *
 * The hooks of the set-up run here, where the runtime spec puts them: once the
 * namespaces and mounts exist and before pivot_root, ward runs prestart and
 * then createRuntime (in ward's namespaces), and the init then runs
 * createContainer (in the container's namespaces, paths resolved in ward's
 * mount tree); startContainer runs in the container, after `ward start` and
 * before execve. A failure before `ward start` fails the create; a
 * startContainer failure ends the container with status 125 and its message
 * on the container's stderr.
 * The init waits for proc_create_commit() before it waits for `start`: a ward
 * killed before then (before the container is recorded) takes its init along.
 * @pid: the container init's host pid
 * @cg:  its cgroups, for `ward delete`
 * @commit: set to the descriptor proc_create_commit() takes
 *
 * Return: 0 once the container is waiting, or a negative errno with @err
 * set; nothing is left behind then.
 */
int proc_create(const struct container_spec *spec, const struct proc_opts *opts, pid_t *pid,
		struct cg_handle *cg, int *commit, struct ward_err *err) __attribute__((nonnull));

/**
 * proc_create_commit() - tell a created init that ward has recorded it, so it
 * outlives ward and waits for `start`; closes *@commit.
 *
 * Return: 0, or a negative errno with @err set when the init is gone.
 */
int proc_create_commit(int *commit, struct ward_err *err) __attribute__((nonnull));

/**
 * proc_exec() - `ward exec`: run @spec's process in the running container whose
 * init is @target: in its namespaces (those that are not ward's own; a user
 * namespace first), its root, its cgroups (@cg, before the process runs any
 * code of its own), with @spec's capabilities, user, rlimits, seccomp filter
 * and terminal (opts->terminal, opts->console_socket). With opts->detach it
 * returns once the command is executed; else it waits, forwarding signals, and
 * @res->status is the wait status. The target is checked through a held
 * /proc/@target: started at opts->target_start (when set), and, with
 * @spec->rootless (an unprivileged caller), the caller's own; a rootless
 * container's process gets no setgroups and no cgroup move.
 *
 * Return: 0 when the command was executed, or a negative errno with @err set
 * (err->status 126 or 127 for a command that cannot be executed or found).
 */
int proc_exec(const struct container_spec *spec, const struct proc_opts *opts, pid_t target,
	      const struct cg_handle *cg, struct proc_result *res, struct ward_err *err)
    __attribute__((nonnull(1, 2, 4, 5, 6)));
