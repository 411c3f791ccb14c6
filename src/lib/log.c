/* SPDX-License-Identifier: GPL-2.0-or-later */
/* log.c - leveled messages on stderr, one line each, prefixed "ward: ". */
#include "ward/log.h"

#include <stdarg.h>
#include <stdio.h>

static enum log_level current = LOG_WARN;

void log_set_level(enum log_level level)
{
	current = level;
}

enum log_level log_get_level(void)
{
	return current;
}

static __attribute__((format(printf, 3, 0))) void vlog(enum log_level level, const char *tag,
						       const char *fmt, va_list ap)
{
	char line[1024];

	if (level > current)
		return;
	(void)vsnprintf(line, sizeof(line), fmt, ap);
	/* one write per line, so concurrent output does not interleave mid-line */
	(void)fprintf(stderr, "ward: %s%s\n", tag, line);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARN, "warning: ", fmt, ap);
	va_end(ap);
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, "", fmt, ap);
	va_end(ap);
}

void log_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_DEBUG, "debug: ", fmt, ap);
	va_end(ap);
}
