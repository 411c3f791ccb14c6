/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mount.c - the container's mount tree, built in the child before the root is
 * entered (mount_root.c): the rootfs and the bind sources opened, /proc, /dev,
 * /sys (its cgroup part in mount_cgroupfs.c), the user's mounts, the masked and
 * read-only paths (mount_mask.c), sysctls; and the helpers the module's files share. No
 * allocation past mnt_open_sources(): paths are formatted into stack buffers.
 */
#include "ward/mount.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "mount_int.h"
#include "ward/cleanup.h"
#include "ward/ns.h"
#include "ward/sys.h"
#include "ward/util.h"

/* The mount flags a bind remount must keep: the kernel refuses to drop locked ones. */
unsigned long mnt_kept_flags(int fd)
{
	struct statvfs sv;
	unsigned long f = 0;

	if (fstatvfs(fd, &sv) < 0)
		return 0;
	if (sv.f_flag & ST_NOSUID)
		f |= MS_NOSUID;
	if (sv.f_flag & ST_NODEV)
		f |= MS_NODEV;
	if (sv.f_flag & ST_NOEXEC)
		f |= MS_NOEXEC;
	if (sv.f_flag & ST_NOATIME)
		f |= MS_NOATIME;
	if (sv.f_flag & ST_NODIRATIME)
		f |= MS_NODIRATIME;
	if (sv.f_flag & ST_RELATIME)
		f |= MS_RELATIME;
	return f;
}

int mnt_read_line(struct mnt_lines *lr, char *line, size_t len, bool *whole)
{
	size_t used = 0;
	bool any = false;

	*whole = true;
	for (;;) {
		ssize_t n;

		while (lr->pos < lr->end) {
			char c = lr->buf[lr->pos++];

			if (c == '\n') {
				line[used] = '\0';
				return 1;
			}
			any = true;
			if (used + 1 < len)
				line[used++] = c;
			else
				*whole = false;
		}
		n = read(lr->fd, lr->buf, sizeof(lr->buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0) {
			line[used] = '\0';
			return any ? 1 : 0;
		}
		lr->pos = 0;
		lr->end = (size_t)n;
	}
}

/*
 * The mount id and the (unescaped) mount point of a mountinfo line, ID PARENT
 * MAJ:MIN ROOT MOUNTPOINT ...; @whole: false when the line was cut to fit.
 * Return: 1, 0 for a line without them, -ENAMETOOLONG when the cut hit them.
 */
int mnt_info_point(char *line, bool whole, int *id, char **mnt)
{
	char *tok[6], *save = NULL;
	uint64_t v;

	for (size_t i = 0; i < 6; i++)
		tok[i] = strtok_r(i ? NULL : line, " ", &save);
	if (!tok[4])
		return whole ? 0 : -ENAMETOOLONG;
	/* the line was cut: the mount point is whole only when a field follows it */
	if (!whole && !tok[5])
		return -ENAMETOOLONG;
	if (!parse_u64(tok[0], INT32_MAX, &v))
		return 0;
	str_unescape_octal(tok[4]);
	*id = (int)v;
	*mnt = tok[4];
	return 1;
}

/* Make sure @path exists inside the root, as a directory or an empty file. */
static int make_target(int rootfd, const char *path, bool dir, struct ward_err *err)
{
	char parent[PATH_MAX];
	cleanup_close int pfd = -1;
	int fd;
	char *slash;

	if (dir) {
		fd = sys_mkdir_p_in_root(rootfd, path, 0755);
		if (fd < 0)
			return err_set(err, errno, "cannot create mount point '%s'", path);
		return fd;
	}
	fd = sys_open_in_root(rootfd, path, O_PATH, 0);
	if (fd >= 0 || errno != ENOENT) {
		if (fd < 0)
			return err_set(err, errno, "cannot open mount point '%s'", path);
		return fd;
	}
	if ((size_t)snprintf(parent, sizeof(parent), "%s", path) >= sizeof(parent))
		return err_set(err, ENAMETOOLONG, "cannot create mount point '%s'", path);
	slash = strrchr(parent, '/');
	if (slash)
		*slash = '\0';
	pfd = sys_mkdir_p_in_root(rootfd, slash && parent[0] ? parent : "/", 0755);
	if (pfd < 0)
		return err_set(err, errno, "cannot create mount point '%s'", path);
	fd = sys_open_in_root(rootfd, path, O_WRONLY | O_CREAT | O_NOFOLLOW, 0644);
	if (fd < 0)
		return err_set(err, errno, "cannot create mount point '%s'", path);
	close(fd);
	fd = sys_open_in_root(rootfd, path, O_PATH, 0);
	if (fd < 0)
		return err_set(err, errno, "cannot open mount point '%s'", path);
	return fd;
}

int mnt_set_ro(int fd)
{
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
	struct fdpath p;

	if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) == 0)
		return 0;
	if (errno != ENOSYS && errno != EPERM)
		return -errno;
	/* before Linux 5.12, or refused by an engine's older filter (ward nested): a bind
	 * remount, which must name the flags it keeps (and says whether it may) */
	if (mount(NULL, fdpath(&p, fd), NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | mnt_kept_flags(fd),
		  NULL) < 0)
		return -errno;
	return 0;
}

