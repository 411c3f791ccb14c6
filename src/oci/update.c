/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * update.c - `ward update ID`: new limits for a created, running or paused
 * container's cgroups, from runc's flags and its -r LinuxResources JSON.
 */
#include "state_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ward/cgroup.h"
#include "ward/cleanup.h"
#include "ward/oci.h"
#include "ward/spec.h"
#include "ward/util.h"

/* update -r FILE ("-": stdin): runc's LinuxResources JSON */
static int read_resources(const char *path, struct spec_resources *res, struct ward_err *err)
{
	cleanup_free char *text = NULL;
	size_t len = 0;

	if (strcmp(path, "-") == 0) {
		size_t cap = 0;
		ssize_t n;

		do {
			if (len + 4096 > cap)
				text = xrealloc(text, cap = cap ? cap * 2 : 8192);
			n = read(STDIN_FILENO, text + len, cap - len);
			if (n > 0)
				len += (size_t)n;
		} while (n > 0 || (n < 0 && errno == EINTR));
		if (n < 0)
			return err_set(err, errno, "update: cannot read the resources from stdin");
	} else if (read_file(path, STATE_MAX, &text, &len, err) < 0) {
		return err_prefix(err, "update -r");
	}
	if (oci_parse_resources(text ? text : "", len, res, err) < 0)
		return err_prefix(err, "update -r '%s'", path);
	return 0;
}

int state_update(const struct state_opts *o, struct ward_err *err)
{
	const struct spec_resources *flags = &o->update;
	cleanup_free char *dir = NULL;
	cleanup_close int lock = -1;
	struct spec_resources res = {0};
	struct cg_layout layout;
	enum state_status st;
	struct record rec;
	bool loaded;
	int r;

	if (o->resources && read_resources(o->resources, &res, err) < 0) {
		free(res.cpuset_cpus);
		free(res.devices);
		return -EINVAL;
	}
	/* the flags over the file, each where it says something */
	if (flags->set & SPEC_RES_MEMORY)
		res.memory = flags->memory;
	if (flags->set & SPEC_RES_MEMORY_SWAP)
		res.memory_swap = flags->memory_swap;
	if (flags->set & SPEC_RES_PIDS)
		res.pids = flags->pids;
	if (flags->set & SPEC_RES_CPUS)
		res.cpu_quota_us = flags->cpu_quota_us;
	if (flags->cpu_period_us)
		res.cpu_period_us = flags->cpu_period_us;
	if (flags->set & SPEC_RES_CPU_SHARES)
		res.cpu_shares = flags->cpu_shares;
	if (flags->set & SPEC_RES_CPUSET_CPUS) {
		free(res.cpuset_cpus);
		res.cpuset_cpus = xstrdup(flags->cpuset_cpus);
	}
	res.set |= flags->set;
	r = open_container(o, &dir, &lock, &rec, &st, err);
	loaded = r == 0;
	if (r == 0 && st != STATE_CREATED && st != STATE_RUNNING && st != STATE_PAUSED)
		r = err_set(err, 0, "cannot update container '%s': it is %s", o->id,
			    state_status_name(st));
	if (r == 0 && (flags->cpu_period_us && !(res.set & SPEC_RES_CPUS)))
		r = err_set(err, 0, "update: --cpu-period needs --cpu-quota");
	if (r == 0 && !(res.set & ~(unsigned int)SPEC_RES_DEVICES))
		r = err_set(err, 0, "update: no limit given");
	if (r == 0)
		r = cg_detect("/proc/self/mountinfo", "/proc/self/cgroup", &layout, err);
	if (r == 0)
		r = cg_update(&layout, &rec.cg, &res, err);
	if (loaded)
		record_release(&rec);
	free(res.cpuset_cpus);
	free(res.devices);
	return r;
}
