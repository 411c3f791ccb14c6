/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * create.c - creating the container's cgroups: where each goes on cgroup v2,
 * v1 and hybrid hosts, the controllers enabled on the way, the limits written
 * into them (limits.c); moving the container in is attach.c's.
 *
 * Each controller ward limits is looked for on a v1 hierarchy first (on a
 * hybrid host the v1 mounts hold the real controllers) and else on cgroup2.
 * Knobs are written with plain open/write on paths built from the layout, so a
 * test can point the layout at a fake tree (cg_layout_rebase()) and run this
 * very code against it.
 *
 * Where the cgroup goes on v2, and why: the no-internal-processes rule forbids
 * enabling a controller in the cgroup.subtree_control of a non-root cgroup that
 * holds processes, and ward's own cgroup always holds ward. So:
 *  1. when ward's own cgroup already has every needed controller in its
 *     subtree_control (the root cgroup, or a delegated cgroup set up that way),
 *     or no controller is needed at all, the container goes beneath it;
 *  2. when ward sits in the root cgroup, the controllers are enabled there
 *     (the root is exempt from the rule) and the container goes beneath it;
 *  3. otherwise ward does what docker's and runc's cgroupfs drivers do (they
 *     place containers at /docker/<id> from the hierarchy root, not beneath the
 *     daemon): the controllers are enabled in the root's subtree_control and in
 *     <mount>/ward, a ward-owned cgroup that never holds processes, and the
 *     container goes beneath that. <mount>/ward is shared by all wards; the
 *     last one out removes it (and one that finds it gone while creating its
 *     cgroup sets it up again). Moving ward's siblings into a leaf (what
 *     docker-in-docker's entrypoint does) would disturb processes ward does not
 *     own, so ward never does it.
 *
 * A config.json's linux.cgroupsPath (cg_create_path()) overrides all that: the
 * cgroup goes where the path says in every hierarchy, and the controllers are
 * enabled from the root down, as runc's cgroupfs driver does; the caller (an
 * engine such as podman) chose a place where that works. Both ways share one
 * path through create_all(), told apart by a struct placement.
 */
#include "cgroup_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ward/log.h"
#include "ward/util.h"

/* The limit cannot be had: fail, or with --ignore-missing-limits warn and drop it. */
static int missing(struct want *w, const struct spec_resources *res, enum cg_controller c,
		   const char *why, struct ward_err *err)
{
	if (c == CG_DEVICES && res->devices_default) {
		log_warn("the device cgroup %s: every device node the container can create is "
			 "open to it",
			 why);
		w->ctrls &= ~BIT(c);
		return 0;
	}
	if (!res->ignore_missing)
		return err_set(err, 0, "cannot apply %s: the %s controller %s", w->flag[c],
			       cg_controller_name(c), why);
	log_warn("ignoring %s: the %s controller %s", w->flag[c], cg_controller_name(c), why);
	w->ctrls &= ~BIT(c);
	return 0;
}

/*
 * Enable the controllers of @mask in @dir/cgroup.subtree_control: all in one
 * write, and when that fails one by one, to name the controller at fault.
 */
