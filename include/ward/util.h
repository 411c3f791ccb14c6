/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * util.h - small pure helpers: allocation that aborts on OOM, string vectors,
 * strict number parsing, whole-file reads, full writes. No module state, no side effects
 * beyond the files named by the caller.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ward/error.h"

void *xmalloc(size_t n) __attribute__((malloc, returns_nonnull));
void *xcalloc(size_t n, size_t size) __attribute__((malloc, returns_nonnull));
void *xrealloc(void *p, size_t n) __attribute__((returns_nonnull));
char *xstrdup(const char *s) __attribute__((malloc, returns_nonnull, nonnull));
char *xasprintf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), malloc, returns_nonnull, nonnull(1)));

/* A NULL-terminated vector of owned strings. */
struct strv {
	char **v;
	size_t n;
	size_t cap;
};

/** strv_push() - append a copy of @s, keeping v NULL-terminated. */
void strv_push(struct strv *sv, const char *s) __attribute__((nonnull));
/** strv_push_owned() - append @s itself, taking ownership. */
void strv_push_owned(struct strv *sv, char *s) __attribute__((nonnull));
/** strv_release() - free the strings and the vector; the struct is left empty. */
void strv_release(struct strv *sv) __attribute__((nonnull));

/**
 * parse_u64() - parse a whole decimal string into an unsigned number.
 *
 * Return: true when @s is a non-empty run of digits that fits in @max.
 */
bool parse_u64(const char *s, uint64_t max, uint64_t *out) __attribute__((nonnull));

/**
 * parse_size() - parse a byte count with an optional b/k/m/g suffix (any case),
 * as Docker's --memory does.
 *
 * Return: true on success.
 */
bool parse_size(const char *s, uint64_t *out) __attribute__((nonnull));

/** str_has_prefix() - true when @s starts with @prefix. */
bool str_has_prefix(const char *s, const char *prefix) __attribute__((nonnull));

/** str_unescape_octal() - undo mountinfo's octal escapes ("\\040" for a space) in place. */
void str_unescape_octal(char *s) __attribute__((nonnull));

/**
 * read_file() - read a whole regular file into a NUL-terminated buffer.
 * @max: refuse files larger than this many bytes
 *
 * Return: 0, or a negative errno with @err naming the file.
 */
int read_file(const char *path, size_t max, char **out, size_t *len, struct ward_err *err)
    __attribute__((nonnull(1, 3, 5)));

/**
 * write_file() - write @data to an existing file (a /proc or cgroup knob).
 *
 * Return: 0, or a negative errno with @err naming the file.
 */
int write_file(const char *path, const char *data, struct ward_err *err) __attribute__((nonnull));

/**
 * fd_write_all() - write all @len bytes of @buf to @fd, again after EINTR and
 * after short writes (a pipe, a socket, a terminal).
 *
 * Return: 0, or a negative errno (-EIO when write() made no progress).
 */
int fd_write_all(int fd, const void *buf, size_t len) __attribute__((nonnull(2)));
