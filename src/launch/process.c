/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * process.c - plan in the parent, apply in the child.
 *
 * The parent and child talk over a SOCK_SEQPACKET pair, both ends close-on-exec:
 * the parent sends one byte when the child may proceed; the child answers only
 * if it fails, with a whole struct ward_err, and otherwise its end closes at
 * execve, so EOF tells the parent the command is running. The child is a plain
 * fork (no CLONE_VM) of a single-threaded process and does not allocate.
 *
 * The seccomp filter goes in last, after everything ward does in the child:
 * after it, the child makes no system call but execve (and exit_group when
 * that fails), so a profile that lets the command start lets ward start it.
 * What happens after the filter is reported without a system call, through a
 * page the clone shares with ward (struct child_report).
 */
#include "ward/process.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "ward/bpf_interp.h"
#include "ward/caps.h"
#include "ward/cgroup.h"
#include "ward/cleanup.h"
#include "ward/hooks.h"
#include "ward/log.h"
#include "ward/mount.h"
#include "ward/ns.h"
#include "ward/oci.h"
#include "ward/policy.h"
#include "ward/record.h"
#include "ward/selfexe.h"
#include "ward/sys.h"
#include "ward/tty.h"

/* Signals ward passes on to the container, as docker run's sig-proxy does. */
static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

static volatile pid_t forward_to;
/* the command runs: signals reach it; before, during set-up, they end it */
static volatile sig_atomic_t forward_running;

static void forward_signal(int sig)
{
	int saved = errno;

	if (forward_to > 0)
		(void)kill(forward_to, forward_running ? sig : SIGKILL);
	errno = saved;
}

/* How far the child got: the steps after which a seccomp profile may deny it anything. */
enum child_step {
	STEP_SETUP,  /* before the filter: failures also go over the socket */
	STEP_FILTER, /* loading the filter (and handing its listener to ward) */
	STEP_EXEC,   /* the filter is in: execve, and exit_group if that fails */
};

/*
 * A page shared by ward and the child across the clone (MAP_SHARED): the child
 * writes it without a system call, so ward learns why the child gave up even
 * when its profile denies every way of saying so.
 */
struct child_report {
	int step;	    /* enum child_step reached */
	int listener_taken; /* ward holds the seccomp listener: the child may go on */
	int failed;	    /* err says why the child gave up */
	struct ward_err err;
	uint32_t arch;	     /* the native AUDIT_ARCH_*, set by ward */
	uint32_t execve_ret; /* after a failure with the filter in: its decision for */
	uint32_t exit_ret;   /* execve and exit_group, from ward's interpreter */
};

static const struct child_report report_init = {.execve_ret = SECCOMP_RET_ALLOW,
						.exit_ret = SECCOMP_RET_ALLOW};

/* The report page, shared with every process the clone makes. */
static struct child_report *report_map(struct ward_err *err)
{
	struct child_report *r =
	    mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (r == MAP_FAILED) {
		err_set(err, errno, "cannot map the child's report page");
		return NULL;
	}
	*r = report_init;
	r->arch = filter_native_arch();
	return r;
}

static void report_unmap(struct child_report **r)
{
	if (*r)
		(void)munmap(*r, sizeof(**r));
	*r = NULL;
}

#define cleanup_report __attribute__((cleanup(report_unmap)))

struct plan {
	const struct container_spec *spec;
	const struct proc_opts *opts;
	struct caps_plan caps;
	struct ns_plan ns;		 /* namespaces joined by path */
	struct filter_prog seccomp;	 /* what the child loads */
	struct filter_prog profile_prog; /* with report_denied: the unrewritten program */
	int sync;			 /* the child's end of the socket pair */
	int parent_end;			 /* ward's end: the child closes it first */
	struct child_report *report;	 /* shared with the child (report_map()) */
};

static void plan_release(struct plan *plan)
{
	caps_plan_release(&plan->caps);
	ns_plan_release(&plan->ns);
	filter_prog_release(&plan->seccomp);
	filter_prog_release(&plan->profile_prog);
}

