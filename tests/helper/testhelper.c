// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ward-testhelper: a tiny static multi-call program that the integration tests copy
 * into the test rootfs as /usr/bin/ward-testhelper. Each subcommand prints one fact
 * about the process it runs as (ids, capabilities, status lines, fds, mounts) or
 * exercises one behaviour the tests need (exit codes, signals, file access).
 *
 * `syscall NAME...` calls each named syscall with arguments chosen so that, when the
 * call reaches the kernel, it fails harmlessly (EBADF, EFAULT, EINVAL, ...) or does
 * something with no lasting effect, while a call stopped by seccomp reports EPERM or
 * ENOSYS (bubblewrap's try-syscall trick). Every call runs in a forked child so that
 * a filter that kills (SIGSYS) is reported rather than ending the helper.
 *
 * Only libc; built with -static and without sanitizers so that nothing but the calls
 * under test reaches the kernel.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef AF_ALG
#define AF_ALG 38
#endif
#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif
#ifndef CLONE_NEWUSER
#define CLONE_NEWUSER 0x10000000
#endif

extern char **environ;

static int usage(void)
{
	fputs("usage: ward-testhelper COMMAND [ARG...]\n"
	      "  true | exit N | caps | status KEY | id | pid | env | cwd\n"
	      "  syscall NAME... (names, socket:alg|vsock|unix|N, nr:N)\n"
	      "  sys NR [ARG...] [-- NR [ARG...]]...   raw calls: ok, ENAME or signal N each\n"
	      "  int80 NR [ARG...] [-- ...]   the same through the i386 int $0x80 gate\n"
	      "    (ARG: a number, s:TEXT a string, b:N N zeroed bytes, fd:PATH an open fd)\n"
	      "  sleep SECONDS [TAG] | trap SIG | segv | threads N (N threads, each a few calls)\n"
	      "  cat PATH | write PATH [CONTENT] | ls PATH | fds [-l] | mounts\n"
	      "  escape-chroot DIR PATH   (the classic chroot escape from writable DIR, then ls "
	      "PATH)\n",
	      stderr);
	return 2;
}

static int print_file(const char *path)
{
	char buf[8192];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "ward-testhelper: %s: %s\n", path, strerror(errno));
		return 1;
	}
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "ward-testhelper: %s: %s\n", path, strerror(errno));
			close(fd);
			return 1;
		}
		if (n == 0)
			break;
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n) {
			close(fd);
			return 1;
		}
	}
	close(fd);
	return 0;
}

/* Print the /proc/self/status lines whose key matches (exactly, or by prefix). */
static int print_status(const char *key, int prefix)
{
	char line[512];
	size_t klen = strlen(key);
	int found = 0;
	FILE *f = fopen("/proc/self/status", "re");
	if (!f) {
		fprintf(stderr, "ward-testhelper: /proc/self/status: %s\n", strerror(errno));
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, klen) != 0)
			continue;
		if (!prefix && line[klen] != ':')
			continue;
		fputs(line, stdout);
		found = 1;
	}
	fclose(f);
	if (!found) {
		fprintf(stderr, "ward-testhelper: no '%s' in /proc/self/status\n", key);
		return 1;
	}
	return 0;
}

static int cmd_id(void)
{
	gid_t groups[NGROUPS_MAX];
	int n = getgroups(NGROUPS_MAX, groups);
	if (n < 0) {
		fprintf(stderr, "ward-testhelper: getgroups: %s\n", strerror(errno));
		return 1;
	}
	printf("uid=%u gid=%u groups=", (unsigned)getuid(), (unsigned)getgid());
	for (int i = 0; i < n; i++)
		printf("%s%u", i ? "," : "", (unsigned)groups[i]);
	putchar('\n');
	return 0;
}

/* ---- syscall probing ---------------------------------------------------- */

/*
 * Each probe returns the raw result: >= 0 on success, or -errno. `harmless` lists the
 * errnos that prove the call reached the kernel's own argument checks (0-terminated).
 */
