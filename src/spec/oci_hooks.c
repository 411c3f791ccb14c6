/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * oci_hooks.c - config.json's "hooks" (each kind's list of programs, which must
 * exist and be executable now) and "annotations".
 */
#include "ward/oci_parse.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "ward/json.h"
#include "ward/oci.h"

static const char *const hook_names[SPEC_NR_HOOKS] = {
    [SPEC_HOOK_PRESTART] = "prestart",
    [SPEC_HOOK_CREATE_RUNTIME] = "createRuntime",
    [SPEC_HOOK_CREATE_CONTAINER] = "createContainer",
    [SPEC_HOOK_START_CONTAINER] = "startContainer",
    [SPEC_HOOK_POSTSTART] = "poststart",
    [SPEC_HOOK_POSTSTOP] = "poststop",
};

const char *oci_hook_name(enum spec_hook_kind kind)
{
	return kind < SPEC_NR_HOOKS ? hook_names[kind] : "?";
}

int oci_hooks_parse(yajl_val hooks, struct spec_oci *o, struct ward_err *err)
{
	char base[OCI_FIELD_MAX], field[OCI_FIELD_MAX];

	if (!hooks)
		return 0;
	if (!YAJL_IS_OBJECT(hooks))
		return oci_bad(err, "hooks", "must be an object");
	for (int k = 0; k < SPEC_NR_HOOKS; k++) {
		yajl_val list = json_get(hooks, hook_names[k]);

		(void)snprintf(base, sizeof(base), "hooks.%s", hook_names[k]);
		if (!list)
			continue;
		if (!YAJL_IS_ARRAY(list))
			return oci_bad(err, base, "must be an array");
		o->hooks[k] = xcalloc(json_len(list) + 1, sizeof(struct spec_hook));
		for (size_t i = 0; i < json_len(list); i++) {
			struct spec_hook *h = &o->hooks[k][o->nhooks[k]];
			yajl_val hv = json_elem(list, i);
			const char *path = NULL;
			long long t = 0;

			if (!YAJL_IS_OBJECT(hv))
				return oci_bad(err, oci_field_at(field, base, i, NULL),
					       "must be an object");
			o->nhooks[k]++; /* owned from here, for spec_release() */
			if (oci_get_string(hv, "path", oci_field_at(field, base, i, "path"), &path,
					   err) < 0)
				return -EINVAL;
			if (!path || path[0] != '/')
				return oci_bad(err, field, "must be an absolute path");
			/* a startContainer hook runs in the container: its path is resolved
			 * there, when it runs (runtime spec) */
			if (k != SPEC_HOOK_START_CONTAINER && access(path, X_OK) < 0)
				return err_set(err, errno, "%s: '%s'", field, path);
			h->path = xstrdup(path);
			if (oci_get_strv(hv, "args", oci_field_at(field, base, i, "args"), &h->args,
					 err) < 0 ||
			    oci_get_strv(hv, "env", oci_field_at(field, base, i, "env"), &h->env,
					 err) < 0 ||
			    oci_get_int(hv, "timeout", oci_field_at(field, base, i, "timeout"), 1,
					INT32_MAX, &t, NULL, err) < 0)
				return -EINVAL;
			if (!h->args.n)
				strv_push(&h->args, path);
			h->timeout = (int)t;
		}
	}
	return 0;
}

int oci_annotations_parse(yajl_val v, struct spec_oci *o, struct ward_err *err)
{
	if (!v)
		return 0;
	if (!YAJL_IS_OBJECT(v))
		return oci_bad(err, "annotations", "must be an object of strings");
	for (size_t i = 0; i < v->u.object.len; i++) {
		if (!YAJL_IS_STRING(v->u.object.values[i]))
			return err_set(err, 0, "annotations: '%s' must be a string",
				       v->u.object.keys[i]);
		strv_push(&o->annotations, v->u.object.keys[i]);
		strv_push(&o->annotations, v->u.object.values[i]->u.string);
	}
	return 0;
}
