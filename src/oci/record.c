/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * record.c - OCI containers across ward invocations: the state directory, ward's
 * record of each container, the status derived from it (the init's pid and start
 * time, the exec fifo), the state JSON the spec defines, and the hooks' runner.
 */
#include "state_int.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "ward/caps.h"
#include "ward/cgroup.h"
#include "ward/cleanup.h"
#include "ward/hooks.h"
#include "ward/json.h"
#include "ward/log.h"
#include "ward/oci.h"
#include "ward/process.h"
#include "ward/spec.h"
#include "ward/sys.h"
#include "ward/util.h"

void record_release(struct record *r)
{
	free(r->bundle);
	free(r->created);
	free(r->rootfs);
	strv_release(&r->annotations);
	memset(r, 0, sizeof(*r));
}

static void tree_freep(yajl_val *v)
{
	yajl_tree_free(*v);
}

void gen_freep(yajl_gen *g)
{
	if (*g)
		yajl_gen_free(*g);
}

const char *state_status_name(enum state_status s)
{
	switch (s) {
	case STATE_CREATING:
		return "creating";
	case STATE_CREATED:
		return "created";
	case STATE_RUNNING:
		return "running";
	case STATE_PAUSED:
		return "paused";
	case STATE_STOPPED:
		return "stopped";
	}
	return "unknown";
}

bool state_valid_id(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > STATE_ID_MAX || id[0] == '.' || id[0] == '-')
		return false;
	for (const char *p = id; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.' && *p != '-')
			return false;
	return true;
}

int state_parse_signal(const char *s)
{
	uint64_t n;
	const char *name = s;

	if (parse_u64(s, 64, &n))
		return n >= 1 && n <= (uint64_t)SIGRTMAX ? (int)n : -1;
	if (strncasecmp(name, "SIG", 3) == 0)
		name += 3;
	for (int sig = 1; sig < NSIG; sig++) {
		const char *abbrev = sigabbrev_np(sig);

		if (abbrev && strcasecmp(abbrev, name) == 0)
			return sig;
	}
	return -1;
}

bool state_parse_stop_timeout(const char *s, long *out)
{
	uint64_t v;

	if (strcmp(s, "-1") == 0) {
		*out = -1;
		return true;
	}
	if (!parse_u64(s, 86400, &v))
		return false;
	*out = (long)v;
	return true;
}

/* ---- the record on disk ------------------------------------------------------ */

char *state_dir(const struct state_opts *o)
{
	return xasprintf("%s/%s", o->root, o->id);
}

int state_check_id(const struct state_opts *o, struct ward_err *err)
{
	if (!o->id)
		return err_set(err, 0, "no container id given");
	if (!state_valid_id(o->id))
		return err_set(err, 0,
			       "invalid container id '%s': use 1 to %d of A-Z a-z 0-9 _ . -, "
			       "not starting with . or -",
			       o->id, STATE_ID_MAX);
	return 0;
}

static int gen_to_file(yajl_gen g, const char *dir, const char *name, struct ward_err *err)
{
	cleanup_free char *tmp = xasprintf("%s/.%s.tmp", dir, name);
	cleanup_free char *path = xasprintf("%s/%s", dir, name);
	const unsigned char *buf;
	cleanup_close int fd = -1;
	size_t len;

	if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
		return err_set(err, EIO, "cannot format '%s'", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_set(err, errno, "cannot write '%s'", tmp);
	/*
	 * No fsync: the state lives under /run (a tmpfs on most hosts, and gone at
	 * boot with every container it describes); the rename keeps a reader from
	 * ever seeing half a record. runc does the same.
	 */
	if (fd_write_all(fd, buf, len) < 0) {
		int e = errno ? errno : EIO;

		(void)unlink(tmp);
		return err_set(err, e, "cannot write '%s'", tmp);
	}
	/*
	 * A record rewritten: the two swap names and the old one goes. A rename
	 * over the old one would do as well, but ext4 (a /run or --root on disk)
	 * then writes the new one out at once (auto_da_alloc, for editors that
	 * skip fsync) and its removal at the container's end waits for that
	 * write: ~0.1 ms of every `ward run` on such a host, for a file whose
	 * durability nothing needs. No record yet (ENOENT), or a filesystem
	 * without the exchange (EINVAL): the rename.
	 */
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_EXCHANGE) == 0) {
		(void)unlink(tmp);
		return 0;
	}
	if (errno != ENOENT && errno != EINVAL) {
		int e = errno;

		(void)unlink(tmp);
		return err_set(err, e, "cannot write '%s'", path);
	}
	if (rename(tmp, path) < 0) {
		int e = errno;

		(void)unlink(tmp);
		return err_set(err, e, "cannot write '%s'", path);
	}
	return 0;
}

