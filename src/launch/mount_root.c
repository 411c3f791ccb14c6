/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mount_root.c - entering the container's root in the child: pivot_root and
 * detaching the old root, or with --no-pivot detaching the host's mounts and
 * moving the rootfs onto /; then the read-only root and the working directory.
 * No allocation: /proc/self/mountinfo is read a line at a time, and the mount
 * points to detach are kept in a fixed buffer on the stack.
 */
#include "ward/mount.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "mount_int.h"
#include "ward/cleanup.h"
#include "ward/sys.h"
#include "ward/util.h"

#define HOST_MOUNTS_BUF 16384 /* bytes of mount points one pass of --no-pivot keeps */
#define HOST_MOUNTS_MAX 256   /* mount points one pass keeps */
#define STUCK_MAX	256   /* mounts that would not detach, skipped by later passes */

/*
 * The host's mounts one pass of --no-pivot detaches, in mountinfo order: the
 * last ones read that fit, each by its mount id and mount point.
 */
struct host_mounts {
	char buf[HOST_MOUNTS_BUF]; /* the mount points, NUL-terminated, one after another */
	size_t off[HOST_MOUNTS_MAX];
	int id[HOST_MOUNTS_MAX];
	size_t n, used;
	bool dropped; /* earlier ones were dropped to make room: another pass is due */
};

/* Whether mount point @mnt is @root, above it or below it (all absolute, canonical). */
static bool on_root_path(const char *mnt, const char *root)
{
	size_t m = strlen(mnt), r = strlen(root);

	if (strcmp(mnt, "/") == 0)
		return true;
	if (m <= r)
		return strncmp(root, mnt, m) == 0 && (root[m] == '/' || root[m] == '\0');
	return strncmp(mnt, root, r) == 0 && mnt[r] == '/';
}

/* Keep @mnt (@len bytes, < HOST_MOUNTS_BUF) last, dropping the first ones to make room. */
static void keep_last(struct host_mounts *hm, int id, const char *mnt, size_t len)
{
	size_t drop = 0, from;

	while (drop < hm->n && (hm->n - drop >= HOST_MOUNTS_MAX ||
				hm->used - hm->off[drop] + len + 1 > sizeof(hm->buf)))
		drop++;
	if (drop) {
		from = drop < hm->n ? hm->off[drop] : hm->used;
		memmove(hm->buf, hm->buf + from, hm->used - from);
		hm->used -= from;
		for (size_t i = drop; i < hm->n; i++) {
			hm->off[i - drop] = hm->off[i] - from;
			hm->id[i - drop] = hm->id[i];
		}
		hm->n -= drop;
		hm->dropped = true;
	}
	hm->off[hm->n] = hm->used;
	hm->id[hm->n++] = id;
	memcpy(hm->buf + hm->used, mnt, len + 1);
	hm->used += len + 1;
}

/*
 * Fill @hm from /proc/self/mountinfo with the mounts --no-pivot detaches:
 * neither @rootfs, one of its ancestors nor below it, and not in @stuck.
 */
static int read_host_mounts(const char *rootfs, const int *stuck, size_t nstuck,
			    struct host_mounts *hm, struct ward_err *err)
{
	static const char file[] = "/proc/self/mountinfo";
	cleanup_close int fd = open(file, O_RDONLY | O_CLOEXEC);
	struct mnt_lines lr = {.fd = fd};
	char line[2 * PATH_MAX];
	bool whole;
	int r;

	hm->n = hm->used = 0;
	hm->dropped = false;
	if (fd < 0)
		return err_set(err, errno, "cannot open '%s'", file);
	while ((r = mnt_read_line(&lr, line, sizeof(line), &whole)) > 0) {
		char *mnt;
		bool skip = false;
		int id;

		r = mnt_info_point(line, whole, &id, &mnt);
		if (r < 0)
			return err_set(err, -r, "--no-pivot: a mount point in '%s' is too long",
				       file);
		for (size_t i = 0; r > 0 && i < nstuck; i++)
			skip |= stuck[i] == id;
		if (r > 0 && !skip && !on_root_path(mnt, rootfs))
			keep_last(hm, id, mnt, strlen(mnt));
	}
	if (r < 0)
		return err_set(err, -r, "cannot read '%s'", file);
	return 0;
}

/*
 * --no-pivot's detaching of the host's mounts, deepest (last listed) first. One
 * already gone with a detached parent is EINVAL or ENOENT. When they did not
 * all fit in one pass, the next pass reads what is left, skipping those that
 * would not go.
 */
static int detach_host_mounts(const char *rootfs, struct ward_err *err)
{
	struct host_mounts hm;
	int stuck[STUCK_MAX];
	size_t nstuck = 0;

	do {
		int r = read_host_mounts(rootfs, stuck, nstuck, &hm, err);

		if (r < 0)
			return r;
		for (size_t i = hm.n; i-- > 0;) {
			const char *mnt = hm.buf + hm.off[i];

			if (umount2(mnt, MNT_DETACH) == 0)
				continue;
			if (errno != EINVAL && errno != ENOENT)
				return err_set(err, errno,
					       "--no-pivot: cannot detach the host's '%s'", mnt);
			if (hm.dropped && nstuck == STUCK_MAX)
				return err_set(
				    err, E2BIG,
				    "--no-pivot: too many of the host's mounts cannot be "
				    "detached");
			if (hm.dropped)
				stuck[nstuck++] = hm.id[i];
		}
	} while (hm.dropped);
	return 0;
}

/*
 * --no-pivot (runc's, for a root filesystem where pivot_root is refused, as on
 * an initramfs): detach every mount that is neither the rootfs, one of its
 * ancestors nor below it, so that a process that gets out of the chroot finds
 * none of the host's mounts; then move the rootfs onto / and chroot into it.
 */
