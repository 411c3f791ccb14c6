/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * state.h - the OCI runtime command line's containers, across separate ward
 * invocations: create, start, state, kill, delete, list, and run --bundle.
 *
 * Each container has a directory <root>/<id> (root: --root, default
 * STATE_DEFAULT_ROOT), made with mkdir so that two creates of one id cannot
 * both win. It holds:
 *   state.json   ward's record (pid and its start time, bundle, cgroup paths,
 *                annotations, creation time), replaced atomically by rename
 *   config.json  the bundle's config as it was at create (for the hooks)
 *   exec.fifo    while the container waits to be started: the container
 *                blocks opening it for writing just before execve; `start`
 *                opens it for reading, which releases it, and removes it
 * The status is derived, never stored: no state.json yet is "creating"; a
 * live init (same pid, same start time) is "created" while exec.fifo exists,
 * "paused" while its cgroup is frozen, and "running" otherwise; anything else
 * is "stopped".
 */
#pragma once

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "ward/error.h"
#include "ward/spec.h"
#include "ward/util.h"

#define STATE_DEFAULT_ROOT "/run/ward"
#define STATE_ID_MAX	   64

/*
 * What `ward stop` sends and how long it waits before SIGKILL: annotations of the
 * container (ward run --stop-signal/--stop-timeout records them; a config.json's
 * own are read too); without them SIGTERM and 10 seconds, as docker stop.
 */
#define STATE_STOP_SIGNAL_KEY	   "org.opencontainers.image.stopSignal"
#define STATE_STOP_TIMEOUT_KEY	   "org.ward.stopTimeout"
#define STATE_STOP_TIMEOUT_DEFAULT 10

enum state_status {
	STATE_CREATING,
	STATE_CREATED,
	STATE_RUNNING,
	STATE_PAUSED,
	STATE_STOPPED,
};

/* update's flags that struct spec_resources has no field for (cg_update_knob()) */
struct state_update_knobs {
	uint64_t memory_reservation; /* --memory-reservation, bytes; UINT64_MAX: -1, none */
	bool memory_reservation_set;
	const char *cpuset_mems;   /* --cpuset-mems LIST (in argv) */
	unsigned int blkio_weight; /* --blkio-weight 10..1000; 0: not given */
};

/* The options of the OCI verbs, as the command line gives them. */
struct state_opts {
	const char *root; /* --root */
	const char *id;
	const char *bundle;   /* create/run: --bundle (default ".") */
	const char *config;   /* run/create --config (crun): instead of <bundle>/config.json */
	const char *pid_file; /* --pid-file */
	const char *console_socket; /* --console-socket */
	bool no_pivot;		    /* --no-pivot: MS_MOVE and chroot instead of pivot_root */
	unsigned int preserve_fds;  /* --preserve-fds N: fds 3..3+N-1 reach the process */
	bool force;		    /* delete --force, kill --all */
	const char *signal;	    /* kill: a name (TERM, SIGTERM) or number; NULL: TERM */
	bool json;		    /* list --format json */
	bool quiet;		    /* list -q */
	bool rootless;		    /* spec --rootless */
	/* exec (runc's flags); the strvs are owned (cli_opts_release()) */
	const char *process; /* --process FILE: the OCI process to run */
	bool tty;	     /* -t: a terminal */
	bool detach;	     /* -d: return once it runs (exec, run) */
	const char *cwd;     /* --cwd DIR */
	const char *user;    /* -u UID[:GID], numbers */
	bool no_new_privs;   /* --no-new-privs */
	bool keep;	     /* run --keep: the container stays after it ends */
	struct strv env;     /* -e KEY=VALUE, in order */
	struct strv caps;    /* --cap CAP, added to every set */
	struct strv gids;    /* -g, --additional-gids GID (numbers), added to the process's */
	struct strv cgroups; /* --cgroup [CONTROLLER[,...]:]PATH: a sub-cgroup to run in */
	bool ignore_paused;  /* --ignore-paused: a paused container too */
	long stop_time;	     /* stop -t N: seconds before SIGKILL (-1: never) */
	bool stop_time_set;
	char **argv; /* the command after the id (NULL-terminated, in argv) */
	/* update: the flags' limits (cpuset_cpus points into argv), and -r FILE ("-": stdin) */
	struct spec_resources update;
	struct state_update_knobs update_knobs;
	const char *rdt_l3, *rdt_mb; /* update --l3-cache-schema, --mem-bw-schema */
	const char *resources;
};

/** state_status_name() - "creating", "created", "running", "paused", "stopped". */
const char *state_status_name(enum state_status s);

/**
 * state_valid_id() - whether @id may name a container: 1 to STATE_ID_MAX
 * characters from [A-Za-z0-9_.-], not starting with '.' or '-'.
 */
bool state_valid_id(const char *id) __attribute__((nonnull));

/**
 * state_parse_signal() - "TERM", "SIGTERM", "sigterm" or "15".
 * Return: the signal number, or -1.
 */
int state_parse_signal(const char *s) __attribute__((nonnull));