/* "annotations": {key: value, ...} */
static void gen_annotations(yajl_gen g, const struct record *r)
{
	GSTR(g, "annotations");
	yajl_gen_map_open(g);
	for (size_t i = 0; i + 1 < r->annotations.n; i += 2) {
		GSTR(g, r->annotations.v[i]);
		GSTR(g, r->annotations.v[i + 1]);
	}
	yajl_gen_map_close(g);
}

int record_write(const char *dir, const struct record *r, struct ward_err *err)
{
	__attribute__((cleanup(gen_freep))) yajl_gen g = yajl_gen_alloc(NULL);

	if (!g)
		abort();
	yajl_gen_map_open(g);
	GSTR(g, "id");
	GSTR(g, r->id);
	GSTR(g, "pid");
	yajl_gen_integer(g, r->pid);
	GSTR(g, "pidStart");
	yajl_gen_integer(g, (long long)r->pid_start);
	if (!r->pid || r->auto_remove) { /* ward run: the ward that removes it at its end */
		GSTR(g, "creatorPid");
		yajl_gen_integer(g, r->creator);
		GSTR(g, "creatorStart");
		yajl_gen_integer(g, (long long)r->creator_start);
	}
	if (r->auto_remove) {
		GSTR(g, "autoRemove");
		yajl_gen_bool(g, 1);
	}
	GSTR(g, "bundle");
	GSTR(g, r->bundle);
	GSTR(g, "rootfs");
	GSTR(g, r->rootfs ? r->rootfs : "");
	if (r->root_mnt) {
		GSTR(g, "rootfsMount");
		yajl_gen_integer(g, (long long)r->root_mnt);
	}
	GSTR(g, "created");
	GSTR(g, r->created);
	GSTR(g, "savedConfigNeeded");
	yajl_gen_bool(g, r->needs_config);
	gen_annotations(g, r);
	GSTR(g, "cgroups");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < r->cg.ndirs; i++) {
		yajl_gen_map_open(g);
		GSTR(g, "path");
		GSTR(g, r->cg.dirs[i].path);
		GSTR(g, "v2");
		yajl_gen_bool(g, r->cg.dirs[i].v2);
		GSTR(g, "controllers");
		yajl_gen_integer(g, r->cg.dirs[i].controllers);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	GSTR(g, "cgroupSharedParent");
	GSTR(g, r->cg.shared_parent);
	yajl_gen_map_close(g);
	return gen_to_file(g, dir, STATE_FILE, err);
}

static const char *jstr(yajl_val obj, const char *key)
{
	const char *path[] = {key, NULL};
	yajl_val v = yajl_tree_get(obj, path, yajl_t_string);

	return v ? v->u.string : NULL;
}

static long long jint(yajl_val obj, const char *key)
{
	const char *path[] = {key, NULL};
	yajl_val v = yajl_tree_get(obj, path, yajl_t_number);

	return v && YAJL_IS_INTEGER(v) ? YAJL_GET_INTEGER(v) : 0;
}

