/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * parent.c - the parent's sequence: plan, cgroups, clone, release, serve, wait.
 *
 * The parent and child talk over a SOCK_SEQPACKET pair, both ends close-on-exec:
 * the parent sends one byte when the child may proceed; the child answers only
 * if it fails, with a whole struct ward_err, and otherwise its end closes at
 * execve, so EOF tells the parent the command is running. The child is a plain
 * fork (no CLONE_VM) of a single-threaded process and does not allocate.
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
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
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
#include "ward/ns.h"
#include "ward/oci.h"
#include "ward/policy.h"
#include "ward/selfexe.h"
#include "ward/sys.h"
#include "ward/tty.h"

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

void plan_release(struct plan *plan)
{
	caps_plan_release(&plan->caps);
	ns_plan_release(&plan->ns);
	filter_prog_release(&plan->seccomp);
	filter_prog_release(&plan->profile_prog);
}

/*
 * The filter and profile for @spec, refused before anything starts when the
 * profile denies execve: after its filter ward makes no other call, so no
 * container could start (and ward create's init could only die unseen).
 */
static int plan_policy(const struct container_spec *spec, struct filter_prog *prog,
		       struct ward_err *err)
{
	uint32_t arch = filter_native_arch();
	bool exit_denied;
	int r = policy_prepare(spec, 0, prog, NULL, err);

	if (r < 0 || decision_allows(filter_decision(prog, arch, SYS_execve)))
		return r;
	exit_denied = !decision_allows(filter_decision(prog, arch, SYS_exit_group));
	filter_prog_release(prog);
	r = err_set(err, 0,
		    "the seccomp profile denies execve%s, which ward needs after loading it "
		    "(add %s to the profile)",
		    exit_denied ? " and exit_group" : "", exit_denied ? "them" : "it");
	err->status = WARD_EXIT_LAUNCHER;
	return r;
}

/* process.oomScoreAdj, written by ward (a child in a user namespace could only raise it) */
static int set_oom_score_adj(pid_t pid, int value, struct ward_err *err)
{
	char buf[16], path[40];
	int fd, n = snprintf(buf, sizeof(buf), "%d", value);
	ssize_t w;

	if (n < 0 || (size_t)n >= sizeof(buf))
		return err_set(err, EINVAL, "process.oomScoreAdj: %d", value);
	(void)snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)pid);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, errno, "process.oomScoreAdj: cannot open '%s'", path);
	w = write_full(fd, buf, (size_t)n);
	if (w != n) {
		int e = w < 0 ? errno : EIO;

		close(fd);
		/* lowering it below ward's own needs CAP_SYS_RESOURCE */
		return err_set(err, e, "process.oomScoreAdj: cannot set it to %d", value);
	}
	close(fd);
	return 0;
}

/*
 * Ward's part before the child may go on: its cgroup (before it runs a single
 * instruction of the container's), its id maps, its OOM score.
 */
static int prepare_child(const struct container_spec *spec, pid_t pid, const struct cg_handle *cg,
			 struct ward_err *err)
{
	if (cg_attach(cg, pid, err) < 0)
		return -EINVAL;
	if (ns_is_new(spec, CLONE_NEWUSER) && ns_write_id_maps(spec, pid, err) < 0)
		return -EINVAL;
	if (spec->oci.oom_score_adj_set && set_oom_score_adj(pid, spec->oci.oom_score_adj, err) < 0)
		return -EINVAL;
	return 0;
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

/*
 * The container's cgroup: detected, stale ones from a SIGKILLed ward removed,
 * created with the limits, before clone so a failure leaves nothing started.
 */
static int cgroup_prepare(const struct container_spec *spec, const char *oci_id,
			  struct cg_handle *cg, struct ward_err *err)
{
	struct cg_layout layout;
	struct ward_err e;
	char id[16];
	int r;

