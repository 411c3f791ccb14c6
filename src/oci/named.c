/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * named.c - `ward run`'s container in the state directory (named.h): its id,
 * the record the OCI verbs read, a config.json written from the run's spec (for
 * `ward exec`), -d's background ward, and the removal at the end.
 */
#include "ward/named.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "state_int.h"
#include "ward/caps.h"
#include "ward/cleanup.h"
#include "ward/json.h"
#include "ward/log.h"
#include "ward/ns.h"
#include "ward/oci.h"
#include "ward/util.h"

extern const char ward_default_profile[];
extern const size_t ward_default_profile_len;

/* <root>/.new-<pid>-<start>-<id>: a registration on its way in (register_new()) */
#define NEW_PREFIX ".new-"

/* @tmp and the record in it; a symlink in its place is not followed */
static void remove_new(const char *tmp)
{
	cleanup_close int fd = open(tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return;
	(void)unlinkat(fd, STATE_FILE, 0);
	(void)unlinkat(fd, "." STATE_FILE ".tmp", 0);
	(void)rmdir(tmp);
}

static void random_id(char *out, size_t size)
{
	unsigned char bytes[NAMED_ID_LEN / 2];

	if (getrandom(bytes, sizeof(bytes), 0) != (ssize_t)sizeof(bytes)) {
		/* no entropy yet: the time and pid still make a name no one holds */
		unsigned long long v = (unsigned long long)time(NULL) ^ ((unsigned)getpid() << 20);

		for (size_t i = 0; i < sizeof(bytes); i++)
			bytes[i] = (unsigned char)(v >> (8 * (i % 8))) ^ (unsigned char)(i * 37);
	}
	for (size_t i = 0; i < sizeof(bytes) && 2 * i + 2 < size; i++)
		(void)snprintf(out + 2 * i, 3, "%02x", bytes[i]);
}

void named_init(struct named_run *n, const char *root, const char *name, bool keep,
		struct container_spec *spec)
{
	memset(n, 0, sizeof(*n));
	n->notify = -1;
	n->dirfd = -1;
	n->keep = keep;
	n->generated = !name;
	if (name)
		(void)snprintf(n->id, sizeof(n->id), "%s", name);
	else
		random_id(n->id, sizeof(n->id));
	if (n->generated && !spec->hostname && !(spec->shared_ns & CLONE_NEWUTS))
		spec->hostname = xasprintf("%.12s", n->id);
	n->o.root = root;
	n->o.id = n->id;
}

/* ---- config.json: what `ward exec` needs of the running container ---------------- */

static void gen_caps(yajl_gen g, uint64_t caps)
{
	static const char *const sets[] = {"bounding", "effective", "permitted"};

	json_gen_str(g, "capabilities");
	yajl_gen_map_open(g);
	for (size_t s = 0; s < sizeof(sets) / sizeof(sets[0]); s++) {
		json_gen_str(g, sets[s]);
		yajl_gen_array_open(g);
		for (int c = 0; c < 64; c++)
			if ((caps >> c) & 1 && caps_name(c))
				json_gen_str(g, caps_name(c));
		yajl_gen_array_close(g);
	}
	yajl_gen_map_close(g);
}

static void gen_process(yajl_gen g, const struct container_spec *spec)
{
	json_gen_str(g, "process");
	yajl_gen_map_open(g);
	json_gen_str(g, "user");
	yajl_gen_map_open(g);
	json_gen_str(g, "uid");
	yajl_gen_integer(g, spec->uid);
	json_gen_str(g, "gid");
	yajl_gen_integer(g, spec->gid);
	json_gen_str(g, "additionalGids");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < spec->ngroups; i++)
		yajl_gen_integer(g, spec->groups[i]);
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	json_gen_strv(g, "args", (const char *const *)spec->argv.v);
	json_gen_strv(g, "env", (const char *const *)spec->env.v);
	json_gen_kv(g, "cwd", spec->cwd ? spec->cwd : "/");
	gen_caps(g, spec->caps);
	json_gen_str(g, "noNewPrivileges");
	yajl_gen_bool(g, spec->no_new_privs);
	yajl_gen_map_close(g);
}