static ssize_t read_full(int fd, void *buf, size_t len)
{
	ssize_t n;

	do
		n = read(fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n;
}

static ssize_t write_full(int fd, const void *buf, size_t len)
{
	ssize_t n;

	do
		n = write(fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n;
}

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ volatile("yield" ::: "memory");
#else
	__asm__ volatile("" ::: "memory");
#endif
}

/* What @prog decides for syscall @nr (no arguments): pure computation, no system call. */
static uint32_t filter_decision(const struct filter_prog *prog, uint32_t arch, int nr)
{
	struct seccomp_data d = {.nr = nr, .arch = arch};
	struct bpf_interp_result res = {0};

	if (!prog->enabled || bpf_interp_run(prog->insns, prog->len, &d, &res) < 0)
		return SECCOMP_RET_ALLOW;
	return res.ret;
}

static bool decision_allows(uint32_t ret)
{
	uint32_t action = ret & SECCOMP_RET_ACTION_FULL;

	return action == SECCOMP_RET_ALLOW || action == SECCOMP_RET_LOG;
}

/*
 * The filter and profile for @spec, refused before anything starts when the
 * profile denies execve: after its filter ward makes no other call, so no
 * container could start (and ward create's init could only die unseen).
 */
static int plan_policy(const struct container_spec *spec, struct filter_prog *prog,
		       struct ward_err *err)
{
	uint32_t arch = filter_native_arch();
	bool exit_denied;
	int r = policy_prepare(spec, 0, prog, NULL, err);

	if (r < 0 || decision_allows(filter_decision(prog, arch, SYS_execve)))
		return r;
	exit_denied = !decision_allows(filter_decision(prog, arch, SYS_exit_group));
	filter_prog_release(prog);
	r = err_set(err, 0,
		    "the seccomp profile denies execve%s, which ward needs after loading it "
		    "(add %s to the profile)",
		    exit_denied ? " and exit_group" : "", exit_denied ? "them" : "it");
	err->status = WARD_EXIT_LAUNCHER;
	return r;
}

/* With opts->record: the recording program in place of the profile's (record.h). */
static int plan_record(struct plan *plan, struct ward_err *err)
{
	int r;

	if (!plan->opts->record)
		return 0;
	plan->profile_prog = plan->seccomp;
	r = record_filter(&plan->profile_prog, &plan->seccomp, err);
	filter_prog_release(&plan->profile_prog);
	return r;
}

/*
 * Tell the parent what failed, then leave; nothing else is safe to do here.
 * The report page always has it; the socket too while no filter can deny the
 * send. When the profile denies exit_group and exit as well, a trap ends the
 * child (the parent has the report by then).
 */
static __attribute__((noreturn)) void child_fail(const struct plan *plan, struct ward_err *err)
{
	int status = err_exit_status(err);

	/* recording answers every allowed call by notification: nothing was denied */
	if (plan->report->step != STEP_SETUP && !plan->opts->record) {
		plan->report->execve_ret =
		    filter_decision(&plan->seccomp, plan->report->arch, SYS_execve);
		plan->report->exit_ret =
		    filter_decision(&plan->seccomp, plan->report->arch, SYS_exit_group);
	}
	plan->report->err = *err;
	__atomic_store_n(&plan->report->failed, 1, __ATOMIC_RELEASE);
	/* MSG_NOSIGNAL: in create mode ward may be gone, and SIGPIPE would hide the status */
	if (plan->report->step == STEP_SETUP)
		(void)send(plan->sync, err, sizeof(*err), MSG_NOSIGNAL);
	(void)syscall(SYS_exit_group, status);
	(void)syscall(SYS_exit, status);
	__builtin_trap();
}

static bool parent_gone(int sync)
{
	struct pollfd pfd = {.fd = sync, .events = POLLIN};

	return poll(&pfd, 1, 0) > 0 && (pfd.revents & (POLLHUP | POLLERR));
}

static int switch_user(const struct container_spec *spec, struct ward_err *err)
{
	/* keep the permitted set across setresuid; caps_apply() then sets it exactly */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return err_set(err, errno, "cannot set keep-capabilities");
	/* rootless: setgroups is denied in the namespace (and there are none to set) */
	if (!spec->rootless && setgroups(spec->ngroups, spec->groups) < 0)
		return err_set(err, errno, "cannot set supplementary groups");
	if (setresgid(spec->gid, spec->gid, spec->gid) < 0)
		return err_set(err, errno, "cannot set gid %u", (unsigned)spec->gid);
	if (setresuid(spec->uid, spec->uid, spec->uid) < 0)
		return err_set(err, errno, "cannot set uid %u", (unsigned)spec->uid);
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return err_set(err, errno, "cannot clear keep-capabilities");
	return 0;
}

/*
 * execvpe() with the container's PATH rather than ours. Returns only on failure,
 * with err->status 127 (not found) or 126 (found but not executable).
 */
static int exec_command(const struct container_spec *spec, int exec_fd, struct ward_err *err)
{
	const char *cmd = spec->argv.v[0];
	const char *path = spec_getenv(spec, "PATH");
	int first_error = ENOENT;
	char buf[PATH_MAX];

	if (exec_fd >= 0) {
		/*
		 * A program ward opened before pivot_root (the probe): not in the rootfs.
		 * Through the container's /proc first, so that execve is still all a
		 * profile must allow after the filter; execveat where there is no /proc.
		 */
		(void)snprintf(buf, sizeof(buf), "/proc/self/fd/%d", exec_fd);
		execve(buf, spec->argv.v, spec->env.v);
		if (errno == ENOENT)
			syscall(SYS_execveat, exec_fd, "", spec->argv.v, spec->env.v,
				AT_EMPTY_PATH);
		first_error = errno;
	} else if (strchr(cmd, '/') || !path) {
		execve(cmd, spec->argv.v, spec->env.v);
		first_error = errno;
	} else {
		for (const char *p = path; p;) {
			const char *end = strchr(p, ':');
			size_t dlen = end ? (size_t)(end - p) : strlen(p);

			if ((size_t)snprintf(buf, sizeof(buf), "%.*s/%s", (int)dlen, dlen ? p : ".",
					     cmd) < sizeof(buf)) {
				execve(buf, spec->argv.v, spec->env.v);
				/* keep looking past missing entries, remember a real failure */
				if (errno != ENOENT && errno != ENOTDIR && first_error == ENOENT)
					first_error = errno;
			}
			p = end ? end + 1 : NULL;
		}
	}
	err_set(err, first_error, "exec '%s'", cmd);
	err->status = first_error == ENOENT ? WARD_EXIT_NOT_FOUND : WARD_EXIT_CANNOT_EXEC;
	return -first_error;
}

/*
 * Pass a descriptor to ward over the sync socket (SCM_RIGHTS) with a one-byte
 * tag: 'L' the seccomp listener, 'T' the terminal's master. The child keeps no copy.
 */
static int send_fd(int sync, char tag, int fd, const char *what, struct ward_err *err)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {.iov_base = &tag, .iov_len = 1};
	struct msghdr msg = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *c;
	ssize_t n;

	memset(cbuf, 0, sizeof(cbuf));
	c = CMSG_FIRSTHDR(&msg);
	if (!c)
		return err_set(err, EINVAL, "cannot pass %s to ward", what);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	do
		n = sendmsg(sync, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		return err_set(err, errno, "cannot pass %s to ward", what);
	close(fd);
	return 0;
}

/*
 * The listener seccomp(2) is about to return is the lowest free descriptor:
 * ward learns its number now, while a send cannot be denied, and takes it with
 * pidfd_getfd(2) once the filter is in (see take_listener()).
 */
static int announce_listener(const struct plan *plan, struct ward_err *err)
{
	char msg[1 + sizeof(int)];
	int fd = fcntl(plan->sync, F_DUPFD_CLOEXEC, 0);

	if (fd < 0)
		return err_set(err, errno,
			       "cannot find a free descriptor for the seccomp listener");
	close(fd);
	msg[0] = 'L';
	memcpy(msg + 1, &fd, sizeof(fd));
	if (send(plan->sync, msg, sizeof(msg), MSG_NOSIGNAL) != (ssize_t)sizeof(msg))
		return err_set(err, errno, "cannot tell ward about the seccomp listener");
	return 0;
}

/*
 * The last step before execve. With a listener, the child then waits for ward
 * to take it without a system call (a profile may deny any, and a denied one
 * would wait on that very listener): ward sets listener_taken, or kills it.
 */
static int load_filter(const struct plan *plan, struct ward_err *err)
{
	bool listener =
	    plan->seccomp.enabled && (plan->seccomp.flags & SECCOMP_FILTER_FLAG_NEW_LISTENER);
	int r;

	/*
	 * rootless: pidfd_getfd(2) needs a dumpable child (ward has no
	 * CAP_SYS_PTRACE); execve sets the flag anew a moment later
	 */
	if (listener && (plan->opts->record || plan->opts->report_denied) && plan->spec->rootless &&
	    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
		return err_set(err, errno, "cannot hand the seccomp listener to ward");
	if (listener && announce_listener(plan, err) < 0)
		return -EPROTO;
	r = filter_load(&plan->seccomp, err);
	if (r == -EINVAL && plan->opts->report_denied)
		return err_prefix(err,
				  "--report-denied needs seccomp user notification, which this "
				  "kernel lacks (Linux 5.0 or later)");
	if (r < 0)
		return r;
	plan->report->step = STEP_FILTER;
	while (listener && !__atomic_load_n(&plan->report->listener_taken, __ATOMIC_ACQUIRE))
		cpu_relax();
	plan->report->step = STEP_EXEC;
	return 0;
}

/*
 * ward create: tell ward the set-up is done (one byte), then block opening the
 * exec fifo for writing until `ward start` opens it for reading. The fifo is
 * held as an O_PATH descriptor from before pivot_root, reopened through the
 * container's /proc.
 */
static int wait_for_start(const struct plan *plan, struct ward_err *err)
{
	char path[64], ready = 'r';
	int fd;

	if (send(plan->sync, &ready, 1, MSG_NOSIGNAL) != 1)
		return err_set(err, errno, "cannot tell ward the container is ready");
	/*
	 * ward commits the container (state.json written) with one more byte; EOF
	 * means it died first, and nothing would ever know of this process: go.
	 * (A profile with an agent's listener is in already and may deny the read:
	 * then only an EOF stops us.)
	 */
	for (;;) {
		ssize_t n = recv(plan->sync, &ready, 1, 0);

		if (n == 1 && ready == 'c')
			break;
		if (n == 0 || n == 1)
			_exit(WARD_EXIT_LAUNCHER);
		if (errno != EINTR)
			break;
	}
	(void)snprintf(path, sizeof(path), "/proc/self/fd/%d", plan->opts->exec_fifo);
	do
		fd = open(path, O_WRONLY | O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return err_set(err, errno, "cannot open the exec fifo");
	if (write_full(fd, "0", 1) != 1) {
		close(fd);
		return err_set(err, errno, "cannot write the exec fifo");
	}
	close(fd);
	return 0;
}

/* process.oomScoreAdj, written by ward (a child in a user namespace could only raise it) */
static int set_oom_score_adj(pid_t pid, int value, struct ward_err *err)
{
	char buf[16], path[40];
	int fd, n = snprintf(buf, sizeof(buf), "%d", value);
	ssize_t w;

	if (n < 0 || (size_t)n >= sizeof(buf))
		return err_set(err, EINVAL, "process.oomScoreAdj: %d", value);
	(void)snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)pid);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, errno, "process.oomScoreAdj: cannot open '%s'", path);
	w = write_full(fd, buf, (size_t)n);
	if (w != n) {
		int e = w < 0 ? errno : EIO;

		close(fd);
		/* lowering it below ward's own needs CAP_SYS_RESOURCE */
		return err_set(err, e, "process.oomScoreAdj: cannot set it to %d", value);
	}
	close(fd);
	return 0;
}

/*
 * Ward's part before the child may go on: its cgroup (before it runs a single
 * instruction of the container's), its id maps, its OOM score.
 */
