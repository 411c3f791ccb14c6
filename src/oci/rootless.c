/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rootless.c - the state directory of a user who is not root ($XDG_RUNTIME_DIR/ward,
 * else /run/user/UID/ward, as runc's rootless one), checked to be that user's own,
 * and the processes of a container with no cgroup (rootless), for `ward ps`.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state_int.h"
#include "ward/cleanup.h"
#include "ward/log.h"

/* @path is a directory (not a symlink to one) of the caller's, writable by no one else. */
static const char *not_own_dir(const char *path, struct stat *st)
{
	if (lstat(path, st) < 0)
		return errno == ENOENT ? "it does not exist" : "it cannot be read";
	if (S_ISLNK(st->st_mode))
		return "it is a symbolic link";
	if (!S_ISDIR(st->st_mode))
		return "it is not a directory";
	if (st->st_uid != geteuid())
		return "it is another user's";
	if (st->st_mode & 022)
		return "others may write to it";
	return NULL;
}

char *state_user_root(void)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	char run_user[64];
	struct stat st;
	const char *why;

	if (xdg && xdg[0] == '/') {
		why = not_own_dir(xdg, &st);
		if (!why)
			return xasprintf("%s/ward", xdg);
		log_debug("XDG_RUNTIME_DIR '%s' is not used: %s", xdg, why);
	}
	(void)snprintf(run_user, sizeof(run_user), "/run/user/%u", (unsigned)geteuid());
	if (!not_own_dir(run_user, &st))
		return xasprintf("%s/ward", run_user);
	return NULL;
}

int state_root_check(const char *root, bool create, struct ward_err *err)
{
	struct stat st;
	const char *why;

	if (create && mkdir(root, 0700) < 0 && errno != EEXIST)
		return err_set(err, errno, "cannot create the state directory '%s'", root);
	if (!create && lstat(root, &st) < 0 && errno == ENOENT)
		return 0; /* nothing there: no container of the caller's either */
	why = not_own_dir(root, &st);
	if (why)
		return err_set(err, 0, "the state directory '%s' is not yours to use: %s", root,
			       why);
	return 0;
}

/* The children of every thread of @pid, appended to @pids. */
static void add_children(pid_t pid, pid_t **pids, size_t *n, size_t *cap)
{
	char path[64];
	DIR *d;
	struct dirent *de;

	(void)snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		char file[64 + 256 + 16], buf[4096];
		cleanup_close int fd = -1;
		ssize_t len;

		if (de->d_name[0] == '.')
			continue;
		(void)snprintf(file, sizeof(file), "%s/%s/children", path, de->d_name);
		fd = open(file, O_RDONLY | O_CLOEXEC);
		len = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
		if (len <= 0)
			continue;
		buf[len] = '\0';
		for (char *p = buf, *end; *p; p = end) {
			long c = strtol(p, &end, 10);

			if (end == p)
				break;
			if (*n == *cap) {
				*cap = *cap ? 2 * *cap : 16;
				*pids = xrealloc(*pids, *cap * sizeof(**pids));
			}
			(*pids)[(*n)++] = (pid_t)c;
		}
	}
	closedir(d);
}

int state_proc_tree(pid_t init, pid_t **out, size_t *nout, struct ward_err *err)
{
	pid_t *pids = xmalloc(16 * sizeof(*pids));
	size_t n = 1, cap = 16;

	pids[0] = init;
	/* breadth first: each process's children join the list once it is reached */
	for (size_t i = 0; i < n && n < 65536; i++)
		add_children(pids[i], &pids, &n, &cap);
	(void)err; /* a process gone meanwhile is simply not listed */
	*out = pids;
	*nout = n;
	return 0;
}