/**
 * state_user_root() - the state directory of a caller who is not root, as runc
 * rootless finds its own: $XDG_RUNTIME_DIR/ward, else /run/user/UID/ward, used only
 * where that directory is the caller's own (a directory, not a symlink, owned by
 * it, writable by no one else).
 * Return: an allocated path, or NULL when there is none.
 */
char *state_user_root(void);

/**
 * state_root_check() - for a caller who is not root: @root is its own (a
 * directory, not a symlink, owned by it, writable by no one else), so that no
 * user reaches another's or root's records; with @create it is made 0700 first
 * when missing.
 * Return: 0 (also for a missing @root without @create), or a negative errno
 * with @err saying why it is not the caller's.
 */
int state_root_check(const char *root, bool create, struct ward_err *err) __attribute__((nonnull));

/**
 * state_parse_stop_timeout() - a number of seconds ("-1": never SIGKILL), at
 * most a day. Return: whether @s is one.
 */
bool state_parse_stop_timeout(const char *s, long *out) __attribute__((nonnull));

/**
 * state_stop() - `ward stop [-t N] ID`: the container's stop signal to its init,
 * up to N seconds (o->stop_time; else the recorded timeout, else 10) for it to
 * exit, then SIGKILL. A stopped container is left as it is.
 * Return: 0 once it is stopped, or a negative errno with @err naming the id.
 */
int state_stop(const struct state_opts *o, struct ward_err *err) __attribute__((nonnull));

/**
 * state_create() - `ward create`: load the bundle, set the container up and
 * leave it waiting for `ward start`; write the state and the pid file. ward
 * then exits; the container is no child it waits for.
 *
 * On failure nothing is left: no state directory, process, mount or cgroup.
 * Return: 0, or a negative errno with @err set.
 */
int state_create(const struct state_opts *o, struct ward_err *err) __attribute__((nonnull));

/** state_start() - `ward start`: release a created container; runs poststart hooks. */
int state_start(const struct state_opts *o, struct ward_err *err) __attribute__((nonnull));

/** state_print() - `ward state`: the runtime-spec state JSON on @out. */
int state_print(const struct state_opts *o, FILE *out, struct ward_err *err)
    __attribute__((nonnull));

/** state_kill() - `ward kill ID [SIG]`: an error unless created or running. */
int state_kill(const struct state_opts *o, struct ward_err *err) __attribute__((nonnull));

/**
 * state_update() - `ward update ID`: new limits for a created, running or
 * paused container's cgroups: -r FILE (runc's LinuxResources JSON; "-" reads
 * stdin), then the flags (--memory, --memory-swap, --memory-reservation,
 * --pids-limit, --cpu-quota, --cpu-period (each alone, or both), --cpu-shares,
 * --cpuset-cpus, --cpuset-mems, --blkio-weight) over it. A controller the
 * container's cgroup lacks is added where it can be (cgroup v2).
 */
int state_update(const struct state_opts *o, struct ward_err *err) __attribute__((nonnull));

/**
 * state_pause() - `ward pause ID`: freeze every process of a running
 * container (cgroup v2's freezer; its status is then "paused").
 * state_resume() - `ward resume ID`: thaw a paused one.
 */
int state_pause(const struct state_opts *o, struct ward_err *err) __attribute__((nonnull));
int state_resume(const struct state_opts *o, struct ward_err *err) __attribute__((nonnull));

/**
 * state_delete() - `ward delete [--force]`: a running container needs
 * --force (it is then killed); a created one is killed. Removes the
 * cgroups and the state, then runs the poststop hooks.
 */
int state_delete(const struct state_opts *o, struct ward_err *err) __attribute__((nonnull));

/**
 * state_ps() - `ward ps [--format json] ID`: the pids of the container's
 * processes (every process of its cgroups, as the host numbers them): a PID/CMD
 * table, or a JSON array of numbers as runc prints it.
 */
int state_ps(const struct state_opts *o, FILE *out, struct ward_err *err) __attribute__((nonnull));

/** state_list() - `ward list`: a table (runc's columns), ids only, or JSON. */
int state_list(const struct state_opts *o, FILE *out, struct ward_err *err)
    __attribute__((nonnull));

/**
 * state_exec() - `ward exec ID [COMMAND...]`: run a process in a created or
 * running container: the config's process with the command and the flags'
 * changes, or --process FILE. With --detach, return once it runs (--pid-file
 * gets its pid); else wait for it.
 * @status: its exit status (128+N for signal N); 0 with --detach
 */
int state_exec(const struct state_opts *o, int *status, struct ward_err *err)
    __attribute__((nonnull));

/**
 * state_run() - `ward run --bundle DIR ID`: create, start and wait in the
 * foreground, then delete; with --detach, create and start only.
 * @status: the container's exit status (128+N for signal N)
 */
int state_run(const struct state_opts *o, int *status, struct ward_err *err)
    __attribute__((nonnull));

/**
 * state_print_version() - `ward --version`, `-v`: as runc prints it (version,
 * commit, spec, libseccomp).
 */
void state_print_version(FILE *out) __attribute__((nonnull));

/** state_libseccomp_version() - "2.5.4": the libseccomp ward runs with. */
const char *state_libseccomp_version(void);
