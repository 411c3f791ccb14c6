/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * json.c - one pass of yajl's event parser over a document before its tree is
 * built: syntax, depth, and NUL bytes in strings and keys, each named by place;
 * then the tree's accessors and the generator helpers every module shares.
 */
#include "ward/json.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yajl/yajl_parse.h>

#include "ward/cleanup.h"
#include "ward/util.h"

#define KEY_MAX 48 /* a key is only shown in a message: longer ones are cut */

struct frame {
	bool array;
	size_t next;	       /* array: index of the next element */
	size_t cur;	       /* array: index of the current element */
	char key[KEY_MAX + 1]; /* object: the current key */
};

struct scan {
	struct frame *stack;
	unsigned int depth, max_depth;
	bool too_deep;
	bool nul_in_key;
	char where[256]; /* the path of the offending value, once found */
};

/* "a.b[2].c": the path of the value being read now, through the first @depth levels */
static void scan_path(const struct scan *s, unsigned int depth, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < depth && used < len; i++) {
		const struct frame *f = &s->stack[i];
		int n = f->array
			    ? snprintf(buf + used, len - used, "[%zu]", f->cur)
			    : snprintf(buf + used, len - used, "%s%s", used ? "." : "", f->key);

		if (n < 0)
			break;
		used += (size_t)n;
	}
	if (used >= len) /* a path only names a place in a message: cut it */
		buf[len - 1] = '\0';
}

/* a value starts: in an array it takes the next index */
static void scan_value(struct scan *s)
{
	if (s->depth && s->stack[s->depth - 1].array)
		s->stack[s->depth - 1].cur = s->stack[s->depth - 1].next++;
}

static int on_scalar(void *ctx)
{
	scan_value(ctx);
	return 1;
}

static int on_bool(void *ctx, int v)
{
	(void)v;
	return on_scalar(ctx);
}

static int on_number(void *ctx, const char *v, size_t len)
{
	(void)v;
	(void)len;
	return on_scalar(ctx);
}

static int on_string(void *ctx, const unsigned char *v, size_t len)
{
	struct scan *s = ctx;

	scan_value(s);
	if (!memchr(v, '\0', len))
		return 1;
	scan_path(s, s->depth, s->where, sizeof(s->where));
	return 0;
}

static int on_open(void *ctx, bool array)
{
	struct scan *s = ctx;
	struct frame *f;

	scan_value(s);
	if (s->depth >= s->max_depth) {
		s->too_deep = true;
		return 0;
	}
	f = &s->stack[s->depth++];
	memset(f, 0, sizeof(*f));
	f->array = array;
	return 1;
}

static int on_start_map(void *ctx)
{
	return on_open(ctx, false);
}

static int on_start_array(void *ctx)
{
	return on_open(ctx, true);
}

static int on_close(void *ctx)
{
	((struct scan *)ctx)->depth--;
	return 1;
}

static int on_key(void *ctx, const unsigned char *k, size_t len)
{
	struct scan *s = ctx;
	struct frame *f = &s->stack[s->depth - 1];

	if (memchr(k, '\0', len)) {
		scan_path(s, s->depth - 1, s->where, sizeof(s->where)); /* the object's path */
		s->nul_in_key = true;
		return 0;
	}
	len = len < KEY_MAX ? len : KEY_MAX;
	memcpy(f->key, k, len);
	f->key[len] = '\0';
	return 1;
}

static const yajl_callbacks scan_callbacks = {
    .yajl_null = on_scalar,
    .yajl_boolean = on_bool,
    .yajl_number = on_number,
    .yajl_string = on_string,
    .yajl_start_map = on_start_map,
    .yajl_map_key = on_key,
    .yajl_end_map = on_close,
    .yajl_start_array = on_start_array,
    .yajl_end_array = on_close,
};

/* "line L, column C" of byte @off */
static void position(const char *json, size_t len, size_t off, size_t *line, size_t *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off && i < len; i++) {
		if (json[i] == '\n') {
			++*line;
			*col = 1;
		} else {
			++*col;
		}
	}
}

