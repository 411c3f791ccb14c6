/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * detect.c - where the cgroup hierarchies are (cgroup v2, v1 or hybrid) and
 * where ward sits in each, from mountinfo and /proc/self/cgroup; and the
 * rebasing of a layout onto a fake tree for the tests.
 */
#include "cgroup_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ward/cleanup.h"
#include "ward/log.h"
#include "ward/util.h"

/* Kernel controllers: a v1 mount carrying one of these makes the host v1 or hybrid. */
static const char *const v1_controllers[] = {
    "cpu",   "cpuacct", "cpuset",   "memory",	  "pids",    "devices", "freezer",
    "blkio", "net_cls", "net_prio", "perf_event", "hugetlb", "rdma",	"misc",
};

struct mount_found {
	char mount[CG_PATH_MAX];
	char root[CG_PATH_MAX]; /* the subtree this mount shows ("/" usually) */
};

struct detect_state {
	struct mount_found v1[CG_NR_CONTROLLERS];
	struct mount_found v2;
	bool any_v1;
	char own_v1[CG_NR_CONTROLLERS][CG_PATH_MAX];
	char own_v2[CG_PATH_MAX];
};

static void record_mount(struct mount_found *m, const char *mnt, const char *root)
{
	if (m->mount[0])
		return; /* the first mount of a hierarchy wins */
	if (cg_copy_str(m->mount, sizeof(m->mount), mnt) < 0 ||
	    cg_copy_str(m->root, sizeof(m->root), root) < 0)
		m->mount[0] = '\0';
}

/*
 * One mountinfo line: ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPER
 */
static void parse_mountinfo_line(char *line, struct detect_state *st)
{
	char *tok[64], *save = NULL;
	size_t n = 0, sep = 0;
	const char *fstype, *super;

	for (char *t = strtok_r(line, " \n", &save); t && n < 64; t = strtok_r(NULL, " \n", &save))
		tok[n++] = t;
	for (size_t i = 6; i < n; i++) {
		if (strcmp(tok[i], "-") == 0) {
			sep = i;
			break;
		}
	}
	if (!sep || sep + 2 >= n)
		return;
	fstype = tok[sep + 1];
	super = tok[n - 1];
	str_unescape_octal(tok[3]);
	str_unescape_octal(tok[4]);
	if (strcmp(fstype, "cgroup2") == 0) {
		record_mount(&st->v2, tok[4], tok[3]);
	} else if (strcmp(fstype, "cgroup") == 0) {
		for (size_t i = 0; i < sizeof(v1_controllers) / sizeof(v1_controllers[0]); i++)
			if (cg_has_token(super, v1_controllers[i], ","))
				st->any_v1 = true;
		for (int c = 0; c < CG_NR_CONTROLLERS; c++)
			if (cg_has_token(super, cg_controller_name(c), ","))
				record_mount(&st->v1[c], tok[4], tok[3]);
	}
}

/* One /proc/self/cgroup line: HIERARCHY-ID:CONTROLLERS:PATH ("0::PATH" for cgroup2). */
static void parse_cgroup_line(char *line, struct detect_state *st)
{
	char *c1 = strchr(line, ':'), *c2, *nl;

	if (!c1)
		return;
	c2 = strchr(c1 + 1, ':');
	if (!c2)
		return;
	*c2 = '\0';
	nl = strchr(c2 + 1, '\n');
	if (nl)
		*nl = '\0';
	if (c2 == c1 + 1) {
		if (!st->own_v2[0])
			(void)cg_copy_str(st->own_v2, sizeof(st->own_v2), c2 + 1);
		return;
	}
	for (int c = 0; c < CG_NR_CONTROLLERS; c++)
		if (!st->own_v1[c][0] && cg_has_token(c1 + 1, cg_controller_name(c), ","))
			(void)cg_copy_str(st->own_v1[c], sizeof(st->own_v1[c]), c2 + 1);
}

/*
 * Ward's cgroup relative to what the mount shows. A mount of a subtree (root
 * "/a") shows /a/b at MOUNT/b; a cgroup outside that subtree is not reachable.
 */
static bool relative_own(const struct mount_found *m, const char *own, char *out, size_t len)
{
	size_t rlen = strlen(m->root);

	if (!m->mount[0] || own[0] != '/')
		return false;
	if (strcmp(m->root, "/") == 0)
		return cg_copy_str(out, len, own) == 0;
	if (strncmp(own, m->root, rlen) != 0 || (own[rlen] != '/' && own[rlen] != '\0'))
		return false;
	return cg_copy_str(out, len, own[rlen] ? own + rlen : "/") == 0;
}

static int read_lines(const char *path, void (*fn)(char *, struct detect_state *),
		      struct detect_state *st, struct ward_err *err)
{
	cleanup_fclose FILE *f = fopen(path, "re");
	cleanup_free char *line = NULL;
	size_t cap = 0;

	if (!f)
		return err_set(err, errno, "cannot open '%s'", path);
	errno = 0;
	while (getline(&line, &cap, f) > 0)
		fn(line, st);
	if (ferror(f))
		return err_set(err, errno ? errno : EIO, "cannot read '%s'", path);
	return 0;
}

int cg_detect(const char *mountinfo_path, const char *proc_cgroup_path, struct cg_layout *out,
	      struct ward_err *err)
{
	cleanup_free struct detect_state *st = xcalloc(1, sizeof(*st));
	int r;

	memset(out, 0, sizeof(*out));
	r = read_lines(mountinfo_path, parse_mountinfo_line, st, err);
	if (r < 0)
		return r;
	r = read_lines(proc_cgroup_path, parse_cgroup_line, st, err);
	if (r < 0)
		return r;
	for (int c = 0; c < CG_NR_CONTROLLERS; c++) {
		if (!st->v1[c].mount[0])
			continue;
		if (!relative_own(&st->v1[c], st->own_v1[c], out->v1_own[c], CG_PATH_MAX)) {
			log_debug("cgroup: ward's %s cgroup is not visible under '%s'",
				  cg_controller_name(c), st->v1[c].mount);
			continue;
		}
		(void)cg_copy_str(out->v1_mount[c], CG_PATH_MAX, st->v1[c].mount); /* same size */
	}
	if (st->v2.mount[0]) {
		if (relative_own(&st->v2, st->own_v2, out->v2_own, CG_PATH_MAX))
			(void)cg_copy_str(out->v2_mount, CG_PATH_MAX, st->v2.mount);
		else
			log_debug("cgroup: ward's cgroup2 cgroup is not visible under '%s'",
				  st->v2.mount);
	}
	if (st->any_v1)
		out->mode = out->v2_mount[0] ? CG_HYBRID : CG_V1;
	else
		out->mode = out->v2_mount[0] ? CG_V2 : CG_NONE;
	return 0;
}

int cg_layout_rebase(struct cg_layout *l, const char *fake_root)
{
	char tmp[CG_PATH_MAX];

	l->fake = true;
	for (int c = 0; c <= CG_NR_CONTROLLERS; c++) {
		char *m = c < CG_NR_CONTROLLERS ? l->v1_mount[c] : l->v2_mount;

		if (!m[0])
			continue;
		if (cg_path_fmt(tmp, sizeof(tmp), "%s%s", fake_root, m) < 0)
			return -ENAMETOOLONG;
		memcpy(m, tmp, CG_PATH_MAX);
	}
	return 0;
}
