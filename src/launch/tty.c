/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tty.c - the container's pty, the proxy for run -t, and --console-socket. */
#include "ward/tty.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/util.h"

int tty_setup_child(struct ward_err *err)
{
	char slave[64];
	int master, fd;
	unsigned int n;
	int unlock = 0;

	/* /dev/ptmx is a link to pts/ptmx: the container's own devpts instance */
	master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return err_set(err, errno, "cannot open '/dev/ptmx'");
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0 || ioctl(master, TIOCGPTN, &n) < 0) {
		int e = errno;

		close(master);
		return err_set(err, e, "cannot unlock the container's terminal");
	}
	(void)snprintf(slave, sizeof(slave), "/dev/pts/%u", n);
	if (setsid() < 0) {
		int e = errno;

		close(master);
		return err_set(err, e, "cannot start a session for the terminal");
	}
	fd = open(slave, O_RDWR | O_NOCTTY);
	if (fd < 0) {
		int e = errno;

		close(master);
		return err_set(err, e, "cannot open '%s'", slave);
	}
	if (ioctl(fd, TIOCSCTTY, 0) < 0 || dup2(fd, STDIN_FILENO) < 0 ||
	    dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0) {
		int e = errno;

		close(fd);
		close(master);
		return err_set(err, e, "cannot make '%s' the container's terminal", slave);
	}
	if (fd > STDERR_FILENO)
		close(fd);
	return master;
}

int tty_send_console(const char *path, int master, struct ward_err *err)
{
	cleanup_close int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	char cbuf[CMSG_SPACE(sizeof(int))];
	char name[] = "/dev/ptmx";
	struct iovec iov = {.iov_base = name, .iov_len = sizeof(name) - 1};
	struct msghdr msg = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *c;
	ssize_t n;

	if (s < 0)
		return err_set(err, errno, "cannot create a socket for the console");
	if (strlen(path) >= sizeof(addr.sun_path))
		return err_set(err, ENAMETOOLONG, "console socket '%s'", path);
	memcpy(addr.sun_path, path, strlen(path) + 1);
	if (connect(s, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return err_set(err, errno, "cannot connect to console socket '%s'", path);
	memset(cbuf, 0, sizeof(cbuf));
	c = CMSG_FIRSTHDR(&msg);
	if (!c) /* cannot happen with a buffer of CMSG_SPACE: keeps the compiler sure */
		return err_set(err, EINVAL, "cannot build the console message");
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &master, sizeof(int));
	do
		n = sendmsg(s, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return err_set(err, errno, "cannot send the terminal to console socket '%s'", path);
	return 0;
}

void tty_proxy_winch(struct tty_proxy *p)
{
	struct winsize ws;

	/* nothing to copy when ward itself has no terminal */
	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		(void)ioctl(p->master, TIOCSWINSZ, &ws);
}

int tty_proxy_start(struct tty_proxy *p, int master, struct ward_err *err)
{
	memset(p, 0, sizeof(*p));
	p->master = master;
	p->stdin_open = true;
	if (isatty(STDIN_FILENO)) {
		struct termios raw;

		if (tcgetattr(STDIN_FILENO, &p->saved) < 0)
			return err_set(err, errno, "cannot read the terminal's settings");
		raw = p->saved;
		cfmakeraw(&raw);
		if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) < 0)
			return err_set(err, errno, "cannot put the terminal in raw mode");
		p->have_termios = true;
	}
	tty_proxy_winch(p);
	return 0;
}

int tty_proxy_pump(struct tty_proxy *p, bool master_ready, bool stdin_ready)
{
	char buf[8192];
	ssize_t n;

	if (stdin_ready && p->stdin_open) {
		n = read(STDIN_FILENO, buf, sizeof(buf));
		if (n > 0) {
			(void)fd_write_all(p->master, buf, (size_t)n);
		} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
			/* end of input: tell the container's terminal, as a typed ^D would */
			p->stdin_open = false;
			if (!p->have_termios) {
				char eot = 4;

				(void)fd_write_all(p->master, &eot, 1);
			}
		}
	}
	if (master_ready) {
		n = read(p->master, buf, sizeof(buf));
		/* EIO: every slave descriptor is closed, the container is done with it */
		if (n <= 0 && !(n < 0 && (errno == EINTR || errno == EAGAIN)))
			return 1;
		if (n > 0)
			(void)fd_write_all(STDOUT_FILENO, buf, (size_t)n);
	}
	return 0;
}

void tty_proxy_stop(struct tty_proxy *p)
{
	struct pollfd pfd = {.fd = p->master, .events = POLLIN};

	/* what the container wrote just before it exited */
	while (poll(&pfd, 1, 0) > 0 && (pfd.revents & POLLIN)) {
		if (tty_proxy_pump(p, true, false))
			break;
	}
	if (p->have_termios)
		(void)tcsetattr(STDIN_FILENO, TCSANOW, &p->saved);
	p->have_termios = false;
}