struct probe {
	const char *name;
	long (*call)(long arg);
	int harmless[6];
};

static long ret_errno(long r)
{
	return r < 0 ? -(long)errno : r;
}

static long p_mount(long a)
{
	(void)a; /* target NULL: the path lookup fails before any capability check */
	return ret_errno(syscall(SYS_mount, NULL, NULL, NULL, 0UL, NULL));
}

static long p_umount2(long a)
{
	(void)a; /* unknown flag bit: EINVAL before the path or capability */
	return ret_errno(syscall(SYS_umount2, NULL, 0x80000000UL));
}

static long p_unshare(long a)
{
	(void)a; /* runs in a throwaway child: a new user namespace changes nothing else */
	return ret_errno(syscall(SYS_unshare, (long)CLONE_NEWUSER));
}

static long p_keyctl(long a)
{
	(void)a; /* unknown operation */
	return ret_errno(syscall(SYS_keyctl, 0xffffL, 0L, 0L, 0L, 0L));
}

static long p_add_key(long a)
{
	(void)a; /* NULL type string */
	return ret_errno(syscall(SYS_add_key, NULL, NULL, NULL, 0UL, 0L));
}

static long p_request_key(long a)
{
	(void)a;
	return ret_errno(syscall(SYS_request_key, NULL, NULL, NULL, 0L));
}

static long p_kexec_load(long a)
{
	(void)a; /* invalid flags; without CAP_SYS_BOOT the kernel itself says EPERM */
	return ret_errno(syscall(SYS_kexec_load, 0UL, 0UL, NULL, 0xffffffffUL));
}

static long p_reboot(long a)
{
	(void)a; /* bad magic: EINVAL (after the CAP_SYS_BOOT check) */
	return ret_errno(syscall(SYS_reboot, 0L, 0L, 0L, NULL));
}

static long p_bpf(long a)
{
	(void)a; /* unknown command */
	return ret_errno(syscall(SYS_bpf, -1L, NULL, 0L));
}

static long p_perf_event_open(long a)
{
	(void)a; /* NULL attr */
	return ret_errno(syscall(SYS_perf_event_open, NULL, 0L, -1L, -1L, 0UL));
}

static long p_userfaultfd(long a)
{
	(void)a; /* UFFD_USER_MODE_ONLY passes the sysctl gate; bit 1 is invalid: EINVAL */
	return ret_errno(syscall(SYS_userfaultfd, 1L | 2L));
}

static long p_ptrace(long a)
{
	(void)a; /* no pid 0 */
	return ret_errno(syscall(SYS_ptrace, (long)PTRACE_PEEKDATA, 0L, NULL, NULL));
}

static long p_personality(long a)
{
	(void)a; /* query only */
	return ret_errno(syscall(SYS_personality, 0xffffffffUL));
}

static long p_socket(long family)
{
	long r = ret_errno(syscall(SYS_socket, family,
				   (long)(family == AF_ALG ? SOCK_SEQPACKET : SOCK_STREAM), 0L));
	if (r >= 0)
		close((int)r);
	return r;
}

static long p_clone3(long a)
{
	(void)a; /* size 0 is below CLONE_ARGS_SIZE_VER0: EINVAL */
	return ret_errno(syscall(SYS_clone3, NULL, 0UL));
}

static long p_setns(long a)
{
	(void)a;
	return ret_errno(syscall(SYS_setns, -1L, 0L));
}

static long p_chroot(long a)
{
	(void)a; /* the lookup fails before the capability check */
	return ret_errno(syscall(SYS_chroot, "/nonexistent-ward-testhelper"));
}

static long p_pivot_root(long a)
{
	(void)a; /* without CAP_SYS_ADMIN the kernel itself says EPERM */
	return ret_errno(syscall(SYS_pivot_root, NULL, NULL));
}

static long p_sethostname(long a)
{
	(void)a; /* negative length: EINVAL (after the CAP_SYS_ADMIN check) */
	return ret_errno(syscall(SYS_sethostname, NULL, -1L));
}

