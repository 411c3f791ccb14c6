/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sweep.c - the container's cgroups while and after they live: freezing, the
 * list of their processes and signalling them, killing what is left and
 * removing the cgroups (cg_destroy()), and removing the cgroups of wards that
 * are gone (cg_cleanup_stale()).
 */
#include "cgroup_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/log.h"
#include "ward/util.h"

/* In a fake tree the knobs are real files: remove them so rmdir can succeed. */
void cg_remove_fake_knobs(const char *dir)
{
	cleanup_close int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d;
	struct dirent *de;

	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d)
		return;
	fd = -1; /* the DIR owns it now */
	while ((de = readdir(d)))
		if (de->d_type == DT_REG)
			(void)unlinkat(dirfd(d), de->d_name, 0); /* best effort: rmdir reports */
	closedir(d);
}

/* SIGKILL every process listed in @dir/cgroup.procs. Return: how many were listed, or -errno. */
static int kill_listed(const char *dir)
{
	char path[CG_PATH_MAX + 32];
	cleanup_free char *procs = NULL;
	struct ward_err ignored;
	int count = 0, r;

	if (cg_path_fmt(path, sizeof(path), "%s/cgroup.procs", dir) < 0)
		return -ENAMETOOLONG;
	r = read_file(path, CG_PROCS_MAX, &procs, NULL, &ignored);
	if (r < 0)
		return r;
	for (char *p = procs, *end; *p; p = end) {
		long pid = strtol(p, &end, 10);

		if (end == p)
			break;
		count++;
		/* a pid from another pid namespace reads as 0: never kill(0), our own group */
		if (pid > 0)
			(void)kill((pid_t)pid, SIGKILL); /* it may be gone already */
	}
	return count;
}

/* Kill what is in @dir, wait for it to empty, rmdir it. Children first. */
static int remove_cgroup(const char *dir, bool fake, unsigned long long deadline,
			 struct ward_err *err)
{
	char path[CG_PATH_MAX + 32];
	int first = 0;

	/* the common case at a container's end: empty, no sub-cgroup (else EBUSY) */
	if (!fake && (rmdir(dir) == 0 || errno == ENOENT))
		return 0;
	/* sub-cgroups the container may have made through its cgroup namespace */
	{
		cleanup_close int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		DIR *d;
		struct dirent *de;

		if (fd < 0)
			return errno == ENOENT
				   ? 0
				   : err_set(err, errno, "cannot open cgroup '%s'", dir);
		d = fdopendir(fd);
		if (!d)
			return err_set(err, errno, "cannot open cgroup '%s'", dir);
		fd = -1;
		while ((de = readdir(d))) {
			if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			if (cg_path_fmt(path, sizeof(path), "%s/%s", dir, de->d_name) < 0 ||
			    strlen(path) >= CG_PATH_MAX) {
				if (!first)
					first = err_set(err, ENAMETOOLONG,
							"cannot remove cgroups below '%s'", dir);
				continue;
			}
			if (remove_cgroup(path, fake, deadline, err) < 0 && !first)
				first = -err->code;
		}
		closedir(d);
	}
	if (first)
		return first;

	if (cg_path_fmt(path, sizeof(path), "%s/cgroup.kill", dir) == 0 &&
	    access(path, F_OK) == 0) {
		struct ward_err ignored;

		/* kernel >= 5.14; on failure the loop below does it by hand */
		(void)write_file(path, "1", &ignored);
	}
	for (;;) {
		int n = kill_listed(dir);

		if (n == -ENOENT)
			n = 0; /* gone meanwhile: rmdir says so */
		if (n < 0)
			return err_set(err, -n, "cannot list the processes of cgroup '%s'", dir);
		if (n == 0) {
			if (fake)
				cg_remove_fake_knobs(dir);
			if (rmdir(dir) == 0 || errno == ENOENT)
				return 0;
			/* EBUSY: an exiting task still pins it for a moment */
			if (errno != EBUSY)
				return err_set(err, errno, "cannot remove cgroup '%s'", dir);
		}
		if (cg_now_ns() > deadline)
			return err_set(err, EBUSY,
				       "cannot remove cgroup '%s': processes are still in it", dir);
		cg_pause_briefly();
	}
}

/*
 * Remove the shared <mount>/ward once no container cgroup is left in it; one that
 * is in use (EBUSY, ENOTEMPTY) or already gone is fine. A ward creating a cgroup
 * in it at this moment sees ENOENT and sets it up again.
 */
