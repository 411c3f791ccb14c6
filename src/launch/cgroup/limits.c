/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * limits.c - the resource knobs: which controllers a set of limits needs, the
 * v1 and v2 writers for memory, pids, cpu, cpuset and devices (used at creation
 * and by `ward update`), and reading back whether the OOM killer struck.
 */
#include "cgroup_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/devcg.h"
#include "ward/log.h"
#include "ward/util.h"

#define OCI_SHARES_MIN 2ULL
#define OCI_SHARES_MAX 262144ULL
#define OCI_WEIGHT_MAX 10000ULL

void cg_want_from(const struct spec_resources *res, struct want *w)
{
	static const struct {
		unsigned int bit;
		enum cg_controller c;
		const char *flag;
	} map[] = {
	    {SPEC_RES_MEMORY, CG_MEMORY, "--memory"},
	    {SPEC_RES_MEMORY_SWAP, CG_MEMORY, "--memory-swap"},
	    {SPEC_RES_PIDS, CG_PIDS, "--pids-limit"},
	    {SPEC_RES_CPUS, CG_CPU, "--cpus"},
	    {SPEC_RES_CPU_SHARES, CG_CPU, "--cpu-shares"},
	    {SPEC_RES_CPU_WEIGHT, CG_CPU, "--cpu-weight"},
	    {SPEC_RES_CPUSET_CPUS, CG_CPUSET, "--cpuset-cpus"},
	    {SPEC_RES_DEVICES, CG_DEVICES, "linux.resources.devices"},
	    {SPEC_RES_MEMORY_OCI, CG_MEMORY, "linux.resources.memory"},
	    {SPEC_RES_CPU_RT, CG_CPU, "linux.resources.cpu.realtimeRuntime"},
	    {SPEC_RES_CPUSET_MEMS, CG_CPUSET, "linux.resources.cpu.mems"},
	    {SPEC_RES_BLKIO, CG_BLKIO, "linux.resources.blockIO"},
	    {SPEC_RES_HUGETLB, CG_HUGETLB, "linux.resources.hugepageLimits"},
	    {SPEC_RES_NET_CLS, CG_NET_CLS, "linux.resources.network.classID"},
	    {SPEC_RES_NET_PRIO, CG_NET_PRIO, "linux.resources.network.priorities"},
	    {SPEC_RES_CPU_IDLE, CG_CPU, "linux.resources.cpu.idle"},
	    {SPEC_RES_CPU_BURST, CG_CPU, "linux.resources.cpu.burst"},
	    {SPEC_RES_RDMA, CG_RDMA, "linux.resources.rdma"},
	};

	memset(w, 0, sizeof(*w));
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (!(res->set & map[i].bit) || (w->ctrls & BIT(map[i].c)))
			continue;
		w->ctrls |= BIT(map[i].c);
		w->flag[map[i].c] = map[i].flag;
	}
}

static int knob(const char *dir, const char *name, const char *value, const char *flag,
		struct ward_err *err)
{
	char path[CG_PATH_MAX + 64];

	if (cg_path_fmt(path, sizeof(path), "%s/%s", dir, name) < 0)
		return err_set(err, ENAMETOOLONG, "cannot apply %s", flag);
	if (write_file(path, value, err) < 0)
		return err_prefix(err, "cannot apply %s", flag);
	return 0;
}

static int knob_u64(const char *dir, const char *name, unsigned long long v, const char *flag,
		    struct ward_err *err)
{
	char buf[32];

	(void)snprintf(buf, sizeof(buf), "%llu", v);
	return knob(dir, name, buf, flag, err);
}

static bool knob_exists(const char *dir, const char *name)
{
	char path[CG_PATH_MAX + 64];

	return cg_path_fmt(path, sizeof(path), "%s/%s", dir, name) == 0 && access(path, F_OK) == 0;
}

/* The OCI conversion (runtime-spec, crun): shares 2..262144 -> weight 1..10000. */
static unsigned long long shares_to_weight(unsigned long long shares)
{
	if (shares < OCI_SHARES_MIN)
		shares = OCI_SHARES_MIN;
	if (shares > OCI_SHARES_MAX)
		shares = OCI_SHARES_MAX;
	return 1 + ((shares - 2) * 9999) / 262142;
}