static void gen_namespaces(yajl_gen g, const struct container_spec *spec)
{
	static const struct {
		const char *name;
		int type;
	} types[] = {{"pid", CLONE_NEWPID},  {"mount", CLONE_NEWNS},	  {"ipc", CLONE_NEWIPC},
		     {"uts", CLONE_NEWUTS},  {"cgroup", CLONE_NEWCGROUP}, {"network", CLONE_NEWNET},
		     {"user", CLONE_NEWUSER}};

	json_gen_str(g, "namespaces");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (!ns_is_new(spec, types[i].type))
			continue;
		yajl_gen_map_open(g);
		json_gen_kv(g, "type", types[i].name);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
}

static char *dup_n(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/*
 * The profile's text, for linux.seccomp ("": none); ward reads Docker's format
 * there. A profile that cannot be read is the launch's to report, in its words.
 */
static char *profile_text(const struct container_spec *spec)
{
	struct ward_err ignored;
	char *text = NULL;
	size_t len;

	switch (spec->seccomp_mode) {
	case SPEC_SECCOMP_DEFAULT:
		return dup_n(ward_default_profile, ward_default_profile_len);
	case SPEC_SECCOMP_FILE:
		if (read_file(spec->seccomp_path, 8u << 20, &text, &len, &ignored) < 0)
			return xstrdup("");
		return text;
	case SPEC_SECCOMP_INLINE:
		return dup_n(spec->seccomp_json, spec->seccomp_json_len);
	case SPEC_SECCOMP_UNCONFINED:
		break;
	}
	return xstrdup("");
}

static int write_config(const char *dir, const struct container_spec *spec, struct ward_err *err)
{
	cleanup_json_gen yajl_gen g = json_gen_new(NULL);
	cleanup_free char *profile = profile_text(spec);
	cleanup_free char *path = xasprintf("%s/%s", dir, CONFIG_COPY);
	const unsigned char *buf;
	cleanup_close int fd = -1;
	size_t len;

	yajl_gen_map_open(g);
	json_gen_kv(g, "ociVersion", OCI_VERSION);
	gen_process(g, spec);
	json_gen_str(g, "root");
	yajl_gen_map_open(g);
	json_gen_kv(g, "path", spec->rootfs);
	json_gen_str(g, "readonly");
	yajl_gen_bool(g, spec->readonly_root);
	yajl_gen_map_close(g);
	json_gen_kv(g, "hostname", spec->hostname);
	json_gen_str(g, "linux");
	yajl_gen_map_open(g);
	gen_namespaces(g, spec);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	yajl_gen_get_buf(g, &buf, &len);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_set(err, errno, "cannot create '%s'", path);
	/* the profile goes in as it is: the generated text ends with the "linux" and top "}}" */
	if (fd_write_all(fd, buf, len - 2) < 0 ||
	    (*profile && (fd_write_all(fd, ",\"seccomp\":", 11) < 0 ||
			  fd_write_all(fd, profile, strlen(profile)) < 0)) ||
	    fd_write_all(fd, "}}\n", 3) < 0)
		return err_set(err, errno, "cannot write '%s'", path);
	return 0;
}

/* ---- the record, as the container comes up ---------------------------------------- */

/*
 * Kept for started()'s write, not written now: a ward killed before its container
 * ran leaves its cgroup to the next `ward run`, whose sweep removes the cgroups
 * of dead wards (their names carry the owner's pid and start time). One record
 * write fewer per run: on a disk mounted with discard, each replaced record
 * cost a synchronous discard.
 */
static int cgroups_ready(void *arg, const struct cg_handle *cg, struct ward_err *err)
{
	struct named_run *n = arg;

	(void)err;
	((struct record *)n->rec)->cg = *cg;
	return 0;
}

static int started(void *arg, pid_t pid, struct ward_err *err)
{
	struct named_run *n = arg;
	struct record *rec = n->rec;
	int r;

	rec->pid = pid;
	r = pid_start_time(pid, &rec->pid_start, &(char){0});
	if (r < 0)
		return err_set(err, -r, "cannot read the start time of the container's process");
	r = record_write(rec->dir, rec, err);
	if (r == 0 && n->notify >= 0) {
		struct ward_err ok = {0};

		/* the foreground ward prints the id and goes; nothing reads this end after */
		(void)fd_write_all(n->notify, &ok, sizeof(ok));
		close(n->notify);
		n->notify = -1;
	}
	return r;
}

/* whether the ward that named a .new- directory (pid, start time) is gone */
static bool new_abandoned(const char *name)
{
	unsigned long long start = 0, now = 0;
	int pid = 0;

	if (sscanf(name, NEW_PREFIX "%d-%llu-", &pid, &start) != 2 || pid <= 0)
		return false;
	return pid_start_time(pid, &now, &(char){0}) < 0 || now != start;
}

/*
 * What `ward run`s killed before their end left under the root: their records
 * (record_abandoned()) and their registrations on the way in.
 */
static void sweep_abandoned(const struct named_run *n)
{
	DIR *d = opendir(n->o.root);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		struct state_opts o = n->o;
		cleanup_free char *dir = NULL;
		struct record rec;
		struct ward_err e;

		o.id = de->d_name;
		if (str_has_prefix(de->d_name, NEW_PREFIX) && new_abandoned(de->d_name)) {
			dir = xasprintf("%s/%s", n->o.root, de->d_name);
			remove_new(dir);
			continue;
		}
		if (!state_valid_id(o.id) || strcmp(o.id, n->id) == 0)
			continue;
		dir = state_dir(&o);
		if (record_read(dir, &rec, &e) < 0)
			continue;
		/* another run may sweep it at the same time: not this run's error */
		if (record_abandoned(&rec) && state_delete_same(&o, &rec, &e) < 0)
			log_debug("%s", e.msg);
		record_release(&rec);
	}
	if (d)
		closedir(d);
}