/* Return: 0; -ENOENT when there is no state.json (yet); another -errno. */
int record_read(const char *dir, struct record *r, struct ward_err *err)
{
	cleanup_free char *path = xasprintf("%s/%s", dir, STATE_FILE);
	cleanup_free char *text = NULL;
	__attribute__((cleanup(tree_freep))) yajl_val root = NULL;
	const char *cgpath[] = {"cgroups", NULL}, *annpath[] = {"annotations", NULL};
	yajl_val cgs, ann;
	const char *s;
	size_t len;
	int ret;

	memset(r, 0, sizeof(*r));
	ret = read_file(path, STATE_MAX, &text, &len, err);
	if (ret < 0)
		return ret;
	/* ward wrote it, but a NUL in a string would cut it short: refuse that too */
	if (json_check(text, len, JSON_MAX_DEPTH, err) < 0)
		return err_set(err, EINVAL, "'%s' is corrupt", path);
	root = yajl_tree_parse(text, NULL, 0);
	if (!root || !YAJL_IS_OBJECT(root))
		return err_set(err, EINVAL, "'%s' is corrupt", path);
	s = jstr(root, "id");
	(void)snprintf(r->id, sizeof(r->id), "%s", s ? s : "");
	r->pid = (pid_t)jint(root, "pid");
	r->pid_start = (unsigned long long)jint(root, "pidStart");
	r->creator = (pid_t)jint(root, "creatorPid");
	r->creator_start = (unsigned long long)jint(root, "creatorStart");
	r->auto_remove = yajl_tree_get(root, (const char *[]){"autoRemove", NULL}, yajl_t_true);
	r->bundle = xstrdup((s = jstr(root, "bundle")) ? s : "");
	r->created = xstrdup((s = jstr(root, "created")) ? s : "");
	r->rootfs = xstrdup((s = jstr(root, "rootfs")) ? s : "");
	r->root_mnt = (unsigned long long)jint(root, "rootfsMount");
	/* a record without the field (an older ward's) reads its config as before */
	r->needs_config =
	    !yajl_tree_get(root, (const char *[]){"savedConfigNeeded", NULL}, yajl_t_false);
	ann = yajl_tree_get(root, annpath, yajl_t_object);
	for (size_t i = 0; ann && i < ann->u.object.len; i++) {
		if (!YAJL_IS_STRING(ann->u.object.values[i]))
			continue;
		strv_push(&r->annotations, ann->u.object.keys[i]);
		strv_push(&r->annotations, ann->u.object.values[i]->u.string);
	}
	cgs = yajl_tree_get(root, cgpath, yajl_t_array);
	for (size_t i = 0; cgs && i < cgs->u.array.len && r->cg.ndirs < CG_MAX_DIRS; i++) {
		yajl_val d = cgs->u.array.values[i];
		const char *vpath[] = {"v2", NULL};
		struct cg_dir *cd = &r->cg.dirs[r->cg.ndirs];

		if (!(s = jstr(d, "path")) || strlen(s) >= CG_PATH_MAX)
			continue;
		memcpy(cd->path, s, strlen(s) + 1);
		cd->v2 = yajl_tree_get(d, vpath, yajl_t_true) != NULL;
		cd->controllers = (unsigned int)jint(d, "controllers");
		r->cg.ndirs++;
	}
	s = jstr(root, "cgroupSharedParent");
	if (s && strlen(s) < CG_PATH_MAX)
		memcpy(r->cg.shared_parent, s, strlen(s) + 1);
	return 0;
}

int pid_start_time(pid_t pid, unsigned long long *start, char *state)
{
	char path[64];

	(void)snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	return sys_proc_start(AT_FDCWD, path, start, state);
}

/* @pid is the process that started at @start, and not a zombie. */
static bool same_alive(pid_t pid, unsigned long long start)
{
	unsigned long long now;
	char st;

	if (pid <= 0 || pid_start_time(pid, &now, &st) < 0)
		return false;
	return now == start && st != 'Z' && st != 'X';
}

/* The same process as at create, and not a zombie. */
bool init_alive(const struct record *r)
{
	return same_alive(r->pid, r->pid_start);
}

bool record_abandoned(const struct record *r)
{
	return r->auto_remove && r->creator && !same_alive(r->creator, r->creator_start) &&
	       (!r->pid || !init_alive(r));
}

int init_kill(const struct record *r, int sig)
{
	cleanup_close int fd = (int)syscall(SYS_pidfd_open, r->pid, 0);

	if (fd < 0 && errno == ENOSYS) /* before Linux 5.3: the record's pid, as it is */
		return init_alive(r) && kill(r->pid, sig) < 0 ? -errno : 0;
	if (fd < 0)
		return -errno;
	/* the pidfd names one process for good: the recorded one, if it started then */
	if (!init_alive(r))
		return -ESRCH;
	return syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0) < 0 ? -errno : 0;
}

