/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * update.c - `ward update ID`: new limits for a created, running or paused
 * container's cgroups, from runc's flags and its -r LinuxResources JSON.
 */
#include "state_int.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ward/cgroup.h"
#include "ward/cleanup.h"
#include "ward/oci.h"
#include "ward/resctrl.h"
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

/* The flags over the file's limits, each where it says something. */
static void flags_over(const struct spec_resources *flags, struct spec_resources *res)
{
	if (flags->set & SPEC_RES_MEMORY)
		res->memory = flags->memory;
	if (flags->set & SPEC_RES_MEMORY_SWAP)
		res->memory_swap = flags->memory_swap;
	if (flags->set & SPEC_RES_PIDS)
		res->pids = flags->pids;
	if (flags->set & SPEC_RES_CPUS)
		res->cpu_quota_us = flags->cpu_quota_us;
	if (flags->cpu_period_us)
		res->cpu_period_us = flags->cpu_period_us;
	if (flags->set & SPEC_RES_CPU_SHARES)
		res->cpu_shares = flags->cpu_shares;
	if (flags->set & SPEC_RES_CPUSET_CPUS) {
		free(res->cpuset_cpus);
		res->cpuset_cpus = xstrdup(flags->cpuset_cpus);
	}
	res->set |= flags->set;
}

/*
 * The CPU bandwidth out of @res into @cpu: the quota or the period alone keeps
 * the other, as runc's update does (cg_update() would write a default period).
 */
static void take_cpu(struct spec_resources *res, struct cg_cpu_update *cpu)
{
	memset(cpu, 0, sizeof(*cpu));
	if (res->set & SPEC_RES_CPUS) {
		cpu->set_quota = true;
		cpu->quota_us = res->cpu_quota_us == UINT64_MAX ? -1 : (long long)res->cpu_quota_us;
	}
	if (res->cpu_period_us) {
		cpu->set_period = true;
		cpu->period_us = res->cpu_period_us;
	}
	res->set &= ~(unsigned int)SPEC_RES_CPUS;
	res->cpu_period_us = 0;
}

/*
 * The knobs the flags and -r's file both set through update_knobs(), each with
 * the name its errors give: --memory-reservation, --cpuset-mems, --blkio-weight,
 * or the file's memory.reservation, cpu.mems, blockIO.weight.
 */
struct knobs {
	struct state_update_knobs v;
	const char *reservation, *mems, *weight;
};

/*
 * The file's three knobs out of @res into @k (the flags over them): one code
 * path for both, the one of the flags. @res keeps owning cpu.mems's string.
 */
static int take_knobs(struct spec_resources *res, const struct state_update_knobs *flags,
		      struct knobs *k, struct ward_err *err)
{
	*k = (struct knobs){.v = *flags,
			    .reservation = "--memory-reservation",
			    .mems = "--cpuset-mems",
			    .weight = "--blkio-weight"};
	if (!k->v.memory_reservation_set && (res->mem & SPEC_MEM_RESERVATION)) {
		k->v.memory_reservation_set = true;
		k->v.memory_reservation =
		    res->memory_reservation < 0 ? UINT64_MAX : (uint64_t)res->memory_reservation;
		k->reservation = "memory.reservation";
	}
	res->mem &= ~(unsigned int)SPEC_MEM_RESERVATION;
	if (!res->mem)
		res->set &= ~(unsigned int)SPEC_RES_MEMORY_OCI;
	if (!k->v.cpuset_mems && (res->set & SPEC_RES_CPUSET_MEMS)) {
		k->v.cpuset_mems = res->cpuset_mems;
		k->mems = "cpu.mems";
	}
	res->set &= ~(unsigned int)SPEC_RES_CPUSET_MEMS;
	if (res->blkio_weight && res->blkio_weight < 10)
		return err_set(err, 0, "update -r: blockIO.weight: must be 10 to 1000");
	if (!k->v.blkio_weight && res->blkio_weight) {
		k->v.blkio_weight = (unsigned int)res->blkio_weight;
		k->weight = "blockIO.weight";
	}
	res->blkio_weight = 0;
	if (!res->blkio_leaf_weight && !res->nblkio_devs)
		res->set &= ~(unsigned int)SPEC_RES_BLKIO;
	return 0;
}

/* memory reservation, cpuset's memory nodes, block I/O weight: a knob each */
static int update_knobs(const struct cg_layout *l, const struct cg_handle *h, const struct knobs *k,
			struct ward_err *err)
{
	const struct state_update_knobs *x = &k->v;
	char v1[32], v2[32], io[48];
	int r = 0;