/*
 * proc_opts.released: what `ward exec` reads, written before the container runs;
 * then what killed runs left, while the child sets itself up.
 */
static int released(void *arg, struct ward_err *err)
{
	struct named_run *n = arg;
	int r = write_config(((struct record *)n->rec)->dir, n->spec, err);

	if (r == 0)
		sweep_abandoned(n);
	return r;
}

static int write_cidfile(const char *path, const char *id, struct ward_err *err)
{
	cleanup_close int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	if (fd < 0 && errno == EEXIST)
		return err_set(err, 0,
			       "container ID file found, make sure the other container isn't "
			       "running or delete %s",
			       path);
	if (fd < 0)
		return err_set(err, errno, "cannot create the container ID file '%s'", path);
	if (fd_write_all(fd, id, strlen(id)) < 0)
		return err_set(err, errno, "cannot write the container ID file '%s'", path);
	return 0;
}

/* --stop-signal and --stop-timeout as annotations, where `ward stop` reads them */
static void stop_annotations(const struct named_run *n, struct strv *ann)
{
	if (n->stop_signal) {
		const char *abbrev = sigabbrev_np(n->stop_signal);
		char *v = abbrev ? xasprintf("SIG%s", abbrev) : xasprintf("%d", n->stop_signal);

		strv_push(ann, STATE_STOP_SIGNAL_KEY);
		strv_push(ann, v);
		free(v);
	}
	if (n->stop_timeout_set) {
		char *v = xasprintf("%ld", n->stop_timeout);

		strv_push(ann, STATE_STOP_TIMEOUT_KEY);
		strv_push(ann, v);
		free(v);
	}
}

static int open_dir(const char *dir)
{
	return open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/*
 * @tmp, its record written, becomes @dir, unless something holds that name
 * already; n->dirfd, @tmp's, then holds @dir.
 */
static int claim_name(struct named_run *n, const char *tmp, const char *dir, struct ward_err *err)
{
	cleanup_free char *from = NULL;
	cleanup_free char *to = NULL;
	int r;

	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dir, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno == EINVAL) { /* a file system without RENAME_NOREPLACE: mkdir claims it */
		if (mkdir(dir, 0700) == 0) {
			from = xasprintf("%s/%s", tmp, STATE_FILE);
			to = xasprintf("%s/%s", dir, STATE_FILE);
			close(n->dirfd);
			n->dirfd = open_dir(dir);
			if (n->dirfd >= 0 && rename(from, to) == 0) {
				(void)rmdir(tmp);
				return 0;
			}
			r = err_set(err, errno, "cannot create '%s'", to);
			(void)rmdir(dir);
			return r;
		}
	}
	if (errno == EEXIST || errno == ENOTEMPTY)
		return err_set(err, 0,
			       "the container name '%s' is already in use (see 'ward list'; 'ward "
			       "delete %s' removes a stopped one)",
			       n->id, n->id);
	return err_set(err, errno, "cannot create '%s'", dir);
}

