/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * parent.c - the parent's sequence: plan, cgroups, clone, release, serve, wait.
 *
 * The parent and child talk over a SOCK_SEQPACKET pair, both ends close-on-exec:
 * the parent sends one byte when the child may proceed (it waits right after
 * the clone, or, where ward has nothing its set-up needs, once it is mounted
 * and pivoted: plan_go_late(); before that, with plan.net_later, an 'N' with
 * its network namespace); the child answers only if it fails, with a
 * whole struct ward_err, and otherwise its end closes at execve, so EOF tells
 * the parent the command is running. The child is a plain fork (no CLONE_VM)
 * of a single-threaded process and does not allocate.
 *
 * The seccomp filter goes in last, after everything ward does in the child:
 * after it, the child makes no system call but execve (and exit_group when
 * that fails), so a profile that lets the command start lets ward start it.
 * What happens after the filter is reported without a system call, through a
 * page the clone shares with ward (struct child_report).
 */
#include "ward/process.h"
#include "launch.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "ward/bpf_interp.h"
#include "ward/caps.h"
#include "ward/cgroup.h"
#include "ward/cleanup.h"
#include "ward/hooks.h"
#include "ward/log.h"
#include "ward/mount.h"
#include "ward/netdev.h"
#include "ward/ns.h"
#include "ward/oci.h"
#include "ward/policy.h"
#include "ward/record.h"
#include "ward/resctrl.h"
#include "ward/sched.h"
#include "ward/selfexe.h"
#include "ward/sys.h"
#include "ward/tty.h"

/* how long ward create waits for its init to take the commit */
#define COMMIT_TIMEOUT_MS 5000

/* Signals ward passes on to the container, as docker run's sig-proxy does. */
const int launch_forwarded[LAUNCH_NFORWARDED] = {SIGINT,  SIGTERM, SIGHUP,
						 SIGQUIT, SIGUSR1, SIGUSR2};

static volatile pid_t forward_to;

/* the command runs: signals reach it; before, during set-up, they end it */
static volatile sig_atomic_t forward_running;

static void forward_signal(int sig)
{
	int saved = errno;

	if (forward_to > 0)
		(void)kill(forward_to, forward_running ? sig : SIGKILL);
	errno = saved;
}

/* the container's id, or a stand-in for the resctrl group of a run without one */
static const char *container_id(const struct proc_opts *opts)
{
	return opts->id ? opts->id : "ward";
}

/*
 * Ward's part before the child may go on: its cgroup (before it runs a single
 * instruction of the container's), its id maps, its OOM score, the host's
 * interfaces it is given, its resctrl group (*@rdt_made: ward made it).
 */
static int prepare_child(const struct plan *plan, pid_t pid, const struct cg_handle *cg,
			 bool *rdt_made, struct ward_err *err)
{
	const struct container_spec *spec = plan->spec;

	if ((plan->born_in_cgroup ? cg_attach_v1(cg, pid, err) : cg_attach(cg, pid, err)) < 0)
		return -EINVAL;
	if (ns_is_new(spec, CLONE_NEWUSER) && ns_write_id_maps(spec, pid, err) < 0)
		return -EINVAL;
	if (spec->oci.oom_score_adj_set &&
	    sched_set_oom_score_adj(pid, spec->oci.oom_score_adj, err) < 0)
		return -EINVAL;
	if (netdev_move(&spec->oci.netdevs, pid, err) < 0)
		return -EINVAL;
	return resctrl_join(RESCTRL_ROOT, container_id(plan->opts), &spec->oci.rdt, pid, rdt_made,
			    err);
}

static int wait_child(pid_t pid, int *status, struct ward_err *err)
{
	int ws;

	while (waitpid(pid, &ws, 0) < 0) {
		if (errno != EINTR)
			return err_set(err, errno, "cannot wait for the container");
	}
	if (WIFEXITED(ws))
		*status = WEXITSTATUS(ws);
	else if (WIFSIGNALED(ws))
		*status = 128 + WTERMSIG(ws);
	else
		*status = WARD_EXIT_LAUNCHER;
	return 0;
}

