/* SPDX-License-Identifier: GPL-2.0-or-later */
/* trace_syscall.c - io.containers.trace-syscall: ward create's recorder process. */
#include "ward/trace_syscall.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/recprofile.h"
#include "ward/sys.h"
#include "ward/util.h"

static const char *annotation(const struct container_spec *spec)
{
	const struct strv *a = &spec->oci.annotations;

	for (size_t i = 0; i + 1 < a->n; i += 2)
		if (strcmp(a->v[i], TRACE_SYSCALL_ANNOTATION) == 0)
			return a->v[i + 1];
	return NULL;
}

/* "of:/OUT" and "if:/IN", separated by ';', each once, absolute. */
static int parse(const char *value, struct trace_syscall *ts, struct ward_err *err)
{
	cleanup_free char *copy = xstrdup(value);
	char *save = NULL;

	for (char *part = strtok_r(copy, ";", &save); part; part = strtok_r(NULL, ";", &save)) {
		char **dst = NULL;

		if (str_has_prefix(part, "of:"))
			dst = &ts->output;
		else if (str_has_prefix(part, "if:"))
			dst = &ts->input;
		else
			return err_set(err, 0, "'%s': expected of:PATH or if:PATH", part);
		if (*dst)
			return err_set(err, 0, "'%.3s' given twice", part);
		if (part[3] != '/')
			return err_set(err, 0, "'%s': the path must be absolute", part);
		*dst = xstrdup(part + 3);
	}
	if (!ts->output)
		return err_set(err, 0, "no output file (of:/PATH)");
	return 0;
}

int trace_syscall_prepare(const struct container_spec *spec, struct trace_syscall *ts,
			  struct ward_err *err)
{
	const char *v = annotation(spec);
	int r;

	memset(ts, 0, sizeof(*ts));
	ts->fd = -1;
	if (!v)
		return 0;
	record_log_init(&ts->log);
	r = parse(v, ts, err);
	if (r == 0 && ts->input && profile_load_file(ts->input, &ts->merge, err) < 0)
		r = err_prefix(err, "if: '%s'", ts->input);
	if (r == 0) {
		ts->fd = recprofile_open(ts->output, &ts->tmp, err);
		r = ts->fd < 0 ? ts->fd : 0;
	}
	if (r < 0)
		return err_prefix(err, "annotation " TRACE_SYSCALL_ANNOTATION " '%s'", v);
	return 0;
}

/* The recorder: serve @listener until the init (@pidfd) is gone, then write. */
static __attribute__((noreturn)) void recorder(struct trace_syscall *ts, int pidfd, int listener)
{
	struct recprofile_stats st;
	struct ward_err e;
	int keep[3] = {listener, ts->fd, pidfd};
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	bool threads = false;
	sigset_t none;

	/* nothing of ward create's: not its pipes (an engine waits for their EOF), locks, sync */
	if (devnull >= 0) {
		for (int i = 0; i < 3; i++)
			(void)dup2(devnull, i);
	}
	(void)sys_close_except(3, keep, 3);
	(void)setsid();
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	for (;;) {
		struct pollfd pfd[2] = {{.fd = pidfd, .events = POLLIN},
					{.fd = threads ? -1 : listener, .events = POLLIN}};

		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents & POLLIN) {
			int r = record_handle(&ts->log, listener, &e);

			if (r < 0)
				break;
			threads = r > 0;
		}
		if (pfd[0].revents & POLLIN)
			break;
	}
	pthread_mutex_lock(&ts->log.lock);
	if (!ts->log.started ||
	    recprofile_commit(ts->fd, ts->tmp, ts->output, &ts->log, ts->merge, &st, &e) < 0) {
		(void)unlink(ts->tmp);
		_exit(1);
	}
	_exit(0);
}

int trace_syscall_start(void *arg, pid_t pid, int listener, struct ward_err *err)
{
	struct trace_syscall *ts = arg;
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	pid_t rec;

	if (pidfd < 0)
		return err_set(err, errno, "cannot watch the container (pidfd_open)");
	(void)fflush(NULL);
	rec = fork();
	if (rec < 0) {
		close(pidfd);
		return err_set(err, errno, "cannot start the seccomp recorder");
	}
	if (rec == 0)
		recorder(ts, pidfd, listener);
	close(pidfd);
	ts->started = true;
	return 0;
}

void trace_syscall_release(struct trace_syscall *ts)
{
	if (ts->fd >= 0)
		close(ts->fd);
	if (ts->tmp && !ts->started)
		(void)unlink(ts->tmp);
	free(ts->tmp);
	free(ts->output);
	free(ts->input);
	profile_free(ts->merge);
	record_log_release(&ts->log); /* a no-op without record_log_init() */
	memset(ts, 0, sizeof(*ts));
	ts->fd = -1;
}