/* Remount what is now mounted at @path (inside the root) read-only. */
int mnt_remount_ro(int rootfd, const char *path, struct ward_err *err)
{
	cleanup_close int fd = sys_open_in_root(rootfd, path, O_PATH, 0);
	int r;

	if (fd < 0)
		return err_set(err, errno, "cannot open '%s'", path);
	r = mnt_set_ro(fd);
	if (r < 0)
		return err_set(err, -r, "cannot remount '%s' read-only", path);
	return 0;
}

/* config.json's propagation option for the mount now at @path (inside the root). */
static int set_propagation(int rootfd, const char *path, unsigned long propagation,
			   struct ward_err *err)
{
	cleanup_close int fd = sys_open_in_root(rootfd, path, O_PATH, 0);
	struct fdpath p;

	if (fd < 0)
		return err_set(err, errno, "cannot open '%s'", path);
	if (mount(NULL, fdpath(&p, fd), NULL, propagation, NULL) < 0)
		return err_set(err, errno, "cannot set the propagation of '%s'", path);
	return 0;
}

int mnt_mount_on(int fd, const char *src, const char *path, const char *fstype, unsigned long flags,
		 const char *data, struct ward_err *err)
{
	struct fdpath p;

	if (mount(src, fdpath(&p, fd), fstype, flags, data) < 0)
		return err_set(err, errno, "cannot mount %s on '%s'", fstype ? fstype : src, path);
	return 0;
}

int mnt_mount_fresh(int dirfd, const char *name, const char *path, const char *src,
		    const char *fstype, unsigned long flags, const char *data, struct ward_err *err)
{
	cleanup_close int fd = -1;

	if (mkdirat(dirfd, name, 0755) < 0 && errno != EEXIST)
		return err_set(err, errno, "cannot create mount point '%s'", path);
	fd = openat(dirfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, errno, "cannot open mount point '%s'", path);
	return mnt_mount_on(fd, src, path, fstype, flags, data, err);
}

int mnt_mount_in_root(int rootfd, const char *src, const char *path, const char *fstype,
		      unsigned long flags, const char *data, bool dir, struct ward_err *err)
{
	cleanup_close int fd = make_target(rootfd, path, dir, err);

	if (fd < 0)
		return fd;
	return mnt_mount_on(fd, src, path, fstype, flags, data, err);
}

