/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mount_mask.c - the masked and read-only paths (Docker's, or config.json's
 * maskedPaths and readonlyPaths): a masked directory gets an empty read-only
 * tmpfs, any other masked file /dev/null bound over it; a read-only path is bound
 * over itself read-only. Binds are made by descriptor where the kernel can
 * (open_tree, mount_setattr, move_mount), by mount(2) of /proc/self/fd/N before.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mount_int.h"
#include "ward/cleanup.h"
#include "ward/mount.h"
#include "ward/sys.h"
#include "ward/util.h"

const char *const mnt_masked_paths[] = {
    "/proc/asound",
    "/proc/acpi",
    "/proc/interrupts",
    "/proc/kcore",
    "/proc/keys",
    "/proc/latency_stats",
    "/proc/timer_list",
    "/proc/timer_stats",
    "/proc/sched_debug",
    "/proc/scsi",
    "/sys/firmware",
    "/sys/devices/virtual/powercap",
    NULL,
};

const char *const mnt_readonly_paths[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

/* config.json's list when it gives one (maybe empty), else Docker's. */
static const char *const *path_list(bool set, const struct strv *sv, const char *const *docker)
{
	static const char *const none[] = {NULL};

	if (!set)
		return docker;
	return sv->n ? (const char *const *)sv->v : none;
}

/*
 * Whether Docker's masked or read-only @path is covered right after /proc is
 * mounted (while the child waits for its network namespace) rather than after
 * the container's mounts: one under /proc but /proc/sys (the sysctls are written
 * through it later), from Docker's own lists (a config's paths may be anything),
 * and no mount of the container's at "/" or in /proc, which could cover a mask
 * or be covered by one where runc's order says otherwise.
 */
static bool mask_early(const struct container_spec *spec, const char *path)
{
	if (!str_has_prefix(path, "/proc/") || strcmp(path, "/proc/sys") == 0)
		return false;
	for (size_t i = 0; i < spec->nmounts; i++) {
		const char *d = spec->mounts[i].destination;

		if (strcmp(d, "/") == 0 || strcmp(d, "/proc") == 0 || str_has_prefix(d, "/proc/"))
			return false;
	}
	return true;
}

/*
 * @src bound over @dst (both O_PATH descriptors), with its submounts (@rec), and
 * read-only (@ro; the top mount, as runc's remount) before it is attached: a
 * detached copy (open_tree), its attributes (mount_setattr), attached where @dst
 * is (move_mount). Neither end is looked up again, where mount(2) takes each as
 * /proc/self/fd/N, a walk through procfs's magic links, and a read-only bind as
 * two mounts. Return: 0, -ENOSYS before Linux 5.12 or where a seccomp filter
 * (an older engine's, ward nested) refuses the calls with EPERM (nothing mounted:
 * mount(2) then says whether it may), or a negative errno.
 */
static int bind_by_fd(int src, int dst, bool rec, bool ro)
{
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
	cleanup_close int tree = (int)syscall(SYS_open_tree, src, "",
					      OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH |
						  (rec ? AT_RECURSIVE : 0));

	if (tree < 0)
		return errno == EPERM ? -ENOSYS : -errno;
	if (ro && syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
		return errno == EPERM ? -ENOSYS : -errno;
	if (syscall(SYS_move_mount, tree, "", dst, "",
		    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return -errno;
	return 0;
}

/* /dev/null (@null) bound over the file @fd */
static int bind_null(int null, int fd)
{
	struct fdpath src, dst;
	int r = bind_by_fd(null, fd, false, false);

	if (r != -ENOSYS)
		return r;
	return mount(fdpath(&src, null), fdpath(&dst, fd), NULL, MS_BIND, NULL) < 0 ? -errno : 0;
}

/* a directory: an empty read-only tmpfs over it; anything else: /dev/null bound over it */
static int mask_one(int rootfd, int null, const char *path, struct ward_err *err)
{
	cleanup_close int fd = sys_open_in_root(rootfd, path, O_PATH | O_NOFOLLOW, 0);
	struct fdpath dst;
	struct stat st;
	int r;

	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0 || fstat(fd, &st) < 0)
		return err_set(err, errno, "cannot open masked path '%s'", path);
	if (S_ISDIR(st.st_mode))
		r = mount("tmpfs", fdpath(&dst, fd), "tmpfs", MS_RDONLY, NULL) < 0 ? -errno : 0;
	else
		r = bind_null(null, fd);
	return r < 0 ? err_set(err, -r, "cannot mask '%s'", path) : 0;
}

/* @path bound over itself (with what is mounted beneath it), read-only */
static int readonly_one(int rootfd, const char *path, struct ward_err *err)
{
	cleanup_close int fd = sys_open_in_root(rootfd, path, O_PATH | O_NOFOLLOW, 0);
	struct fdpath p;
	int r;

	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0)
		return err_set(err, errno, "cannot open read-only path '%s'", path);
	r = bind_by_fd(fd, fd, true, true);
	if (r != -ENOSYS)
		return r < 0 ? err_set(err, -r, "cannot bind read-only path '%s'", path) : 0;
	if (mount(fdpath(&p, fd), p.s, NULL, MS_BIND | MS_REC, NULL) < 0)
		return err_set(err, errno, "cannot bind read-only path '%s'", path);
	return mnt_remount_ro(rootfd, path, err);
}

int mnt_mask_paths(int rootfd, const struct container_spec *spec, bool early, struct ward_err *err)
{
	cleanup_close int null = sys_open_in_root(rootfd, "/dev/null", O_PATH, 0);
	const char *const *masked =
	    path_list(spec->oci.masked_set, &spec->oci.masked_paths, mnt_masked_paths);
	const char *const *readonly =
	    path_list(spec->oci.readonly_set, &spec->oci.readonly_paths, mnt_readonly_paths);
	int r = 0;

	if (null < 0)
		return err_set(err, errno, "cannot open '/dev/null'");
	for (size_t i = 0; r == 0 && masked[i]; i++)
		if ((!spec->oci.masked_set && mask_early(spec, masked[i])) == early)
			r = mask_one(rootfd, null, masked[i], err);
	for (size_t i = 0; r == 0 && readonly[i]; i++)
		if ((!spec->oci.readonly_set && mask_early(spec, readonly[i])) == early)
			r = readonly_one(rootfd, readonly[i], err);
	return r;
}