static long p_syslog(long a)
{
	(void)a; /* unknown action; restricted actions need CAP_SYSLOG in the kernel too */
	return ret_errno(syscall(SYS_syslog, -1L, NULL, 0L));
}

static long p_acct(long a)
{
	(void)a; /* bad pointer, never NULL (which would switch accounting off) */
	return ret_errno(syscall(SYS_acct, (const char *)1));
}

static long p_open_by_handle_at(long a)
{
	(void)a;
	return ret_errno(syscall(SYS_open_by_handle_at, -1L, NULL, 0L));
}

static long p_swapon(long a)
{
	(void)a; /* invalid flags: EINVAL before the capability check */
	return ret_errno(syscall(SYS_swapon, NULL, 0xffffffffL));
}

static long p_init_module(long a)
{
	(void)a;
	return ret_errno(syscall(SYS_init_module, NULL, 0UL, NULL));
}

static long p_iopl(long a)
{
	(void)a; /* level > 3: EINVAL */
	return ret_errno(syscall(SYS_iopl, 4L));
}

static long p_getpid(long a)
{
	(void)a;
	return ret_errno(syscall(SYS_getpid));
}

static long p_io_uring_setup(long a)
{
	(void)a; /* NULL params */
	return ret_errno(syscall(SYS_io_uring_setup, 1L, NULL));
}

static long p_raw(long nr)
{
	/* -1 everywhere: a bad fd, a bad pointer, invalid flags */
	return ret_errno(syscall(nr, -1L, -1L, -1L, -1L, -1L, -1L));
}

static const struct probe probes[] = {
    {"mount", p_mount, {EFAULT}},
    {"umount2", p_umount2, {EINVAL}},
    {"unshare", p_unshare, {EINVAL, EUSERS, ENOSPC}},
    {"keyctl", p_keyctl, {EOPNOTSUPP, EINVAL}},
    {"add_key", p_add_key, {EFAULT, EINVAL}},
    {"request_key", p_request_key, {EFAULT, EINVAL}},
    {"kexec_load", p_kexec_load, {EINVAL}},
    {"reboot", p_reboot, {EINVAL}},
    {"bpf", p_bpf, {EINVAL}},
    {"perf_event_open", p_perf_event_open, {EFAULT, EINVAL}},
    {"userfaultfd", p_userfaultfd, {EINVAL}},
    {"ptrace", p_ptrace, {ESRCH}},
    {"personality", p_personality, {0}},
    {"clone3", p_clone3, {EINVAL}},
    {"setns", p_setns, {EBADF}},
    {"chroot", p_chroot, {ENOENT}},
    {"pivot_root", p_pivot_root, {EFAULT, EINVAL}},
    {"sethostname", p_sethostname, {EINVAL}},
    {"syslog", p_syslog, {EINVAL}},
    {"acct", p_acct, {EFAULT}},
    {"open_by_handle_at", p_open_by_handle_at, {EBADF, EFAULT, EINVAL}},
    {"swapon", p_swapon, {EINVAL}},
    {"init_module", p_init_module, {EFAULT, EINVAL, ENOEXEC}},
    {"iopl", p_iopl, {EINVAL}},
    {"getpid", p_getpid, {0}},
    {"io_uring_setup", p_io_uring_setup, {EFAULT, EINVAL}},
};

static const struct {
	const char *name;
	long family;
} socket_families[] = {
    {"alg", AF_ALG},
    {"vsock", AF_VSOCK},
    {"unix", AF_UNIX},
};

static const int socket_harmless[] = {EAFNOSUPPORT, EPROTONOSUPPORT, ESOCKTNOSUPPORT, EINVAL, 0};

static int parse_long(const char *s, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 0);
	if (errno || end == s || *end)
		return -1;
	*out = v;
	return 0;
}