static unsigned long long weight_to_shares(unsigned long long weight)
{
	if (weight < 1)
		weight = 1;
	if (weight > OCI_WEIGHT_MAX)
		weight = OCI_WEIGHT_MAX;
	return 2 + ((weight - 1) * 262142) / 9999;
}

/*
 * --memory-swap's knob value in @buf: 1; 0 when swap accounting is off and that
 * may be ignored (warned); or a negative errno with @err set.
 */
static int swap_value(const char *dir, bool v2, const struct spec_resources *res, char *buf,
		      size_t len, struct ward_err *err)
{
	const char *swap_knob = v2 ? "memory.swap.max" : "memory.memsw.limit_in_bytes";

	if (res->memory_swap >= 0 && !(res->set & SPEC_RES_MEMORY))
		return err_set(err, 0, "cannot apply --memory-swap without --memory");
	if (res->memory_swap >= 0 && (uint64_t)res->memory_swap < res->memory)
		return err_set(err, 0, "cannot apply --memory-swap: it must be at least --memory");
	if (!knob_exists(dir, swap_knob)) {
		if (!res->ignore_missing)
			return err_set(err, 0,
				       "cannot apply --memory-swap: swap accounting is not enabled "
				       "(no '%s'; boot with swapaccount=1)",
				       swap_knob);
		log_warn("ignoring --memory-swap: swap accounting is not enabled (no '%s')",
			 swap_knob);
		return 0;
	}
	if (res->memory_swap < 0)
		(void)snprintf(buf, len, "%s", v2 ? "max" : "-1");
	else /* v2 limits swap alone; v1 and the flag mean memory plus swap */
		(void)snprintf(buf, len, "%llu",
			       v2 ? (unsigned long long)((uint64_t)res->memory_swap - res->memory)
				  : (unsigned long long)res->memory_swap);
	return 1;
}

/* A field the controller is there for but this host cannot apply: the flags' rule. */
static int cannot(const struct spec_resources *res, const char *field, const char *why,
		  struct ward_err *err)
{
	if (!res->ignore_missing)
		return err_set(err, 0, "cannot apply %s: %s", field, why);
	log_warn("ignoring %s: %s", field, why);
	return 0;
}

/* @v as a knob wants it: "max" (v2) or "-1" (v1) for a negative one */
static int knob_i64(const char *dir, bool v2, const char *name, int64_t v, const char *flag,
		    struct ward_err *err)
{
	if (v < 0)
		return knob(dir, name, v2 ? "max" : "-1", flag, err);
	return knob_u64(dir, name, (unsigned long long)v, flag, err);
}

/* linux.resources.memory's other fields */
static int write_memory_oci(const char *dir, bool v2, const struct spec_resources *res,
			    struct ward_err *err)
{
	int r = 0;

	if (res->mem & SPEC_MEM_RESERVATION)
		r = knob_i64(dir, v2, v2 ? "memory.low" : "memory.soft_limit_in_bytes",
			     res->memory_reservation, "linux.resources.memory.reservation", err);
	if (r == 0 && (res->mem & SPEC_MEM_SWAPPINESS))
		r = v2 ? cannot(res, "linux.resources.memory.swappiness",
				"cgroup v2 has no per-cgroup swappiness", err)
		       : knob_u64(dir, "memory.swappiness", res->swappiness,
				  "linux.resources.memory.swappiness", err);
	if (r == 0 && (res->mem & SPEC_MEM_NO_OOM_KILL))
		r = v2 ? cannot(res, "linux.resources.memory.disableOOMKiller",
				"cgroup v2 cannot disable the OOM killer", err)
		       : knob(dir, "memory.oom_control", "1",
			      "linux.resources.memory.disableOOMKiller", err);
	/* v2 accounts hierarchically always; v1 refuses a change once the cgroup has children */
	if (r == 0 && (res->mem & SPEC_MEM_USE_HIERARCHY) && !v2)
		r = knob(dir, "memory.use_hierarchy", res->use_hierarchy ? "1" : "0",
			 "linux.resources.memory.useHierarchy", err);
	/* kernel memory limits are gone from the kernel (5.16); runc 1.1 ignores them */
	if (r == 0 && (res->mem & SPEC_MEM_KERNEL))
		log_warn("ignoring linux.resources.memory.kernel: kernel memory limits are "
			 "deprecated and not applied");
	if (r == 0 && (res->mem & SPEC_MEM_KERNEL_TCP)) {
		if (!v2 && knob_exists(dir, "memory.kmem.tcp.limit_in_bytes"))
			r = knob_i64(dir, false, "memory.kmem.tcp.limit_in_bytes", res->kernel_tcp,
				     "linux.resources.memory.kernelTCP", err);
		else
			r = cannot(res, "linux.resources.memory.kernelTCP",
				   "this kernel has no TCP buffer limit for a cgroup", err);
	}
	return r;
}

