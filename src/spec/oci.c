/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * oci.c - config.json -> struct container_spec, with yajl's tree API; and the
 * documents ward writes for `ward spec` and `ward features`.
 *
 * Every field is checked for its JSON type and its meaning here, in the
 * parent, before anything is created. The standard mounts (/proc, /dev,
 * /dev/pts, /dev/shm, /dev/mqueue, /sys, /sys/fs/cgroup) are what ward's mount
 * module sets up anyway, so they are recognised and not mounted twice.
 */
#include "ward/oci.h"

#include <errno.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "ward/caps.h"
#include "ward/cleanup.h"
#include "ward/json.h"
#include "ward/mount.h"
#include "ward/profile.h"
#include "ward/ns.h"
#include "ward/util.h"

#define FIELD_MAX 128

static void tree_freep(yajl_val *v)
{
	yajl_tree_free(*v);
}

static void gen_freep(yajl_gen *g)
{
	if (*g)
		yajl_gen_free(*g);
}

/* The value of @key in @obj, or NULL when absent or null; the last one wins. */
static yajl_val get(yajl_val obj, const char *key)
{
	yajl_val v = NULL;

	if (!obj || !YAJL_IS_OBJECT(obj))
		return NULL;
	for (size_t i = 0; i < obj->u.object.len; i++)
		if (strcmp(obj->u.object.keys[i], key) == 0)
			v = obj->u.object.values[i];
	return YAJL_IS_NULL(v) ? NULL : v;
}

static yajl_val elem(yajl_val a, size_t i)
{
	return a->u.array.values[i];
}

static size_t alen(yajl_val a)
{
	return a->u.array.values ? a->u.array.len : 0;
}

static int bad(struct ward_err *err, const char *field, const char *what)
{
	return err_set(err, 0, "%s: %s", field, what);
}

/* "mounts[2].source" */
static const char *field_at(char *buf, const char *base, size_t i, const char *key)
{
	int n = key ? snprintf(buf, FIELD_MAX, "%s[%zu].%s", base, i, key)
		    : snprintf(buf, FIELD_MAX, "%s[%zu]", base, i);

	if (n >= FIELD_MAX) /* a field name only names a place in messages: cut it */
		buf[FIELD_MAX - 1] = '\0';
	return buf;
}

static int get_string(yajl_val obj, const char *key, const char *field, const char **out,
		      struct ward_err *err)
{
	yajl_val v = get(obj, key);

	*out = NULL;
	if (!v)
		return 0;
	if (!YAJL_IS_STRING(v))
		return bad(err, field, "must be a string");
	*out = v->u.string;
	return 0;
}

static int get_bool(yajl_val obj, const char *key, const char *field, bool *out,
		    struct ward_err *err)
{
	yajl_val v = get(obj, key);

	if (!v)
		return 0;
	if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v))
		return bad(err, field, "must be a boolean");
	*out = YAJL_IS_TRUE(v);
	return 0;
}

