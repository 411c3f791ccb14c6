/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * json.h - the checks every JSON document ward reads goes through before yajl's
 * tree parser sees it.
 *
 * yajl's tree keeps strings and keys as C strings, so "SCMP_ACT_ALLOW\u0000junk"
 * would be read as SCMP_ACT_ALLOW; its parser has no depth limit and
 * yajl_tree_free() recurses. json_check() refuses both, naming the place.
 */
#pragma once

#include <stddef.h>

#include "ward/error.h"

/* deeper nesting than any profile or config.json needs */
#define JSON_MAX_DEPTH 64

/**
 * json_check() - a strict syntax check of @json (no comments, one value, UTF-8),
 * and that no string or key holds a NUL byte and nothing nests deeper than
 * @max_depth arrays and objects.
 * @json: the document, @len bytes (it need not be NUL-terminated)
 *
 * Return: 0; -EINVAL for a syntax error or too deep a nesting, with @err holding
 * "line L, column C: what" (the caller puts its "not valid JSON" in front);
 * -EILSEQ for a NUL byte, with @err holding "PATH: contains a NUL byte"
 * (PATH as "syscalls[3].names[0]", or "syscalls[3]: a key" for a key).
 */
int json_check(const char *json, size_t len, unsigned int max_depth, struct ward_err *err)
    __attribute__((nonnull(4)));