/* Run fn(arg) in a child; *res gets its result. Returns 0, or the signal that killed it. */
static int run_probe(long (*fn)(long), long arg, long *res)
{
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		close(pfd[0]);
		long r = fn(arg);
		ssize_t w = write(pfd[1], &r, sizeof(r));
		_exit(w == (ssize_t)sizeof(r) ? 0 : 1);
	}
	close(pfd[1]);
	long r = 0;
	ssize_t n;
	do
		n = read(pfd[0], &r, sizeof(r));
	while (n < 0 && errno == EINTR);
	close(pfd[0]);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(st))
		return WTERMSIG(st);
	if (n != (ssize_t)sizeof(r))
		r = 0; /* the call itself ended the child (e.g. a raw exit): it ran */
	*res = r;
	return 0;
}

static void report(const char *name, long r, const int *harmless)
{
	if (r >= 0) {
		printf("%s: ok\n", name);
		return;
	}
	int e = (int)-r;
	if (e == EPERM) {
		printf("%s: EPERM\n", name);
		return;
	}
	if (e == ENOSYS) {
		printf("%s: ENOSYS\n", name);
		return;
	}
	for (int i = 0; harmless && harmless[i]; i++) {
		if (harmless[i] == e) {
			printf("%s: ok\n", name);
			return;
		}
	}
	printf("%s: errno %d\n", name, e);
}

static int cmd_syscall(int argc, char **argv)
{
	int rc = 0;
	for (int i = 0; i < argc; i++) {
		const char *name = argv[i];
		long (*fn)(long) = NULL;
		long arg = 0;
		const int *harmless = NULL;

		if (strncmp(name, "nr:", 3) == 0) {
			if (parse_long(name + 3, &arg) < 0 || arg < 0) {
				fprintf(stderr, "ward-testhelper: bad syscall number '%s'\n", name);
				rc = 2;
				continue;
			}
			fn = p_raw;
		} else if (strcmp(name, "socket") == 0 || strncmp(name, "socket:", 7) == 0) {
			const char *fam = name[6] ? name + 7 : "unix";
			fn = p_socket;
			harmless = socket_harmless;
			arg = -1;
			for (size_t k = 0; k < sizeof(socket_families) / sizeof(socket_families[0]);
			     k++)
				if (strcmp(fam, socket_families[k].name) == 0)
					arg = socket_families[k].family;
			if (arg < 0 && parse_long(fam, &arg) < 0) {
				fprintf(stderr, "ward-testhelper: bad socket family '%s'\n", fam);
				rc = 2;
				continue;
			}
		} else {
			for (size_t k = 0; k < sizeof(probes) / sizeof(probes[0]); k++) {
				if (strcmp(name, probes[k].name) == 0) {
					fn = probes[k].call;
					harmless = probes[k].harmless;
				}
			}
			if (!fn) {
				fprintf(stderr, "ward-testhelper: unknown syscall '%s'\n", name);
				rc = 2;
				continue;
			}
		}

		long r = 0;
		int sig = run_probe(fn, arg, &r);
		if (sig < 0) {
			fprintf(stderr, "ward-testhelper: fork: %s\n", strerror(errno));
			return 1;
		}
		if (sig > 0)
			printf("%s: signal %d\n", name, sig);
		else
			report(name, r, harmless);
		fflush(stdout);
	}
	return rc;
}

/* ---- raw calls: sys, int80 ------------------------------------------------ */

/*
 * `sys NR ARG...` makes the call exactly as given, so the tests decide what reaches
 * the kernel; each call runs in a forked child (a kill by the filter is reported, and
 * a call that does something affects only the child). The result is "ok", the errno's
 * name, or "signal N". int80 does the same through the 32-bit gate, whose arguments
 * are 32 bits wide (the helper is static and not PIE, so its buffers are below 4 GiB).
 */

#define RAW_MAX_ARGS 6
#define RAW_BUF	     4096

struct raw_call {
	long nr;
	long args[RAW_MAX_ARGS];
	int i386;
};

