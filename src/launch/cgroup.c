/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cgroup.c - the container's cgroup on cgroup v2, v1 and hybrid hosts.
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
#include "ward/cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/devcg.h"
#include "ward/log.h"
#include "ward/util.h"

#define BIT(c)		   (1U << (c))
#define CG_KILL_TIMEOUT_NS 2000000000LL /* how long cg_destroy() waits for a cgroup to empty */
#define CG_POLL_NS	   10000000L
#define CG_PROCS_MAX	   (4U << 20)
#define CG_FALLBACK_PARENT "ward"
#define CG_NAME_PREFIX	   "ward-"
#define OCI_SHARES_MIN	   2ULL
#define OCI_SHARES_MAX	   262144ULL
#define OCI_WEIGHT_MAX	   10000ULL

static const char *const ctrl_names[CG_NR_CONTROLLERS] = {
    [CG_MEMORY] = "memory", [CG_PIDS] = "pids",	      [CG_CPU] = "cpu",
    [CG_CPUSET] = "cpuset", [CG_DEVICES] = "devices",
};

/* Kernel controllers: a v1 mount carrying one of these makes the host v1 or hybrid. */
static const char *const v1_controllers[] = {
    "cpu",   "cpuacct", "cpuset",   "memory",	  "pids",    "devices", "freezer",
    "blkio", "net_cls", "net_prio", "perf_event", "hugetlb", "rdma",	"misc",
};

const char *cg_controller_name(enum cg_controller c)
{
	return c < CG_NR_CONTROLLERS ? ctrl_names[c] : "?";
}

/* ------------------------------------------------------------------ small helpers */

static bool has_token(const char *list, const char *name, const char *seps)
{
	size_t len = strlen(name);

	for (const char *p = list; *p;) {
		size_t n = strcspn(p, seps);

		if (n == len && strncmp(p, name, len) == 0)
			return true;
		p += n;
		p += strspn(p, seps);
	}
	return false;
}

static int path_fmt(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int path_fmt(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* Read a small knob into @buf (NUL-terminated, truncated to fit). Return: length or -errno. */
static ssize_t read_knob(const char *path, char *buf, size_t len)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	size_t used = 0;

	if (fd < 0)
		return -errno;
	while (used + 1 < len) {
		ssize_t n = read(fd, buf + used, len - used - 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		used += (size_t)n;
	}
	buf[used] = '\0';
	return (ssize_t)used;
}

static int copy_str(char *dst, size_t len, const char *src)
{
	return path_fmt(dst, len, "%s", src);
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts); /* cannot fail for CLOCK_MONOTONIC */
	return (unsigned long long)ts.tv_sec * 1000000000ULL + (unsigned long long)ts.tv_nsec;
}

static void pause_briefly(void)
{
	struct timespec ts = {.tv_sec = 0, .tv_nsec = CG_POLL_NS};

	(void)nanosleep(&ts, NULL); /* an early wake-up only shortens one poll */
}

/* Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot. */
static int proc_starttime(pid_t pid, unsigned long long *out)
{
	char path[64], buf[1024], *p, *save = NULL, *tok;
	ssize_t n;
	int field = 2;

	(void)snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid); /* always fits */
	n = read_knob(path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	/* comm (field 2) may hold spaces and parentheses: start after the last ')' */
	p = strrchr(buf, ')');
	if (!p)
		return -EINVAL;
	for (tok = strtok_r(p + 1, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		if (++field == 22) {
			uint64_t v;

			if (!parse_u64(tok, UINT64_MAX, &v))
				return -EINVAL;
			*out = v;
			return 0;
		}
	}
	return -EINVAL;
}

/* ------------------------------------------------------------------ detection */

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
	if (copy_str(m->mount, sizeof(m->mount), mnt) < 0 ||
	    copy_str(m->root, sizeof(m->root), root) < 0)
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
			if (has_token(super, v1_controllers[i], ","))
				st->any_v1 = true;
		for (int c = 0; c < CG_NR_CONTROLLERS; c++)
			if (has_token(super, ctrl_names[c], ","))
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
			(void)copy_str(st->own_v2, sizeof(st->own_v2), c2 + 1);
		return;
	}
	for (int c = 0; c < CG_NR_CONTROLLERS; c++)
		if (!st->own_v1[c][0] && has_token(c1 + 1, ctrl_names[c], ","))
			(void)copy_str(st->own_v1[c], sizeof(st->own_v1[c]), c2 + 1);
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
		return copy_str(out, len, own) == 0;
	if (strncmp(own, m->root, rlen) != 0 || (own[rlen] != '/' && own[rlen] != '\0'))
		return false;
	return copy_str(out, len, own[rlen] ? own + rlen : "/") == 0;
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
				  ctrl_names[c], st->v1[c].mount);
			continue;
		}
		(void)copy_str(out->v1_mount[c], CG_PATH_MAX, st->v1[c].mount); /* same size */
	}
	if (st->v2.mount[0]) {
		if (relative_own(&st->v2, st->own_v2, out->v2_own, CG_PATH_MAX))
			(void)copy_str(out->v2_mount, CG_PATH_MAX, st->v2.mount);
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
		if (path_fmt(tmp, sizeof(tmp), "%s%s", fake_root, m) < 0)
			return -ENAMETOOLONG;
		memcpy(m, tmp, CG_PATH_MAX);
	}
	return 0;
}

