/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * list.c - the read-only OCI verbs over the records: ps (the container's
 * processes, from its cgroups) and list (every record under --root).
 */
#include "state_int.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "ward/cgroup.h"
#include "ward/cleanup.h"
#include "ward/json.h"
#include "ward/oci.h"
#include "ward/spec.h"
#include "ward/util.h"

/* A process's command line, spaces between the arguments ("[comm]" for a kernel-less one). */
static void print_cmdline(FILE *out, pid_t pid)
{
	cleanup_free char *path = xasprintf("/proc/%d/cmdline", (int)pid);
	cleanup_free char *text = NULL;
	struct ward_err ignored;
	size_t len = 0;

	if (read_file(path, 1U << 16, &text, &len, &ignored) < 0 || len == 0) {
		fputs("?", out);
		return;
	}
	for (size_t i = 0; i + 1 < len; i++)
		if (text[i] == '\0')
			text[i] = ' ';
	fputs(text, out);
}

int state_ps(const struct state_opts *o, FILE *out, struct ward_err *err)
{
	__attribute__((cleanup(gen_freep))) yajl_gen g = NULL;
	cleanup_free char *dir = NULL;
	cleanup_close int lock = -1;
	cleanup_free pid_t *pids = NULL;
	enum state_status st;
	struct record rec;
	size_t n = 0;
	int r;

	r = open_container(o, &dir, &lock, &rec, &st, err);
	if (r < 0)
		return r;
	if (st == STATE_CREATING || st == STATE_STOPPED)
		r = err_set(err, 0, "cannot list the processes of container '%s': it is %s", o->id,
			    state_status_name(st));
	else if (rec.cg.ndirs == 0) /* rootless: no cgroup of its own */
		r = state_proc_tree(rec.pid, &pids, &n, err);
	else
		r = cg_pids(&rec.cg, &pids, &n, err);
	record_release(&rec);
	if (r < 0)
		return r;
	if (!o->json) {
		fprintf(out, "%-8s %s\n", "PID", "CMD");
		for (size_t i = 0; i < n; i++) {
			fprintf(out, "%-8d ", (int)pids[i]);
			print_cmdline(out, pids[i]);
			fputc('\n', out);
		}
		return ferror(out) ? err_set(err, EIO, "cannot write the process list") : 0;
	}
	g = yajl_gen_alloc(NULL);
	if (!g)
		abort();
	yajl_gen_array_open(g);
	for (size_t i = 0; i < n; i++)
		yajl_gen_integer(g, pids[i]);
	yajl_gen_array_close(g);
	{
		const unsigned char *buf;
		size_t len;

		if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok ||
		    fwrite(buf, 1, len, out) != len || fputc('\n', out) == EOF)
			return err_set(err, EIO, "cannot write the process list");
	}
	return 0;
}

/* runc's list --format json entry: the state, and where, when and whose */
static void gen_list_entry(yajl_gen g, const char *dir, const struct record *r, const char *status)
{
	struct stat st;
	char owner[32];

	yajl_gen_map_open(g);
	gen_state_fields(g, r, status);
	GSTR(g, "rootfs");
	GSTR(g, r->rootfs ? r->rootfs : "");
	GSTR(g, "created");
	GSTR(g, r->created ? r->created : "");
	if (stat(dir, &st) < 0)
		st.st_uid = 0;
	if (!spec_user_name(st.st_uid, owner, sizeof(owner)))
		(void)snprintf(owner, sizeof(owner), "#%u", (unsigned)st.st_uid);
	GSTR(g, "owner");
	GSTR(g, owner);
	yajl_gen_map_close(g);
}

int state_list(const struct state_opts *o, FILE *out, struct ward_err *err)
{
	__attribute__((cleanup(gen_freep))) yajl_gen g = NULL;
	struct dirent **names = NULL;
	int n;

	n = scandir(o->root, &names, NULL, alphasort);
	if (n < 0 && errno != ENOENT)
		return err_set(err, errno, "cannot list '%s'", o->root);
	if (o->json) {
		g = yajl_gen_alloc(NULL);
		if (!g)
			abort();
		yajl_gen_array_open(g);
	} else if (!o->quiet) {
		fprintf(out, "%-20s %-8s %-10s %-40s %s\n", "ID", "PID", "STATUS", "BUNDLE",
			"CREATED");
	}
	for (int i = 0; i < n; i++) {
		struct state_opts one = *o;
		cleanup_free char *dir = NULL;
		enum state_status st;
		struct record rec;
		struct ward_err e;

		one.id = names[i]->d_name;
		if (!state_valid_id(one.id)) {
			free(names[i]);
			continue;
		}
		dir = state_dir(&one);
		if (record_load(&one, dir, &rec, &st, &e) == 0) {
			pid_t pid = st == STATE_CREATED || st == STATE_RUNNING ? rec.pid : 0;

			if (g) {
				gen_list_entry(g, dir, &rec, state_status_name(st));
			} else if (o->quiet) {
				fprintf(out, "%s\n", rec.id);
			} else {
				fprintf(out, "%-20s %-8d %-10s %-40s %s\n", rec.id, (int)pid,
					state_status_name(st), rec.bundle ? rec.bundle : "",
					rec.created ? rec.created : "");
			}
			record_release(&rec);
		}
		free(names[i]);
	}
	free(names);
	if (g) {
		const unsigned char *buf;
		size_t len;

		yajl_gen_array_close(g);
		if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok ||
		    fwrite(buf, 1, len, out) != len || fputc('\n', out) == EOF)
			return err_set(err, EIO, "cannot write the list");
	}
	return 0;
}