static const struct {
	int e;
	const char *name;
} errno_names[] = {
    {EPERM, "EPERM"},
    {ENOENT, "ENOENT"},
    {ESRCH, "ESRCH"},
    {EINTR, "EINTR"},
    {EIO, "EIO"},
    {ENXIO, "ENXIO"},
    {E2BIG, "E2BIG"},
    {ENOEXEC, "ENOEXEC"},
    {EBADF, "EBADF"},
    {ECHILD, "ECHILD"},
    {EAGAIN, "EAGAIN"},
    {ENOMEM, "ENOMEM"},
    {EACCES, "EACCES"},
    {EFAULT, "EFAULT"},
    {EBUSY, "EBUSY"},
    {EEXIST, "EEXIST"},
    {EXDEV, "EXDEV"},
    {ENODEV, "ENODEV"},
    {ENOTDIR, "ENOTDIR"},
    {EISDIR, "EISDIR"},
    {EINVAL, "EINVAL"},
    {EMFILE, "EMFILE"},
    {ENOTTY, "ENOTTY"},
    {ENOSPC, "ENOSPC"},
    {EROFS, "EROFS"},
    {ENOSYS, "ENOSYS"},
    {EUSERS, "EUSERS"},
    {EOPNOTSUPP, "EOPNOTSUPP"},
    {EAFNOSUPPORT, "EAFNOSUPPORT"},
};

static void print_errno(int e)
{
	for (size_t i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++) {
		if (errno_names[i].e == e) {
			puts(errno_names[i].name);
			return;
		}
	}
	printf("errno %d\n", e);
}

/* Static, so that int80's 32-bit pointers reach them. */
static char raw_bufs[RAW_MAX_ARGS][RAW_BUF];

static int parse_raw_arg(const char *s, int slot, long *out)
{
	if (strncmp(s, "s:", 2) == 0) {
		if (strlen(s + 2) >= RAW_BUF)
			return -1;
		strcpy(raw_bufs[slot], s + 2);
		*out = (long)(uintptr_t)raw_bufs[slot];
		return 0;
	}
	if (strncmp(s, "b:", 2) == 0) {
		long n;
		if (parse_long(s + 2, &n) < 0 || n < 0 || n > RAW_BUF)
			return -1;
		memset(raw_bufs[slot], 0, (size_t)n);
		*out = (long)(uintptr_t)raw_bufs[slot];
		return 0;
	}
	if (strncmp(s, "fd:", 3) == 0) {
		int fd = open(s + 3, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "ward-testhelper: %s: %s\n", s + 3, strerror(errno));
			return -1;
		}
		*out = fd;
		return 0;
	}
	char *end;
	errno = 0;
	unsigned long long u = strtoull(s, &end, 0); /* "-1" wraps, as wanted */
	if (errno || end == s || *end)
		return -1;
	*out = (long)u;
	return 0;
}

#ifdef __x86_64__
static long int80(const struct raw_call *c)
{
	/*
	 * ebp is the sixth argument: saved and restored around the gate by hand, below
	 * the red zone; the kernel clears r8-r11 on the way back.
	 */
	long r = c->nr;
	__asm__ volatile("sub $128, %%rsp\n\t"
			 "push %%rbp\n\t"
			 "mov %k[a5], %%ebp\n\t"
			 "int $0x80\n\t"
			 "pop %%rbp\n\t"
			 "add $128, %%rsp"
			 : "+a"(r)
			 : "b"(c->args[0]), "c"(c->args[1]), "d"(c->args[2]), "S"(c->args[3]),
			   "D"(c->args[4]), [a5] "r"(c->args[5])
			 : "memory", "cc", "r8", "r9", "r10", "r11");
	return (int)r; /* the 32-bit ABI's result is in eax */
}
#endif

static const struct raw_call *raw_current;