static int syntax_error(yajl_handle h, const char *json, size_t len, size_t off,
			struct ward_err *err)
{
	unsigned char *msg = yajl_get_error(h, 0, (const unsigned char *)json, len);
	char text[160];
	size_t n, line, col;

	(void)snprintf(text, sizeof(text), "%s", msg ? (const char *)msg : "unknown error");
	if (msg)
		yajl_free_error(h, msg);
	n = strlen(text);
	while (n && (isspace((unsigned char)text[n - 1]) || text[n - 1] == '.'))
		text[--n] = '\0';
	position(json, len, off, &line, &col);
	return err_set(err, 0, "line %zu, column %zu: %s", line, col, text);
}

static int scan_failed(const struct scan *s, const char *json, size_t len, size_t off,
		       struct ward_err *err)
{
	size_t line, col;

	if (s->too_deep) {
		off = off ? off - 1 : 0; /* point at the bracket, not past it */
		position(json, len, off, &line, &col);
		return err_set(err, 0, "line %zu, column %zu: nested deeper than %u levels", line,
			       col, s->max_depth);
	}
	if (s->nul_in_key && s->where[0])
		err_set(err, 0, "%s: a key contains a NUL byte", s->where);
	else if (s->nul_in_key)
		err_set(err, 0, "a key of the top-level object contains a NUL byte");
	else if (s->where[0])
		err_set(err, 0, "%s: contains a NUL byte", s->where);
	else
		err_set(err, 0, "a string contains a NUL byte");
	return -EILSEQ; /* err->code stays 0: strerror would add nothing */
}

int json_check(const char *json, size_t len, unsigned int max_depth, struct ward_err *err)
{
	cleanup_free struct frame *stack = xcalloc(max_depth ? max_depth : 1, sizeof(*stack));
	struct scan s = {.stack = stack, .max_depth = max_depth};
	yajl_handle h = yajl_alloc(&scan_callbacks, NULL, &s);
	yajl_status st;
	size_t off = len;
	int r = 0;

	if (!h)
		return err_set(err, ENOMEM, "cannot allocate a JSON parser");
	st = yajl_parse(h, (const unsigned char *)(json ? json : ""), json ? len : 0);
	if (st == yajl_status_ok)
		st = yajl_complete_parse(h);
	else
		off = yajl_get_bytes_consumed(h);
	if (st == yajl_status_client_canceled)
		r = scan_failed(&s, json, len, off, err);
	else if (st != yajl_status_ok)
		r = syntax_error(h, json ? json : "", json ? len : 0, off, err);
	yajl_free(h);
	return r;
}

/* ---- the tree --------------------------------------------------------------- */

int json_parse(const char *json, size_t len, yajl_val *out, struct ward_err *err)
{
	cleanup_free char *text = NULL;
	char errbuf[256] = "";
	int r;

	*out = NULL;
	/* strict syntax (the tree parser allows comments), depth, no NUL in a string */
	r = json_check(json, len, JSON_MAX_DEPTH, err);
	if (r < 0)
		return r;
	text = xmalloc(len + 1);
	if (len)
		memcpy(text, json, len);
	text[len] = '\0';
	*out = yajl_tree_parse(text, errbuf, sizeof(errbuf));
	if (!*out) {
		errbuf[strcspn(errbuf, "\n")] = '\0';
		return err_set(err, 0, "%s", errbuf[0] ? errbuf : "parse error");
	}
	return 0;
}

void json_tree_freep(yajl_val *v)
{
	yajl_tree_free(*v);
}

void json_gen_freep(yajl_gen *g)
{
	if (*g)
		yajl_gen_free(*g);
}

static yajl_val get_by(yajl_val obj, const char *key, int (*cmp)(const char *, const char *))
{
	yajl_val v = NULL;

	if (!obj || !YAJL_IS_OBJECT(obj))
		return NULL;
	for (size_t i = 0; i < obj->u.object.len; i++)
		if (cmp(obj->u.object.keys[i], key) == 0)
			v = obj->u.object.values[i];
	return YAJL_IS_NULL(v) ? NULL : v;
}

