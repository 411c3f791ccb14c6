/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stop.c - `ward stop [-t N] ID`, docker stop's meaning: the container's stop
 * signal to its init (recorded at run or create, SIGTERM when none), up to N
 * seconds for it to exit, then SIGKILL to it and to every process of its cgroups.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <time.h>
#include <unistd.h>

#include "state_int.h"
#include "ward/cleanup.h"

static const char *annotation(const struct record *r, const char *key)
{
	for (size_t i = 0; i + 1 < r->annotations.n; i += 2)
		if (strcmp(r->annotations.v[i], key) == 0)
			return r->annotations.v[i + 1];
	return NULL;
}

/* The recorded stop signal and timeout (-1: none, wait for ever), or the defaults. */
static int stop_how(const struct state_opts *o, const struct record *r, int *sig, long *timeout,
		    struct ward_err *err)
{
	const char *s = annotation(r, STATE_STOP_SIGNAL_KEY);
	const char *t = annotation(r, STATE_STOP_TIMEOUT_KEY);

	*sig = s ? state_parse_signal(s) : SIGTERM;
	if (*sig < 0)
		return err_set(err, 0, "cannot stop container '%s': its %s '%s' is not a signal",
			       o->id, STATE_STOP_SIGNAL_KEY, s);
	*timeout = STATE_STOP_TIMEOUT_DEFAULT;
	if (o->stop_time_set)
		*timeout = o->stop_time;
	else if (t && !state_parse_stop_timeout(t, timeout))
		return err_set(err, 0,
			       "cannot stop container '%s': its %s '%s' is not a number of "
			       "seconds",
			       o->id, STATE_STOP_TIMEOUT_KEY, t);
	return 0;
}

/* Whether the process of @pidfd exits within @ms milliseconds (-1: for ever). */
static bool exits_within(int pidfd, long long ms)
{
	struct timespec t0, now;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd p = {.fd = pidfd, .events = POLLIN};
		long long left = -1;
		int r;

		if (ms >= 0) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			left = ms - ((now.tv_sec - t0.tv_sec) * 1000LL +
				     (now.tv_nsec - t0.tv_nsec) / 1000000);
			if (left < 0)
				left = 0;
		}
		r = poll(&p, 1, left > INT32_MAX ? INT32_MAX : (int)left);
		if (r > 0)
			return true;
		if (r == 0 && left >= 0 && left <= INT32_MAX)
			return false;
		if (r < 0 && errno != EINTR)
			return false;
	}
}

/* Under the container's lock: its init signalled; *@pidfd its pidfd, -1 when it is stopped. */
static int signal_init(const struct state_opts *o, const struct record *rec, enum state_status st,
		       int sig, int *pidfd, struct ward_err *err)
{
	struct ward_err ignored;

	*pidfd = -1;
	if (st == STATE_STOPPED)
		return 0; /* as docker stop: nothing to do */
	if (st == STATE_CREATING)
		return err_set(err, 0, "cannot stop container '%s': it is still being created",
			       o->id);
	/* the record's process was checked alive just now: the pidfd is the init's */
	*pidfd = pidfd_open(rec->pid, 0);
	if (*pidfd < 0)
		return errno == ESRCH ? 0
				      : err_set(err, errno, "cannot stop container '%s'", o->id);
	if (pidfd_send_signal(*pidfd, sig, NULL, 0) < 0 && errno != ESRCH)
		return err_set(err, errno, "cannot signal container '%s'", o->id);
	/* a paused container thaws to act on it, as docker stop does */
	if (st == STATE_PAUSED)
		(void)cg_freeze(&rec->cg, false, &ignored);
	return 0;
}

/* After the signal: SIGKILL when the init is still there after @timeout seconds. */
static int wait_or_kill(const struct state_opts *o, const struct record *rec, int pidfd,
			long timeout, struct ward_err *err)
{
	struct ward_err ignored;

	if (exits_within(pidfd, timeout < 0 ? -1 : timeout * 1000LL))
		return 0;
	(void)pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
	if (rec->cg.ndirs > 0) /* what is not in the init's pid namespace, too */
		(void)cg_signal_all(&rec->cg, SIGKILL, &ignored);
	if (exits_within(pidfd, KILL_WAIT_MS))
		return 0;
	return err_set(err, 0,
		       "cannot stop container '%s': its init (pid %d) is still there after "
		       "SIGKILL",
		       o->id, (int)rec->pid);
}

int state_stop(const struct state_opts *o, struct ward_err *err)
{
	cleanup_free char *dir = NULL;
	cleanup_close int pidfd = -1;
	enum state_status st;
	struct record rec;
	int lock = -1, sig = SIGTERM, r;
	long timeout = 0;

	memset(&rec, 0, sizeof(rec));
	r = open_container(o, &dir, &lock, &rec, &st, err);
	if (r == 0)
		r = stop_how(o, &rec, &sig, &timeout, err);
	if (r == 0)
		r = signal_init(o, &rec, st, sig, &pidfd, err);
	if (lock >= 0)
		close(lock); /* the run's own ward takes it to remove the container */
	if (r == 0 && pidfd >= 0)
		r = wait_or_kill(o, &rec, pidfd, timeout, err);
	record_release(&rec);
	return r;
}