static int install_forwarding(sigset_t *blocked, sigset_t *old, struct ward_err *err)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = forward_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(blocked);
	for (size_t i = 0; i < LAUNCH_NFORWARDED; i++) {
		sigaddset(blocked, launch_forwarded[i]);
		sigaddset(&sa.sa_mask, launch_forwarded[i]);
	}
	/* a SIGCHLD inherited as ignored would make waitpid() fail */
	if (signal(SIGCHLD, SIG_DFL) == SIG_ERR)
		return err_set(err, errno, "cannot reset SIGCHLD");
	/* blocked across clone, so no signal lands between clone and the handlers */
	if (sigprocmask(SIG_BLOCK, blocked, old) < 0)
		return err_set(err, errno, "cannot block signals");
	for (size_t i = 0; i < LAUNCH_NFORWARDED; i++)
		if (sigaction(launch_forwarded[i], &sa, NULL) < 0)
			return err_set(err, errno, "cannot install a signal handler");
	return 0;
}

/* clone the child into its namespaces (a joined pid namespace is entered around it) */
static pid_t spawn(struct plan *plan, struct ward_err *err)
{
	unsigned long flags = ns_clone_flags(plan->spec);
	struct ward_err e;
	bool tried;
	pid_t pid;
	int saved;

	/* root: before the clone, so the child is never dumpable (rootless: see child_main) */
	if (!plan->spec->rootless && selfexe_undumpable(err) < 0)
		return -1;
	if (ns_pid_enter(&plan->ns, err) < 0)
		return -1;
	(void)fflush(NULL); /* buffered output must not be written twice */
	pid = sys_clone_into_cgroup(plan->net_later ? flags & ~(unsigned long)CLONE_NEWNET : flags,
				    plan->cgroup_fd, &tried);
	plan->born_in_cgroup = tried && pid >= 0; /* the child's copy too: plan_go_late() */
	if (!tried) {
		plan->net_later = false; /* the child's copy too: the clone makes it */
		pid = (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
	}
	if (pid == 0)
		child_main(plan);
	saved = errno;
	if (ns_pid_leave(&plan->ns, &e) < 0) {
		/* ward's own later children (hooks) must not land in the container */
		if (pid > 0) {
			(void)kill(pid, SIGKILL);
			(void)waitpid(pid, NULL, 0);
		}
		*err = e;
		return -1;
	}
	if (pid < 0)
		err_set(err, saved, "cannot create the container's namespaces");
	return pid;
}

void proc_result_init(struct proc_result *res)
{
	memset(res, 0, sizeof(*res));
}

void proc_result_release(struct proc_result *res)
{
	notify_log_release(&res->denied);
	filter_prog_release(&res->denied_prog);
	proc_result_init(res);
}

/* ---- the one parent sequence ------------------------------------------------------- */

enum launch_mode {
	LAUNCH_RUN,    /* ward run: in the foreground, the cgroup ward's own */
	LAUNCH_CREATE, /* ward create: left waiting for start, the cgroup the caller's */
	LAUNCH_EXEC,   /* ward exec: into a running container, its cgroup kept */
};

/*
 * The parent's side of one container process, from its plan to its end.
 * launch_end() undoes whatever launch_begin() got to; what succeeded is
 * handed over by clearing the field (pid, cg) before.
 */
struct launch {
	enum launch_mode mode;
	struct plan plan;
	struct child_report *report;
	struct exec_target target; /* exec: the container's namespaces and root */
	struct cg_handle own_cg;   /* run: the container's cgroup */
	struct cg_handle *cg;	   /* the cgroup the process goes into; destroyed if ward made it */
	int parent_end;		   /* ward's end of the sync socket */
	int listener, master;	   /* a seccomp listener, a terminal master, once received */
	pid_t pid;		   /* the child, until reaped or handed over */
	bool forwarding;	   /* signals blocked, handlers installed: old is the mask */
	bool rdt_made;		   /* ward made the resctrl group: removed at the end */
	bool sweep;		   /* cg_cleanup_stale() once the child is released */
	struct cg_layout layout;   /* ward's cgroups, as placement_cgroup() found them */
	bool devices_now;	   /* the second try: the device program before the clone */
	sigset_t old;
};

static void launch_init(struct launch *l, enum launch_mode mode, const struct container_spec *spec,
			const struct proc_opts *opts)
{
	memset(l, 0, sizeof(*l));
	l->mode = mode;
	l->plan = (struct plan){
	    .spec = spec, .opts = opts, .sync = -1, .parent_end = -1, .cgroup_fd = -1};
	ns_plan_init(&l->plan.ns); /* no fds yet: launch_plan_release() must not close 0 */
	l->target.rootfd = -1;
	l->cg = &l->own_cg;
	l->parent_end = l->listener = l->master = -1;
}

/* Signals stay blocked from before the clone until the child's pid is known. */
static void launch_unblock(struct launch *l)
{
	if (l->forwarding)
		(void)sigprocmask(SIG_SETMASK, &l->old, NULL);
	l->forwarding = false;
}

/* Undo what is left: the child killed and reaped, its cgroup removed, fds closed. */
static void launch_end(struct launch *l)
{
	struct ward_err e;

	launch_unblock(l);
	if (l->pid > 0) {
		(void)kill(l->pid, SIGKILL);
		(void)waitpid(l->pid, NULL, 0);
	}
	forward_to = 0;
	forward_running = 0;
	if (l->cg && l->mode != LAUNCH_EXEC)
		placement_finish(l->cg);
	if (l->plan.root_mnt) /* a container without a mount namespace that did not make it */
		mnt_detach_root(l->plan.spec->rootfs, l->plan.root_mnt);
	if (l->rdt_made &&
	    resctrl_leave(RESCTRL_ROOT, container_id(l->plan.opts), &l->plan.spec->oci.rdt, &e) < 0)
		log_warn("%s", e.msg);
	if (l->plan.sync >= 0)
		close(l->plan.sync);
	launch_plan_release(&l->plan);
	target_release(&l->target);
	if (l->parent_end >= 0)
		close(l->parent_end);
	if (l->listener >= 0)
		close(l->listener);
	if (l->master >= 0)
		close(l->master);
	report_unmap(&l->report);
}

/* With opts->record: the recording program in place of the profile's (record.h). */
static int launch_record(struct launch *l, struct ward_err *err)
{
	struct plan *plan = &l->plan;
	int r;

	plan->profile_prog = plan->seccomp;
	memset(&plan->seccomp, 0, sizeof(plan->seccomp));
	r = record_filter(&plan->profile_prog, &plan->seccomp, err);
	filter_prog_release(&plan->profile_prog);
	return r;
}

/* --report-denied: the child loads the rewritten program; @res keeps the profile's. */
static int launch_report_denied(struct launch *l, struct proc_result *res, struct ward_err *err)
{
	struct plan *plan = &l->plan;
	int r;

	plan->profile_prog = plan->seccomp;
	memset(&plan->seccomp, 0, sizeof(plan->seccomp));
	r = notify_rewrite(&plan->profile_prog, &plan->seccomp, err);
	if (r < 0)
		return r;
	/* the log needs the profile's program until the report is printed */
	res->denied.orig = &res->denied_prog;
	res->denied_prog = plan->profile_prog;
	memset(&plan->profile_prog, 0, sizeof(plan->profile_prog));
	return 0;
}

/*
 * ward create: the child opens the fifo after it became the container's user
 * (runc chowns it too): in a user namespace, that user's host ids.
 */
static int fifo_to_user(const struct container_spec *spec, int fifo, struct ward_err *err)
{
	uint32_t host_uid = spec->uid, host_gid = spec->gid;

	if (ns_is_new(spec, CLONE_NEWUSER)) {
		(void)spec_map_id(spec->oci.uid_mappings, spec->oci.nuid_mappings, spec->uid,
				  &host_uid);
		(void)spec_map_id(spec->oci.gid_mappings, spec->oci.ngid_mappings, spec->gid,
				  &host_gid);
	}
	if (fchownat(fifo, "", host_uid, host_gid, AT_EMPTY_PATH) < 0)
		return err_set(err, errno, "cannot hand the exec fifo to uid %u",
			       (unsigned)host_uid);
	return 0;
}

/*
 * plan->net_later: the child's network namespace, made and sent to it ('N');
 * its lo brought up here, while the child goes on with it (before ward's go)
 */
static int launch_netns(struct launch *l, struct ward_err *err)
{
	int own, fd = ns_net_enter(&own, err), r;
	struct ward_err e;

	if (fd < 0)
		return fd;
	r = send_fd(l->parent_end, 'N', fd, "the network namespace", err);
	close(fd);
	/* EPIPE: the child gave up already; release_child() reads why */
	if (r < 0 && err->code == EPIPE)
		return ns_net_leave(own, err);
	if (r < 0) {
		(void)ns_net_leave(own, &e);
		return -EPROTO;
	}
	r = ns_loopback_up(err);
	if (ns_net_leave(own, r < 0 ? &e : err) < 0 && r == 0)
		r = -EPROTO;
	return r;
}

/* The capabilities, then what the process joins: namespaces by path, or a container. */
static int launch_plan(struct launch *l, pid_t target, struct ward_err *err)
{
	const struct container_spec *spec = l->plan.spec;
	int r = plan_caps(&l->plan, spec, err);

	if (r < 0)
		return r;
	if (l->mode == LAUNCH_EXEC)
		return target_open(target, l->plan.opts->target_start, spec->rootless, &l->target,
				   err);
	/* the child's descriptors of the bind sources: allocated here, not after the clone */
	l->plan.mount_fds = xcalloc(spec->nmounts + 1, sizeof(*l->plan.mount_fds));
	r = ns_prepare(&l->plan.ns, spec, err);
	if (r == 0 && l->mode == LAUNCH_CREATE)
		r = fifo_to_user(spec, l->plan.opts->exec_fifo, err);
	if (r == 0 && l->mode == LAUNCH_CREATE && setup_hooks_wanted(spec))
		r = plan_hook_state(&l->plan, err);
	return r;
}

/* ward run, no id maps, no host interface to move in, its own mount namespace */
static bool may_go_late(const struct launch *l)
{
	const struct container_spec *spec = l->plan.spec;

	return l->mode == LAUNCH_RUN && !spec->rootless && !ns_is_new(spec, CLONE_NEWUSER) &&
	       !ns_shares_mounts(spec) && !spec->oci.netdevs.n;
}

/*
 * Whether nothing ward does after the clone must come before the child's set-up
 * (plan_go_late()): may_go_late(), and no v1 cgroup to join.
 */
static bool go_late(const struct launch *l)
{
	if (!may_go_late(l))
		return false;
	for (size_t i = 0; l->cg && i < l->cg->ndirs; i++)
		if (!l->cg->dirs[i].v2 || l->plan.cgroup_fd < 0)
			return false;
	return true;
}

/* The container's cgroup, before anything runs: ward run's own, or ward create's. */
static int launch_cgroup(struct launch *l, struct ward_err *err)
{
	const struct proc_opts *opts = l->plan.opts;
	bool create = l->mode == LAUNCH_CREATE;
	int r;

	if (l->mode == LAUNCH_RUN && placement_no_cgroup(l->plan.spec, opts)) {
		log_debug("no limit, no device to guard: no cgroup of the container's own");
		memset(l->cg, 0, sizeof(*l->cg));
		return 0;
	}
	/* the device program loads while the child mounts (cg_apply_devices()) */
	r = placement_cgroup(l->plan.spec, create ? opts->id : NULL,
			     may_go_late(l) && !l->devices_now, &l->layout, l->cg, err);
	l->sweep = !l->plan.spec->rootless;

	if (r < 0) {
		l->cg = NULL; /* nothing made */
		return r;
	}
	/* recorded before anything runs in it: a killed create leaves delete a trace */
	if (opts->cgroup_ready) /* create: its record; run: a registered ward run (named.c) */
		r = opts->cgroup_ready(opts->state_arg, l->cg, err);
	return r;
}

/* clone (or, for exec, the joiner's clone in the container), signals blocked across it */
static int launch_clone(struct launch *l, struct ward_err *err)
{
	const struct proc_opts *opts = l->plan.opts;
	sigset_t blocked;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return err_set(err, errno, "cannot create the sync socket");
	l->parent_end = l->plan.parent_end = sv[0];
	l->plan.sync = sv[1];
	if (l->mode == LAUNCH_RUN || (l->mode == LAUNCH_EXEC && !opts->detach)) {
		if (install_forwarding(&blocked, &l->old, err) < 0)
			return -EINVAL;
		l->forwarding = true;
	}
	l->pid = l->mode == LAUNCH_EXEC
		     ? exec_spawn(&l->plan, &l->target, l->parent_end, &l->plan.born_in_cgroup, err)
		     : spawn(&l->plan, err);
	close(l->plan.sync);
	l->plan.sync = -1;
	launch_plan_release(&l->plan);
	target_release(&l->target);
	if (l->pid < 0) {
		l->pid = 0;
		return -(err->code ? err->code : EINVAL);
	}
	forward_to = l->pid;
	launch_unblock(l);
	return 0;
}

/*
 * Up to the point where run, create and exec part: the pipeline's parent side,
 * in order. The capability set goes to the profile engine (plan_policy), the
 * filter is compiled, the capabilities and namespaces planned, the cgroup made,
 * the child cloned into its namespaces (it mounts, pivots and waits for us),
 * then put into its cgroup with its id maps written, still held.
 */
static int launch_begin(struct launch *l, pid_t target, struct proc_result *res,
			struct ward_err *err)
{
	const struct container_spec *spec = l->plan.spec;
	const struct proc_opts *opts = l->plan.opts;
	int r;

	l->report = l->plan.report = report_map(err);
	if (!l->report)
		return -EINVAL;
	r = plan_policy(spec, &l->plan.seccomp, err);
	if (r == 0 && opts->report_denied)
		r = launch_report_denied(l, res, err);
	if (r == 0 && opts->record)
		r = launch_record(l, err);
	if (r == 0 && res)
		res->denied.record = opts->record;
	if (r == 0)
		r = launch_plan(l, target, err);
	/* what the config takes from the host, there before anything starts */
	if (r == 0 && l->mode != LAUNCH_EXEC)
		r = netdev_check(&spec->oci.netdevs, err);
	if (r == 0 && l->mode != LAUNCH_EXEC)
		r = resctrl_check(RESCTRL_ROOT, &spec->oci.rdt, err);
	if (r == 0 && l->mode != LAUNCH_EXEC)
		r = launch_cgroup(l, err);
	if (r == 0 && l->cg && !(l->mode == LAUNCH_EXEC && spec->rootless))
		l->plan.cgroup_fd = cg_open_v2(l->cg);
	if (r == 0) {
		l->plan.late_go = go_late(l);
		l->plan.net_later = l->plan.late_go && ns_is_new(spec, CLONE_NEWNET);
	}
	if (r == 0)
		r = launch_clone(l, err);
	/* first, while the child mounts /proc and /dev: its network namespace */
	if (r == 0 && l->plan.net_later)
		r = launch_netns(l, err);
	/* before it runs an instruction of its own (rootless: the container has no cgroup) */
	if (r == 0 && l->mode == LAUNCH_EXEC && !spec->rootless)
		r = l->plan.born_in_cgroup ? cg_attach_v1(l->cg, l->pid, err)
					   : cg_attach(l->cg, l->pid, err);
	if (r == 0 && l->mode == LAUNCH_EXEC)
		r = resctrl_add(RESCTRL_ROOT, container_id(opts), &spec->oci.rdt, l->pid, err);
	/* the device program placement_cgroup() left for now (-EAGAIN: see proc_run()) */
	if (r == 0 && l->mode != LAUNCH_EXEC && l->cg)
		r = cg_apply_devices(l->cg, &spec->resources, err);
	if (r == 0 && l->mode != LAUNCH_EXEC)
		r = prepare_child(&l->plan, l->pid, l->cg, &l->rdt_made, err);
	/* the registration (named.c), while the child mounts */
	if (r == 0 && opts->cloned)
		r = opts->cloned(opts->started_arg, err);
	return r;
}

/* Release the child; while it sets itself up, what need not come before that. */
static int launch_go(struct launch *l, struct ward_err *err)
{
	const struct proc_opts *opts = l->plan.opts;
	struct ward_err e;
	char go = 'g';

	/* EPIPE: the child gave up before its go (plan_go_late()); release_child() says why */
	if (send(l->parent_end, &go, 1, MSG_NOSIGNAL) != 1 && errno != EPIPE)
		return err_set(err, errno, "cannot release the container");
	/* the cgroups dead wards left, swept while the child sets itself up */
	if (l->sweep && cg_cleanup_stale(&l->layout, &e) < 0)
		log_warn("cannot remove cgroups left by an earlier ward: %s", e.msg);
	return opts->released ? opts->released(opts->started_arg, err) : 0;
}

/* The child released: until it execs, then (foreground) until it exits. */
static int launch_serve(struct launch *l, struct proc_result *res, struct ward_err *err)
{
	const struct proc_opts *opts = l->plan.opts;
	int r = launch_go(l, err);

	if (r == 0)
		r = release_child(l->parent_end, l->pid, l->report, l->plan.spec, opts,
				  &res->denied, &l->listener, &l->master, err);

	forward_running = r == 0;
	if (r == 0 && l->master >= 0 && opts->console_socket) {
		r = tty_send_console(opts->console_socket, l->master, err);
		close(steal_fd(&l->master));
	}
	if (r == 0 && opts->started)
		r = opts->started(opts->started_arg, l->pid, err);
	if (r < 0 || (l->mode == LAUNCH_EXEC && opts->detach))
		return r;
	if (l->listener >= 0 || l->master >= 0)
		r = serve_until_exit(l->pid, l->listener, l->master, &res->denied, err);
	return r;
}

/* Reap the child (killed first when ward failed); its status as Docker reports it. */
static int launch_wait(struct launch *l, int r, struct proc_result *res, struct ward_err *err)
{
	struct ward_err werr;
	int ws = 0;

	if (r < 0 && l->pid > 0)
		(void)kill(l->pid, SIGKILL); /* it failed, or must not go on without its cgroup */
	if (l->pid > 0 && wait_child(l->pid, &ws, &werr) < 0 && r == 0) {
		*err = werr;
		r = -werr.code;
	}
	l->pid = 0;
	res->status = ws;
	return r;
}

int proc_run(const struct container_spec *spec, const struct proc_opts *opts,
	     struct proc_result *res, struct ward_err *err)
{
	struct launch l;
	int r;

	launch_init(&l, LAUNCH_RUN, spec, opts);
	r = launch_begin(&l, 0, res, err);
	if (r == -EAGAIN && l.cg && l.cg->devices == CG_DEVICES_PENDING_V1) {
		/* a hybrid host whose device program cannot be loaded: v1's devices
		 * cgroup, joined before the child makes its cgroup namespace; from the start */
		log_debug("%s: starting again with v1's devices cgroup", err->msg);
		launch_end(&l);
		proc_result_release(res);
		proc_result_init(res);
		launch_init(&l, LAUNCH_RUN, spec, opts);
		l.devices_now = true;
		r = launch_begin(&l, 0, res, err);
	}
	if (r == 0)
		r = launch_serve(&l, res, err);
	r = launch_wait(&l, r, res, err);
	res->oom_killed = r == 0 && cg_oom_killed(l.cg);
	launch_end(&l);
	return r;
}

int proc_create(const struct container_spec *spec, const struct proc_opts *opts, pid_t *pid_out,
		struct cg_handle *cg, int *commit, struct ward_err *err)
{
	struct launch l;
	int r;

	memset(cg, 0, sizeof(*cg));
	*pid_out = 0;
	*commit = -1;
	if (opts->exec_fifo < 0 || !opts->id || opts->report_denied)
		return err_set(err, EINVAL, "create: no exec fifo or id");
	launch_init(&l, LAUNCH_CREATE, spec, opts);
	l.cg = cg;
	r = launch_begin(&l, 0, NULL, err);
	if (r == 0)
		r = launch_go(&l, err);
	if (r == 0)
		r = wait_ready(&l.plan, l.parent_end, l.pid, l.report, &l.master, err);
	/* the engine gets the terminal; ward create keeps no copy */
	if (r == 0 && l.master >= 0 && opts->console_socket)
		r = tty_send_console(opts->console_socket, l.master, err);
	if (r == 0) {
		/* handed over: the caller records pid and cgroup, then commits */
		*pid_out = l.pid;
		*commit = steal_fd(&l.parent_end);
		l.pid = 0;
		l.cg = NULL;
		l.plan.root_mnt = 0; /* the record's (opts->root_attached) */
		l.rdt_made = false;  /* delete removes it */
	}
	launch_end(&l);
	return r;
}

int proc_create_commit(int *commit, struct ward_err *err)
{
	struct pollfd pfd = {.fd = *commit, .events = POLLIN};
	char c = 'c';
	int r = 0, n;

	/* the init clears its parent-death signal and answers 'a': then ward may go */
	if (write_full(*commit, &c, 1) != 1)
		r = err_set(err, errno, "the container died before it could be committed");
	do
		n = r == 0 ? poll(&pfd, 1, COMMIT_TIMEOUT_MS) : 0;
	while (n < 0 && errno == EINTR);
	if (r == 0 && n > 0 && (read_full(*commit, &c, 1) != 1 || c != 'a'))
		r = err_set(err, EPROTO, "the container died before it could be committed");
	close(*commit);
	*commit = -1;
	return r;
}

int proc_exec(const struct container_spec *spec, const struct proc_opts *opts, pid_t target,
	      const struct cg_handle *cg, struct proc_result *res, struct ward_err *err)
{
	struct launch l;
	int r;

	res->status = 0;
	launch_init(&l, LAUNCH_EXEC, spec, opts);
	l.cg = (struct cg_handle *)cg; /* joined, never destroyed (LAUNCH_EXEC) */
	r = launch_begin(&l, target, res, err);
	if (r == 0)
		r = launch_serve(&l, res, err);
	if (r == 0 && opts->detach) {
		l.pid = 0; /* ward's child until ward exits, then the engine's (subreaper) */
		launch_end(&l);
		return 0;
	}
	r = launch_wait(&l, r, res, err);
	launch_end(&l);
	return r;
}
