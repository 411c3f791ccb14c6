/* SPDX-License-Identifier: GPL-2.0-or-later */
/* record.c - `ward seccomp record`'s filter and notification handler. */
#include "ward/record.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ward/util.h"

/* The calls whose arguments a recorded profile filters, as Docker's default does. */
static const char *const special_names[] = {"clone", "socket", "personality"};

enum { SPECIAL_CLONE, SPECIAL_SOCKET, SPECIAL_PERSONALITY };

/* CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET, Docker's mask */
#define CLONE_NS_MASK 0x7E020000ULL

/* Syscall numbers below this are looked up by name (every ABI's table ends below it). */
#define RECORD_MAX_NR 1024

void record_log_init(struct record_log *log)
{
	memset(log, 0, sizeof(*log));
	pthread_mutex_init(&log->lock, NULL);
	for (int abi = 0; abi < SYS_ABI_COUNT; abi++)
		for (size_t i = 0; i < 3; i++)
			log->special[abi][i] = -1;
	/*
	 * By number, not sysnames_nr(): libseccomp names i386's socket by its
	 * socketcall pseudo-number, yet the kernel's direct call is 359.
	 */
	for (int abi = 0; abi < SYS_ABI_OTHER; abi++)
		for (int nr = 0; nr < RECORD_MAX_NR; nr++) {
			char *name = sysnames_name((enum sys_abi)abi, nr);

			for (size_t i = 0; name && i < 3; i++)
				if (strcmp(name, special_names[i]) == 0)
					log->special[abi][i] =
					    abi == SYS_ABI_X32 ? nr | SYS_X32_BIT : nr;
			free(name);
		}
}

void record_log_release(struct record_log *log)
{
	/*
	 * A receiver may still be in its ioctl (a filter with no task left ends
	 * them, not at once): take the lock from them for good, but never wait long for it (a
	 * receiver that holds it now is answering a call of a process that is gone): then the log
	 * is left to the exit rather than freed under its feet.
	 */
	if (log->threads) {
		const struct timespec pause = {.tv_nsec = 1000 * 1000};
		int tries = 0;

		while (pthread_mutex_trylock(&log->lock) != 0)
			if (++tries > 1000 || nanosleep(&pause, NULL) < 0)
				return;
	}
	free(log->v);
	free(log->socket_families.v);
	free(log->personalities.v);
	memset(log, 0, sizeof(*log));
}

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

/*
 * A signal that reaches a caller waiting for ward's answer ends the call with
 * EINTR (or restarts it, with SA_RESTART): even fork(2) may fail so, which
 * the workload would not see without ward. From Linux 5.19 the wait is
 * killable-only once ward has received the call, which leaves a short window
 * (before ward's receive). Whether the kernel knows the flag: with a NULL
 * program, a known flag set fails with EFAULT, an unknown one with EINVAL.
 */
static unsigned int killable_flag(void)
{
	unsigned int f = SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;

	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, f, NULL) < 0 && errno == EFAULT)
		return SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	return 0;
}

int record_filter(const struct filter_prog *in, struct filter_prog *out, struct ward_err *err)
{
	memset(out, 0, sizeof(*out));
	if (in->enabled && (in->flags & SECCOMP_FILTER_FLAG_NEW_LISTENER))
		return err_set(err, 0,
			       "seccomp record cannot stack a profile that has SCMP_ACT_NOTIFY "
			       "rules (their listener goes to the agent at its listenerPath)");
	out->enabled = true;
	if (!in->enabled) {
		/* unconfined: every call of every ABI, no architecture check */
		out->insns = xcalloc(1, sizeof(*out->insns));
		out->insns[0] =
		    (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF);
		out->len = 1;
		out->flags = SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_SPEC_ALLOW |
			     killable_flag();
		return 0;
	}
	out->insns = xcalloc(in->len, sizeof(*in->insns));
	memcpy(out->insns, in->insns, in->len * sizeof(*in->insns));
	out->len = in->len;
	out->flags = in->flags | SECCOMP_FILTER_FLAG_NEW_LISTENER | killable_flag();
	for (size_t i = 0; i < out->len; i++) {
		struct sock_filter *f = &out->insns[i];
		uint32_t action = f->k & SECCOMP_RET_ACTION_FULL;

		if (f->code == (BPF_RET | BPF_K) &&
		    (action == SECCOMP_RET_ALLOW || action == SECCOMP_RET_LOG))
			f->k = SECCOMP_RET_USER_NOTIF;
	}
	return 0;
}

static void value_add(struct record_values *vs, uint64_t value)
{
	for (size_t i = 0; i < vs->n; i++)
		if (vs->v[i].value == value) {
			vs->v[i].count++;
			return;
		}
	if (vs->n == vs->cap) {
		vs->cap = vs->cap ? vs->cap * 2 : 8;
		vs->v = xrealloc(vs->v, vs->cap * sizeof(*vs->v));
	}
	vs->v[vs->n].value = value;
	vs->v[vs->n++].count = 1;
}