void cg_make_id(char *buf, size_t len)
{
	unsigned char bytes[6];

	if (getrandom(bytes, sizeof(bytes), 0) != (ssize_t)sizeof(bytes)) {
		/* uniqueness, not secrecy, is what matters here */
		unsigned long long t = now_ns() ^ (unsigned long long)getpid();

		memcpy(bytes, &t, sizeof(bytes));
	}
	(void)snprintf(buf, len, "%02x%02x%02x%02x%02x%02x", bytes[0], bytes[1], bytes[2], bytes[3],
		       bytes[4], bytes[5]);
}

/* ------------------------------------------------------------------ removal */

/* In a fake tree the knobs are real files: remove them so rmdir can succeed. */
static void remove_fake_knobs(const char *dir)
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

	if (path_fmt(path, sizeof(path), "%s/cgroup.procs", dir) < 0)
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
			if (path_fmt(path, sizeof(path), "%s/%s", dir, de->d_name) < 0 ||
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

	if (path_fmt(path, sizeof(path), "%s/cgroup.kill", dir) == 0 && access(path, F_OK) == 0) {
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
				remove_fake_knobs(dir);
			if (rmdir(dir) == 0 || errno == ENOENT)
				return 0;
			/* EBUSY: an exiting task still pins it for a moment */
			if (errno != EBUSY)
				return err_set(err, errno, "cannot remove cgroup '%s'", dir);
		}
		if (now_ns() > deadline)
			return err_set(err, EBUSY,
				       "cannot remove cgroup '%s': processes are still in it", dir);
		pause_briefly();
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
		remove_fake_knobs(dir);
	if (rmdir(dir) < 0 && errno != ENOENT && errno != EBUSY && errno != ENOTEMPTY)
		log_debug("cgroup: cannot remove '%s': %s", dir, strerror(errno));
}

int cg_destroy(struct cg_handle *h, struct ward_err *err)
{
	unsigned long long deadline = now_ns() + CG_KILL_TIMEOUT_NS;
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

/* ------------------------------------------------------------------ creation */

struct want {
	unsigned int ctrls;		     /* controllers still to limit */
	const char *flag[CG_NR_CONTROLLERS]; /* the flag that asked for each */
};

static void want_from(const struct spec_resources *res, struct want *w)
{
	static const struct {
		unsigned int bit;
		enum cg_controller c;
		const char *flag;
	} map[] = {
	    {SPEC_RES_MEMORY, CG_MEMORY, "--memory"},
	    {SPEC_RES_MEMORY_SWAP, CG_MEMORY, "--memory-swap"},
	    {SPEC_RES_PIDS, CG_PIDS, "--pids-limit"},
	    {SPEC_RES_CPUS, CG_CPU, "--cpus"},
	    {SPEC_RES_CPU_SHARES, CG_CPU, "--cpu-shares"},
	    {SPEC_RES_CPU_WEIGHT, CG_CPU, "--cpu-weight"},
	    {SPEC_RES_CPUSET_CPUS, CG_CPUSET, "--cpuset-cpus"},
	    {SPEC_RES_DEVICES, CG_DEVICES, "linux.resources.devices"},
	};

	memset(w, 0, sizeof(*w));
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (!(res->set & map[i].bit) || (w->ctrls & BIT(map[i].c)))
			continue;
		w->ctrls |= BIT(map[i].c);
		w->flag[map[i].c] = map[i].flag;
	}
}

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
			       ctrl_names[c], why);
	log_warn("ignoring %s: the %s controller %s", w->flag[c], ctrl_names[c], why);
	w->ctrls &= ~BIT(c);
	return 0;
}

static bool on_v1(const struct cg_layout *l, enum cg_controller c)
{
	return l->v1_mount[c][0] != '\0';
}

