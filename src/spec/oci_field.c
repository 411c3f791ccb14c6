/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * oci_field.c - the accessors config.json's section parsers read fields with:
 * the JSON type checked, the error naming the field ("process.cwd: must be a
 * string"); absent and null are the same.
 */
#include "ward/oci_parse.h"

#include <errno.h>
#include <stdio.h>

#include "ward/json.h"

int oci_bad(struct ward_err *err, const char *field, const char *what)
{
	return err_set(err, 0, "%s: %s", field, what);
}

/* "mounts[2].source" */
const char *oci_field_at(char *buf, const char *base, size_t i, const char *key)
{
	int n = key ? snprintf(buf, OCI_FIELD_MAX, "%s[%zu].%s", base, i, key)
		    : snprintf(buf, OCI_FIELD_MAX, "%s[%zu]", base, i);

	if (n >= OCI_FIELD_MAX) /* a field name only names a place in messages: cut it */
		buf[OCI_FIELD_MAX - 1] = '\0';
	return buf;
}

int oci_get_string(yajl_val obj, const char *key, const char *field, const char **out,
		   struct ward_err *err)
{
	yajl_val v = json_get(obj, key);

	*out = NULL;
	if (!v)
		return 0;
	if (!YAJL_IS_STRING(v))
		return oci_bad(err, field, "must be a string");
	*out = v->u.string;
	return 0;
}

int oci_get_bool(yajl_val obj, const char *key, const char *field, bool *out, struct ward_err *err)
{
	yajl_val v = json_get(obj, key);

	if (!v)
		return 0;
	if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v))
		return oci_bad(err, field, "must be a boolean");
	*out = YAJL_IS_TRUE(v);
	return 0;
}

int oci_get_int(yajl_val obj, const char *key, const char *field, long long min, long long max,
		long long *out, bool *set, struct ward_err *err)
{
	yajl_val v = json_get(obj, key);

	if (set)
		*set = false;
	if (!v)
		return 0;
	if (!YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < min || YAJL_GET_INTEGER(v) > max)
		return err_set(err, 0, "%s: must be an integer from %lld to %lld", field, min, max);
	*out = YAJL_GET_INTEGER(v);
	if (set)
		*set = true;
	return 0;
}

/* yajl keeps the text of every number: a value above INT64_MAX is read from it */
int oci_get_u64(yajl_val obj, const char *key, const char *field, uint64_t *out,
		struct ward_err *err)
{
	yajl_val v = json_get(obj, key);

	if (!v || !YAJL_IS_NUMBER(v) || !v->u.number.r ||
	    !parse_u64(v->u.number.r, UINT64_MAX, out))
		return oci_bad(err, field, "must be a non-negative integer");
	return 0;
}

int oci_get_strv(yajl_val obj, const char *key, const char *field, struct strv *sv,
		 struct ward_err *err)
{
	yajl_val v = json_get(obj, key);

	if (!v)
		return 0;
	if (!YAJL_IS_ARRAY(v))
		return oci_bad(err, field, "must be an array of strings");
	for (size_t i = 0; i < json_len(v); i++) {
		if (!YAJL_IS_STRING(json_elem(v, i)))
			return oci_bad(err, field, "must be an array of strings");
		strv_push(sv, json_elem(v, i)->u.string);
	}
	return 0;
}

int oci_get_type(yajl_val entry, const char *base, size_t i, char *field, const char **type,
		 struct ward_err *err)
{
	if (!YAJL_IS_OBJECT(entry))
		return oci_bad(err, oci_field_at(field, base, i, NULL), "must be an object");
	if (oci_get_string(entry, "type", oci_field_at(field, base, i, "type"), type, err) < 0)
		return -EINVAL;
	if (!*type)
		return oci_bad(err, field, "is required");
	return 0;
}

int oci_check_object(yajl_val v, const char *field, struct ward_err *err)
{
	if (v && !YAJL_IS_OBJECT(v))
		return oci_bad(err, field, "must be an object");
	return 0;
}

char *oci_bundle_path(const char *bundle, const char *path)
{
	if (path[0] == '/')
		return xstrdup(path);
	return xasprintf("%s/%s", bundle, path);
}
