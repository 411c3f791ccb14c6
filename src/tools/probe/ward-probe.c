// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ward-probe: the static program `ward compare` runs inside a container to find out
 * what its seccomp profile really does. It makes every call in probe_calls[] with
 * arguments the kernel rejects harmlessly, each in a forked child so that a KILL or
 * TRAP action is reported instead of ending the probe, and prints the verdicts with
 * the process's seccomp mode, no_new_privs, capability sets, namespaces and ids, in
 * the tab-separated format documented in include/ward/probe_calls.h.
 *
 * Only libc and /proc: ward executes the probe from a memfd, so nothing in the rootfs
 * is needed. Built -static and without sanitizers, so that the only system calls it
 * makes are the ones under test plus fork, pipe, poll, wait and write.
 *
 * Usage: ward-probe [--list] [NAME...]; with names, only those calls are made.
 */
#include "ward/probe_calls.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* What the forked child sends back: the call's result, or why it was not made. */
struct child_msg {
	int skipped; /* setsid() failed: err is its errno */
	long ret;
	int err;
};

static const char *errno_name(int e)
{
	const char *s = strerrorname_np(e);

	return s ? s : "E?";
}

static void write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}

static void __attribute__((noreturn)) child(const struct probe_call *c, int wfd)
{
	struct child_msg m = {0};
	const unsigned long *a = c->args;

	if ((c->flags & PROBE_SETSID) && setsid() < 0) {
		m.skipped = 1;
		m.err = errno;
	} else {
		errno = 0;
		m.ret = syscall(c->nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		m.err = m.ret < 0 ? errno : 0;
	}
	write_full(wfd, &m, sizeof(m));
	_exit(0);
}

/* Read the child's message, giving up after PROBE_TIMEOUT_MS. Return: bytes read, or -1. */
static ssize_t read_msg(int fd, struct child_msg *m)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	int r;

	do
		r = poll(&p, 1, PROBE_TIMEOUT_MS);
	while (r < 0 && errno == EINTR);
	if (r <= 0)
		return -1;
	for (;;) {
		ssize_t n = read(fd, m, sizeof(*m));

		if (n < 0 && errno == EINTR)
			continue;
		return n;
	}
}

static void run_call(const struct probe_call *c)
{
	struct child_msg m = {0};
	int pfd[2], st = 0;
	ssize_t n;
	pid_t pid;

	printf("call\t%s\t%s\t%ld\t", c->name, c->syscall, c->nr);
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		printf("error pipe errno %d %s\n", errno, errno_name(errno));
		return;
	}
	/* nothing buffered may be inherited: the child leaves with _exit, but be sure */
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		printf("error fork errno %d %s\n", errno, errno_name(errno));
		close(pfd[0]);
		close(pfd[1]);
		return;
	}
	if (pid == 0) {
		close(pfd[0]);
		child(c, pfd[1]);
	}
	close(pfd[1]);
	n = read_msg(pfd[0], &m);
	close(pfd[0]);
	if (n < 0)
		(void)kill(pid, SIGKILL); /* hung (e.g. an unanswered USER_NOTIF): reported below */
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (n < 0)
		puts("timeout");
	else if (WIFSIGNALED(st))
		printf("signal %d\n", WTERMSIG(st));
	else if (n != (ssize_t)sizeof(m))
		printf("error no result (exit status %d)\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	else if (m.skipped)
		printf("skip setsid errno %d %s\n", m.err, errno_name(m.err));
	else if (m.ret >= 0)
		puts("ok");
	else
		printf("errno %d %s\n", m.err, errno_name(m.err));
}

static void print_status(void)
{
	static const char *const status_keys[] = {"Seccomp", "Seccomp_filters", "NoNewPrivs"};
	static const char *const cap_keys[] = {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"};
	char found[8][64] = {{0}};
	char line[512];
	FILE *f = fopen("/proc/self/status", "re");
	size_t i;

	while (f && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':'), *v;

		if (!colon)
			continue;
		*colon = '\0';
		v = colon + 1;
		v += strspn(v, " \t");
		v[strcspn(v, "\n")] = '\0';
		for (i = 0; i < 8; i++) {
			const char *k = i < 3 ? status_keys[i] : cap_keys[i - 3];

			if (strcmp(line, k) == 0)
				snprintf(found[i], sizeof(found[i]), "%s", v);
		}
	}
	if (f)
		fclose(f);
	for (i = 0; i < 8; i++)
		printf("%s\t%s\t%s\n", i < 3 ? "status" : "cap",
		       i < 3 ? status_keys[i] : cap_keys[i - 3], found[i][0] ? found[i] : "-");
}

static void print_ns(void)
{
	static const char *const names[] = {"cgroup", "ipc", "mnt", "net", "pid", "user", "uts"};
	char path[64], target[PATH_MAX];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/self/ns/%s", names[i]);
		n = readlink(path, target, sizeof(target) - 1);
		if (n < 0)
			n = 0;
		target[n] = '\0';
		printf("ns\t%s\t%s\n", names[i], n ? target : "-");
	}
}

static void list_calls(void)
{
	size_t i;
	int j;

	for (i = 0; i < probe_ncalls; i++) {
		const struct probe_call *c = &probe_calls[i];

		printf("%-32s %-24s %4ld ", c->name, c->syscall, c->nr);
		for (j = 0; j < 6; j++)
			printf("%s%#lx", j ? "," : "(", c->args[j]);
		printf(")%s\n", c->flags & PROBE_SETSID ? " setsid" : "");
		if (c->note)
			printf("    %s\n", c->note);
	}
}

static const struct probe_call *find_call(const char *name)
{
	size_t i;

	for (i = 0; i < probe_ncalls; i++)
		if (strcmp(probe_calls[i].name, name) == 0)
			return &probe_calls[i];
	return NULL;
}

int main(int argc, char **argv)
{
	int i;
	size_t k;

	if (argc > 1 && strcmp(argv[1], "--list") == 0) {
		list_calls();
		return 0;
	}
	if (argc > 1 && argv[1][0] == '-') {
		fputs("usage: ward-probe [--list] [NAME...]\n", stderr);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (!find_call(argv[i])) {
			fprintf(stderr, "ward-probe: unknown call '%s' (see --list)\n", argv[i]);
			return 2;
		}
	}
	/* a child killed by SIGSYS must be waited for, not auto-reaped */
	signal(SIGCHLD, SIG_DFL);
	print_status();
	print_ns();
	printf("id\tuid\t%u\n", (unsigned)getuid());
	printf("id\tgid\t%u\n", (unsigned)getgid());
	if (argc > 1) {
		for (i = 1; i < argc; i++)
			run_call(find_call(argv[i]));
	} else {
		for (k = 0; k < probe_ncalls; k++)
			run_call(&probe_calls[k]);
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