static void remove_if_unused(const char *dir, bool fake)
{
	cleanup_close int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *de;
	bool busy = false;
	DIR *d;

	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d)
		return;
	fd = -1;
	while ((de = readdir(d)))
		busy |= de->d_type == DT_DIR && strcmp(de->d_name, ".") != 0 &&
			strcmp(de->d_name, "..") != 0;
	closedir(d);
	if (busy)
		return;
	if (fake)
		cg_remove_fake_knobs(dir);
	if (rmdir(dir) < 0 && errno != ENOENT && errno != EBUSY && errno != ENOTEMPTY)
		log_debug("cgroup: cannot remove '%s': %s", dir, strerror(errno));
}

int cg_destroy(struct cg_handle *h, struct ward_err *err)
{
	unsigned long long deadline = cg_now_ns() + CG_KILL_TIMEOUT_NS;
	size_t kept = 0;
	int first = 0;

	for (size_t i = h->ndirs; i-- > 0;) {
		if (remove_cgroup(h->dirs[i].path, h->fake, deadline, err) < 0) {
			first = first ? first : -(err->code ? err->code : EINVAL);
		} else {
			h->dirs[i].path[0] = '\0';
		}
	}
	for (size_t i = 0; i < h->ndirs; i++)
		if (h->dirs[i].path[0])
			h->dirs[kept++] = h->dirs[i];
	h->ndirs = kept;
	if (kept == 0 && h->shared_parent[0]) {
		remove_if_unused(h->shared_parent, h->fake);
		h->shared_parent[0] = '\0';
	}
	return first;
}

void cg_handle_release(struct cg_handle *h)
{
	memset(h, 0, sizeof(*h));
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

/* The container's cgroup2 directory: cgroup.freeze is there on v2 and hybrid hosts alike. */
static const struct cg_dir *v2_dir(const struct cg_handle *h)
{
	for (size_t i = 0; i < h->ndirs; i++)
		if (h->dirs[i].v2)
			return &h->dirs[i];
	return NULL;
}

int cg_freeze(const struct cg_handle *h, bool frozen, struct ward_err *err)
{
	const struct cg_dir *d = v2_dir(h);
	unsigned long long deadline = cg_now_ns() + CG_KILL_TIMEOUT_NS;
	char path[CG_PATH_MAX + 32], events[512];

	if (!d)
		return err_set(err, ENOTSUP,
			       "the container has no cgroup2 cgroup: freezing needs cgroup v2's "
			       "cgroup.freeze (this host has only cgroup v1)");
	if (cg_path_fmt(path, sizeof(path), "%s/cgroup.freeze", d->path) < 0)
		return err_set(err, ENAMETOOLONG, "cgroup '%s'", d->path);
	if (write_file(path, frozen ? "1" : "0", err) < 0)
		return -EIO;
	/* the write only asks: cgroup.events says when every task is (un)frozen */
	(void)cg_path_fmt(path, sizeof(path), "%s/cgroup.events", d->path); /* fits: as above */
	for (;;) {
		if (cg_read_knob(path, events, sizeof(events)) < 0)
			return err_set(err, errno, "cannot read '%s'", path);
		if (cg_has_token(events, frozen ? "frozen 1" : "frozen 0", "\n"))
			return 0;
		if (cg_now_ns() > deadline)
			return err_set(err, ETIMEDOUT, "cgroup '%s' did not %s in 2 s", d->path,
				       frozen ? "freeze" : "thaw");
		cg_pause_briefly();
	}
}

bool cg_frozen(const struct cg_handle *h)
{
	const struct cg_dir *d = v2_dir(h);
	char path[CG_PATH_MAX + 32], value[16];

	return d && cg_path_fmt(path, sizeof(path), "%s/cgroup.freeze", d->path) == 0 &&
	       cg_read_knob(path, value, sizeof(value)) > 0 && value[0] == '1';
}

int cg_pids(const struct cg_handle *h, pid_t **out, size_t *nout, struct ward_err *err)
{
	cleanup_free pid_t *pids = NULL;
	size_t n = 0, cap = 0, kept = 0;

	*out = NULL;
	*nout = 0;
	if (h->ndirs == 0)
		return err_set(err, ENOENT, "the container has no cgroup");
	/* every dir lists the same processes, or a subset: gather them, each once */
	for (size_t i = 0; i < h->ndirs; i++) {
		char path[CG_PATH_MAX + 32];
		cleanup_free char *procs = NULL;
		int r;

		if (cg_path_fmt(path, sizeof(path), "%s/cgroup.procs", h->dirs[i].path) < 0)
			return err_set(err, ENAMETOOLONG,
				       "cannot list the processes of cgroup '%s'", h->dirs[i].path);
		r = read_file(path, CG_PROCS_MAX, &procs, NULL, err);
		if (r < 0)
			return err_prefix(err, "cannot list the processes of cgroup '%s'",
					  h->dirs[i].path);
		for (char *p = procs, *end; *p; p = end) {
			long pid = strtol(p, &end, 10);

			if (end == p)
				break;
			/* a pid from another pid namespace reads as 0 */
			if (pid <= 0 || pid > INT32_MAX)
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				pids = xrealloc(pids, cap * sizeof(*pids));
			}
			pids[n++] = (pid_t)pid;
		}
	}
	if (n > 1)
		qsort(pids, n, sizeof(*pids), cmp_pid);
	for (size_t i = 0; i < n; i++)
		if (i == 0 || pids[i] != pids[i - 1])
			pids[kept++] = pids[i];
	*out = steal_ptr(&pids);
	*nout = kept;
	return 0;
}

