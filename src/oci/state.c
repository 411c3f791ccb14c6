/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * state.c - OCI containers across ward invocations: the state directory, the
 * lifecycle verbs and the hooks. The container itself is set up by process.c
 * (proc_create()); this module decides when, records what happened, and
 * answers for it later.
 */
#include "ward/state.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
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
#include "ward/trace_syscall.h"
#include "ward/util.h"

#define STATE_FILE  "state.json"
#define CONFIG_COPY "config.json"
#define EXEC_FIFO   "exec.fifo"
#define STATE_MAX   (1u << 20)
/* how long `start` waits for a created container to take the fifo */
#define START_TIMEOUT_MS 10000
/* how long `delete` waits for a killed init to go */
#define KILL_WAIT_MS 5000

/* ward's record of one container (state.json). */
struct record {
	char id[STATE_ID_MAX + 1];
	pid_t pid;			  /* 0 while ward create is still at work */
	unsigned long long pid_start;	  /* field 22 of /proc/<pid>/stat */
	pid_t creator;			  /* with pid 0: the ward create at work, */
	unsigned long long creator_start; /* and its start time */
	char *bundle;
	char *created;		 /* RFC 3339, UTC */
	struct strv annotations; /* key, value, ... */
	struct cg_handle cg;
	const char *dir; /* while ward create writes it: its directory */
};

static void record_release(struct record *r)
{
	free(r->bundle);
	free(r->created);
	strv_release(&r->annotations);
	memset(r, 0, sizeof(*r));
}

static void tree_freep(yajl_val *v)
{
	yajl_tree_free(*v);
}

static void gen_freep(yajl_gen *g)
{
	if (*g)
		yajl_gen_free(*g);
}

#define GSTR(g, s) yajl_gen_string((g), (const unsigned char *)(s), strlen(s))

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

/* ---- the record on disk ------------------------------------------------------ */

static char *state_dir(const struct state_opts *o)
{
	return xasprintf("%s/%s", o->root, o->id);
}

static int check_id(const struct state_opts *o, struct ward_err *err)
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
	if (write(fd, buf, len) != (ssize_t)len || fsync(fd) < 0) {
		int e = errno ? errno : EIO;

		(void)unlink(tmp);
		return err_set(err, e, "cannot write '%s'", tmp);
	}
	if (rename(tmp, path) < 0) {
		int e = errno;

		(void)unlink(tmp);
		return err_set(err, e, "cannot write '%s'", path);
	}
	return 0;
}

static int record_write(const char *dir, const struct record *r, struct ward_err *err)
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
	if (!r->pid) {
		GSTR(g, "creatorPid");
		yajl_gen_integer(g, r->creator);
		GSTR(g, "creatorStart");
		yajl_gen_integer(g, (long long)r->creator_start);
	}
	GSTR(g, "bundle");
	GSTR(g, r->bundle);
	GSTR(g, "created");
	GSTR(g, r->created);
	GSTR(g, "annotations");
	yajl_gen_map_open(g);
	for (size_t i = 0; i + 1 < r->annotations.n; i += 2) {
		GSTR(g, r->annotations.v[i]);
		GSTR(g, r->annotations.v[i + 1]);
	}
	yajl_gen_map_close(g);
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
static int record_read(const char *dir, struct record *r, struct ward_err *err)
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
	r->bundle = xstrdup((s = jstr(root, "bundle")) ? s : "");
	r->created = xstrdup((s = jstr(root, "created")) ? s : "");
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

static int proc_start_time(pid_t pid, unsigned long long *start, char *state)
{
	char path[64], buf[1024], *p;
	cleanup_close int fd = -1;
	ssize_t n;

	(void)snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* the command may hold spaces and parentheses */
	if (!p || sscanf(p + 2,
			 "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d "
			 "%*d %*d %*d %llu",
			 state, start) != 2)
		return -EIO;
	return 0;
}

/* @pid is the process that started at @start, and not a zombie. */
static bool same_alive(pid_t pid, unsigned long long start)
{
	unsigned long long now;
	char st;

	if (pid <= 0 || proc_start_time(pid, &now, &st) < 0)
		return false;
	return now == start && st != 'Z' && st != 'X';
}

