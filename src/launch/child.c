/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * child.c - the child's ordered steps, from the clone to execve: namespaces,
 * mounts, pivot_root, then rlimits, capabilities, user, umask, descriptors,
 * the seccomp filter last, execve. Allocation-free once it runs.
 */
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
#include "ward/sched.h"
#include "ward/selfexe.h"
#include "ward/sys.h"
#include "ward/tty.h"

static __attribute__((noreturn)) void child_become(const struct plan *plan, bool init,
						   bool detached, const char *start_json);

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ volatile("yield" ::: "memory");
#else
	__asm__ volatile("" ::: "memory");
#endif
}

/*
 * Tell the parent what failed, then leave; nothing else is safe to do here.
 * The report page always has it; the socket too while no filter can deny the
 * send. When the profile denies exit_group and exit as well, a trap ends the
 * child (the parent has the report by then).
 */
__attribute__((noreturn)) void child_fail(const struct plan *plan, struct ward_err *err)
{
	int status = err_exit_status(err);

	/* recording answers every allowed call by notification: nothing was denied */
	if (plan->report->step != STEP_SETUP && !plan->opts->record) {
		plan->report->execve_ret =
		    child_filter_decision(&plan->seccomp, plan->report->arch, SYS_execve);
		plan->report->exit_ret =
		    child_filter_decision(&plan->seccomp, plan->report->arch, SYS_exit_group);
	}
	plan->report->err = *err;
	__atomic_store_n(&plan->report->failed, 1, __ATOMIC_RELEASE);
	/* MSG_NOSIGNAL: in create mode ward may be gone, and SIGPIPE would hide the status */
	if (plan->report->step == STEP_SETUP)
		(void)send(plan->sync, err, sizeof(*err), MSG_NOSIGNAL);
	(void)syscall(SYS_exit_group, status);
	(void)syscall(SYS_exit, status);
	__builtin_trap();
}

/*
 * Whether the child dies with ward (PR_SET_PDEATHSIG): `ward run`'s and a
 * foreground exec's always; ward create's init until ward has recorded it
 * (wait_for_start() clears it then), unless its filter, which has an agent's
 * listener, goes in before that and might deny the prctl(2). @detached: ward
 * does not stay (ward create, exec -d).
 */
static bool dies_with_ward(const struct plan *plan, bool detached)
{
	bool listener =
	    plan->seccomp.enabled && (plan->seccomp.flags & SECCOMP_FILTER_FLAG_NEW_LISTENER);

	if (plan->opts->exec_fifo >= 0)
		return !listener;
	return !detached;
}

static bool parent_gone(int sync)
{
	struct pollfd pfd = {.fd = sync, .events = POLLIN};

	return poll(&pfd, 1, 0) > 0 && (pfd.revents & (POLLHUP | POLLERR));
}

static int switch_user(const struct container_spec *spec, struct ward_err *err)
{
	/* keep the permitted set across setresuid; caps_apply() then sets it exactly */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return err_set(err, errno, "cannot set keep-capabilities");
	/* rootless: setgroups is denied in the namespace (and there are none to set) */
	if (!spec->rootless && setgroups(spec->ngroups, spec->groups) < 0)
		return err_set(err, errno, "cannot set supplementary groups");
	if (setresgid(spec->gid, spec->gid, spec->gid) < 0)
		return err_set(err, errno, "cannot set gid %u", (unsigned)spec->gid);
	if (setresuid(spec->uid, spec->uid, spec->uid) < 0)
		return err_set(err, errno, "cannot set uid %u", (unsigned)spec->uid);
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return err_set(err, errno, "cannot clear keep-capabilities");
	return 0;
}

/*
 * execvpe() with the container's PATH rather than ours. Returns only on failure,
 * with err->status 127 (not found) or 126 (found but not executable).
 */
