/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * resctrl.c - linux.intelRdt: the container's group in the resctrl filesystem
 * (a directory of the root, its schemata and tasks), checked before anything
 * starts, joined once the container's process exists, removed at delete.
 */
#include "ward/resctrl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/util.h"

/* the largest schemata file ward reads back */
#define SCHEMATA_MAX 65536

static bool exists_at(const char *root, const char *rel)
{
	cleanup_free char *path = xasprintf("%s/%s", root, rel);

	return access(path, F_OK) == 0;
}

static bool has_schemas(const struct spec_rdt *rdt)
{
	return rdt->l3_cache_schema || rdt->mem_bw_schema || rdt->schemata;
}

int resctrl_check(const char *root, const struct spec_rdt *rdt, struct ward_err *err)
{
	if (!rdt->set)
		return 0;
	if (!exists_at(root, "schemata") || !exists_at(root, "tasks"))
		return err_set(err, 0,
			       "linux.intelRdt: the host has no resctrl filesystem mounted at %s",
			       root);
	if (rdt->l3_cache_schema && !exists_at(root, "info/L3"))
		return err_set(err, 0,
			       "linux.intelRdt.l3CacheSchema: the host has no L3 cache allocation "
			       "(no %s/info/L3)",
			       root);
	if (rdt->mem_bw_schema && !exists_at(root, "info/MB"))
		return err_set(err, 0,
			       "linux.intelRdt.memBwSchema: the host has no memory bandwidth "
			       "allocation (no %s/info/MB)",
			       root);
	if (rdt->clos_id && !has_schemas(rdt) && !exists_at(root, rdt->clos_id))
		return err_set(err, 0, "linux.intelRdt.closID: no resctrl group '%s' in %s",
			       rdt->clos_id, root);
	return 0;
}

/* l3CacheSchema's lines but any MB: one, then memBwSchema; NULL when neither is given */
static char *combined_schema(const struct spec_rdt *rdt)
{
	struct strv lines = {0};
	char *out = NULL;

	if (rdt->l3_cache_schema) {
		cleanup_free char *copy = xstrdup(rdt->l3_cache_schema);
		char *save = NULL;

		for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
			if (!rdt->mem_bw_schema || !str_has_prefix(l, "MB:"))
				strv_push(&lines, l);
	}
	if (rdt->mem_bw_schema)
		strv_push(&lines, rdt->mem_bw_schema);
	for (size_t i = 0; i < lines.n; i++) {
		char *next = xasprintf("%s%s\n", out ? out : "", lines.v[i]);

		free(out);
		out = next;
	}
	strv_release(&lines);
	return out;
}

/* every line of @want is a line of the group's schemata */
static int check_existing(const char *dir, const char *group, const char *want,
			  struct ward_err *err)
{
	cleanup_free char *path = xasprintf("%s/schemata", dir), *text = NULL, *copy = NULL;
	char *save = NULL;
	size_t len = 0;

	if (read_file(path, SCHEMATA_MAX, &text, &len, err) < 0)
		return err_prefix(err, "linux.intelRdt");
	copy = xstrdup(want);
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		const char *at = strstr(text, l);
		size_t n = strlen(l);

		while (at && !((at == text || at[-1] == '\n') && (at[n] == '\n' || !at[n])))
			at = strstr(at + 1, l);
		if (!at)
			return err_set(err, 0,
				       "linux.intelRdt: the resctrl group '%s' exists, and its "
				       "schemata has no line '%s'",
				       group, l);
	}
	return 0;
}

/*
 * @text into the group's file @path: resctrl makes a group's files with it, the
 * unit tests' fake tree does not (O_CREAT, for them only)
 */
static int write_knob(const char *path, const char *text, struct ward_err *err)
{
	cleanup_close int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	int r;

	if (fd < 0)
		return err_set(err, errno, "cannot open '%s'", path);
	r = fd_write_all(fd, text, strlen(text));

	if (r < 0)
		return err_set(err, -r, "cannot write '%s'", path);
	return 0;
}

