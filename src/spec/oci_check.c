/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * oci_check.c - oci_check_supported(): what a parsed config asks for and ward
 * cannot do (yet), or must not do to the host, refused before anything starts.
 */
#include "ward/oci.h"

#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "ward/oci_parse.h"

/*
 * linux.sysctl keys that belong to a namespace, and the one they need. The refusal
 * names only the families engines set (its text is what callers match); the UTS
 * names are allowed too, as runc allows them.
 */
static const struct {
	const char *prefix; /* a whole key, or a prefix when it ends in '.' or '*' */
	int ns;
} namespaced_sysctls[] = {
    {"net.", CLONE_NEWNET},
    {"kernel.shm*", CLONE_NEWIPC},
    {"kernel.msg*", CLONE_NEWIPC},
    {"kernel.sem", CLONE_NEWIPC},
    {"fs.mqueue.", CLONE_NEWIPC},
    {"kernel.hostname", CLONE_NEWUTS},
    {"kernel.domainname", CLONE_NEWUTS},
};

static bool has_ns(const struct spec_oci *o, int type)
{
	for (size_t i = 0; i < o->nnamespaces; i++)
		if (o->namespaces[i].type == type)
			return true;
	return false;
}

/* a network namespace of the container's own: listed, without a path */
static bool new_netns(const struct spec_oci *o)
{
	for (size_t i = 0; i < o->nnamespaces; i++)
		if (o->namespaces[i].type == CLONE_NEWNET && !o->namespaces[i].path)
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
			       (int)klen, kv, oci_ns_name(namespaced_sysctls[k].ns));
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
				       oci_ns_name(o->namespaces[i].type), o->namespaces[i].path);
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
				       oci_ns_name(ns->type), ns->path);
		user |= ns->type == CLONE_NEWUSER;
		time |= ns->type == CLONE_NEWTIME;
	}
	/* the container's tree is attached in ward's mount namespace, where only ward's root
	 * may mount and where a user namespace's root could not enter */
	if (user && !has_ns(o, CLONE_NEWNS))
		return err_set(err, 0,
			       "config.json: linux.namespaces: a user namespace needs a mount "
			       "namespace of its own (add {\"type\": \"mount\"})");
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
	if (o->domainname && !has_ns(o, CLONE_NEWUTS))
		return err_set(err, 0,
			       "config.json: domainname: setting it needs a uts namespace (it "
			       "would change the host's)");
	for (size_t i = 0; i < o->sysctl.n; i++) {
		r = check_sysctl(o, o->sysctl.v[i], err);
		if (r < 0)
			return r;
	}
	if (o->netdevs.n && !new_netns(o))
		return err_set(err, 0,
			       "config.json: linux.netDevices: moving interfaces needs a new "
			       "network namespace in linux.namespaces");
	r = oci_check_rlimits(o, err);
	if (r < 0)
		return r;
	return 0;
}
