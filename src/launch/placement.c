/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * placement.c - which cgroup a container gets: none, ward's own (under
 * --cgroup-parent), or the one an engine named; made before the clone, removed
 * at the end. The mechanics are the cgroup module's (src/launch/cgroup/).
 */
#include "launch.h"

#include <errno.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/mount.h>

#include "ward/cgroup.h"
#include "ward/log.h"
#include "ward/ns.h"

/*
 * `ward run` needs no cgroup when nothing asks for one (no limit, no device rule
 * of its own, no cgroupsPath, its own pid namespace) and the device cgroup has
 * nothing to guard: no node it could make (CAP_MKNOD outside a user namespace)
 * or see through a bind mount allowing devices, only the ones ward put in /dev.
 */
bool placement_no_cgroup(const struct container_spec *spec, const struct proc_opts *opts)
{
	size_t i;

	if (opts->id || (spec->oci.cgroups_path && spec->oci.cgroups_path[0]))
		return false;
	if ((spec->resources.set & ~(unsigned int)SPEC_RES_DEVICES) ||
	    ((spec->resources.set & SPEC_RES_DEVICES) && !spec->resources.devices_default))
		return false;
	if (!ns_is_new(spec, CLONE_NEWPID))
		return false;
	if ((spec->caps & (UINT64_C(1) << CAP_MKNOD)) && !ns_is_new(spec, CLONE_NEWUSER))
		return false;
	for (i = 0; i < spec->nmounts; i++)
		if (spec->mounts[i].kind == SPEC_MOUNT_BIND && !(spec->mounts[i].flags & MS_NODEV))
			return false;
	return true;
}

/*
 * The container's cgroup: detected, stale ones from a SIGKILLed ward removed,
 * created with the limits, before clone so a failure leaves nothing started.
 */
int placement_cgroup(const struct container_spec *spec, const char *oci_id, bool devices_later,
		     struct cg_layout *layout, struct cg_handle *cg, struct ward_err *err)
{
	char id[16];
	int r;

	/* rootless: ward may write no cgroup (and finds no delegation it could use) */
	if (spec->rootless) {
		memset(cg, 0, sizeof(*cg));
		if (spec->oci.cgroup_parent)
			return err_set(err, 0,
				       "rootless: --cgroup-parent needs cgroups, which ward writes "
				       "only as root");
		if (spec->resources.set & ~(unsigned int)SPEC_RES_DEVICES)
			return err_set(err, 0,
				       "rootless: resource limits need cgroups, which ward writes "
				       "only as root");
		log_debug("rootless: no cgroup of the container's own, no device cgroup");
		return 0;
	}
	r = cg_detect("/proc/self/mountinfo", "/proc/self/cgroup", layout, err);
	if (r < 0)
		return r;
	layout->devices_later = devices_later;
	/* linux.cgroupsPath where the engine reads the container's stats from */
	if (oci_id && spec->oci.cgroups_path && spec->oci.cgroups_path[0])
		return cg_create_path(layout, spec->oci.cgroups_path, &spec->resources, cg, err);
	if (oci_id)
		return cg_create_detached(layout, oci_id, &spec->resources, cg, err);
	cg_make_id(id, sizeof(id));
	if (spec->oci.cgroup_parent)
		return cg_create_under(layout, spec->oci.cgroup_parent, id, &spec->resources, cg,
				       err);
	return cg_create(layout, id, &spec->resources, cg, err);
}

void placement_finish(struct cg_handle *cg)
{
	struct ward_err e;

	if (cg_destroy(cg, &e) < 0)
		log_warn("cannot remove the container's cgroup: %s", e.msg);
	cg_handle_release(cg);
}