static long p_raw_call(long a)
{
	(void)a;
	const struct raw_call *c = raw_current;
	pid_t self = getpid();
	long r;
	if (c->i386) {
#ifdef __x86_64__
		r = int80(c); /* -errno already */
#else
		r = -ENOSYS;
#endif
	} else {
		r = ret_errno(syscall(c->nr, c->args[0], c->args[1], c->args[2], c->args[3],
				      c->args[4], c->args[5]));
	}
	if (getpid() != self)
		_exit(0); /* a clone that succeeded: the new process says nothing */
	return r;
}

static int cmd_raw(int argc, char **argv, int i386)
{
	int i = 0;
	while (i < argc) {
		struct raw_call c = {.i386 = i386};
		int n = 0;
		if (parse_long(argv[i], &c.nr) < 0) {
			fprintf(stderr, "ward-testhelper: bad syscall number '%s'\n", argv[i]);
			return 2;
		}
		for (i++; i < argc && strcmp(argv[i], "--") != 0; i++, n++) {
			if (n == RAW_MAX_ARGS || parse_raw_arg(argv[i], n, &c.args[n]) < 0) {
				fprintf(stderr, "ward-testhelper: bad argument '%s'\n", argv[i]);
				return 2;
			}
		}
		if (i < argc)
			i++; /* the "--" */
		raw_current = &c;
		long r = 0;
		int sig = run_probe(p_raw_call, 0, &r);
		if (sig < 0) {
			fprintf(stderr, "ward-testhelper: fork: %s\n", strerror(errno));
			return 1;
		}
		if (sig > 0)
			printf("signal %d\n", sig);
		else if (r >= 0)
			puts("ok");
		else
			print_errno((int)-r);
		fflush(stdout);
	}
	return 0;
}

/* ---- signals ------------------------------------------------------------ */

static const struct {
	const char *name;
	int sig;
} signals[] = {
    {"HUP", SIGHUP},   {"INT", SIGINT},	  {"QUIT", SIGQUIT}, {"USR1", SIGUSR1}, {"USR2", SIGUSR2},
    {"PIPE", SIGPIPE}, {"ALRM", SIGALRM}, {"TERM", SIGTERM}, {"CHLD", SIGCHLD}, {"CONT", SIGCONT},
    {"TSTP", SIGTSTP}, {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU}, {"URG", SIGURG},	{"WINCH", SIGWINCH},
};

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

static int cmd_trap(const char *arg)
{
	const char *s = strncmp(arg, "SIG", 3) == 0 ? arg + 3 : arg;
	const char *name = NULL;
	int sig = 0;
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++) {
		if (strcmp(s, signals[i].name) == 0) {
			sig = signals[i].sig;
			name = signals[i].name;
		}
	}
	if (!sig) {
		long v;
		if (parse_long(s, &v) < 0 || v <= 0 || v >= NSIG || v == SIGKILL || v == SIGSTOP) {
			fprintf(stderr, "ward-testhelper: bad signal '%s'\n", arg);
			return 2;
		}
		sig = (int)v;
		for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
			if (signals[i].sig == sig)
				name = signals[i].name;
	}

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL) < 0) {
		fprintf(stderr, "ward-testhelper: sigaction: %s\n", strerror(errno));
		return 1;
	}
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, sig);
	/* block while announcing, then wait with it unblocked: no lost wake-up */
	if (sigprocmask(SIG_BLOCK, &set, &old) < 0)
		return 1;
	sigdelset(&old, sig);
	puts("ready");
	fflush(stdout);
	while (!got_signal)
		sigsuspend(&old);
	if (name)
		printf("got SIG%s\n", name);
	else
		printf("got %d\n", got_signal);
	fflush(stdout);
	return 42;
}

/* ---- files -------------------------------------------------------------- */

static int cmd_write(const char *path, const char *content)
{
	/* no O_TRUNC: the tests also open /proc and /sys files, with empty content */
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		puts(strerror(errno));
		return 1;
	}
	size_t len = strlen(content);
	while (len > 0) {
		ssize_t n = write(fd, content, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			puts(strerror(errno));
			close(fd);
			return 1;
		}
		content += n;
		len -= (size_t)n;
	}
	if (close(fd) < 0) {
		puts(strerror(errno));
		return 1;
	}
	puts("ok");
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

