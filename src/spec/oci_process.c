/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * oci_process.c - config.json's "process" (also `ward exec --process FILE`):
 * args, env, cwd, user, terminal, oomScoreAdj, rlimits and the capability sets
 * (ioPriority, scheduler and execCPUAffinity: oci_sched.c).
 */
#include "ward/oci_parse.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "ward/caps.h"
#include "ward/json.h"
#include "ward/oci.h"

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
};

const char *oci_rlimit_name(int resource)
{
	for (size_t i = 0; i < sizeof(rlimit_names) / sizeof(rlimit_names[0]); i++)
		if (rlimit_names[i].resource == resource)
			return rlimit_names[i].name;
	return "RLIMIT_?";
}

static int parse_rlimits(yajl_val process, struct spec_oci *o, struct ward_err *err)
{
	yajl_val v = json_get(process, "rlimits");
	char field[OCI_FIELD_MAX];

	if (!v)
		return 0;
	if (!YAJL_IS_ARRAY(v))
		return oci_bad(err, "process.rlimits", "must be an array");
	o->rlimits = xcalloc(json_len(v) + 1, sizeof(*o->rlimits));
	for (size_t i = 0; i < json_len(v); i++) {
		yajl_val rl = json_elem(v, i);
		struct spec_rlimit *r = &o->rlimits[o->nrlimits];
		const char *type = NULL;
		size_t k, n = sizeof(rlimit_names) / sizeof(rlimit_names[0]);

		if (oci_get_type(rl, "process.rlimits", i, field, &type, err) < 0)
			return -EINVAL;
		for (k = 0; k < n; k++)
			if (strcmp(type, rlimit_names[k].name) == 0)
				break;
		if (k == n)
			return err_set(err, 0, "%s: unknown rlimit '%s'", field, type);
		for (size_t j = 0; j < o->nrlimits; j++)
			if (o->rlimits[j].resource == rlimit_names[k].resource)
				return err_set(err, 0, "%s: rlimit '%s' given twice", field, type);
		r->resource = rlimit_names[k].resource;
		if (oci_get_u64(rl, "soft", oci_field_at(field, "process.rlimits", i, "soft"),
				&r->soft, err) < 0 ||
		    oci_get_u64(rl, "hard", oci_field_at(field, "process.rlimits", i, "hard"),
				&r->hard, err) < 0)
			return -EINVAL;
		if (r->soft > r->hard)
			return err_set(err, 0,
				       "process.rlimits[%zu]: soft limit above the hard limit", i);
		o->nrlimits++;
	}
	return 0;
}

static int parse_capset(yajl_val caps, const char *key, uint64_t *out, struct ward_err *err)
{
	char field[OCI_FIELD_MAX];
	yajl_val v = json_get(caps, key);

	*out = 0;
	(void)snprintf(field, sizeof(field), "process.capabilities.%s", key);
	if (!v)
		return 0;
	if (!YAJL_IS_ARRAY(v))
		return oci_bad(err, field, "must be an array of strings");
	for (size_t i = 0; i < json_len(v); i++) {
		const char *name;
		int c;

		if (!YAJL_IS_STRING(json_elem(v, i)))
			return oci_bad(err, field, "must be an array of strings");
		name = json_elem(v, i)->u.string;
		/* the spec's names are exact: CAP_ and upper case */
		c = str_has_prefix(name, "CAP_") ? caps_from_name(name) : -1;
		if (c < 0 || strcmp(caps_name(c), name) != 0)
			return err_set(err, 0, "%s: unknown capability '%s'", field, name);
		*out |= 1ULL << c;
	}
	return 0;
}

/*
 * The kernel's rules between the sets, checked here so a bad config names its
 * field (capset would refuse them). An ambient capability that is not both
 * permitted and inheritable is left to the launcher, which skips it as runc
 * and crun do.
 */
static int check_capsets(const struct container_spec *spec, struct ward_err *err)
{
	const struct spec_oci *o = &spec->oci;
	static const char *const base = "process.capabilities";
	uint64_t bad_eff = o->caps_effective & ~o->caps_permitted;
	uint64_t bad_inh = o->caps_inheritable & ~spec->caps;

	if (bad_eff)
		return err_set(err, 0, "%s.effective: '%s' is not in the permitted set", base,
			       caps_name(__builtin_ctzll(bad_eff)));
	if (bad_inh)
		return err_set(err, 0, "%s.inheritable: '%s' is not in the bounding set", base,
			       caps_name(__builtin_ctzll(bad_inh)));
	return 0;
}