/* The same process as at create, and not a zombie. */
static bool init_alive(const struct record *r)
{
	return same_alive(r->pid, r->pid_start);
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

/* Open and lock the container's directory; the lock goes with the descriptor. */
static int lock_container(const char *dir, const char *id, struct ward_err *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

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
	return fd;
}

/* Load the record and status of an existing container (locked by the caller). */
static int load(const struct state_opts *o, const char *dir, struct record *r,
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
static int open_container(const struct state_opts *o, char **dir, int *lock, struct record *rec,
			  enum state_status *st, struct ward_err *err)
{
	int r = check_id(o, err);

	if (r < 0)
		return r;
	*dir = state_dir(o);
	*lock = lock_container(*dir, o->id, err);
	if (*lock < 0)
		return *lock;
	return load(o, *dir, rec, st, err);
}

/* ---- the state JSON and hooks ---------------------------------------------------- */

static void gen_state(yajl_gen g, const struct record *r, const char *status)
{
	yajl_gen_map_open(g);
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
	GSTR(g, "annotations");
	yajl_gen_map_open(g);
	for (size_t i = 0; i + 1 < r->annotations.n; i += 2) {
		GSTR(g, r->annotations.v[i]);
		GSTR(g, r->annotations.v[i + 1]);
	}
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
}

static char *state_json(const struct record *r, const char *status)
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
static int run_hooks(const struct container_spec *spec, enum spec_hook_kind kind,
		     const struct record *r, enum state_status st, struct ward_err *err)
{
	cleanup_free char *json = NULL;

	if (!hooks_any(spec, kind))
		return 0;
	json = state_json(r, state_status_name(st));
	return hooks_run(spec, kind, json, err);
}

/* proc_opts.cgroup_ready: the record without a pid, naming ward create and the cgroups */
static int record_cgroups(void *arg, const struct cg_handle *cg, struct ward_err *err)
{
	struct record *r = arg;
	int ret;

	(void)cg; /* proc_create() fills the record's own handle */
	r->creator = getpid();
	ret = proc_start_time(r->creator, &r->creator_start, &(char){0});
	if (ret < 0)
		return err_set(err, -ret, "cannot read ward's own start time");
	return record_write(r->dir, r, err);
}

/* proc_opts.state_json: the record being created, its init being @pid */
static char *creating_state(void *arg, pid_t pid, const char *status)
{
	struct record *r = arg;

	r->pid = pid;
	return state_json(r, status);
}

/* The hooks of the config as it was at create, for start and delete. */
static int load_saved_config(const char *dir, struct container_spec *spec, struct ward_err *err)
{
	cleanup_free char *path = xasprintf("%s/%s", dir, CONFIG_COPY);

	spec_init(spec);
	return oci_load_hooks(path, spec, err);
}

/* ---- create ----------------------------------------------------------------------- */

static char *now_rfc3339(void)
{
	struct timespec ts;
	struct tm tm;
	char buf[64];

	(void)clock_gettime(CLOCK_REALTIME, &ts);
	(void)gmtime_r(&ts.tv_sec, &tm);
	(void)strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	return xasprintf("%s.%09ldZ", buf, ts.tv_nsec);
}

static int write_pid_file(const char *path, pid_t pid, struct ward_err *err)
{
	cleanup_free char *tmp = xasprintf("%s.ward-tmp", path);
	cleanup_free char *text = xasprintf("%d", (int)pid);
	cleanup_close int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return err_set(err, errno, "cannot write pid file '%s'", tmp);
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text) || rename(tmp, path) < 0) {
		int e = errno ? errno : EIO;

		(void)unlink(tmp);
		return err_set(err, e, "cannot write pid file '%s'", path);
	}
	return 0;
}

static int copy_config(const char *bundle, const char *config, const char *dir,
		       struct ward_err *err)
{
	cleanup_free char *src =
	    config ? (config[0] == '/' ? xstrdup(config) : xasprintf("%s/%s", bundle, config))
		   : xasprintf("%s/config.json", bundle);
	cleanup_free char *dst = xasprintf("%s/%s", dir, CONFIG_COPY);
	cleanup_free char *text = NULL;
	cleanup_close int fd = -1;
	size_t len;

