/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mount_shared.c - a container without a mount namespace of its own (a
 * config.json that lists none inherits ward's, as the runtime spec says). The
 * child builds the tree in a mount namespace of its own as always and hands a
 * clone of it to ward (open_tree); ward attaches it over the rootfs in its own
 * namespace (move_mount) and records it; the child goes back to ward's
 * namespace and chroots into it; delete detaches it. Nothing is mounted in
 * ward's namespace until the tree is whole, so a set-up that fails before
 * leaves nothing there, and one that fails after is undone by ward.
 */
#include "ward/mount.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mount_int.h"
#include "ward/cleanup.h"
#include "ward/log.h"

#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#ifndef STATX_MNT_ID
#define STATX_MNT_ID 0x00001000U
#endif

/* how many mounts a container may have stacked over its root before delete gives up */
#define STACKED_MAX 64

int mnt_clone_root(const struct container_spec *spec, int rootfd, struct ward_err *err)
{
	int fd;

	/* in the child's namespace still: the clone keeps the flag */
	if (spec->readonly_root &&
	    mount(NULL, spec->rootfs, NULL,
		  MS_BIND | MS_REMOUNT | MS_RDONLY | mnt_kept_flags(rootfd), NULL) < 0)
		return err_set(err, errno, "cannot make the root filesystem read-only");
	fd = (int)syscall(SYS_open_tree, rootfd, "",
			  OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
	if (fd < 0)
		return err_set(err, errno, "cannot clone the container's mounts (open_tree)");
	return fd;
}

int mnt_enter_shared_root(const struct container_spec *spec, int mnt_fd, int treefd,
			  struct ward_err *err)
{
	if (setns(mnt_fd, CLONE_NEWNS) < 0)
		return err_set(err, errno, "cannot go back to ward's mount namespace");
	/* the tree ward attached over the rootfs: the same mounts as the descriptor's */
	if (fchdir(treefd) < 0)
		return err_set(err, errno, "cannot enter rootfs '%s'", spec->rootfs);
	if (chroot(".") < 0)
		return err_set(err, errno, "cannot chroot into '%s'", spec->rootfs);
	if (chdir("/") < 0)
		return err_set(err, errno, "cannot chdir to '/'");
	if (chdir(spec->cwd) < 0)
		return err_set(err, errno, "cannot enter working directory '%s'", spec->cwd);
	return 0;
}

/* The id of the topmost mount at @path (0 when it cannot be read). */
static unsigned long long top_mount(int dirfd, const char *path, int flags)
{
	struct statx stx;

	if (statx(dirfd, path, flags | AT_NO_AUTOMOUNT, STATX_MNT_ID, &stx) < 0 ||
	    !(stx.stx_mask & STATX_MNT_ID))
		return 0;
	return stx.stx_mnt_id;
}

int mnt_attach_root(int treefd, const struct container_spec *spec, unsigned long long *mnt_id,
		    struct ward_err *err)
{
	unsigned long prop = spec->oci.rootfs_propagation;

	*mnt_id = 0;
	if (syscall(SYS_move_mount, treefd, "", AT_FDCWD, spec->rootfs, MOVE_MOUNT_F_EMPTY_PATH) <
	    0)
		return err_set(err, errno, "cannot attach the container's mounts over '%s'",
			       spec->rootfs);
	*mnt_id = top_mount(treefd, "", AT_EMPTY_PATH);
	if (!*mnt_id) {
		int e = errno;

		(void)umount2(spec->rootfs, MNT_DETACH | UMOUNT_NOFOLLOW);
		return err_set(err, e, "cannot read the mount id of '%s'", spec->rootfs);
	}
	/* rootfsPropagation: on the container's root, which is ward's mount now */
	if (prop && mount(NULL, spec->rootfs, NULL, prop, NULL) < 0) {
		int e = errno;

		mnt_detach_root(spec->rootfs, *mnt_id);
		*mnt_id = 0;
		return err_set(err, e, "cannot set the propagation of '%s' (rootfsPropagation)",
			       spec->rootfs);
	}
	return 0;
}

/* Whether mount @id is still mounted at @path. */
static bool mounted_at(unsigned long long id, const char *path)
{
	cleanup_close int fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	struct mnt_lines lr = {.fd = fd};
	char line[2 * PATH_MAX];
	bool whole, found = false;

	if (fd < 0)
		return false;
	while (!found && mnt_read_line(&lr, line, sizeof(line), &whole) > 0) {
		char *mnt;
		int mid;

		found = mnt_info_point(line, whole, &mid, &mnt) > 0 &&
			(unsigned long long)mid == id && strcmp(mnt, path) == 0;
	}
	return found;
}

void mnt_detach_root(const char *rootfs, unsigned long long mnt_id)
{
	/* what the container stacked over its root goes first: it is the container's */
	for (int i = 0; i < STACKED_MAX && mounted_at(mnt_id, rootfs); i++) {
		bool ours = top_mount(AT_FDCWD, rootfs, AT_SYMLINK_NOFOLLOW) == mnt_id;

		if (umount2(rootfs, MNT_DETACH | UMOUNT_NOFOLLOW) < 0) {
			log_warn("cannot detach the container's mounts at '%s': %s", rootfs,
				 strerror(errno));
			return;
		}
		if (ours)
			return;
	}
}