	if (x->memory_reservation_set) {
		bool none = x->memory_reservation == UINT64_MAX;

		(void)snprintf(v1, sizeof(v1), none ? "-1" : "%llu",
			       (unsigned long long)x->memory_reservation);
		(void)snprintf(v2, sizeof(v2), none ? "max" : "%llu",
			       (unsigned long long)x->memory_reservation);
		r = cg_update_knob(
		    l, h, "memory",
		    (const struct cg_knob[]){{"memory.soft_limit_in_bytes", v1}, {0}}, "memory",
		    (const struct cg_knob[]){{"memory.low", v2}, {0}}, k->reservation, err);
	}
	if (r == 0 && x->cpuset_mems)
		r = cg_update_knob(
		    l, h, "cpuset", (const struct cg_knob[]){{"cpuset.mems", x->cpuset_mems}, {0}},
		    "cpuset", (const struct cg_knob[]){{"cpuset.mems", x->cpuset_mems}, {0}},
		    k->mems, err);
	if (r == 0 && x->blkio_weight) {
		/* BFQ's weight where the kernel has it (10..1000 as blkio's), else io.weight's
		 * 1..10000, converted as runc does */
		(void)snprintf(v1, sizeof(v1), "%u", x->blkio_weight);
		(void)snprintf(io, sizeof(io), "default %u",
			       1 + (x->blkio_weight - 10) * 9999 / 990);
		r = cg_update_knob(
		    l, h, "blkio",
		    (const struct cg_knob[]){{"blkio.bfq.weight", v1}, {"blkio.weight", v1}, {0}},
		    "io", (const struct cg_knob[]){{"io.bfq.weight", v1}, {"io.weight", io}, {0}},
		    k->weight, err);
	}
	return r;
}

static bool knobs_given(const struct state_update_knobs *x)
{
	return x->memory_reservation_set || x->cpuset_mems || x->blkio_weight;
}

/*
 * memory.checkBeforeUpdate, from -r's file or else the config create saved: a
 * memory limit below what the container uses now is refused (v1's kernel does
 * so itself, v2's would call the OOM killer).
 */
static int check_before_update(const char *dir, const struct cg_layout *l,
			       const struct cg_handle *h, const struct spec_resources *res,
			       struct ward_err *err)
{
	cleanup_free char *path = xasprintf("%s/%s", dir, CONFIG_COPY);
	struct spec_resources saved = {0};
	struct ward_err ignored;
	uint64_t usage = 0;
	bool check = res->mem & SPEC_MEM_CHECK_BEFORE_UPDATE;

	if (!(res->set & SPEC_RES_MEMORY))
		return 0;
	if (!check && oci_load_resources(path, &saved, &ignored) == 0)
		check = saved.mem & SPEC_MEM_CHECK_BEFORE_UPDATE;
	spec_resources_release(&saved);
	if (!check)
		return 0;
	if (cg_memory_usage(l, h, &usage, err) < 0)
		return err_prefix(err, "update: memory.checkBeforeUpdate");
	if (res->memory < usage)
		return err_set(err, 0,
			       "update: memory.checkBeforeUpdate: the new limit %llu is below the "
			       "container's memory usage (%llu bytes)",
			       (unsigned long long)res->memory, (unsigned long long)usage);
	return 0;
}

/* --l3-cache-schema, --mem-bw-schema: the group linux.intelRdt gave the container */
static int update_rdt(const char *dir, const struct state_opts *o, struct ward_err *err)
{
	struct container_spec spec;
	int r = load_saved_config(dir, &spec, err);

	if (r == 0)
		r = resctrl_update(RESCTRL_ROOT, o->id, &spec.oci.rdt, o->rdt_l3, o->rdt_mb, err);
	spec_release(&spec);
	return r;
}

int state_update(const struct state_opts *o, struct ward_err *err)
{
	cleanup_free char *dir = NULL;
	cleanup_close int lock = -1;
	struct spec_resources res = {0};
	struct cg_cpu_update cpu;
	struct cg_layout layout;
	struct knobs knobs;
	enum state_status st;
	struct record rec;
	bool loaded;
	int r;

	if ((o->resources && read_resources(o->resources, &res, err) < 0) ||
	    take_knobs(&res, &o->update_knobs, &knobs, err) < 0) {
		spec_resources_release(&res);
		return -EINVAL;
	}
	flags_over(&o->update, &res);
	take_cpu(&res, &cpu);
	r = open_container(o, &dir, &lock, &rec, &st, err);
	loaded = r == 0;
	if (r == 0 && st != STATE_CREATED && st != STATE_RUNNING && st != STATE_PAUSED)
		r = err_set(err, 0, "cannot update container '%s': it is %s", o->id,
			    state_status_name(st));
	if (r == 0 && !(res.set & ~(unsigned int)SPEC_RES_DEVICES) && !cpu.set_quota &&
	    !cpu.set_period && !knobs_given(&knobs.v) && !o->rdt_l3 && !o->rdt_mb)
		r = err_set(err, 0, "update: no limit given");
	/* first: what the host may lack is refused before any limit changes */
	if (r == 0 && (o->rdt_l3 || o->rdt_mb))
		r = update_rdt(dir, o, err);
	if (r == 0)
		r = cg_detect("/proc/self/mountinfo", "/proc/self/cgroup", &layout, err);
	if (r == 0)
		r = check_before_update(dir, &layout, &rec.cg, &res, err);
	if (r == 0 && (res.set & ~(unsigned int)SPEC_RES_DEVICES))
		r = cg_update(&layout, &rec.cg, &res, err);
	if (r == 0)
		r = cg_update_cpu(&layout, &rec.cg, &cpu, err);
	if (r == 0)
		r = update_knobs(&layout, &rec.cg, &knobs, err);
	if (loaded)
		record_release(&rec);
	spec_resources_release(&res);
	return r;
}