static int read_token_file(const char *dir, const char *knob, char *buf, size_t len)
{
	char path[CG_PATH_MAX + 32];
	ssize_t n;

	if (path_fmt(path, sizeof(path), "%s/%s", dir, knob) < 0)
		return -ENAMETOOLONG;
	n = read_knob(path, buf, len);
	return n < 0 ? (int)n : 0;
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

	if (path_fmt(path, sizeof(path), "%s/cgroup.subtree_control", dir) < 0)
		return err_set(err, ENAMETOOLONG, "cannot enable controllers in '%s'", dir);
	(void)read_token_file(dir, "cgroup.subtree_control", present, sizeof(present));
	for (int c = 0; c < CG_NR_CONTROLLERS; c++) {
		if (!(mask & w->ctrls & BIT(c)) || has_token(present, ctrl_names[c], " \n"))
			continue;
		todo |= BIT(c);
		(void)snprintf(line + strlen(line), sizeof(line) - strlen(line), "%s+%s",
			       line[0] ? " " : "", ctrl_names[c]); /* 4 names fit */
	}
	if (!todo || write_file(path, line, &first) == 0)
		return 0;
	for (int c = 0; c < CG_NR_CONTROLLERS; c++) {
		char one[32];
		struct ward_err e;
		int r;

		if (!(todo & BIT(c)))
			continue;
		(void)snprintf(one, sizeof(one), "+%s", ctrl_names[c]);
		if (write_file(path, one, &e) == 0)
			continue;
		if (!res->ignore_missing)
			return err_set(
			    err, e.code,
			    "cannot apply %s: the %s controller cannot be enabled in '%s'",
			    w->flag[c], ctrl_names[c], path);
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
		   unsigned int ctrls, struct ward_err *err)
{
	int r;

	if (h->ndirs >= CG_MAX_DIRS)
		return err_set(err, E2BIG, "too many cgroups for one container");
	r = make_dir(l, path, false, err);
	if (r < 0)
		return r;
	(void)copy_str(h->dirs[h->ndirs].path, CG_PATH_MAX, path); /* length checked above */
	h->dirs[h->ndirs].v2 = v2;
	h->dirs[h->ndirs].controllers = ctrls;
	h->ndirs++;
	return 0;
}

static int knob(const char *dir, const char *name, const char *value, const char *flag,
		struct ward_err *err)
{
	char path[CG_PATH_MAX + 64];

	if (path_fmt(path, sizeof(path), "%s/%s", dir, name) < 0)
		return err_set(err, ENAMETOOLONG, "cannot apply %s", flag);
	if (write_file(path, value, err) < 0)
		return err_prefix(err, "cannot apply %s", flag);
	return 0;
}

static int knob_u64(const char *dir, const char *name, unsigned long long v, const char *flag,
		    struct ward_err *err)
{
	char buf[32];

	(void)snprintf(buf, sizeof(buf), "%llu", v);
	return knob(dir, name, buf, flag, err);
}

static bool knob_exists(const char *dir, const char *name)
{
	char path[CG_PATH_MAX + 64];

	return path_fmt(path, sizeof(path), "%s/%s", dir, name) == 0 && access(path, F_OK) == 0;
}

/* The OCI conversion (runtime-spec, crun): shares 2..262144 -> weight 1..10000. */
static unsigned long long shares_to_weight(unsigned long long shares)
{
	if (shares < OCI_SHARES_MIN)
		shares = OCI_SHARES_MIN;
	if (shares > OCI_SHARES_MAX)
		shares = OCI_SHARES_MAX;
	return 1 + ((shares - 2) * 9999) / 262142;
}

static unsigned long long weight_to_shares(unsigned long long weight)
{
	if (weight < 1)
		weight = 1;
	if (weight > OCI_WEIGHT_MAX)
		weight = OCI_WEIGHT_MAX;
	return 2 + ((weight - 1) * 262142) / 9999;
}

/*
 * --memory-swap's knob value in @buf: 1; 0 when swap accounting is off and that
 * may be ignored (warned); or a negative errno with @err set.
 */
static int swap_value(const char *dir, bool v2, const struct spec_resources *res, char *buf,
		      size_t len, struct ward_err *err)
{
	const char *swap_knob = v2 ? "memory.swap.max" : "memory.memsw.limit_in_bytes";

	if (res->memory_swap >= 0 && !(res->set & SPEC_RES_MEMORY))
		return err_set(err, 0, "cannot apply --memory-swap without --memory");
	if (res->memory_swap >= 0 && (uint64_t)res->memory_swap < res->memory)
		return err_set(err, 0, "cannot apply --memory-swap: it must be at least --memory");
	if (!knob_exists(dir, swap_knob)) {
		if (!res->ignore_missing)
			return err_set(err, 0,
				       "cannot apply --memory-swap: swap accounting is not enabled "
				       "(no '%s'; boot with swapaccount=1)",
				       swap_knob);
		log_warn("ignoring --memory-swap: swap accounting is not enabled (no '%s')",
			 swap_knob);
		return 0;
	}
	if (res->memory_swap < 0)
		(void)snprintf(buf, len, "%s", v2 ? "max" : "-1");
	else /* v2 limits swap alone; v1 and the flag mean memory plus swap */
		(void)snprintf(buf, len, "%llu",
			       v2 ? (unsigned long long)((uint64_t)res->memory_swap - res->memory)
				  : (unsigned long long)res->memory_swap);
	return 1;
}

static int write_memory(const char *dir, bool v2, const struct spec_resources *res,
			struct ward_err *err)
{
	const char *swap_knob = v2 ? "memory.swap.max" : "memory.memsw.limit_in_bytes";
	const char *mem_knob = v2 ? "memory.max" : "memory.limit_in_bytes";
	char swap[32] = "";
	int r, have_swap = 0;

	if (res->set & SPEC_RES_MEMORY_SWAP) {
		have_swap = swap_value(dir, v2, res, swap, sizeof(swap), err);
		if (have_swap < 0)
			return have_swap;
	}
	if (res->set & SPEC_RES_MEMORY) {
		r = knob_u64(dir, mem_knob, (unsigned long long)res->memory, "--memory", err);
		/* v1 refuses memory above memory+swap's limit (`ward update` raising both):
		 * the latter goes first then */
		if (r == -EINVAL && !v2 && have_swap > 0) {
			r = knob(dir, swap_knob, swap, "--memory-swap", err);
			if (r == 0)
				r = knob_u64(dir, mem_knob, (unsigned long long)res->memory,
					     "--memory", err);
			return r;
		}
		if (r < 0)
			return r;
	}
	return have_swap > 0 ? knob(dir, swap_knob, swap, "--memory-swap", err) : 0;
}

static int write_pids(const char *dir, const struct spec_resources *res, struct ward_err *err)
{
	if (res->pids < 0)
		return knob(dir, "pids.max", "max", "--pids-limit", err);
	return knob_u64(dir, "pids.max", (unsigned long long)res->pids, "--pids-limit", err);
}

static int write_cpu(const char *dir, bool v2, const struct spec_resources *res,
		     struct ward_err *err)
{
	unsigned long long period = res->cpu_period_us ? res->cpu_period_us : 100000;
	int r = 0;

	if (res->set & SPEC_RES_CPUS) {
		if (v2) {
			char buf[64];

			(void)snprintf(buf, sizeof(buf), "%llu %llu",
				       (unsigned long long)res->cpu_quota_us, period);
			r = knob(dir, "cpu.max", buf, "--cpus", err);
		} else {
			/* the period first: the kernel checks the quota against it */
			r = knob_u64(dir, "cpu.cfs_period_us", period, "--cpus", err);
			if (r == 0)
				r = knob_u64(dir, "cpu.cfs_quota_us",
					     (unsigned long long)res->cpu_quota_us, "--cpus", err);
		}
		if (r < 0)
			return r;
	}
	if (res->set & SPEC_RES_CPU_SHARES) {
		if (v2)
			r = knob_u64(dir, "cpu.weight", shares_to_weight(res->cpu_shares),
				     "--cpu-shares", err);
		else
			r = knob_u64(dir, "cpu.shares", res->cpu_shares, "--cpu-shares", err);
		if (r < 0)
			return r;
	}
	if (res->set & SPEC_RES_CPU_WEIGHT) {
		if (v2)
			r = knob_u64(dir, "cpu.weight", res->cpu_weight, "--cpu-weight", err);
		else
			r = knob_u64(dir, "cpu.shares", weight_to_shares(res->cpu_weight),
				     "--cpu-weight", err);
	}
	return r;
}

static int write_cpuset(const char *dir, bool v2, const struct spec_resources *res,
			struct ward_err *err)
{
	if (!v2) {
		/* a new v1 cpuset starts with no memory nodes and takes no task until it has some
		 */
		char parent[CG_PATH_MAX], mems[256];
		char *slash;
		int r;

		(void)copy_str(parent, sizeof(parent), dir); /* same size */
		slash = strrchr(parent, '/');
		if (slash)
			*slash = '\0';
		r = read_token_file(parent, "cpuset.mems", mems, sizeof(mems));
		if (r < 0)
			return err_set(err, -r,
				       "cannot apply --cpuset-cpus: cannot read '%s/cpuset.mems'",
				       parent);
		mems[strcspn(mems, "\n")] = '\0';
		r = knob(dir, "cpuset.mems", mems, "--cpuset-cpus", err);
		if (r < 0)
			return r;
	}
	return knob(dir, "cpuset.cpus", res->cpuset_cpus ? res->cpuset_cpus : "", "--cpuset-cpus",
		    err);
}

/* The device cgroup's rules: v1's devices.deny/allow, or an eBPF program on v2. */
static int write_devices(const char *dir, bool v2, const struct spec_resources *res,
			 struct ward_err *err)
{
	cleanup_close int fd = -1;
	int r;

	if (!v2)
		return devcg_apply_v1(dir, res->devices, res->ndevices, err);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, errno, "cannot open cgroup '%s'", dir);
	r = devcg_apply_v2(fd, res->devices, res->ndevices, err);
	if (r < 0 && res->devices_default) {
		/* a kernel without cgroup eBPF, a sandbox refusing bpf(2) */
		log_warn("the device cgroup cannot be applied (%s): every device node the "
			 "container can create is open to it",
			 err->msg);
		return 0;
	}
	return r;
}

