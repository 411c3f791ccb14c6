/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sync.c - the sync protocol between ward and the child: the socket's messages
 * (errors, descriptors, plain bytes, texts) and the report page the child
 * writes without a system call once its filter is in.
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

#include "ward/caps.h"
#include "ward/cgroup.h"
#include "ward/cleanup.h"
#include "ward/filter.h"
#include "ward/hooks.h"
#include "ward/log.h"
#include "ward/mount.h"
#include "ward/ns.h"
#include "ward/oci.h"
#include "ward/policy.h"
#include "ward/selfexe.h"
#include "ward/sys.h"
#include "ward/tty.h"

static const struct child_report report_init = {.execve_ret = SECCOMP_RET_ALLOW,
						.exit_ret = SECCOMP_RET_ALLOW};

/* The report page, shared with every process the clone makes. */
struct child_report *report_map(struct ward_err *err)
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

void report_unmap(struct child_report **r)
{
	if (*r)
		(void)munmap(*r, sizeof(**r));
	*r = NULL;
}

ssize_t read_full(int fd, void *buf, size_t len)
{
	ssize_t n;

	do
		n = read(fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n;
}

ssize_t write_full(int fd, const void *buf, size_t len)
{
	ssize_t n;

	do
		n = write(fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n;
}

/*
 * What @prog decides for syscall @nr (no arguments): every stacked filter run,
 * the kernel's choice among their answers; pure computation, no system call.
 */
uint32_t child_filter_decision(const struct filter_prog *prog, uint32_t arch, int nr)
{
	struct seccomp_data d = {.nr = nr, .arch = arch};
	uint32_t ret;

	if (!prog->enabled || filter_eval(prog, &d, &ret, NULL) < 0)
		return SECCOMP_RET_ALLOW;
	return ret;
}

bool decision_allows(uint32_t ret)
{
	uint32_t action = ret & SECCOMP_RET_ACTION_FULL;

	return action == SECCOMP_RET_ALLOW || action == SECCOMP_RET_LOG;
}

/*
 * Pass a descriptor over the sync socket (SCM_RIGHTS) with a one-byte tag: to
 * ward 'T' the terminal's master, 'M' the tree of a container without a mount
 * namespace; to the child 'N' its network namespace. The sender keeps no copy.
 */
int send_fd(int sync, char tag, int fd, const char *what, struct ward_err *err)
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
		return err_set(err, EINVAL, "cannot pass %s over the sync socket", what);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	do
		n = sendmsg(sync, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		return err_set(err, errno, "cannot pass %s over the sync socket", what);
	close(fd);
	return 0;
}

/*
 * One message from the child: its error (a whole struct ward_err), a descriptor
 * (a tag byte with SCM_RIGHTS: 'T' terminal), a plain byte (ready, in create
 * mode), 'L' with the number its seccomp listener is about to have, or EOF when
 * execve closed its end.
 * Return: 1 for a descriptor (*fd, *tag), 2 for a plain byte, 3 for 'L' (*fd
 * the number), 0 for EOF, or a negative errno.
 */
int read_sync(int sync, int *fd, char *tag, struct ward_err *err)
{
	struct ward_err child_err;
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {.iov_base = &child_err, .iov_len = sizeof(child_err)};
	struct msghdr msg = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *c;
	ssize_t n;

	/*
	 * ECONNRESET: the other end closed with our messages unread (a child that
	 * failed before it read its go); it is said once, and what it sent is
	 * read next
	 */
	do
		n = recvmsg(sync, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && (errno == EINTR || errno == ECONNRESET));
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

int send_text(int sync, const char *text, struct ward_err *err)
{
	size_t len = strlen(text);
	ssize_t n = send(sync, text, len, MSG_NOSIGNAL);

	if (n != (ssize_t)len)
		return err_set(err, n < 0 ? errno : EMSGSIZE,
			       "cannot send the state to the container");
	return 0;
}

/*
 * One whole message from ward into @buf (@size bytes, made before the clone:
 * the child does not allocate), NUL-terminated; EOF means ward is gone.
 */
int recv_text(int sync, char *buf, size_t size, struct ward_err *err)
{
	ssize_t n, got;

	do
		n = recv(sync, NULL, 0, MSG_PEEK | MSG_TRUNC);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		_exit(WARD_EXIT_LAUNCHER);
	if (n < 0)
		return err_set(err, errno, "cannot read the state from ward");
	if ((size_t)n >= size)
		return err_set(err, EMSGSIZE, "the state from ward is larger than %zu bytes", size);
	got = recv(sync, buf, (size_t)n, 0);
	if (got != n)
		return err_set(err, got < 0 ? errno : EPROTO, "cannot read the state from ward");
	buf[n] = '\0';
	return 0;
}

/*
 * Once the child is gone or running its command: the error it left on the
 * report page when a failure could not go over the socket (after its filter),
 * with what the filter decides for the calls ward makes then. Return: 0 when
 * the child did not fail, else a negative errno with @err set.
 */
int report_outcome(const struct child_report *rep, struct ward_err *err)
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