static int prepare_child(const struct container_spec *spec, pid_t pid, const struct cg_handle *cg,
			 struct ward_err *err)
{
	if (cg_attach(cg, pid, err) < 0)
		return -EINVAL;
	if (ns_is_new(spec, CLONE_NEWUSER) && ns_write_id_maps(spec, pid, err) < 0)
		return -EINVAL;
	if (spec->oci.oom_score_adj_set && set_oom_score_adj(pid, spec->oci.oom_score_adj, err) < 0)
		return -EINVAL;
	return 0;
}

/* process.rlimits: checked against ward's own hard limits in the parent */
static int set_rlimits(const struct container_spec *spec, struct ward_err *err)
{
	for (size_t i = 0; i < spec->oci.nrlimits; i++) {
		const struct spec_rlimit *rl = &spec->oci.rlimits[i];
		struct rlimit lim = {.rlim_cur = rl->soft, .rlim_max = rl->hard};

		if (setrlimit(rl->resource, &lim) < 0)
			return err_set(err, errno, "process.rlimits: cannot set %s to %llu:%llu",
				       oci_rlimit_name(rl->resource), (unsigned long long)rl->soft,
				       (unsigned long long)rl->hard);
	}
	return 0;
}

/* Whether ward create has hooks to run during set-up (ward and the init then talk). */
static bool setup_hooks_wanted(const struct container_spec *spec)
{
	return hooks_any(spec, SPEC_HOOK_PRESTART) || hooks_any(spec, SPEC_HOOK_CREATE_RUNTIME) ||
	       hooks_any(spec, SPEC_HOOK_CREATE_CONTAINER) ||
	       hooks_any(spec, SPEC_HOOK_START_CONTAINER);
}

/* One whole message from ward, NUL-terminated; EOF means ward is gone. */
static char *recv_text(int sync, struct ward_err *err)
{
	char *buf;
	ssize_t n, got;

	do
		n = recv(sync, NULL, 0, MSG_PEEK | MSG_TRUNC);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		_exit(WARD_EXIT_LAUNCHER);
	if (n < 0) {
		err_set(err, errno, "cannot read the state from ward");
		return NULL;
	}
	buf = xmalloc((size_t)n + 1);
	got = recv(sync, buf, (size_t)n, 0);
	if (got != n) {
		err_set(err, got < 0 ? errno : EPROTO, "cannot read the state from ward");
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

/*
 * ward create, mounts done and before pivot_root: ward runs prestart and
 * createRuntime and answers with the state JSON for our own hooks; then
 * createContainer runs here, in the container's namespaces. *@start_json gets
 * the state for startContainer.
 */
static int child_setup_hooks(const struct plan *plan, char **start_json, struct ward_err *err)
{
	cleanup_free char *creating = NULL;
	char tag = 'H';

	if (send(plan->sync, &tag, 1, MSG_NOSIGNAL) != 1)
		return err_set(err, errno, "cannot ask ward to run the hooks");
	creating = recv_text(plan->sync, err);
	if (!creating)
		return -EPROTO;
	*start_json = recv_text(plan->sync, err);
	if (!*start_json)
		return -EPROTO;
	return hooks_run(plan->spec, SPEC_HOOK_CREATE_CONTAINER, creating, err);
}

static __attribute__((noreturn)) void child_become(const struct plan *plan, bool detached,
						   const char *start_json);

static __attribute__((noreturn)) void child_main(const struct plan *plan)
{
	const struct container_spec *spec = plan->spec;
	bool detached = plan->opts->exec_fifo >= 0; /* ward create: ward exits, we stay */
	struct ward_err err = {0};
	char *start_json = NULL; /* kept until execve */
	struct mnt_sources src;
	char go;

	if (plan->parent_end >= 0)
		close(plan->parent_end);
	/* die with ward; re-armed below because a credential change clears it */
	if (!detached && prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) {
		err_set(&err, errno, "cannot set the parent-death signal");
		child_fail(plan, &err);
	}
	/* wait for the parent; EOF means it died before releasing us */
	if (read_full(plan->sync, &go, 1) != 1)
		_exit(WARD_EXIT_LAUNCHER);
	/* while still ward's uid: /proc/self/timens_offsets belongs to it */
	if (ns_is_new(spec, CLONE_NEWTIME) && ns_enter_time(&spec->oci, &err) < 0)
		child_fail(plan, &err);
	/* rootless: dumpable until ward wrote the id maps (root: never, see spawn()) */
	if (spec->rootless && selfexe_undumpable(&err) < 0)
		child_fail(plan, &err);
	/* with ward's ids still: see mnt_open_sources() */
	if (mnt_open_sources(spec, &src, &err) < 0)
		child_fail(plan, &err);
	/* in a new user namespace, the id maps are written by now: become its root */
	if (ns_is_new(spec, CLONE_NEWUSER) && ns_become_root(!spec->rootless, &err) < 0)
		child_fail(plan, &err);
	/* namespaces joined by path, then a new cgroup namespace rooted at our cgroup */
	if (ns_join(&plan->ns, &err) < 0)
		child_fail(plan, &err);
	if (ns_is_new(spec, CLONE_NEWCGROUP) && ns_enter_cgroup(&err) < 0)
		child_fail(plan, &err);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		(void)signal(forwarded[i], SIG_DFL); /* cannot fail for these */
	umask(0);
	/* a config.json without a hostname keeps the one its UTS namespace has */
	if ((!spec->oci.oci || spec->oci.hostname_set) && ns_set_hostname(spec->hostname, &err) < 0)
		child_fail(plan, &err);
	if (ns_is_new(spec, CLONE_NEWNET) && ns_loopback_up(&err) < 0)
		child_fail(plan, &err);
	if (mnt_prepare_rootfs(spec, &src, &err) < 0)
		child_fail(plan, &err);
	if (detached && setup_hooks_wanted(spec) && child_setup_hooks(plan, &start_json, &err) < 0)
		child_fail(plan, &err);
	if (mnt_enter_root(spec, src.rootfd, &err) < 0)
		child_fail(plan, &err);
	mnt_sources_release(&src);
	child_become(plan, detached, start_json);
}

/* every descriptor above stdio and --preserve-fds but the sync socket, exec fifo and exec file */
static int close_inherited(const struct plan *plan)
{
	const int keep[] = {plan->sync, plan->opts->exec_fifo, plan->opts->exec_fd};

	return sys_close_except(STDERR_FILENO + 1 + (int)plan->opts->preserve_fds, keep,
				sizeof(keep) / sizeof(keep[0]));
}

/*
 * The process's own part, once it is in the container: its terminal, rlimits,
 * capabilities and user, umask, descriptors, then the seccomp filter and
 * execve. @detached: ward does not stay (no parent-death signal); ward
 * create's init also waits for `start` and runs the startContainer hooks
 * (@start_json) before its filter (after it only when the filter has a
 * listener for an agent, which ward create must hand over before it exits).
 */
static __attribute__((noreturn)) void child_become(const struct plan *plan, bool detached,
						   const char *start_json)
{
	const struct container_spec *spec = plan->spec;
	bool wait_start = plan->opts->exec_fifo >= 0;
	bool listener =
	    plan->seccomp.enabled && (plan->seccomp.flags & SECCOMP_FILTER_FLAG_NEW_LISTENER);
	struct ward_err err = {0};
	sigset_t none;

	if (plan->opts->terminal) {
		/* after pivot_root: /dev/ptmx is the container's own devpts instance */
		int master = tty_setup_child(&err);

		if (master < 0 || send_fd(plan->sync, 'T', master, "the terminal", &err) < 0)
			child_fail(plan, &err);
	}
	/* after the mounts (a low RLIMIT_NOFILE must not break them), before the filter */
	if (set_rlimits(spec, &err) < 0)
		child_fail(plan, &err);
	if (caps_drop_bounding(&plan->caps, &err) < 0)
		child_fail(plan, &err);
	if (switch_user(spec, &err) < 0)
		child_fail(plan, &err);
	/* without no_new_privs, CAP_SYS_ADMIN is held for the filter (caps_hold()) */
	if (caps_apply(&plan->caps, &err) < 0)
		child_fail(plan, &err);
	if (spec->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		err_set(&err, errno, "cannot set no_new_privs");
		child_fail(plan, &err);
	}
	if (!detached && prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) {
		err_set(&err, errno, "cannot set the parent-death signal");
		child_fail(plan, &err);
	}
	/* ward may have died while the signal was cleared: its end of the socket
	 * is then closed (getppid() says 0 across the pid namespace either way) */
	if (!detached && parent_gone(plan->sync))
		_exit(WARD_EXIT_LAUNCHER);
	umask(spec->oci.umask_set ? spec->oci.umask : 022);
	if (plan->opts->stdout_fd >= 0 && dup2(plan->opts->stdout_fd, STDOUT_FILENO) < 0) {
		err_set(&err, errno, "cannot redirect the container's stdout");
		child_fail(plan, &err);
	}
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) < 0) {
		err_set(&err, errno, "cannot unblock signals");
		child_fail(plan, &err);
	}
	/*
	 * Nothing but stdio, the engine's --preserve-fds and ward's own three stays
	 * open past here: ward create's init waits for `start` for as long as the
	 * engine likes, and must not hold its caller's descriptors meanwhile (runc's
	 * init never has them). Before the filter, which may deny close_range.
	 */
	if (close_inherited(plan) < 0) {
		err_set(&err, errno, "cannot close the descriptors ward inherited");
		child_fail(plan, &err);
	}
	/* ward create hands a listener to its agent itself: the filter goes in first */
	if (wait_start && listener && load_filter(plan, &err) < 0)
		child_fail(plan, &err);
	if (wait_start && wait_for_start(plan, &err) < 0)
		child_fail(plan, &err);
	/* ward create has exited by now: the engine reads the failure on our stderr */
	if (start_json && hooks_run(spec, SPEC_HOOK_START_CONTAINER, start_json, &err) < 0) {
		(void)dprintf(STDERR_FILENO, "ward: %s\n", err.msg);
		child_fail(plan, &err);
	}
	if (sys_cloexec_from(STDERR_FILENO + 1 + (int)plan->opts->preserve_fds) < 0) {
		err_set(&err, errno, "cannot mark descriptors close-on-exec");
		child_fail(plan, &err);
	}
	if (!(wait_start && listener) && load_filter(plan, &err) < 0)
		child_fail(plan, &err);
	exec_command(spec, plan->opts->exec_fd, &err);
	child_fail(plan, &err);
}