static bool same_file(int fd, int rootfd, const char *path)
{
	cleanup_close int other = sys_open_in_root(rootfd, path, O_PATH, 0);
	struct stat a, b;

	return other >= 0 && fstat(fd, &a) == 0 && fstat(other, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

static bool on_fs(int fd, long type)
{
	struct statfs fs;

	return fstatfs(fd, &fs) == 0 && (long)fs.f_type == type;
}

/*
 * spec_check_mount_at() judged the destination as written; here it is resolved in
 * the rootfs, where a symlink (/x -> /proc) could lead a mount onto the
 * container's /proc or /sys. @srcfd: a bind's source, or -1.
 */
static int check_target(int rootfd, int fd, const struct spec_mount *m, int srcfd,
			struct ward_err *err)
{
	if (on_fs(fd, PROC_SUPER_MAGIC)) {
		if (same_file(fd, rootfd, "/proc") && srcfd >= 0 && on_fs(srcfd, PROC_SUPER_MAGIC))
			return 0;
		if (!same_file(fd, rootfd, "/proc") && spec_proc_mount_allowed(m->destination))
			return 0;
		return err_set(err, 0, "cannot mount on '%s': it leads into /proc", m->destination);
	}
	if (srcfd >= 0 && same_file(fd, rootfd, "/sys") && !on_fs(srcfd, SYSFS_MAGIC))
		return err_set(err, 0, "cannot mount on '%s': it leads to /sys", m->destination);
	return 0;
}

static int mount_user(int rootfd, const struct spec_mount *m, int srcfd, bool dir,
		      struct ward_err *err)
{
	cleanup_close int fd = make_target(rootfd, m->destination, dir, err);
	struct fdpath p;

	if (fd < 0)
		return fd;
	if (check_target(rootfd, fd, m, srcfd, err) < 0)
		return -EPERM;
	if (m->kind == SPEC_MOUNT_TMPFS && (m->extra & SPEC_MNT_TMPCOPYUP))
		return mnt_tmpfs_copyup(rootfd, m, fd, err);
	if (m->kind == SPEC_MOUNT_TMPFS)
		return mnt_mount_on(fd, "tmpfs", m->destination, "tmpfs", m->flags, m->data, err);
	if (m->kind == SPEC_MOUNT_OTHER)
		return mnt_mount_on(fd, m->source, m->destination, m->type, m->flags, m->data, err);
	return mnt_mount_on(fd, fdpath(&p, srcfd), m->destination, NULL, MS_BIND | MS_REC, NULL,
			    err);
}

/* one mount of the config's, its destination's dangling links followed in the root */
static int user_mount(int rootfd, const struct spec_mount *given, const struct mnt_sources *src,
		      size_t i, struct ward_err *err)
{
	char dst[PATH_MAX];
	struct spec_mount m = *given;
	struct stat st;
	int r = mnt_resolve_dest(rootfd, given->destination, dst, sizeof(dst));

	if (r < 0)
		return err_set(err, -r, "cannot resolve mount point '%s'", given->destination);
	m.destination = dst;
	if (m.kind == SPEC_MOUNT_SYMLINK)
		return mnt_make_symlink(rootfd, &m, err);
	if (m.kind != SPEC_MOUNT_BIND)
		return mount_user(rootfd, &m, -1, true, err);
	if (i >= src->n || fstat(src->fds[i], &st) < 0)
		return err_set(err, errno ? errno : EBADF, "volume source '%s'", m.source);
	r = mount_user(rootfd, &m, src->fds[i], S_ISDIR(st.st_mode), err);
	if (r == 0 && (m.flags & MS_RDONLY))
		r = mnt_remount_ro(rootfd, m.destination, err);
	return r;
}

static int setup_dev(int rootfd, struct ward_err *err)
{
	static const struct {
		const char *name;
		unsigned int major, minor;
	} nodes[] = {
	    {"null", 1, 3},   {"zero", 1, 5},	 {"full", 1, 7},
	    {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0},
	};
	static const struct {
		const char *target, *name;
	} links[] = {
	    {"pts/ptmx", "ptmx"},	   {"/proc/self/fd", "fd"},
	    {"/proc/self/fd/0", "stdin"},  {"/proc/self/fd/1", "stdout"},
	    {"/proc/self/fd/2", "stderr"}, {"/proc/kcore", "core"},
	};
	cleanup_close int devfd = -1;
	struct fdpath p;
	int r;

	r = mnt_mount_in_root(rootfd, "tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_STRICTATIME,
			      "mode=755,size=65536k", true, err);
	if (r < 0)
		return r;
	devfd = sys_open_in_root(rootfd, "/dev", O_PATH | O_DIRECTORY, 0);
	if (devfd < 0)
		return err_set(err, errno, "cannot open '/dev'");
	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		char host[64];

		if (mknodat(devfd, nodes[i].name, S_IFCHR | 0666,
			    makedev(nodes[i].major, nodes[i].minor)) == 0) {
			if (fchmodat(devfd, nodes[i].name, 0666, 0) < 0)
				return err_set(err, errno, "cannot chmod '/dev/%s'", nodes[i].name);
			continue;
		}
		if (errno != EPERM)
			return err_set(err, errno, "cannot create '/dev/%s'", nodes[i].name);
		/* without CAP_MKNOD (a user namespace), bind the host's node instead */
		(void)snprintf(host, sizeof(host), "/dev/%s", nodes[i].name);
		r = mnt_mount_in_root(devfd, host, nodes[i].name, NULL, MS_BIND, NULL, false, err);
		if (r < 0)
			return r;
	}
	/* in the tmpfs just mounted: see mnt_mount_fresh() */
	r = mnt_mount_fresh(devfd, "pts", "/dev/pts", "devpts", "devpts", MS_NOSUID | MS_NOEXEC,
			    "newinstance,ptmxmode=0666,mode=0620,gid=5", err);
	/* gid 5 (tty) unmapped in the user namespace: the kernel refuses it, go without */
	if (r == -EINVAL)
		r = mnt_mount_fresh(devfd, "pts", "/dev/pts", "devpts", "devpts",
				    MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620",
				    err);
	if (r < 0)
		return r;
	r = mnt_mount_fresh(devfd, "shm", "/dev/shm", "shm", "tmpfs",
			    MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=65536k", err);
	if (r < 0)
		return r;
	r = mnt_mount_fresh(devfd, "mqueue", "/dev/mqueue", "mqueue", "mqueue",
			    MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		/* /dev/core only where the kernel has a /proc/kcore, as runc does */
		if (strcmp(links[i].name, "core") == 0 && access(links[i].target, F_OK) < 0)
			continue;
		if (symlinkat(links[i].target, devfd, links[i].name) < 0)
			return err_set(err, errno, "cannot create '/dev/%s'", links[i].name);
	}
	(void)p;
	return 0;
}

/*
 * config.json's linux.devices: each node made in the container's /dev with its
 * type, numbers, mode and owner; where mknod is refused (no CAP_MKNOD), the host's
 * node at the same path is bound instead, as runc does.
 */
static int make_devices(int rootfd, const struct container_spec *spec, struct ward_err *err)
{
	for (size_t i = 0; i < spec->oci.ndevices; i++) {
		const struct spec_device *d = &spec->oci.devices[i];
		char dir[PATH_MAX];
		const char *name;
		cleanup_close int dfd = -1;
		int n = snprintf(dir, sizeof(dir), "%s", d->path);
		char *slash;

		if (n < 0 || (size_t)n >= sizeof(dir))
			return err_set(err, ENAMETOOLONG, "cannot create device '%s'", d->path);
		slash = strrchr(dir, '/');
		*slash = '\0';
		name = d->path + (slash - dir) + 1;
		dfd = sys_mkdir_p_in_root(rootfd, dir, 0755);
		if (dfd < 0)
			return err_set(err, errno, "cannot create the directory of device '%s'",
				       d->path);
		if (mknodat(dfd, name, d->type | (d->mode & 07777), makedev(d->major, d->minor)) <
		    0) {
			int r;

			if (errno != EPERM || d->type == S_IFIFO)
				return err_set(err, errno, "cannot create device '%s'", d->path);
			r = mnt_mount_in_root(rootfd, d->path, d->path, NULL, MS_BIND, NULL, false,
					      err);
			if (r < 0)
				return r;
			continue;
		}
		if (fchownat(dfd, name, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0 ||
		    fchmodat(dfd, name, d->mode & 07777, 0) < 0)
			return err_set(err, errno, "cannot set the owner and mode of device '%s'",
				       d->path);
	}
	return 0;
}

/* /sys: read-only, but for --privileged (@rw), as Docker mounts it */
static int setup_sys(int rootfd, bool rw, struct ward_err *err)
{
	cleanup_close int fd = make_target(rootfd, "/sys", true, err);
	unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC | (rw ? 0 : MS_RDONLY);
	struct fdpath p;

	if (fd < 0)
		return fd;
	if (mount("sysfs", fdpath(&p, fd), "sysfs", flags, NULL) == 0)
		return 0;
	/* sysfs refuses a new instance where we do not own the network namespace:
	 * fall back to a (read-only) recursive bind of the host's, as runc does */
	if (errno != EPERM && errno != EBUSY)
		return err_set(err, errno, "cannot mount sysfs on '/sys'");
	if (mount("/sys", fdpath(&p, fd), NULL, MS_BIND | MS_REC, NULL) < 0)
		return err_set(err, errno, "cannot bind '/sys'");
	return rw ? 0 : mnt_remount_ro(rootfd, "/sys", err);
}

/* The mounts asked for; a bind's source is the descriptor mnt_open_sources() opened. */
static int setup_user_mounts(int rootfd, const struct container_spec *spec,
			     const struct mnt_sources *src, struct ward_err *err)
{
	for (size_t i = 0; i < spec->nmounts; i++) {
		const struct spec_mount *m = &spec->mounts[i];
		int r = user_mount(rootfd, m, src, i, err);

		if (r == 0 && m->propagation && m->kind != SPEC_MOUNT_SYMLINK)
			r = set_propagation(rootfd, m->destination, m->propagation, err);
		if (r == 0 && m->kind != SPEC_MOUNT_SYMLINK)
			r = mnt_set_attrs(rootfd, m, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * linux.sysctl, "key=value" each, checked in the parent (namespaced keys only,
 * no '/' and no empty component): the key's dots become /proc/sys/ slashes.
 */
static int set_sysctls(int rootfd, const struct strv *sysctl, struct ward_err *err)
{
	for (size_t i = 0; i < sysctl->n; i++) {
		const char *kv = sysctl->v[i], *eq = strchr(kv, '=');
		char path[PATH_MAX];
		cleanup_close int fd = -1;
		size_t klen, vlen;
		int n;

		if (!eq)
			continue; /* spec_oci says "key=value"; the parser made it so */
		klen = (size_t)(eq - kv);
		n = snprintf(path, sizeof(path), "/proc/sys/%.*s", (int)klen, kv);
		if (n < 0 || (size_t)n >= sizeof(path))
			return err_set(err, ENAMETOOLONG, "sysctl '%.*s'", (int)klen, kv);
		for (char *p = path + strlen("/proc/sys/"); *p; p++)
			if (*p == '.')
				*p = '/';
		fd = sys_open_in_root(rootfd, path, O_WRONLY | O_NOFOLLOW, 0);
		if (fd < 0)
			return err_set(err, errno, "cannot open sysctl '%.*s'", (int)klen, kv);
		vlen = strlen(eq + 1);
		if (write(fd, eq + 1, vlen) != (ssize_t)vlen)
			return err_set(err, errno, "cannot set sysctl '%.*s' to '%s'", (int)klen,
				       kv, eq + 1);
	}
	return 0;
}

void mnt_sources_release(struct mnt_sources *src)
{
	if (src->rootfd >= 0)
		close(src->rootfd);
	for (size_t i = 0; i < src->n; i++)
		if (src->fds[i] >= 0)
			close(src->fds[i]);
	memset(src, 0, sizeof(*src));
	src->rootfd = -1;
}

int mnt_open_sources(const struct container_spec *spec, int *fds, struct mnt_sources *src,
		     struct ward_err *err)
{
	memset(src, 0, sizeof(*src));
	src->rootfd = -1;
	src->fds = fds;
	/* nothing we mount may propagate back to the host, unless the config asks it */
	if (mnt_root_propagation(spec, err) < 0)
		return -err->code;
	if (mount(spec->rootfs, spec->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		return err_set(err, errno, "cannot bind rootfs '%s'", spec->rootfs);
	src->rootfd = open(spec->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (src->rootfd < 0)
		return err_set(err, errno, "cannot open rootfs '%s'", spec->rootfs);
	for (; src->n < spec->nmounts; src->n++) {
		const struct spec_mount *m = &spec->mounts[src->n];

		src->fds[src->n] = -1;
		if (m->kind != SPEC_MOUNT_BIND)
			continue;
		src->fds[src->n] = open(m->source, O_PATH | O_CLOEXEC);
		if (src->fds[src->n] < 0) {
			int e = errno;

			src->n++;
			return err_set(err, e, "volume source '%s'", m->source);
		}
	}
	return 0;
}

int mnt_prepare_proc_dev(const struct container_spec *spec, const struct mnt_sources *src,
			 struct ward_err *err)
{
	int r = mnt_mount_in_root(src->rootfd, "proc", "/proc", "proc",
				  MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, true, err);

	if (r == 0)
		r = setup_dev(src->rootfd, err);
	return r < 0 ? r : mnt_mask_paths(src->rootfd, spec, true, err);
}

int mnt_prepare_rootfs(const struct container_spec *spec, const struct mnt_sources *src,
		       struct ward_err *err)
{
	int rootfd = src->rootfd;
	cleanup_close int cwdfd = -1;
	unsigned int cg = spec->sys_rw ? MNT_CG_RW : 0;
	int r;

	/* through the container's own /proc, before /proc/sys is made read-only; in
	 * its network namespace (net.*), which it has joined by now */
	r = set_sysctls(rootfd, &spec->oci.sysctl, err);
	if (r < 0)
		return r;
	/* sysfs shows the network namespace of the process that mounts it */
	r = setup_sys(rootfd, spec->sys_rw, err);
	if (r < 0)
		return r;
	/* a cgroup namespace other than ward's, made or joined: its root is the mount's */
	if (ns_is_new(spec, CLONE_NEWCGROUP) || ns_is_joined(spec, CLONE_NEWCGROUP))
		cg |= MNT_CG_OWN_NS;
	r = mnt_setup_cgroupfs(rootfd, cg, err);
	if (r < 0)
		return r;
	r = setup_user_mounts(rootfd, spec, src, err);
	if (r < 0)
		return r;
	/* after the mounts, as runc: linux.devices may be anywhere, on a tmpfs of the config's */
	r = make_devices(rootfd, spec, err);
	if (r < 0)
		return r;
	r = mnt_mask_paths(rootfd, spec, false, err);
	if (r < 0)
		return r;
	/* Docker creates a missing working directory */
	cwdfd = sys_mkdir_p_in_root(rootfd, spec->cwd, 0755);
	if (cwdfd < 0)
		return err_set(err, errno, "cannot create working directory '%s'", spec->cwd);
	return 0;
}
