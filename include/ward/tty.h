/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tty.h - a terminal for the container: a pty pair from the container's own
 * devpts instance (the child opens /dev/ptmx after pivot_root, makes the slave
 * its controlling terminal and stdio), the master handed to ward, which either
 * proxies it to its own terminal (`ward run -t`) or passes it on to the
 * engine's --console-socket, as runc does.
 */
#pragma once

#include <stdbool.h>
#include <termios.h>

#include "ward/error.h"

/**
 * tty_setup_child() - in the container child, after pivot_root: open a new pty
 * in /dev/pts, make the slave the controlling terminal and stdin, stdout and
 * stderr. Does not allocate.
 *
 * Return: the master descriptor (for the parent), or a negative errno.
 */
int tty_setup_child(struct ward_err *err) __attribute__((nonnull));

/**
 * tty_send_console() - connect to the UNIX socket @path and send @master on it
 * (SCM_RIGHTS, with the terminal's name as the message, as runc does).
 * Return: 0, or a negative errno with @err naming the socket.
 */
int tty_send_console(const char *path, int master, struct ward_err *err) __attribute__((nonnull));

/* ward's side of `run -t`: its own terminal in raw mode, bytes copied both ways. */
struct tty_proxy {
	int master;
	bool have_termios; /* stdin is a terminal: restore it at the end */
	struct termios saved;
	bool stdin_open;
	char pending[4096]; /* from stdin, not yet written to the master */
	size_t npending;
};

/**
 * tty_proxy_start() - raw mode on ward's stdin when it is a terminal, the
 * window size copied to the container's terminal. Return: 0 or a negative errno.
 */
int tty_proxy_start(struct tty_proxy *p, int master, struct ward_err *err) __attribute__((nonnull));

/** tty_proxy_winch() - copy ward's window size again (after SIGWINCH). */
void tty_proxy_winch(struct tty_proxy *p) __attribute__((nonnull));

/**
 * tty_proxy_pump() - move what is ready: @master_ready and @stdin_ready say which
 * side poll() found readable. Return: 0, or 1 when the container's side closed.
 */
int tty_proxy_pump(struct tty_proxy *p, bool master_ready, bool stdin_ready)
    __attribute__((nonnull));

/** tty_proxy_stop() - drain the container's last output, restore ward's terminal. */
void tty_proxy_stop(struct tty_proxy *p) __attribute__((nonnull));
