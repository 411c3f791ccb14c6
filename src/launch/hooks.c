/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hooks.c - run a config.json's hooks (see hooks.h).
 */
#include "ward/hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ward/oci.h"

/* Run one hook with the state on its stdin; wait for it (its timeout, if any). */
static int run_hook(const struct spec_hook *h, char *const *env, const char *json,
		    struct ward_err *err)
{
	struct sigaction ign = {.sa_handler = SIG_IGN}, old;
	int in[2], ws;
	pid_t pid;
	size_t len = strlen(json);
	long waited = 0;

	if (pipe2(in, O_CLOEXEC) < 0)
		return err_set(err, errno, "hook '%s': cannot create a pipe", h->path);
	(void)fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(in[0]);
		close(in[1]);
		return err_set(err, errno, "hook '%s': cannot fork", h->path);
	}
	if (pid == 0) {
		if (dup2(in[0], STDIN_FILENO) < 0)
			_exit(127);
		execve(h->path, h->args.v, env);
		_exit(127);
	}
	close(in[0]);
	/*
	 * A hook need not read its stdin: a short write is not a failure, and
	 * SIGPIPE is ignored only around it (the container's init runs hooks too,
	 * and an ignored signal would survive its execve).
	 */
	if (sigaction(SIGPIPE, &ign, &old) < 0)
		return err_set(err, errno, "hook '%s': cannot ignore SIGPIPE", h->path);
	(void)!write(in[1], json, len);
	close(in[1]);
	(void)sigaction(SIGPIPE, &old, NULL);
	for (;;) {
		pid_t w = waitpid(pid, &ws, h->timeout ? WNOHANG : 0);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			return err_set(err, errno, "hook '%s': cannot wait", h->path);
		if (w == 0) {
			if (waited >= (long)h->timeout * 1000) {
				(void)kill(pid, SIGKILL);
				(void)waitpid(pid, &ws, 0);
				return err_set(err, ETIMEDOUT, "hook '%s' timed out after %d s",
					       h->path, h->timeout);
			}
			(void)poll(NULL, 0, 10);
			waited += 10;
		}
	}
	if (WIFEXITED(ws) && WEXITSTATUS(ws) == 0)
		return 0;
	if (WIFEXITED(ws))
		return err_set(err, 0, "hook '%s' exited with status %d", h->path, WEXITSTATUS(ws));
	return err_set(err, 0, "hook '%s' was killed by signal %d", h->path, WTERMSIG(ws));
}

bool hooks_any(const struct container_spec *spec, enum spec_hook_kind kind)
{
	return spec->oci.nhooks[kind] > 0;
}

int hooks_run(const struct container_spec *spec, enum spec_hook_kind kind, const char *json,
	      struct ward_err *err)
{
	for (size_t i = 0; i < spec->oci.nhooks[kind]; i++) {
		const struct spec_hook *h = &spec->oci.hooks[kind][i];
		/*
		 * A hook without "env" gets what runc's give it: the environment of the
		 * runtime, and in the container (startContainer) the process's own.
		 */
		char *const *env = h->env.v			       ? h->env.v
				   : kind == SPEC_HOOK_START_CONTAINER ? spec->env.v
								       : environ;
		int r = run_hook(h, env ? env : (char *[]){NULL}, json, err);

		if (r < 0)
			return err_prefix(err, "%s", oci_hook_name(kind));
	}
	return 0;
}