	if (read_file(src, OCI_CONFIG_MAX, &text, &len, err) < 0)
		return -EIO;
	fd = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len)
		return err_set(err, errno ? errno : EIO, "cannot write '%s'", dst);
	return 0;
}

/* Remove the state directory and what it holds (all ward's own files). */
static void remove_state_dir(const char *dir)
{
	static const char *const files[] = {STATE_FILE, CONFIG_COPY, EXEC_FIFO,
					    "." STATE_FILE ".tmp", NULL};

	for (size_t i = 0; files[i]; i++) {
		cleanup_free char *p = xasprintf("%s/%s", dir, files[i]);

		if (unlink(p) < 0 && errno != ENOENT)
			log_warn("cannot remove '%s': %s", p, strerror(errno));
	}
	if (rmdir(dir) < 0 && errno != ENOENT)
		log_warn("cannot remove '%s': %s", dir, strerror(errno));
}

static void destroy_cgroups(struct cg_handle *cg)
{
	struct ward_err e;

	if (cg->ndirs && cg_destroy(cg, &e) < 0)
		log_warn("cannot remove the container's cgroup: %s", e.msg);
	cg_handle_release(cg);
}

/* Make <root> (0700) and <root>/<id>; EEXIST means the id is taken. */
static int reserve(const struct state_opts *o, const char *dir, struct ward_err *err)
{
	if (mkdir(o->root, 0700) < 0 && errno != EEXIST)
		return err_set(err, errno, "cannot create the state directory '%s'", o->root);
	if (mkdir(dir, 0700) < 0) {
		if (errno == EEXIST)
			return err_set(err, 0, "container '%s' already exists", o->id);
		return err_set(err, errno, "cannot create '%s'", dir);
	}
	return 0;
}

/* create_in() with the options known. */
static int create_with(const struct state_opts *o, const char *dir, struct container_spec *spec,
		       struct proc_opts *popts, struct record *rec, struct ward_err *err)
{
	cleanup_free char *fifo = xasprintf("%s/%s", dir, EXEC_FIFO);
	cleanup_close int fifo_fd = -1;
	cleanup_close int commit = -1;
	char real[PATH_MAX];
	int r;

	if (!realpath(o->bundle, real))
		return err_set(err, errno, "bundle '%s'", o->bundle);
	rec->bundle = xstrdup(real);
	(void)snprintf(rec->id, sizeof(rec->id), "%s", o->id);
	rec->created = now_rfc3339();
	for (size_t i = 0; i < spec->oci.annotations.n; i++)
		strv_push(&rec->annotations, spec->oci.annotations.v[i]);
	r = copy_config(o->bundle, o->config, dir, err);
	if (r < 0)
		return r;
	if (mkfifo(fifo, 0600) < 0)
		return err_set(err, errno, "cannot create '%s'", fifo);
	/* an O_PATH handle: the container reopens it for writing through /proc/self/fd */
	fifo_fd = open(fifo, O_PATH | O_CLOEXEC);
	if (fifo_fd < 0)
		return err_set(err, errno, "cannot open '%s'", fifo);
	popts->exec_fifo = fifo_fd;
	popts->id = o->id;
	popts->terminal = spec->oci.terminal;
	popts->console_socket = o->console_socket;
	popts->preserve_fds = o->preserve_fds;
	popts->state_json = creating_state;
	popts->cgroup_ready = record_cgroups;
	popts->state_arg = rec;
	rec->dir = dir;
	r = proc_create(spec, popts, &rec->pid, &rec->cg, &commit, err);
	if (r < 0)
		return r;
	r = proc_start_time(rec->pid, &rec->pid_start, &(char){0});
	if (r < 0)
		return err_set(err, -r, "cannot read the start time of the container's process");
	r = record_write(dir, rec, err);
	if (r == 0 && o->pid_file)
		r = write_pid_file(o->pid_file, rec->pid, err);
	/* only now may the init outlive us: it is on record */
	if (r == 0)
		r = proc_create_commit(&commit, err);
	return r;
}

