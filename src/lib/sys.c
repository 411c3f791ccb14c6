/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sys.c - raw system call wrappers and root-confined path resolution. */
#include "ward/sys.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/sched.h>
#include <linux/openat2.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

int sys_pivot_root(const char *new_root, const char *put_old)
{
	return (int)syscall(SYS_pivot_root, new_root, put_old);
}

int sys_open_in_root(int rootfd, const char *path, int flags, mode_t mode)
{
	struct open_how how = {
	    .flags = (unsigned long long)(flags | O_CLOEXEC),
	    .mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd;

	while (*path == '/')
		path++;
	if (!*path)
		path = ".";
	do
		fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
	while (fd < 0 && errno == EAGAIN);
	return fd;
}

/* The index where @buf's last component before @end starts (after its slashes), or 0. */
static size_t last_component(const char *buf, size_t end)
{
	while (end > 0 && buf[end - 1] == '/')
		end--;
	while (end > 0 && buf[end - 1] != '/')
		end--;
	return end;
}

/*
 * Most mount points lack only their last component (dev/pts, sys/fs/cgroup/pids):
 * the deepest existing ancestor is looked for from the end, then what is missing
 * is made downwards. Every open resolves from @rootfd, so a component swapped for
 * a symlink meanwhile still resolves inside the root.
 */
int sys_mkdir_p_in_root(int rootfd, const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	size_t len = strlen(path), start = len, end;
	int fd;

	if (len >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, len + 1);
	fd = sys_open_in_root(rootfd, buf, O_PATH | O_DIRECTORY, 0);
	if (fd >= 0 || errno != ENOENT)
		return fd;
	for (;;) { /* fd: the ancestor ending before @start, once found */
		char saved;

		start = last_component(buf, start);
		if (start == 0) {
			fd = sys_open_in_root(rootfd, "/", O_PATH | O_DIRECTORY, 0);
			break;
		}
		saved = buf[start];
		buf[start] = '\0';
		fd = sys_open_in_root(rootfd, buf, O_PATH | O_DIRECTORY, 0);
		buf[start] = saved;
		if (fd >= 0 || errno != ENOENT)
			break;
	}
	while (fd >= 0 && start < len) {
		int e, next;

		end = start + strcspn(buf + start, "/");
		buf[end] = '\0';
		if (end > start && mkdirat(fd, buf + start, mode) < 0 && errno != EEXIST) {
			e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		next = sys_open_in_root(rootfd, buf, O_PATH | O_DIRECTORY, 0);
		e = errno;
		close(fd);
		errno = e;
		fd = next;
		if (end < len)
			buf[end] = '/';
		start = end + strspn(buf + end, "/");
	}
	return fd;
}

int sys_cloexec_from(int lowfd)
{
	DIR *d;
	struct dirent *de;

	if (syscall(SYS_close_range, (unsigned int)lowfd, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return 0;
	if (errno != ENOSYS && errno != EINVAL)
		return -1;
	d = opendir("/proc/self/fd");
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		long fd = strtol(de->d_name, NULL, 10);

		if (de->d_name[0] == '.' || fd < lowfd || fd == dirfd(d))
			continue;
		if (fcntl((int)fd, F_SETFD, FD_CLOEXEC) < 0) {
			int e = errno;

			closedir(d);
			errno = e;
			return -1;
		}
	}
	closedir(d);
	return 0;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static bool kept(int fd, const int *keep, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (keep[i] == fd)
			return true;
	return false;
}

/* the /proc/self/fd walk, where close_range() is missing */
static int close_except_walk(int lowfd, const int *keep, size_t n)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		long fd = strtol(de->d_name, NULL, 10);

		if (de->d_name[0] != '.' && fd >= lowfd && fd != dirfd(d) &&
		    !kept((int)fd, keep, n))
			close((int)fd);
	}
	closedir(d);
	return 0;
}

int sys_close_except(int lowfd, const int *keep, size_t n)
{
	int sorted[16];
	unsigned int from = (unsigned int)lowfd;

	if (n > sizeof(sorted) / sizeof(sorted[0])) {
		errno = E2BIG;
		return -1;
	}
	memcpy(sorted, keep, n * sizeof(*keep));
	qsort(sorted, n, sizeof(sorted[0]), cmp_int);
	for (size_t i = 0; i <= n; i++) {
		unsigned int next = i < n ? (unsigned int)sorted[i] : ~0U;

		if (i < n && (sorted[i] < 0 || next < from))
			continue;
		if (next > from && syscall(SYS_close_range, from, next - (i < n), 0U) < 0) {
			if (errno != ENOSYS && errno != EINVAL)
				return -1;
			return close_except_walk(lowfd, keep, n);
		}
		if (i < n)
			from = next + 1;
	}
	return 0;
}

#define CLONE_INTO_CGROUP_FLAG 0x200000000ULL /* Linux 5.7, <linux/sched.h> */
#ifndef SYS_clone3
#define SYS_clone3 435
#endif

pid_t sys_clone_into_cgroup(unsigned long flags, int cgroup_fd, bool *tried)
{
	struct {
		uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls,
		    set_tid, set_tid_size, cgroup;
	} args = {.flags = flags | CLONE_INTO_CGROUP_FLAG,
		  /* CLONE_PARENT: the child signals our parent as we do (clone3 wants 0) */
		  .exit_signal = (flags & CLONE_PARENT) ? 0 : SIGCHLD,
		  .cgroup = (uint64_t)cgroup_fd};
	pid_t pid;

	*tried = false;
	if (cgroup_fd < 0)
		return -1;
	pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	/* too old a kernel, or a cgroup it will not clone into (ENOENT: the caller's
	 * cgroup namespace, a delegation boundary, does not hold both cgroups): the
	 * caller clones and moves */
	*tried = pid >= 0 || !(errno == ENOSYS || errno == E2BIG || errno == EINVAL ||
			       errno == EOPNOTSUPP || errno == EBUSY || errno == ENOENT);
	return pid;
}

int sys_proc_start(int dirfd, const char *path, unsigned long long *start, char *state)
{
	char buf[1024], *p;
	ssize_t n;
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* the command may hold spaces and parentheses */
	if (!p || sscanf(p + 2,
			 "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d "
			 "%*d %*d %*d %llu",
			 state, start) != 2)
		return -EIO;
	return 0;
}