static int exec_command(const struct container_spec *spec, int exec_fd, struct ward_err *err)
{
	const char *cmd = spec->argv.v[0];
	const char *path = spec_getenv(spec, "PATH");
	int first_error = ENOENT;
	char buf[PATH_MAX];

	if (exec_fd >= 0) {
		/*
		 * A program ward opened before pivot_root (the probe): not in the rootfs.
		 * Through the container's /proc first, so that execve is still all a
		 * profile must allow after the filter; execveat where there is no /proc.
		 */
		(void)snprintf(buf, sizeof(buf), "/proc/self/fd/%d", exec_fd);
		execve(buf, spec->argv.v, spec->env.v);
		if (errno == ENOENT)
			syscall(SYS_execveat, exec_fd, "", spec->argv.v, spec->env.v,
				AT_EMPTY_PATH);
		first_error = errno;
	} else if (strchr(cmd, '/') || !path) {
		execve(cmd, spec->argv.v, spec->env.v);
		first_error = errno;
	} else {
		for (const char *p = path; p;) {
			const char *end = strchr(p, ':');
			size_t dlen = end ? (size_t)(end - p) : strlen(p);

			if ((size_t)snprintf(buf, sizeof(buf), "%.*s/%s", (int)dlen, dlen ? p : ".",
					     cmd) < sizeof(buf)) {
				execve(buf, spec->argv.v, spec->env.v);
				/* keep looking past missing entries, remember a real failure */
				if (errno != ENOENT && errno != ENOTDIR && first_error == ENOENT)
					first_error = errno;
			}
			p = end ? end + 1 : NULL;
		}
	}
	err_set(err, first_error, "exec '%s'", cmd);
	err->status = first_error == ENOENT ? WARD_EXIT_NOT_FOUND : WARD_EXIT_CANNOT_EXEC;
	return -first_error;
}

/*
 * The listener seccomp(2) is about to return is the lowest free descriptor:
 * ward learns its number now, while a send cannot be denied, and takes it with
 * pidfd_getfd(2) once the filter is in (see take_listener()).
 */
static int announce_listener(const struct plan *plan, struct ward_err *err)
{
	char msg[1 + sizeof(int)];
	int fd = fcntl(plan->sync, F_DUPFD_CLOEXEC, 0);

	if (fd < 0)
		return err_set(err, errno,
			       "cannot find a free descriptor for the seccomp listener");
	close(fd);
	msg[0] = 'L';
	memcpy(msg + 1, &fd, sizeof(fd));
	if (send(plan->sync, msg, sizeof(msg), MSG_NOSIGNAL) != (ssize_t)sizeof(msg))
		return err_set(err, errno, "cannot tell ward about the seccomp listener");
	return 0;
}

/*
 * The last step before execve. With a listener, the child then waits for ward
 * to take it without a system call (a profile may deny any, and a denied one
 * would wait on that very listener): ward sets listener_taken, or kills it.
 */