/* An integer in [min, max]; *set tells whether it was there. */
static int get_int(yajl_val obj, const char *key, const char *field, long long min, long long max,
		   long long *out, bool *set, struct ward_err *err)
{
	yajl_val v = get(obj, key);

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

/* An unsigned 64-bit value (rlimits): yajl keeps the text of every number. */
static int get_u64(yajl_val obj, const char *key, const char *field, uint64_t *out,
		   struct ward_err *err)
{
	yajl_val v = get(obj, key);

	if (!v || !YAJL_IS_NUMBER(v) || !v->u.number.r ||
	    !parse_u64(v->u.number.r, UINT64_MAX, out))
		return bad(err, field, "must be a non-negative integer");
	return 0;
}

/* An array of strings appended to @sv; absent leaves it alone. */
static int get_strv(yajl_val obj, const char *key, const char *field, struct strv *sv,
		    struct ward_err *err)
{
	yajl_val v = get(obj, key);

	if (!v)
		return 0;
	if (!YAJL_IS_ARRAY(v))
		return bad(err, field, "must be an array of strings");
	for (size_t i = 0; i < alen(v); i++) {
		if (!YAJL_IS_STRING(elem(v, i)))
			return bad(err, field, "must be an array of strings");
		strv_push(sv, elem(v, i)->u.string);
	}
	return 0;
}

static int check_object(yajl_val v, const char *field, struct ward_err *err)
{
	if (v && !YAJL_IS_OBJECT(v))
		return bad(err, field, "must be an object");
	return 0;
}

/* A host path the config names: relative ones are taken from the bundle. */
static char *bundle_path(const char *bundle, const char *path)
{
	if (path[0] == '/')
		return xstrdup(path);
	return xasprintf("%s/%s", bundle, path);
}

/* ---- process ------------------------------------------------------------- */

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
	yajl_val v = get(process, "rlimits");
	char field[FIELD_MAX];

	if (!v)
		return 0;
	if (!YAJL_IS_ARRAY(v))
		return bad(err, "process.rlimits", "must be an array");
	o->rlimits = xcalloc(alen(v) + 1, sizeof(*o->rlimits));
	for (size_t i = 0; i < alen(v); i++) {
		yajl_val rl = elem(v, i);
		struct spec_rlimit *r = &o->rlimits[o->nrlimits];
		const char *type;
		size_t k, n = sizeof(rlimit_names) / sizeof(rlimit_names[0]);

		if (!YAJL_IS_OBJECT(rl))
			return bad(err, field_at(field, "process.rlimits", i, NULL),
				   "must be an object");
		if (get_string(rl, "type", field_at(field, "process.rlimits", i, "type"), &type,
			       err) < 0)
			return -EINVAL;
		if (!type)
			return bad(err, field, "is required");
		for (k = 0; k < n; k++)
			if (strcmp(type, rlimit_names[k].name) == 0)
				break;
		if (k == n)
			return err_set(err, 0, "%s: unknown rlimit '%s'", field, type);
		for (size_t j = 0; j < o->nrlimits; j++)
			if (o->rlimits[j].resource == rlimit_names[k].resource)
				return err_set(err, 0, "%s: rlimit '%s' given twice", field, type);
		r->resource = rlimit_names[k].resource;
		if (get_u64(rl, "soft", field_at(field, "process.rlimits", i, "soft"), &r->soft,
			    err) < 0 ||
		    get_u64(rl, "hard", field_at(field, "process.rlimits", i, "hard"), &r->hard,
			    err) < 0)
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
	char field[FIELD_MAX];
	yajl_val v = get(caps, key);

	*out = 0;
	(void)snprintf(field, sizeof(field), "process.capabilities.%s", key);
	if (!v)
		return 0;
	if (!YAJL_IS_ARRAY(v))
		return bad(err, field, "must be an array of strings");
	for (size_t i = 0; i < alen(v); i++) {
		const char *name;
		int c;

		if (!YAJL_IS_STRING(elem(v, i)))
			return bad(err, field, "must be an array of strings");
		name = elem(v, i)->u.string;
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
	yajl_val user = get(process, "user"), groups;
	long long v = 0;
	bool set = false;

	if (!user || !YAJL_IS_OBJECT(user))
		return bad(err, "process.user", "must be an object with uid and gid");
	if (get_int(user, "uid", "process.user.uid", 0, UINT32_MAX - 1, &v, &set, err) < 0)
		return -EINVAL;
	if (!set)
		return bad(err, "process.user.uid", "is required");
	spec->uid = (uid_t)v;
	if (get_int(user, "gid", "process.user.gid", 0, UINT32_MAX - 1, &v, &set, err) < 0)
		return -EINVAL;
	if (!set)
		return bad(err, "process.user.gid", "is required");
	spec->gid = (gid_t)v;
	if (get_int(user, "umask", "process.user.umask", 0, 0777, &v, &spec->oci.umask_set, err) <
	    0)
		return -EINVAL;
	spec->oci.umask = (mode_t)v;
	if (get(user, "username"))
		return bad(err, "process.user.username", "is for Windows containers");
	groups = get(user, "additionalGids");
	if (!groups)
		return 0;
	if (!YAJL_IS_ARRAY(groups))
		return bad(err, "process.user.additionalGids", "must be an array of integers");
	spec->groups = xcalloc(alen(groups) + 1, sizeof(gid_t));
	for (size_t i = 0; i < alen(groups); i++) {
		yajl_val g = elem(groups, i);

		if (!YAJL_IS_INTEGER(g) || YAJL_GET_INTEGER(g) < 0 ||
		    YAJL_GET_INTEGER(g) > (long long)UINT32_MAX - 1)
			return bad(err, "process.user.additionalGids",
				   "must be an array of integers");
		spec->groups[spec->ngroups++] = (gid_t)YAJL_GET_INTEGER(g);
	}
	return 0;
}

static int parse_process(yajl_val process, struct container_spec *spec, struct ward_err *err)
{
	yajl_val args, caps;
	const char *cwd = NULL;
	long long v = 0;

	if (!process)
		return bad(err, "process", "is required");
	if (!YAJL_IS_OBJECT(process))
		return bad(err, "process", "must be an object");
	args = get(process, "args");
	if (!args || !YAJL_IS_ARRAY(args) || alen(args) == 0)
		return bad(err, "process.args", "must be a non-empty array of strings");
	for (size_t i = 0; i < alen(args); i++) {
		if (!YAJL_IS_STRING(elem(args, i)))
			return bad(err, "process.args", "must be a non-empty array of strings");
		strv_push(&spec->argv, elem(args, i)->u.string);
	}
	if (!spec->argv.v[0][0])
		return bad(err, "process.args", "the command is an empty string");
	if (get_strv(process, "env", "process.env", &spec->env, err) < 0)
		return -EINVAL;
	for (size_t i = 0; i < spec->env.n; i++)
		if (!strchr(spec->env.v[i], '=') || spec->env.v[i][0] == '=')
			return err_set(err, 0, "process.env: '%s' is not KEY=VALUE",
				       spec->env.v[i]);
	if (get_string(process, "cwd", "process.cwd", &cwd, err) < 0)
		return -EINVAL;
	if (!cwd || cwd[0] != '/')
		return bad(err, "process.cwd", "must be an absolute path");
	spec->cwd = xstrdup(cwd);
	if (get_bool(process, "terminal", "process.terminal", &spec->oci.terminal, err) < 0 ||
	    get_bool(process, "noNewPrivileges", "process.noNewPrivileges", &spec->no_new_privs,
		     err) < 0)
		return -EINVAL;
	if (get_int(process, "oomScoreAdj", "process.oomScoreAdj", -1000, 1000, &v,
		    &spec->oci.oom_score_adj_set, err) < 0)
		return -EINVAL;
	spec->oci.oom_score_adj = (int)v;
	if (parse_user(process, spec, err) < 0 || parse_rlimits(process, &spec->oci, err) < 0)
		return -EINVAL;
	caps = get(process, "capabilities");
	if (check_object(caps, "process.capabilities", err) < 0)
		return -EINVAL;
	if (parse_capset(caps, "bounding", &spec->caps, err) < 0 ||
	    parse_capset(caps, "effective", &spec->oci.caps_effective, err) < 0 ||
	    parse_capset(caps, "permitted", &spec->oci.caps_permitted, err) < 0 ||
	    parse_capset(caps, "inheritable", &spec->oci.caps_inheritable, err) < 0 ||
	    parse_capset(caps, "ambient", &spec->oci.caps_ambient, err) < 0)
		return -EINVAL;
	return check_capsets(spec, err);
}

/* ---- root, mounts ------------------------------------------------------------ */

static int parse_root(yajl_val root, const char *bundle, struct container_spec *spec,
		      struct ward_err *err)
{
	cleanup_free char *path = NULL;
	const char *p = NULL;
	char real[PATH_MAX];
	struct stat st;

	if (!root || !YAJL_IS_OBJECT(root))
		return bad(err, "root", "is required (an object with a path)");
	if (get_string(root, "path", "root.path", &p, err) < 0)
		return -EINVAL;
	if (!p || !*p)
		return bad(err, "root.path", "is required");
	path = bundle_path(bundle, p);
	if (stat(path, &st) < 0) {
		if (errno == ENOENT)
			return err_set(err, 0, "root.path: '%s' does not exist", path);
		return err_set(err, errno, "root.path: '%s'", path);
	}
	if (!S_ISDIR(st.st_mode))
		return err_set(err, 0, "root.path: '%s' is not a directory", path);
	if (!realpath(path, real))
		return err_set(err, errno, "root.path: '%s'", path);
	if (strcmp(real, "/") == 0)
		return err_set(err, 0, "root.path: '%s' is the host's root", path);
	spec->rootfs = xstrdup(real);
	return get_bool(root, "readonly", "root.readonly", &spec->readonly_root, err);
}

static const struct {
	const char *name;
	unsigned long set, clear;
} mount_flags[] = {
    {"ro", MS_RDONLY, 0},
    {"rw", 0, MS_RDONLY},
    {"nosuid", MS_NOSUID, 0},
    {"suid", 0, MS_NOSUID},
    {"nodev", MS_NODEV, 0},
    {"dev", 0, MS_NODEV},
    {"noexec", MS_NOEXEC, 0},
    {"exec", 0, MS_NOEXEC},
    {"sync", MS_SYNCHRONOUS, 0},
    {"async", 0, MS_SYNCHRONOUS},
    {"dirsync", MS_DIRSYNC, 0},
    {"remount", MS_REMOUNT, 0},
    {"mand", MS_MANDLOCK, 0},
    {"nomand", 0, MS_MANDLOCK},
    {"atime", 0, MS_NOATIME},
    {"noatime", MS_NOATIME, 0},
    {"diratime", 0, MS_NODIRATIME},
    {"nodiratime", MS_NODIRATIME, 0},
    {"relatime", MS_RELATIME, 0},
    {"norelatime", 0, MS_RELATIME},
    {"strictatime", MS_STRICTATIME, 0},
    {"nostrictatime", 0, MS_STRICTATIME},
    {"bind", MS_BIND, 0},
    {"rbind", MS_BIND | MS_REC, 0},
    {"private", MS_PRIVATE, 0},
    {"rprivate", MS_PRIVATE | MS_REC, 0},
    {"shared", MS_SHARED, 0},
    {"rshared", MS_SHARED | MS_REC, 0},
    {"slave", MS_SLAVE, 0},
    {"rslave", MS_SLAVE | MS_REC, 0},
    {"unbindable", MS_UNBINDABLE, 0},
    {"runbindable", MS_UNBINDABLE | MS_REC, 0},
};

/* Mounts ward's mount module makes itself, with the type it makes them with. */
static const struct {
	const char *destination;
	const char *types; /* accepted types, space-separated */
} standard_mounts[] = {
    {"/proc", "proc"},
    {"/dev", "tmpfs"},
    {"/dev/pts", "devpts"},
    {"/dev/shm", "tmpfs bind"},
    {"/dev/mqueue", "mqueue"},
    {"/sys", "sysfs"}, /* and a bind of a sysfs: see parse_mount() */
    {"/sys/fs/cgroup", "cgroup cgroup2 bind"},
};

static bool word_in(const char *list, const char *word)
{
	size_t n = strlen(word);

	if (n == 0) /* strstr() finds "" everywhere, and p += 0 would never move on */
		return false;
	for (const char *p = list; (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

static bool is_standard_mount(const char *dst, const char *type)
{
	for (size_t i = 0; i < sizeof(standard_mounts) / sizeof(standard_mounts[0]); i++)
		if (strcmp(dst, standard_mounts[i].destination) == 0)
			return word_in(standard_mounts[i].types, type);
	return false;
}

/* a bind of a sysfs on /sys (rootless podman's way): ward mounts its own */
static bool is_sysfs_bind(const char *dst, const char *source)
{
	struct statfs fs;

	return strcmp(dst, "/sys") == 0 && statfs(source, &fs) == 0 &&
	       (long)fs.f_type == SYSFS_MAGIC;
}

static void strv_releasep(struct strv *sv)
{
	strv_release(sv);
}

#define MS_PROPAGATION (MS_PRIVATE | MS_SHARED | MS_SLAVE | MS_UNBINDABLE)

static int parse_mount(yajl_val m, size_t i, const char *bundle, struct container_spec *spec,
		       struct ward_err *err)
{
	const char *given = NULL, *type = NULL, *src = NULL;
	cleanup_free char *dst = NULL, *path = NULL;
	char field[FIELD_MAX], data[1024] = "";
	unsigned long flags = 0, propagation = 0;
	__attribute__((cleanup(strv_releasep))) struct strv opts = {0};
	struct spec_mount *sm;
	struct stat st;
	bool bind;
	int r;

	if (!YAJL_IS_OBJECT(m))
		return bad(err, field_at(field, "mounts", i, NULL), "must be an object");
	if (get_string(m, "destination", field_at(field, "mounts", i, "destination"), &given, err) <
	    0)
		return -EINVAL;
	if (!given || given[0] != '/')
		return bad(err, field, "must be an absolute path");
	dst = spec_clean_path(given);
	if (strcmp(dst, "/") == 0)
		return bad(err, field, "cannot be '/' (that is root.path)");
	if (get_string(m, "type", field_at(field, "mounts", i, "type"), &type, err) < 0 ||
	    get_string(m, "source", field_at(field, "mounts", i, "source"), &src, err) < 0)
		return -EINVAL;
	r = get_strv(m, "options", field_at(field, "mounts", i, "options"), &opts, err);
	if (r < 0)
		return r;
	for (size_t k = 0; k < opts.n; k++) {
		size_t j, n = sizeof(mount_flags) / sizeof(mount_flags[0]);

		for (j = 0; j < n; j++)
			if (strcmp(opts.v[k], mount_flags[j].name) == 0)
				break;
		if (j < n && (mount_flags[j].set & MS_PROPAGATION)) {
			propagation = mount_flags[j].set; /* the last one wins */
		} else if (j < n) {
			flags = (flags | mount_flags[j].set) & ~mount_flags[j].clear;
		} else {
			size_t used = strlen(data);

			if ((size_t)snprintf(data + used, sizeof(data) - used, "%s%s",
					     used ? "," : "", opts.v[k]) >= sizeof(data) - used)
				return bad(err, field_at(field, "mounts", i, "options"),
					   "too long");
		}
	}
	bind = (flags & MS_BIND) || (type && strcmp(type, "bind") == 0);
	if (!type || !*type)
		type = bind ? "bind" : "";
	if (is_standard_mount(dst, type))
		return 0;
	if (bind) {
		if (!src || !*src)
			return bad(err, field_at(field, "mounts", i, "source"),
				   "is required for a bind mount");
		path = bundle_path(bundle, src);
		if (stat(path, &st) < 0) {
			field_at(field, "mounts", i, "source");
			if (errno == ENOENT)
				return err_set(err, 0, "%s: '%s' does not exist", field, path);
			return err_set(err, errno, "%s: '%s'", field, path);
		}
	}
	if (bind && is_sysfs_bind(dst, path))
		return 0;
	if (spec_check_mount_at(dst, bind ? path : NULL, err) < 0)
		return err_prefix(err, "%s: '%s'", field_at(field, "mounts", i, "destination"),
				  given);
	if (bind) {
		sm = xrealloc(spec->mounts, (spec->nmounts + 1) * sizeof(*spec->mounts));
		spec->mounts = sm;
		sm = &spec->mounts[spec->nmounts++];
		memset(sm, 0, sizeof(*sm));
		sm->kind = SPEC_MOUNT_BIND;
		sm->source = steal_ptr(&path);
		sm->destination = steal_ptr(&dst);
		/* the mount module binds recursively and applies ro; other flags are kept */
		sm->flags = flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC);
		sm->propagation = propagation;
		return 0;
	}
	if (strcmp(type, "tmpfs") == 0) {
		sm = xrealloc(spec->mounts, (spec->nmounts + 1) * sizeof(*spec->mounts));
		spec->mounts = sm;
		sm = &spec->mounts[spec->nmounts++];
		memset(sm, 0, sizeof(*sm));
		sm->kind = SPEC_MOUNT_TMPFS;
		sm->destination = steal_ptr(&dst);
		sm->flags = flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME |
				     MS_STRICTATIME | MS_RELATIME | MS_NODIRATIME);
		sm->data = data[0] ? xstrdup(data) : NULL;
		sm->propagation = propagation;
		return 0;
	}
	return err_set(err, 0,
		       "%s: mount type '%s' on '%s' is not supported (bind and tmpfs are, and the "
		       "standard /proc, /dev and /sys mounts)",
		       field_at(field, "mounts", i, "type"), type, dst);
}

static int parse_mounts(yajl_val mounts, const char *bundle, struct container_spec *spec,
			struct ward_err *err)
{
	if (!mounts)
		return 0;
	if (!YAJL_IS_ARRAY(mounts))
		return bad(err, "mounts", "must be an array");
	for (size_t i = 0; i < alen(mounts); i++) {
		int r = parse_mount(elem(mounts, i), i, bundle, spec, err);

		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- linux ------------------------------------------------------------------------ */

static const struct {
	const char *name;
	int flag;
} ns_types[] = {
    {"pid", CLONE_NEWPID},	 {"network", CLONE_NEWNET}, {"mount", CLONE_NEWNS},
    {"ipc", CLONE_NEWIPC},	 {"uts", CLONE_NEWUTS},	    {"user", CLONE_NEWUSER},
    {"cgroup", CLONE_NEWCGROUP}, {"time", CLONE_NEWTIME},
};

static const char *ns_name(int flag)
{
	for (size_t i = 0; i < sizeof(ns_types) / sizeof(ns_types[0]); i++)
		if (ns_types[i].flag == flag)
			return ns_types[i].name;
	return "?";
}

static int parse_namespaces(yajl_val v, struct container_spec *spec, struct ward_err *err)
{
	struct spec_oci *o = &spec->oci;
	char field[FIELD_MAX];

	spec->network = SPEC_NET_HOST; /* no "network" entry: the host's */
	if (!v)
		return 0;
	if (!YAJL_IS_ARRAY(v))
		return bad(err, "linux.namespaces", "must be an array");
	o->namespaces = xcalloc(alen(v) + 1, sizeof(*o->namespaces));
	for (size_t i = 0; i < alen(v); i++) {
		yajl_val ns = elem(v, i);
		const char *type = NULL, *path = NULL;
		size_t k, n = sizeof(ns_types) / sizeof(ns_types[0]);
		struct stat st;

		if (!YAJL_IS_OBJECT(ns))
			return bad(err, field_at(field, "linux.namespaces", i, NULL),
				   "must be an object");
		if (get_string(ns, "type", field_at(field, "linux.namespaces", i, "type"), &type,
			       err) < 0)
			return -EINVAL;
		if (!type)
			return bad(err, field, "is required");
		for (k = 0; k < n; k++)
			if (strcmp(type, ns_types[k].name) == 0)
				break;
		if (k == n)
			return err_set(err, 0, "%s: unknown namespace type '%s'", field, type);
		for (size_t j = 0; j < o->nnamespaces; j++)
			if (o->namespaces[j].type == ns_types[k].flag)
				return err_set(err, 0, "%s: namespace '%s' given twice", field,
					       type);
		if (get_string(ns, "path", field_at(field, "linux.namespaces", i, "path"), &path,
			       err) < 0)
			return -EINVAL;
		if (path && *path) {
			if (path[0] != '/')
				return bad(err, field, "must be an absolute path");
			if (stat(path, &st) < 0)
				return err_set(err, errno == ENOENT ? 0 : errno,
					       "%s: '%s' does not exist", field, path);
		}
		o->namespaces[o->nnamespaces].type = ns_types[k].flag;
		o->namespaces[o->nnamespaces].path = path && *path ? xstrdup(path) : NULL;
		o->nnamespaces++;
		if (ns_types[k].flag == CLONE_NEWNET)
			spec->network = SPEC_NET_NONE;
	}
	return 0;
}

static int parse_idmaps(yajl_val lx, const char *key, struct spec_idmap **out, size_t *n,
			struct ward_err *err)
{
	char base[FIELD_MAX], field[FIELD_MAX];
	yajl_val v = get(lx, key);

	(void)snprintf(base, sizeof(base), "linux.%s", key);
	if (!v)
		return 0;
	if (!YAJL_IS_ARRAY(v))
		return bad(err, base, "must be an array");
	*out = xcalloc(alen(v) + 1, sizeof(**out));
	for (size_t i = 0; i < alen(v); i++) {
		yajl_val m = elem(v, i);
		long long c = 0, h = 0, s = 0;
		bool cs, hs, ss;

		if (!YAJL_IS_OBJECT(m))
			return bad(err, field_at(field, base, i, NULL), "must be an object");
		if (get_int(m, "containerID", field_at(field, base, i, "containerID"), 0,
			    UINT32_MAX, &c, &cs, err) < 0 ||
		    get_int(m, "hostID", field_at(field, base, i, "hostID"), 0, UINT32_MAX, &h, &hs,
			    err) < 0 ||
		    get_int(m, "size", field_at(field, base, i, "size"), 1, UINT32_MAX, &s, &ss,
			    err) < 0)
			return -EINVAL;
		if (!cs || !hs || !ss)
			return bad(err, field_at(field, base, i, NULL),
				   "needs containerID, hostID and size");
		(*out)[*n].container_id = (uint32_t)c;
		(*out)[*n].host_id = (uint32_t)h;
		(*out)[*n].size = (uint32_t)s;
		(*n)++;
	}
	return 0;
}

static int parse_paths(yajl_val lx, const char *key, bool *set, struct strv *sv,
		       struct ward_err *err)
{
	char field[FIELD_MAX];
	int r;

	(void)snprintf(field, sizeof(field), "linux.%s", key);
	if (!get(lx, key))
		return 0;
	*set = true;
	r = get_strv(lx, key, field, sv, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < sv->n; i++)
		if (sv->v[i][0] != '/')
			return err_set(err, 0, "%s: '%s' is not an absolute path", field, sv->v[i]);
	return 0;
}

/* linux.resources.devices[]: {allow, type a|c|b, major, minor, access "rwm"}, in order */
static int parse_device_rules(yajl_val list, struct spec_resources *out, struct ward_err *err)
{
	char field[FIELD_MAX];

	if (!list)
		return 0;
	if (!YAJL_IS_ARRAY(list))
		return bad(err, "linux.resources.devices", "must be an array");
	out->devices = xcalloc(alen(list) + 1, sizeof(*out->devices));
	for (size_t i = 0; i < alen(list); i++) {
		yajl_val d = elem(list, i);
		struct devcg_rule *rule = &out->devices[out->ndevices];
		const char *type = NULL, *access = NULL;
		long long major = DEVCG_ANY, minor = DEVCG_ANY;
		bool set = false;

		if (!YAJL_IS_OBJECT(d))
			return bad(err, field_at(field, "linux.resources.devices", i, NULL),
				   "must be an object");
		if (get_bool(d, "allow", field_at(field, "linux.resources.devices", i, "allow"),
			     &rule->allow, err) < 0)
			return -EINVAL;
		if (!get(d, "allow"))
			return bad(err, field, "is required");
		if (get_string(d, "type", field_at(field, "linux.resources.devices", i, "type"),
			       &type, err) < 0)
			return -EINVAL;
		rule->type = !type || !*type ? 'a' : type[0] == 'u' ? 'c' : type[0];
		if (type && *type && (type[1] || !strchr("acbu", type[0])))
			return bad(err, field, "must be a, c, u or b");
		if (get_int(d, "major", field_at(field, "linux.resources.devices", i, "major"),
			    DEVCG_ANY, INT32_MAX, &major, &set, err) < 0 ||
		    get_int(d, "minor", field_at(field, "linux.resources.devices", i, "minor"),
			    DEVCG_ANY, INT32_MAX, &minor, &set, err) < 0)
			return -EINVAL;
		rule->major = major;
		rule->minor = minor;
		if (get_string(d, "access", field_at(field, "linux.resources.devices", i, "access"),
			       &access, err) < 0)
			return -EINVAL;
		rule->access = DEVCG_RWM;
		if (access && devcg_parse_access(access, &rule->access) < 0)
			return bad(err, field, "must be letters of \"rwm\", each at most once");
		out->ndevices++;
	}
	return 0;
}

/*
 * The device cgroup's rules for a config, as runc builds them: the config's own,
 * then the nodes every container gets (/dev/null, ..., the ptys, mknod of any
 * node), then rwm on each node of linux.devices. A config without rules of its
 * own restricts nothing (as with runc; engines always start with a deny-all).
 */
static void finish_device_rules(struct container_spec *spec)
{
	struct spec_resources *res = &spec->resources;
	size_t n = res->ndevices + devcg_ndefault_rules + spec->oci.ndevices;

	res->devices = xrealloc(res->devices, (n + 1) * sizeof(*res->devices));
	/* [0] of the defaults is their deny-all */
	for (size_t i = 1; i < devcg_ndefault_rules; i++)
		res->devices[res->ndevices++] = devcg_default_rules[i];
	for (size_t i = 0; i < spec->oci.ndevices; i++) {
		const struct spec_device *d = &spec->oci.devices[i];

		if (d->type == S_IFIFO)
			continue;
		res->devices[res->ndevices++] = (struct devcg_rule){
		    .allow = true,
		    .type = d->type == S_IFBLK ? 'b' : 'c',
		    .major = d->major,
		    .minor = d->minor,
		    .access = DEVCG_RWM,
		};
	}
	res->set |= SPEC_RES_DEVICES;
}

static int parse_resources(yajl_val res, struct spec_resources *out, struct ward_err *err)
{
	yajl_val mem = get(res, "memory"), pids = get(res, "pids"), cpu = get(res, "cpu");
	long long v = 0;
	bool set = false;
	const char *cpus = NULL;

	if (check_object(res, "linux.resources", err) < 0 ||
	    parse_device_rules(get(res, "devices"), out, err) < 0 ||
	    check_object(mem, "linux.resources.memory", err) < 0 ||
	    check_object(pids, "linux.resources.pids", err) < 0 ||
	    check_object(cpu, "linux.resources.cpu", err) < 0)
		return -EINVAL;
	if (get_int(mem, "limit", "linux.resources.memory.limit", -1, INT64_MAX, &v, &set, err) < 0)
		return -EINVAL;
	if (set && v > 0) {
		out->memory = (uint64_t)v;
		out->set |= SPEC_RES_MEMORY;
	}
	if (get_int(mem, "swap", "linux.resources.memory.swap", -1, INT64_MAX, &v, &set, err) < 0)
		return -EINVAL;
	if (set && v != 0) {
		out->memory_swap = v;
		out->set |= SPEC_RES_MEMORY_SWAP;
	}
	if (get_int(pids, "limit", "linux.resources.pids.limit", -1, INT64_MAX, &v, &set, err) < 0)
		return -EINVAL;
	if (set && v != 0) {
		out->pids = v;
		out->set |= SPEC_RES_PIDS;
	}
	if (get_int(cpu, "shares", "linux.resources.cpu.shares", 0, 262144, &v, &set, err) < 0)
		return -EINVAL;
	if (set && v > 0) {
		out->cpu_shares = (uint64_t)(v < 2 ? 2 : v);
		out->set |= SPEC_RES_CPU_SHARES;
	}
	if (get_int(cpu, "quota", "linux.resources.cpu.quota", -1, INT64_MAX, &v, &set, err) < 0)
		return -EINVAL;
	if (set && v > 0) {
		long long period = 100000;
		bool pset = false;

		if (get_int(cpu, "period", "linux.resources.cpu.period", 1000, 1000000, &period,
			    &pset, err) < 0)
			return -EINVAL;
		out->cpu_quota_us = (uint64_t)v;
		out->cpu_period_us = (uint64_t)period;
		out->set |= SPEC_RES_CPUS;
	}
	if (get_string(cpu, "cpus", "linux.resources.cpu.cpus", &cpus, err) < 0)
		return -EINVAL;
	if (cpus && *cpus) {
		out->cpuset_cpus = xstrdup(cpus);
		out->set |= SPEC_RES_CPUSET_CPUS;
	}
	return 0;
}

/* linux.seccomp as JSON text again, for the profile engine (one code path). */
static void gen_value(yajl_gen g, yajl_val v)
{
	switch (v ? v->type : yajl_t_null) {
	case yajl_t_string:
		yajl_gen_string(g, (const unsigned char *)v->u.string, strlen(v->u.string));
		break;
	case yajl_t_number:
		yajl_gen_number(g, v->u.number.r, strlen(v->u.number.r));
		break;
	case yajl_t_object:
		yajl_gen_map_open(g);
		for (size_t i = 0; i < v->u.object.len; i++) {
			yajl_gen_string(g, (const unsigned char *)v->u.object.keys[i],
					strlen(v->u.object.keys[i]));
			gen_value(g, v->u.object.values[i]);
		}
		yajl_gen_map_close(g);
		break;
	case yajl_t_array:
		yajl_gen_array_open(g);
		for (size_t i = 0; i < alen(v); i++)
			gen_value(g, elem(v, i));
		yajl_gen_array_close(g);
		break;
	case yajl_t_true:
		yajl_gen_bool(g, 1);
		break;
	case yajl_t_false:
		yajl_gen_bool(g, 0);
		break;
	case yajl_t_null:
	case yajl_t_any:
		yajl_gen_null(g);
		break;
	}
}

static int parse_seccomp(yajl_val v, struct container_spec *spec, struct ward_err *err)
{
	__attribute__((cleanup(gen_freep))) yajl_gen g = NULL;
	struct profile *prof = NULL;
	const unsigned char *buf;
	size_t len;
	int r;

	spec->seccomp_mode = SPEC_SECCOMP_UNCONFINED; /* no linux.seccomp: no filter */
	if (!v)
		return 0;
	if (!YAJL_IS_OBJECT(v))
		return bad(err, "linux.seccomp", "must be an object");
	g = yajl_gen_alloc(NULL);
	if (!g)
		abort(); /* out of memory, as xmalloc() */
	gen_value(g, v);
	if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
		return bad(err, "linux.seccomp", "cannot be serialised");
	/* parsed here too, so a bad profile fails with the others, naming its field */
	r = profile_parse((const char *)buf, len, &prof, err);
	profile_free(prof);
	if (r < 0)
		return err_prefix(err, "linux.seccomp");
	spec->seccomp_json = xmalloc(len + 1);
	memcpy(spec->seccomp_json, buf, len);
	spec->seccomp_json[len] = '\0';
	spec->seccomp_json_len = len;
	spec->seccomp_mode = SPEC_SECCOMP_INLINE;
	return 0;
}

static int parse_propagation(yajl_val lx, struct spec_oci *o, struct ward_err *err)
{
	const char *p = NULL;

	if (get_string(lx, "rootfsPropagation", "linux.rootfsPropagation", &p, err) < 0)
		return -EINVAL;
	if (!p || !*p)
		return 0;
	for (size_t j = 0; j < sizeof(mount_flags) / sizeof(mount_flags[0]); j++) {
		unsigned long f = mount_flags[j].set;

		if (strcmp(p, mount_flags[j].name) == 0 &&
		    (f & (MS_PRIVATE | MS_SHARED | MS_SLAVE | MS_UNBINDABLE))) {
			o->rootfs_propagation = f;
			return 0;
		}
	}
	return err_set(err, 0, "linux.rootfsPropagation: unknown propagation '%s'", p);
}

/* linux.devices[]: {path, type c|b|u|p, major, minor, fileMode, uid, gid} */
static int parse_devices(yajl_val devices, struct spec_oci *o, struct ward_err *err)
{
	char field[FIELD_MAX];

	if (!devices || !alen(devices))
		return 0;
	o->devices = xcalloc(alen(devices), sizeof(*o->devices));
	for (size_t i = 0; i < alen(devices); i++) {
		yajl_val d = elem(devices, i);
		struct spec_device *dev = &o->devices[o->ndevices];
		const char *path = NULL, *type = NULL;
		long long major = 0, minor = 0, mode = 0666, uid = 0, gid = 0;
		bool has_major, has_minor, set;

		if (!YAJL_IS_OBJECT(d))
			return bad(err, field_at(field, "linux.devices", i, NULL),
				   "must be an object");
		if (get_string(d, "path", field_at(field, "linux.devices", i, "path"), &path, err) <
			0 ||
		    get_string(d, "type", field_at(field, "linux.devices", i, "type"), &type, err) <
			0 ||
		    get_int(d, "major", field_at(field, "linux.devices", i, "major"), 0, 4095,
			    &major, &has_major, err) < 0 ||
		    get_int(d, "minor", field_at(field, "linux.devices", i, "minor"), 0, 1048575,
			    &minor, &has_minor, err) < 0 ||
		    get_int(d, "fileMode", field_at(field, "linux.devices", i, "fileMode"), 0,
			    0177777, &mode, &set, err) < 0 ||
		    get_int(d, "uid", field_at(field, "linux.devices", i, "uid"), 0, UINT32_MAX - 1,
			    &uid, &set, err) < 0 ||
		    get_int(d, "gid", field_at(field, "linux.devices", i, "gid"), 0, UINT32_MAX - 1,
			    &gid, &set, err) < 0)
			return -EINVAL;
		if (!path || strncmp(path, "/dev/", 5) != 0 || strstr(path, "/../") ||
		    !strcmp(path + strlen(path) - 3, "/.."))
			return bad(err, field_at(field, "linux.devices", i, "path"),
				   "must be a path below /dev");
		if (!type || (strcmp(type, "c") && strcmp(type, "u") && strcmp(type, "b") &&
			      strcmp(type, "p")))
			return bad(err, field_at(field, "linux.devices", i, "type"),
				   "must be c, u, b or p");
		if (type[0] != 'p' && (!has_major || !has_minor))
			return bad(err, field_at(field, "linux.devices", i, NULL),
				   "a character or block device needs major and minor");
		dev->path = xstrdup(path);
		dev->type = type[0] == 'b' ? S_IFBLK : type[0] == 'p' ? S_IFIFO : S_IFCHR;
		dev->major = (unsigned int)major;
		dev->minor = (unsigned int)minor;
		dev->mode = (mode_t)mode & 07777; /* engines may pass the type bits too */
		dev->uid = (uid_t)uid;
		dev->gid = (gid_t)gid;
		o->ndevices++;
	}
	return 0;
}

/* linux.timeOffsets: {"monotonic": {"secs": S, "nanosecs": N}, "boottime": {...}} */
static int parse_time_offsets(yajl_val v, struct spec_oci *o, struct ward_err *err)
{
	static const char *const clocks[] = {"monotonic", "boottime"};

	if (check_object(v, "linux.timeOffsets", err) < 0)
		return -EINVAL;
	for (size_t i = 0; v && i < v->u.object.len; i++) {
		const char *key = v->u.object.keys[i];
		char field[FIELD_MAX], fsecs[FIELD_MAX + 16], fnsecs[FIELD_MAX + 16];
		long long secs = 0, nsecs = 0;
		bool set;
		size_t k;

		for (k = 0; k < 2 && strcmp(key, clocks[k]) != 0; k++)
			;
		(void)snprintf(field, sizeof(field), "linux.timeOffsets.%s", key);
		(void)snprintf(fsecs, sizeof(fsecs), "%s.secs", field);
		(void)snprintf(fnsecs, sizeof(fnsecs), "%s.nanosecs", field);
		if (k == 2)
			return bad(err, field,
				   "is not a clock of a time namespace (monotonic, "
				   "boottime)");
		if (check_object(v->u.object.values[i], field, err) < 0 ||
		    get_int(v->u.object.values[i], "secs", fsecs, INT64_MIN / 2, INT64_MAX / 2,
			    &secs, &set, err) < 0 ||
		    get_int(v->u.object.values[i], "nanosecs", fnsecs, 0, 999999999, &nsecs, &set,
			    err) < 0)
			return -EINVAL;
		o->time_offsets[k].secs = secs;
		o->time_offsets[k].nanosecs = (uint32_t)nsecs;
	}
	return 0;
}

static int parse_linux(yajl_val lx, struct container_spec *spec, struct ward_err *err)
{
	struct spec_oci *o = &spec->oci;
	yajl_val sysctl, devices;
	const char *cg = NULL;

	spec->seccomp_mode = SPEC_SECCOMP_UNCONFINED;
	spec->network = SPEC_NET_HOST;
	if (!lx)
		return 0;
	if (!YAJL_IS_OBJECT(lx))
		return bad(err, "linux", "must be an object");
	if (parse_namespaces(get(lx, "namespaces"), spec, err) < 0 ||
	    parse_idmaps(lx, "uidMappings", &o->uid_mappings, &o->nuid_mappings, err) < 0 ||
	    parse_idmaps(lx, "gidMappings", &o->gid_mappings, &o->ngid_mappings, err) < 0 ||
	    parse_paths(lx, "maskedPaths", &o->masked_set, &o->masked_paths, err) < 0 ||
	    parse_paths(lx, "readonlyPaths", &o->readonly_set, &o->readonly_paths, err) < 0 ||
	    parse_resources(get(lx, "resources"), &spec->resources, err) < 0 ||
	    parse_time_offsets(get(lx, "timeOffsets"), o, err) < 0 ||
	    parse_seccomp(get(lx, "seccomp"), spec, err) < 0 || parse_propagation(lx, o, err) < 0)
		return -EINVAL;
	if (get_string(lx, "cgroupsPath", "linux.cgroupsPath", &cg, err) < 0)
		return -EINVAL;
	if (cg && *cg)
		o->cgroups_path = xstrdup(cg);
	sysctl = get(lx, "sysctl");
	if (check_object(sysctl, "linux.sysctl", err) < 0)
		return -EINVAL;
	for (size_t i = 0; sysctl && i < sysctl->u.object.len; i++) {
		yajl_val val = sysctl->u.object.values[i];

		if (!YAJL_IS_STRING(val))
			return err_set(err, 0, "linux.sysctl: '%s' must be a string",
				       sysctl->u.object.keys[i]);
		strv_push_owned(&o->sysctl,
				xasprintf("%s=%s", sysctl->u.object.keys[i], val->u.string));
	}
	devices = get(lx, "devices");
	if (devices && !YAJL_IS_ARRAY(devices))
		return bad(err, "linux.devices", "must be an array");
	if (parse_devices(devices, o, err) < 0)
		return -EINVAL;
	finish_device_rules(spec);
	return 0;
}

/* ---- hooks, annotations ------------------------------------------------------------ */

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

static int parse_hooks(yajl_val hooks, struct spec_oci *o, struct ward_err *err)
{
	char base[FIELD_MAX], field[FIELD_MAX];

	if (!hooks)
		return 0;
	if (!YAJL_IS_OBJECT(hooks))
		return bad(err, "hooks", "must be an object");
	for (int k = 0; k < SPEC_NR_HOOKS; k++) {
		yajl_val list = get(hooks, hook_names[k]);

		(void)snprintf(base, sizeof(base), "hooks.%s", hook_names[k]);
		if (!list)
			continue;
		if (!YAJL_IS_ARRAY(list))
			return bad(err, base, "must be an array");
		o->hooks[k] = xcalloc(alen(list) + 1, sizeof(struct spec_hook));
		for (size_t i = 0; i < alen(list); i++) {
			struct spec_hook *h = &o->hooks[k][o->nhooks[k]];
			yajl_val hv = elem(list, i);
			const char *path = NULL;
			long long t = 0;

			if (!YAJL_IS_OBJECT(hv))
				return bad(err, field_at(field, base, i, NULL),
					   "must be an object");
			o->nhooks[k]++; /* owned from here, for spec_release() */
			if (get_string(hv, "path", field_at(field, base, i, "path"), &path, err) <
			    0)
				return -EINVAL;
			if (!path || path[0] != '/')
				return bad(err, field, "must be an absolute path");
			if (access(path, X_OK) < 0)
				return err_set(err, errno, "%s: '%s'", field, path);
			h->path = xstrdup(path);
			if (get_strv(hv, "args", field_at(field, base, i, "args"), &h->args, err) <
				0 ||
			    get_strv(hv, "env", field_at(field, base, i, "env"), &h->env, err) <
				0 ||
			    get_int(hv, "timeout", field_at(field, base, i, "timeout"), 1,
				    INT32_MAX, &t, NULL, err) < 0)
				return -EINVAL;
			if (!h->args.n)
				strv_push(&h->args, path);
			h->timeout = (int)t;
		}
	}
	return 0;
}

static int parse_annotations(yajl_val v, struct spec_oci *o, struct ward_err *err)
{
	if (!v)
		return 0;
	if (!YAJL_IS_OBJECT(v))
		return bad(err, "annotations", "must be an object of strings");
	for (size_t i = 0; i < v->u.object.len; i++) {
		if (!YAJL_IS_STRING(v->u.object.values[i]))
			return err_set(err, 0, "annotations: '%s' must be a string",
				       v->u.object.keys[i]);
		strv_push(&o->annotations, v->u.object.keys[i]);
		strv_push(&o->annotations, v->u.object.values[i]->u.string);
	}
	return 0;
}

/* ---- the whole document ------------------------------------------------------------ */

/* A JSON document that must be an object; NULL with @err set ("invalid JSON: ..."). */
static yajl_val parse_object(const char *json, size_t len, struct ward_err *err)
{
	cleanup_free char *text = NULL;
	char errbuf[256] = "";
	yajl_val root;
	int r;

	/* strict syntax (the tree parser allows comments), depth, no NUL in a string */
	r = json_check(json, len, JSON_MAX_DEPTH, err);
	if (r == -EINVAL)
		err_prefix(err, "invalid JSON");
	if (r < 0)
		return NULL;
	text = xmalloc(len + 1);
	memcpy(text, json, len);
	text[len] = '\0';
	root = yajl_tree_parse(text, errbuf, sizeof(errbuf));
	if (!root) {
		errbuf[strcspn(errbuf, "\n")] = '\0';
		err_set(err, 0, "invalid JSON: %s", errbuf[0] ? errbuf : "parse error");
		return NULL;
	}
	if (!YAJL_IS_OBJECT(root)) {
		yajl_tree_free(root);
		err_set(err, 0, "the document must be a JSON object");
		return NULL;
	}
	return root;
}

int oci_parse(const char *json, size_t len, const char *bundle, struct container_spec *spec,
	      struct ward_err *err)
{
	__attribute__((cleanup(tree_freep))) yajl_val root = parse_object(json, len, err);
	const char *version = NULL, *hostname = NULL;
	char host[HOST_NAME_MAX + 1];

	if (!root)
		return -EINVAL;
	spec->oci.oci = true;
	if (get_string(root, "ociVersion", "ociVersion", &version, err) < 0)
		return -EINVAL;
	if (!version || !*version)
		return bad(err, "ociVersion", "is required");
	if (!str_has_prefix(version, "1."))
		return err_set(err, 0, "ociVersion: unsupported version '%s' (ward speaks 1.x)",
			       version);
	if (parse_root(get(root, "root"), bundle, spec, err) < 0 ||
	    parse_process(get(root, "process"), spec, err) < 0 ||
	    parse_mounts(get(root, "mounts"), bundle, spec, err) < 0 ||
	    parse_linux(get(root, "linux"), spec, err) < 0 ||
	    parse_hooks(get(root, "hooks"), &spec->oci, err) < 0 ||
	    parse_annotations(get(root, "annotations"), &spec->oci, err) < 0)
		return -(err->code ? err->code : EINVAL);
	if (get_string(root, "hostname", "hostname", &hostname, err) < 0)
		return -EINVAL;
	if (hostname && strlen(hostname) > HOST_NAME_MAX)
		return bad(err, "hostname", "is longer than 64 bytes");
	spec->oci.hostname_set = hostname && *hostname;
	if (!hostname || !*hostname) {
		/* no hostname: the new UTS namespace keeps the host's */
		if (gethostname(host, sizeof(host)) < 0)
			return err_set(err, errno, "cannot read the host's name");
		host[sizeof(host) - 1] = '\0';
		hostname = host;
	}
	spec->hostname = xstrdup(hostname);
	return 0;
}

int oci_load(const char *bundle, const char *config, struct container_spec *spec,
	     struct ward_err *err)
{
	cleanup_free char *path =
	    config ? bundle_path(bundle, config) : xasprintf("%s/config.json", bundle);
	const char *name = config ? config : "config.json";
	cleanup_free char *text = NULL;
	size_t len = 0;
	struct stat st;

	if (stat(bundle, &st) < 0)
		return err_set(err, errno == ENOENT ? 0 : errno, "bundle '%s' does not exist",
			       bundle);
	if (!S_ISDIR(st.st_mode))
		return err_set(err, 0, "bundle '%s' is not a directory", bundle);
	if (stat(path, &st) < 0 && errno == ENOENT)
		return err_set(err, 0, "%s: '%s' does not exist", name, path);
	if (read_file(path, OCI_CONFIG_MAX, &text, &len, err) < 0)
		return err_prefix(err, "%s", name);
	if (oci_parse(text, len, bundle, spec, err) < 0)
		return err_prefix(err, "%s", name);
	return 0;
}

int oci_parse_resources(const char *json, size_t len, struct spec_resources *out,
			struct ward_err *err)
{
	__attribute__((cleanup(tree_freep))) yajl_val root = parse_object(json, len, err);

	return root ? parse_resources(root, out, err) : -EINVAL;
}

static int check_rlimits(const struct spec_oci *o, struct ward_err *err);

int oci_load_process(const char *path, struct container_spec *spec, struct ward_err *err)
{
	__attribute__((cleanup(tree_freep))) yajl_val root = NULL;
	cleanup_free char *text = NULL;
	size_t len = 0;

	if (read_file(path, OCI_CONFIG_MAX, &text, &len, err) < 0)
		return err_prefix(err, "--process");
	root = parse_object(text, len, err);
	if (!root)
		return err_prefix(err, "--process '%s'", path);
	/* the process replaces the config's, field by field as parse_process() fills them */
	strv_release(&spec->argv);
	strv_release(&spec->env);
	free(spec->cwd);
	spec->cwd = NULL;
	free(spec->groups);
	spec->groups = NULL;
	spec->ngroups = 0;
	free(spec->oci.rlimits);
	spec->oci.rlimits = NULL;
	spec->oci.nrlimits = 0;
	spec->caps = 0;
	spec->oci.caps_effective = spec->oci.caps_permitted = 0;
	spec->oci.caps_inheritable = spec->oci.caps_ambient = 0;
	spec->no_new_privs = false;
	spec->oci.terminal = false;
	spec->oci.umask_set = false;
	spec->oci.oom_score_adj_set = false;
	if (parse_process(root, spec, err) < 0 || check_rlimits(&spec->oci, err) < 0)
		return err_prefix(err, "--process '%s'", path);
	return 0;
}

int oci_load_hooks(const char *path, struct container_spec *spec, struct ward_err *err)
{
	__attribute__((cleanup(tree_freep))) yajl_val root = NULL;
	cleanup_free char *text = NULL;
	size_t len = 0;

	if (read_file(path, OCI_CONFIG_MAX, &text, &len, err) < 0)
		return -EIO;
	root = parse_object(text, len, err);
	if (!root)
		return err_prefix(err, "%s", path);
	if (parse_hooks(get(root, "hooks"), &spec->oci, err) < 0)
		return err_prefix(err, "%s", path);
	return 0;
}

/* linux.sysctl keys that belong to a namespace, and the one they need */
static const struct {
	const char *prefix; /* a whole key, or a prefix when it ends in '.' or '*' */
	int ns;
} namespaced_sysctls[] = {
    {"net.", CLONE_NEWNET},	  {"kernel.shm*", CLONE_NEWIPC}, {"kernel.msg*", CLONE_NEWIPC},
    {"kernel.sem", CLONE_NEWIPC}, {"fs.mqueue.", CLONE_NEWIPC},
};

static bool has_ns(const struct spec_oci *o, int type)
{
	for (size_t i = 0; i < o->nnamespaces; i++)
		if (o->namespaces[i].type == type)
			return true;
	return false;
}

/* dot-separated, no empty component and no '/': it becomes a path under /proc/sys */
static bool valid_sysctl_name(const char *key, size_t len)
{
	if (!len || key[0] == '.' || key[len - 1] == '.')
		return false;
	for (size_t i = 0; i < len; i++)
		if (key[i] == '/' || (key[i] == '.' && key[i + 1] == '.'))
			return false;
	return true;
}

static int check_sysctl(const struct spec_oci *o, const char *kv, struct ward_err *err)
{
	size_t klen = strcspn(kv, "="),
	       n = sizeof(namespaced_sysctls) / sizeof(namespaced_sysctls[0]);
	size_t k;

	if (!valid_sysctl_name(kv, klen))
		return err_set(err, 0, "config.json: linux.sysctl: '%.*s' is not a sysctl name",
			       (int)klen, kv);
	for (k = 0; k < n; k++) {
		const char *p = namespaced_sysctls[k].prefix;
		size_t plen = strlen(p);

		if (p[plen - 1] == '*'	 ? strncmp(kv, p, plen - 1) == 0
		    : p[plen - 1] == '.' ? strncmp(kv, p, plen) == 0
					 : klen == plen && strncmp(kv, p, plen) == 0)
			break;
	}
	if (k == n)
		return err_set(
		    err, 0,
		    "config.json: linux.sysctl: '%.*s' is not namespaced (ward sets only "
		    "net.*, kernel.shm*, kernel.msg*, kernel.sem and fs.mqueue.*)",
		    (int)klen, kv);
	if (!has_ns(o, namespaced_sysctls[k].ns))
		return err_set(err, 0,
			       "config.json: linux.sysctl: '%.*s' needs a %s namespace of the "
			       "container's own (it would change the host's)",
			       (int)klen, kv, ns_name(namespaced_sysctls[k].ns));
	return 0;
}

/* Raising a hard limit needs CAP_SYS_RESOURCE, which ward may lack even as root. */
static int check_rlimits(const struct spec_oci *o, struct ward_err *err)
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

/* With a new user namespace: every id ward or the process takes inside is mapped. */
static int check_user_ns(const struct container_spec *spec, struct ward_err *err)
{
	const struct spec_oci *o = &spec->oci;
	uint32_t host;

	if (!o->nuid_mappings || !o->ngid_mappings)
		return err_set(err, 0,
			       "config.json: linux.namespaces: a user namespace needs "
			       "linux.uidMappings and linux.gidMappings");
	for (size_t i = 0; i < o->nnamespaces; i++)
		if (o->namespaces[i].path)
			return err_set(err, 0,
				       "config.json: linux.namespaces: joining the %s namespace "
				       "'%s' together with a new user namespace (ward joins none "
				       "then)",
				       ns_name(o->namespaces[i].type), o->namespaces[i].path);
	if (!spec_map_id(o->uid_mappings, o->nuid_mappings, 0, &host) ||
	    !spec_map_id(o->gid_mappings, o->ngid_mappings, 0, &host))
		return err_set(err, 0,
			       "config.json: linux.uidMappings/gidMappings: container uid and gid "
			       "0 must be mapped (ward sets the container up as its root)");
	if (!spec_map_id(o->uid_mappings, o->nuid_mappings, spec->uid, &host))
		return err_set(err, 0,
			       "config.json: process.user.uid: %u is not mapped by "
			       "linux.uidMappings",
			       (unsigned)spec->uid);
	if (!spec_map_id(o->gid_mappings, o->ngid_mappings, spec->gid, &host))
		return err_set(err, 0,
			       "config.json: process.user.gid: %u is not mapped by "
			       "linux.gidMappings",
			       (unsigned)spec->gid);
	for (size_t i = 0; i < spec->ngroups; i++)
		if (!spec_map_id(o->gid_mappings, o->ngid_mappings, spec->groups[i], &host))
			return err_set(err, 0,
				       "config.json: process.user.additionalGids: %u is not "
				       "mapped by linux.gidMappings",
				       (unsigned)spec->groups[i]);
	return 0;
}

int oci_check_supported(const struct container_spec *spec, struct ward_err *err)
{
	static const int joinable =
	    CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP;
	const struct spec_oci *o = &spec->oci;
	bool user = false, time = false;
	int r;

	for (size_t i = 0; i < o->nnamespaces; i++) {
		const struct spec_namespace *ns = &o->namespaces[i];

		if (ns->path && !(ns->type & joinable))
			return err_set(err, 0,
				       "config.json: linux.namespaces: joining the %s namespace "
				       "'%s' by path (ward joins pid, network, ipc, uts and cgroup "
				       "namespaces)",
				       ns_name(ns->type), ns->path);
		user |= ns->type == CLONE_NEWUSER;
		time |= ns->type == CLONE_NEWTIME;
	}
	if (user) {
		r = check_user_ns(spec, err);
		if (r < 0)
			return r;
	} else if (o->nuid_mappings || o->ngid_mappings) {
		return err_set(err, 0,
			       "config.json: linux.uidMappings/gidMappings: given without "
			       "a user namespace in linux.namespaces");
	}
	if (!time && (o->time_offsets[0].secs || o->time_offsets[0].nanosecs ||
		      o->time_offsets[1].secs || o->time_offsets[1].nanosecs))
		return err_set(err, 0,
			       "config.json: linux.timeOffsets: given without a time "
			       "namespace in linux.namespaces");
	if (o->hostname_set && !has_ns(o, CLONE_NEWUTS))
		return err_set(err, 0,
			       "config.json: hostname: setting it needs a uts namespace (it would "
			       "change the host's)");
	for (size_t i = 0; i < o->sysctl.n; i++) {
		r = check_sysctl(o, o->sysctl.v[i], err);
		if (r < 0)
			return r;
	}
	if (o->rootfs_propagation & MS_SHARED)
		return err_set(err, 0,
			       "config.json: linux.rootfsPropagation: shared (the container's "
			       "mounts would propagate to the host)");
	r = check_rlimits(o, err);
	if (r < 0)
		return r;
	return 0;
}

/* ---- documents ward writes ------------------------------------------------------------ */

#define GSTR(g, s) yajl_gen_string((g), (const unsigned char *)(s), strlen(s))

static void gen_strs(yajl_gen g, const char *key, const char *const *v)
{
	GSTR(g, key);
	yajl_gen_array_open(g);
	for (; *v; v++)
		GSTR(g, *v);
	yajl_gen_array_close(g);
}

static void gen_caps(yajl_gen g, const char *key, uint64_t caps)
{
	GSTR(g, key);
	yajl_gen_array_open(g);
	for (int c = 0; c < 64; c++)
		if (caps & (1ULL << c) && caps_name(c))
			GSTR(g, caps_name(c));
	yajl_gen_array_close(g);
}

static void gen_mount(yajl_gen g, const char *dst, const char *type, const char *src,
		      const char *const *opts)
{
	yajl_gen_map_open(g);
	GSTR(g, "destination");
	GSTR(g, dst);
	GSTR(g, "type");
	GSTR(g, type);
	GSTR(g, "source");
	GSTR(g, src);
	gen_strs(g, "options", opts);
	yajl_gen_map_close(g);
}

static int gen_write(yajl_gen g, FILE *out, struct ward_err *err)
{
	const unsigned char *buf;
	size_t len;

	if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
		return err_set(err, EIO, "cannot format the document");
	if (fwrite(buf, 1, len, out) != len || fputc('\n', out) == EOF)
		return err_set(err, errno ? errno : EIO, "cannot write the document");
	return 0;
}

int oci_write_default(FILE *out, struct ward_err *err)
{
	static const char *const env[] = {"PATH=" SPEC_DEFAULT_PATH, "TERM=xterm", NULL};
	static const char *const args[] = {"sh", NULL};
	static const char *const ns[] = {"pid", "network", "ipc", "uts", "mount", "cgroup", NULL};
	__attribute__((cleanup(gen_freep))) yajl_gen g = yajl_gen_alloc(NULL);
	uint64_t caps = caps_docker_default();

	if (!g)
		abort();
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_config(g, yajl_gen_indent_string, "\t");
	yajl_gen_map_open(g);
	GSTR(g, "ociVersion");
	GSTR(g, OCI_VERSION);
	GSTR(g, "process");
	yajl_gen_map_open(g);
	GSTR(g, "terminal");
	yajl_gen_bool(g, 0);
	GSTR(g, "user");
	yajl_gen_map_open(g);
	GSTR(g, "uid");
	yajl_gen_integer(g, 0);
	GSTR(g, "gid");
	yajl_gen_integer(g, 0);
	yajl_gen_map_close(g);
	gen_strs(g, "args", args);
	gen_strs(g, "env", env);
	GSTR(g, "cwd");
	GSTR(g, "/");
	GSTR(g, "capabilities");
	yajl_gen_map_open(g);
	gen_caps(g, "bounding", caps);
	gen_caps(g, "effective", caps);
	gen_caps(g, "permitted", caps);
	yajl_gen_map_close(g);
	GSTR(g, "noNewPrivileges");
	yajl_gen_bool(g, 1);
	yajl_gen_map_close(g);
	GSTR(g, "root");
	yajl_gen_map_open(g);
	GSTR(g, "path");
	GSTR(g, "rootfs");
	GSTR(g, "readonly");
	yajl_gen_bool(g, 1);
	yajl_gen_map_close(g);
	GSTR(g, "hostname");
	GSTR(g, "ward");
	GSTR(g, "mounts");
	yajl_gen_array_open(g);
	gen_mount(g, "/proc", "proc", "proc",
		  (const char *const[]){"nosuid", "noexec", "nodev", NULL});
	gen_mount(g, "/dev", "tmpfs", "tmpfs",
		  (const char *const[]){"nosuid", "strictatime", "mode=755", "size=65536k", NULL});
	gen_mount(g, "/dev/pts", "devpts", "devpts",
		  (const char *const[]){"nosuid", "noexec", "newinstance", "ptmxmode=0666",
					"mode=0620", "gid=5", NULL});
	gen_mount(
	    g, "/dev/shm", "tmpfs", "shm",
	    (const char *const[]){"nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL});
	gen_mount(g, "/dev/mqueue", "mqueue", "mqueue",
		  (const char *const[]){"nosuid", "noexec", "nodev", NULL});
	gen_mount(g, "/sys", "sysfs", "sysfs",
		  (const char *const[]){"nosuid", "noexec", "nodev", "ro", NULL});
	yajl_gen_array_close(g);
	GSTR(g, "linux");
	yajl_gen_map_open(g);
	GSTR(g, "namespaces");
	yajl_gen_array_open(g);
	for (size_t i = 0; ns[i]; i++) {
		yajl_gen_map_open(g);
		GSTR(g, "type");
		GSTR(g, ns[i]);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	/* as runc's: no device node but the standard ones */
	GSTR(g, "resources");
	yajl_gen_map_open(g);
	GSTR(g, "devices");
	yajl_gen_array_open(g);
	yajl_gen_map_open(g);
	GSTR(g, "allow");
	yajl_gen_bool(g, 0);
	GSTR(g, "access");
	GSTR(g, "rwm");
	yajl_gen_map_close(g);
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	gen_strs(g, "maskedPaths", mnt_masked_paths);
	gen_strs(g, "readonlyPaths", mnt_readonly_paths);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	return gen_write(g, out, err);
}

int oci_features(FILE *out, struct ward_err *err)
{
	static const char *const hooks[] = {"prestart",
					    "createRuntime",
					    "createContainer",
					    "startContainer",
					    "poststart",
					    "poststop",
					    NULL};
	static const char *const ns[] = {"pid",	   "network", "ipc",  "uts", "mount",
					 "cgroup", "user",    "time", NULL};
	__attribute__((cleanup(gen_freep))) yajl_gen g = yajl_gen_alloc(NULL);
	const char *opts[sizeof(mount_flags) / sizeof(mount_flags[0]) + 1];
	const char *caps[65];
	size_t n = 0;

	if (!g)
		abort();
	for (size_t i = 0; i < sizeof(mount_flags) / sizeof(mount_flags[0]); i++)
		opts[i] = mount_flags[i].name;
	opts[sizeof(mount_flags) / sizeof(mount_flags[0])] = NULL;
	for (int c = 0; c < 64; c++)
		if ((caps_all() & (1ULL << c)) && caps_name(c))
			caps[n++] = caps_name(c);
	caps[n] = NULL;
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_map_open(g);
	GSTR(g, "ociVersionMin");
	GSTR(g, "1.0.0");
	GSTR(g, "ociVersionMax");
	GSTR(g, OCI_VERSION);
	gen_strs(g, "hooks", hooks);
	gen_strs(g, "mountOptions", opts);
	GSTR(g, "linux");
	yajl_gen_map_open(g);
	gen_strs(g, "namespaces", ns);
	gen_strs(g, "capabilities", caps);
	GSTR(g, "cgroup");
	yajl_gen_map_open(g);
	GSTR(g, "v1");
	yajl_gen_bool(g, 1);
	GSTR(g, "v2");
	yajl_gen_bool(g, 1);
	yajl_gen_map_close(g);
	GSTR(g, "seccomp");
	yajl_gen_map_open(g);
	GSTR(g, "enabled");
	yajl_gen_bool(g, 1);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	return gen_write(g, out, err);
}