static int cmd_ls(const char *path);

/*
 * The classic escape from a chroot, for a process that holds CAP_SYS_CHROOT:
 * chroot into a subdirectory while the working directory stays outside it, climb
 * with "..", chroot there. What it reaches is what --no-pivot leaves reachable.
 */
static int cmd_escape_chroot(const char *dir, const char *path)
{
	char sub[PATH_MAX];

	if (snprintf(sub, sizeof(sub), "%s/escape", dir) >= (int)sizeof(sub) ||
	    (mkdir(sub, 0700) < 0 && errno != EEXIST) || chdir(dir) < 0 || chroot(sub) < 0) {
		fprintf(stderr, "ward-testhelper: escape-chroot: %s: %s\n", sub, strerror(errno));
		return 1;
	}
	for (int i = 0; i < 64; i++)
		if (chdir("..") < 0) {
			fprintf(stderr, "ward-testhelper: escape-chroot: ..: %s\n",
				strerror(errno));
			return 1;
		}
	if (chroot(".") < 0) {
		fprintf(stderr, "ward-testhelper: escape-chroot: .: %s\n", strerror(errno));
		return 1;
	}
	return cmd_ls(path);
}

static int cmd_ls(const char *path)
{
	DIR *d = opendir(path);
	if (!d) {
		fprintf(stderr, "ward-testhelper: %s: %s\n", path, strerror(errno));
		return 1;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			char **nn = realloc(names, cap * sizeof(*names));
			if (!nn)
				abort();
			names = nn;
		}
		names[n] = strdup(e->d_name);
		if (!names[n])
			abort();
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		puts(names[i]);
		free(names[i]);
	}
	free(names);
	return 0;
}

/* The open descriptors, sorted; with @links, each with what it refers to. */
static int cmd_fds(int links)
{
	DIR *d = opendir("/proc/self/fd");
	if (!d) {
		fprintf(stderr, "ward-testhelper: /proc/self/fd: %s\n", strerror(errno));
		return 1;
	}
	long fds[4096];
	size_t n = 0;
	int self = dirfd(d);
	struct dirent *e;
	while ((e = readdir(d))) {
		long v;
		if (parse_long(e->d_name, &v) < 0 || v == self)
			continue;
		if (n < sizeof(fds) / sizeof(fds[0]))
			fds[n++] = v;
	}
	closedir(d);
	qsort(fds, n, sizeof(fds[0]), cmp_long);
	for (size_t i = 0; i < n; i++) {
		char path[64], target[PATH_MAX];
		ssize_t len = -1;
		if (links) {
			(void)snprintf(path, sizeof(path), "/proc/self/fd/%ld", fds[i]);
			len = readlink(path, target, sizeof(target) - 1);
		}
		if (len >= 0)
			printf("%ld %.*s\n", fds[i], (int)len, target);
		else
			printf("%ld\n", fds[i]);
	}
	return 0;
}

/*
 * A thread's few calls: its own id, a yield, a clock; then it waits for the
 * others at a barrier, so that futex is called however the threads are timed
 * (whether pthread_join waits depends on the timing: a recording made while
 * every thread had ended before its join lacked futex).
 */
static void *thread_calls(void *arg)
{
	struct timespec ts;

	(void)syscall(SYS_gettid);
	(void)sched_yield();
	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	(void)pthread_barrier_wait(arg);
	return NULL;
}

static int cmd_threads(const char *arg)
{
	pthread_barrier_t all;
	pthread_t t[64];
	long n = strtol(arg, NULL, 10);

	if (n < 1 || n > 64)
		return usage();
	if (pthread_barrier_init(&all, NULL, (unsigned)n + 1) != 0)
		return 1;
	for (long i = 0; i < n; i++) {
		int e = pthread_create(&t[i], NULL, thread_calls, &all);

		if (e) {
			fprintf(stderr, "ward-testhelper: threads: %s\n", strerror(e));
			return 1;
		}
	}
	(void)pthread_barrier_wait(&all);
	for (long i = 0; i < n; i++)
		(void)pthread_join(t[i], NULL);
	(void)pthread_barrier_destroy(&all);
	printf("threads: %ld\n", n);
	return 0;
}

