/* SPDX-License-Identifier: GPL-2.0-or-later */
/* error.c - filling in and formatting struct ward_err; never allocates. */
#include "ward/error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int neg(int code)
{
	return code > 0 ? -code : -EINVAL;
}

int err_set(struct ward_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	err->code = code;
	err->status = 0;
	va_start(ap, fmt);
	(void)vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return neg(code);
}

int err_prefix(struct ward_err *err, const char *fmt, ...)
{
	char prefix[WARD_ERR_MSG_MAX];
	char old[WARD_ERR_MSG_MAX];
	size_t plen, olen;
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	/* the message is cut at the buffer's end on purpose: it is one line of context */
	plen = strnlen(prefix, sizeof(err->msg) - 1);
	memcpy(err->msg, prefix, plen);
	if (plen + 2 < sizeof(err->msg)) {
		memcpy(err->msg + plen, ": ", 2);
		plen += 2;
	}
	olen = strnlen(old, sizeof(err->msg) - 1 - plen);
	memcpy(err->msg + plen, old, olen);
	err->msg[plen + olen] = '\0';
	return neg(err->code);
}

void err_clear(struct ward_err *err)
{
	err->code = 0;
	err->status = 0;
	err->msg[0] = '\0';
}

void err_format(const struct ward_err *err, char *buf, size_t len)
{
	if (err->code > 0)
		(void)snprintf(buf, len, "%s: %s", err->msg, strerror(err->code));
	else
		(void)snprintf(buf, len, "%s", err->msg);
	/* one line, whatever a quoted input held: no newline, no terminal escape */
	for (char *p = buf; len && *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
}

int err_exit_status(const struct ward_err *err)
{
	return err->status ? err->status : WARD_EXIT_LAUNCHER;
}
