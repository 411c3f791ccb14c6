/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * exec.c - `ward run --bundle` (create and start in the foreground) and
 * `ward exec` (a process in a running container, under its config).
 */
#include "state_int.h"

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
#include <sys/mman.h>
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
#include "ward/util.h"

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

/* @dir/@sub into @out. Return: 0, or -1 (errno ENAMETOOLONG) when it does not fit. */
static int cg_path_fmt_sub(char *out, size_t len, const char *dir, const char *sub)
{
	if ((size_t)snprintf(out, len, "%s/%s", dir, sub) >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* -g, --additional-gids: after the config's own groups */
static void add_gids(const struct strv *gids, struct container_spec *spec)
{
	if (!gids->n)
		return;
	spec->groups = xrealloc(spec->groups, (spec->ngroups + gids->n) * sizeof(gid_t));
	for (size_t i = 0; i < gids->n; i++) {
		uint64_t gid = 0;

		(void)parse_u64(gids->v[i], UINT32_MAX - 1, &gid); /* checked by the parser */
		spec->groups[spec->ngroups++] = (gid_t)gid;
	}
}

/* how long --process from a pipe or FIFO waits for its writer's next bytes */
#define PROCESS_PIPE_TIMEOUT_MS 5000

/* Copy what @in gives until its end into @mfd, waiting at most the timeout for each part. */
static int copy_pipe(int in, int mfd, const char *path, struct ward_err *err)
{
	size_t total = 0;
	char buf[8192];

	for (;;) {
		struct pollfd pfd = {.fd = in, .events = POLLIN};
		int ready = poll(&pfd, 1, PROCESS_PIPE_TIMEOUT_MS);
		ssize_t n;

		if (ready < 0 && errno == EINTR)
			continue;
		if (ready < 0)
			return err_set(err, errno, "--process: cannot wait for '%s'", path);
		/* a FIFO nobody opens for writing must not hang ward */
		if (ready == 0)
			return err_set(err, ETIMEDOUT, "--process: nothing came from '%s' in %d s",
				       path, PROCESS_PIPE_TIMEOUT_MS / 1000);
		n = read(in, buf, sizeof(buf));
		if (n == 0)
			return 0;
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return err_set(err, errno, "--process: cannot read '%s'", path);
		total += (size_t)n;
		if (total > OCI_CONFIG_MAX)
			return err_set(err, EFBIG, "--process: '%s' is larger than %u bytes", path,
				       OCI_CONFIG_MAX);
		if (fd_write_all(mfd, buf, (size_t)n) < 0)
			return err_set(err, errno, "--process: cannot copy '%s'", path);
	}
}

/*
 * --process from a pipe, a FIFO or /dev/fd/N (engines pass one): its bytes in a
 * memfd (*@out), which reads as a regular file through /proc/self/fd; *@out is
 * -1 for anything else, read as it is. Return: 0, or a negative errno with @err set.
 */
static int process_memfd(const char *path, int *out, struct ward_err *err)
{
	cleanup_close int in = -1;
	cleanup_close int mfd = -1;
	struct stat st;
	int r;

	*out = -1;
	if (stat(path, &st) < 0 || S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))
		return 0; /* read_file() says what is wrong with it */
	/* O_NONBLOCK: opening a FIFO would wait for a writer */
	in = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (in < 0)
		return err_set(err, errno, "--process: cannot open '%s'", path);
	mfd = memfd_create("ward-process", MFD_CLOEXEC);
	if (mfd < 0)
		return err_set(err, errno, "--process: cannot copy '%s'", path);
	r = copy_pipe(in, mfd, path, err);
	if (r == 0)
		*out = steal_fd(&mfd);
	return r;
}

static int load_process(const char *path, struct container_spec *spec, struct ward_err *err)
{
	cleanup_close int mfd = -1;
	char fdpath[64];
	int r = process_memfd(path, &mfd, err);

	if (r < 0)
		return r;
	if (mfd >= 0) {
		(void)snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", mfd);
		path = fdpath;
	}
	return oci_load_process(path, spec, err) < 0 ? -EINVAL : 0;
}

/* The process to exec: --process FILE, or the config's with the command and the flags. */
static int exec_process(const struct state_opts *o, struct container_spec *spec,
			struct ward_err *err)
{
	if (o->process) {
		if (load_process(o->process, spec, err) < 0)
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
		add_gids(&o->gids, spec);
	}
	if (spec->oci.terminal && o->detach && !o->console_socket)
		return err_set(err, 0, "exec: a terminal with --detach needs --console-socket");
	if (!spec->oci.terminal && o->console_socket)
		return err_set(err, 0, "exec: --console-socket given, but no terminal asked for");
	return 0;
}

/* Whether a component of the relative path @p is ".." */
static bool has_dotdot(const char *p)
{
	for (; *p; p += strcspn(p, "/"), p += *p == '/')
		if (strncmp(p, "..", 2) == 0 && (p[2] == '/' || p[2] == '\0'))
			return true;
	return false;
}

/* Whether @d is in the hierarchy of one of the comma-separated controllers @names (@n bytes). */
static int dir_has(const struct cg_layout *l, const struct cg_dir *d, const char *names, size_t n,
		   struct ward_err *err)
{
	bool has = false;

	for (const char *p = names, *end; p < names + n; p = end + 1) {
		int c;

		end = memchr(p, ',', (size_t)(names + n - p));
		if (!end)
			end = names + n;
		for (c = 0; c < CG_NR_CONTROLLERS; c++)
			if (strlen(cg_controller_name(c)) == (size_t)(end - p) &&
			    strncmp(cg_controller_name(c), p, (size_t)(end - p)) == 0)
				break;
		if (c == CG_NR_CONTROLLERS)
			return err_set(err, 0, "exec: --cgroup: unknown controller '%.*s'",
				       (int)(end - p), p);
		if (l->v1_mount[c][0])
			has |= !d->v2 && str_has_prefix(d->path, l->v1_mount[c]) &&
			       d->path[strlen(l->v1_mount[c])] == '/';
		else
			has |= d->v2;
	}
	return has;
}

/*
 * --cgroup [CONTROLLER[,CONTROLLER...]:]PATH, as runc's: the process joins the
 * sub-cgroup PATH (it must exist) of the container's cgroup in every hierarchy,
 * or in those of the named controllers. @out: the container's cgroups with those.
 */
static int exec_cgroups(const struct strv *args, const struct cg_handle *cg, struct cg_handle *out,
			struct ward_err *err)
{
	struct cg_layout layout;
	int r = 0;

	*out = *cg;
	if (args->n)
		r = cg_detect("/proc/self/mountinfo", "/proc/self/cgroup", &layout, err);
	for (size_t i = 0; r == 0 && i < args->n; i++) {
		const char *colon = strchr(args->v[i], ':');
		const char *sub = colon ? colon + 1 : args->v[i];
		bool found = false;

		while (*sub == '/')
			sub++;
		if (!*sub || has_dotdot(sub))
			return err_set(err, 0,
				       "exec: --cgroup '%s': not a path below the container's",
				       args->v[i]);
		for (size_t k = 0; k < cg->ndirs; k++) {
			struct stat st;
			int has = colon ? dir_has(&layout, &cg->dirs[k], args->v[i],
						  (size_t)(colon - args->v[i]), err)
					: 1;

			if (has < 0)
				return has;
			if (!has)
				continue;
			if (cg_path_fmt_sub(out->dirs[k].path, sizeof(out->dirs[k].path),
					    cg->dirs[k].path, sub) < 0 ||
			    stat(out->dirs[k].path, &st) < 0 || !S_ISDIR(st.st_mode))
				return err_set(err, errno ? errno : ENOTDIR,
					       "exec: --cgroup: cannot use '%s/%s'",
					       cg->dirs[k].path, sub);
			found = true;
		}
		if (!found)
			return err_set(err, 0,
				       "exec: --cgroup '%s': the container has no such cgroup",
				       args->v[i]);
	}
	return r;
}

/*
 * A caller who is not root execs in its own rootless container: a user namespace
 * that maps only its own uid and gid, to root, and denies setgroups, as
 * spec_make_rootless() made it for `ward run`.
 */
static int exec_rootless(struct container_spec *spec, struct ward_err *err)
{
	/* -g, or --process's user.additionalGids: refused, not silently dropped */
	if (spec->ngroups)
		return err_set(err, 0,
			       "exec: additional gids (-g, user.additionalGids): a rootless "
			       "container has no supplementary groups (setgroups is denied in its "
			       "user namespace)");
	return spec_make_rootless(spec, err);
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
	struct cg_handle cg;
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
	/* --ignore-paused: the process starts frozen, as runc's does */
	if (st != STATE_CREATED && st != STATE_RUNNING &&
	    !(st == STATE_PAUSED && o->ignore_paused)) {
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
	if (r == 0 && geteuid() != 0)
		r = exec_rootless(&spec, err);
	if (r == 0)
		r = exec_cgroups(&o->cgroups, &rec.cg, &cg, err);
	/* the resctrl group the process joins: closID, else the one named after the container */
	if (r == 0 && spec.oci.rdt.set && !spec.oci.rdt.clos_id)
		spec.oci.rdt.clos_id = xstrdup(o->id);
	if (r == 0) {
		popts.terminal = spec.oci.terminal;
		popts.console_socket = o->console_socket;
		popts.detach = o->detach;
		popts.preserve_fds = o->preserve_fds;
		popts.started = exec_started;
		popts.started_arg = (void *)o->pid_file;
		popts.target_start = rec.pid_start;
		proc_result_init(&res);
		r = proc_exec(&spec, &popts, rec.pid, &cg, &res, err);
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

/* Wait for the init, ward create's child here; its status as Docker reports it. */
static int wait_init(pid_t pid, int *status, struct ward_err *err)
{
	int ws = 0;

	while (waitpid(pid, &ws, 0) < 0) {
		if (errno != EINTR)
			return err_set(err, errno, "cannot wait for the container");
	}
	if (WIFEXITED(ws))
		*status = WEXITSTATUS(ws);
	else if (WIFSIGNALED(ws))
		*status = 128 + WTERMSIG(ws);
	return 0;
}

/* run in the foreground, once started: ward's own terminal (@console), then the wait */
static int run_foreground(const struct record *rec, int console, int master, int *status,
			  struct ward_err *err)
{
	int r = 0;

	if (console >= 0)
		r = console_proxy(rec->pid, master, err);
	if (r == 0)
		r = wait_init(rec->pid, status, err);
	return r;
}

int state_run(const struct state_opts *o, int *status, struct ward_err *err)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
	struct state_opts del = *o;
	cleanup_close int console = -1;
	cleanup_close int master = -1;
	struct sigaction sa;
	struct record rec;
	struct ward_err derr;
	int r;

	*status = 0;
	/* a terminal the config asks for, with no --console-socket: ward's own, as runc */
	r = state_do_create(o, o->detach ? NULL : &console, &rec, err);
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
	if (console >= 0) {
		master = console_receive(console, err);
		r = master < 0 ? master : 0;
	}
	if (r == 0)
		r = state_start(o, err);
	if (r == 0 && o->detach) { /* run --detach: created and started, as runc leaves it */
		record_release(&rec);
		return 0;
	}
	if (r == 0)
		r = run_foreground(&rec, console, master, status, err);
	run_pid = 0;
	/* run --keep: stopped, it stays for `state` and `delete` */
	if (!o->keep && state_do_delete(&del, true, &derr) < 0)
		log_warn("%s", derr.msg);
	record_release(&rec);
	return r;
}
