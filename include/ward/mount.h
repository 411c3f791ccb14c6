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
 * mnt_prepare_rootfs() - build the container's mount tree below spec->rootfs
 * (bound onto itself), in the caller's new mount namespace: /proc, /dev, /sys,
 * the mounts asked for, masked and read-only paths, the working directory
 * (created if missing, as Docker does). The root is not entered yet: the OCI
 * createContainer hooks run between this and mnt_enter_root().
 *
 * Return: an O_PATH descriptor of the rootfs, or a negative errno with @err
 * naming the mount that failed.
 */
int mnt_prepare_rootfs(const struct container_spec *spec, struct ward_err *err)
    __attribute__((nonnull));

/**
 * mnt_enter_root() - pivot_root into the tree mnt_prepare_rootfs() built and
 * detach the host's root; make it read-only if asked; chdir to spec->cwd.
 * @rootfd: what mnt_prepare_rootfs() returned (the caller closes it)
 *
 * Return: 0, or a negative errno with @err set.
 */
int mnt_enter_root(const struct container_spec *spec, int rootfd, struct ward_err *err)
    __attribute__((nonnull));
