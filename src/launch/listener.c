/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * listener.c - a profile's seccomp listener: taken from the child with
 * pidfd_getfd(2) (--report-denied), or sent to the agent at listenerPath with
 * the container's state, as the runtime spec says.
 */
#include "launch.h"

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
#include "ward/selfexe.h"
#include "ward/sys.h"
#include "ward/tty.h"

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

/*
 * The listener the child announced: ward's own with --report-denied, else
 * taken and handed to the profile's agent at once (a notified call of the
 * child's would wait for the agent).
 */
int listener_arrived(const struct container_spec *spec, const struct proc_opts *opts, pid_t pid,
		     int num, struct child_report *rep, int *listener, struct ward_err *err)
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