static int write_memory(const char *dir, bool v2, const struct spec_resources *res,
			struct ward_err *err)
{
	const char *swap_knob = v2 ? "memory.swap.max" : "memory.memsw.limit_in_bytes";
	const char *mem_knob = v2 ? "memory.max" : "memory.limit_in_bytes";
	char swap[32] = "";
	int r, have_swap = 0;

	if (res->set & SPEC_RES_MEMORY_SWAP) {
		have_swap = swap_value(dir, v2, res, swap, sizeof(swap), err);
		if (have_swap < 0)
			return have_swap;
	}
	if (res->set & SPEC_RES_MEMORY) {
		r = knob_u64(dir, mem_knob, (unsigned long long)res->memory, "--memory", err);
		/* v1 refuses memory above memory+swap's limit (`ward update` raising both):
		 * the latter goes first then */
		if (r == -EINVAL && !v2 && have_swap > 0) {
			r = knob(dir, swap_knob, swap, "--memory-swap", err);
			if (r == 0)
				r = knob_u64(dir, mem_knob, (unsigned long long)res->memory,
					     "--memory", err);
			return r;
		}
		if (r < 0)
			return r;
	}
	r = have_swap > 0 ? knob(dir, swap_knob, swap, "--memory-swap", err) : 0;
	if (r == 0 && (res->set & SPEC_RES_MEMORY_OCI))
		r = write_memory_oci(dir, v2, res, err);
	return r;
}

static int write_pids(const char *dir, const struct spec_resources *res, struct ward_err *err)
{
	if (res->pids < 0)
		return knob(dir, "pids.max", "max", "--pids-limit", err);
	return knob_u64(dir, "pids.max", (unsigned long long)res->pids, "--pids-limit", err);
}

static int write_cpu(const char *dir, bool v2, const struct spec_resources *res,
		     struct ward_err *err)
{
	unsigned long long period = res->cpu_period_us ? res->cpu_period_us : 100000;
	int r = 0;

	if (res->set & SPEC_RES_CPUS) {
		if (v2) {
			char buf[64];

			(void)snprintf(buf, sizeof(buf), "%llu %llu",
				       (unsigned long long)res->cpu_quota_us, period);
			r = knob(dir, "cpu.max", buf, "--cpus", err);
		} else {
			/* the period first: the kernel checks the quota against it */
			r = knob_u64(dir, "cpu.cfs_period_us", period, "--cpus", err);
			if (r == 0)
				r = knob_u64(dir, "cpu.cfs_quota_us",
					     (unsigned long long)res->cpu_quota_us, "--cpus", err);
		}
		if (r < 0)
			return r;
	}
	if (res->set & SPEC_RES_CPU_SHARES) {
		if (v2)
			r = knob_u64(dir, "cpu.weight", shares_to_weight(res->cpu_shares),
				     "--cpu-shares", err);
		else
			r = knob_u64(dir, "cpu.shares", res->cpu_shares, "--cpu-shares", err);
		if (r < 0)
			return r;
	}
	if (res->set & SPEC_RES_CPU_WEIGHT) {
		if (v2)
			r = knob_u64(dir, "cpu.weight", res->cpu_weight, "--cpu-weight", err);
		else
			r = knob_u64(dir, "cpu.shares", weight_to_shares(res->cpu_weight),
				     "--cpu-weight", err);
		if (r < 0)
			return r;
	}
	if (res->set & SPEC_RES_CPU_RT) {
		if (v2 || !knob_exists(dir, "cpu.rt_runtime_us"))
			return cannot(res, "linux.resources.cpu.realtimeRuntime",
				      "this kernel has no realtime budget for a cgroup "
				      "(CONFIG_RT_GROUP_SCHED, cgroup v1)",
				      err);
		if (res->cpu_rt_period)
			r = knob_u64(dir, "cpu.rt_period_us", res->cpu_rt_period,
				     "linux.resources.cpu.realtimePeriod", err);
		if (r == 0)
			r = knob_i64(dir, false, "cpu.rt_runtime_us", res->cpu_rt_runtime,
				     "linux.resources.cpu.realtimeRuntime", err);
	}
	return r;
}

