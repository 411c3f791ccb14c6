/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * profile_parse.c - profile JSON -> struct profile. profile_parse() reads
 * Docker-format, OCI and Podman profiles with yajl's tree API, following Go
 * encoding/json's rules (case-insensitive keys, unknown keys ignored, null
 * means absent, wrong types are errors) and rejecting early what a runtime
 * would reject later. Every message names the place in the document.
 */
#include "ward/profile.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yajl/yajl_parse.h>
#include <yajl/yajl_tree.h>

#include "ward/cleanup.h"
#include "ward/json.h"
#include "ward/util.h"

#define ARG_INDEX_MAX 5
/* SECCOMP_RET_DATA is 16 bits and libseccomp masks larger values silently, so
 * errnoRet 65536 would turn into errno 0, a fake success: refuse it instead */
#define ERRNO_RET_MAX 65535
#define PATH_LEN      128

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- names ---------------------------------------------------------------- */

static const struct {
	const char *name;
	enum prof_action action;
} action_names[] = {
    {"SCMP_ACT_KILL", PROF_ACT_KILL_THREAD},
    {"SCMP_ACT_KILL_THREAD", PROF_ACT_KILL_THREAD},
    {"SCMP_ACT_KILL_PROCESS", PROF_ACT_KILL_PROCESS},
    {"SCMP_ACT_TRAP", PROF_ACT_TRAP},
    {"SCMP_ACT_ERRNO", PROF_ACT_ERRNO},
    {"SCMP_ACT_TRACE", PROF_ACT_TRACE},
    {"SCMP_ACT_ALLOW", PROF_ACT_ALLOW},
    {"SCMP_ACT_LOG", PROF_ACT_LOG},
    {"SCMP_ACT_NOTIFY", PROF_ACT_NOTIFY},
};

static const struct {
	const char *name;
	enum prof_flag flag;
} flag_names[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", PROF_FLAG_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", PROF_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", PROF_FLAG_SPEC_ALLOW},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", PROF_FLAG_WAIT_KILLABLE_RECV},
};

/*
 * Capability numbers by name. Docker compares the names in includes/excludes as
 * exact, case-sensitive strings against the bounding set, so this table does the
 * same rather than libcap's cap_from_name(), which ignores case.
 */
static bool takes_errno(enum prof_action a)
{
	return a == PROF_ACT_ERRNO || a == PROF_ACT_TRACE;
}

/* A decimal number 0..255 made of digits only, as Go's ParseUint(s, 10, 8). */
/* ---- JSON access ---------------------------------------------------------- */

/* "a.b", "b" at the top level */
/* (a path longer than PATH_LEN is cut: it only names a place in messages) */
static void path_key(char *buf, const char *base, const char *key)
{
	if (snprintf(buf, PATH_LEN, "%s%s%s", base, base[0] ? "." : "", key) >= PATH_LEN)
		buf[PATH_LEN - 1] = '\0';
}

static void path_index(char *buf, const char *base, size_t i)
{
	if (snprintf(buf, PATH_LEN, "%s[%zu]", base, i) >= PATH_LEN)
		buf[PATH_LEN - 1] = '\0';
}

static int type_error(const char *path, const char *want, yajl_val v, struct ward_err *err)
{
	return err_set(err, 0, "%s: expected %s, got %s", path, want, json_type_name(v));
}

/* @key of @obj as a string; *out stays NULL when absent */
static int get_string(yajl_val obj, const char *base, const char *key, const char **out,
		      struct ward_err *err)
{
	yajl_val v = json_get_nocase(obj, key);
	char path[PATH_LEN];

	*out = NULL;
	if (!v)
		return 0;
	if (!YAJL_IS_STRING(v)) {
		path_key(path, base, key);
		return type_error(path, "a string", v, err);
	}
	*out = v->u.string;
	return 0;
}

/* like get_string(), but an empty string counts as absent (Go's zero value) */
static int get_nonempty(yajl_val obj, const char *base, const char *key, const char **out,
			struct ward_err *err)
{
	int r = get_string(obj, base, key, out, err);

	if (r == 0 && *out && !(*out)[0])
		*out = NULL;
	return r;
}

