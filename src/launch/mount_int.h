/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mount_int.h - what the files of the mount module share and nothing else
 * includes: mount.c's helpers for mounting inside the rootfs and its reader of
 * /proc files through fixed buffers (the child does not allocate), the
 * container's /sys/fs/cgroup (mount_cgroupfs.c). The module's API is
 * include/ward/mount.h; entering the root is in mount_root.c.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ward/error.h"
#include "ward/spec.h"

/* /proc/self/fd/N: how mount(2) takes a descriptor as its source or target */
struct fdpath {
	char s[32];
};

static inline const char *fdpath(struct fdpath *p, int fd)
{
	(void)snprintf(p->s, sizeof(p->s), "/proc/self/fd/%d", fd);
	return p->s;
}

/** mnt_kept_flags() - the MS_* flags of the mount of @fd that a bind remount must keep. */
unsigned long mnt_kept_flags(int fd);

/**
 * mnt_mount_in_root() - mount @src (of @fstype, with @flags and @data) on
 * @path inside the root, creating it as a directory (@dir) or an empty file.
 *
 * Return: 0, or a negative errno with @err naming @path.
 */
int mnt_mount_in_root(int rootfd, const char *src, const char *path, const char *fstype,
		      unsigned long flags, const char *data, bool dir, struct ward_err *err);

/**
 * mnt_mount_on() - mount @src (of @fstype, with @flags and @data) on the mount
 * point open as @fd (O_PATH); @path names it in the error.
 *
 * Return: 0, or a negative errno with @err naming @path.
 */
int mnt_mount_on(int fd, const char *src, const char *path, const char *fstype, unsigned long flags,
		 const char *data, struct ward_err *err);

/**
 * mnt_mount_fresh() - mount @src (of @fstype, with @flags and @data) on the
 * directory @name made in @dirfd, a file system this child has just mounted in
 * its own mount namespace (the container's /dev, the tmpfs at /sys/fs/cgroup):
 * nothing else has had it, so no symlink can be in the way and plain
 * mkdirat()/openat() beneath it are as safe as resolving inside the root (three
 * calls where that takes six). @path names the mount point in errors.
 *
 * Return: 0, or a negative errno with @err naming @path.
 */
int mnt_mount_fresh(int dirfd, const char *name, const char *path, const char *src,
		    const char *fstype, unsigned long flags, const char *data,
		    struct ward_err *err);

/**
 * mnt_set_ro() - make the mount whose root @fd (O_PATH) is read-only, keeping its
 * other flags: by descriptor (mount_setattr), or, before Linux 5.12 or where a
 * seccomp filter refuses it with EPERM, a bind remount of /proc/self/fd/N.
 *
 * Return: 0, or a negative errno.
 */
int mnt_set_ro(int fd);

/**
 * mnt_mask_paths() - the masked and read-only paths of @spec (config.json's lists,
 * else Docker's: mnt_masked_paths, mnt_readonly_paths) that exist in the root:
 * with @early, those covered right after /proc and /dev (mount_mask.c), else the
 * others, after the container's mounts.
 *
 * Return: 0, or a negative errno with @err naming the path.
 */
int mnt_mask_paths(int rootfd, const struct container_spec *spec, bool early, struct ward_err *err)
    __attribute__((nonnull));

/**
 * mnt_remount_ro() - remount what is now mounted at @path (inside the root) read-only.
 *
 * Return: 0, or a negative errno with @err naming @path.
 */
int mnt_remount_ro(int rootfd, const char *path, struct ward_err *err) __attribute__((nonnull));

/* A file read line by line through a fixed buffer: set .fd, zero the rest. */
struct mnt_lines {
	int fd;
	size_t pos, end;
	char buf[4096];
};

/**
 * mnt_read_line() - the next line of @lr into @line, without its '\n'. A line
 * longer than @len - 1 is cut to fit and *@whole set false (else true).
 *
 * Return: 1, 0 at the end of the file, or a negative errno.
 */
int mnt_read_line(struct mnt_lines *lr, char *line, size_t len, bool *whole)
    __attribute__((nonnull));

/**
 * mnt_info_point() - the mount id and the (unescaped) mount point of a
 * /proc/self/mountinfo line (cut in place); @whole: mnt_read_line()'s.
 * Return: 1, 0 for a line without them, -ENAMETOOLONG when the cut hit them.
 */
int mnt_info_point(char *line, bool whole, int *id, char **mnt) __attribute__((nonnull));

/**
 * mnt_resolve_dest() - @path (a mount's destination) into @out (@len bytes)
 * with every dangling symlink on it replaced by its target, read inside the
 * root: what is missing is then created inside the root, never outside.
 * Return: 0 or a negative errno.
 */
int mnt_resolve_dest(int rootfd, const char *path, char *out, size_t len) __attribute__((nonnull));

/**
 * mnt_tmpfs_copyup() - mount @m's tmpfs on @fd (its destination, opened in the
 * root) and copy into it what the rootfs has there (tmpcopyup).
 * Return: 0, or a negative errno with @err set.
 */
int mnt_tmpfs_copyup(int rootfd, const struct spec_mount *m, int fd, struct ward_err *err)
    __attribute__((nonnull));

/** mnt_make_symlink() - copy-symlink: the link @m->source at @m->destination. */
int mnt_make_symlink(int rootfd, const struct spec_mount *m, struct ward_err *err)
    __attribute__((nonnull));

/** mnt_set_attrs() - @m's recursive attributes (rro, ...) on its mount and those below. */
int mnt_set_attrs(int rootfd, const struct spec_mount *m, struct ward_err *err)
    __attribute__((nonnull));

/**
 * mnt_root_propagation() - in the child's new mount namespace, first: '/' a
 * slave of the host's mounts, then linux.rootfsPropagation if any. A shared one
 * replaces the slave step (as runc's): the mounts stay peers of the host's, and
 * the mount the rootfs lives on is made private so that its bind goes nowhere.
 *
 * Return: 0, or a negative errno with @err set.
 */
int mnt_root_propagation(const struct container_spec *spec, struct ward_err *err)
    __attribute__((nonnull));

/* mnt_setup_cgroupfs()'s @how */
enum {
	MNT_CG_OWN_NS = 1 << 0, /* the container has a cgroup namespace other than ward's */
	MNT_CG_RW = 1 << 1,	/* read-write (--privileged, as Docker) */
};

/**
 * mnt_setup_cgroupfs() - /sys/fs/cgroup in the root, read-only unless @how has
 * MNT_CG_RW, laid out as the host's is.
 *
 * Return: 0, or a negative errno with @err naming the mount that failed.
 */
int mnt_setup_cgroupfs(int rootfd, unsigned int how, struct ward_err *err) __attribute__((nonnull));