yajl_val json_get(yajl_val obj, const char *key)
{
	return get_by(obj, key, strcmp);
}

yajl_val json_get_nocase(yajl_val obj, const char *key)
{
	return get_by(obj, key, strcasecmp);
}

size_t json_len(yajl_val a)
{
	/* yajl leaves `values` NULL for an empty array */
	return a && YAJL_IS_ARRAY(a) && a->u.array.values ? a->u.array.len : 0;
}

yajl_val json_elem(yajl_val a, size_t i)
{
	return i < json_len(a) ? a->u.array.values[i] : NULL;
}

const char *json_type_name(yajl_val v)
{
	if (!v)
		return "null";
	switch (v->type) {
	case yajl_t_string:
		return "a string";
	case yajl_t_number:
		return "a number";
	case yajl_t_object:
		return "an object";
	case yajl_t_array:
		return "an array";
	case yajl_t_true:
	case yajl_t_false:
		return "a boolean";
	case yajl_t_null:
		return "null";
	case yajl_t_any:
		break;
	}
	return "an unknown value";
}

const char *json_str(yajl_val obj, const char *key)
{
	yajl_val v = json_get(obj, key);

	return YAJL_IS_STRING(v) ? v->u.string : NULL;
}

long long json_int(yajl_val obj, const char *key)
{
	yajl_val v = json_get(obj, key);

	return YAJL_IS_INTEGER(v) ? YAJL_GET_INTEGER(v) : 0;
}

/* ---- the generator ----------------------------------------------------------- */

yajl_gen json_gen_new(const char *indent)
{
	yajl_gen g = yajl_gen_alloc(NULL);

	if (!g)
		abort(); /* out of memory, as xmalloc() */
	if (indent) {
		yajl_gen_config(g, yajl_gen_beautify, 1);
		yajl_gen_config(g, yajl_gen_indent_string, indent);
	}
	return g;
}

void json_gen_str(yajl_gen g, const char *s)
{
	yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

void json_gen_kv(yajl_gen g, const char *key, const char *val)
{
	json_gen_str(g, key);
	if (val)
		json_gen_str(g, val);
	else
		yajl_gen_null(g);
}

void json_gen_strv(yajl_gen g, const char *key, const char *const *v)
{
	json_gen_str(g, key);
	yajl_gen_array_open(g);
	for (; *v; v++)
		json_gen_str(g, *v);
	yajl_gen_array_close(g);
}

void json_gen_value(yajl_gen g, yajl_val v)
{
	switch (v ? v->type : yajl_t_null) {
	case yajl_t_string:
		json_gen_str(g, v->u.string);
		break;
	case yajl_t_number:
		yajl_gen_number(g, v->u.number.r, strlen(v->u.number.r));
		break;
	case yajl_t_object:
		yajl_gen_map_open(g);
		for (size_t i = 0; i < v->u.object.len; i++) {
			json_gen_str(g, v->u.object.keys[i]);
			json_gen_value(g, v->u.object.values[i]);
		}
		yajl_gen_map_close(g);
		break;
	case yajl_t_array:
		yajl_gen_array_open(g);
		for (size_t i = 0; i < json_len(v); i++)
			json_gen_value(g, json_elem(v, i));
		yajl_gen_array_close(g);
		break;
	case yajl_t_true:
	case yajl_t_false:
		yajl_gen_bool(g, YAJL_IS_TRUE(v));
		break;
	case yajl_t_null:
	case yajl_t_any:
		yajl_gen_null(g);
		break;
	}
}

int json_gen_write(yajl_gen g, FILE *out, struct ward_err *err)
{
	const unsigned char *buf;
	size_t len;

	if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
		return err_set(err, EIO, "cannot format the document");
	if (fwrite(buf, 1, len, out) != len || fputc('\n', out) == EOF)
		return err_set(err, errno ? errno : EIO, "cannot write the document");
	return 0;
}
