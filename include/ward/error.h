/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * error.h - the one error type every fallible ward function fills in.
 *
 * A struct ward_err is a fixed buffer owned by the caller: it needs no allocation,
 * so the container child can fill one after clone() and write it as-is over the
 * sync socket. Functions that fail return a negative errno (err_set() returns
 * -code, so failure sites read `return err_set(err, errno, "...")`), and only
 * main.c prints the message, followed by strerror(code) when code is non-zero.
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>

#define WARD_ERR_MSG_MAX 512

/*
 * Exit statuses. A container's own status passes through unchanged; 128+N means
 * it was killed by signal N. ward's own failures: `ward run ROOTFS` and
 * `ward compare` as Docker's run (125, 126, 127); the OCI verbs as runc's
 * (1, and 255 for `ward exec`, so a failed exec differs from a command that
 * exits 1); `ward seccomp` tools 1, as linters.
 */
enum ward_exit {
	WARD_EXIT_OK = 0,
	WARD_EXIT_FAIL = 1,	     /* an OCI verb or a seccomp subcommand failed */
	WARD_EXIT_LAUNCHER = 125,    /* ward run: ward itself failed before exec */
	WARD_EXIT_CANNOT_EXEC = 126, /* ward run: the command cannot be executed */
	WARD_EXIT_NOT_FOUND = 127,   /* ward run: the command was not found */
	WARD_EXIT_EXEC_FAILED = 255, /* ward exec: the exec itself failed */
};

struct ward_err {
	int code;   /* errno value, or 0 when strerror would add nothing */
	int status; /* exit status this error maps to; 0 means WARD_EXIT_LAUNCHER */
	char msg[WARD_ERR_MSG_MAX];
};

/**
 * err_set() - record a failure.
 * @err:  where to record it
 * @code: a positive errno value, or 0 for an error that is not a system error
 * @fmt:  what failed, lowercase, no trailing period, subject in quotes
 *
 * Return: -@code, or -EINVAL when @code is 0, so callers can `return err_set(...)`.
 */
int err_set(struct ward_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), nonnull(1, 3)));

/**
 * err_prefix() - put context in front of an error already recorded.
 *
 * Return: -err->code, or -EINVAL when the code is 0.
 */
int err_prefix(struct ward_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), nonnull(1, 2)));

/** err_clear() - forget a recorded error. */
void err_clear(struct ward_err *err) __attribute__((nonnull));

/**
 * err_format() - the message as main prints it: "msg: strerror(code)".
 * @buf: destination, always NUL-terminated
 */
void err_format(const struct ward_err *err, char *buf, size_t len) __attribute__((nonnull));

/** err_exit_status() - the exit status this error maps to (125 unless set). */
int err_exit_status(const struct ward_err *err) __attribute__((nonnull));