static int load_filter(const struct plan *plan, struct ward_err *err)
{
	bool listener =
	    plan->seccomp.enabled && (plan->seccomp.flags & SECCOMP_FILTER_FLAG_NEW_LISTENER);
	int r;

	/*
	 * rootless: pidfd_getfd(2) needs a dumpable child (ward has no
	 * CAP_SYS_PTRACE); execve sets the flag anew a moment later
	 */
	if (listener && (plan->opts->record || plan->opts->report_denied) && plan->spec->rootless &&
	    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
		return err_set(err, errno, "cannot hand the seccomp listener to ward");
	if (listener && announce_listener(plan, err) < 0)
		return -EPROTO;
	r = filter_load(&plan->seccomp, err);
	if (r == -EINVAL && plan->opts->report_denied)
		return err_prefix(err,
				  "--report-denied needs seccomp user notification, which this "
				  "kernel lacks (Linux 5.0 or later)");
	if (r < 0)
		return r;
	plan->report->step = STEP_FILTER;
	while (listener && !__atomic_load_n(&plan->report->listener_taken, __ATOMIC_ACQUIRE))
		cpu_relax();
	plan->report->step = STEP_EXEC;
	return 0;
}

/*
 * ward create: tell ward the set-up is done (one byte), then block opening the
 * exec fifo for writing until `ward start` opens it for reading. The fifo is
 * held as an O_PATH descriptor from before pivot_root, reopened through the
 * container's /proc.
 */
static int wait_for_start(const struct plan *plan, struct ward_err *err)
{
	char path[64], ready = 'r';
	int fd;

	if (send(plan->sync, &ready, 1, MSG_NOSIGNAL) != 1)
		return err_set(err, errno, "cannot tell ward the container is ready");
	/*
	 * ward commits the container (state.json written) with one more byte; EOF
	 * means it died first, and nothing would ever know of this process: go.
	 * (A profile with an agent's listener is in already and may deny the read:
	 * then only an EOF stops us.) Until then we die with ward (dies_with_ward());
	 * from now on we outlive it, and say so ('a') before ward may exit.
	 */
	for (;;) {
		ssize_t n = recv(plan->sync, &ready, 1, 0);

		if (n == 1 && ready == 'c')
			break;
		if (n == 0 || n == 1)
			_exit(WARD_EXIT_LAUNCHER);
		if (errno != EINTR)
			break;
	}
	if (dies_with_ward(plan, true) && prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0) < 0)
		return err_set(err, errno, "cannot clear the parent-death signal");
	ready = 'a';
	if (send(plan->sync, &ready, 1, MSG_NOSIGNAL) != 1)
		return err_set(err, errno, "cannot tell ward the container outlives it");
	(void)snprintf(path, sizeof(path), "/proc/self/fd/%d", plan->opts->exec_fifo);
	do
		fd = open(path, O_WRONLY | O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return err_set(err, errno, "cannot open the exec fifo");
	if (write_full(fd, "0", 1) != 1) {
		close(fd);
		return err_set(err, errno, "cannot write the exec fifo");
	}
	close(fd);
	return 0;
}

/* process.rlimits: checked against ward's own hard limits in the parent */
static int set_rlimits(const struct container_spec *spec, struct ward_err *err)
{
	for (size_t i = 0; i < spec->oci.nrlimits; i++) {
		const struct spec_rlimit *rl = &spec->oci.rlimits[i];
		struct rlimit lim = {.rlim_cur = rl->soft, .rlim_max = rl->hard};

		if (setrlimit(rl->resource, &lim) < 0)
			return err_set(err, errno, "process.rlimits: cannot set %s to %llu:%llu",
				       oci_rlimit_name(rl->resource), (unsigned long long)rl->soft,
				       (unsigned long long)rl->hard);
	}
	return 0;
}

/*
 * ward create, mounts done and before pivot_root: ward runs prestart and
 * createRuntime and answers with the state JSON for our own hooks, into the
 * buffers it made before the clone; then createContainer runs here, in the
 * container's namespaces. *@start_json gets the state for startContainer.
 */
static int child_setup_hooks(const struct plan *plan, const char **start_json, struct ward_err *err)
{
	char tag = 'H';

	if (send(plan->sync, &tag, 1, MSG_NOSIGNAL) != 1)
		return err_set(err, errno, "cannot ask ward to run the hooks");
	if (recv_text(plan->sync, plan->hook_state[0], plan->hook_state_size, err) < 0 ||
	    recv_text(plan->sync, plan->hook_state[1], plan->hook_state_size, err) < 0)
		return -EPROTO;
	*start_json = plan->hook_state[1];
	return hooks_run(plan->spec, SPEC_HOOK_CREATE_CONTAINER, plan->hook_state[0], err);
}

/*
 * No mount namespace in the config: the tree goes to ward ('M'), which attaches
 * it over the rootfs in its own namespace and answers 'm'; then back into
 * ward's namespace and into the tree there.
 */
static int child_share_root(const struct plan *plan, int rootfd, struct ward_err *err)
{
	cleanup_close int tree = mnt_clone_root(plan->spec, rootfd, err);
	int copy;
	char ack = 0;

	if (tree < 0)
		return tree;
	copy = fcntl(tree, F_DUPFD_CLOEXEC, 0);
	if (copy < 0)
		return err_set(err, errno,
			       "cannot duplicate the descriptor of the container's mounts");
	if (send_fd(plan->sync, 'M', copy, "the container's mounts", err) < 0) {
		close(copy);
		return -EPROTO;
	}
	/* EOF: ward is gone, or failed and says why */
	if (read_full(plan->sync, &ack, 1) != 1)
		_exit(WARD_EXIT_LAUNCHER);
	if (ack != 'm')
		return err_set(err, EPROTO, "ward did not attach the container's mounts");
	return mnt_enter_shared_root(plan->spec, plan->ns.mnt_fd, tree, err);
}

/* ward's 'N': the network namespace it made while we mounted /proc and /dev */
static int join_netns(const struct plan *plan, struct ward_err *err)
{
	int fd = -1, r;
	char tag = 0;

	r = read_sync(plan->sync, &fd, &tag, err);
	if (r == 0)
		_exit(WARD_EXIT_LAUNCHER); /* ward is gone */
	if (r < 0)
		return r;
	if (r != 1 || tag != 'N') {
		if (r == 1)
			close(fd);
		return err_set(err, EPROTO, "ward sent no network namespace");
	}
	r = setns(fd, CLONE_NEWNET);
	close(fd);
	if (r < 0)
		return err_set(err, errno, "cannot join the container's network namespace");
	return 0;
}

__attribute__((noreturn)) void child_main(const struct plan *plan)
{
	const struct container_spec *spec = plan->spec;
	bool detached = plan->opts->exec_fifo >= 0; /* ward create: ward exits, we stay */
	struct ward_err err = {0};
	const char *start_json = NULL; /* kept until execve */
	struct mnt_sources src;
	char go;

	if (plan->parent_end >= 0)
		close(plan->parent_end);
	/* die with ward; re-armed below because a credential change clears it */
	if (dies_with_ward(plan, detached) && prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) {
		err_set(&err, errno, "cannot set the parent-death signal");
		child_fail(plan, &err);
	}
	/* wait for the parent; EOF means it died before releasing us */
	/* execCPUAffinity.initial: before ward moves it into the container's cgroups */
	if (sched_apply_initial(&plan->spec->oci.sched, &err) < 0)
		child_fail(plan, &err);
	if (!plan_go_late(plan) && read_full(plan->sync, &go, 1) != 1)
		_exit(WARD_EXIT_LAUNCHER);
	/* while still ward's uid: /proc/self/timens_offsets belongs to it */
	if (ns_is_new(spec, CLONE_NEWTIME) && ns_enter_time(&spec->oci, &err) < 0)
		child_fail(plan, &err);
	/* rootless: dumpable until ward wrote the id maps (root: never, see spawn()) */
	if (spec->rootless && selfexe_undumpable(&err) < 0)
		child_fail(plan, &err);
	/* with ward's ids still: see mnt_open_sources() */
	if (mnt_open_sources(spec, plan->mount_fds, &src, &err) < 0)
		child_fail(plan, &err);
	/* in a new user namespace, the id maps are written by now: become its root */
	if (ns_is_new(spec, CLONE_NEWUSER) && ns_become_root(!spec->rootless, &err) < 0)
		child_fail(plan, &err);
	/* namespaces joined by path, then a new cgroup namespace rooted at our cgroup */
	if (ns_join(&plan->ns, &err) < 0)
		child_fail(plan, &err);
	if (ns_is_new(spec, CLONE_NEWCGROUP) && ns_enter_cgroup(&err) < 0)
		child_fail(plan, &err);
	for (size_t i = 0; i < LAUNCH_NFORWARDED; i++)
		(void)signal(launch_forwarded[i], SIG_DFL); /* cannot fail for these */
	umask(0);
	/* a config.json without a hostname keeps the one its UTS namespace has */
	if ((spec->oci.oci ? spec->oci.hostname_set : ns_is_new(spec, CLONE_NEWUTS)) &&
	    ns_set_hostname(spec->hostname, &err) < 0)
		child_fail(plan, &err);
	if (spec->oci.domainname && ns_set_domainname(spec->oci.domainname, &err) < 0)
		child_fail(plan, &err);
	if (mnt_prepare_proc_dev(spec, &src, &err) < 0)
		child_fail(plan, &err);
	/* the network namespace ward made meanwhile (plan->net_later), before /sys */
	if (plan->net_later && join_netns(plan, &err) < 0)
		child_fail(plan, &err);
	/* (with plan->net_later, ward brings lo up meanwhile) */
	if (ns_is_new(spec, CLONE_NEWNET) && !plan->net_later && ns_loopback_up(&err) < 0)
		child_fail(plan, &err);
	if (mnt_prepare_rootfs(spec, &src, &err) < 0)
		child_fail(plan, &err);
	if (plan->hook_state_size && child_setup_hooks(plan, &start_json, &err) < 0)
		child_fail(plan, &err);
	if (ns_shares_mounts(spec) ? child_share_root(plan, src.rootfd, &err) < 0
				   : mnt_enter_root(spec, src.rootfd, &err) < 0)
		child_fail(plan, &err);
	mnt_sources_release(&src);
	child_become(plan, true, detached, start_json);
}

/* every descriptor above stdio and --preserve-fds but the sync socket, exec fifo and exec file */
static int close_inherited(const struct plan *plan)
{
	const int keep[] = {plan->sync, plan->opts->exec_fifo, plan->opts->exec_fd};

	return sys_close_except(STDERR_FILENO + 1 + (int)plan->opts->preserve_fds, keep,
				sizeof(keep) / sizeof(keep[0]));
}

/*
 * The process's own part, once it is in the container: its terminal, rlimits,
 * capabilities and user, umask, descriptors, then the seccomp filter and
 * execve. @init: the container's first process (not ward exec's).
 * @detached: ward does not stay (no parent-death signal); ward
 * create's init also waits for `start` and runs the startContainer hooks
 * (@start_json) before its filter (after it only when the filter has a
 * listener for an agent, which ward create must hand over before it exits).
 */
static __attribute__((noreturn)) void child_become(const struct plan *plan, bool init,
						   bool detached, const char *start_json)
{
	const struct container_spec *spec = plan->spec;
	bool wait_start = plan->opts->exec_fifo >= 0;
	bool listener =
	    plan->seccomp.enabled && (plan->seccomp.flags & SECCOMP_FILTER_FLAG_NEW_LISTENER);
	struct ward_err err = {0};
	sigset_t none;
	char go;

	if (plan->opts->terminal) {
		/* after pivot_root: /dev/ptmx is the container's own devpts instance */
		int master = tty_setup_child(&err);

		if (master < 0 || send_fd(plan->sync, 'T', master, "the terminal", &err) < 0)
			child_fail(plan, &err);
	}
	/* after the mounts (a low RLIMIT_NOFILE must not break them), before the filter */
	if (set_rlimits(spec, &err) < 0)
		child_fail(plan, &err);
	/* while CAP_SYS_NICE is held (a real-time policy, a lower nice value) */
	if (sched_apply(&spec->oci.sched, init, &err) < 0)
		child_fail(plan, &err);
	if (caps_drop_bounding(&plan->caps, &err) < 0)
		child_fail(plan, &err);
	if (switch_user(spec, &err) < 0)
		child_fail(plan, &err);
	/* without no_new_privs, CAP_SYS_ADMIN is held for the filter (caps_hold()) */
	if (caps_apply(&plan->caps, &err) < 0)
		child_fail(plan, &err);
	if (spec->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		err_set(&err, errno, "cannot set no_new_privs");
		child_fail(plan, &err);
	}
	if (dies_with_ward(plan, detached) && prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) {
		err_set(&err, errno, "cannot set the parent-death signal");
		child_fail(plan, &err);
	}
	/* ward may have died while the signal was cleared: its end of the socket
	 * is then closed (getppid() says 0 across the pid namespace either way) */
	if (dies_with_ward(plan, detached) && parent_gone(plan->sync))
		_exit(WARD_EXIT_LAUNCHER);
	umask(spec->oci.umask_set ? spec->oci.umask : 022);
	if (plan->opts->stdout_fd >= 0 && dup2(plan->opts->stdout_fd, STDOUT_FILENO) < 0) {
		err_set(&err, errno, "cannot redirect the container's stdout");
		child_fail(plan, &err);
	}
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) < 0) {
		err_set(&err, errno, "cannot unblock signals");
		child_fail(plan, &err);
	}
	/*
	 * Nothing but stdio, the engine's --preserve-fds and ward's own three stays
	 * open past here: ward create's init waits for `start` for as long as the
	 * engine likes, and must not hold its caller's descriptors meanwhile (runc's
	 * init never has them). Before the filter, which may deny close_range.
	 */
	if (close_inherited(plan) < 0) {
		err_set(&err, errno, "cannot close the descriptors ward inherited");
		child_fail(plan, &err);
	}
	/*
	 * ward's go, when it has been working while we set up (EOF: it died
	 * meanwhile): before the filter (which may deny the read) and anything of
	 * the container's; what came before is ours (ids, capabilities, descriptors)
	 */
	if (plan_go_late(plan) && read_full(plan->sync, &go, 1) != 1)
		_exit(WARD_EXIT_LAUNCHER);
	/* ward create hands a listener to its agent itself: the filter goes in first */
	if (wait_start && listener && load_filter(plan, &err) < 0)
		child_fail(plan, &err);
	if (wait_start && wait_for_start(plan, &err) < 0)
		child_fail(plan, &err);
	/* ward create has exited by now: the engine reads the failure on our stderr */
	if (start_json && hooks_run(spec, SPEC_HOOK_START_CONTAINER, start_json, &err) < 0) {
		(void)dprintf(STDERR_FILENO, "ward: %s\n", err.msg);
		child_fail(plan, &err);
	}
	if (sys_cloexec_from(STDERR_FILENO + 1 + (int)plan->opts->preserve_fds) < 0) {
		err_set(&err, errno, "cannot mark descriptors close-on-exec");
		child_fail(plan, &err);
	}
	if (!(wait_start && listener) && load_filter(plan, &err) < 0)
		child_fail(plan, &err);
	exec_command(spec, plan->opts->exec_fd, &err);
	child_fail(plan, &err);
}

