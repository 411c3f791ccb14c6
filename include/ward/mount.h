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

/* What the container's mount tree is built from (see mnt_open_sources()). */
struct mnt_sources {
	int rootfd; /* the rootfs, bound onto itself (O_PATH) */
	int *fds;   /* per spec->mounts[i]: the bind source (O_PATH), or -1 */
	size_t n;
};

/**
 * mnt_open_sources() - in the child's new mount namespace, first: make '/' a
 * slave (nothing propagates back to the host), bind the rootfs onto itself
 * and open it, and open every bind source. Done while the child still has
 * ward's ids: in a new user namespace its root is an unprivileged host uid,
 * which may not reach the paths the config names (podman's userdata, a 0700
 * parent), while what is already open stays usable.
 * @fds: room for spec->nmounts descriptors, made before the clone (the child
 *        does not allocate); @src holds it until mnt_sources_release()
 * @src: filled in, also on failure; release with mnt_sources_release()
 *
 * Return: 0, or a negative errno with @err naming the path.
 */
int mnt_open_sources(const struct container_spec *spec, int *fds, struct mnt_sources *src,
		     struct ward_err *err) __attribute__((nonnull));

/** mnt_sources_release() - close what mnt_open_sources() opened. */
void mnt_sources_release(struct mnt_sources *src) __attribute__((nonnull));

/**
 * mnt_prepare_proc_dev() - the first part of the container's mount tree in the
 * rootfs of @src: /proc and /dev (its nodes, devpts, shm, mqueue), and Docker's
 * masked and read-only paths under /proc where no mount of @spec's can meet
 * them, none of which depend on the network namespace the child is in
 * (mnt_prepare_rootfs() the rest).
 *
 * Return: 0, or a negative errno with @err naming the mount that failed.
 */
int mnt_prepare_proc_dev(const struct container_spec *spec, const struct mnt_sources *src,
			 struct ward_err *err) __attribute__((nonnull));

/**
 * mnt_prepare_rootfs() - the rest of the container's mount tree in the rootfs of
 * @src, after mnt_prepare_proc_dev(), in the container's network namespace: the
 * sysctls, /sys, /sys/fs/cgroup, the mounts asked for, masked and
 * read-only paths, the working directory (created if missing, as Docker does).
 * The root is not entered yet: the OCI createContainer hooks run between this
 * and mnt_enter_root().
 *
 * Return: 0, or a negative errno with @err naming the mount that failed.
 */
int mnt_prepare_rootfs(const struct container_spec *spec, const struct mnt_sources *src,
		       struct ward_err *err) __attribute__((nonnull));

/**
 * mnt_enter_root() - pivot_root into the tree mnt_prepare_rootfs() built and
 * detach the host's root; make it read-only if asked; chdir to spec->cwd.
 * @rootfd: what mnt_prepare_rootfs() returned (the caller closes it)
 *
 * Return: 0, or a negative errno with @err set.
 */
int mnt_enter_root(const struct container_spec *spec, int rootfd, struct ward_err *err)
    __attribute__((nonnull));

/*
 * A config.json without a mount namespace (ns_shares_mounts()), in order:
 * mnt_clone_root() in the child once the tree is built (the read-only root
 * applied first), mnt_attach_root() in ward with the clone, then
 * mnt_enter_shared_root() in the child; mnt_detach_root() when the container is
 * gone (ward on a failed set-up, delete).
 */

/** mnt_clone_root() - a detached copy of the tree at @rootfd. Return: its fd or -errno. */
int mnt_clone_root(const struct container_spec *spec, int rootfd, struct ward_err *err)
    __attribute__((nonnull));

/**
 * mnt_attach_root() - attach @treefd's tree over spec->rootfs in ward's mount
 * namespace, with linux.rootfsPropagation. *@mnt_id: its mount id (0 when
 * nothing stays attached). Return: 0, or a negative errno with @err set.
 */
int mnt_attach_root(int treefd, const struct container_spec *spec, unsigned long long *mnt_id,
		    struct ward_err *err) __attribute__((nonnull));

/**
 * mnt_enter_shared_root() - back into ward's mount namespace (@mnt_fd), chroot
 * into the attached tree (@treefd), chdir to spec->cwd. Return: 0 or -errno.
 */
int mnt_enter_shared_root(const struct container_spec *spec, int mnt_fd, int treefd,
			  struct ward_err *err) __attribute__((nonnull));

/**
 * mnt_detach_root() - detach mount @mnt_id from @rootfs with everything below
 * it, and what was stacked over it; a mount of another id there stays. Logs
 * what fails.
 */
void mnt_detach_root(const char *rootfs, unsigned long long mnt_id) __attribute__((nonnull));