void record_add(struct record_log *log, uint32_t arch, int nr, const uint64_t args[6])
{
	enum sys_abi abi = sysnames_abi(arch, nr);
	int key = abi == SYS_ABI_X32 ? nr & ~SYS_X32_BIT : nr;
	struct record_call *c = NULL;

	log->total++;
	if (abi != SYS_ABI_OTHER) {
		const int *sp = log->special[abi];

		if (nr == sp[SPECIAL_CLONE])
			log->clone_ns |= args[0] & CLONE_NS_MASK;
		else if (nr == sp[SPECIAL_SOCKET])
			value_add(&log->socket_families, args[0] & 0xffffffffULL);
		else if (nr == sp[SPECIAL_PERSONALITY])
			value_add(&log->personalities, args[0] & 0xffffffffULL);
	}
	for (size_t i = 0; i < log->n; i++)
		if (log->v[i].abi == abi && log->v[i].nr == key) {
			c = &log->v[i];
			break;
		}
	if (!c) {
		if (log->n == log->cap) {
			log->cap = log->cap ? log->cap * 2 : 64;
			log->v = xrealloc(log->v, log->cap * sizeof(*log->v));
		}
		c = &log->v[log->n++];
		c->abi = abi;
		c->nr = key;
		c->count = 0;
	}
	c->count++;
}

/* The entrypoint's execve (ward's child has no other way to start it). */
static bool is_exec(uint32_t arch, int nr)
{
	return sysnames_abi(arch, nr) == SYS_ABI_NATIVE && (nr == SYS_execve || nr == SYS_execveat);
}

/*
 * Whether the filter of @listener has no task left: the kernel then answers a
 * receive with ENOENT at once, so a receiver that went on would spin (eight of
 * them took both CPUs from ward while it wrote the profile and cleaned up).
 */
static bool listener_hung_up(int listener)
{
	struct pollfd p = {.fd = listener, .events = POLLIN};

	return poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLERR | POLLNVAL));
}

/* One call received and answered. Return: 0, 1 when the filter has no task left, or -errno. */
static int serve_one(struct record_log *log, int listener, struct ward_err *err)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;

	memset(&req, 0, sizeof(req));
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
		if (errno == ENOENT && listener_hung_up(listener))
			return 1;
		if (errno == EINTR || errno == ENOENT)
			return 0; /* interrupted, or the caller died before we looked */
		return err_set(err, errno, "cannot receive a seccomp notification");
	}
	memset(&resp, 0, sizeof(resp));
	resp.id = req.id;
	resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE; /* Linux 5.5 */
	pthread_mutex_lock(&log->lock);
	if (!log->started && is_exec(req.data.arch, req.data.nr))
		log->started = true;
	if (log->started)
		record_add(log, req.data.arch, req.data.nr, (const uint64_t *)req.data.args);
	pthread_mutex_unlock(&log->lock);
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0) {
		if (errno == ENOENT) {
			pthread_mutex_lock(&log->lock);
			log->unanswered++; /* the caller was killed meanwhile */
			pthread_mutex_unlock(&log->lock);
			return 0;
		}
		return err_set(err, errno, "cannot answer a seccomp notification");
	}
	return 0;
}

struct receiver {
	struct record_log *log;
	int fd;
};

static void *receive_loop(void *arg)
{
	struct receiver rc = *(struct receiver *)arg;
	struct ward_err e;

	free(arg);
	while (serve_one(rc.log, rc.fd, &e) == 0)
		;
	/* no task left, or the listener failed: the others, or ward's own poll, may serve it */
	close(rc.fd);
	return NULL;
}

/* Start the receivers; false when not even one could be started. */
static bool start_receivers(struct record_log *log, int listener)
{
	sigset_t all, old;
	unsigned int started = 0;

	/* signals stay with ward's main thread, which forwards them to the container */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (unsigned int i = 0; i < RECORD_THREADS; i++) {
		struct receiver *rc = xcalloc(1, sizeof(*rc));
		pthread_attr_t attr;
		pthread_t t;

		rc->log = log;
		rc->fd = fcntl(listener, F_DUPFD_CLOEXEC, 0);
		if (rc->fd < 0 || pthread_attr_init(&attr) != 0) {
			if (rc->fd >= 0)
				close(rc->fd);
			free(rc);
			break;
		}
		(void)pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		(void)pthread_attr_setstacksize(&attr, 64 * 1024);
		if (pthread_create(&t, &attr, receive_loop, rc) != 0) {
			close(rc->fd);
			free(rc);
			pthread_attr_destroy(&attr);
			break;
		}
		pthread_attr_destroy(&attr);
		started++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return started > 0;
}

int record_handle(struct record_log *log, int listener, struct ward_err *err)
{
	if (log->threads)
		return 1;
	if (start_receivers(log, listener)) {
		log->threads = true;
		return 1;
	}
	return serve_one(log, listener, err);
}
