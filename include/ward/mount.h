/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mount.h - the container's filesystem: the rootfs bind, /proc, /dev, /sys, the
 * user's volumes and tmpfs mounts, Docker's masked and read-only paths, and
 * pivot_root. Runs in the container child, in its new mount namespace; it does
 * not allocate. Every container path is resolved inside the rootfs
 * (openat2 RESOLVE_IN_ROOT) and mounted onto /proc/self/fd/N, so symlinks in an
 * untrusted image cannot redirect a mount onto the host.
 */
#pragma once

#include "ward/error.h"
#include "ward/spec.h"

/* Docker's masked paths: unreadable in the container. */
extern const char *const mnt_masked_paths[];
/* Docker's read-only paths. */
extern const char *const mnt_readonly_paths[];

/**
 * mnt_setup_rootfs() - build the container's mount tree and pivot into it.
 *
 * On return the process's root and working directory are the container's
 * (spec->cwd, created if missing, as Docker does) and the host's root is
 * detached.
 * Return: 0, or a negative errno with @err naming the mount that failed.
 */
int mnt_setup_rootfs(const struct container_spec *spec, struct ward_err *err)
    __attribute__((nonnull));