static int wait_child(pid_t pid, int *status, struct ward_err *err)
{
	int ws;

	while (waitpid(pid, &ws, 0) < 0) {
		if (errno != EINTR)
			return err_set(err, errno, "cannot wait for the container");
	}
	if (WIFEXITED(ws))
		*status = WEXITSTATUS(ws);
	else if (WIFSIGNALED(ws))
		*status = 128 + WTERMSIG(ws);
	else
		*status = WARD_EXIT_LAUNCHER;
	return 0;
}

static int install_forwarding(sigset_t *blocked, sigset_t *old, struct ward_err *err)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = forward_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(blocked);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++) {
		sigaddset(blocked, forwarded[i]);
		sigaddset(&sa.sa_mask, forwarded[i]);
	}
	/* a SIGCHLD inherited as ignored would make waitpid() fail */
	if (signal(SIGCHLD, SIG_DFL) == SIG_ERR)
		return err_set(err, errno, "cannot reset SIGCHLD");
	/* blocked across clone, so no signal lands between clone and the handlers */
	if (sigprocmask(SIG_BLOCK, blocked, old) < 0)
		return err_set(err, errno, "cannot block signals");
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		if (sigaction(forwarded[i], &sa, NULL) < 0)
			return err_set(err, errno, "cannot install a signal handler");
	return 0;
}

/*
 * The container's cgroup: detected, stale ones from a SIGKILLed ward removed,
 * created with the limits, before clone so a failure leaves nothing started.
 */
static int cgroup_prepare(const struct container_spec *spec, const char *oci_id,
			  struct cg_handle *cg, struct ward_err *err)
{
	struct cg_layout layout;
	struct ward_err e;
	char id[16];
	int r;

	/* rootless: ward may write no cgroup (and finds no delegation it could use) */
	if (spec->rootless) {
		memset(cg, 0, sizeof(*cg));
		if (spec->resources.set & ~(unsigned int)SPEC_RES_DEVICES)
			return err_set(err, 0,
				       "rootless: resource limits need cgroups, which ward writes "
				       "only as root");
		log_debug("rootless: no cgroup of the container's own, no device cgroup");
		return 0;
	}
	r = cg_detect("/proc/self/mountinfo", "/proc/self/cgroup", &layout, err);
	if (r < 0)
		return r;
	if (cg_cleanup_stale(&layout, &e) < 0)
		log_warn("cannot remove cgroups left by an earlier ward: %s", e.msg);
	/* linux.cgroupsPath where the engine reads the container's stats from */
	if (oci_id && spec->oci.cgroups_path && spec->oci.cgroups_path[0])
		return cg_create_path(&layout, spec->oci.cgroups_path, &spec->resources, cg, err);
	if (oci_id)
		return cg_create_detached(&layout, oci_id, &spec->resources, cg, err);
	cg_make_id(id, sizeof(id));
	return cg_create(&layout, id, &spec->resources, cg, err);
}

static void cgroup_finish(struct cg_handle *cg)
{
	struct ward_err e;

	if (cg_destroy(cg, &e) < 0)
		log_warn("cannot remove the container's cgroup: %s", e.msg);
	cg_handle_release(cg);
}

/*
 * One message from the child: its error (a whole struct ward_err), a descriptor
 * (a tag byte with SCM_RIGHTS: 'T' terminal), a plain byte (ready, in create
 * mode), 'L' with the number its seccomp listener is about to have, or EOF when
 * execve closed its end.
 * Return: 1 for a descriptor (*fd, *tag), 2 for a plain byte, 3 for 'L' (*fd
 * the number), 0 for EOF, or a negative errno.
 */
static int read_sync(int sync, int *fd, char *tag, struct ward_err *err)
{
	struct ward_err child_err;
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {.iov_base = &child_err, .iov_len = sizeof(child_err)};
	struct msghdr msg = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *c;
	ssize_t n;

	do
		n = recvmsg(sync, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	c = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL;
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
		memcpy(fd, CMSG_DATA(c), sizeof(int));
		memcpy(tag, &child_err, 1);
		return 1;
	}
	if (n == 0)
		return 0;
	if (n == 1) {
		memcpy(tag, &child_err, 1); /* a plain byte: create mode's "ready" */
		return 2;
	}
	if (n == 1 + (ssize_t)sizeof(int)) {
		/* 'L' and the number the seccomp listener will have in the child */
		memcpy(tag, &child_err, 1);
		memcpy(fd, (char *)&child_err + 1, sizeof(int));
		return 3;
	}
	if (n != (ssize_t)sizeof(child_err))
		return err_set(err, n < 0 ? errno : EPROTO, "cannot read the container's status");
	*err = child_err;
	err->msg[sizeof(err->msg) - 1] = '\0';
	return -(err->code ? err->code : EINVAL);
}

/* Whether @fd is a seccomp user-notification listener. */
static bool is_listener(int fd)
{
	char path[64], link[64];
	ssize_t n;

	(void)snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return false;
	link[n] = '\0';
	return strcmp(link, "anon_inode:seccomp notify") == 0;
}

/*
 * The child said its listener will be descriptor @num: take it with
 * pidfd_getfd(2) as soon as its filter is in, then let the child go on (it
 * waits on the report page, making no system call its profile could trap).
 */
static int take_listener(pid_t pid, int num, struct child_report *rep, int *listener,
			 struct ward_err *err)
{
	cleanup_close int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	const struct timespec pause = {.tv_nsec = 50 * 1000};

