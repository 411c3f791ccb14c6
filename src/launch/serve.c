/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * serve.c - ward while the child runs: its messages during set-up (errors, the
 * terminal, the listener, ward create's hooks), then until it exits the
 * seccomp notifications and the terminal's traffic.
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
#include "ward/selfexe.h"
#include "ward/sys.h"
#include "ward/tty.h"

/*
 * The child released (launch_go()): learn whether it reached execve; with a
 * seccomp listener, answer its notifications until it exits (the child may
 * block on one even during set-up, so both are served together). Return: 0 once the command ran
 * (*listener set if the child sent one), or a negative errno.
 */
int release_child(int sync, pid_t pid, struct child_report *rep, const struct container_spec *spec,
		  const struct proc_opts *opts, struct notify_log *log, int *listener, int *master,
		  struct ward_err *err)
{
	bool served = false;

	for (;;) {
		struct pollfd pfd[2] = {{.fd = sync, .events = POLLIN},
					{.fd = served ? -1 : *listener, .events = POLLIN}};
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
			if (r > 0)
				served = true; /* by threads of its own (record.h) */
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
		if (tag != 'T') {
			close(fd);
			return err_set(err, EPROTO, "unexpected descriptor from the container");
		}
		if (*master >= 0)
			close(*master);
		*master = fd;
		/* ward's window size now, before the command runs (it may ask at once) */
		tty_proxy_winch(&(struct tty_proxy){.master = fd});
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
int serve_until_exit(pid_t pid, int listener, int master, struct notify_log *log,
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
			if (r > 0)
				listener = -1; /* served by threads of its own (record.h) */
			r = 0;
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
 * 'M': the mounts of a container without a mount namespace of its own, attached
 * over its rootfs in ward's namespace and recorded before the child may go on.
 */
static int attach_tree(struct plan *plan, int sync, int fd, struct ward_err *err)
{
	const struct proc_opts *opts = plan->opts;
	char ack = 'm';
	int r = mnt_attach_root(fd, plan->spec, &plan->root_mnt, err);

	close(fd);
	if (r == 0 && opts->root_attached)
		r = opts->root_attached(opts->state_arg, plan->root_mnt, err);
	if (r == 0 && write_full(sync, &ack, 1) != 1)
		r = err_set(err, errno, "cannot tell the container its mounts are attached");
	return r;
}

/*
 * ward create: wait for the child's "ready" byte (or its error), taking the
 * terminal's master on the way when it sends one, and running the set-up
 * hooks when it asks.
 */
int wait_ready(struct plan *plan, int sync, pid_t pid, struct child_report *rep, int *master,
	       struct ward_err *err)
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
		if (r == 1 && tag == 'M') {
			r = attach_tree(plan, sync, fd, err);
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