/*
 * Everything create does after the id is reserved. On failure the caller
 * removes the directory; this kills what it started.
 */
static int create_in(const struct state_opts *o, const char *dir, struct container_spec *spec,
		     struct record *rec, struct ward_err *err)
{
	struct proc_opts popts = PROC_OPTS_INIT;
	struct trace_syscall ts;
	/* io.containers.trace-syscall: recorded, the profile written when it exits */
	int r = trace_syscall_prepare(spec, &ts, err);

	if (r == 0 && ts.output) {
		popts.record = &ts.log;
		popts.listener_ready = trace_syscall_start;
		popts.listener_arg = &ts;
	}
	if (r == 0)
		r = create_with(o, dir, spec, &popts, rec, err);
	trace_syscall_release(&ts);
	return r;
}

/*
 * --preserve-fds N: the engine's descriptors 3..3+N-1 must be open, checked
 * before ward opens anything of its own (which would take a free slot there).
 */
static int check_preserved(unsigned int n, struct ward_err *err)
{
	for (unsigned int i = 0; i < n; i++)
		if (fcntl(STDERR_FILENO + 1 + (int)i, F_GETFD) < 0)
			return err_set(err, errno, "--preserve-fds %u: descriptor %u is not open",
				       n, STDERR_FILENO + 1 + i);
	return 0;
}

static int do_create(const struct state_opts *o, struct record *rec, struct ward_err *err)
{
	struct container_spec spec;
	cleanup_free char *dir = NULL;
	int r;

	memset(rec, 0, sizeof(*rec));
	r = check_preserved(o->preserve_fds, err);
	if (r == 0)
		r = check_id(o, err);
	if (r < 0)
		return r;
	spec_init(&spec);
	r = oci_load(o->bundle, o->config, &spec, err);
	spec.oci.no_pivot = o->no_pivot;
	if (r == 0)
		r = oci_check_supported(&spec, err);
	/* as runc: the engine that asks for a terminal says where its master goes */
	if (r == 0 && spec.oci.terminal && !o->console_socket)
		r = err_set(err, 0,
			    "config.json: process.terminal is true: --console-socket is needed");
	if (r == 0 && !spec.oci.terminal && o->console_socket)
		r = err_set(err, 0,
			    "--console-socket given, but config.json's process.terminal is false");
	if (r < 0) {
		spec_release(&spec);
		return r;
	}
	dir = state_dir(o);
	r = reserve(o, dir, err);
	if (r < 0) {
		spec_release(&spec);
		return r;
	}
	r = create_in(o, dir, &spec, rec, err);
	if (r < 0) {
		if (rec->pid > 0)
			(void)kill(rec->pid, SIGKILL);
		destroy_cgroups(&rec->cg);
		if (rec->pid > 0)
			(void)waitpid(rec->pid, NULL, 0);
		remove_state_dir(dir);
	}
	spec_release(&spec);
	return r;
}

int state_create(const struct state_opts *o, struct ward_err *err)
{
	struct record rec;
	int r = do_create(o, &rec, err);

	record_release(&rec);
	return r;
}

/* ---- start, state, kill, delete, list ------------------------------------------------ */

static int release_fifo(const char *dir, const char *id, struct ward_err *err)
{
	cleanup_free char *fifo = xasprintf("%s/%s", dir, EXEC_FIFO);
	cleanup_close int fd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct pollfd pfd;
	char c;
	int n;

	if (fd < 0)
		return err_set(err, errno, "cannot open '%s'", fifo);
	pfd.fd = fd;
	pfd.events = POLLIN;
	do
		n = poll(&pfd, 1, START_TIMEOUT_MS);
	while (n < 0 && errno == EINTR);
	if (n <= 0 || read(fd, &c, 1) != 1)
		return err_set(err, n < 0 ? errno : ETIMEDOUT,
			       "container '%s' did not take the start signal", id);
	if (unlink(fifo) < 0)
		return err_set(err, errno, "cannot remove '%s'", fifo);
	return 0;
}