	if (pidfd < 0)
		return err_set(err, errno, "cannot watch the container (pidfd_open)");
	for (;;) {
		struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
		int fd = (int)syscall(SYS_pidfd_getfd, pidfd, num, 0);

		if (fd >= 0 && is_listener(fd)) {
			if (*listener >= 0)
				close(*listener);
			*listener = fd;
			__atomic_store_n(&rep->listener_taken, 1, __ATOMIC_RELEASE);
			return 0;
		}
		if (fd >= 0)
			close(fd);
		else if (errno != EBADF)
			return err_set(err, errno,
				       "cannot take the seccomp listener from the container "
				       "(pidfd_getfd, Linux 5.6)");
		if (__atomic_load_n(&rep->failed, __ATOMIC_ACQUIRE) ||
		    (poll(&pfd, 1, 0) > 0 && (pfd.revents & POLLIN)))
			return err_set(err, EPROTO,
				       "the container died loading its seccomp filter");
		(void)nanosleep(&pause, NULL);
	}
}

/* @s as a JSON string (quoted, escaped), allocated; "null" for NULL. */
static char *json_quote(const char *s)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;
	char *out;

	if (!g)
		return xstrdup("null");
	if (s)
		yajl_gen_string(g, (const unsigned char *)s, strlen(s));
	else
		yajl_gen_null(g);
	yajl_gen_get_buf(g, &buf, &len);
	out = xasprintf("%.*s", (int)len, (const char *)buf);
	yajl_gen_free(g);
	return out;
}

/*
 * A profile's SCMP_ACT_NOTIFY listener goes to its agent, as the runtime spec
 * says: one message on a connection to linuxPath, the container process state
 * ({ociVersion, fds: ["seccompFd"], pid, metadata, state}) with the listener
 * as SCM_RIGHTS. ward keeps no copy.
 */
static int agent_send(const struct container_spec *spec, const struct proc_opts *opts, pid_t pid,
		      int listener, struct ward_err *err)
{
	cleanup_free char *path = NULL, *meta = NULL, *state = NULL, *msg = NULL;
	cleanup_free char *qmeta = NULL, *qid = NULL;
	cleanup_close int sock = -1;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov;
	struct msghdr m = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *c;
	ssize_t n;
	int r = policy_listener(spec, &path, &meta, err);

	if (r < 0)
		return r;
	if (!path)
		return err_set(err, 0,
			       "the seccomp profile has SCMP_ACT_NOTIFY rules but no "
			       "listenerPath to send their listener to");
	if (strlen(path) >= sizeof(sa.sun_path))
		return err_set(err, ENAMETOOLONG, "seccomp listenerPath '%s'", path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (opts->state_json) {
		state = opts->state_json(opts->state_arg, pid, "creating");
	} else {
		qid = json_quote(opts->id ? opts->id : spec->hostname);
		state = xasprintf("{\"ociVersion\":\"%s\",\"id\":%s,\"status\":\"creating\","
				  "\"pid\":%d,\"bundle\":\"\"}",
				  OCI_VERSION, qid, (int)pid);
	}
	qmeta = json_quote(meta ? meta : "");
	msg = xasprintf("{\"ociVersion\":\"%s\",\"fds\":[\"seccompFd\"],\"pid\":%d,"
			"\"metadata\":%s,\"state\":%s}",
			OCI_VERSION, (int)pid, qmeta, state ? state : "{}");
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return err_set(err, errno, "cannot create a socket for the seccomp agent");
	if (connect(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return err_set(err, errno, "cannot connect to the seccomp agent at '%s'", path);
	iov.iov_base = msg;
	iov.iov_len = strlen(msg);
	memset(cbuf, 0, sizeof(cbuf));
	c = CMSG_FIRSTHDR(&m);
	if (!c)
		return err_set(err, EINVAL, "cannot pass the seccomp listener to its agent");
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &listener, sizeof(int));
	do
		n = sendmsg(sock, &m, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)iov.iov_len)
		return err_set(err, n < 0 ? errno : EPROTO,
			       "cannot send the seccomp listener to the agent at '%s'", path);
	return 0;
}

static int report_outcome(const struct child_report *rep, struct ward_err *err);

/*
 * The listener the child announced: ward's own with --report-denied, else
 * taken and handed to the profile's agent at once (a notified call of the
 * child's would wait for the agent).
 */
static int listener_arrived(const struct container_spec *spec, const struct proc_opts *opts,
			    pid_t pid, int num, struct child_report *rep, int *listener,
			    struct ward_err *err)
{
	int r = take_listener(pid, num, rep, listener, err);

	if (r == 0 && opts->listener_ready) {
		r = opts->listener_ready(opts->listener_arg, pid, *listener, err);
		close(*listener);
		*listener = -1;
	} else if (r == 0 && !opts->report_denied && !opts->record) {
		r = agent_send(spec, opts, pid, *listener, err);
		close(*listener);
		*listener = -1;
	}
	if (r < 0) {
		int o = report_outcome(rep, err);

		return o < 0 ? o : r;
	}
	return 0;
}

/*
 * Once the child is gone or running its command: the error it left on the
 * report page when a failure could not go over the socket (after its filter),
 * with what the filter decides for the calls ward makes then. Return: 0 when
 * the child did not fail, else a negative errno with @err set.
 */
static int report_outcome(const struct child_report *rep, struct ward_err *err)
{
	static const struct {
		const char *name;
		size_t off;
	} calls[] = {
	    {"execve", offsetof(struct child_report, execve_ret)},
	    {"exit_group", offsetof(struct child_report, exit_ret)},
	};
	char denied[64] = "";

	if (!__atomic_load_n(&rep->failed, __ATOMIC_ACQUIRE))
		return 0;
	*err = rep->err;
	err->msg[sizeof(err->msg) - 1] = '\0';
	if (rep->step == STEP_SETUP)
		return -(err->code ? err->code : EINVAL);
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		uint32_t ret;
		uint32_t action;

		memcpy(&ret, (const char *)rep + calls[i].off, sizeof(ret));
		action = ret & SECCOMP_RET_ACTION_FULL;
		if (action == SECCOMP_RET_ALLOW || action == SECCOMP_RET_LOG)
			continue;
		(void)snprintf(denied + strlen(denied), sizeof(denied) - strlen(denied), "%s%s",
			       denied[0] ? " and " : "", calls[i].name);
	}
	if (!denied[0])
		return -(err->code ? err->code : EINVAL); /* the command's own failure */
	err->status = WARD_EXIT_LAUNCHER;
	return err_prefix(err,
			  "the seccomp profile denies %s, which ward needs after loading it "
			  "(add %s to the profile)",
			  denied, strchr(denied, ' ') ? "them" : "it");
}

/*
 * Release the child; learn whether it reached execve; with a seccomp listener,
 * answer its notifications until it exits (the child may block on one even
 * during set-up, so both are served together). Return: 0 once the command ran
 * (*listener set if the child sent one), or a negative errno.
 */
static int release_child(int sync, pid_t pid, struct child_report *rep,
			 const struct container_spec *spec, const struct proc_opts *opts,
			 struct notify_log *log, int *listener, int *master, struct ward_err *err)
{
	char go = 'g';
	bool served = false;