static int write_limits(const struct cg_dir *d, const struct spec_resources *res,
			struct ward_err *err)
{
	int r = 0;

	if (d->controllers & BIT(CG_MEMORY))
		r = write_memory(d->path, d->v2, res, err);
	if (r == 0 && (d->controllers & BIT(CG_PIDS)))
		r = write_pids(d->path, res, err);
	if (r == 0 && (d->controllers & BIT(CG_CPU)))
		r = write_cpu(d->path, d->v2, res, err);
	if (r == 0 && (d->controllers & BIT(CG_CPUSET)))
		r = write_cpuset(d->path, d->v2, res, err);
	if (r == 0 && (d->controllers & BIT(CG_DEVICES)))
		r = write_devices(d->path, d->v2, res, err);
	return r;
}

/* @mount's part for ward's own cgroup (@own is "/" or "/a/b"). */
static int own_path(char *out, size_t len, const char *mount, const char *own, struct ward_err *err)
{
	if (path_fmt(out, len, "%s%s", mount, strcmp(own, "/") == 0 ? "" : own) < 0)
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
	(void)read_token_file(own, "cgroup.subtree_control", present, sizeof(present));
	for (int c = 0; c < CG_NR_CONTROLLERS; c++)
		if ((v2mask & w->ctrls & BIT(c)) && !has_token(present, ctrl_names[c], " \n"))
			all = false;
	if (all || strcmp(l->v2_own, "/") == 0) {
		r = all ? 0 : enable_controllers(own, w, v2mask, res, err);
		if (r < 0)
			return r;
		return copy_str(parent, len, own) < 0
			   ? err_set(err, ENAMETOOLONG, "cgroup path '%s'", own)
			   : 0;
	}
	*shared = true;
	if (path_fmt(parent, len, "%s/%s", l->v2_mount, CG_FALLBACK_PARENT) < 0)
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

	if (path_fmt(out, len, abs ? "%s%s" : "%s/%s", abs ? mount : base, pl->path) < 0)
		return err_set(err, ENAMETOOLONG, "cannot create cgroup '%s' below '%s'", pl->path,
			       abs ? mount : base);
	return 0;
}