/*
 * The record is written in a directory of its own, then renamed to the container's
 * name in one step: no one sees <root>/<id> without a record, and a ward killed
 * before the rename leaves a .new- directory that the next run sweeps.
 */
static int register_new(struct named_run *n, char *dir, const struct container_spec *spec,
			struct ward_err *err)
{
	struct record *rec = n->rec;
	unsigned long long start = 0;
	cleanup_free char *tmp = NULL;
	char stamp[64];
	struct tm tm;
	time_t now = time(NULL);
	int r;

	if (pid_start_time(getpid(), &start, &(char){0}) < 0)
		return err_set(err, errno, "cannot read ward's own start time");
	tmp = xasprintf("%s/" NEW_PREFIX "%d-%llu-%s", n->o.root, (int)getpid(), start, n->id);
	if (mkdir(tmp, 0700) < 0)
		return err_set(err, errno, "cannot create '%s'", tmp);
	n->dirfd = open_dir(tmp);
	if (n->dirfd < 0) {
		r = err_set(err, errno, "cannot open '%s'", tmp);
		(void)rmdir(tmp);
		return r;
	}
	(void)snprintf(rec->id, sizeof(rec->id), "%s", n->id);
	rec->bundle = xstrdup(dir);
	(void)strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	rec->created = xstrdup(stamp);
	rec->rootfs = xstrdup(spec->rootfs);
	rec->needs_config = record_needs_config(spec);
	rec->auto_remove = !n->keep;
	rec->dir = tmp;
	stop_annotations(n, &rec->annotations);
	r = record_begin(rec, err);
	if (r == 0)
		r = claim_name(n, tmp, dir, err);
	if (r < 0) {
		remove_new(tmp);
		rec->dir = NULL;
		if (n->dirfd >= 0)
			close(steal_fd(&n->dirfd));
		return r;
	}
	rec->dir = dir;
	return 0;
}

/*
 * The container's name, taken (register_new()), and --cidfile written; or nothing.
 * Also proc_opts.cloned: a foreground run takes its name while its child mounts,
 * and a name in use kills the child, which has run nothing of the container's.
 */
static int claim(void *arg, struct ward_err *err)
{
	struct named_run *n = arg;
	char *dir = state_dir(&n->o);
	int r = register_new(n, dir, n->spec, err);

	if (r < 0) {
		free(dir);
		named_end(n);
		return r;
	}
	n->registered = true;
	r = n->cidfile ? write_cidfile(n->cidfile, n->id, err) : 0;
	if (r < 0) {
		n->keep = false;
		named_end(n);
	}
	return r;
}

int named_begin(struct named_run *n, const struct container_spec *spec, bool detach,
		const char *cidfile, struct proc_opts *popts, struct ward_err *err)
{
	int r;

	if (!n->o.root) { /* rootless, and no state directory of the user's */
		if (!n->generated || detach || cidfile)
			return err_set(err, 0,
				       "--name, -d and --cidfile need a state directory: rootless, "
				       "ward uses $XDG_RUNTIME_DIR/ward or /run/user/%u/ward, and "
				       "neither is there (or give --root DIR)",
				       (unsigned)geteuid());
		return 0; /* a container that is ward's child only */
	}
	if (spec->rootless)
		r = state_root_check(n->o.root, true, err);
	else
		r = mkdir(n->o.root, 0700) < 0 && errno != EEXIST
			? err_set(err, errno, "cannot create the state directory '%s'", n->o.root)
			: 0;
	if (r < 0)
		return r;
	n->rec = xmalloc(sizeof(struct record));
	memset(n->rec, 0, sizeof(struct record));
	n->spec = spec; /* config.json: released(), while the child sets up */
	n->cidfile = cidfile;
	/* -d: the foreground ward says the name is taken; else once the child is cloned */
	r = detach ? claim(n, err) : 0;
	if (r < 0)
		return r;
	popts->cloned = detach ? NULL : claim;
	popts->id = NULL;
	popts->state_arg = n;
	popts->cgroup_ready = cgroups_ready;
	popts->started = started;
	popts->started_arg = n;
	popts->released = released;
	return 0;
}