/*
 * No record: create has only reserved the id. A record without a pid: create
 * is at work (its cgroups recorded), or was killed there (stopped: its init
 * went with it, and delete removes the cgroups).
 */
static enum state_status status_of(const char *dir, const struct record *r, bool have_record)
{
	cleanup_free char *fifo = xasprintf("%s/%s", dir, EXEC_FIFO);

	if (!have_record)
		return STATE_CREATING;
	if (!r->pid)
		return same_alive(r->creator, r->creator_start) ? STATE_CREATING : STATE_STOPPED;
	if (!init_alive(r))
		return STATE_STOPPED;
	if (access(fifo, F_OK) == 0)
		return STATE_CREATED;
	return cg_frozen(&r->cg) ? STATE_PAUSED : STATE_RUNNING;
}

/*
 * Open and lock the container's directory; the lock goes with the descriptor.
 * The directory the lock was taken on must still be the one at @dir: a delete
 * and a new container of the same name may have come in while we waited, and
 * a lock on the removed directory would guard nothing.
 */
static int lock_container(const char *dir, const char *id, struct ward_err *err)
{
	for (int tries = 0;; tries++) {
		int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		struct stat held, now;

		if (fd < 0) {
			if (errno == ENOENT)
				return err_set(err, 0, "container '%s' does not exist", id);
			return err_set(err, errno, "cannot open '%s'", dir);
		}
		if (flock(fd, LOCK_EX) < 0) {
			int e = errno;

			close(fd);
			return err_set(err, e, "cannot lock '%s'", dir);
		}
		if (fstat(fd, &held) == 0 && stat(dir, &now) == 0 && held.st_dev == now.st_dev &&
		    held.st_ino == now.st_ino)
			return fd;
		close(fd);
		if (tries == 8)
			return err_set(err, EAGAIN, "cannot lock '%s': it keeps being replaced",
				       dir);
	}
}

/* Load the record and status of an existing container (locked by the caller). */
int record_load(const struct state_opts *o, const char *dir, struct record *r,
		enum state_status *st, struct ward_err *err)
{
	int ret = record_read(dir, r, err);

	if (ret < 0 && ret != -ENOENT)
		return ret;
	*st = status_of(dir, r, ret == 0);
	if (ret < 0)
		(void)snprintf(r->id, sizeof(r->id), "%s", o->id);
	return 0;
}

/*
 * The verbs' way into an existing container: a valid id, its directory, its
 * lock (held until the caller closes *@lock), its record and status.
 */
int open_container(const struct state_opts *o, char **dir, int *lock, struct record *rec,
		   enum state_status *st, struct ward_err *err)
{
	int r = state_check_id(o, err);

	if (r < 0)
		return r;
	*dir = state_dir(o);
	*lock = lock_container(*dir, o->id, err);
	if (*lock < 0)
		return *lock;
	return record_load(o, *dir, rec, st, err);
}

/* ---- the state JSON and hooks ---------------------------------------------------- */

void gen_state(yajl_gen g, const struct record *r, const char *status)
{
	yajl_gen_map_open(g);
	gen_state_fields(g, r, status);
	yajl_gen_map_close(g);
}

void gen_state_fields(yajl_gen g, const struct record *r, const char *status)
{
	GSTR(g, "ociVersion");
	GSTR(g, OCI_VERSION);
	GSTR(g, "id");
	GSTR(g, r->id);
	GSTR(g, "status");
	GSTR(g, status);
	GSTR(g, "pid");
	yajl_gen_integer(g, strcmp(status, "stopped") != 0 ? r->pid : 0);
	GSTR(g, "bundle");
	GSTR(g, r->bundle ? r->bundle : "");
	gen_annotations(g, r);
}

char *state_json(const struct record *r, const char *status)
{
	__attribute__((cleanup(gen_freep))) yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;

	if (!g)
		abort();
	gen_state(g, r, status);
	if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
		return xstrdup("{}");
	return xasprintf("%.*s", (int)len, (const char *)buf);
}

