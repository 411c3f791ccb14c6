/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * json.h - ward's one way to read and write JSON with yajl: the checks every
 * document goes through before yajl's tree parser sees it, the accessors of
 * the tree, and the generator helpers. Every module that reads or writes JSON
 * (config.json, profiles, state.json, the tools' --json) uses these.
 *
 * yajl's tree keeps strings and keys as C strings, so "SCMP_ACT_ALLOW\u0000junk"
 * would be read as SCMP_ACT_ALLOW; its parser has no depth limit and
 * yajl_tree_free() recurses. json_check() refuses both, naming the place.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

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

/**
 * json_parse() - json_check() @json, then build its tree.
 * @out: the tree (free with yajl_tree_free(), or declare it cleanup_json_tree)
 *
 * Return: 0; -EINVAL for a syntax error or too deep a nesting, with @err holding
 * "line L, column C: what" (the caller puts its "invalid JSON" in front); -EILSEQ
 * for a NUL byte, as json_check().
 */
int json_parse(const char *json, size_t len, yajl_val *out, struct ward_err *err)
    __attribute__((nonnull(3, 4)));

/* cleanup attributes (cleanup.h) for a yajl tree and a yajl generator */
void json_tree_freep(yajl_val *v);
void json_gen_freep(yajl_gen *g);
#define cleanup_json_tree __attribute__((cleanup(json_tree_freep)))
#define cleanup_json_gen  __attribute__((cleanup(json_gen_freep)))

/**
 * json_get() - the value of @key in object @obj, the last one when the key is
 * given twice (as Go's decoder reads it).
 *
 * Return: the value, or NULL when @obj is not an object, or @key is absent or null.
 */
yajl_val json_get(yajl_val obj, const char *key);

/** json_get_nocase() - json_get(), with keys matched case-insensitively (Go's decoder). */
yajl_val json_get_nocase(yajl_val obj, const char *key);

/** json_len() - the number of elements of array @a; 0 for anything else. */
size_t json_len(yajl_val a);

/** json_elem() - element @i of array @a, or NULL past its end (or when @a is no array). */
yajl_val json_elem(yajl_val a, size_t i);

/** json_type_name() - "a string", "an object", ... "null" for @v, for messages. */
const char *json_type_name(yajl_val v);

/** json_str() - json_get() of a string: its text, or NULL when absent or not a string. */
const char *json_str(yajl_val obj, const char *key);

/** json_int() - json_get() of an integer, or 0 when absent or not an integer. */
long long json_int(yajl_val obj, const char *key);

/**
 * json_gen_new() - a generator; it aborts on OOM, as xmalloc().
 * @indent: NULL for one line, else beautified with this indent ("\t"; yajl's own is 4 spaces)
 */
yajl_gen json_gen_new(const char *indent) __attribute__((returns_nonnull));

/** json_gen_str() - the string @s (a key or a value). */
void json_gen_str(yajl_gen g, const char *s) __attribute__((nonnull));

/** json_gen_kv() - "@key": "@val" in an object; null for a NULL @val. */
void json_gen_kv(yajl_gen g, const char *key, const char *val) __attribute__((nonnull(1, 2)));

/** json_gen_strv() - "@key": [...] in an object, from the NULL-terminated @v. */
void json_gen_strv(yajl_gen g, const char *key, const char *const *v) __attribute__((nonnull));

/** json_gen_value() - a parsed tree @v (or null) as JSON again. */
void json_gen_value(yajl_gen g, yajl_val v) __attribute__((nonnull(1)));

/**
 * json_gen_write() - what @g holds, and a newline, to @out.
 *
 * Return: 0, or a negative errno with @err set ("cannot write the document").
 */
int json_gen_write(yajl_gen g, FILE *out, struct ward_err *err) __attribute__((nonnull));
