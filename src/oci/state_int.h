/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * state_int.h - what the files of src/oci/ share: the state directory's layout,
 * ward's record of a container (state.json), and the helpers the verbs use.
 *
 *   record.c     the record on disk, the status derived from it, the state JSON, hooks
 *   lifecycle.c  create, start, state, kill, pause, resume, delete, ps, list
 *   exec.c       run --bundle and exec
 *   console.c    a foreground run's terminal, when no --console-socket is given
 *   update.c     update
 *   stop.c       stop
 *   rootless.c   a rootless user's state directory; ps without a cgroup
 */
#pragma once

#include <stdbool.h>
#include <string.h>
#include <sys/types.h>
#include <yajl/yajl_gen.h>

#include "ward/cgroup.h"
#include "ward/error.h"
#include "ward/spec.h"
#include "ward/state.h"
#include "ward/util.h"

#define STATE_FILE  "state.json"
#define CONFIG_COPY "config.json"
#define EXEC_FIFO   "exec.fifo"
/* a foreground run's own terminal: where its create sends the pty master */
#define CONSOLE_SOCKET "console.sock"
#define STATE_MAX      (1u << 20)
/* how long `start` waits for a created container to take the fifo */
#define START_TIMEOUT_MS 10000
/* how long `delete` waits for a killed init to go */
#define KILL_WAIT_MS 5000

#define GSTR(g, s) yajl_gen_string((g), (const unsigned char *)(s), strlen(s))

/* ward's record of one container (state.json). */
struct record {
	char id[STATE_ID_MAX + 1];
	pid_t pid;			  /* 0 while ward create is still at work */
	unsigned long long pid_start;	  /* field 22 of /proc/<pid>/stat */
	pid_t creator;			  /* with pid 0: the ward create at work, */
	unsigned long long creator_start; /* and its start time */
	char *bundle;
	char *created;		     /* RFC 3339, UTC */
	char *rootfs;		     /* the root filesystem's host path */
	unsigned long long root_mnt; /* no mount namespace: the tree attached over rootfs */
	/* start and delete read the saved config: poststart or poststop hooks, intelRdt */
	bool needs_config;
	struct strv annotations; /* key, value, ... */
	struct cg_handle cg;
	const char *dir;  /* while ward create writes it: its directory */
	bool auto_remove; /* ward run without --keep: its ward removes it at its end */
};

int state_check_id(const struct state_opts *o, struct ward_err *err);
char *creating_state(void *arg, pid_t pid, const char *status);
void gen_freep(yajl_gen *g);
void gen_state(yajl_gen g, const struct record *r, const char *status);
/* the state's fields, inside a map the caller opened */
void gen_state_fields(yajl_gen g, const struct record *r, const char *status);
bool init_alive(const struct record *r);
/* a ward run's record (auto_remove) whose ward died before removing it, its init gone */
bool record_abandoned(const struct record *r);
/* <dir>/state.json: 0, -ENOENT, or another negative errno with @err set */
int record_read(const char *dir, struct record *r, struct ward_err *err);
/* @sig to the recorded init through a pidfd, once it is known to be that process: 0 or -errno */
int init_kill(const struct record *r, int sig);
int record_load(const struct state_opts *o, const char *dir, struct record *r,
		enum state_status *st, struct ward_err *err);
int load_saved_config(const char *dir, struct container_spec *spec, struct ward_err *err);
int open_container(const struct state_opts *o, char **dir, int *lock, struct record *rec,
		   enum state_status *st, struct ward_err *err);
int pid_start_time(pid_t pid, unsigned long long *start, char *state);
int record_begin(struct record *r, struct ward_err *err);
int record_cgroups(void *arg, const struct cg_handle *cg, struct ward_err *err);
int record_root_mount(void *arg, unsigned long long mnt_id, struct ward_err *err);
/* whether start or delete need @spec's saved copy (record.needs_config) */
bool record_needs_config(const struct container_spec *spec);
void record_sweep_cgroups(const struct record *r);
void record_release(struct record *r);
int record_write(const char *dir, const struct record *r, struct ward_err *err);
int state_run_hooks(const struct container_spec *spec, enum spec_hook_kind kind,
		    const struct record *r, enum state_status st, struct ward_err *err);
char *state_dir(const struct state_opts *o);
/* <dir>, a record's directory, and the files a record may have in it */
void state_remove_dir(const char *dir);
char *state_json(const struct record *r, const char *status);
int check_preserved(unsigned int n, struct ward_err *err);
/*
 * @console: NULL for `create`, where a terminal needs --console-socket; for a
 * foreground run, set to the listening socket the master waits on when the
 * config asks for a terminal and no --console-socket is given, else -1
 */
int state_do_create(const struct state_opts *o, int *console, struct record *rec,
		    struct ward_err *err);
/* console.c: listen on <dir>/console.sock (*@path), take the master, copy it until @pid exits */
int console_listen(const char *dir, char **path, struct ward_err *err);
int console_receive(int listener, struct ward_err *err);
int console_proxy(pid_t pid, int master, struct ward_err *err);
int state_do_delete(const struct state_opts *o, bool force, struct ward_err *err);
/*
 * delete --force of the container @expect is the record of (its init's pid and
 * start time, the ward that registered it), checked under the lock: 0, 1 when
 * the name is another container's by now (left alone), or a negative errno
 */
int state_delete_same(const struct state_opts *o, const struct record *expect,
		      struct ward_err *err);
int write_pid_file(const char *path, pid_t pid, struct ward_err *err);
/* rootless.c: @init and its descendants (a container with no cgroup), allocated */
int state_proc_tree(pid_t init, pid_t **out, size_t *nout, struct ward_err *err);