/* @key of @obj as an unsigned integer up to @max; *present tells if it was there */
static int get_uint(yajl_val obj, const char *base, const char *key, uint64_t max, uint64_t *out,
		    bool *present, struct ward_err *err)
{
	yajl_val v = json_get_nocase(obj, key);
	char path[PATH_LEN];
	const char *raw;
	uint64_t n;

	*present = false;
	if (!v)
		return 0;
	path_key(path, base, key);
	if (!YAJL_IS_NUMBER(v))
		return type_error(path, "an unsigned integer", v, err);
	raw = YAJL_GET_NUMBER(v);
	if (strspn(raw, "0123456789") != strlen(raw))
		return err_set(err, 0, "%s: expected an unsigned integer, got %s", path, raw);
	if (!parse_u64(raw, max, &n))
		return err_set(err, 0, "%s: %s is out of range (0 to %" PRIu64 ")", path, raw, max);
	*out = n;
	*present = true;
	return 0;
}

/* @key of @obj as a NULL-terminated array of strings; null or absent is empty */
static int get_strv(yajl_val obj, const char *base, const char *key, char ***out, size_t *n,
		    struct ward_err *err)
{
	yajl_val v = json_get_nocase(obj, key);
	struct strv sv = {0};
	char path[PATH_LEN], epath[PATH_LEN];

	*out = NULL;
	*n = 0;
	if (!v)
		return 0;
	path_key(path, base, key);
	if (!YAJL_IS_ARRAY(v))
		return type_error(path, "an array of strings", v, err);
	for (size_t i = 0; i < v->u.array.len; i++) {
		yajl_val e = json_elem(v, i);

		if (!YAJL_IS_STRING(e)) {
			strv_release(&sv);
			path_index(epath, path, i);
			return type_error(epath, "a string", e, err);
		}
		strv_push(&sv, e->u.string);
	}
	*out = sv.v;
	*n = sv.n;
	return 0;
}

static int get_object(yajl_val obj, const char *base, const char *key, yajl_val *out,
		      struct ward_err *err)
{
	yajl_val v = json_get_nocase(obj, key);
	char path[PATH_LEN];

	*out = v;
	if (v && !YAJL_IS_OBJECT(v)) {
		path_key(path, base, key);
		return type_error(path, "an object", v, err);
	}
	return 0;
}

static int get_array(yajl_val obj, const char *base, const char *key, yajl_val *out,
		     struct ward_err *err)
{
	yajl_val v = json_get_nocase(obj, key);
	char path[PATH_LEN];

	*out = v;
	if (v && !YAJL_IS_ARRAY(v)) {
		path_key(path, base, key);
		return type_error(path, "an array", v, err);
	}
	return 0;
}

/* ---- profile pieces ------------------------------------------------------- */

static int parse_action(const char *s, const char *path, enum prof_action *out,
			struct ward_err *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(action_names); i++) {
		if (strcmp(action_names[i].name, s) == 0) {
			*out = action_names[i].action;
			return 0;
		}
	}
	return err_set(err, 0, "%s: unknown action '%s'", path, s);
}

/*
 * errnoRet (a number) and Podman's errno (a name, which wins when non-empty).
 * @num_key and @name_key are "errnoRet"/"errno" or the default* pair.
 */
static int parse_errno(yajl_val obj, const char *base, const char *num_key, const char *name_key,
		       bool *has, uint32_t *value, const char **which, struct ward_err *err)
{
	const char *name = NULL;
	char path[PATH_LEN];
	uint64_t n = 0;
	int r;

	r = get_uint(obj, base, num_key, ERRNO_RET_MAX, &n, has, err);
	if (r < 0)
		return r;
	*value = (uint32_t)n;
	*which = num_key;
	r = get_nonempty(obj, base, name_key, &name, err);
	if (r < 0)
		return r;
	if (name) {
		int e = errno_from_name(name);

		if (e < 0) {
			path_key(path, base, name_key);
			return err_set(err, 0, "%s: unknown errno name '%s'", path, name);
		}
		*has = true;
		*value = (uint32_t)e;
		*which = name_key;
	}
	return 0;
}