static bool is_v1_cpuset(const struct cg_layout *l, const char *mount, bool v2)
{
	return !v2 && on_v1(l, CG_CPUSET) && strcmp(mount, l->v1_mount[CG_CPUSET]) == 0;
}

/* A new v1 cpuset has no cpus and no mems, and refuses tasks: give it its parent's. */
static int inherit_cpuset(const char *dir, struct ward_err *err)
{
	static const char *const knobs[] = {"cpuset.cpus", "cpuset.mems"};
	char parent[CG_PATH_MAX], value[4096], path[CG_PATH_MAX + 32];
	char *slash;

	(void)copy_str(parent, sizeof(parent), dir); /* same size */
	slash = strrchr(parent, '/');
	if (slash)
		*slash = '\0';
	for (size_t i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++) {
		int r = read_token_file(parent, knobs[i], value, sizeof(value));

		if (r < 0)
			return err_set(err, -r, "cannot read '%s/%s'", parent, knobs[i]);
		value[strcspn(value, "\n")] = '\0';
		if (path_fmt(path, sizeof(path), "%s/%s", dir, knobs[i]) < 0)
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
				remove_fake_knobs(dir);
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
	(void)copy_str(dir, CG_PATH_MAX, leaf); /* @leaf fits in CG_PATH_MAX */
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

		/* taken: say so before enabling anything on the way (mkdir says it too) */
		if (lstat(leaf, &st) == 0)
			return err_set(err, EEXIST, "cgroup '%s' already exists", leaf);
		r = make_ancestors(l, pl, mount, leaf, v2, w, mask, res, err);
		if (r < 0)
			return r;
	}
	/* evaluated after make_ancestors(): --ignore-missing-limits may have dropped some */
	r = add_dir(l, h, leaf, v2, mask & w->ctrls, err);
	if (r < 0)
		return r;
	/* a cpuset limit writes both itself; otherwise (a cpuset co-mounted) inherit them */
	if (is_v1_cpuset(l, mount, v2) && !(mask & w->ctrls & BIT(CG_CPUSET)))
		return inherit_cpuset(leaf, err);
	return 0;
}

