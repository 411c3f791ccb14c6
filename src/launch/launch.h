/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * launch.h - what the files of src/launch/ that run a container share, and no
 * one else sees: the plan the parent builds and the child applies, the report
 * page, the sync protocol, the way into a running container.
 *
 *   parent.c    the one parent sequence of run, create and exec
 *   plan.c      what the parent builds before the clone: capabilities, filter, buffers
 *   serve.c     ward while the child runs: set-up messages, notifications, terminal
 *   child.c     the child's ordered steps, from the clone to execve
 *   sync.c      the sync socket's messages and the report page
 *   listener.c  a seccomp listener: taken from the child, or sent to its agent
 *   exec.c      joining a running container (ward exec)
 */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "ward/caps.h"
#include "ward/error.h"
#include "ward/filter.h"
#include "ward/notify.h"
#include "ward/ns.h"
#include "ward/process.h"
#include "ward/spec.h"

/* Signals ward passes on to the container (parent.c); the child resets them. */
#define LAUNCH_NFORWARDED 6
extern const int launch_forwarded[LAUNCH_NFORWARDED];

/* How far the child got: the steps after which a seccomp profile may deny it anything. */
enum child_step {
	STEP_SETUP,  /* before the filter: failures also go over the socket */
	STEP_FILTER, /* loading the filter (and handing its listener to ward) */
	STEP_EXEC,   /* the filter is in: execve, and exit_group if that fails */
};

/*
 * A page shared by ward and the child across the clone (MAP_SHARED): the child
 * writes it without a system call, so ward learns why the child gave up even
 * when its profile denies every way of saying so.
 */
struct child_report {
	int step;	    /* enum child_step reached */
	int listener_taken; /* ward holds the seccomp listener: the child may go on */
	int failed;	    /* err says why the child gave up */
	struct ward_err err;
	uint32_t arch;	     /* the native AUDIT_ARCH_*, set by ward */
	uint32_t execve_ret; /* after a failure with the filter in: its decision for */
	uint32_t exit_ret;   /* execve and exit_group, from ward's interpreter */
};

#define cleanup_report __attribute__((cleanup(report_unmap)))

struct plan {
	const struct container_spec *spec;
	const struct proc_opts *opts;
	struct caps_plan caps;
	struct ns_plan ns;		 /* namespaces joined by path */
	struct filter_prog seccomp;	 /* what the child loads */
	struct filter_prog profile_prog; /* with report_denied: the unrewritten program */
	int sync;			 /* the child's end of the socket pair */
	int parent_end;			 /* ward's end: the child closes it first */
	struct child_report *report;	 /* shared with the child (report_map()) */
	int *mount_fds;			 /* run, create: room for the bind sources' descriptors */
	/* ward create with set-up hooks: where the child receives the two state JSONs */
	char *hook_state[2];
	size_t hook_state_size;
	/* no mount namespace of its own: the tree ward attached (mnt_attach_root()), until
	 * it is handed over to the record or detached */
	unsigned long long root_mnt;
	/* run, create: the container's cgroup2 cgroup for clone3's CLONE_INTO_CGROUP, or -1 */
	int cgroup_fd;
	bool born_in_cgroup; /* the clone took it: the child needs no move there */
	/* ward has nothing the child's set-up must wait for (plan_go_late()) */
	bool late_go;
	/*
	 * A new network namespace, made by ward after the clone rather than by it
	 * (creating one takes ~0.4 ms) and sent to the child ('N'), which joins it
	 * after mounting /proc and /dev: only where the clone took the child into
	 * its cgroup, so that it runs late_go (spawn() clears it otherwise).
	 */
	bool net_later;
};

/*
 * Where the child waits for ward's go: right after the clone when ward still has
 * to put it somewhere before it sets itself up (id maps before it becomes root in
 * its user namespace, a cgroup to join before its cgroup namespace is made, the
 * mounts of a container without a mount namespace); otherwise only once it has
 * its ids, capabilities and descriptors, before its filter (child_become()), so
 * that its set-up and ward's remaining work (the registration, the device program)
 * run at the same time. Both sides ask this after the clone.
 */
static inline bool plan_go_late(const struct plan *plan)
{
	return plan->late_go && (plan->cgroup_fd < 0 || plan->born_in_cgroup);
}

/* placement.c: the container's cgroup, made before the clone */
bool placement_no_cgroup(const struct container_spec *spec, const struct proc_opts *opts);
int placement_cgroup(const struct container_spec *spec, const char *oci_id, bool devices_later,
		     struct cg_layout *layout, struct cg_handle *cg, struct ward_err *err);
void placement_finish(struct cg_handle *cg);

/* the namespace types ward exec may join (exec.c's table) */
#define EXEC_NS_MAX 8

/* What the process joins: the init's namespaces that are not ward's own, and its root. */
struct exec_target {
	int fd[EXEC_NS_MAX];
	size_t idx[EXEC_NS_MAX]; /* into exec_ns */
	size_t n;
	int rootfd;
	bool user; /* a user namespace is joined: the process becomes its root first */
};

/* sync.c */
struct child_report *report_map(struct ward_err *err);
void report_unmap(struct child_report **r);
ssize_t read_full(int fd, void *buf, size_t len);
ssize_t write_full(int fd, const void *buf, size_t len);
uint32_t child_filter_decision(const struct filter_prog *prog, uint32_t arch, int nr);
bool decision_allows(uint32_t ret);
int send_fd(int sync, char tag, int fd, const char *what, struct ward_err *err);
int read_sync(int sync, int *fd, char *tag, struct ward_err *err);
int send_text(int sync, const char *text, struct ward_err *err);
int recv_text(int sync, char *buf, size_t size, struct ward_err *err);
int report_outcome(const struct child_report *rep, struct ward_err *err);

/* child.c */
__attribute__((noreturn)) void child_fail(const struct plan *plan, struct ward_err *err);
__attribute__((noreturn)) void child_main(const struct plan *plan);
__attribute__((noreturn)) void exec_child(const struct plan *plan, bool user);

/* listener.c */
int listener_arrived(const struct container_spec *spec, const struct proc_opts *opts, pid_t pid,
		     int num, struct child_report *rep, int *listener, struct ward_err *err);

/* exec.c */
void target_release(struct exec_target *t);
/* @start: the target's start time (0: unchecked); @own: it must be the caller's */
int target_open(pid_t pid, unsigned long long start, bool own, struct exec_target *t,
		struct ward_err *err);
/* the process, in the container's namespaces; *@born: the clone put it in plan->cgroup_fd */
pid_t exec_spawn(const struct plan *plan, const struct exec_target *t, int parent_end, bool *born,
		 struct ward_err *err);

/* plan.c */
void launch_plan_release(struct plan *plan);
int plan_policy(const struct container_spec *spec, struct filter_prog *prog, struct ward_err *err);
int plan_caps(struct plan *plan, const struct container_spec *spec, struct ward_err *err);
bool setup_hooks_wanted(const struct container_spec *spec);
int plan_hook_state(struct plan *plan, struct ward_err *err);

/* serve.c */
int release_child(int sync, pid_t pid, struct child_report *rep, const struct container_spec *spec,
		  const struct proc_opts *opts, struct notify_log *log, int *listener, int *master,
		  struct ward_err *err);
int serve_until_exit(pid_t pid, int listener, int master, struct notify_log *log,
		     struct ward_err *err);
int wait_ready(struct plan *plan, int sync, pid_t pid, struct child_report *rep, int *master,
	       struct ward_err *err);