static int parse_filter(yajl_val obj, const char *base, const char *key, struct prof_filter *f,
			struct ward_err *err)
{
	char path[PATH_LEN], kpath[PATH_LEN];
	const char *mk = NULL;
	yajl_val v;
	int r;

	r = get_object(obj, base, key, &v, err);
	if (r < 0 || !v)
		return r;
	path_key(path, base, key);
	r = get_strv(v, path, "caps", &f->caps, &f->ncaps, err);
	if (r < 0)
		return r;
	r = get_strv(v, path, "arches", &f->arches, &f->narches, err);
	if (r < 0)
		return r;
	r = get_string(v, path, "minKernel", &mk, err);
	if (r < 0 || !mk)
		return r;
	/* Docker: "" parses as unset yet leaves a non-nil pointer, which then
	 * compares as 0.0, i.e. any kernel satisfies it */
	f->has_min_kernel = true;
	if (!mk[0])
		return 0;
	if (prof_parse_kernel_version(mk, &f->min_kernel_major, &f->min_kernel_minor) < 0) {
		path_key(kpath, path, "minKernel");
		return err_set(err, 0, "%s: invalid kernel version '%s'", kpath, mk);
	}
	return 0;
}

static int parse_arg(yajl_val v, const char *path, struct prof_arg *a, struct ward_err *err)
{
	const char *op = NULL;
	char kpath[PATH_LEN];
	uint64_t n = 0;
	bool present;
	size_t i;
	int r;

	if (!YAJL_IS_OBJECT(v))
		return type_error(path, "an object", v, err);
	r = get_uint(v, path, "index", ARG_INDEX_MAX, &n, &present, err);
	if (r < 0)
		return r;
	a->index = (unsigned int)n;
	r = get_uint(v, path, "value", UINT64_MAX, &a->value, &present, err);
	if (r < 0)
		return r;
	r = get_uint(v, path, "valueTwo", UINT64_MAX, &a->value_two, &present, err);
	if (r < 0)
		return r;
	r = get_string(v, path, "op", &op, err);
	if (r < 0)
		return r;
	if (!op)
		return err_set(err, 0, "%s: missing 'op'", path);
	for (i = 0; i <= PROF_OP_MASKED_EQ; i++)
		if (strcmp(prof_op_name((enum prof_op)i), op) == 0)
			break;
	if (i > PROF_OP_MASKED_EQ) {
		path_key(kpath, path, "op");
		return err_set(err, 0, "%s: unknown operator '%s'", kpath, op);
	}
	a->op = (enum prof_op)i;
	return 0;
}

static int parse_names(yajl_val v, const char *path, struct prof_rule *r, struct ward_err *err)
{
	const char *name = NULL;
	char epath[PATH_LEN];
	int ret;

	ret = get_strv(v, path, "names", &r->names, &r->nnames, err);
	if (ret < 0)
		return ret;
	ret = get_nonempty(v, path, "name", &name, err);
	if (ret < 0)
		return ret;
	if (name && r->nnames)
		return err_set(err, 0, "%s: both 'name' and 'names' are set", path);
	if (name) {
		r->names = xcalloc(2, sizeof(*r->names));
		r->names[0] = xstrdup(name);
		r->nnames = 1;
	}
	if (!r->nnames)
		return err_set(
		    err, 0, "%s: no syscall names ('names' is empty and 'name' is not set)", path);
	for (size_t i = 0; i < r->nnames; i++) {
		if (!r->names[i][0]) {
			char npath[PATH_LEN];

			path_key(npath, path, "names");
			path_index(epath, npath, i);
			return err_set(err, 0, "%s: empty syscall name", epath);
		}
	}
	return 0;
}

static int parse_rule(yajl_val v, size_t idx, bool has_listener, struct prof_rule *r,
		      struct ward_err *err)
{
	char path[PATH_LEN], kpath[PATH_LEN];
	const char *action = NULL, *comment = NULL, *which = NULL;
	yajl_val args;
	int ret;