int state_start(const struct state_opts *o, struct ward_err *err)
{
	cleanup_free char *dir = NULL;
	cleanup_close int lock = -1;
	struct container_spec spec;
	enum state_status st;
	struct record rec;
	struct ward_err herr;
	int r;

	r = open_container(o, &dir, &lock, &rec, &st, err);
	if (r < 0)
		return r;
	if (st != STATE_CREATED) {
		r = err_set(err, 0, "cannot start container '%s': it is %s, not created", o->id,
			    state_status_name(st));
		record_release(&rec);
		return r;
	}
	r = release_fifo(dir, o->id, err);
	if (r == 0 && load_saved_config(dir, &spec, &herr) == 0) {
		/* poststart: after the process started; a failure is only a warning */
		if (run_hooks(&spec, SPEC_HOOK_POSTSTART, &rec, STATE_RUNNING, &herr) < 0)
			log_warn("%s", herr.msg);
		spec_release(&spec);
	}
	record_release(&rec);
	return r;
}

int state_print(const struct state_opts *o, FILE *out, struct ward_err *err)
{
	__attribute__((cleanup(gen_freep))) yajl_gen g = NULL;
	cleanup_free char *dir = NULL;
	cleanup_close int lock = -1;
	const unsigned char *buf;
	enum state_status st;
	struct record rec;
	size_t len;
	int r;

	r = open_container(o, &dir, &lock, &rec, &st, err);
	if (r < 0)
		return r;
	g = yajl_gen_alloc(NULL);
	if (!g)
		abort();
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_config(g, yajl_gen_indent_string, "  ");
	gen_state(g, &rec, state_status_name(st));
	record_release(&rec);
	if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok ||
	    fwrite(buf, 1, len, out) != len)
		return err_set(err, EIO, "cannot write the state");
	return 0;
}

/*
 * kill --all: frozen while the list is read and signalled (where cgroup v2's
 * freezer is there), so that nothing forked meanwhile escapes, as runc does; a
 * paused container stays paused.
 */
static int signal_all(const struct record *rec, enum state_status st, int sig, struct ward_err *err)
{
	struct ward_err ferr;
	bool frozen = st != STATE_PAUSED && cg_freeze(&rec->cg, true, &ferr) == 0;
	int r = cg_signal_all(&rec->cg, sig, err);

	if (frozen && cg_freeze(&rec->cg, false, &ferr) < 0 && r == 0) {
		*err = ferr;
		r = -(ferr.code ? ferr.code : EIO);
	}
	return r;
}

int state_kill(const struct state_opts *o, struct ward_err *err)
{
	cleanup_free char *dir = NULL;
	cleanup_close int lock = -1;
	enum state_status st;
	struct record rec;
	int sig = SIGTERM, r;

	r = check_id(o, err);
	if (r < 0)
		return r;
	if (o->signal) {
		sig = state_parse_signal(o->signal);
		if (sig < 0)
			return err_set(err, 0, "unknown signal '%s'", o->signal);
	}
	r = open_container(o, &dir, &lock, &rec, &st, err);
	if (r < 0)
		return r;
	if (st != STATE_CREATED && st != STATE_RUNNING && st != STATE_PAUSED)
		r = err_set(err, 0, "cannot kill container '%s': it is %s", o->id,
			    state_status_name(st));
	else if (o->force && rec.cg.ndirs > 0) /* --all: every process of its cgroups */
		r = signal_all(&rec, st, sig, err);
	else if (kill(rec.pid, sig) < 0)
		r = err_set(err, errno, "cannot signal container '%s'", o->id);
	record_release(&rec);
	return r;
}

/* update -r FILE ("-": stdin): runc's LinuxResources JSON */
static int read_resources(const char *path, struct spec_resources *res, struct ward_err *err)
{
	cleanup_free char *text = NULL;
	size_t len = 0;

	if (strcmp(path, "-") == 0) {
		size_t cap = 0;
		ssize_t n;

		do {
			if (len + 4096 > cap)
				text = xrealloc(text, cap = cap ? cap * 2 : 8192);
			n = read(STDIN_FILENO, text + len, cap - len);
			if (n > 0)
				len += (size_t)n;
		} while (n > 0 || (n < 0 && errno == EINTR));
		if (n < 0)
			return err_set(err, errno, "update: cannot read the resources from stdin");
	} else if (read_file(path, STATE_MAX, &text, &len, err) < 0) {
		return err_prefix(err, "update -r");
	}
	if (oci_parse_resources(text ? text : "", len, res, err) < 0)
		return err_prefix(err, "update -r '%s'", path);
	return 0;
}

