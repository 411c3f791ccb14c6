/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * log.h - warnings and debug output on stderr. Errors are not logged: they are
 * returned in a struct ward_err and printed once, by main.c.
 */
#pragma once

#include <stdbool.h>

enum log_level { LOG_QUIET = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

void log_set_level(enum log_level level);
enum log_level log_get_level(void);

void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2), nonnull(1)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2), nonnull(1)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2), nonnull(1)));