	/* rootless: ward may write no cgroup (and finds no delegation it could use) */
	if (spec->rootless) {
		memset(cg, 0, sizeof(*cg));
		if (spec->resources.set & ~(unsigned int)SPEC_RES_DEVICES)
			return err_set(err, 0,
				       "rootless: resource limits need cgroups, which ward writes "
				       "only as root");
		log_debug("rootless: no cgroup of the container's own, no device cgroup");
		return 0;
	}
	r = cg_detect("/proc/self/mountinfo", "/proc/self/cgroup", &layout, err);
	if (r < 0)
		return r;
	if (cg_cleanup_stale(&layout, &e) < 0)
		log_warn("cannot remove cgroups left by an earlier ward: %s", e.msg);
	/* linux.cgroupsPath where the engine reads the container's stats from */
	if (oci_id && spec->oci.cgroups_path && spec->oci.cgroups_path[0])
		return cg_create_path(&layout, spec->oci.cgroups_path, &spec->resources, cg, err);
	if (oci_id)
		return cg_create_detached(&layout, oci_id, &spec->resources, cg, err);
	cg_make_id(id, sizeof(id));
	return cg_create(&layout, id, &spec->resources, cg, err);
}

static void cgroup_finish(struct cg_handle *cg)
{
	struct ward_err e;

	if (cg_destroy(cg, &e) < 0)
		log_warn("cannot remove the container's cgroup: %s", e.msg);
	cg_handle_release(cg);
}

/*
 * Release the child; learn whether it reached execve; with a seccomp listener,
 * answer its notifications until it exits (the child may block on one even
 * during set-up, so both are served together). Return: 0 once the command ran
 * (*listener set if the child sent one), or a negative errno.
 */
static int release_child(int sync, pid_t pid, struct child_report *rep,
			 const struct container_spec *spec, const struct proc_opts *opts,
			 struct notify_log *log, int *listener, int *master, struct ward_err *err)
{
	char go = 'g';

