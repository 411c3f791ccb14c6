/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mount_user.c - what a config.json mount asks beyond a plain mount, in the
 * child: a destination through a dangling symlink followed inside the root,
 * tmpcopyup (the rootfs's files under a tmpfs copied into it, as crun does),
 * copy-symlink's link, and the recursive attributes (rro, rnosuid, ...). No
 * allocation: directories are read with getdents64 into buffers on the stack.
 */
#include "ward/mount.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "mount_int.h"
#include "ward/cleanup.h"
#include "ward/sys.h"

#define COPYUP_DEPTH 32 /* directories deep a tmpcopyup goes */
#define LINK_HOPS    40 /* dangling symlinks one destination may go through (the kernel's) */

int mnt_resolve_dest(int rootfd, const char *path, char *out, size_t len)
{
	char cur[PATH_MAX], link[PATH_MAX];

	if ((size_t)snprintf(cur, sizeof(cur), "%s", path) >= sizeof(cur))
		return -ENAMETOOLONG;
	for (int hop = 0; hop < LINK_HOPS; hop++) {
		char *end = cur;
		bool changed = false;

		/* the first prefix that does not resolve: a dangling link, or just missing */
		while (*end && !changed) {
			cleanup_close int fd = -1;
			struct stat st;
			char saved, *rest;
			ssize_t n;
			int m;

			end += strspn(end, "/");
			end += strcspn(end, "/");
			saved = *end;
			*end = '\0';
			fd = sys_open_in_root(rootfd, cur, O_PATH, 0);
			if (fd >= 0 || errno != ENOENT) {
				*end = saved;
				continue;
			}
			fd = sys_open_in_root(rootfd, cur, O_PATH | O_NOFOLLOW, 0);
			if (fd < 0 || fstat(fd, &st) < 0 || !S_ISLNK(st.st_mode)) {
				*end = saved;
				break; /* missing: created from here on */
			}
			n = readlinkat(fd, "", link, sizeof(link) - 1);
			if (n <= 0)
				return -errno;
			link[n] = '\0';
			*end = saved;
			rest = end;
			/* a relative target is relative to the link's directory */
			if (link[0] != '/') {
				char *slash;

				*end = '\0';
				slash = strrchr(cur, '/');
				if (slash)
					slash[1] = '\0';
				*end = saved;
				m = snprintf(out, len, "%s%s%s", slash ? cur : "/", link, rest);
			} else {
				m = snprintf(out, len, "%s%s", link, rest);
			}
			if (m < 0 || (size_t)m >= len || (size_t)m >= sizeof(cur))
				return -ENAMETOOLONG;
			memcpy(cur, out, (size_t)m + 1);
			changed = true;
		}
		if (!changed)
			break;
	}
	if ((size_t)snprintf(out, len, "%s", cur) >= len)
		return -ENAMETOOLONG;
	return 0;
}

/* One file of a tmpcopyup: its content, with its mode, owner and times. */
static int copy_file(int from, int to, const char *name, const struct stat *st)
{
	cleanup_close int in = openat(from, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	cleanup_close int out = -1;
	char buf[8192];
	ssize_t n;

	if (in < 0)
		return -errno;
	out = openat(to, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		     st->st_mode & 07777);
	if (out < 0)
		return -errno;
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		for (ssize_t done = 0, w; done < n; done += w) {
			w = write(out, buf + done, (size_t)(n - done));
			if (w < 0 && errno != EINTR)
				return -errno;
			if (w < 0)
				w = 0;
		}
	}
	return n < 0 ? -errno : 0;
}

static int copy_tree(int from, int to, int depth);

/* One entry of a tmpcopyup, of whatever type it is. */
static int copy_entry(int from, int to, const char *name, int depth)
{
	struct stat st;
	char link[PATH_MAX];
	ssize_t n;
	int r = 0;

	if (fstatat(from, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode)) {
		cleanup_close int sub = -1, dsub = -1;

		if (mkdirat(to, name, st.st_mode & 07777) < 0)
			return -errno;
		sub = openat(from, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		dsub = openat(to, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0 || dsub < 0)
			return -errno;
		r = copy_tree(sub, dsub, depth + 1);
	} else if (S_ISREG(st.st_mode)) {
		r = copy_file(from, to, name, &st);
	} else if (S_ISLNK(st.st_mode)) {
		n = readlinkat(from, name, link, sizeof(link) - 1);
		if (n < 0)
			return -errno;
		link[n] = '\0';
		if (symlinkat(link, to, name) < 0)
			return -errno;
	} else if (mknodat(to, name, st.st_mode, st.st_rdev) < 0) {
		return -errno;
	}
	if (r < 0)
		return r;
	/* as the rootfs has it: owner (an id a user namespace does not map stays ours),
	 * then the mode (chown clears set-id bits) */
	if (fchownat(to, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0 && errno != EINVAL &&
	    errno != EPERM)
		return -errno;
	if ((!S_ISLNK(st.st_mode) && fchmodat(to, name, st.st_mode & 07777, 0) < 0) ||
	    utimensat(to, name, (struct timespec[]){st.st_atim, st.st_mtim}, AT_SYMLINK_NOFOLLOW) <
		0)
		return -errno;
	return 0;
}

static int copy_tree(int from, int to, int depth)
{
	char buf[4096];
	long n;

	if (depth > COPYUP_DEPTH)
		return -ELOOP;
	while ((n = syscall(SYS_getdents64, from, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n;) {
			struct dirent64 *de = (struct dirent64 *)(void *)(buf + off);
			int r;

			off += de->d_reclen;
			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			r = copy_entry(from, to, de->d_name, depth);
			if (r < 0)
				return r;
		}
	}
	return n < 0 ? -errno : 0;
}

int mnt_tmpfs_copyup(int rootfd, const struct spec_mount *m, int fd, struct ward_err *err)
{
	/* what the rootfs has there, opened before the tmpfs hides it */
	cleanup_close int old = sys_open_in_root(rootfd, m->destination, O_RDONLY | O_DIRECTORY, 0);
	cleanup_close int fresh = -1;
	char path[32];
	int r;

	if (old < 0)
		return err_set(err, errno, "tmpcopyup: cannot open '%s'", m->destination);
	(void)snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (mount("tmpfs", path, "tmpfs", m->flags & ~MS_RDONLY, m->data) < 0)
		return err_set(err, errno, "cannot mount tmpfs on '%s'", m->destination);
	fresh = sys_open_in_root(rootfd, m->destination, O_RDONLY | O_DIRECTORY, 0);
	if (fresh < 0)
		return err_set(err, errno, "tmpcopyup: cannot open the tmpfs on '%s'",
			       m->destination);
	r = copy_tree(old, fresh, 0);
	if (r < 0)
		return err_set(err, -r, "tmpcopyup: cannot copy '%s' into its tmpfs",
			       m->destination);
	/* read-only once filled */
	if ((m->flags & MS_RDONLY) && mnt_remount_ro(rootfd, m->destination, err) < 0)
		return -err->code;
	return 0;
}

int mnt_make_symlink(int rootfd, const struct spec_mount *m, struct ward_err *err)
{
	char dir[PATH_MAX];
	cleanup_close int dfd = -1;
	const char *name;
	char *slash;

	if ((size_t)snprintf(dir, sizeof(dir), "%s", m->destination) >= sizeof(dir))
		return err_set(err, ENAMETOOLONG, "cannot create '%s'", m->destination);
	slash = strrchr(dir, '/');
	*slash = '\0';
	name = m->destination + (slash - dir) + 1;
	dfd = sys_mkdir_p_in_root(rootfd, dir[0] ? dir : "/", 0755);
	if (dfd < 0)
		return err_set(err, errno, "cannot create the directory of '%s'", m->destination);
	if (symlinkat(m->source, dfd, name) < 0)
		return err_set(err, errno, "copy-symlink: cannot create '%s'", m->destination);
	return 0;
}

int mnt_set_attrs(int rootfd, const struct spec_mount *m, struct ward_err *err)
{
	cleanup_close int fd = -1;
	struct mount_attr attr = {.attr_set = m->attr_set, .attr_clr = m->attr_clr};

	if (!m->attr_set && !m->attr_clr)
		return 0;
	fd = sys_open_in_root(rootfd, m->destination, O_PATH, 0);
	if (fd < 0)
		return err_set(err, errno, "cannot open '%s'", m->destination);
	if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) <
	    0)
		return err_set(err, errno, "cannot set the recursive options of '%s'",
			       m->destination);
	return 0;
}
