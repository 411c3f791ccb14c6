/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sys.c - raw system call wrappers and root-confined path resolution. */
#include "ward/sys.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
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

int sys_mkdir_p_in_root(int rootfd, const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);
	char *p;
	int fd;

	if (len >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, len + 1);
	fd = sys_open_in_root(rootfd, buf, O_PATH | O_DIRECTORY, 0);
	if (fd >= 0 || errno != ENOENT)
		return fd;
	/* walk the components; only a missing one is created */
	p = buf;
	while (*p == '/')
		p++;
	for (;;) {
		char *slash = strchr(p, '/');
		char saved = 0;
		int parent;
		char *name;

		if (slash) {
			saved = *slash;
			*slash = '\0';
		}
		fd = sys_open_in_root(rootfd, buf, O_PATH | O_DIRECTORY, 0);
		if (fd < 0 && errno == ENOENT) {
			name = strrchr(buf, '/');
			if (name && name != buf) {
				*name = '\0';
				parent = sys_open_in_root(rootfd, buf, O_PATH | O_DIRECTORY, 0);
				*name = '/';
				name++;
			} else {
				parent = sys_open_in_root(rootfd, "/", O_PATH | O_DIRECTORY, 0);
				name = name ? name + 1 : buf;
			}
			if (parent < 0)
				return -1;
			if (mkdirat(parent, name, mode) < 0 && errno != EEXIST) {
				int e = errno;

				close(parent);
				errno = e;
				return -1;
			}
			close(parent);
			fd = sys_open_in_root(rootfd, buf, O_PATH | O_DIRECTORY, 0);
		}
		if (fd < 0)
			return -1;
		if (!slash)
			return fd;
		close(fd);
		*slash = saved;
		p = slash + 1;
		while (*p == '/')
			p++;
		if (!*p)
			return sys_open_in_root(rootfd, buf, O_PATH | O_DIRECTORY, 0);
	}
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