	path_index(path, "syscalls", idx);
	r->position = idx;
	r->errno_ret = EPERM; /* what runtimes use when errnoRet is absent */
	if (!YAJL_IS_OBJECT(v))
		return type_error(path, "an object", v, err);
	ret = parse_names(v, path, r, err);
	if (ret < 0)
		return ret;
	ret = get_string(v, path, "action", &action, err);
	if (ret < 0)
		return ret;
	if (!action)
		return err_set(err, 0, "%s: missing 'action'", path);
	path_key(kpath, path, "action");
	ret = parse_action(action, kpath, &r->action, err);
	if (ret < 0)
		return ret;
	ret = parse_errno(v, path, "errnoRet", "errno", &r->has_errno_ret, &r->errno_ret, &which,
			  err);
	if (ret < 0)
		return ret;
	if (!r->has_errno_ret)
		r->errno_ret = EPERM;
	else if (!takes_errno(r->action))
		/* crun refuses this; runc ignores it silently */
		return err_set(err, 0,
			       "%s: '%s' is set but action %s takes no errno (only SCMP_ACT_ERRNO "
			       "and SCMP_ACT_TRACE do)",
			       path, which, action);
	if (r->action == PROF_ACT_NOTIFY) {
		if (!has_listener)
			return err_set(err, 0, "%s: action SCMP_ACT_NOTIFY needs 'listenerPath'",
				       path);
		/* runc's rule: the runtime itself needs write() to hand over the fd */
		for (size_t i = 0; i < r->nnames; i++)
			if (strcmp(r->names[i], "write") == 0)
				return err_set(
				    err, 0, "%s: action SCMP_ACT_NOTIFY cannot be used on 'write'",
				    path);
	}
	ret = get_array(v, path, "args", &args, err);
	if (ret < 0)
		return ret;
	if (args && args->u.array.len) {
		char apath[PATH_LEN], epath[PATH_LEN];

		path_key(apath, path, "args");
		r->args = xcalloc(args->u.array.len, sizeof(*r->args));
		r->nargs = args->u.array.len;
		for (size_t i = 0; i < r->nargs; i++) {
			path_index(epath, apath, i);
			ret = parse_arg(json_elem(args, i), epath, &r->args[i], err);
			if (ret < 0)
				return ret;
		}
	}
	ret = get_nonempty(v, path, "comment", &comment, err);
	if (ret < 0)
		return ret;
	if (comment)
		r->comment = xstrdup(comment);
	ret = parse_filter(v, path, "includes", &r->includes, err);
	if (ret < 0)
		return ret;
	return parse_filter(v, path, "excludes", &r->excludes, err);
}

