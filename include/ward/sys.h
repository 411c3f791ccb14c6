/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sys.h - thin wrappers for system calls glibc 2.36 does not wrap (openat2,
 * pivot_root, close_range, clone3) and for path resolution confined to a root
 * directory.
 * All return -1 with errno set, like the system calls they wrap.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/** sys_pivot_root() - pivot_root(2). */
int sys_pivot_root(const char *new_root, const char *put_old);

/**
 * sys_open_in_root() - open @path as if @rootfd were "/": symlinks and ".." never
 * leave the root (openat2 with RESOLVE_IN_ROOT). Adds O_CLOEXEC.
 */
int sys_open_in_root(int rootfd, const char *path, int flags, mode_t mode);

/**
 * sys_mkdir_p_in_root() - create @path and its missing parents below @rootfd,
 * confined as sys_open_in_root() is.
 *
 * Return: an O_PATH descriptor of the directory, or -1 with errno set.
 */
int sys_mkdir_p_in_root(int rootfd, const char *path, mode_t mode);

/**
 * sys_cloexec_from() - mark every descriptor >= @lowfd close-on-exec
 * (close_range(CLOSE_RANGE_CLOEXEC), falling back to a /proc/self/fd walk).
 */
int sys_cloexec_from(int lowfd);

/**
 * sys_close_except() - close every descriptor >= @lowfd but the @n in @keep
 * (at most 16): close_range() over the gaps, or a /proc/self/fd walk.
 */
int sys_close_except(int lowfd, const int *keep, size_t n);

/**
 * sys_clone_into_cgroup() - clone3(2) with CLONE_INTO_CGROUP: a child born in
 * the cgroup2 cgroup @cgroup_fd, with the clone @flags (CLONE_NEW*, CLONE_PARENT)
 * and SIGCHLD (with CLONE_PARENT, the caller's own exit signal), forking as
 * clone(2) without a stack does. *@tried is false when the kernel lacks it
 * (< 5.7) or refuses that cgroup, or @cgroup_fd is -1: the caller clones and
 * moves the child itself. Return: as clone(2).
 */
pid_t sys_clone_into_cgroup(unsigned long flags, int cgroup_fd, bool *tried);

/**
 * sys_proc_start() - a process's start time (field 22 of its stat file, in
 * clock ticks since boot) and state letter (field 3), from @path below @dirfd
 * ("stat" below an open /proc/PID, or AT_FDCWD and "/proc/PID/stat"): with the
 * pid, what names one process for good (a pid is reused, its start time not).
 *
 * Return: 0, or a negative errno (-EIO: not a stat file).
 */
int sys_proc_start(int dirfd, const char *path, unsigned long long *start, char *state);