/* Run the hooks of @kind with the state of @r as @st. */
int state_run_hooks(const struct container_spec *spec, enum spec_hook_kind kind,
		    const struct record *r, enum state_status st, struct ward_err *err)
{
	cleanup_free char *json = NULL;

	if (!hooks_any(spec, kind))
		return 0;
	json = state_json(r, state_status_name(st));
	return hooks_run(spec, kind, json, err);
}

/* The record without a pid, naming the ward create at work (see status_of()). */
int record_begin(struct record *r, struct ward_err *err)
{
	int ret;

	r->creator = getpid();
	ret = pid_start_time(r->creator, &r->creator_start, &(char){0});
	if (ret < 0)
		return err_set(err, -ret, "cannot read ward's own start time");
	return record_write(r->dir, r, err);
}

/* proc_opts.cgroup_ready: the record without a pid, now with the cgroups */
int record_cgroups(void *arg, const struct cg_handle *cg, struct ward_err *err)
{
	struct record *r = arg;

	(void)cg; /* proc_create() fills the record's own handle */
	return record_write(r->dir, r, err);
}

bool record_needs_config(const struct container_spec *spec)
{
	/* nothing else in the copy is read after create: the hooks, and the group to remove */
	return spec->oci.nhooks[SPEC_HOOK_POSTSTART] || spec->oci.nhooks[SPEC_HOOK_POSTSTOP] ||
	       spec->oci.rdt.set;
}

/* proc_opts.root_attached: on record before the container goes on, for delete to detach */
int record_root_mount(void *arg, unsigned long long mnt_id, struct ward_err *err)
{
	struct record *r = arg;

	r->root_mnt = mnt_id;
	return record_write(r->dir, r, err);
}

static const char *orphan_name;	  /* ward-oci-<id>: create's */
static const char *orphan_prefix; /* ward-<pid>-<start>-: a registered ward run's */

static int remove_orphan(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	const char *name = path + ftw->base;

	(void)st;
	if (type != FTW_DP || ftw->level > 6 ||
	    (strcmp(name, orphan_name) != 0 && !str_has_prefix(name, orphan_prefix)))
		return 0;
	if (rmdir(path) < 0 && errno != ENOENT)
		log_warn("cannot remove the cgroup '%s': %s", path, strerror(errno));
	return 0;
}

/*
 * A create killed between making the container's cgroups and recording them:
 * only their name, ward-oci-<id>, tells them; a registered `ward run` killed
 * before its container ran: ward-<pid>-<start>-..., its creator's (named.c records
 * its cgroups with the container's pid only). Every empty one goes (rmdir refuses
 * a cgroup with processes).
 */
void record_sweep_cgroups(const struct record *r)
{
	cleanup_free char *name = xasprintf("ward-oci-%s", r->id);
	cleanup_free char *prefix =
	    xasprintf("ward-%d-%llu-", (int)r->creator, (unsigned long long)r->creator_start);
	struct cg_layout l;
	struct ward_err e;

	if (cg_detect("/proc/self/mountinfo", "/proc/self/cgroup", &l, &e) < 0)
		return;
	orphan_name = name;
	orphan_prefix = prefix;
	if (l.v2_mount[0])
		(void)nftw(l.v2_mount, remove_orphan, 16, FTW_PHYS | FTW_DEPTH | FTW_MOUNT);
	for (int c = 0; c < CG_NR_CONTROLLERS; c++)
		if (l.v1_mount[c][0])
			(void)nftw(l.v1_mount[c], remove_orphan, 16,
				   FTW_PHYS | FTW_DEPTH | FTW_MOUNT);
	orphan_name = orphan_prefix = NULL;
}

/* proc_opts.state_json: the record being created, its init being @pid */
char *creating_state(void *arg, pid_t pid, const char *status)
{
	struct record *r = arg;

	r->pid = pid;
	return state_json(r, status);
}

/* The hooks of the config as it was at create, for start and delete. */
int load_saved_config(const char *dir, struct container_spec *spec, struct ward_err *err)
{
	cleanup_free char *path = xasprintf("%s/%s", dir, CONFIG_COPY);

	spec_init(spec);
	return oci_load_hooks(path, spec, err);
}