static int cmd_sleep(const char *arg)
{
	char *end;
	double secs = strtod(arg, &end);
	if (end == arg || *end || secs < 0) {
		fprintf(stderr, "ward-testhelper: bad duration '%s'\n", arg);
		return 2;
	}
	struct timespec ts = {(time_t)secs, (long)((secs - (double)(time_t)secs) * 1e9)};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	return 0;
}

static int cmd_segv(void)
{
	/* a real fault: the kernel delivers SIGSEGV even to a namespace's init */
	volatile uintptr_t addr = 8;
	*(volatile int *)addr = 1;
	return 1;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	const char *cmd = argv[1];
	int nargs = argc - 2;
	char **args = argv + 2;

	if (strcmp(cmd, "true") == 0)
		return 0;
	if (strcmp(cmd, "exit") == 0) {
		long v;
		if (nargs != 1 || parse_long(args[0], &v) < 0)
			return usage();
		return (int)(v & 0xff);
	}
	if (strcmp(cmd, "caps") == 0)
		return print_status("Cap", 1);
	if (strcmp(cmd, "status") == 0)
		return nargs == 1 ? print_status(args[0], 0) : usage();
	if (strcmp(cmd, "id") == 0)
		return cmd_id();
	if (strcmp(cmd, "pid") == 0) {
		printf("%ld\n", (long)getpid());
		return 0;
	}
	if (strcmp(cmd, "env") == 0) {
		for (char **e = environ; *e; e++)
			puts(*e);
		return 0;
	}
	if (strcmp(cmd, "cwd") == 0) {
		char buf[PATH_MAX];
		if (!getcwd(buf, sizeof(buf))) {
			fprintf(stderr, "ward-testhelper: getcwd: %s\n", strerror(errno));
			return 1;
		}
		puts(buf);
		return 0;
	}
	if (strcmp(cmd, "syscall") == 0)
		return nargs >= 1 ? cmd_syscall(nargs, args) : usage();
	if (strcmp(cmd, "sys") == 0 || strcmp(cmd, "int80") == 0)
		return nargs >= 1 ? cmd_raw(nargs, args, cmd[0] == 'i') : usage();
	if (strcmp(cmd, "threads") == 0)
		return nargs == 1 ? cmd_threads(args[0]) : usage();
	if (strcmp(cmd, "sleep") == 0) /* a second argument only tags the process */
		return nargs == 1 || nargs == 2 ? cmd_sleep(args[0]) : usage();
	if (strcmp(cmd, "trap") == 0)
		return nargs == 1 ? cmd_trap(args[0]) : usage();
	if (strcmp(cmd, "segv") == 0)
		return cmd_segv();
	if (strcmp(cmd, "cat") == 0)
		return nargs == 1 ? print_file(args[0]) : usage();
	if (strcmp(cmd, "write") == 0)
		return nargs == 1 || nargs == 2
			   ? cmd_write(args[0], nargs == 2 ? args[1] : "ward\n")
			   : usage();
	if (strcmp(cmd, "ls") == 0)
		return nargs == 1 ? cmd_ls(args[0]) : usage();
	if (strcmp(cmd, "fds") == 0)
		return nargs == 0				  ? cmd_fds(0)
		       : nargs == 1 && strcmp(args[0], "-l") == 0 ? cmd_fds(1)
								  : usage();
	if (strcmp(cmd, "mounts") == 0)
		return print_file("/proc/self/mountinfo");
	if (strcmp(cmd, "escape-chroot") == 0)
		return nargs == 2 ? cmd_escape_chroot(args[0], args[1]) : usage();
	return usage();
}
