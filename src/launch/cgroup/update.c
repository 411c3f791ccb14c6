/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * update.c - what `ward update` writes beyond cg_update()'s limits: the CPU
 * bandwidth with the quota or the period alone (the other kept), and one knob
 * at a time in any controller's hierarchy (blkio included, which the five
 * controllers of enum cg_controller leave out); on cgroup v2 a controller the
 * container's cgroup lacks is enabled in its parent first, as runc does.
 */
#include "cgroup_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/log.h"
#include "ward/util.h"

/*
 * The mount point of the v1 hierarchy holding controller @name, from mountinfo
 * (the layout knows only its five). Return: 0 with @out set, or -ENOENT.
 */
static int v1_mount_of(const struct cg_layout *l, const char *name, char *out, size_t len)
{
	cleanup_fclose FILE *f = NULL;
	char line[4096];

	for (int c = 0; c < CG_NR_CONTROLLERS; c++)
		if (strcmp(cg_controller_name(c), name) == 0)
			return cg_on_v1(l, c) ? cg_copy_str(out, len, l->v1_mount[c]) : -ENOENT;
	if (l->fake)
		return -ENOENT;
	f = fopen("/proc/self/mountinfo", "re");
	while (f && fgets(line, sizeof(line), f)) {
		/* ID PARENT MAJ:MIN ROOT MOUNT OPTS [TAGS...] - TYPE SOURCE SUPER */
		char mnt[CG_PATH_MAX], type[32], super[1024];
		const char *dash = strstr(line, " - ");

		if (!dash || sscanf(line, "%*s %*s %*s %*s %1023s", mnt) != 1 ||
		    sscanf(dash, " - %31s %*s %1023s", type, super) != 2)
			continue;
		if (strcmp(type, "cgroup") == 0 && cg_has_token(super, name, ","))
			return cg_copy_str(out, len, mnt);
	}
	return -ENOENT;
}

/* The container's cgroup in the v1 hierarchy mounted at @mount, or NULL. */
static const struct cg_dir *dir_under(const struct cg_handle *h, const char *mount)
{
	size_t n = strlen(mount);

	for (size_t i = 0; i < h->ndirs; i++)
		if (!h->dirs[i].v2 && strncmp(h->dirs[i].path, mount, n) == 0 &&
		    h->dirs[i].path[n] == '/')
			return &h->dirs[i];
	return NULL;
}

/* The container's cgroup2 cgroup with controller @name, enabled in its parent when missing. */
static const struct cg_dir *v2_dir_with(const struct cg_handle *h, const char *name)
{
	for (size_t i = 0; i < h->ndirs; i++) {
		char ctrls[512] = "", parent[CG_PATH_MAX], path[CG_PATH_MAX + 32], plus[64];
		struct ward_err ignored;
		char *slash;

		if (!h->dirs[i].v2)
			continue;
		(void)cg_read_token_file(h->dirs[i].path, "cgroup.controllers", ctrls,
					 sizeof(ctrls));
		if (cg_has_token(ctrls, name, " \n"))
			return &h->dirs[i];
		(void)cg_copy_str(parent, sizeof(parent), h->dirs[i].path); /* same size */
		slash = strrchr(parent, '/');
		if (!slash)
			return NULL;
		*slash = '\0';
		(void)snprintf(plus, sizeof(plus), "+%s", name);
		if (cg_path_fmt(path, sizeof(path), "%s/cgroup.subtree_control", parent) < 0 ||
		    write_file(path, plus, &ignored) < 0) {
			log_debug("cgroup: cannot enable %s for the container: %s", name,
				  ignored.msg);
			return NULL;
		}
		return &h->dirs[i];
	}
	return NULL;
}

/* The first knob of @k (NULL-name-terminated) that @dir has, written. */
static int write_first(const char *dir, const struct cg_knob *k, const char *flag,
		       struct ward_err *err)
{
	char path[CG_PATH_MAX + 64];

	for (; k->name; k++) {
		if (cg_path_fmt(path, sizeof(path), "%s/%s", dir, k->name) < 0)
			return err_set(err, ENAMETOOLONG, "cannot apply %s", flag);
		if (access(path, F_OK) < 0)
			continue;
		return write_file(path, k->value, err) < 0
			   ? err_prefix(err, "cannot apply %s", flag)
			   : 0;
	}
	return err_set(err, 0, "cannot apply %s: the container's cgroup '%s' has no such knob",
		       flag, dir);
}