static int write_group(const char *dir, const char *group, const struct spec_rdt *rdt, bool made,
		       pid_t pid, struct ward_err *err)
{
	cleanup_free char *schemata = xasprintf("%s/schemata", dir);
	cleanup_free char *tasks = xasprintf("%s/tasks", dir);
	cleanup_free char *combined = combined_schema(rdt);
	char buf[24];

	/* a closID group that was there is shared: checked, never rewritten */
	bool shared = !made && rdt->clos_id;

	if (shared && combined && check_existing(dir, group, combined, err) < 0)
		return -EINVAL;
	if (!shared && combined && write_knob(schemata, combined, err) < 0)
		return err_prefix(err, "linux.intelRdt: group '%s'", group);
	if (!shared && rdt->schemata && write_knob(schemata, rdt->schemata, err) < 0)
		return err_prefix(err, "linux.intelRdt.schemata: group '%s'", group);
	(void)snprintf(buf, sizeof(buf), "%d", (int)pid);
	if (write_knob(tasks, buf, err) < 0)
		return err_prefix(err, "linux.intelRdt: group '%s'", group);
	return 0;
}

int resctrl_join(const char *root, const char *id, const struct spec_rdt *rdt, pid_t pid,
		 bool *made, struct ward_err *err)
{
	const char *group = rdt->clos_id ? rdt->clos_id : id;
	cleanup_free char *dir = xasprintf("%s/%s", root, group);
	int r;

	*made = false;
	if (!rdt->set)
		return 0;
	if (mkdir(dir, 0755) == 0)
		*made = true;
	else if (errno != EEXIST)
		return err_set(err, errno, "linux.intelRdt: cannot create the resctrl group '%s'",
			       dir);
	r = write_group(dir, group, rdt, *made, pid, err);
	if (r < 0 && *made) {
		(void)rmdir(dir); /* only ours; an error here leaves the first one to report */
		*made = false;
	}
	return r;
}

int resctrl_add(const char *root, const char *id, const struct spec_rdt *rdt, pid_t pid,
		struct ward_err *err)
{
	const char *group = rdt->clos_id ? rdt->clos_id : id;
	cleanup_free char *tasks = NULL;
	char buf[24];

	if (!rdt->set)
		return 0;
	tasks = xasprintf("%s/%s/tasks", root, group);
	(void)snprintf(buf, sizeof(buf), "%d", (int)pid);
	if (access(tasks, F_OK) < 0)
		return err_set(err, errno, "linux.intelRdt: the container's resctrl group '%s'",
			       group);
	if (write_knob(tasks, buf, err) < 0)
		return err_prefix(err, "linux.intelRdt: group '%s'", group);
	return 0;
}

int resctrl_update(const char *root, const char *id, const struct spec_rdt *rdt, const char *l3,
		   const char *mb, struct ward_err *err)
{
	const struct spec_rdt want = {
	    .set = true, .l3_cache_schema = (char *)l3, .mem_bw_schema = (char *)mb};
	const char *flag = l3 ? "--l3-cache-schema" : "--mem-bw-schema";
	const char *group = rdt->clos_id ? rdt->clos_id : id;
	cleanup_free char *combined = combined_schema(&want);
	cleanup_free char *path = xasprintf("%s/%s/schemata", root, group);

	if (!combined)
		return 0;
	if (!exists_at(root, "schemata") || !exists_at(root, "tasks"))
		return err_set(err, 0,
			       "update: %s: the host has no resctrl filesystem mounted at %s", flag,
			       root);
	if (l3 && !exists_at(root, "info/L3"))
		return err_set(err, 0,
			       "update: --l3-cache-schema: the host has no L3 cache allocation (no "
			       "%s/info/L3)",
			       root);
	if (mb && !exists_at(root, "info/MB"))
		return err_set(
		    err, 0,
		    "update: --mem-bw-schema: the host has no memory bandwidth allocation "
		    "(no %s/info/MB)",
		    root);
	if (!rdt->set)
		return err_set(err, 0,
			       "update: %s: the container has no resctrl group (its config has no "
			       "linux.intelRdt)",
			       flag);
	if (access(path, F_OK) < 0)
		return err_set(err, errno, "update: %s: the container's resctrl group '%s'", flag,
			       group);
	if (write_knob(path, combined, err) < 0)
		return err_prefix(err, "update: %s: group '%s'", flag, group);
	return 0;
}

int resctrl_leave(const char *root, const char *id, const struct spec_rdt *rdt,
		  struct ward_err *err)
{
	cleanup_free char *dir = NULL;

	if (!rdt->set || rdt->clos_id)
		return 0;
	dir = xasprintf("%s/%s", root, id);
	if (rmdir(dir) < 0 && errno != ENOENT)
		return err_set(err, errno, "linux.intelRdt: cannot remove the resctrl group '%s'",
			       dir);
	return 0;
}