int state_update(const struct state_opts *o, struct ward_err *err)
{
	const struct spec_resources *flags = &o->update;
	cleanup_free char *dir = NULL;
	cleanup_close int lock = -1;
	struct spec_resources res = {0};
	struct cg_layout layout;
	enum state_status st;
	struct record rec;
	bool loaded;
	int r;

	if (o->resources && read_resources(o->resources, &res, err) < 0) {
		free(res.cpuset_cpus);
		free(res.devices);
		return -EINVAL;
	}
	/* the flags over the file, each where it says something */
	if (flags->set & SPEC_RES_MEMORY)
		res.memory = flags->memory;
	if (flags->set & SPEC_RES_MEMORY_SWAP)
		res.memory_swap = flags->memory_swap;
	if (flags->set & SPEC_RES_PIDS)
		res.pids = flags->pids;
	if (flags->set & SPEC_RES_CPUS)
		res.cpu_quota_us = flags->cpu_quota_us;
	if (flags->cpu_period_us)
		res.cpu_period_us = flags->cpu_period_us;
	if (flags->set & SPEC_RES_CPU_SHARES)
		res.cpu_shares = flags->cpu_shares;
	if (flags->set & SPEC_RES_CPUSET_CPUS) {
		free(res.cpuset_cpus);
		res.cpuset_cpus = xstrdup(flags->cpuset_cpus);
	}
	res.set |= flags->set;
	r = open_container(o, &dir, &lock, &rec, &st, err);
	loaded = r == 0;
	if (r == 0 && st != STATE_CREATED && st != STATE_RUNNING && st != STATE_PAUSED)
		r = err_set(err, 0, "cannot update container '%s': it is %s", o->id,
			    state_status_name(st));
	if (r == 0 && (flags->cpu_period_us && !(res.set & SPEC_RES_CPUS)))
		r = err_set(err, 0, "update: --cpu-period needs --cpu-quota");
	if (r == 0 && !(res.set & ~(unsigned int)SPEC_RES_DEVICES))
		r = err_set(err, 0, "update: no limit given");
	if (r == 0)
		r = cg_detect("/proc/self/mountinfo", "/proc/self/cgroup", &layout, err);
	if (r == 0)
		r = cg_update(&layout, &rec.cg, &res, err);
	if (loaded)
		record_release(&rec);
	free(res.cpuset_cpus);
	free(res.devices);
	return r;
}

static int set_frozen(const struct state_opts *o, bool frozen, struct ward_err *err)
{
	cleanup_free char *dir = NULL;
	cleanup_close int lock = -1;
	enum state_status st;
	struct record rec;
	int r;

	r = open_container(o, &dir, &lock, &rec, &st, err);
	if (r < 0)
		return r;
	if (st != (frozen ? STATE_RUNNING : STATE_PAUSED))
		r = err_set(err, 0, "cannot %s container '%s': it is %s, not %s",
			    frozen ? "pause" : "resume", o->id, state_status_name(st),
			    frozen ? "running" : "paused");
	else
		r = cg_freeze(&rec.cg, frozen, err);
	record_release(&rec);
	return r;
}

int state_pause(const struct state_opts *o, struct ward_err *err)
{
	return set_frozen(o, true, err);
}

int state_resume(const struct state_opts *o, struct ward_err *err)
{
	return set_frozen(o, false, err);
}

/* Wait until the init is gone (it is reaped by its new parent, not by us). */
static void wait_gone(const struct record *r)
{
	for (int waited = 0; init_alive(r) && waited < KILL_WAIT_MS; waited += 10) {
		(void)waitpid(r->pid, NULL, WNOHANG); /* our child only in `ward run` */
		(void)poll(NULL, 0, 10);
	}
}