static int move_root(const struct container_spec *spec, int rootfd, struct ward_err *err)
{
	int r = detach_host_mounts(spec->rootfs, err);

	if (r < 0)
		return r;
	if (fchdir(rootfd) < 0)
		return err_set(err, errno, "cannot enter rootfs '%s'", spec->rootfs);
	if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
		return err_set(err, errno, "--no-pivot: cannot move rootfs '%s' onto '/'",
			       spec->rootfs);
	if (chroot(".") < 0)
		return err_set(err, errno, "--no-pivot: cannot chroot into '%s'", spec->rootfs);
	return 0;
}

/*
 * The mount @rootfs lives on (the deepest mount point above it, the last one
 * listed) into @mnt; *@shared: it is in a peer group.
 */
static int rootfs_parent(const char *rootfs, char *mnt, size_t len, bool *shared,
			 struct ward_err *err)
{
	static const char file[] = "/proc/self/mountinfo";
	cleanup_close int fd = open(file, O_RDONLY | O_CLOEXEC);
	struct mnt_lines lr = {.fd = fd};
	char line[2 * PATH_MAX];
	size_t best = 0;
	bool whole;
	int r;

	if (fd < 0)
		return err_set(err, errno, "cannot open '%s'", file);
	mnt[0] = '\0';
	while ((r = mnt_read_line(&lr, line, sizeof(line), &whole)) > 0) {
		char *tok[7], *save = NULL, *p;
		size_t n;

		for (size_t i = 0; i < 7; i++)
			tok[i] = strtok_r(i ? NULL : line, " ", &save);
		if (!tok[6] || !whole)
			continue;
		str_unescape_octal(tok[4]);
		n = strlen(tok[4]);
		if (n < best || n >= len || n > strlen(rootfs) || !on_root_path(tok[4], rootfs))
			continue;
		best = n;
		memcpy(mnt, tok[4], n + 1);
		/* the optional fields, up to "-": shared:N for a peer group */
		*shared = false;
		for (p = tok[6]; p && strcmp(p, "-") != 0; p = strtok_r(NULL, " ", &save))
			*shared |= strncmp(p, "shared:", 7) == 0;
	}
	if (r < 0)
		return err_set(err, -r, "cannot read '%s'", file);
	return mnt[0] ? 0 : err_set(err, ENOENT, "no mount holds rootfs '%s'", rootfs);
}

int mnt_root_propagation(const struct container_spec *spec, struct ward_err *err)
{
	unsigned long prop = spec->oci.rootfs_propagation;
	char parent[PATH_MAX];
	bool shared = false;
	int r;

	if (!(prop & MS_SHARED)) {
		if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0) {
			if (errno == EINVAL) /* a chroot whose root is a plain directory */
				return err_set(err, 0,
					       "cannot make '/' a slave mount: '/' is not a mount "
					       "point (a chroot?); bind-mount the root onto itself "
					       "first: mount --bind / /");
			return err_set(err, errno, "cannot make '/' a slave mount");
		}
		/* unbindable: on the container's root, once it is one (the bind needs it not) */
		if (prop && !(prop & MS_UNBINDABLE) && mount(NULL, "/", NULL, prop, NULL) < 0)
			return err_set(err, errno,
				       "cannot set the propagation of '/' (rootfsPropagation)");
		return 0;
	}
	if (mount(NULL, "/", NULL, prop, NULL) < 0)
		return err_set(err, errno, "cannot make '/' shared (rootfsPropagation)");
	/* pivot_root refuses a shared parent, and the rootfs's bind must not reach the host */
	r = rootfs_parent(spec->rootfs, parent, sizeof(parent), &shared, err);
	if (r < 0)
		return r;
	if (shared && mount(NULL, parent, NULL, MS_PRIVATE, NULL) < 0)
		return err_set(err, errno, "cannot make '%s' private (rootfsPropagation)", parent);
	return 0;
}

int mnt_enter_root(const struct container_spec *spec, int rootfd, struct ward_err *err)
{
	if (spec->oci.no_pivot) {
		int r = move_root(spec, rootfd, err);

		if (r < 0)
			return r;
	} else {
		if (fchdir(rootfd) < 0)
			return err_set(err, errno, "cannot enter rootfs '%s'", spec->rootfs);
		/* pivot_root(".", ".") stacks the old root on top of the new one; detach it */
		if (sys_pivot_root(".", ".") < 0)
			return err_set(err, errno, "cannot pivot_root into '%s'", spec->rootfs);
		/* a shared old root: its detaching must not reach the host's peers */
		if ((spec->oci.rootfs_propagation & MS_SHARED) &&
		    mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
			return err_set(err, errno, "cannot make the old root a slave");
		if (umount2(".", MNT_DETACH) < 0)
			return err_set(err, errno, "cannot detach the old root");
	}
	if (chdir("/") < 0)
		return err_set(err, errno, "cannot chdir to '/'");
	/* rootfsPropagation shared or unbindable: the container's root itself, now that
	 * pivot_root (which refuses a shared root) and the bind (unbindable) are done */
	if ((spec->oci.rootfs_propagation & (MS_SHARED | MS_UNBINDABLE)) &&
	    mount(NULL, "/", NULL, spec->oci.rootfs_propagation, NULL) < 0)
		return err_set(err, errno,
			       "cannot set the propagation of the root (rootfsPropagation)");
	if (spec->readonly_root) {
		cleanup_close int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

		if (fd < 0 ||
		    mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | mnt_kept_flags(fd),
			  NULL) < 0)
			return err_set(err, errno, "cannot make the root filesystem read-only");
	}
	if (chdir(spec->cwd) < 0)
		return err_set(err, errno, "cannot enter working directory '%s'", spec->cwd);
	return 0;
}