static int enable_controllers(const char *dir, struct want *w, unsigned int mask,
			      const struct spec_resources *res, struct ward_err *err)
{
	char path[CG_PATH_MAX + 32], present[512] = "", line[128] = "";
	unsigned int todo = 0;
	struct ward_err first;

	if (cg_path_fmt(path, sizeof(path), "%s/cgroup.subtree_control", dir) < 0)
		return err_set(err, ENAMETOOLONG, "cannot enable controllers in '%s'", dir);
	(void)cg_read_token_file(dir, "cgroup.subtree_control", present, sizeof(present));
	for (int c = 0; c < CG_NR_CONTROLLERS; c++) {
		if (!(mask & w->ctrls & BIT(c)) || !cg_controller_v2_name(c) ||
		    cg_has_token(present, cg_controller_v2_name(c), " \n"))
			continue;
		todo |= BIT(c);
		(void)snprintf(line + strlen(line), sizeof(line) - strlen(line), "%s+%s",
			       line[0] ? " " : "", cg_controller_v2_name(c)); /* all fit */
	}
	if (!todo || write_file(path, line, &first) == 0)
		return 0;
	for (int c = 0; c < CG_NR_CONTROLLERS; c++) {
		char one[32];
		struct ward_err e;
		int r;

		if (!(todo & BIT(c)))
			continue;
		(void)snprintf(one, sizeof(one), "+%s", cg_controller_v2_name(c));
		if (write_file(path, one, &e) == 0)
			continue;
		if (!res->ignore_missing)
			return err_set(
			    err, e.code,
			    "cannot apply %s: the %s controller cannot be enabled in '%s'",
			    w->flag[c], cg_controller_name(c), path);
		r = missing(w, res, c, "cannot be enabled", err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Return: 1 when @path was created, 0 when it existed (and @exist_ok), or -errno. */
static int make_dir(const struct cg_layout *l, const char *path, bool exist_ok,
		    struct ward_err *err)
{
	if (strlen(path) >= CG_PATH_MAX)
		return err_set(err, ENAMETOOLONG, "cannot create cgroup '%s'", path);
	if (mkdir(path, 0755) < 0) {
		if (errno == EEXIST && exist_ok)
			return 0;
		if (errno == EEXIST)
			return err_set(err, EEXIST, "cgroup '%s' already exists", path);
		return err_set(err, errno, "cannot create cgroup '%s'", path);
	}
	if (l->populate)
		l->populate(path, l->populate_arg);
	return 1;
}

static int add_dir(const struct cg_layout *l, struct cg_handle *h, const char *path, bool v2,
		   unsigned int ctrls, bool exist_ok, struct ward_err *err)
{
	int r;

	if (h->ndirs >= CG_MAX_DIRS)
		return err_set(err, E2BIG, "too many cgroups for one container");
	r = make_dir(l, path, exist_ok, err);
	if (r < 0)
		return r;
	(void)cg_copy_str(h->dirs[h->ndirs].path, CG_PATH_MAX, path); /* length checked above */
	h->dirs[h->ndirs].v2 = v2;
	h->dirs[h->ndirs].controllers = ctrls;
	h->ndirs++;
	return 0;
}

/* @mount's part for ward's own cgroup (@own is "/" or "/a/b"). */
static int own_path(char *out, size_t len, const char *mount, const char *own, struct ward_err *err)
{
	if (cg_path_fmt(out, len, "%s%s", mount, strcmp(own, "/") == 0 ? "" : own) < 0)
		return err_set(err, ENAMETOOLONG, "cannot create a cgroup below '%s%s'", mount,
			       own);
	return 0;
}

/* Choose (and prepare) the v2 parent of the container's cgroup; see the top of the file. */
static int v2_parent(const struct cg_layout *l, const struct spec_resources *res, struct want *w,
		     unsigned int v2mask, char *parent, size_t len, bool *shared,
		     struct ward_err *err)
{
	char own[CG_PATH_MAX], present[512] = "";
	bool all = true;
	int r;

	r = own_path(own, sizeof(own), l->v2_mount, l->v2_own, err);
	if (r < 0)
		return r;
	(void)cg_read_token_file(own, "cgroup.subtree_control", present, sizeof(present));
	for (int c = 0; c < CG_NR_CONTROLLERS; c++)
		if ((v2mask & w->ctrls & BIT(c)) && cg_controller_v2_name(c) &&
		    !cg_has_token(present, cg_controller_v2_name(c), " \n"))
			all = false;
	if (all || strcmp(l->v2_own, "/") == 0) {
		r = all ? 0 : enable_controllers(own, w, v2mask, res, err);
		if (r < 0)
			return r;
		return cg_copy_str(parent, len, own) < 0
			   ? err_set(err, ENAMETOOLONG, "cgroup path '%s'", own)
			   : 0;
	}
	*shared = true;
	if (cg_path_fmt(parent, len, "%s/%s", l->v2_mount, CG_FALLBACK_PARENT) < 0)
		return err_set(err, ENAMETOOLONG, "cannot create a cgroup below '%s'", l->v2_mount);
	log_debug("cgroup: controllers cannot be enabled below ward's own cgroup '%s' (it holds "
		  "processes: the no-internal-processes rule); using '%s'",
		  l->v2_own, parent);
	r = enable_controllers(l->v2_mount, w, v2mask, res, err);
	if (r < 0)
		return r;
	r = make_dir(l, parent, true, err);
	if (r < 0)
		return r;
	return enable_controllers(parent, w, v2mask, res, err);
}

/*
 * Where the container's cgroup goes, the same way in every hierarchy. By default
 * @path is a name (ward-...) placed beneath ward's own cgroup, or on v2 beneath
 * what v2_parent() chooses. With an explicit linux.cgroupsPath (@explicit_path)
 * @path is "/a/b", from each hierarchy's root, or "a/b", beneath ward's own
 * cgroup; the missing ancestors are created (and kept at cg_destroy(), as runc
 * keeps them) and v1 gets a cgroup in the pids, memory and cpu hierarchies
 * whatever the limits, where engines read the stats from.
 */
struct placement {
	const char *path;
	bool explicit_path;
	/* ward create's: a cgroup in every v1 hierarchy, so `ward update` can limit any later */
	bool every_controller;
	/* ancestors created for an explicit path, removed again when the creation fails */
	struct {
		char parent[CG_PATH_MAX]; /* the leaf's parent */
		size_t top; /* length of the topmost one created: a prefix of parent */
	} made[CG_MAX_DIRS];
	size_t nmade;
};

/* The leaf in the hierarchy mounted at @mount; a relative path starts at @base. */
static int leaf_path(const struct placement *pl, const char *mount, const char *base, char *out,
		     size_t len, struct ward_err *err)
{
	bool abs = pl->path[0] == '/';

	if (cg_path_fmt(out, len, abs ? "%s%s" : "%s/%s", abs ? mount : base, pl->path) < 0)
		return err_set(err, ENAMETOOLONG, "cannot create cgroup '%s' below '%s'", pl->path,
			       abs ? mount : base);
	return 0;
}

static bool is_v1_cpuset(const struct cg_layout *l, const char *mount, bool v2)
{
	return !v2 && cg_on_v1(l, CG_CPUSET) && strcmp(mount, l->v1_mount[CG_CPUSET]) == 0;
}

/* A new v1 cpuset has no cpus and no mems, and refuses tasks: give it its parent's. */
static int inherit_cpuset(const char *dir, struct ward_err *err)
{
	static const char *const knobs[] = {"cpuset.cpus", "cpuset.mems"};
	char parent[CG_PATH_MAX], value[4096], path[CG_PATH_MAX + 32];
	char *slash;

	(void)cg_copy_str(parent, sizeof(parent), dir); /* same size */
	slash = strrchr(parent, '/');
	if (slash)
		*slash = '\0';
	for (size_t i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++) {
		int r = cg_read_token_file(parent, knobs[i], value, sizeof(value));

		if (r < 0)
			return err_set(err, -r, "cannot read '%s/%s'", parent, knobs[i]);
		value[strcspn(value, "\n")] = '\0';
		if (cg_path_fmt(path, sizeof(path), "%s/%s", dir, knobs[i]) < 0)
			return err_set(err, ENAMETOOLONG, "cannot set up cpuset cgroup '%s'", dir);
		if (write_file(path, value, err) < 0)
			return err_prefix(err, "cannot set up cpuset cgroup '%s'", dir);
	}
	return 0;
}

/* Remove the ancestors recorded from @pl->made[@from] on, deepest first; best effort. */
static void unmake_ancestors(struct placement *pl, size_t from, bool fake)
{
	while (pl->nmade > from) {
		char *dir = pl->made[--pl->nmade].parent;
		size_t top = pl->made[pl->nmade].top;

		for (;;) {
			char *slash;

			if (fake)
				cg_remove_fake_knobs(dir);
			if (rmdir(dir) < 0 && errno != ENOENT) {
				log_debug("cgroup: cannot remove '%s': %s", dir, strerror(errno));
				break;
			}
			slash = strrchr(dir, '/');
			if (!slash || (size_t)(slash - dir) < top)
				break;
			*slash = '\0';
		}
	}
}

/*
 * mkdir -p the ancestors of @leaf beneath @mount. On v2 the controllers of @mask
 * are enabled in each, from the root down to the leaf's parent (the root is
 * exempt from the no-internal-processes rule, a new one holds no process); in a
 * v1 cpuset hierarchy each new one gets its parent's cpus and mems.
 */
static int make_ancestors(const struct cg_layout *l, struct placement *pl, const char *mount,
			  const char *leaf, bool v2, struct want *w, unsigned int mask,
			  const struct spec_resources *res, struct ward_err *err)
{
	size_t mlen = strlen(mount), plen, slot = pl->nmade;
	char *dir, *slash;
	int r;

	if (slot >= CG_MAX_DIRS)
		return err_set(err, E2BIG, "too many cgroups for one container");
	dir = pl->made[slot].parent;
	(void)cg_copy_str(dir, CG_PATH_MAX, leaf); /* @leaf fits in CG_PATH_MAX */
	slash = strrchr(dir, '/');
	if (!slash || (size_t)(slash - dir) < mlen)
		return err_set(err, EINVAL, "cgroup '%s' is not beneath '%s'", leaf, mount);
	*slash = '\0';
	plen = strlen(dir);
	r = v2 ? enable_controllers(mount, w, mask, res, err) : 0;
	for (size_t i = mlen + 1; r >= 0 && i <= plen; i++) {
		if (dir[i] != '/' && dir[i] != '\0')
			continue;
		dir[i] = '\0';
		r = make_dir(l, dir, true, err);
		if (r > 0 && pl->nmade == slot) {
			/* the first one created: everything below it is ours too */
			pl->made[slot].top = i;
			pl->nmade++;
		}
		if (r > 0 && is_v1_cpuset(l, mount, v2))
			r = inherit_cpuset(dir, err);
		if (r >= 0 && v2)
			r = enable_controllers(dir, w, mask, res, err);
		if (i < plen)
			dir[i] = '/';
	}
	if (pl->nmade == slot)
		dir[0] = '\0';
	return r < 0 ? r : 0;
}

/* Create the leaf @leaf in the hierarchy mounted at @mount and record it in @h. */
static int place_dir(const struct cg_layout *l, struct placement *pl, struct cg_handle *h,
		     const char *mount, const char *leaf, bool v2, unsigned int mask,
		     struct want *w, const struct spec_resources *res, struct ward_err *err)
{
	int r;

	if (pl->explicit_path) {
		struct stat st;

		/* there already: joined, as runc does (something else than a cgroup is not) */
		if (lstat(leaf, &st) == 0 && !S_ISDIR(st.st_mode))
			return err_set(err, EEXIST, "cgroup '%s' already exists", leaf);
		r = make_ancestors(l, pl, mount, leaf, v2, w, mask, res, err);
		if (r < 0)
			return r;
	}
	/* evaluated after make_ancestors(): --ignore-missing-limits may have dropped some */
	r = add_dir(l, h, leaf, v2, mask & w->ctrls, pl->explicit_path, err);
	if (r < 0)
		return r;
	/* a cpuset limit writes both itself; otherwise (a cpuset co-mounted) inherit them */
	if (is_v1_cpuset(l, mount, v2) && !(mask & w->ctrls & BIT(CG_CPUSET)))
		return inherit_cpuset(leaf, err);
	return 0;
}

/*
 * The controllers of @w that go on cgroup v2: those with no v1 hierarchy that
 * the cgroup2 root offers. One that neither hierarchy has is missing().
 */
static int v2_controllers(const struct cg_layout *l, const struct spec_resources *res,
			  struct want *w, unsigned int *v2mask, struct ward_err *err)
{
	char root_ctrls[512] = "";

	*v2mask = 0;
	if (l->v2_mount[0])
		(void)cg_read_token_file(l->v2_mount, "cgroup.controllers", root_ctrls,
					 sizeof(root_ctrls));
	for (int c = 0; c < CG_NR_CONTROLLERS; c++) {
		int r;

		if (!(w->ctrls & BIT(c)) || cg_on_v1(l, c))
			continue;
		/* cgroup v2 has no devices controller to enable: an eBPF program does it */
		if (c == CG_DEVICES && l->v2_mount[0])
			continue;
		if (l->v2_mount[0] && cg_controller_v2_name(c) &&
		    cg_has_token(root_ctrls, cg_controller_v2_name(c), " \n")) {
			*v2mask |= BIT(c);
			continue;
		}
		r = missing(w, res, c, "is not available", err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The container's cgroup2 leaf, beneath the parent chosen for it; recorded in @h. */
static int place_v2(const struct cg_layout *l, struct placement *pl,
		    const struct spec_resources *res, struct want *w, unsigned int v2mask,
		    struct cg_handle *h, struct ward_err *err)
{
	char parent[CG_PATH_MAX], path[CG_PATH_MAX];

	for (int tries = 0;; tries++) {
		bool shared = false;
		int r;

		/* an explicit path gets no shared parent: the caller chose the place */
		if (pl->explicit_path)
			r = own_path(parent, sizeof(parent), l->v2_mount, l->v2_own, err);
		else
			r = v2_parent(l, res, w, v2mask, parent, sizeof(parent), &shared, err);
		if (r == 0)
			r = leaf_path(pl, l->v2_mount, parent, path, sizeof(path), err);
		if (r == 0)
			r = place_dir(l, pl, h, l->v2_mount, path, true, v2mask, w, res, err);
		if (r == 0 && shared)
			(void)cg_copy_str(h->shared_parent, CG_PATH_MAX, parent); /* fits */
		/* another ward removed the shared parent as it emptied: set it up again */
		if (r != -ENOENT || !shared || tries == 3)
			return r;
	}
}

/*
 * A hybrid host, the device rules the only thing asked: ward's eBPF program on
 * the cgroup2 cgroup, as on a v2 host, instead of a cgroup in v1's devices
 * hierarchy. The container is then born in its one cgroup (clone3's
 * CLONE_INTO_CGROUP) and moved into none: a move takes the cgroup
 * write lock, whose first taker waits an RCU grace period, the largest part of
 * a warm start. Where the program cannot be attached, v1's devices as before.
 */
static void devices_on_v2(const struct cg_layout *l, struct cg_handle *h,
			  const struct spec_resources *res, struct want *w)
{
	struct cg_dir *d = &h->dirs[h->ndirs - 1];
	struct ward_err e;

	if (l->devices_later) /* cg_apply_devices(): -EAGAIN where this falls back */
		h->devices = CG_DEVICES_PENDING_V1;
	else
		w->devices_v2 = cg_write_devices_v2(d->path, res, &e) == 0;
	if (!w->devices_v2) {
		log_debug("cgroup: no device program on '%s' (%s): v1's devices instead", d->path,
			  e.msg);
		return;
	}
	d->controllers |= BIT(CG_DEVICES);
	w->ctrls &= ~BIT(CG_DEVICES);
}

/*
 * cgroup v2: always on a v2 host; on a hybrid host too, for cgroup.kill, where
 * a failure is only logged unless a limit or the device program needs it.
 */
static int create_v2(const struct cg_layout *l, struct placement *pl,
		     const struct spec_resources *res, struct want *w, unsigned int v2mask,
		     struct cg_handle *h, struct ward_err *err)
{
	bool devices = (w->ctrls & BIT(CG_DEVICES)) && !cg_on_v1(l, CG_DEVICES);
	bool later = devices && l->devices_later;
	bool needed =
	    l->mode == CG_V2 || (v2mask & w->ctrls) || devices || (res->set & SPEC_RES_UNIFIED);
	size_t made = pl->nmade;
	int r;

	if (!l->v2_mount[0] || !(l->mode == CG_V2 || (v2mask & w->ctrls) || l->mode == CG_HYBRID))
		return 0;
	r = place_v2(l, pl, res, w, v2mask, h, err);
	if (r == 0 && devices && !later)
		h->dirs[h->ndirs - 1].controllers |= BIT(CG_DEVICES);
	if (r == 0)
		r = cg_write_limits(&h->dirs[h->ndirs - 1], res, err);
	if (r == 0 && later) {
		h->dirs[h->ndirs - 1].controllers |= BIT(CG_DEVICES);
		h->devices = CG_DEVICES_PENDING;
	}
	if (r == 0 && w->devices_v2)
		devices_on_v2(l, h, res, w);
	/* a cgroup that is there already belongs to someone else, needed or not */
	if (r < 0 && (needed || r == -EEXIST))
		return r;
	if (r < 0) { /* only the hybrid host's extra tracking cgroup */
		log_debug("cgroup: no cgroup2 cgroup for the container: %s", err->msg);
		unmake_ancestors(pl, made, l->fake);
	}
	return 0;
}

/* The leaf in controller @c's v1 hierarchy, limiting the controllers of @mask there. */
static int place_v1(const struct cg_layout *l, struct placement *pl, struct cg_handle *h,
		    enum cg_controller c, unsigned int mask, struct want *w,
		    const struct spec_resources *res, struct ward_err *err)
{
	char parent[CG_PATH_MAX], path[CG_PATH_MAX];
	int r = own_path(parent, sizeof(parent), l->v1_mount[c], l->v1_own[c], err);

	if (r == 0)
		r = leaf_path(pl, l->v1_mount[c], parent, path, sizeof(path), err);
	if (r == 0)
		r = place_dir(l, pl, h, l->v1_mount[c], path, false, mask, w, res, err);
	return r;
}

/*
 * Whether @h has a cgroup in controller @c's v1 hierarchy already, co-mounted
 * with a controller placed before it (cpu,cpuset on one mount): it limits @c too.
 */
static bool share_v1(const struct cg_layout *l, struct cg_handle *h, enum cg_controller c,
		     unsigned int ctrls)
{
	size_t mlen = strlen(l->v1_mount[c]);
	bool done = false;

	for (size_t i = 0; i < h->ndirs; i++) {
		if (!h->dirs[i].v2 && strncmp(h->dirs[i].path, l->v1_mount[c], mlen) == 0 &&
		    h->dirs[i].path[mlen] == '/') {
			h->dirs[i].controllers |= BIT(c) & ctrls;
			done = true;
		}
	}
	return done;
}

/*
 * cgroup v1: one cgroup per hierarchy holding a wanted controller; for an
 * explicit path also in pids, memory and cpu without a limit (not cpuset: a
 * new v1 cpuset has no cpus until a limit gives it some); for ward create's
 * container in every hierarchy, as runc does (a cpuset inherits its parent's).
 */
static bool v1_wanted(const struct placement *pl, const struct want *w, enum cg_controller c)
{
	return (w->ctrls & BIT(c)) || pl->every_controller ||
	       (pl->explicit_path && (c == CG_PIDS || c == CG_MEMORY || c == CG_CPU));
}

static int create_v1(const struct cg_layout *l, struct placement *pl,
		     const struct spec_resources *res, struct want *w, struct cg_handle *h,
		     struct ward_err *err)
{
	for (int c = 0; c < CG_NR_CONTROLLERS; c++) {
		int r;

		if (!cg_on_v1(l, c) || !v1_wanted(pl, w, c))
			continue;
		if (share_v1(l, h, c, w->ctrls))
			continue;
		r = place_v1(l, pl, h, c, BIT(c), w, res, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * v1 or hybrid: the container needs a v1 cgroup even with no limit, to be
 * killed and cleaned up as a whole: the first of pids, memory and cpu mounted.
 */
static int track_v1(const struct cg_layout *l, struct placement *pl,
		    const struct spec_resources *res, struct want *w, struct cg_handle *h,
		    struct ward_err *err)
{
	/* not cpuset: a new v1 cpuset has no cpus and takes no task */
	static const enum cg_controller order[] = {CG_PIDS, CG_MEMORY, CG_CPU};

	if (l->mode != CG_V1 && l->mode != CG_HYBRID)
		return 0;
	/* the cgroup2 cgroup with the device program (devices_on_v2()) tracks it */
	for (size_t i = 0; i < h->ndirs; i++)
		if (!h->dirs[i].v2 || (h->dirs[i].controllers & BIT(CG_DEVICES)))
			return 0;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (cg_on_v1(l, order[i]))
			return place_v1(l, pl, h, order[i], 0, w, res, err);
	return 0;
}

static int create_all(const struct cg_layout *l, struct placement *pl,
		      const struct spec_resources *res, struct cg_handle *h, struct ward_err *err)
{
	unsigned int v2mask = 0;
	struct want w;
	int r;

	cg_want_from(res, &w);
	w.devices_v2 = l->mode == CG_HYBRID && l->v2_mount[0] && !pl->every_controller &&
		       !pl->explicit_path && w.ctrls == BIT(CG_DEVICES);
	r = v2_controllers(l, res, &w, &v2mask, err);
	if (r == 0)
		r = create_v2(l, pl, res, &w, v2mask, h, err);
	if (r == 0)
		r = create_v1(l, pl, res, &w, h, err);
	if (r == 0)
		r = track_v1(l, pl, res, &w, h, err);
	/* the cgroup2 cgroup's limits are written in create_v2() */
	for (size_t i = 0; r == 0 && i < h->ndirs; i++)
		if (!h->dirs[i].v2)
			r = cg_write_limits(&h->dirs[i], res, err);
	if (r == 0)
		r = cg_check_unified(h, res, err);
	if (r == 0 && h->ndirs == 0)
		log_warn("no cgroup hierarchy is usable: the container gets no cgroup of its own");
	return r;
}

static int create_named(const struct cg_layout *l, struct placement *pl,
			const struct spec_resources *res, struct cg_handle *h, struct ward_err *err)
{
	int r = create_all(l, pl, res, h, err);

	if (r < 0) {
		struct ward_err ignored;

		/* the error that matters is the first; a cgroup that stays is logged */
		if (cg_destroy(h, &ignored) < 0)
			log_warn("%s", ignored.msg);
		unmake_ancestors(pl, 0, l->fake);
		cg_handle_release(h);
	}
	return r;
}

int cg_create_detached(const struct cg_layout *l, const char *id, const struct spec_resources *res,
		       struct cg_handle *h, struct ward_err *err)
{
	char name[CG_ID_MAX + 64];
	struct placement pl = {.path = name, .every_controller = true};

	memset(h, 0, sizeof(*h));
	h->fake = l->fake;
	if (!cg_valid_id(id))
		return err_set(err, 0, "invalid container id '%s'", id);
	/* no owner pid in the name: cg_cleanup_stale() leaves it to `ward delete` */
	(void)snprintf(name, sizeof(name), CG_NAME_PREFIX "oci-%s", id);
	return create_named(l, &pl, res, h, err);
}

int cg_create(const struct cg_layout *l, const char *id, const struct spec_resources *res,
	      struct cg_handle *h, struct ward_err *err)
{
	char name[CG_ID_MAX + 64];
	struct placement pl = {.path = name};

	memset(h, 0, sizeof(*h));
	h->fake = l->fake;
	if (cg_own_name(id, name, sizeof(name), err) < 0)
		return -EINVAL;
	return create_named(l, &pl, res, h, err);
}

int cg_create_under(const struct cg_layout *l, const char *parent, const char *id,
		    const struct spec_resources *res, struct cg_handle *h, struct ward_err *err)
{
	char name[CG_ID_MAX + 64], raw[CG_PATH_MAX], path[CG_PATH_MAX];
	struct placement pl = {.path = path, .explicit_path = true};

	memset(h, 0, sizeof(*h));
	h->fake = l->fake;
	if (cg_own_name(id, name, sizeof(name), err) < 0)
		return -EINVAL;
	if (cg_path_fmt(raw, sizeof(raw), "%s/%s", parent, name) < 0 ||
	    cg_resolve_path(raw, path, sizeof(path), err) < 0)
		return err_set(err, ENAMETOOLONG, "invalid --cgroup-parent '%s'", parent);
	return create_named(l, &pl, res, h, err);
}

int cg_create_path(const struct cg_layout *l, const char *cgpath, const struct spec_resources *res,
		   struct cg_handle *h, struct ward_err *err)
{
	char path[CG_PATH_MAX];
	struct placement pl = {.path = path, .explicit_path = true};
	int r;

	memset(h, 0, sizeof(*h));
	h->fake = l->fake;
	r = cg_resolve_path(cgpath, path, sizeof(path), err);
	if (r < 0)
		return r;
	log_debug("cgroup: linux.cgroupsPath '%s' is '%s'", cgpath, path);
	return create_named(l, &pl, res, h, err);
}