static int parse_arch_map(yajl_val root, struct profile *p, struct ward_err *err)
{
	char path[PATH_LEN];
	yajl_val am;
	int r;

	r = get_array(root, "", "archMap", &am, err);
	if (r < 0 || !am || !am->u.array.len)
		return r;
	p->arch_map = xcalloc(am->u.array.len, sizeof(*p->arch_map));
	p->narch_map = am->u.array.len;
	for (size_t i = 0; i < p->narch_map; i++) {
		yajl_val e = json_elem(am, i);
		struct prof_arch_map *m = &p->arch_map[i];
		const char *arch = NULL;

		path_index(path, "archMap", i);
		if (!YAJL_IS_OBJECT(e))
			return type_error(path, "an object", e, err);
		r = get_nonempty(e, path, "architecture", &arch, err);
		if (r < 0)
			return r;
		if (!arch)
			return err_set(err, 0, "%s: missing 'architecture'", path);
		m->architecture = xstrdup(arch);
		r = get_strv(e, path, "subArchitectures", &m->sub_architectures, &m->nsub, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int parse_flags(yajl_val root, struct profile *p, struct ward_err *err)
{
	char path[PATH_LEN];
	yajl_val fl;
	int r;

	r = get_array(root, "", "flags", &fl, err);
	if (r < 0 || !fl)
		return r;
	/* present, even empty: an explicit [] means "no flags", absent means the default */
	p->has_flags = true;
	for (size_t i = 0; i < fl->u.array.len; i++) {
		yajl_val e = json_elem(fl, i);
		size_t j;

		path_index(path, "flags", i);
		if (!YAJL_IS_STRING(e))
			return type_error(path, "a string", e, err);
		for (j = 0; j < ARRAY_SIZE(flag_names); j++)
			if (strcmp(flag_names[j].name, e->u.string) == 0)
				break;
		if (j == ARRAY_SIZE(flag_names))
			return err_set(err, 0, "%s: unknown flag '%s'", path, e->u.string);
		p->flags |= (unsigned int)flag_names[j].flag;
	}
	return 0;
}

static int parse_top(yajl_val root, struct profile *p, struct ward_err *err)
{
	const char *s = NULL, *which = NULL;
	yajl_val sc;
	int r;

	if (!YAJL_IS_OBJECT(root))
		return err_set(err, 0, "expected a JSON object at the top level, got %s",
			       json_type_name(root));
	r = get_nonempty(root, "", "defaultAction", &s, err);
	if (r < 0)
		return r;
	if (s) {
		r = parse_action(s, "defaultAction", &p->default_action, err);
		if (r < 0)
			return r;
		if (p->default_action == PROF_ACT_NOTIFY)
			return err_set(
			    err, 0, "defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
		p->has_default_action = true;
	}
	r = parse_errno(root, "", "defaultErrnoRet", "defaultErrno", &p->has_default_errno,
			&p->default_errno, &which, err);
	if (r < 0)
		return r;
	if (p->has_default_errno && p->has_default_action && !takes_errno(p->default_action))
		return err_set(err, 0,
			       "'%s' is set but default action %s takes no errno (only "
			       "SCMP_ACT_ERRNO and SCMP_ACT_TRACE do)",
			       which, s);
	if (!p->has_default_errno)
		p->default_errno = EPERM;
	r = get_strv(root, "", "architectures", &p->architectures, &p->narchitectures, err);
	if (r < 0)
		return r;
	r = parse_arch_map(root, p, err);
	if (r < 0)
		return r;
	if (p->narchitectures && p->narch_map)
		return err_set(err, 0, "both 'architectures' and 'archMap' are set");
	r = parse_flags(root, p, err);
	if (r < 0)
		return r;
	r = get_nonempty(root, "", "listenerPath", &s, err);
	if (r < 0)
		return r;
	if (s)
		p->listener_path = xstrdup(s);
	r = get_nonempty(root, "", "listenerMetadata", &s, err);
	if (r < 0)
		return r;
	if (s)
		p->listener_metadata = xstrdup(s);
	if (p->listener_metadata && !p->listener_path)
		return err_set(err, 0, "'listenerMetadata' is set but 'listenerPath' is not");
	r = get_array(root, "", "syscalls", &sc, err);
	if (r < 0 || !sc || !sc->u.array.len)
		return r;
	if (!p->has_default_action)
		return err_set(err, 0, "'syscalls' is set but 'defaultAction' is not");
	p->rules = xcalloc(sc->u.array.len, sizeof(*p->rules));
	p->nrules = sc->u.array.len;
	for (size_t i = 0; i < p->nrules; i++) {
		r = parse_rule(json_elem(sc, i), i, p->listener_path != NULL, &p->rules[i], err);
		if (r < 0)
			return r;
	}
	return 0;
}

int profile_parse(const char *json, size_t len, struct profile **out, struct ward_err *err)
{
	cleanup_json_tree yajl_val root = NULL;
	cleanup_profile struct profile *p = NULL;
	cleanup_free char *text = NULL;
	char yerr[256];
	size_t i;
	int r;

	*out = NULL;
	if (!json)
		len = 0;
	for (i = 0; i < len && strchr(" \t\r\n", json[i]) && json[i]; i++)
		;
	if (i == len)
		return err_set(err, 0, "not valid JSON: empty input");
	/* strict syntax first (yajl_tree_parse() allows comments), no NUL in a string */
	r = json_check(json, len, JSON_MAX_DEPTH, err);
	if (r == -EINVAL)
		return err_prefix(err, "not valid JSON");
	if (r < 0)
		return r;
	text = xmalloc(len + 1);
	memcpy(text, json, len);
	text[len] = '\0';
	root = yajl_tree_parse(text, yerr, sizeof(yerr));
	if (!root) {
		yerr[strcspn(yerr, "\n")] = '\0';
		return err_set(err, 0, "not valid JSON: %s", yerr);
	}
	p = xcalloc(1, sizeof(*p));
	r = parse_top(root, p, err);
	if (r < 0)
		return r;
	*out = steal_ptr(&p);
	return 0;
}