static int parse_user(yajl_val process, struct container_spec *spec, struct ward_err *err)
{
	yajl_val user = json_get(process, "user"), groups;
	long long v = 0;
	bool set = false;

	if (!user || !YAJL_IS_OBJECT(user))
		return oci_bad(err, "process.user", "must be an object with uid and gid");
	if (oci_get_int(user, "uid", "process.user.uid", 0, UINT32_MAX - 1, &v, &set, err) < 0)
		return -EINVAL;
	if (!set)
		return oci_bad(err, "process.user.uid", "is required");
	spec->uid = (uid_t)v;
	if (oci_get_int(user, "gid", "process.user.gid", 0, UINT32_MAX - 1, &v, &set, err) < 0)
		return -EINVAL;
	if (!set)
		return oci_bad(err, "process.user.gid", "is required");
	spec->gid = (gid_t)v;
	if (oci_get_int(user, "umask", "process.user.umask", 0, 0777, &v, &spec->oci.umask_set,
			err) < 0)
		return -EINVAL;
	spec->oci.umask = (mode_t)v;
	if (json_get(user, "username"))
		return oci_bad(err, "process.user.username", "is for Windows containers");
	groups = json_get(user, "additionalGids");
	if (!groups)
		return 0;
	if (!YAJL_IS_ARRAY(groups))
		return oci_bad(err, "process.user.additionalGids", "must be an array of integers");
	spec->groups = xcalloc(json_len(groups) + 1, sizeof(gid_t));
	for (size_t i = 0; i < json_len(groups); i++) {
		yajl_val g = json_elem(groups, i);

		if (!YAJL_IS_INTEGER(g) || YAJL_GET_INTEGER(g) < 0 ||
		    YAJL_GET_INTEGER(g) > (long long)UINT32_MAX - 1)
			return oci_bad(err, "process.user.additionalGids",
				       "must be an array of integers");
		spec->groups[spec->ngroups++] = (gid_t)YAJL_GET_INTEGER(g);
	}
	return 0;
}

int oci_process_parse(yajl_val process, struct container_spec *spec, struct ward_err *err)
{
	yajl_val args, caps;
	const char *cwd = NULL;
	long long v = 0;

	if (!process)
		return oci_bad(err, "process", "is required");
	if (!YAJL_IS_OBJECT(process))
		return oci_bad(err, "process", "must be an object");
	args = json_get(process, "args");
	if (!args || !YAJL_IS_ARRAY(args) || json_len(args) == 0)
		return oci_bad(err, "process.args", "must be a non-empty array of strings");
	for (size_t i = 0; i < json_len(args); i++) {
		if (!YAJL_IS_STRING(json_elem(args, i)))
			return oci_bad(err, "process.args", "must be a non-empty array of strings");
		strv_push(&spec->argv, json_elem(args, i)->u.string);
	}
	if (!spec->argv.v[0][0])
		return oci_bad(err, "process.args", "the command is an empty string");
	if (oci_get_strv(process, "env", "process.env", &spec->env, err) < 0)
		return -EINVAL;
	for (size_t i = 0; i < spec->env.n; i++)
		if (!strchr(spec->env.v[i], '=') || spec->env.v[i][0] == '=')
			return err_set(err, 0, "process.env: '%s' is not KEY=VALUE",
				       spec->env.v[i]);
	if (oci_get_string(process, "cwd", "process.cwd", &cwd, err) < 0)
		return -EINVAL;
	if (!cwd || cwd[0] != '/')
		return oci_bad(err, "process.cwd", "must be an absolute path");
	spec->cwd = xstrdup(cwd);
	if (oci_get_bool(process, "terminal", "process.terminal", &spec->oci.terminal, err) < 0 ||
	    oci_get_bool(process, "noNewPrivileges", "process.noNewPrivileges", &spec->no_new_privs,
			 err) < 0)
		return -EINVAL;
	if (oci_get_int(process, "oomScoreAdj", "process.oomScoreAdj", -1000, 1000, &v,
			&spec->oci.oom_score_adj_set, err) < 0)
		return -EINVAL;
	spec->oci.oom_score_adj = (int)v;
	if (parse_user(process, spec, err) < 0 || parse_rlimits(process, &spec->oci, err) < 0 ||
	    oci_sched_parse(process, &spec->oci.sched, err) < 0)
		return -EINVAL;
	caps = json_get(process, "capabilities");
	if (oci_check_object(caps, "process.capabilities", err) < 0)
		return -EINVAL;
	if (parse_capset(caps, "bounding", &spec->caps, err) < 0 ||
	    parse_capset(caps, "effective", &spec->oci.caps_effective, err) < 0 ||
	    parse_capset(caps, "permitted", &spec->oci.caps_permitted, err) < 0 ||
	    parse_capset(caps, "inheritable", &spec->oci.caps_inheritable, err) < 0 ||
	    parse_capset(caps, "ambient", &spec->oci.caps_ambient, err) < 0)
		return -EINVAL;
	return check_capsets(spec, err);
}

/* Raising a hard limit needs CAP_SYS_RESOURCE, which ward may lack even as root. */
int oci_check_rlimits(const struct spec_oci *o, struct ward_err *err)
{
	bool can_raise = caps_have(CAP_SYS_RESOURCE);

	for (size_t i = 0; i < o->nrlimits; i++) {
		const struct spec_rlimit *rl = &o->rlimits[i];
		struct rlimit cur;

		if (getrlimit(rl->resource, &cur) < 0)
			return err_set(err, errno, "config.json: process.rlimits: cannot read %s",
				       oci_rlimit_name(rl->resource));
		if (rl->hard > cur.rlim_max && !can_raise)
			return err_set(err, 0,
				       "config.json: process.rlimits: %s: the hard limit %llu is "
				       "above ward's own (%llu), and raising it needs "
				       "CAP_SYS_RESOURCE",
				       oci_rlimit_name(rl->resource), (unsigned long long)rl->hard,
				       (unsigned long long)cur.rlim_max);
	}
	return 0;
}