/* v1: what the new cpuset does not get from the limits, its parent's @name */
static int inherit_cpuset(const char *dir, const char *name, const char *flag, struct ward_err *err)
{
	char parent[CG_PATH_MAX], val[256];
	char *slash;
	int r;

	(void)cg_copy_str(parent, sizeof(parent), dir); /* same size */
	slash = strrchr(parent, '/');
	if (slash)
		*slash = '\0';
	r = cg_read_token_file(parent, name, val, sizeof(val));
	if (r < 0)
		return err_set(err, -r, "cannot apply %s: cannot read '%s/%s'", flag, parent, name);
	val[strcspn(val, "\n")] = '\0';
	return knob(dir, name, val, flag, err);
}

static int write_cpuset(const char *dir, bool v2, const struct spec_resources *res,
			struct ward_err *err)
{
	bool cpus = res->set & SPEC_RES_CPUSET_CPUS, mems = res->set & SPEC_RES_CPUSET_MEMS;
	const char *flag = cpus ? "--cpuset-cpus" : "linux.resources.cpu.mems";
	int r = 0;

	/* a new v1 cpuset starts with no cpus and no memory nodes, and takes no task until it
	 * has both: what is not asked for comes from its parent */
	if (mems)
		r = knob(dir, "cpuset.mems", res->cpuset_mems, "linux.resources.cpu.mems", err);
	else if (!v2)
		r = inherit_cpuset(dir, "cpuset.mems", flag, err);
	if (r < 0)
		return r;
	if (cpus)
		return knob(dir, "cpuset.cpus", res->cpuset_cpus ? res->cpuset_cpus : "",
			    "--cpuset-cpus", err);
	return v2 ? 0 : inherit_cpuset(dir, "cpuset.cpus", flag, err);
}

int cg_write_devices_v2(const char *dir, const struct spec_resources *res, struct ward_err *err)
{
	cleanup_close int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return err_set(err, errno, "cannot open cgroup '%s'", dir);
	return devcg_apply_v2(fd, res->devices, res->ndevices, err);
}

/* The device cgroup's rules: v1's devices.deny/allow, or an eBPF program on v2. */
static int write_devices(const char *dir, bool v2, const struct spec_resources *res,
			 struct ward_err *err)
{
	int r;

	if (!v2)
		return devcg_apply_v1(dir, res->devices, res->ndevices, err);
	r = cg_write_devices_v2(dir, res, err);
	if (r < 0 && res->devices_default) {
		/* a kernel without cgroup eBPF, a sandbox refusing bpf(2) */
		log_warn("the device cgroup cannot be applied (%s): every device node the "
			 "container can create is open to it",
			 err->msg);
		return 0;
	}
	return r;
}

int cg_apply_devices(struct cg_handle *h, const struct spec_resources *res, struct ward_err *err)
{
	const struct cg_dir *d = NULL;
	int r;

	if (h->devices == CG_DEVICES_DONE)
		return 0;
	for (size_t i = 0; i < h->ndirs && !d; i++)
		if (h->dirs[i].v2 && (h->dirs[i].controllers & BIT(CG_DEVICES)))
			d = &h->dirs[i];
	if (!d)
		return err_set(err, EINVAL, "cgroup: no cgroup2 cgroup for the device program");
	if (h->devices == CG_DEVICES_PENDING) {
		h->devices = CG_DEVICES_DONE;
		return write_devices(d->path, true, res, err);
	}
	r = cg_write_devices_v2(d->path, res, err);
	if (r == 0)
		h->devices = CG_DEVICES_DONE;
	return r < 0 ? -EAGAIN : 0;
}

int cg_knob(const char *dir, const char *name, const char *value, const char *flag,
	    struct ward_err *err)
{
	return knob(dir, name, value, flag, err);
}

bool cg_knob_exists(const char *dir, const char *name)
{
	return knob_exists(dir, name);
}

int cg_cannot(const struct spec_resources *res, const char *field, const char *why,
	      struct ward_err *err)
{
	return cannot(res, field, why, err);
}

