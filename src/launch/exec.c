/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * exec.c - the way into a running container (ward exec): its namespaces and
 * root opened, a joiner forked into them that makes the process as ward's child.
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

/* ---- ward exec ------------------------------------------------------------------------- */

/* The namespaces of a container `ward exec` joins, in the order joined (user first). */
static const struct {
	const char *name;
	int type;
} exec_ns[] = {
    {"user", CLONE_NEWUSER}, {"mnt", CLONE_NEWNS},    {"uts", CLONE_NEWUTS},
    {"ipc", CLONE_NEWIPC},   {"net", CLONE_NEWNET},   {"cgroup", CLONE_NEWCGROUP},
    {"pid", CLONE_NEWPID},   {"time", CLONE_NEWTIME},
};

_Static_assert(sizeof(exec_ns) / sizeof(exec_ns[0]) == EXEC_NS_MAX, "exec_ns and EXEC_NS_MAX");

void target_release(struct exec_target *t)
{
	for (size_t i = 0; i < t->n; i++)
		close(t->fd[i]);
	if (t->rootfd >= 0)
		close(t->rootfd);
	t->n = 0;
	t->rootfd = -1;
}

/*
 * /proc/@pid, held so that every file below it is that process's: checked to be
 * the process that started at @start (0: unchecked) and, with @own, to be the
 * caller's (a rootless exec joins only its own user's container).
 */
static int open_target_proc(pid_t pid, unsigned long long start, bool own, struct ward_err *err)
{
	cleanup_close int fd = -1;
	unsigned long long now = 0;
	char path[64], state = 0;
	struct stat st;

	(void)snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return err_set(err, 0, "the container's process %d is gone", (int)pid);
	if (fd < 0)
		return err_set(err, errno, "cannot open '%s'", path);
	if (start && (sys_proc_start(fd, "stat", &now, &state) < 0 || now != start ||
		      state == 'Z' || state == 'X'))
		return err_set(err, 0, "the container's process %d is gone", (int)pid);
	if (fstat(fd, &st) < 0)
		return err_set(err, errno, "cannot stat '%s'", path);
	if (own && st.st_uid != geteuid())
		return err_set(err, 0, "the container's process %d is not yours (uid %u's)",
			       (int)pid, (unsigned)st.st_uid);
	return steal_fd(&fd);
}

int target_open(pid_t pid, unsigned long long start, bool own, struct exec_target *t,
		struct ward_err *err)
{
	cleanup_close int proc = -1;
	char path[64];

	memset(t, 0, sizeof(*t));
	t->rootfd = -1;
	proc = open_target_proc(pid, start, own, err);
	if (proc < 0)
		return proc;
	for (size_t i = 0; i < EXEC_NS_MAX; i++) {
		struct stat mine, theirs;
		int fd;

		(void)snprintf(path, sizeof(path), "ns/%s", exec_ns[i].name);
		fd = openat(proc, path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT && exec_ns[i].type == CLONE_NEWTIME)
			continue; /* a kernel before 5.6 */
		if (fd < 0)
			return err_set(err, errno,
				       "cannot open the container's namespace '/proc/%d/%s'",
				       (int)pid, path);
		(void)snprintf(path, sizeof(path), "/proc/self/ns/%s", exec_ns[i].name);
		/* one the container shares with ward (the host's network, say) is skipped:
		 * setns to one's own user namespace is refused */
		if (fstat(fd, &theirs) == 0 && stat(path, &mine) == 0 &&
		    mine.st_ino == theirs.st_ino && mine.st_dev == theirs.st_dev) {
			close(fd);
			continue;
		}
		t->fd[t->n] = fd;
		t->idx[t->n++] = i;
		t->user |= exec_ns[i].type == CLONE_NEWUSER;
	}
	t->rootfd = openat(proc, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (t->rootfd < 0)
		return err_set(err, errno, "cannot open the container's root '/proc/%d/root'",
			       (int)pid);
	return 0;
}

/*
 * Forked by ward: join the container's namespaces and root, make the process
 * there (a pid namespace takes only new children), report its pid, leave.
 */
/* what the joiner reports: the process, and whether the clone put it in its cgroup */
struct joined {
	pid_t pid;
	bool born;
};

static __attribute__((noreturn)) void exec_joiner(const struct plan *plan,
						  const struct exec_target *t, int pid_pipe)
{
	struct ward_err err = {0};
	struct joined born = {0};
	pid_t pid;

	close(plan->parent_end);
	for (size_t i = 0; i < t->n; i++) {
		if (setns(t->fd[i], exec_ns[t->idx[i]].type) < 0) {
			err_set(&err, errno, "cannot join the container's %s namespace",
				exec_ns[t->idx[i]].name);
			child_fail(plan, &err);
		}
	}
	if (fchdir(t->rootfd) < 0 || chroot(".") < 0) {
		err_set(&err, errno, "cannot enter the container's root");
		child_fail(plan, &err);
	}
	(void)fflush(NULL);
	/* born in the container's cgroup2 cgroup: no move, whose write waits out an RCU
	 * grace period (a namespace that is a delegation boundary refuses it: moved then) */
	pid = sys_clone_into_cgroup(CLONE_PARENT, plan->cgroup_fd, &born.born);
	if (!born.born)
		pid = (pid_t)syscall(SYS_clone, CLONE_PARENT | SIGCHLD, NULL, NULL, NULL, NULL);
	if (pid == 0)
		exec_child(plan, t->user);
	if (pid < 0) {
		err_set(&err, errno, "cannot create the process in the container");
		child_fail(plan, &err);
	}
	born.pid = pid;
	if (write_full(pid_pipe, &born, sizeof(born)) != (ssize_t)sizeof(born)) {
		(void)kill(pid, SIGKILL);
		_exit(WARD_EXIT_LAUNCHER);
	}
	_exit(0);
}

/* Start the joiner; learn the pid of the process it made (or the joiner's error). */
pid_t exec_spawn(const struct plan *plan, const struct exec_target *t, int parent_end, bool *born,
		 struct ward_err *err)
{
	struct joined got = {0};
	int pipefd[2], ws;
	pid_t joiner;
	ssize_t n;

	/* before the joiner enters a single namespace of the container's */
	if (selfexe_undumpable(err) < 0)
		return -1;
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		err_set(err, errno, "cannot create a pipe");
		return -1;
	}
	(void)fflush(NULL);
	joiner = fork();
	if (joiner == 0) {
		close(pipefd[0]);
		exec_joiner(plan, t, pipefd[1]);
	}
	close(pipefd[1]);
	if (joiner < 0) {
		err_set(err, errno, "cannot fork");
		close(pipefd[0]);
		return -1;
	}
	n = read_full(pipefd[0], &got, sizeof(got));
	close(pipefd[0]);
	while (waitpid(joiner, &ws, 0) < 0 && errno == EINTR)
		;
	*born = got.born;
	if (n == (ssize_t)sizeof(got) && got.pid > 0)
		return got.pid;
	/* the joiner failed: its error is on the sync socket */
	{
		int fd = -1;
		char tag;

		if (read_sync(parent_end, &fd, &tag, err) >= 0)
			err_set(err, EPROTO, "cannot enter the container");
	}
	return -1;
}