static int create_all(const struct cg_layout *l, struct placement *pl,
		      const struct spec_resources *res, struct cg_handle *h, struct ward_err *err)
{
	char v2root_ctrls[512] = "", parent[CG_PATH_MAX], path[CG_PATH_MAX];
	unsigned int v2mask = 0;
	struct want w;
	int r;

	want_from(res, &w);
	if (l->v2_mount[0])
		(void)read_token_file(l->v2_mount, "cgroup.controllers", v2root_ctrls,
				      sizeof(v2root_ctrls));
	for (int c = 0; c < CG_NR_CONTROLLERS; c++) {
		if (!(w.ctrls & BIT(c)) || on_v1(l, c))
			continue;
		/* cgroup v2 has no devices controller to enable: an eBPF program does it */
		if (c == CG_DEVICES && l->v2_mount[0])
			continue;
		if (l->v2_mount[0] && has_token(v2root_ctrls, ctrl_names[c], " \n")) {
			v2mask |= BIT(c);
			continue;
		}
		r = missing(&w, res, c, "is not available", err);
		if (r < 0)
			return r;
	}

	/* cgroup v2: always on a v2 host; on a hybrid host too, for cgroup.kill */
	if (l->v2_mount[0] && (l->mode == CG_V2 || (v2mask & w.ctrls) || l->mode == CG_HYBRID)) {
		bool devices = (w.ctrls & BIT(CG_DEVICES)) && !on_v1(l, CG_DEVICES);
		bool needed = l->mode == CG_V2 || (v2mask & w.ctrls) || devices;
		size_t made = pl->nmade;

		for (int tries = 0;; tries++) {
			bool shared = false;

			/* an explicit path gets no shared parent: the caller chose the place */
			if (pl->explicit_path)
				r = own_path(parent, sizeof(parent), l->v2_mount, l->v2_own, err);
			else
				r = v2_parent(l, res, &w, v2mask, parent, sizeof(parent), &shared,
					      err);
			if (r == 0)
				r = leaf_path(pl, l->v2_mount, parent, path, sizeof(path), err);
			if (r == 0)
				r = place_dir(l, pl, h, l->v2_mount, path, true, v2mask, &w, res,
					      err);
			if (r == 0 && shared)
				(void)copy_str(h->shared_parent, CG_PATH_MAX, parent); /* fits */
			/* another ward removed the shared parent as it emptied: set it up again */
			if (r != -ENOENT || !shared || tries == 3)
				break;
		}
		if (r == 0 && devices)
			h->dirs[h->ndirs - 1].controllers |= BIT(CG_DEVICES);
		if (r == 0)
			r = write_limits(&h->dirs[h->ndirs - 1], res, err);
		/* a cgroup that is there already belongs to someone else, needed or not */
		if (r < 0 && (needed || r == -EEXIST))
			return r;
		if (r < 0) { /* only the hybrid host's extra tracking cgroup */
			log_debug("cgroup: no cgroup2 cgroup for the container: %s", err->msg);
			unmake_ancestors(pl, made, l->fake);
		}
	}

	/*
	 * cgroup v1: one cgroup per hierarchy holding a wanted controller; for an
	 * explicit path also in pids, memory and cpu without a limit (not cpuset: a
	 * new v1 cpuset has no cpus until a limit gives it some).
	 */
	for (int c = 0; c < CG_NR_CONTROLLERS; c++) {
		bool done = false;

		if (!on_v1(l, c) || (!(w.ctrls & BIT(c)) &&
				     !(pl->explicit_path && c != CG_CPUSET && c != CG_DEVICES)))
			continue;
		for (size_t i = 0; i < h->ndirs; i++) {
			size_t mlen = strlen(l->v1_mount[c]);

			/* co-mounted with a controller already placed (cpu,cpuset on one mount) */
			if (!h->dirs[i].v2 && strncmp(h->dirs[i].path, l->v1_mount[c], mlen) == 0 &&
			    h->dirs[i].path[mlen] == '/') {
				h->dirs[i].controllers |= BIT(c) & w.ctrls;
				done = true;
			}
		}
		if (done)
			continue;
		r = own_path(parent, sizeof(parent), l->v1_mount[c], l->v1_own[c], err);
		if (r == 0)
			r = leaf_path(pl, l->v1_mount[c], parent, path, sizeof(path), err);
		if (r == 0)
			r = place_dir(l, pl, h, l->v1_mount[c], path, false, BIT(c), &w, res, err);
		if (r < 0)
			return r;
	}
	/* v1 or hybrid: the container needs a v1 cgroup even with no limit (pids, memory, cpu) */
	if (l->mode == CG_V1 || l->mode == CG_HYBRID) {
		bool any_v1 = false;

		for (size_t i = 0; i < h->ndirs; i++)
			any_v1 |= !h->dirs[i].v2;
		/* not cpuset: a new v1 cpuset has no cpus and takes no task */
		static const enum cg_controller order[] = {CG_PIDS, CG_MEMORY, CG_CPU};

		for (size_t i = 0; !any_v1 && i < sizeof(order) / sizeof(order[0]); i++) {
			enum cg_controller c = order[i];

			if (!on_v1(l, c))
				continue;
			r = own_path(parent, sizeof(parent), l->v1_mount[c], l->v1_own[c], err);
			if (r == 0)
				r = leaf_path(pl, l->v1_mount[c], parent, path, sizeof(path), err);
			if (r == 0)
				r = place_dir(l, pl, h, l->v1_mount[c], path, false, 0, &w, res,
					      err);
			if (r < 0)
				return r;
			any_v1 = true;
		}
	}
	for (size_t i = 0; i < h->ndirs; i++) {
		if (h->dirs[i].v2)
			continue; /* written above */
		r = write_limits(&h->dirs[i], res, err);
		if (r < 0)
			return r;
	}
	if (h->ndirs == 0)
		log_warn("no cgroup hierarchy is usable: the container gets no cgroup of its own");
	return 0;
}

static bool valid_id(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > CG_ID_MAX)
		return false;
	for (const char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' || *p == '-'))
			return false;
	return true;
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
	struct placement pl = {.path = name};

	memset(h, 0, sizeof(*h));
	h->fake = l->fake;
	if (!valid_id(id))
		return err_set(err, 0, "invalid container id '%s'", id);
	/* no owner pid in the name: cg_cleanup_stale() leaves it to `ward delete` */
	(void)snprintf(name, sizeof(name), CG_NAME_PREFIX "oci-%s", id);
	return create_named(l, &pl, res, h, err);
}

int cg_create(const struct cg_layout *l, const char *id, const struct spec_resources *res,
	      struct cg_handle *h, struct ward_err *err)
{
	unsigned long long start = 0;
	char name[CG_ID_MAX + 64];
	struct placement pl = {.path = name};
	int r;

	memset(h, 0, sizeof(*h));
	h->fake = l->fake;
	if (!valid_id(id))
		return err_set(err, 0, "invalid container id '%s'", id);
	r = proc_starttime(getpid(), &start);
	if (r < 0)
		return err_set(err, -r, "cannot read ward's start time from '/proc/self/stat'");
	(void)snprintf(name, sizeof(name), CG_NAME_PREFIX "%d-%llu-%s", (int)getpid(), start, id);
	return create_named(l, &pl, res, h, err);
}

/*
 * systemd's cgroup of a slice: "" and "-.slice" are the root, "a-b.slice" is
 * "/a.slice/a-b.slice". Return: 0, or -EINVAL for a name that is not a slice.
 */
static int slice_path(const char *slice, size_t n, char *out, size_t len)
{
	static const char suffix[] = ".slice";
	size_t slen = sizeof(suffix) - 1, used = 0, base;

	out[0] = '\0';
	if (n == 0 || (n == 7 && strncmp(slice, "-.slice", 7) == 0))
		return 0;
	if (n <= slen || strncmp(slice + n - slen, suffix, slen) != 0 ||
	    memchr(slice, '/', n) != NULL)
		return -EINVAL;
	base = n - slen;
	/* systemd refuses "-a", "a-" and "a--b" */
	if (slice[0] == '-' || slice[base - 1] == '-')
		return -EINVAL;
	for (size_t i = 0; i <= base; i++) {
		if (i < base && slice[i] != '-')
			continue;
		if (i < base && slice[i + 1] == '-')
			return -EINVAL;
		if (path_fmt(out + used, len - used, "/%.*s.slice", (int)i, slice) < 0)
			return -ENAMETOOLONG;
		used += strlen(out + used);
	}
	return 0;
}