static int do_delete(const struct state_opts *o, bool force, struct ward_err *err)
{
	cleanup_free char *dir = NULL;
	cleanup_close int lock = -1;
	struct container_spec spec;
	struct ward_err herr;
	enum state_status st;
	struct record rec;
	bool hooks;
	int r;

	r = open_container(o, &dir, &lock, &rec, &st, err);
	if (r < 0)
		return r;
	if ((st == STATE_RUNNING || st == STATE_PAUSED) && !force) {
		record_release(&rec);
		return err_set(err, 0,
			       "cannot delete container '%s': it is %s (stop it, or use "
			       "--force)",
			       o->id, state_status_name(st));
	}
	if (st == STATE_CREATED || st == STATE_RUNNING || st == STATE_PAUSED) {
		(void)kill(rec.pid, SIGKILL);
		/* a frozen process dies only once thawed */
		if (st == STATE_PAUSED && cg_freeze(&rec.cg, false, &herr) < 0)
			log_warn("%s", herr.msg);
		wait_gone(&rec);
	}
	/* a container whose create was killed never existed for its hooks */
	hooks = st != STATE_CREATING && rec.pid && load_saved_config(dir, &spec, &herr) == 0;
	if (st != STATE_CREATING && rec.pid && !hooks)
		log_warn("no poststop hooks: %s", herr.msg);
	destroy_cgroups(&rec.cg);
	remove_state_dir(dir);
	if (hooks) {
		if (run_hooks(&spec, SPEC_HOOK_POSTSTOP, &rec, STATE_STOPPED, &herr) < 0)
			log_warn("%s", herr.msg);
		spec_release(&spec);
	}
	record_release(&rec);
	return 0;
}