int cg_write_limits(const struct cg_dir *d, const struct spec_resources *res, struct ward_err *err)
{
	int r = 0;

	if (d->controllers & BIT(CG_MEMORY))
		r = write_memory(d->path, d->v2, res, err);
	if (r == 0 && (d->controllers & BIT(CG_PIDS)))
		r = write_pids(d->path, res, err);
	if (r == 0 && (d->controllers & BIT(CG_CPU)))
		r = write_cpu(d->path, d->v2, res, err);
	if (r == 0 && (d->controllers & BIT(CG_CPUSET)))
		r = write_cpuset(d->path, d->v2, res, err);
	if (r == 0 && (d->controllers & BIT(CG_DEVICES)))
		r = write_devices(d->path, d->v2, res, err);
	if (r == 0)
		r = cg_write_limits_oci(d, res, err);
	return r;
}

int cg_update(const struct cg_layout *l, const struct cg_handle *h,
	      const struct spec_resources *res, struct ward_err *err)
{
	struct spec_resources only = *res;
	struct want w;

	/* the device cgroup is set at create and left alone, as runc does */
	only.set &= ~(unsigned int)SPEC_RES_DEVICES;
	cg_want_from(&only, &w);
	for (int c = 0; c < CG_NR_CONTROLLERS; c++) {
		const struct cg_dir *found = NULL;
		struct cg_dir d;
		int r;

		if (!(w.ctrls & BIT(c)))
			continue;
		for (size_t i = 0; i < h->ndirs && !found; i++) {
			const struct cg_dir *x = &h->dirs[i];
			size_t mlen = strlen(l->v1_mount[c]);
			char ctrls[512] = "";

			if (cg_on_v1(l, c)) {
				if (!x->v2 && strncmp(x->path, l->v1_mount[c], mlen) == 0 &&
				    x->path[mlen] == '/')
					found = x;
			} else if (x->v2 &&
				   cg_read_token_file(x->path, "cgroup.controllers", ctrls,
						      sizeof(ctrls)) == 0 &&
				   cg_controller_v2_name(c) &&
				   cg_has_token(ctrls, cg_controller_v2_name(c), " \n")) {
				found = x;
			}
		}
		if (!found)
			return err_set(err, 0,
				       "cannot update %s: the container's cgroup has no %s "
				       "controller (it was created without such a limit)",
				       w.flag[c], cg_controller_name(c));
		d = *found;
		d.controllers = BIT(c);
		r = cg_write_limits(&d, &only, err);
		if (r < 0)
			return r;
	}
	/* unified alone names no controller: it goes in the cgroup2 cgroup */
	for (size_t i = 0; (only.set & SPEC_RES_UNIFIED) && i < h->ndirs; i++) {
		struct cg_dir d = h->dirs[i];

		d.controllers = 0;
		if (d.v2)
			return cg_write_limits_oci(&d, &only, err);
	}
	return cg_check_unified(h, &only, err);
}

/* The number after "KEY " on a line of a flat-keyed knob; -1 when absent. */
static long long keyed_value(const char *text, const char *key)
{
	size_t klen = strlen(key);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, key, klen) == 0 && p[klen] == ' ')
			return strtoll(p + klen + 1, NULL, 10);
	}
	return -1;
}

bool cg_oom_killed(const struct cg_handle *h)
{
	char buf[4096];

	for (size_t i = 0; i < h->ndirs; i++) {
		const struct cg_dir *d = &h->dirs[i];
		long long n;

		if (!(d->controllers & BIT(CG_MEMORY)))
			continue;
		if (d->v2) {
			if (cg_read_token_file(d->path, "memory.events", buf, sizeof(buf)) == 0 &&
			    keyed_value(buf, "oom_kill") > 0)
				return true;
			continue;
		}
		if (cg_read_token_file(d->path, "memory.oom_control", buf, sizeof(buf)) == 0) {
			n = keyed_value(buf, "oom_kill");
			if (n >= 0) {
				if (n > 0)
					return true;
				continue;
			}
		}
		/* before 4.13: the limit was hit; close enough to say the OOM killer ran */
		if (cg_read_token_file(d->path, "memory.failcnt", buf, sizeof(buf)) == 0 &&
		    strtoll(buf, NULL, 10) > 0)
			return true;
	}
	return false;
}
