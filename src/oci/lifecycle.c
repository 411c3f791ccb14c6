/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lifecycle.c - the OCI verbs on a container's record: create (set up by
 * proc_create(), recorded, then committed), start, state, kill, pause, resume,
 * delete (ps and list: list.c).
 */
#include "state_int.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
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
#include "ward/mount.h"
#include "ward/oci.h"
#include "ward/process.h"
#include "ward/resctrl.h"
#include "ward/spec.h"
#include "ward/trace_syscall.h"
#include "ward/util.h"

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

int write_pid_file(const char *path, pid_t pid, struct ward_err *err)
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

/* Unlink @files (a NULL-terminated list) in @dir, those that are there. */
static void unlink_in(const char *dir, const char *const *files)
{
	for (size_t i = 0; files[i]; i++) {
		cleanup_free char *p = xasprintf("%s/%s", dir, files[i]);

		if (unlink(p) < 0 && errno != ENOENT)
			log_warn("cannot remove '%s': %s", p, strerror(errno));
	}
}

/* Remove the state directory and what it holds (all ward's own files). */
void state_remove_dir(const char *dir)
{
	/* every record has these; the others only some (create's fifo, a terminal's socket) */
	static const char *const always[] = {STATE_FILE, CONFIG_COPY, NULL};
	static const char *const some[] = {EXEC_FIFO, CONSOLE_SOCKET, "." STATE_FILE ".tmp", NULL};

	unlink_in(dir, always);
	if (rmdir(dir) == 0 || errno == ENOENT)
		return;
	unlink_in(dir, some);
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
	rec->rootfs = xstrdup(spec->rootfs ? spec->rootfs : "");
	rec->needs_config = record_needs_config(spec);
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
	popts->root_attached = record_root_mount;
	popts->state_arg = rec;
	rec->dir = dir;
	r = record_begin(rec, err);
	if (r < 0)
		return r;
	r = proc_create(spec, popts, &rec->pid, &rec->cg, &commit, err);
	if (r < 0)
		return r;
	r = pid_start_time(rec->pid, &rec->pid_start, &(char){0});
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
int check_preserved(unsigned int n, struct ward_err *err)
{
	for (unsigned int i = 0; i < n; i++)
		if (fcntl(STDERR_FILENO + 1 + (int)i, F_GETFD) < 0)
			return err_set(err, errno, "--preserve-fds %u: descriptor %u is not open",
				       n, STDERR_FILENO + 1 + i);
	return 0;
}

/* process.terminal against --console-socket; a foreground run's own terminal (@own) */
static int check_terminal(const struct state_opts *o, const struct container_spec *spec, bool own,
			  struct ward_err *err)
{
	/* as runc: the engine that asks for a terminal says where its master goes */
	if (spec->oci.terminal && !o->console_socket && !own)
		return err_set(err, 0,
			       "config.json: process.terminal is true: --console-socket is needed");
	if (!spec->oci.terminal && o->console_socket)
		return err_set(
		    err, 0, "--console-socket given, but config.json's process.terminal is false");
	return 0;
}

/* After the id is reserved: the terminal's socket (a foreground run's own), then the rest. */
static int create_reserved(const struct state_opts *o, int *console, const char *dir,
			   struct container_spec *spec, struct record *rec, struct ward_err *err)
{
	struct state_opts co = *o;
	cleanup_free char *sock = NULL;

	if (console && spec->oci.terminal && !o->console_socket) {
		*console = console_listen(dir, &sock, err);
		if (*console < 0)
			return *console;
		co.console_socket = sock;
	}
	return create_in(&co, dir, spec, rec, err);
}

int state_do_create(const struct state_opts *o, int *console, struct record *rec,
		    struct ward_err *err)
{
	struct container_spec spec;
	cleanup_free char *dir = NULL;
	int r;

	memset(rec, 0, sizeof(*rec));
	if (console)
		*console = -1;
	r = check_preserved(o->preserve_fds, err);
	if (r == 0)
		r = state_check_id(o, err);
	if (r < 0)
		return r;
	spec_init(&spec);
	r = oci_load(o->bundle, o->config, &spec, err);
	spec.oci.no_pivot = o->no_pivot;
	if (r == 0)
		r = oci_check_supported(&spec, err);
	if (r == 0)
		r = check_terminal(o, &spec, console != NULL, err);
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
	r = create_reserved(o, console, dir, &spec, rec, err);
	if (r < 0) {
		if (rec->pid > 0)
			(void)kill(rec->pid, SIGKILL);
		destroy_cgroups(&rec->cg);
		if (rec->pid > 0)
			(void)waitpid(rec->pid, NULL, 0);
		if (rec->root_mnt) /* after the init is gone: no mount namespace of its own */
			mnt_detach_root(spec.rootfs, rec->root_mnt);
		if (console && *console >= 0)
			close(steal_fd(console));
		state_remove_dir(dir);
	}
	spec_release(&spec);
	return r;
}

int state_create(const struct state_opts *o, struct ward_err *err)
{
	struct record rec;
	int r = state_do_create(o, NULL, &rec, err);

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
	if (r == 0 && rec.needs_config && load_saved_config(dir, &spec, &herr) == 0) {
		/*
		 * poststart, after the process started: a failure fails the start and
		 * ends the container, as runc and crun do (it stays, stopped, for delete)
		 */
		r = state_run_hooks(&spec, SPEC_HOOK_POSTSTART, &rec, STATE_RUNNING, err);
		if (r < 0) {
			(void)init_kill(&rec, SIGKILL);
			r = err_prefix(err, "container '%s' killed", o->id);
		}
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

	r = state_check_id(o, err);
	if (r < 0)
		return r;
	if (o->signal) {
		/* signal 0: whether the container's init is there (runc's liveness probe) */
		sig = strcmp(o->signal, "0") == 0 ? 0 : state_parse_signal(o->signal);
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
	else if ((r = init_kill(&rec, sig)) < 0) /* through a pidfd: the recorded process */
		r = err_set(err, -r, "cannot signal container '%s'", o->id);
	record_release(&rec);
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

/* the record of the same container: its init and the ward that registered it */
static bool same_container(const struct record *a, const struct record *b)
{
	return a->pid == b->pid && a->pid_start == b->pid_start && a->creator == b->creator &&
	       a->creator_start == b->creator_start;
}

/* delete; with @expect, only the container whose record it is (else 1, nothing done) */
static int delete_container(const struct state_opts *o, bool force, const struct record *expect,
			    struct ward_err *err)
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
	if (expect && !same_container(&rec, expect)) {
		record_release(&rec);
		return 1;
	}
	if ((st == STATE_RUNNING || st == STATE_PAUSED) && !force) {
		record_release(&rec);
		return err_set(err, 0,
			       "cannot delete container '%s': it is %s (stop it, or use "
			       "--force)",
			       o->id, state_status_name(st));
	}
	if (st == STATE_CREATED || st == STATE_RUNNING || st == STATE_PAUSED) {
		/* rootless: no cgroup; the init's pid namespace takes the rest with it */
		(void)init_kill(&rec, SIGKILL);
		/* a frozen process dies only once thawed */
		if (st == STATE_PAUSED && cg_freeze(&rec.cg, false, &herr) < 0)
			log_warn("%s", herr.msg);
		wait_gone(&rec);
	}
	/* a container whose create was killed never existed for its hooks */
	hooks = st != STATE_CREATING && rec.pid && rec.needs_config;
	if (hooks && load_saved_config(dir, &spec, &herr) < 0) {
		log_warn("no poststop hooks: %s", herr.msg);
		hooks = false;
	}
	/* a ward killed before it recorded them (a user's record names no cgroup of root's) */
	if (st == STATE_STOPPED && !rec.pid && !rec.cg.ndirs && geteuid() == 0)
		record_sweep_cgroups(&rec);
	if (rec.root_mnt && rec.rootfs[0]) /* a container without a mount namespace */
		mnt_detach_root(rec.rootfs, rec.root_mnt);
	destroy_cgroups(&rec.cg);
	state_remove_dir(dir);
	if (hooks && resctrl_leave(RESCTRL_ROOT, o->id, &spec.oci.rdt, &herr) < 0)
		log_warn("%s", herr.msg);
	if (hooks) {
		if (state_run_hooks(&spec, SPEC_HOOK_POSTSTOP, &rec, STATE_STOPPED, &herr) < 0)
			log_warn("%s", herr.msg);
		spec_release(&spec);
	}
	record_release(&rec);
	return 0;
}

int state_do_delete(const struct state_opts *o, bool force, struct ward_err *err)
{
	return delete_container(o, force, NULL, err);
}

int state_delete_same(const struct state_opts *o, const struct record *expect, struct ward_err *err)
{
	int r = delete_container(o, true, expect, err);
	cleanup_free char *dir = NULL;

	if (r >= 0)
		return r;
	/* deleted meanwhile (`ward delete -f`): nothing of its is left to delete */
	dir = state_dir(o);
	return access(dir, F_OK) < 0 && errno == ENOENT ? 1 : r;
}

int state_delete(const struct state_opts *o, struct ward_err *err)
{
	cleanup_free char *dir = NULL;
	int r;

	/* as runc: delete --force of a container that is not there is done already */
	if (o->force) {
		r = state_check_id(o, err);
		if (r < 0)
			return r;
		dir = state_dir(o);
		if (access(dir, F_OK) < 0 && errno == ENOENT)
			return 0;
	}
	return state_do_delete(o, o->force, err);
}