	if (write_full(sync, &go, 1) != 1)
		return err_set(err, errno, "cannot release the container");
	for (;;) {
		struct pollfd pfd[2] = {{.fd = sync, .events = POLLIN},
					{.fd = *listener, .events = POLLIN}};
		int r, fd = -1;
		char tag = 0;

		if (poll(pfd, *listener >= 0 ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return err_set(err, errno, "cannot wait for the container");
		}
		if (*listener >= 0 && (pfd[1].revents & POLLIN)) {
			r = notify_handle(log, *listener, err);
			if (r < 0)
				return r;
		}
		if (!(pfd[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		r = read_sync(sync, &fd, &tag, err);
		if (r < 0)
			return r;
		if (r == 0)
			return report_outcome(rep, err);
		if (r == 2)
			continue;
		if (r == 3) {
			r = listener_arrived(spec, opts, pid, fd, rep, listener, err);
			if (r < 0)
				return r;
			continue;
		}
		if (*master >= 0)
			close(*master);
		*master = fd;
	}
}

static volatile sig_atomic_t winch;

static void on_winch(int sig)
{
	(void)sig;
	winch = 1;
}

/*
 * Until the container exits: answer seccomp notifications (with a listener) and
 * copy the terminal both ways (with a master), resizing it on SIGWINCH.
 */
static int serve_until_exit(pid_t pid, int listener, int master, struct notify_log *log,
			    struct ward_err *err)
{
	cleanup_close int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	struct tty_proxy tp;
	int r = 0;

	if (pidfd < 0)
		return err_set(err, errno, "cannot watch the container (pidfd_open)");
	if (master >= 0) {
		struct sigaction sa = {.sa_handler = on_winch};

		r = tty_proxy_start(&tp, master, err);
		if (r < 0)
			return r;
		if (sigaction(SIGWINCH, &sa, NULL) < 0) {
			tty_proxy_stop(&tp);
			return err_set(err, errno, "cannot watch the window size");
		}
	}
	for (;;) {
		struct pollfd pfd[4] = {
		    {.fd = pidfd, .events = POLLIN},
		    {.fd = listener, .events = POLLIN},
		    {.fd = master, .events = POLLIN},
		    {.fd = master >= 0 && tp.stdin_open ? STDIN_FILENO : -1, .events = POLLIN}};

		if (winch && master >= 0) {
			winch = 0;
			tty_proxy_winch(&tp);
		}
		if (poll(pfd, 4, -1) < 0) {
			if (errno == EINTR)
				continue;
			r = err_set(err, errno, "cannot wait for the container");
			break;
		}
		if (listener >= 0 && (pfd[1].revents & POLLIN)) {
			r = notify_handle(log, listener, err);
			if (r < 0)
				break;
		}
		if (master >= 0 && (pfd[2].revents || pfd[3].revents))
			(void)tty_proxy_pump(&tp, pfd[2].revents != 0, pfd[3].revents != 0);
		if (pfd[0].revents & POLLIN)
			break;
	}
	if (master >= 0) {
		tty_proxy_stop(&tp);
		(void)signal(SIGWINCH, SIG_DFL);
	}
	return r;
}

/* The capabilities: Docker's rules from flags, or the five sets of a config.json. */
static int plan_caps(struct plan *plan, const struct container_spec *spec, struct ward_err *err)
{
	const struct spec_oci *o = &spec->oci;
	int r;

	if (o->oci) {
		struct caps_sets sets = {.bounding = spec->caps,
					 .effective = o->caps_effective,
					 .permitted = o->caps_permitted,
					 .inheritable = o->caps_inheritable,
					 .ambient = o->caps_ambient};
		/* the kernel raises an ambient capability only if permitted and inheritable */
		uint64_t skipped = sets.ambient & ~(sets.permitted & sets.inheritable);

		if (skipped) {
			char names[512];

			caps_format(skipped, names, sizeof(names));
			log_warn("process.capabilities.ambient: %s not both permitted and "
				 "inheritable: not raised",
				 names);
			sets.ambient &= ~skipped;
		}
		r = caps_prepare_sets(&plan->caps, &sets, err);
	} else {
		r = caps_prepare(&plan->caps, spec->caps, err);
	}
	/* without no_new_privs, seccomp(2) needs CAP_SYS_ADMIN: kept until execve */
	if (r == 0 && plan->seccomp.enabled && !spec->no_new_privs)
		r = caps_hold(&plan->caps, CAP_SYS_ADMIN, err);
	return r;
}

/* The capabilities and the namespaces to join. On failure the caller releases the plan. */
static int plan_prepare(struct plan *plan, const struct container_spec *spec, struct ward_err *err)
{
	int r;

	ns_plan_init(&plan->ns);
	r = plan_caps(plan, spec, err);
	if (r < 0)
		return r;
	return ns_prepare(&plan->ns, spec, err);
}

/* clone the child into its namespaces (a joined pid namespace is entered around it) */
static pid_t spawn(const struct plan *plan, struct ward_err *err)
{
	struct ward_err e;
	pid_t pid;
	int saved;

	/* root: before the clone, so the child is never dumpable (rootless: see child_main) */
	if (!plan->spec->rootless && selfexe_undumpable(err) < 0)
		return -1;
	if (ns_pid_enter(&plan->ns, err) < 0)
		return -1;
	(void)fflush(NULL); /* buffered output must not be written twice */
	pid =
	    (pid_t)syscall(SYS_clone, ns_clone_flags(plan->spec) | SIGCHLD, NULL, NULL, NULL, NULL);
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

int proc_run(const struct container_spec *spec, const struct proc_opts *opts,
	     struct proc_result *res, struct ward_err *err)
{
	struct plan plan = {.spec = spec, .opts = opts, .sync = -1, .parent_end = -1};
	cleanup_report struct child_report *report = NULL;
	cleanup_close int parent_end = -1;
	cleanup_close int listener = -1;
	cleanup_close int master = -1;
	struct cg_handle cg;
	struct ward_err werr;
	sigset_t blocked, old;
	int sv[2], r, ws = 0;
	pid_t pid;

	memset(&cg, 0, sizeof(cg));
	ns_plan_init(&plan.ns); /* no fds yet: plan_release() must not close 0 */
	report = plan.report = report_map(err);
	if (!report)
		return -EINVAL;
	r = plan_policy(spec, &plan.seccomp, err);
	if (r < 0)
		return r;
	if (opts->report_denied) {
		plan.profile_prog = plan.seccomp;
		r = notify_rewrite(&plan.profile_prog, &plan.seccomp, err);
		if (r < 0) {
			plan.seccomp = plan.profile_prog;
			memset(&plan.profile_prog, 0, sizeof(plan.profile_prog));
			filter_prog_release(&plan.seccomp);
			return r;
		}
		/* the log needs the profile's program until the report is printed */
		res->denied.orig = &res->denied_prog;
		res->denied_prog = plan.profile_prog;
		memset(&plan.profile_prog, 0, sizeof(plan.profile_prog));
	}
	r = plan_prepare(&plan, spec, err);
	if (r < 0) {
		plan_release(&plan);
		return r;
	}
	r = cgroup_prepare(spec, NULL, &cg, err);
	if (r < 0) {
		plan_release(&plan);
		return r;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		r = err_set(err, errno, "cannot create the sync socket");
		plan_release(&plan);
		cgroup_finish(&cg);
		return r;
	}
	parent_end = sv[0];
	plan.sync = sv[1];
	r = install_forwarding(&blocked, &old, err);
	if (r < 0) {
		close(plan.sync);
		plan_release(&plan);
		cgroup_finish(&cg);
		return r;
	}
	plan.parent_end = parent_end;
	pid = spawn(&plan, err);
	r = pid < 0 ? -(err->code ? err->code : EINVAL) : 0;
	close(plan.sync);
	plan_release(&plan);
	if (r < 0) {
		(void)sigprocmask(SIG_SETMASK, &old, NULL);
		cgroup_finish(&cg);
		return r;
	}
	forward_to = pid;
	(void)sigprocmask(SIG_SETMASK, &old, NULL);

	r = prepare_child(spec, pid, &cg, err);
	if (r == 0)
		r = release_child(parent_end, pid, report, spec, opts, &res->denied, &listener,
				  &master, err);
	forward_running = r == 0;
	if (r == 0 && master >= 0 && opts->console_socket) {
		r = tty_send_console(opts->console_socket, master, err);
		close(steal_fd(&master));
	}
	if (r == 0 && (listener >= 0 || master >= 0))
		r = serve_until_exit(pid, listener, master, &res->denied, err);
	if (r < 0)
		(void)kill(pid, SIGKILL); /* it failed, or must not go on without its cgroup */
	if (wait_child(pid, &ws, &werr) < 0 && r == 0) {
		*err = werr;
		r = -werr.code;
	}
	forward_to = 0;
	forward_running = 0;
	res->status = ws;
	res->oom_killed = r == 0 && cg_oom_killed(&cg);
	cgroup_finish(&cg);
	return r;
}

/* The init asked (before pivot_root): prestart, createRuntime, then its state JSONs. */
static int parent_setup_hooks(const struct plan *plan, int sync, pid_t pid, struct ward_err *err)
{
	const struct proc_opts *opts = plan->opts;
	cleanup_free char *creating = NULL;
	cleanup_free char *created = NULL;
	int r;

	if (!opts->state_json)
		return err_set(err, EINVAL, "create: the config has hooks, but no state for them");
	creating = opts->state_json(opts->state_arg, pid, "creating");
	created = opts->state_json(opts->state_arg, pid, "created");
	r = hooks_run(plan->spec, SPEC_HOOK_PRESTART, creating, err);
	if (r == 0)
		r = hooks_run(plan->spec, SPEC_HOOK_CREATE_RUNTIME, creating, err);
	if (r == 0)
		r = send_text(sync, creating, err);
	if (r == 0)
		r = send_text(sync, created, err);
	return r;
}

/*
 * ward create: wait for the child's "ready" byte (or its error), taking the
 * terminal's master on the way when it sends one, and running the set-up
 * hooks when it asks.
 */
static int wait_ready(const struct plan *plan, int sync, pid_t pid, struct child_report *rep,
		      int *master, struct ward_err *err)
{
	for (;;) {
		char tag = 0;
		int fd = -1;
		int r = read_sync(sync, &fd, &tag, err);

		if (r == 2 && tag == 'H') {
			r = parent_setup_hooks(plan, sync, pid, err);
			if (r < 0)
				return r;
			continue;
		}
		if (r == 3) {
			int none = -1;

			r = listener_arrived(plan->spec, plan->opts, pid, fd, rep, &none, err);
			if (r < 0)
				return r;
			continue;
		}
		if (r == 2)
			return 0;
		if (r == 0 && report_outcome(rep, err) < 0)
			return -EPROTO;
		if (r == 0)
			return err_set(err, EPROTO, "the container died during set-up");
		if (r < 0)
			return r;
		if (*master >= 0)
			close(*master);
		*master = fd;
	}
}

int proc_create(const struct container_spec *spec, const struct proc_opts *opts, pid_t *pid_out,
		struct cg_handle *cg, int *commit, struct ward_err *err)
{
	struct plan plan = {.spec = spec, .opts = opts, .sync = -1, .parent_end = -1};
	cleanup_report struct child_report *report = NULL;
	cleanup_close int parent_end = -1;
	cleanup_close int master = -1;
	uint32_t host_uid, host_gid;
	int sv[2], r;
	char go = 'g';
	pid_t pid;

	memset(cg, 0, sizeof(*cg));
	ns_plan_init(&plan.ns); /* no fds yet: plan_release() must not close 0 */
	*pid_out = 0;
	*commit = -1;
	if (opts->exec_fifo < 0 || !opts->id || opts->report_denied)
		return err_set(err, EINVAL, "create: no exec fifo or id");
	report = plan.report = report_map(err);
	if (!report)
		return -EINVAL;
	r = plan_policy(spec, &plan.seccomp, err);
	if (r < 0)
		return r;
	r = plan_prepare(&plan, spec, err);
	if (r < 0) {
		plan_release(&plan);
		return r;
	}
	/*
	 * The child opens the fifo after it became the container's user (runc chowns
	 * it too): in a user namespace, that user's host ids (checked as mapped).
	 */
	host_uid = spec->uid;
	host_gid = spec->gid;
	if (ns_is_new(spec, CLONE_NEWUSER)) {
		(void)spec_map_id(spec->oci.uid_mappings, spec->oci.nuid_mappings, spec->uid,
				  &host_uid);
		(void)spec_map_id(spec->oci.gid_mappings, spec->oci.ngid_mappings, spec->gid,
				  &host_gid);
	}
	if (fchownat(opts->exec_fifo, "", host_uid, host_gid, AT_EMPTY_PATH) < 0) {
		r = err_set(err, errno, "cannot hand the exec fifo to uid %u", (unsigned)host_uid);
		plan_release(&plan);
		return r;
	}
	r = cgroup_prepare(spec, opts->id, cg, err);
	if (r < 0) {
		plan_release(&plan);
		return r;
	}
	/* recorded before anything runs in it: a killed create leaves delete a trace */
	if (opts->cgroup_ready)
		r = opts->cgroup_ready(opts->state_arg, cg, err);
	if (r == 0 && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		r = err_set(err, errno, "cannot create the sync socket");
	if (r < 0) {
		plan_release(&plan);
		cgroup_finish(cg);
		return r;
	}
	parent_end = sv[0];
	plan.sync = sv[1];
	plan.parent_end = parent_end;
	pid = spawn(&plan, err);
	r = pid < 0 ? -(err->code ? err->code : EINVAL) : 0;
	close(plan.sync);
	plan_release(&plan);
	if (r < 0) {
		cgroup_finish(cg);
		return r;
	}
	r = prepare_child(spec, pid, cg, err);
	if (r == 0 && write_full(parent_end, &go, 1) != 1)
		r = err_set(err, errno, "cannot release the container");
	if (r == 0)
		r = wait_ready(&plan, parent_end, pid, report, &master, err);
	/* the engine gets the terminal; ward create keeps no copy */
	if (r == 0 && master >= 0 && opts->console_socket)
		r = tty_send_console(opts->console_socket, master, err);
	if (r < 0) {
		(void)kill(pid, SIGKILL);
		(void)waitpid(pid, NULL, 0);
		cgroup_finish(cg);
		return r;
	}
	*pid_out = pid;
	*commit = parent_end;
	parent_end = -1;
	return 0;
}

int proc_create_commit(int *commit, struct ward_err *err)
{
	char c = 'c';
	int r = 0;

	if (write_full(*commit, &c, 1) != 1)
		r = err_set(err, errno, "the container died before it could be committed");
	close(*commit);
	*commit = -1;
	return r;
}

int proc_exec(const struct container_spec *spec, const struct proc_opts *opts, pid_t target,
	      const struct cg_handle *cg, struct proc_result *res, struct ward_err *err)
{
	struct plan plan = {.spec = spec, .opts = opts, .sync = -1, .parent_end = -1};
	cleanup_report struct child_report *report = NULL;
	cleanup_close int parent_end = -1;
	cleanup_close int listener = -1;
	cleanup_close int master = -1;
	struct exec_target t = {.rootfd = -1};
	struct ward_err werr;
	sigset_t blocked, old;
	int sv[2], r, ws = 0;
	pid_t pid;

	ns_plan_init(&plan.ns);
	res->status = 0;
	report = plan.report = report_map(err);
	if (!report)
		return -EINVAL;
	r = plan_policy(spec, &plan.seccomp, err);
	if (r < 0)
		return r;
	r = plan_caps(&plan, spec, err);
	if (r == 0)
		r = target_open(target, &t, err);
	if (r == 0 && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		r = err_set(err, errno, "cannot create the sync socket");
	if (r < 0) {
		target_release(&t);
		plan_release(&plan);
		return r;
	}
	parent_end = sv[0];
	plan.sync = sv[1];
	plan.parent_end = parent_end;
	if (!opts->detach && install_forwarding(&blocked, &old, err) < 0) {
		close(plan.sync);
		target_release(&t);
		plan_release(&plan);
		return -EINVAL;
	}
	pid = exec_spawn(&plan, &t, parent_end, err);
	close(plan.sync);
	target_release(&t);
	plan_release(&plan);
	r = pid < 0 ? -(err->code ? err->code : EINVAL) : 0;
	if (r == 0) {
		forward_to = pid;
		/* in the container's cgroups before it runs a single instruction of its own */
		r = cg_attach(cg, pid, err);
	}
	if (!opts->detach)
		(void)sigprocmask(SIG_SETMASK, &old, NULL);
	if (r == 0)
		r = release_child(parent_end, pid, report, spec, opts, &res->denied, &listener,
				  &master, err);
	forward_running = r == 0;
	if (r == 0 && master >= 0 && opts->console_socket) {
		r = tty_send_console(opts->console_socket, master, err);
		close(steal_fd(&master));
	}
	if (r == 0 && opts->started)
		r = opts->started(opts->started_arg, pid, err);
	if (r == 0 && opts->detach)
		return 0; /* it is ward's child until ward exits, then the engine's (subreaper) */
	if (r == 0 && master >= 0)
		r = serve_until_exit(pid, -1, master, &res->denied, err);
	if (r < 0 && pid > 0)
		(void)kill(pid, SIGKILL);
	if (pid > 0 && wait_child(pid, &ws, &werr) < 0 && r == 0) {
		*err = werr;
		r = -werr.code;
	}
	forward_to = 0;
	forward_running = 0;
	res->status = ws;
	return r;
}
