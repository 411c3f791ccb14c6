/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * console.c - the terminal of a foreground `ward run ID` whose config asks for
 * one and no --console-socket is given: as runc, ward takes the container's pty
 * master itself (on a socket of its own in the state directory, the way an
 * engine's console socket gets it) and copies it to its own stdio until the
 * container's init exits.
 */
#include "state_int.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/tty.h"
#include "ward/util.h"

int console_listen(const char *dir, char **path, struct ward_err *err)
{
	cleanup_close int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cleanup_free char *p = xasprintf("%s/%s", dir, CONSOLE_SOCKET);
	struct sockaddr_un addr = {.sun_family = AF_UNIX};

	if (s < 0)
		return err_set(err, errno, "cannot create a socket for the terminal");
	if (strlen(p) >= sizeof(addr.sun_path))
		return err_set(err, ENAMETOOLONG,
			       "cannot take the container's terminal: '%s' is too long for a "
			       "socket (a shorter --root, or --console-socket)",
			       p);
	memcpy(addr.sun_path, p, strlen(p) + 1);
	if (bind(s, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(s, 1) < 0)
		return err_set(err, errno, "cannot listen on '%s'", p);
	*path = steal_ptr(&p);
	return steal_fd(&s);
}

int console_receive(int listener, struct ward_err *err)
{
	cleanup_close int conn = accept4(listener, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	char cbuf[CMSG_SPACE(sizeof(int))], name[64];
	struct iovec iov = {.iov_base = name, .iov_len = sizeof(name)};
	struct msghdr msg = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *c;
	int master;

	/* create sent the master before it returned: both are there already */
	if (conn < 0)
		return err_set(err, errno, "the container's terminal did not come");
	if (recvmsg(conn, &msg, MSG_CMSG_CLOEXEC) < 0)
		return err_set(err, errno, "cannot receive the container's terminal");
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(sizeof(int)))
		return err_set(err, EPROTO, "cannot receive the container's terminal");
	memcpy(&master, CMSG_DATA(c), sizeof(int));
	return master;
}

static volatile sig_atomic_t winch;

static void on_winch(int sig)
{
	(void)sig;
	winch = 1;
}

int console_proxy(pid_t pid, int master, struct ward_err *err)
{
	cleanup_close int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	struct sigaction sa = {.sa_handler = on_winch};
	struct tty_proxy tp;
	int r;

	if (pidfd < 0)
		return err_set(err, errno, "cannot watch the container (pidfd_open)");
	r = tty_proxy_start(&tp, master, err);
	if (r < 0)
		return r;
	(void)sigaction(SIGWINCH, &sa, NULL); /* cannot fail for SIGWINCH */
	for (;;) {
		struct pollfd pfd[3] = {
		    {.fd = pidfd, .events = POLLIN},
		    {.fd = master, .events = POLLIN},
		    {.fd = tp.stdin_open ? STDIN_FILENO : -1, .events = POLLIN}};

		if (winch) {
			winch = 0;
			tty_proxy_winch(&tp);
		}
		if (poll(pfd, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			r = err_set(err, errno, "cannot wait for the container");
			break;
		}
		if (pfd[1].revents || pfd[2].revents)
			(void)tty_proxy_pump(&tp, pfd[1].revents != 0, pfd[2].revents != 0);
		if (pfd[0].revents & POLLIN)
			break;
	}
	tty_proxy_stop(&tp);
	(void)signal(SIGWINCH, SIG_DFL);
	return r;
}