int cg_signal_all(const struct cg_handle *h, int sig, struct ward_err *err)
{
	cleanup_free pid_t *pids = NULL;
	size_t n = 0;
	int first = 0;

	if (h->ndirs == 0)
		return err_set(err, ENOENT,
			       "cannot signal the container's processes: it has no cgroup");
	first = cg_pids(h, &pids, &n, err);
	if (first < 0)
		return first;
	for (size_t i = 0; i < n; i++) {
		/* ESRCH: it exited since cgroup.procs was read */
		if (kill(pids[i], sig) < 0 && errno != ESRCH && !first)
			first = err_set(err, errno, "cannot send signal %d to process %d", sig,
					(int)pids[i]);
	}
	return first;
}

static bool owner_alive(const char *name)
{
	unsigned long long start = 0, now = 0;
	int pid = 0, used = 0;

	if (sscanf(name, CG_NAME_PREFIX "%d-%llu-%n", &pid, &start, &used) != 2 || used == 0 ||
	    pid <= 0)
		return true; /* not one of ours: leave it alone */
	if (cg_proc_starttime((pid_t)pid, &now) < 0)
		return false;
	return now == start;
}

static int sweep(const char *dir, bool fake, struct ward_err *err)
{
	cleanup_close int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	unsigned long long deadline = cg_now_ns() + CG_KILL_TIMEOUT_NS;
	char path[CG_PATH_MAX];
	struct dirent *de;
	DIR *d;
	int first = 0;

	if (fd < 0)
		return errno == ENOENT ? 0 : err_set(err, errno, "cannot open cgroup '%s'", dir);
	d = fdopendir(fd);
	if (!d)
		return err_set(err, errno, "cannot open cgroup '%s'", dir);
	fd = -1;
	while ((de = readdir(d))) {
		struct ward_err e;

		if (de->d_type != DT_DIR || !str_has_prefix(de->d_name, CG_NAME_PREFIX) ||
		    owner_alive(de->d_name))
			continue;
		if (cg_path_fmt(path, sizeof(path), "%s/%s", dir, de->d_name) < 0)
			continue;
		log_debug("cgroup: removing stale cgroup '%s'", path);
		if (remove_cgroup(path, fake, deadline, &e) < 0 && !first) {
			*err = e;
			first = -(e.code ? e.code : EINVAL);
		}
	}
	closedir(d);
	return first;
}

int cg_cleanup_stale(const struct cg_layout *l, struct ward_err *err)
{
	char dirs[CG_NR_CONTROLLERS + 2][CG_PATH_MAX];
	size_t n = 0, shared = SIZE_MAX;
	int first = 0;

	if (l->v2_mount[0]) {
		if (cg_path_fmt(dirs[n], CG_PATH_MAX, "%s%s", l->v2_mount,
				strcmp(l->v2_own, "/") == 0 ? "" : l->v2_own) == 0)
			n++;
		if (cg_path_fmt(dirs[n], CG_PATH_MAX, "%s/%s", l->v2_mount, CG_FALLBACK_PARENT) ==
		    0)
			shared = n++;
	}
	for (int c = 0; c < CG_NR_CONTROLLERS; c++) {
		bool dup = false;

		if (!cg_on_v1(l, c) ||
		    cg_path_fmt(dirs[n], CG_PATH_MAX, "%s%s", l->v1_mount[c],
				strcmp(l->v1_own[c], "/") == 0 ? "" : l->v1_own[c]) < 0)
			continue;
		for (size_t i = 0; i < n; i++)
			dup |= strcmp(dirs[i], dirs[n]) == 0;
		if (!dup)
			n++;
	}
	for (size_t i = 0; i < n; i++) {
		struct ward_err e;
		int r = sweep(dirs[i], l->fake, &e);

		if (i == shared)
			remove_if_unused(dirs[i], l->fake);

		if (r < 0 && !first) {
			*err = e;
			first = r;
		}
	}
	return first;
}

int cg_sweep_stale(struct ward_err *err)
{
	struct cg_layout layout;
	int r = cg_detect("/proc/self/mountinfo", "/proc/self/cgroup", &layout, err);

	return r < 0 ? r : cg_cleanup_stale(&layout, err);
}