int cg_update_knob(const struct cg_layout *l, const struct cg_handle *h, const char *v1_ctrl,
		   const struct cg_knob *v1, const char *v2_ctrl, const struct cg_knob *v2,
		   const char *flag, struct ward_err *err)
{
	char mount[CG_PATH_MAX];
	const struct cg_dir *d;

	if (v1_mount_of(l, v1_ctrl, mount, sizeof(mount)) == 0) {
		d = dir_under(h, mount);
		if (!d)
			return err_set(err, 0, "cannot apply %s: the container has no %s cgroup",
				       flag, v1_ctrl);
		return write_first(d->path, v1, flag, err);
	}
	d = l->v2_mount[0] ? v2_dir_with(h, v2_ctrl) : NULL;
	if (!d)
		return err_set(err, 0, "cannot apply %s: the %s controller is not available", flag,
			       l->v2_mount[0] ? v2_ctrl : v1_ctrl);
	return write_first(d->path, v2, flag, err);
}

/* cgroup v2's cpu.max: "QUOTA PERIOD" with the part not given kept */
static int update_cpu_max(const char *dir, const struct cg_cpu_update *u, struct ward_err *err)
{
	char cur[64] = "", quota[32] = "max", buf[80];
	unsigned long long period = 100000;

	(void)cg_read_token_file(dir, "cpu.max", cur, sizeof(cur));
	(void)sscanf(cur, "%31s %llu", quota, &period);
	if (u->set_quota && u->quota_us < 0)
		(void)snprintf(quota, sizeof(quota), "max");
	else if (u->set_quota)
		(void)snprintf(quota, sizeof(quota), "%lld", (long long)u->quota_us);
	if (u->set_period)
		period = u->period_us;
	(void)snprintf(buf, sizeof(buf), "%s %llu", quota, period);
	return write_first(dir, (const struct cg_knob[]){{"cpu.max", buf}, {NULL, NULL}},
			   "--cpu-quota/--cpu-period", err);
}

int cg_update_cpu(const struct cg_layout *l, const struct cg_handle *h,
		  const struct cg_cpu_update *u, struct ward_err *err)
{
	char quota[32], period[32], mount[CG_PATH_MAX];
	const struct cg_dir *d;
	int r = 0;

	if (!u->set_quota && !u->set_period)
		return 0;
	if (v1_mount_of(l, "cpu", mount, sizeof(mount)) < 0) {
		d = l->v2_mount[0] ? v2_dir_with(h, "cpu") : NULL;
		if (!d)
			return err_set(err, 0,
				       "cannot apply --cpu-quota/--cpu-period: the cpu "
				       "controller is not available");
		return update_cpu_max(d->path, u, err);
	}
	d = dir_under(h, mount);
	if (!d)
		return err_set(err, 0,
			       "cannot apply --cpu-quota/--cpu-period: the container has "
			       "no cpu cgroup");
	(void)snprintf(quota, sizeof(quota), "%lld", (long long)u->quota_us);
	(void)snprintf(period, sizeof(period), "%llu", (unsigned long long)u->period_us);
	/* a shorter period than the quota allows is refused: the quota goes first then */
	if (u->set_period)
		r = write_first(
		    d->path, (const struct cg_knob[]){{"cpu.cfs_period_us", period}, {NULL, NULL}},
		    "--cpu-period", err);
	if (r == 0 && u->set_quota)
		r = write_first(d->path,
				(const struct cg_knob[]){{"cpu.cfs_quota_us", quota}, {NULL, NULL}},
				"--cpu-quota", err);
	if (r < 0 && u->set_period && u->set_quota) {
		struct ward_err again;

		if (write_first(d->path,
				(const struct cg_knob[]){{"cpu.cfs_quota_us", quota}, {NULL, NULL}},
				"--cpu-quota", &again) == 0 &&
		    write_first(
			d->path,
			(const struct cg_knob[]){{"cpu.cfs_period_us", period}, {NULL, NULL}},
			"--cpu-period", &again) == 0)
			r = 0;
	}
	return r;
}

int cg_memory_usage(const struct cg_layout *l, const struct cg_handle *h, uint64_t *usage,
		    struct ward_err *err)
{
	char mount[CG_PATH_MAX], buf[32] = "";
	const struct cg_dir *d = NULL;
	const char *knob = "memory.usage_in_bytes";
	char *end;

	if (v1_mount_of(l, "memory", mount, sizeof(mount)) == 0) {
		d = dir_under(h, mount);
	} else {
		knob = "memory.current";
		for (size_t i = 0; i < h->ndirs && !d; i++)
			if (h->dirs[i].v2)
				d = &h->dirs[i];
	}
	if (!d || cg_read_token_file(d->path, knob, buf, sizeof(buf)) < 0)
		return err_set(err, 0, "cannot read the container's memory usage (%s)", knob);
	errno = 0;
	*usage = strtoull(buf, &end, 10);
	if (errno || end == buf)
		return err_set(err, 0, "cannot read the container's memory usage (%s: '%s')", knob,
			       buf);
	return 0;
}
