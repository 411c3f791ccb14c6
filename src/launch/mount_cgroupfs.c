/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mount_cgroupfs.c - the container's /sys/fs/cgroup, built in the child from
 * /proc/self/cgroup: a cgroup2 mount, or a tmpfs of v1 hierarchies (plus the
 * hybrid host's cgroup2 as "unified"), each its own mount inside the
 * container's cgroup namespace or a read-only bind of its cgroup without one.
 * No allocation: /proc/self/cgroup is read a line at a time into the stack.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "mount_int.h"
#include "ward/cleanup.h"
#include "ward/sys.h"
#include "ward/util.h"

/*
 * A new mount of @fstype at @dst: @name in the tmpfs at /sys/fs/cgroup (@cgfd,
 * see mnt_mount_fresh()), or /sys/fs/cgroup itself (@cgfd -1).
 */
static int mount_new(int rootfd, int cgfd, const char *name, const char *dst, const char *fstype,
		     const char *data, unsigned long flags, struct ward_err *err)
{
	if (cgfd < 0)
		return mnt_mount_in_root(rootfd, fstype, dst, fstype, flags, data, true, err);
	return mnt_mount_fresh(cgfd, name, dst, fstype, fstype, flags, data, err);
}

/*
 * A cgroup file system at @dst (inside the root; @name in @cgfd, see
 * mount_new()), read-only (but with MNT_CG_RW in @how): a new mount when the
 * container has a cgroup namespace of its own (MNT_CG_OWN_NS: its cgroup is the
 * mount's root). Without one, or where the kernel refuses a new mount (a user
 * namespace), the container's cgroup as the host mounts it, @host_src, is bound
 * read-only instead, as runc does, so the container still sees its own cgroup there.
 */
static int mount_cgroup(int rootfd, int cgfd, const char *name, const char *dst, const char *fstype,
			const char *data, const char *host_src, unsigned int how,
			struct ward_err *err)
{
	int r = -EPERM;

	/* without a cgroup namespace a new mount would show the whole hierarchy */
	if (how & MNT_CG_OWN_NS)
		r = mount_new(rootfd, cgfd, name, dst, fstype, data,
			      MS_NOSUID | MS_NODEV | MS_NOEXEC | (how & MNT_CG_RW ? 0 : MS_RDONLY),
			      err);
	if (r != -EPERM)
		return r;
	r = mnt_mount_in_root(rootfd, host_src, dst, NULL, MS_BIND | MS_REC, NULL, true, err);
	if (r < 0 || (how & MNT_CG_RW))
		return r;
	return mnt_remount_ro(rootfd, dst, err);
}

/*
 * One v1 hierarchy of /proc/self/cgroup ("cpu,cpuacct", "name=systemd", with the
 * cgroup @path in it) at /sys/fs/cgroup/NAME.
 */
static int mount_v1_hierarchy(int rootfd, int cgfd, const char *ctrls, const char *path,
			      unsigned int how, struct ward_err *err)
{
	const char *name = str_has_prefix(ctrls, "name=") ? ctrls + 5 : ctrls;
	char data[256], dst[PATH_MAX], host[PATH_MAX];
	int r;

	if (!name[0] || strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return 0;
	if (snprintf(data, sizeof(data), "%s%s", name == ctrls ? "" : "none,", ctrls) >=
		(int)sizeof(data) ||
	    snprintf(dst, sizeof(dst), "/sys/fs/cgroup/%s", name) >= (int)sizeof(dst) ||
	    snprintf(host, sizeof(host), "/sys/fs/cgroup/%s%s", name, path) >= (int)sizeof(host))
		return err_set(err, ENAMETOOLONG, "cgroup hierarchy '%s'", ctrls);
	r = mount_cgroup(rootfd, cgfd, name, dst, "cgroup", data, host, how, err);
	if (r < 0)
		return r;
	/* "cpu,cpuacct" is also reached as "cpu" and "cpuacct", as systemd lays it out */
	if (strchr(name, ',')) {
		char copy[256], *tok, *save = NULL;

		(void)snprintf(copy, sizeof(copy), "%s", name); /* fits: data held it */
		for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
			if (symlinkat(name, cgfd, tok) < 0 && errno != EEXIST)
				return err_set(err, errno, "cannot create '/sys/fs/cgroup/%s'",
					       tok);
	}
	return 0;
}

/*
 * A v1 line of /proc/self/cgroup, ID:CONTROLLERS:PATH; the first one mounts the
 * tmpfs that holds the hierarchies and opens it into *@cgfd.
 */
static int v1_line(int rootfd, int *cgfd, char *line, unsigned int how, struct ward_err *err)
{
	char *ctrls = strchr(line, ':'), *path;

	if (*cgfd < 0) {
		int r = mnt_mount_in_root(rootfd, "tmpfs", "/sys/fs/cgroup", "tmpfs",
					  MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755", true, err);

		if (r < 0)
			return r;
		*cgfd = sys_open_in_root(rootfd, "/sys/fs/cgroup", O_PATH | O_DIRECTORY, 0);
		if (*cgfd < 0)
			return err_set(err, errno, "cannot open '/sys/fs/cgroup'");
	}
	if (!ctrls || !(path = strchr(++ctrls, ':')) || strncmp(line, "0:", 2) == 0)
		return 0;
	*path++ = '\0';
	return mount_v1_hierarchy(rootfd, *cgfd, ctrls, path, how, err);
}

/*
 * /sys/fs/cgroup, read-only, laid out as the host's is and as Docker mounts it: a
 * cgroup2 mount on a v2 host; on v1 and hybrid hosts a tmpfs holding one mount per
 * v1 hierarchy, plus the hybrid's cgroup2 as "unified". Made inside the container's
 * cgroup namespace, each shows the container's own cgroup as its root, so that what
 * reads its limits where tools look for them (memory.max, memory.limit_in_bytes)
 * finds the container's.
 */
int mnt_setup_cgroupfs(int rootfd, unsigned int how, struct ward_err *err)
{
	static const char file[] = "/proc/self/cgroup";
	cleanup_close int fd = open(file, O_RDONLY | O_CLOEXEC);
	cleanup_close int cgfd = -1;
	struct mnt_lines lr = {.fd = fd};
	char line[PATH_MAX + 256], v2_path[PATH_MAX] = "", host[PATH_MAX + 32];
	bool v2 = false, whole;
	int r;

	if (fd < 0)
		return err_set(err, errno, "cannot open '%s'", file);
	while ((r = mnt_read_line(&lr, line, sizeof(line), &whole)) > 0) {
		size_t n;

		if (!whole)
			return err_set(err, ENAMETOOLONG, "cannot read '%s': a line is too long",
				       file);
		if (strncmp(line, "0::", 3) != 0) {
			r = v1_line(rootfd, &cgfd, line, how, err);
			if (r < 0)
				return r;
			continue;
		}
		v2 = true;
		n = strcspn(line + 3, " \t");
		if (n >= sizeof(v2_path))
			return err_set(err, ENAMETOOLONG, "cgroup '%s'", line + 3);
		memcpy(v2_path, line + 3, n);
		v2_path[n] = '\0';
	}
	if (r < 0)
		return err_set(err, -r, "cannot read '%s'", file);
	if (!v2)
		return cgfd < 0 || (how & MNT_CG_RW)
			   ? 0
			   : mnt_remount_ro(rootfd, "/sys/fs/cgroup", err);
	if (cgfd < 0) {
		(void)snprintf(host, sizeof(host), "/sys/fs/cgroup%s", v2_path); /* fits */
		return mount_cgroup(rootfd, -1, NULL, "/sys/fs/cgroup", "cgroup2", NULL, host, how,
				    err);
	}
	(void)snprintf(host, sizeof(host), "/sys/fs/cgroup/unified%s", v2_path); /* fits */
	r = mount_cgroup(rootfd, cgfd, "unified", "/sys/fs/cgroup/unified", "cgroup2", NULL, host,
			 how, err);
	if (r < 0 || (how & MNT_CG_RW))
		return r;
	return mnt_remount_ro(rootfd, "/sys/fs/cgroup", err);
}