/* The systemd form: exactly two ':' and no '/' (a slice name never has one). */
static bool systemd_form(const char *v)
{
	const char *c1 = strchr(v, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

	return c2 && !strchr(c2 + 1, ':') && !strchr(v, '/');
}

/*
 * linux.cgroupsPath as a cgroupfs path, as runc's and crun's cgroupfs drivers
 * read it: "/a/b" or "a/b" with "." and repeated slashes dropped, or systemd's
 * "slice:prefix:name" as "<the slice's path>/prefix-name.scope".
 */
static int resolve_cgroups_path(const char *value, char *out, size_t len, struct ward_err *err)
{
	char raw[CG_PATH_MAX];
	const char *in = value;
	size_t used = 0;
	bool abs;

	if (systemd_form(value)) {
		const char *c1 = strchr(value, ':'), *prefix = c1 + 1, *c2 = strchr(prefix, ':');
		const char *name = c2 + 1;
		int slen = (int)(c1 - value), plen = (int)(c2 - prefix), r;

		if (!name[0])
			return err_set(err, 0,
				       "invalid linux.cgroupsPath '%s': no name after '%.*s:'",
				       value, (int)(c2 - value), value);
		r = slice_path(value, (size_t)slen, raw, sizeof(raw));
		if (r == -EINVAL)
			return err_set(
			    err, 0, "invalid linux.cgroupsPath '%s': '%.*s' is not a systemd slice",
			    value, slen, value);
		if (r == 0) {
			size_t off = strlen(raw);

			r = plen ? path_fmt(raw + off, sizeof(raw) - off, "/%.*s-%s.scope", plen,
					    prefix, name)
				 : path_fmt(raw + off, sizeof(raw) - off, "/%s", name);
		}
		if (r < 0)
			return err_set(err, ENAMETOOLONG, "invalid linux.cgroupsPath '%s'", value);
		in = raw;
	}
	abs = in[0] == '/';
	for (const char *p = in; *p;) {
		size_t n;

		p += strspn(p, "/");
		n = strcspn(p, "/");
		if (n == 0)
			break;
		if (n == 2 && strncmp(p, "..", 2) == 0)
			return err_set(err, 0,
				       "invalid linux.cgroupsPath '%s': it has a '..' component",
				       value);
		if (!(n == 1 && p[0] == '.')) {
			size_t sep = used || abs ? 1 : 0;

			if (used + sep + n >= len)
				return err_set(err, ENAMETOOLONG, "invalid linux.cgroupsPath '%s'",
					       value);
			if (sep)
				out[used++] = '/';
			memcpy(out + used, p, n);
			used += n;
		}
		p += n;
	}
	out[used] = '\0';
	if (used == 0)
		return err_set(err, 0, "invalid linux.cgroupsPath '%s': it names no cgroup", value);
	return 0;
}

int cg_create_path(const struct cg_layout *l, const char *cgpath, const struct spec_resources *res,
		   struct cg_handle *h, struct ward_err *err)
{
	char path[CG_PATH_MAX];
	struct placement pl = {.path = path, .explicit_path = true};
	int r;

	memset(h, 0, sizeof(*h));
	h->fake = l->fake;
	r = resolve_cgroups_path(cgpath, path, sizeof(path), err);
	if (r < 0)
		return r;
	log_debug("cgroup: linux.cgroupsPath '%s' is '%s'", cgpath, path);
	return create_named(l, &pl, res, h, err);
}

/* ------------------------------------------------------------------ use */

int cg_attach(const struct cg_handle *h, pid_t pid, struct ward_err *err)
{
	char path[CG_PATH_MAX + 32], buf[24];

	(void)snprintf(buf, sizeof(buf), "%d", (int)pid);
	for (size_t i = 0; i < h->ndirs; i++) {
		if (path_fmt(path, sizeof(path), "%s/cgroup.procs", h->dirs[i].path) < 0)
			return err_set(err, ENAMETOOLONG, "cannot attach to cgroup '%s'",
				       h->dirs[i].path);
		if (write_file(path, buf, err) < 0)
			return err_prefix(err, "cannot move the container into cgroup '%s'",
					  h->dirs[i].path);
	}
	return 0;
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

int cg_update(const struct cg_layout *l, const struct cg_handle *h,
	      const struct spec_resources *res, struct ward_err *err)
{
	struct spec_resources only = *res;
	struct want w;

	/* the device cgroup is set at create and left alone, as runc does */
	only.set &= ~(unsigned int)SPEC_RES_DEVICES;
	want_from(&only, &w);
	for (int c = 0; c < CG_NR_CONTROLLERS; c++) {
		const struct cg_dir *found = NULL;
		struct cg_dir d;
		int r;

		if (!(w.ctrls & BIT(c)))
			continue;
		for (size_t i = 0; i < h->ndirs && !found; i++) {
			const struct cg_dir *x = &h->dirs[i];
			size_t mlen = strlen(l->v1_mount[c]);
			char ctrls[512] = "";

			if (on_v1(l, c)) {
				if (!x->v2 && strncmp(x->path, l->v1_mount[c], mlen) == 0 &&
				    x->path[mlen] == '/')
					found = x;
			} else if (x->v2 &&
				   read_token_file(x->path, "cgroup.controllers", ctrls,
						   sizeof(ctrls)) == 0 &&
				   has_token(ctrls, ctrl_names[c], " \n")) {
				found = x;
			}
		}
		if (!found)
			return err_set(err, 0,
				       "cannot update %s: the container's cgroup has no %s "
				       "controller (it was created without such a limit)",
				       w.flag[c], ctrl_names[c]);
		d = *found;
		d.controllers = BIT(c);
		r = write_limits(&d, &only, err);
		if (r < 0)
			return r;
	}
	return 0;
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
	unsigned long long deadline = now_ns() + CG_KILL_TIMEOUT_NS;
	char path[CG_PATH_MAX + 32], events[512];

	if (!d)
		return err_set(err, ENOTSUP,
			       "the container has no cgroup2 cgroup: freezing needs cgroup v2's "
			       "cgroup.freeze (this host has only cgroup v1)");
	if (path_fmt(path, sizeof(path), "%s/cgroup.freeze", d->path) < 0)
		return err_set(err, ENAMETOOLONG, "cgroup '%s'", d->path);
	if (write_file(path, frozen ? "1" : "0", err) < 0)
		return -EIO;
	/* the write only asks: cgroup.events says when every task is (un)frozen */
	(void)path_fmt(path, sizeof(path), "%s/cgroup.events", d->path); /* fits: as above */
	for (;;) {
		if (read_knob(path, events, sizeof(events)) < 0)
			return err_set(err, errno, "cannot read '%s'", path);
		if (has_token(events, frozen ? "frozen 1" : "frozen 0", "\n"))
			return 0;
		if (now_ns() > deadline)
			return err_set(err, ETIMEDOUT, "cgroup '%s' did not %s in 2 s", d->path,
				       frozen ? "freeze" : "thaw");
		pause_briefly();
	}
}

bool cg_frozen(const struct cg_handle *h)
{
	const struct cg_dir *d = v2_dir(h);
	char path[CG_PATH_MAX + 32], value[16];

	return d && path_fmt(path, sizeof(path), "%s/cgroup.freeze", d->path) == 0 &&
	       read_knob(path, value, sizeof(value)) > 0 && value[0] == '1';
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

		if (path_fmt(path, sizeof(path), "%s/cgroup.procs", h->dirs[i].path) < 0)
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

/* The number after "KEY " on a line of a flat-keyed knob; -1 when absent. */
static long long keyed_value(const char *text, const char *key)
{
	size_t klen = strlen(key);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, key, klen) == 0 && p[klen] == ' ')
			return strtoll(p + klen + 1, NULL, 10);
	}
	return -1;
}

