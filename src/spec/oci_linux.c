/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * oci_linux.c - config.json's "linux" object: namespaces (new or joined), id
 * mappings, masked and read-only paths, time offsets, sysctl, seccomp (kept as
 * JSON text for the profile engine), rootfs propagation, cgroupsPath and device
 * nodes. linux.resources is oci_resources.c's.
 */
#include "ward/oci_parse.h"

#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ward/json.h"
#include "ward/profile.h"

static const struct {
	const char *name;
	int flag;
} ns_types[] = {
    {"pid", CLONE_NEWPID},	 {"network", CLONE_NEWNET}, {"mount", CLONE_NEWNS},
    {"ipc", CLONE_NEWIPC},	 {"uts", CLONE_NEWUTS},	    {"user", CLONE_NEWUSER},
    {"cgroup", CLONE_NEWCGROUP}, {"time", CLONE_NEWTIME},
};

const char *oci_ns_name(int flag)
{
	for (size_t i = 0; i < sizeof(ns_types) / sizeof(ns_types[0]); i++)
		if (ns_types[i].flag == flag)
			return ns_types[i].name;
	return "?";
}

static int parse_namespaces(yajl_val v, struct container_spec *spec, struct ward_err *err)
{
	struct spec_oci *o = &spec->oci;
	char field[OCI_FIELD_MAX];

	spec->network = SPEC_NET_HOST; /* no "network" entry: the host's */
	if (!v)
		return 0;
	if (!YAJL_IS_ARRAY(v))
		return oci_bad(err, "linux.namespaces", "must be an array");
	o->namespaces = xcalloc(json_len(v) + 1, sizeof(*o->namespaces));
	for (size_t i = 0; i < json_len(v); i++) {
		yajl_val ns = json_elem(v, i);
		const char *type = NULL, *path = NULL;
		size_t k, n = sizeof(ns_types) / sizeof(ns_types[0]);
		struct stat st;

		if (oci_get_type(ns, "linux.namespaces", i, field, &type, err) < 0)
			return -EINVAL;
		for (k = 0; k < n; k++)
			if (strcmp(type, ns_types[k].name) == 0)
				break;
		if (k == n)
			return err_set(err, 0, "%s: unknown namespace type '%s'", field, type);
		for (size_t j = 0; j < o->nnamespaces; j++)
			if (o->namespaces[j].type == ns_types[k].flag)
				return err_set(err, 0, "%s: namespace '%s' given twice", field,
					       type);
		if (oci_get_string(ns, "path", oci_field_at(field, "linux.namespaces", i, "path"),
				   &path, err) < 0)
			return -EINVAL;
		if (path && *path) {
			if (path[0] != '/')
				return oci_bad(err, field, "must be an absolute path");
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
	char base[OCI_FIELD_MAX], field[OCI_FIELD_MAX];
	yajl_val v = json_get(lx, key);

	(void)snprintf(base, sizeof(base), "linux.%s", key);
	if (!v)
		return 0;
	if (!YAJL_IS_ARRAY(v))
		return oci_bad(err, base, "must be an array");
	*out = xcalloc(json_len(v) + 1, sizeof(**out));
	for (size_t i = 0; i < json_len(v); i++) {
		yajl_val m = json_elem(v, i);
		long long c = 0, h = 0, s = 0;
		bool cs, hs, ss;

		if (!YAJL_IS_OBJECT(m))
			return oci_bad(err, oci_field_at(field, base, i, NULL),
				       "must be an object");
		if (oci_get_int(m, "containerID", oci_field_at(field, base, i, "containerID"), 0,
				UINT32_MAX, &c, &cs, err) < 0 ||
		    oci_get_int(m, "hostID", oci_field_at(field, base, i, "hostID"), 0, UINT32_MAX,
				&h, &hs, err) < 0 ||
		    oci_get_int(m, "size", oci_field_at(field, base, i, "size"), 1, UINT32_MAX, &s,
				&ss, err) < 0)
			return -EINVAL;
		if (!cs || !hs || !ss)
			return oci_bad(err, oci_field_at(field, base, i, NULL),
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
	char field[OCI_FIELD_MAX];
	int r;

	(void)snprintf(field, sizeof(field), "linux.%s", key);
	if (!json_get(lx, key))
		return 0;
	*set = true;
	r = oci_get_strv(lx, key, field, sv, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < sv->n; i++)
		if (sv->v[i][0] != '/')
			return err_set(err, 0, "%s: '%s' is not an absolute path", field, sv->v[i]);
	return 0;
}
static int parse_seccomp(yajl_val v, struct container_spec *spec, struct ward_err *err)
{
	cleanup_json_gen yajl_gen g = NULL;
	struct profile *prof = NULL;
	const unsigned char *buf;
	size_t len;
	int r;

	spec->seccomp_mode = SPEC_SECCOMP_UNCONFINED; /* no linux.seccomp: no filter */
	if (!v)
		return 0;
	if (!YAJL_IS_OBJECT(v))
		return oci_bad(err, "linux.seccomp", "must be an object");
	g = json_gen_new(NULL);
	json_gen_value(g, v);
	if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
		return oci_bad(err, "linux.seccomp", "cannot be serialised");
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

	if (oci_get_string(lx, "rootfsPropagation", "linux.rootfsPropagation", &p, err) < 0)
		return -EINVAL;
	if (!p || !*p)
		return 0;
	if (oci_propagation(p, &o->rootfs_propagation))
		return 0;
	return err_set(err, 0, "linux.rootfsPropagation: unknown propagation '%s'", p);
}

/* linux.devices[]: {path, type c|b|u|p, major, minor, fileMode, uid, gid} */
static int parse_devices(yajl_val devices, struct spec_oci *o, struct ward_err *err)
{
	char field[OCI_FIELD_MAX];

	if (!devices || !json_len(devices))
		return 0;
	o->devices = xcalloc(json_len(devices), sizeof(*o->devices));
	for (size_t i = 0; i < json_len(devices); i++) {
		yajl_val d = json_elem(devices, i);
		struct spec_device *dev = &o->devices[o->ndevices];
		const char *path = NULL, *type = NULL;
		long long major = 0, minor = 0, mode = 0666, uid = 0, gid = 0;
		bool has_major, has_minor, set;

		if (!YAJL_IS_OBJECT(d))
			return oci_bad(err, oci_field_at(field, "linux.devices", i, NULL),
				       "must be an object");
		if (oci_get_string(d, "path", oci_field_at(field, "linux.devices", i, "path"),
				   &path, err) < 0 ||
		    oci_get_string(d, "type", oci_field_at(field, "linux.devices", i, "type"),
				   &type, err) < 0 ||
		    oci_get_int(d, "major", oci_field_at(field, "linux.devices", i, "major"), 0,
				4095, &major, &has_major, err) < 0 ||
		    oci_get_int(d, "minor", oci_field_at(field, "linux.devices", i, "minor"), 0,
				1048575, &minor, &has_minor, err) < 0 ||
		    oci_get_int(d, "fileMode", oci_field_at(field, "linux.devices", i, "fileMode"),
				0, 0177777, &mode, &set, err) < 0 ||
		    oci_get_int(d, "uid", oci_field_at(field, "linux.devices", i, "uid"), 0,
				UINT32_MAX - 1, &uid, &set, err) < 0 ||
		    oci_get_int(d, "gid", oci_field_at(field, "linux.devices", i, "gid"), 0,
				UINT32_MAX - 1, &gid, &set, err) < 0)
			return -EINVAL;
		/* anywhere in the container (runc), made inside the root by the mount module */
		if (!path || path[0] != '/' || !path[1] || strstr(path, "/../") ||
		    !strcmp(path + strlen(path) - 3, "/.."))
			return oci_bad(err, oci_field_at(field, "linux.devices", i, "path"),
				       "must be an absolute path without '..'");
		if (!type || (strcmp(type, "c") && strcmp(type, "u") && strcmp(type, "b") &&
			      strcmp(type, "p")))
			return oci_bad(err, oci_field_at(field, "linux.devices", i, "type"),
				       "must be c, u, b or p");
		if (type[0] != 'p' && (!has_major || !has_minor))
			return oci_bad(err, oci_field_at(field, "linux.devices", i, NULL),
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

	if (oci_check_object(v, "linux.timeOffsets", err) < 0)
		return -EINVAL;
	for (size_t i = 0; v && i < v->u.object.len; i++) {
		const char *key = v->u.object.keys[i];
		char field[OCI_FIELD_MAX], fsecs[OCI_FIELD_MAX + 16], fnsecs[OCI_FIELD_MAX + 16];
		long long secs = 0, nsecs = 0;
		bool set;
		size_t k;

		for (k = 0; k < 2 && strcmp(key, clocks[k]) != 0; k++)
			;
		(void)snprintf(field, sizeof(field), "linux.timeOffsets.%s", key);
		(void)snprintf(fsecs, sizeof(fsecs), "%s.secs", field);
		(void)snprintf(fnsecs, sizeof(fnsecs), "%s.nanosecs", field);
		if (k == 2)
			return oci_bad(err, field,
				       "is not a clock of a time namespace (monotonic, "
				       "boottime)");
		if (oci_check_object(v->u.object.values[i], field, err) < 0 ||
		    oci_get_int(v->u.object.values[i], "secs", fsecs, INT64_MIN / 2, INT64_MAX / 2,
				&secs, &set, err) < 0 ||
		    oci_get_int(v->u.object.values[i], "nanosecs", fnsecs, 0, 999999999, &nsecs,
				&set, err) < 0)
			return -EINVAL;
		o->time_offsets[k].secs = secs;
		o->time_offsets[k].nanosecs = (uint32_t)nsecs;
	}
	return 0;
}

int oci_linux_parse(yajl_val lx, struct container_spec *spec, struct ward_err *err)
{
	struct spec_oci *o = &spec->oci;
	yajl_val sysctl, devices;
	const char *cg = NULL;

	spec->seccomp_mode = SPEC_SECCOMP_UNCONFINED;
	spec->network = SPEC_NET_HOST;
	if (!lx)
		return 0;
	if (!YAJL_IS_OBJECT(lx))
		return oci_bad(err, "linux", "must be an object");
	if (parse_namespaces(json_get(lx, "namespaces"), spec, err) < 0 ||
	    parse_idmaps(lx, "uidMappings", &o->uid_mappings, &o->nuid_mappings, err) < 0 ||
	    parse_idmaps(lx, "gidMappings", &o->gid_mappings, &o->ngid_mappings, err) < 0 ||
	    parse_paths(lx, "maskedPaths", &o->masked_set, &o->masked_paths, err) < 0 ||
	    parse_paths(lx, "readonlyPaths", &o->readonly_set, &o->readonly_paths, err) < 0 ||
	    oci_resources_parse(json_get(lx, "resources"), &spec->resources, err) < 0 ||
	    parse_time_offsets(json_get(lx, "timeOffsets"), o, err) < 0 ||
	    parse_seccomp(json_get(lx, "seccomp"), spec, err) < 0 ||
	    parse_propagation(lx, o, err) < 0 || oci_host_parse(lx, o, err) < 0)
		return -EINVAL;
	if (oci_get_string(lx, "cgroupsPath", "linux.cgroupsPath", &cg, err) < 0)
		return -EINVAL;
	if (cg && *cg)
		o->cgroups_path = xstrdup(cg);
	sysctl = json_get(lx, "sysctl");
	if (oci_check_object(sysctl, "linux.sysctl", err) < 0)
		return -EINVAL;
	for (size_t i = 0; sysctl && i < sysctl->u.object.len; i++) {
		yajl_val val = sysctl->u.object.values[i];

		if (!YAJL_IS_STRING(val))
			return err_set(err, 0, "linux.sysctl: '%s' must be a string",
				       sysctl->u.object.keys[i]);
		strv_push_owned(&o->sysctl,
				xasprintf("%s=%s", sysctl->u.object.keys[i], val->u.string));
	}
	devices = json_get(lx, "devices");
	if (devices && !YAJL_IS_ARRAY(devices))
		return oci_bad(err, "linux.devices", "must be an array");
	if (parse_devices(devices, o, err) < 0)
		return -EINVAL;
	oci_finish_device_rules(spec);
	return 0;
}