int state_delete(const struct state_opts *o, struct ward_err *err)
{
	return do_delete(o, o->force, err);
}

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
		if (load(&one, dir, &rec, &st, &e) == 0) {
			pid_t pid = st == STATE_CREATED || st == STATE_RUNNING ? rec.pid : 0;

			if (g) {
				gen_state(g, &rec, state_status_name(st));
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

/* ---- run --bundle ------------------------------------------------------------------------ */

/* ---- exec ---------------------------------------------------------------------------- */

/* -u UID[:GID]: numbers, as runc takes them */
static int parse_exec_user(const char *arg, struct container_spec *spec, struct ward_err *err)
{
	uint64_t uid, gid;
	const char *colon = strchr(arg, ':');
	char buf[32];

	if ((size_t)snprintf(buf, sizeof(buf), "%.*s",
			     colon ? (int)(colon - arg) : (int)strlen(arg), arg) >= sizeof(buf) ||
	    !parse_u64(buf, UINT32_MAX - 1, &uid) ||
	    (colon && !parse_u64(colon + 1, UINT32_MAX - 1, &gid)))
		return err_set(err, 0, "exec: --user '%s' is not UID[:GID]", arg);
	spec->uid = (uid_t)uid;
	spec->gid = colon ? (gid_t)gid : spec->gid;
	return 0;
}

/* The process to exec: --process FILE, or the config's with the command and the flags. */
static int exec_process(const struct state_opts *o, struct container_spec *spec,
			struct ward_err *err)
{
	if (o->process) {
		if (oci_load_process(o->process, spec, err) < 0)
			return -EINVAL;
	} else {
		strv_release(&spec->argv);
		for (char **a = o->argv; a && *a; a++)
			strv_push(&spec->argv, *a);
		spec->oci.terminal = o->tty;
		for (size_t i = 0; i < o->env.n; i++)
			spec_setenv(spec, o->env.v[i]);
		if (o->cwd) {
			if (o->cwd[0] != '/')
				return err_set(err, 0, "exec: --cwd '%s' is not an absolute path",
					       o->cwd);
			free(spec->cwd);
			spec->cwd = xstrdup(o->cwd);
		}
		if (o->user && parse_exec_user(o->user, spec, err) < 0)
			return -EINVAL;
		for (size_t i = 0; i < o->caps.n; i++) {
			int cap = caps_from_name(o->caps.v[i]);
			uint64_t bit;

			if (cap < 0)
				return err_set(err, 0, "exec: --cap: unknown capability '%s'",
					       o->caps.v[i]);
			bit = 1ULL << cap;
			spec->caps |= bit;
			spec->oci.caps_effective |= bit;
			spec->oci.caps_permitted |= bit;
			spec->oci.caps_inheritable |= bit;
			spec->oci.caps_ambient |= bit;
		}
		spec->no_new_privs |= o->no_new_privs;
	}
	if (spec->oci.terminal && o->detach && !o->console_socket)
		return err_set(err, 0, "exec: a terminal with --detach needs --console-socket");
	if (!spec->oci.terminal && o->console_socket)
		return err_set(err, 0, "exec: --console-socket given, but no terminal asked for");
	return 0;
}

static int exec_started(void *arg, pid_t pid, struct ward_err *err)
{
	const char *pid_file = arg;

	return pid_file ? write_pid_file(pid_file, pid, err) : 0;
}

int state_exec(const struct state_opts *o, int *status, struct ward_err *err)
{
	struct proc_opts popts = PROC_OPTS_INIT;
	cleanup_free char *dir = NULL;
	cleanup_free char *config = NULL;
	struct container_spec spec;
	struct proc_result res;
	enum state_status st;
	struct record rec;
	int r, lock = -1;

	*status = 0;
	r = check_preserved(o->preserve_fds, err);
	if (r < 0)
		return r;
	r = open_container(o, &dir, &lock, &rec, &st, err);
	if (lock >= 0)
		close(
		    steal_fd(&lock)); /* the process may outlive this ward: delete must not wait */
	if (r < 0)
		return r;
	if (st != STATE_CREATED && st != STATE_RUNNING) {
		r = err_set(err, 0, "cannot exec in container '%s': it is %s", o->id,
			    state_status_name(st));
		record_release(&rec);
		return r;
	}
	config = xasprintf("%s/%s", dir, CONFIG_COPY);
	spec_init(&spec);
	r = oci_load(rec.bundle, config, &spec, err);
	if (r == 0)
		r = exec_process(o, &spec, err);
	if (r == 0) {
		popts.terminal = spec.oci.terminal;
		popts.console_socket = o->console_socket;
		popts.detach = o->detach;
		popts.preserve_fds = o->preserve_fds;
		popts.started = exec_started;
		popts.started_arg = (void *)o->pid_file;
		proc_result_init(&res);
		r = proc_exec(&spec, &popts, rec.pid, &rec.cg, &res, err);
		if (r == 0 && !o->detach)
			*status = res.status;
		proc_result_release(&res);
	}
	spec_release(&spec);
	record_release(&rec);
	return r;
}

static volatile pid_t run_pid;

static void forward(int sig)
{
	int saved = errno;

	if (run_pid > 0)
		(void)kill(run_pid, sig);
	errno = saved;
}

int state_run(const struct state_opts *o, int *status, struct ward_err *err)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
	struct state_opts del = *o;
	struct sigaction sa;
	struct record rec;
	struct ward_err derr;
	int r, ws = 0;

	*status = 0;
	r = do_create(o, &rec, err);
	if (r < 0) {
		record_release(&rec);
		return r;
	}
	run_pid = rec.pid;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = forward;
	sa.sa_flags = SA_RESTART;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		(void)sigaction(sigs[i], &sa, NULL); /* cannot fail for these */
	del.pid_file = NULL;
	r = state_start(o, err);
	if (r == 0 && o->detach) { /* run --detach: created and started, as runc leaves it */
		record_release(&rec);
		return 0;
	}
	if (r == 0) {
		/* the init is our child: ward create's clone made it */
		while (waitpid(rec.pid, &ws, 0) < 0) {
			if (errno != EINTR) {
				r = err_set(err, errno, "cannot wait for the container");
				break;
			}
		}
		if (WIFEXITED(ws))
			*status = WEXITSTATUS(ws);
		else if (WIFSIGNALED(ws))
			*status = 128 + WTERMSIG(ws);
	}
	run_pid = 0;
	/* run --keep: stopped, it stays for `state` and `delete` */
	if (!o->keep && do_delete(&del, true, &derr) < 0)
		log_warn("%s", derr.msg);
	record_release(&rec);
	return r;
}