bool cg_oom_killed(const struct cg_handle *h)
{
	char buf[4096];

	for (size_t i = 0; i < h->ndirs; i++) {
		const struct cg_dir *d = &h->dirs[i];
		long long n;

		if (!(d->controllers & BIT(CG_MEMORY)))
			continue;
		if (d->v2) {
			if (read_token_file(d->path, "memory.events", buf, sizeof(buf)) == 0 &&
			    keyed_value(buf, "oom_kill") > 0)
				return true;
			continue;
		}
		if (read_token_file(d->path, "memory.oom_control", buf, sizeof(buf)) == 0) {
			n = keyed_value(buf, "oom_kill");
			if (n >= 0) {
				if (n > 0)
					return true;
				continue;
			}
		}
		/* before 4.13: the limit was hit; close enough to say the OOM killer ran */
		if (read_token_file(d->path, "memory.failcnt", buf, sizeof(buf)) == 0 &&
		    strtoll(buf, NULL, 10) > 0)
			return true;
	}
	return false;
}

/* ------------------------------------------------------------------ stale cgroups */

static bool owner_alive(const char *name)
{
	unsigned long long start = 0, now = 0;
	int pid = 0, used = 0;

	if (sscanf(name, CG_NAME_PREFIX "%d-%llu-%n", &pid, &start, &used) != 2 || used == 0 ||
	    pid <= 0)
		return true; /* not one of ours: leave it alone */
	if (proc_starttime((pid_t)pid, &now) < 0)
		return false;
	return now == start;
}

static int sweep(const char *dir, bool fake, struct ward_err *err)
{
	cleanup_close int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	unsigned long long deadline = now_ns() + CG_KILL_TIMEOUT_NS;
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
		if (path_fmt(path, sizeof(path), "%s/%s", dir, de->d_name) < 0)
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
		if (path_fmt(dirs[n], CG_PATH_MAX, "%s%s", l->v2_mount,
			     strcmp(l->v2_own, "/") == 0 ? "" : l->v2_own) == 0)
			n++;
		if (path_fmt(dirs[n], CG_PATH_MAX, "%s/%s", l->v2_mount, CG_FALLBACK_PARENT) == 0)
			shared = n++;
	}
	for (int c = 0; c < CG_NR_CONTROLLERS; c++) {
		bool dup = false;

		if (!on_v1(l, c) ||
		    path_fmt(dirs[n], CG_PATH_MAX, "%s%s", l->v1_mount[c],
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
