/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ward-init.c - `ward run --init`'s process 1: a static program ward runs from a
 * memfd (so it needs nothing from the rootfs) that starts the command as its
 * child, forwards every signal it gets to it, reaps every zombie the container
 * makes, and exits with the command's status (128+N when signal N killed it).
 *
 *   ward-init -- COMMAND [ARG...]
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static int status_of(int ws)
{
	if (WIFSIGNALED(ws))
		return 128 + WTERMSIG(ws);
	return WEXITSTATUS(ws);
}

/* Reap every child that has ended; the command's status once it has. */
static int reap(pid_t child, int *status)
{
	int ws, done = 0;
	pid_t p;

	while ((p = waitpid(-1, &ws, WNOHANG)) > 0) {
		if (p == child) {
			*status = status_of(ws);
			done = 1;
		}
	}
	return done;
}

int main(int argc, char **argv)
{
	sigset_t all, old;
	siginfo_t info;
	int first = 1, status = 0;
	pid_t child;

	if (argc > 1 && strcmp(argv[1], "--") == 0)
		first = 2;
	if (first >= argc) {
		fputs("usage: ward-init -- COMMAND [ARG...]\n", stderr);
		return 125;
	}
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	/* not pid 1 (--pid host): orphans of the command still come to us */
	if (getpid() != 1)
		(void)prctl(PR_SET_CHILD_SUBREAPER, 1);
	child = fork();
	if (child < 0) {
		fprintf(stderr, "ward-init: cannot fork: %s\n", strerror(errno));
		return 125;
	}
	if (child == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		execvp(argv[first], argv + first);
		fprintf(stderr, "ward: exec '%s': %s\n", argv[first], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	for (;;) {
		int sig = sigwaitinfo(&all, &info);

		if (sig < 0)
			continue; /* EINTR */
		if (sig == SIGCHLD) {
			if (reap(child, &status))
				break;
			continue;
		}
		/* a signal for the container: its command gets it, as from docker kill */
		(void)kill(child, sig);
	}
	/* as pid 1, what the command left behind goes with us (the kernel kills it) */
	return status;
}