/* ---- -d: the ward that runs the container goes to the background ------------------- */

static int background(struct named_run *n, int wfd, struct ward_err *err)
{
	struct record *rec = n->rec;
	cleanup_close int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	n->notify = wfd;
	if (null < 0)
		return err_set(err, errno, "cannot open '/dev/null'");
	/* nothing to attach to later: the caller's terminal or pipe must not wait on it */
	if (dup2(null, STDIN_FILENO) < 0 || dup2(null, STDOUT_FILENO) < 0 ||
	    dup2(null, STDERR_FILENO) < 0)
		return err_set(err, errno, "cannot redirect the container's stdio to /dev/null");
	(void)setsid(); /* a new session: the terminal's signals are not the container's */
	/* the record names the ward at work: this one now */
	return record_begin(rec, err);
}

int named_detach(struct named_run *n, struct ward_err *err)
{
	struct ward_err got;
	int p[2];
	pid_t pid;
	ssize_t r;

	if (!n->registered)
		return err_set(err, 0, "-d needs a state directory to register the container in");
	if (pipe2(p, O_CLOEXEC) < 0)
		return err_set(err, errno, "cannot create a pipe");
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return err_set(err, errno, "cannot fork");
	}
	if (pid == 0) {
		close(p[0]);
		return background(n, p[1], err);
	}
	close(p[1]);
	memset(&got, 0, sizeof(got));
	do {
		r = read(p[0], &got, sizeof(got));
	} while (r < 0 && errno == EINTR);
	close(p[0]);
	n->registered = false; /* the background ward's now */
	if (r == (ssize_t)sizeof(got) && got.code == 0 && got.msg[0] == '\0')
		return 1;
	if (r != (ssize_t)sizeof(got))
		return err_set(err, 0,
			       "the container's ward ended before it ran (see 'ward list')");
	*err = got;
	err->msg[sizeof(err->msg) - 1] = '\0';
	return -(got.code ? got.code : EINVAL);
}

void named_fail(struct named_run *n, const struct ward_err *err)
{
	if (n->notify < 0)
		return;
	(void)fd_write_all(n->notify, err, sizeof(*err));
	close(n->notify);
	n->notify = -1;
}

/*
 * The record's directory is still this run's: the one ward registered and holds
 * open, not removed meanwhile (`ward delete -f`) nor another container's that
 * took the name since (a new directory: the held one keeps its inode number).
 * Under the record's lock, which delete takes too.
 */
static bool still_ours(const struct named_run *n)
{
	const struct record *rec = n->rec;
	struct stat held, now;

	if (flock(n->dirfd, LOCK_EX) < 0 || fstat(n->dirfd, &held) < 0)
		return false;
	return lstat(rec->dir, &now) == 0 && now.st_dev == held.st_dev && now.st_ino == held.st_ino;
}

void named_end(struct named_run *n)
{
	struct record *rec = n->rec;
	struct ward_err e;

	if (!rec)
		return;
	if (!n->registered) {
		/* nothing of this run's: -d's foreground ward, or no name taken */
	} else if (!n->keep && rec->needs_config) {
		/* its poststop hooks and resctrl group, from config.json: delete's own path */
		if (state_delete_same(&n->o, rec, &e) < 0)
			log_warn("%s", e.msg); /* another container's by now: left alone (1) */
	} else if (!still_ours(n)) {
		log_debug("'%s' was deleted meanwhile: nothing of this run's to remove", rec->dir);
	} else if (n->keep) {
		/* ward's own run removed the cgroups: a later delete has none to remove */
		memset(&rec->cg, 0, sizeof(rec->cg));
		if (record_write(rec->dir, rec, &e) < 0)
			log_warn("%s", e.msg);
	} else {
		/* ward's own run removed the cgroups and waited for its process */
		state_remove_dir(rec->dir);
	}
	if (n->dirfd >= 0)
		close(steal_fd(&n->dirfd));
	free((char *)rec->dir);
	rec->dir = NULL;
	record_release(rec);
	free(rec);
	n->rec = NULL;
	n->registered = false;
}