/*
 * The exec'd process, a child of ward (CLONE_PARENT) made in the container's
 * namespaces: it waits for ward to put it in the container's cgroups, then
 * becomes the process the config or --process describes.
 */
__attribute__((noreturn)) void exec_child(const struct plan *plan, bool user)
{
	struct ward_err err = {0};
	char go;

	if (!plan->opts->detach && prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) {
		err_set(&err, errno, "cannot set the parent-death signal");
		child_fail(plan, &err);
	}
	/* execCPUAffinity.initial: before ward moves it into the container's cgroups */
	if (sched_apply_initial(&plan->spec->oci.sched, &err) < 0)
		child_fail(plan, &err);
	if (read_full(plan->sync, &go, 1) != 1)
		_exit(WARD_EXIT_LAUNCHER);
	/* rootless: setgroups is denied in the container's user namespace */
	if (user && ns_become_root(!plan->spec->rootless, &err) < 0)
		child_fail(plan, &err);
	for (size_t i = 0; i < LAUNCH_NFORWARDED; i++)
		(void)signal(launch_forwarded[i], SIG_DFL); /* cannot fail for these */
	if (chdir(plan->spec->cwd) < 0) {
		err_set(&err, errno, "cannot enter working directory '%s'", plan->spec->cwd);
		child_fail(plan, &err);
	}
	/* a process group of its own, as runc's exec (a terminal makes a session instead) */
	if (!plan->opts->terminal && setpgid(0, 0) < 0) {
		err_set(&err, errno, "cannot start a process group");
		child_fail(plan, &err);
	}
	child_become(plan, false, plan->opts->detach, NULL);
}