	if (write_full(sync, &go, 1) != 1)
		return err_set(err, errno, "cannot release the container");
	for (;;) {
		struct pollfd pfd[2] = {{.fd = sync, .events = POLLIN},
					{.fd = served ? -1 : *listener, .events = POLLIN}};
		int r, fd = -1;
		char tag = 0;

		if (poll(pfd, *listener >= 0 ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return err_set(err, errno, "cannot wait for the container");
		}
		if (*listener >= 0 && (pfd[1].revents & POLLIN)) {
			r = notify_handle(log, *listener, err);
			if (r < 0)
				return r;
			if (r > 0)
				served = true; /* by threads of its own (record.h) */
		}
		if (!(pfd[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		r = read_sync(sync, &fd, &tag, err);
		if (r < 0)
			return r;
		if (r == 0)
			return report_outcome(rep, err);
		if (r == 2)
			continue;
		if (r == 3) {
			r = listener_arrived(spec, opts, pid, fd, rep, listener, err);
			if (r < 0)
				return r;
			continue;
		}
		if (*master >= 0)
			close(*master);
		*master = fd;
	}
}

static volatile sig_atomic_t winch;

static void on_winch(int sig)
{
	(void)sig;
	winch = 1;
}

/*
 * Until the container exits: answer seccomp notifications (with a listener) and
 * copy the terminal both ways (with a master), resizing it on SIGWINCH.
 */
static int serve_until_exit(pid_t pid, int listener, int master, struct notify_log *log,
			    struct ward_err *err)
{
	cleanup_close int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	struct tty_proxy tp;
	int r = 0;

	if (pidfd < 0)
		return err_set(err, errno, "cannot watch the container (pidfd_open)");
	if (master >= 0) {
		struct sigaction sa = {.sa_handler = on_winch};

		r = tty_proxy_start(&tp, master, err);
		if (r < 0)
			return r;
		if (sigaction(SIGWINCH, &sa, NULL) < 0) {
			tty_proxy_stop(&tp);
			return err_set(err, errno, "cannot watch the window size");
		}
	}
	for (;;) {
		struct pollfd pfd[4] = {
		    {.fd = pidfd, .events = POLLIN},
		    {.fd = listener, .events = POLLIN},
		    {.fd = master, .events = POLLIN},
		    {.fd = master >= 0 && tp.stdin_open ? STDIN_FILENO : -1, .events = POLLIN}};

		if (winch && master >= 0) {
			winch = 0;
			tty_proxy_winch(&tp);
		}
		if (poll(pfd, 4, -1) < 0) {
			if (errno == EINTR)
				continue;
			r = err_set(err, errno, "cannot wait for the container");
			break;
		}
		if (listener >= 0 && (pfd[1].revents & POLLIN)) {
			r = notify_handle(log, listener, err);
			if (r < 0)
				break;
			if (r > 0)
				listener = -1; /* served by threads of its own (record.h) */
			r = 0;
		}
		if (master >= 0 && (pfd[2].revents || pfd[3].revents))
			(void)tty_proxy_pump(&tp, pfd[2].revents != 0, pfd[3].revents != 0);
		if (pfd[0].revents & POLLIN)
			break;
	}
	if (master >= 0) {
		tty_proxy_stop(&tp);
		(void)signal(SIGWINCH, SIG_DFL);
	}
	return r;
}

/* The capabilities: Docker's rules from flags, or the five sets of a config.json. */
static int plan_caps(struct plan *plan, const struct container_spec *spec, struct ward_err *err)
{
	const struct spec_oci *o = &spec->oci;
	int r;

	if (o->oci) {
		struct caps_sets sets = {.bounding = spec->caps,
					 .effective = o->caps_effective,
					 .permitted = o->caps_permitted,
					 .inheritable = o->caps_inheritable,
					 .ambient = o->caps_ambient};
		/* the kernel raises an ambient capability only if permitted and inheritable */
		uint64_t skipped = sets.ambient & ~(sets.permitted & sets.inheritable);

		if (skipped) {
			char names[512];

			caps_format(skipped, names, sizeof(names));
			log_warn("process.capabilities.ambient: %s not both permitted and "
				 "inheritable: not raised",
				 names);
			sets.ambient &= ~skipped;
		}
		r = caps_prepare_sets(&plan->caps, &sets, err);
	} else {
		r = caps_prepare(&plan->caps, spec->caps, err);
	}
	/* without no_new_privs, seccomp(2) needs CAP_SYS_ADMIN: kept until execve */
	if (r == 0 && plan->seccomp.enabled && !spec->no_new_privs)
		r = caps_hold(&plan->caps, CAP_SYS_ADMIN, err);
	return r;
}

/* The capabilities and the namespaces to join. On failure the caller releases the plan. */
static int plan_prepare(struct plan *plan, const struct container_spec *spec, struct ward_err *err)
{
	int r;

	ns_plan_init(&plan->ns);
	r = plan_caps(plan, spec, err);
	if (r < 0)
		return r;
	return ns_prepare(&plan->ns, spec, err);
}

/* clone the child into its namespaces (a joined pid namespace is entered around it) */
static pid_t spawn(const struct plan *plan, struct ward_err *err)
{
	struct ward_err e;
	pid_t pid;
	int saved;

	/* root: before the clone, so the child is never dumpable (rootless: see child_main) */
	if (!plan->spec->rootless && selfexe_undumpable(err) < 0)
		return -1;
	if (ns_pid_enter(&plan->ns, err) < 0)
		return -1;
	(void)fflush(NULL); /* buffered output must not be written twice */
	pid =
	    (pid_t)syscall(SYS_clone, ns_clone_flags(plan->spec) | SIGCHLD, NULL, NULL, NULL, NULL);
	if (pid == 0)
		child_main(plan);
	saved = errno;
	if (ns_pid_leave(&plan->ns, &e) < 0) {
		/* ward's own later children (hooks) must not land in the container */
		if (pid > 0) {
			(void)kill(pid, SIGKILL);
			(void)waitpid(pid, NULL, 0);
		}
		*err = e;
		return -1;
	}
	if (pid < 0)
		err_set(err, saved, "cannot create the container's namespaces");
	return pid;
}

void proc_result_init(struct proc_result *res)
{
	memset(res, 0, sizeof(*res));
}

void proc_result_release(struct proc_result *res)
{
	notify_log_release(&res->denied);
	filter_prog_release(&res->denied_prog);
	proc_result_init(res);
}

int proc_run(const struct container_spec *spec, const struct proc_opts *opts,
	     struct proc_result *res, struct ward_err *err)
{
	struct plan plan = {.spec = spec, .opts = opts, .sync = -1, .parent_end = -1};
	cleanup_report struct child_report *report = NULL;
	cleanup_close int parent_end = -1;
	cleanup_close int listener = -1;
	cleanup_close int master = -1;
	struct cg_handle cg;
	struct ward_err werr;
	sigset_t blocked, old;
	int sv[2], r, ws = 0;
	pid_t pid;

	memset(&cg, 0, sizeof(cg));
	ns_plan_init(&plan.ns); /* no fds yet: plan_release() must not close 0 */
	report = plan.report = report_map(err);
	if (!report)
		return -EINVAL;
	r = plan_policy(spec, &plan.seccomp, err);
	if (r < 0)
		return r;
	if (opts->report_denied) {
		plan.profile_prog = plan.seccomp;
		r = notify_rewrite(&plan.profile_prog, &plan.seccomp, err);
		if (r < 0) {
			plan.seccomp = plan.profile_prog;
			memset(&plan.profile_prog, 0, sizeof(plan.profile_prog));
			filter_prog_release(&plan.seccomp);
			return r;
		}
		/* the log needs the profile's program until the report is printed */
		res->denied.orig = &res->denied_prog;
		res->denied_prog = plan.profile_prog;
		memset(&plan.profile_prog, 0, sizeof(plan.profile_prog));
	}
	r = plan_record(&plan, err);
	if (r < 0)
		return r;
	res->denied.record = opts->record;
	r = plan_prepare(&plan, spec, err);
	if (r < 0) {
		plan_release(&plan);
		return r;
	}
	r = cgroup_prepare(spec, NULL, &cg, err);
	if (r < 0) {
		plan_release(&plan);
		return r;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		r = err_set(err, errno, "cannot create the sync socket");
		plan_release(&plan);
		cgroup_finish(&cg);
		return r;
	}
	parent_end = sv[0];
	plan.sync = sv[1];
	r = install_forwarding(&blocked, &old, err);
	if (r < 0) {
		close(plan.sync);
		plan_release(&plan);
		cgroup_finish(&cg);
		return r;
	}
	plan.parent_end = parent_end;
	pid = spawn(&plan, err);
	r = pid < 0 ? -(err->code ? err->code : EINVAL) : 0;
	close(plan.sync);
	plan_release(&plan);
	if (r < 0) {
		(void)sigprocmask(SIG_SETMASK, &old, NULL);
		cgroup_finish(&cg);
		return r;
	}
	forward_to = pid;
	(void)sigprocmask(SIG_SETMASK, &old, NULL);

	r = prepare_child(spec, pid, &cg, err);
	if (r == 0)
		r = release_child(parent_end, pid, report, spec, opts, &res->denied, &listener,
				  &master, err);
	forward_running = r == 0;
	if (r == 0 && master >= 0 && opts->console_socket) {
		r = tty_send_console(opts->console_socket, master, err);
		close(steal_fd(&master));
	}
	if (r == 0 && (listener >= 0 || master >= 0))
		r = serve_until_exit(pid, listener, master, &res->denied, err);
	if (r < 0)
		(void)kill(pid, SIGKILL); /* it failed, or must not go on without its cgroup */
	if (wait_child(pid, &ws, &werr) < 0 && r == 0) {
		*err = werr;
		r = -werr.code;
	}
	forward_to = 0;
	forward_running = 0;
	res->status = ws;
	res->oom_killed = r == 0 && cg_oom_killed(&cg);
	cgroup_finish(&cg);
	return r;
}

static int send_text(int sync, const char *text, struct ward_err *err)
{
	size_t len = strlen(text);
	ssize_t n = send(sync, text, len, MSG_NOSIGNAL);

	if (n != (ssize_t)len)
		return err_set(err, n < 0 ? errno : EMSGSIZE,
			       "cannot send the state to the container");
	return 0;
}

/* The init asked (before pivot_root): prestart, createRuntime, then its state JSONs. */
static int parent_setup_hooks(const struct plan *plan, int sync, pid_t pid, struct ward_err *err)
{
	const struct proc_opts *opts = plan->opts;
	cleanup_free char *creating = NULL;
	cleanup_free char *created = NULL;
	int r;

	if (!opts->state_json)
		return err_set(err, EINVAL, "create: the config has hooks, but no state for them");
	creating = opts->state_json(opts->state_arg, pid, "creating");
	created = opts->state_json(opts->state_arg, pid, "created");
	r = hooks_run(plan->spec, SPEC_HOOK_PRESTART, creating, err);
	if (r == 0)
		r = hooks_run(plan->spec, SPEC_HOOK_CREATE_RUNTIME, creating, err);
	if (r == 0)
		r = send_text(sync, creating, err);
	if (r == 0)
		r = send_text(sync, created, err);
	return r;
}

/*
 * ward create: wait for the child's "ready" byte (or its error), taking the
 * terminal's master on the way when it sends one, and running the set-up
 * hooks when it asks.
 */
static int wait_ready(const struct plan *plan, int sync, pid_t pid, struct child_report *rep,
		      int *master, struct ward_err *err)
{
	for (;;) {
		char tag = 0;
		int fd = -1;
		int r = read_sync(sync, &fd, &tag, err);

		if (r == 2 && tag == 'H') {
			r = parent_setup_hooks(plan, sync, pid, err);
			if (r < 0)
				return r;
			continue;
		}
		if (r == 3) {
			int none = -1;

			r = listener_arrived(plan->spec, plan->opts, pid, fd, rep, &none, err);
			if (r < 0)
				return r;
			continue;
		}
		if (r == 2)
			return 0;
		if (r == 0 && report_outcome(rep, err) < 0)
			return -EPROTO;
		if (r == 0)
			return err_set(err, EPROTO, "the container died during set-up");
		if (r < 0)
			return r;
		if (*master >= 0)
			close(*master);
		*master = fd;
	}
}

int proc_create(const struct container_spec *spec, const struct proc_opts *opts, pid_t *pid_out,
		struct cg_handle *cg, int *commit, struct ward_err *err)
{
	struct plan plan = {.spec = spec, .opts = opts, .sync = -1, .parent_end = -1};
	cleanup_report struct child_report *report = NULL;
	cleanup_close int parent_end = -1;
	cleanup_close int master = -1;
	uint32_t host_uid, host_gid;
	int sv[2], r;
	char go = 'g';
	pid_t pid;

	memset(cg, 0, sizeof(*cg));
	ns_plan_init(&plan.ns); /* no fds yet: plan_release() must not close 0 */
	*pid_out = 0;
	*commit = -1;
	if (opts->exec_fifo < 0 || !opts->id || opts->report_denied)
		return err_set(err, EINVAL, "create: no exec fifo or id");
	report = plan.report = report_map(err);
	if (!report)
		return -EINVAL;
	r = plan_policy(spec, &plan.seccomp, err);
	if (r < 0)
		return r;
	r = plan_record(&plan, err);
	if (r < 0)
		return r;
	r = plan_prepare(&plan, spec, err);
	if (r < 0) {
		plan_release(&plan);
		return r;
	}
	/*
	 * The child opens the fifo after it became the container's user (runc chowns
	 * it too): in a user namespace, that user's host ids (checked as mapped).
	 */
	host_uid = spec->uid;
	host_gid = spec->gid;
	if (ns_is_new(spec, CLONE_NEWUSER)) {
		(void)spec_map_id(spec->oci.uid_mappings, spec->oci.nuid_mappings, spec->uid,
				  &host_uid);
		(void)spec_map_id(spec->oci.gid_mappings, spec->oci.ngid_mappings, spec->gid,
				  &host_gid);
	}
	if (fchownat(opts->exec_fifo, "", host_uid, host_gid, AT_EMPTY_PATH) < 0) {
		r = err_set(err, errno, "cannot hand the exec fifo to uid %u", (unsigned)host_uid);
		plan_release(&plan);
		return r;
	}
	r = cgroup_prepare(spec, opts->id, cg, err);
	if (r < 0) {
		plan_release(&plan);
		return r;
	}
	/* recorded before anything runs in it: a killed create leaves delete a trace */
	if (opts->cgroup_ready)
		r = opts->cgroup_ready(opts->state_arg, cg, err);
	if (r == 0 && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		r = err_set(err, errno, "cannot create the sync socket");
	if (r < 0) {
		plan_release(&plan);
		cgroup_finish(cg);
		return r;
	}
	parent_end = sv[0];
	plan.sync = sv[1];
	plan.parent_end = parent_end;
	pid = spawn(&plan, err);
	r = pid < 0 ? -(err->code ? err->code : EINVAL) : 0;
	close(plan.sync);
	plan_release(&plan);
	if (r < 0) {
		cgroup_finish(cg);
		return r;
	}
	r = prepare_child(spec, pid, cg, err);
	if (r == 0 && write_full(parent_end, &go, 1) != 1)
		r = err_set(err, errno, "cannot release the container");
	if (r == 0)
		r = wait_ready(&plan, parent_end, pid, report, &master, err);
	/* the engine gets the terminal; ward create keeps no copy */
	if (r == 0 && master >= 0 && opts->console_socket)
		r = tty_send_console(opts->console_socket, master, err);
	if (r < 0) {
		(void)kill(pid, SIGKILL);
		(void)waitpid(pid, NULL, 0);
		cgroup_finish(cg);
		return r;
	}
	*pid_out = pid;
	*commit = parent_end;
	parent_end = -1;
	return 0;
}

int proc_create_commit(int *commit, struct ward_err *err)
{
	char c = 'c';
	int r = 0;

	if (write_full(*commit, &c, 1) != 1)
		r = err_set(err, errno, "the container died before it could be committed");
	close(*commit);
	*commit = -1;
	return r;
}

/* ---- ward exec ------------------------------------------------------------------------- */

/* The namespaces of a container `ward exec` joins, in the order joined (user first). */
static const struct {
	const char *name;
	int type;
} exec_ns[] = {
    {"user", CLONE_NEWUSER}, {"mnt", CLONE_NEWNS},    {"uts", CLONE_NEWUTS},
    {"ipc", CLONE_NEWIPC},   {"net", CLONE_NEWNET},   {"cgroup", CLONE_NEWCGROUP},
    {"pid", CLONE_NEWPID},   {"time", CLONE_NEWTIME},
};

#define EXEC_NS_MAX (sizeof(exec_ns) / sizeof(exec_ns[0]))

/* What the process joins: the init's namespaces that are not ward's own, and its root. */
struct exec_target {
	int fd[EXEC_NS_MAX];
	size_t idx[EXEC_NS_MAX]; /* into exec_ns */
	size_t n;
	int rootfd;
	bool user; /* a user namespace is joined: the process becomes its root first */
};

static void target_release(struct exec_target *t)
{
	for (size_t i = 0; i < t->n; i++)
		close(t->fd[i]);
	if (t->rootfd >= 0)
		close(t->rootfd);
	t->n = 0;
	t->rootfd = -1;
}

static int target_open(pid_t pid, struct exec_target *t, struct ward_err *err)
{
	char path[64];

	memset(t, 0, sizeof(*t));
	t->rootfd = -1;
	for (size_t i = 0; i < EXEC_NS_MAX; i++) {
		struct stat mine, theirs;
		int fd;

		(void)snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, exec_ns[i].name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT && exec_ns[i].type == CLONE_NEWTIME)
			continue; /* a kernel before 5.6 */
		if (fd < 0)
			return err_set(err, errno, "cannot open the container's namespace '%s'",
				       path);
		(void)snprintf(path, sizeof(path), "/proc/self/ns/%s", exec_ns[i].name);
		/* one the container shares with ward (the host's network, say) is skipped:
		 * setns to one's own user namespace is refused */
		if (fstat(fd, &theirs) == 0 && stat(path, &mine) == 0 &&
		    mine.st_ino == theirs.st_ino && mine.st_dev == theirs.st_dev) {
			close(fd);
			continue;
		}
		t->fd[t->n] = fd;
		t->idx[t->n++] = i;
		t->user |= exec_ns[i].type == CLONE_NEWUSER;
	}
	(void)snprintf(path, sizeof(path), "/proc/%d/root", (int)pid);
	t->rootfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (t->rootfd < 0)
		return err_set(err, errno, "cannot open the container's root '%s'", path);
	return 0;
}

/*
 * The exec'd process, a child of ward (CLONE_PARENT) made in the container's
 * namespaces: it waits for ward to put it in the container's cgroups, then
 * becomes the process the config or --process describes.
 */
static __attribute__((noreturn)) void exec_child(const struct plan *plan, bool user)
{
	struct ward_err err = {0};
	char go;

	if (!plan->opts->detach && prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) {
		err_set(&err, errno, "cannot set the parent-death signal");
		child_fail(plan, &err);
	}
	if (read_full(plan->sync, &go, 1) != 1)
		_exit(WARD_EXIT_LAUNCHER);
	if (user && ns_become_root(true, &err) < 0)
		child_fail(plan, &err);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		(void)signal(forwarded[i], SIG_DFL); /* cannot fail for these */
	if (chdir(plan->spec->cwd) < 0) {
		err_set(&err, errno, "cannot enter working directory '%s'", plan->spec->cwd);
		child_fail(plan, &err);
	}
	child_become(plan, plan->opts->detach, NULL);
}

/*
 * Forked by ward: join the container's namespaces and root, make the process
 * there (a pid namespace takes only new children), report its pid, leave.
 */
static __attribute__((noreturn)) void exec_joiner(const struct plan *plan,
						  const struct exec_target *t, int pid_pipe)
{
	struct ward_err err = {0};
	pid_t pid;

	close(plan->parent_end);
	for (size_t i = 0; i < t->n; i++) {
		if (setns(t->fd[i], exec_ns[t->idx[i]].type) < 0) {
			err_set(&err, errno, "cannot join the container's %s namespace",
				exec_ns[t->idx[i]].name);
			child_fail(plan, &err);
		}
	}
	if (fchdir(t->rootfd) < 0 || chroot(".") < 0) {
		err_set(&err, errno, "cannot enter the container's root");
		child_fail(plan, &err);
	}
	(void)fflush(NULL);
	pid = (pid_t)syscall(SYS_clone, CLONE_PARENT | SIGCHLD, NULL, NULL, NULL, NULL);
	if (pid == 0)
		exec_child(plan, t->user);
	if (pid < 0) {
		err_set(&err, errno, "cannot create the process in the container");
		child_fail(plan, &err);
	}
	if (write_full(pid_pipe, &pid, sizeof(pid)) != (ssize_t)sizeof(pid)) {
		(void)kill(pid, SIGKILL);
		_exit(WARD_EXIT_LAUNCHER);
	}
	_exit(0);
}

/* Start the joiner; learn the pid of the process it made (or the joiner's error). */
static pid_t exec_spawn(const struct plan *plan, const struct exec_target *t, int parent_end,
			struct ward_err *err)
{
	int pipefd[2], ws;
	pid_t joiner, pid = -1;
	ssize_t n;

	/* before the joiner enters a single namespace of the container's */
	if (selfexe_undumpable(err) < 0)
		return -1;
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		err_set(err, errno, "cannot create a pipe");
		return -1;
	}
	(void)fflush(NULL);
	joiner = fork();
	if (joiner == 0) {
		close(pipefd[0]);
		exec_joiner(plan, t, pipefd[1]);
	}
	close(pipefd[1]);
	if (joiner < 0) {
		err_set(err, errno, "cannot fork");
		close(pipefd[0]);
		return -1;
	}
	n = read_full(pipefd[0], &pid, sizeof(pid));
	close(pipefd[0]);
	while (waitpid(joiner, &ws, 0) < 0 && errno == EINTR)
		;
	if (n == (ssize_t)sizeof(pid) && pid > 0)
		return pid;
	/* the joiner failed: its error is on the sync socket */
	{
		int fd = -1;
		char tag;

		if (read_sync(parent_end, &fd, &tag, err) >= 0)
			err_set(err, EPROTO, "cannot enter the container");
	}
	return -1;
}

int proc_exec(const struct container_spec *spec, const struct proc_opts *opts, pid_t target,
	      const struct cg_handle *cg, struct proc_result *res, struct ward_err *err)
{
	struct plan plan = {.spec = spec, .opts = opts, .sync = -1, .parent_end = -1};
	cleanup_report struct child_report *report = NULL;
	cleanup_close int parent_end = -1;
	cleanup_close int listener = -1;
	cleanup_close int master = -1;
	struct exec_target t = {.rootfd = -1};
	struct ward_err werr;
	sigset_t blocked, old;
	int sv[2], r, ws = 0;
	pid_t pid;

	ns_plan_init(&plan.ns);
	res->status = 0;
	report = plan.report = report_map(err);
	if (!report)
		return -EINVAL;
	r = plan_policy(spec, &plan.seccomp, err);
	if (r < 0)
		return r;
	r = plan_caps(&plan, spec, err);
	if (r == 0)
		r = target_open(target, &t, err);
	if (r == 0 && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		r = err_set(err, errno, "cannot create the sync socket");
	if (r < 0) {
		target_release(&t);
		plan_release(&plan);
		return r;
	}
	parent_end = sv[0];
	plan.sync = sv[1];
	plan.parent_end = parent_end;
	if (!opts->detach && install_forwarding(&blocked, &old, err) < 0) {
		close(plan.sync);
		target_release(&t);
		plan_release(&plan);
		return -EINVAL;
	}
	pid = exec_spawn(&plan, &t, parent_end, err);
	close(plan.sync);
	target_release(&t);
	plan_release(&plan);
	r = pid < 0 ? -(err->code ? err->code : EINVAL) : 0;
	if (r == 0) {
		forward_to = pid;
		/* in the container's cgroups before it runs a single instruction of its own */
		r = cg_attach(cg, pid, err);
	}
	if (!opts->detach)
		(void)sigprocmask(SIG_SETMASK, &old, NULL);
	if (r == 0)
		r = release_child(parent_end, pid, report, spec, opts, &res->denied, &listener,
				  &master, err);
	forward_running = r == 0;
	if (r == 0 && master >= 0 && opts->console_socket) {
		r = tty_send_console(opts->console_socket, master, err);
		close(steal_fd(&master));
	}
	if (r == 0 && opts->started)
		r = opts->started(opts->started_arg, pid, err);
	if (r == 0 && opts->detach)
		return 0; /* it is ward's child until ward exits, then the engine's (subreaper) */
	if (r == 0 && master >= 0)
		r = serve_until_exit(pid, -1, master, &res->denied, err);
	if (r < 0 && pid > 0)
		(void)kill(pid, SIGKILL);
	if (pid > 0 && wait_child(pid, &ws, &werr) < 0 && r == 0) {
		*err = werr;
		r = -werr.code;
	}
	forward_to = 0;
	forward_running = 0;
	res->status = ws;
	return r;
}
