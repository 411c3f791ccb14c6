/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * oci_sched.c - process.ioPriority, process.scheduler and process.execCPUAffinity
 * of config.json (and of `ward exec --process`), checked as runc 1.2 checks them
 * and turned into what ioprio_set(2), sched_setattr(2) and sched_setaffinity(2)
 * take; src/launch/sched.c applies them in the container's process.
 */
#include "ward/oci_parse.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ward/json.h"

/* the kernel's values (linux/ioprio.h, linux/sched.h), not in every libc's headers */
enum { IOPRIO_CLASS_SHIFT = 13 };

static const struct {
	const char *name;
	int value;
} ioprio_classes[] = {
    {"IOPRIO_CLASS_RT", 1},
    {"IOPRIO_CLASS_BE", 2},
    {"IOPRIO_CLASS_IDLE", 3},
};

static const struct {
	const char *name;
	uint32_t value;
} policies[] = {
    {"SCHED_OTHER", 0}, {"SCHED_FIFO", 1}, {"SCHED_RR", 2},	  {"SCHED_BATCH", 3},
    {"SCHED_ISO", 4},	{"SCHED_IDLE", 5}, {"SCHED_DEADLINE", 6},
};

static const struct {
	const char *name;
	uint64_t value;
} sched_flags[] = {
    {"SCHED_FLAG_RESET_ON_FORK", 0x01},	 {"SCHED_FLAG_RECLAIM", 0x02},
    {"SCHED_FLAG_DL_OVERRUN", 0x04},	 {"SCHED_FLAG_KEEP_POLICY", 0x08},
    {"SCHED_FLAG_KEEP_PARAMS", 0x10},	 {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40},
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

int oci_parse_cpulist(const char *list, cpu_set_t *set)
{
	const char *p = list;

	CPU_ZERO(set);
	while (*p) {
		char *end;
		unsigned long lo, hi;

		if (*p < '0' || *p > '9')
			return -EINVAL;
		lo = hi = strtoul(p, &end, 10);
		if (*end == '-') {
			p = end + 1;
			if (*p < '0' || *p > '9')
				return -EINVAL;
			hi = strtoul(p, &end, 10);
		}
		if (lo > hi || hi >= CPU_SETSIZE)
			return -EINVAL;
		for (unsigned long c = lo; c <= hi; c++)
			CPU_SET(c, set);
		p = end;
		if (*p == ',' && p[1])
			p++;
		else if (*p)
			return -EINVAL;
	}
	return 0;
}

static int parse_ioprio(yajl_val io, struct spec_sched *out, struct ward_err *err)
{
	const char *class = NULL;
	long long level = 0;
	bool set = false;
	size_t i;

	if (!io)
		return 0;
	if (oci_check_object(io, "process.ioPriority", err) < 0 ||
	    oci_get_string(io, "class", "process.ioPriority.class", &class, err) < 0)
		return -EINVAL;
	if (!class)
		return oci_bad(err, "process.ioPriority.class", "is required");
	for (i = 0; i < N(ioprio_classes); i++)
		if (strcmp(class, ioprio_classes[i].name) == 0)
			break;
	if (i == N(ioprio_classes))
		return err_set(err, 0, "process.ioPriority.class: unknown class '%s'", class);
	if (oci_get_int(io, "priority", "process.ioPriority.priority", 0, 7, &level, &set, err) < 0)
		return -EINVAL;
	if (!set)
		return oci_bad(err, "process.ioPriority.priority", "is required");
	out->ioprio_set = true;
	out->ioprio = ioprio_classes[i].value << IOPRIO_CLASS_SHIFT | (int)level;
	return 0;
}

static int parse_flags(yajl_val sc, struct spec_sched *out, struct ward_err *err)
{
	struct strv names = {0};
	int r = 0;

	if (oci_get_strv(sc, "flags", "process.scheduler.flags", &names, err) < 0)
		r = -EINVAL;
	for (size_t i = 0; r == 0 && i < names.n; i++) {
		size_t k;

		for (k = 0; k < N(sched_flags); k++)
			if (strcmp(names.v[i], sched_flags[k].name) == 0)
				break;
		if (k == N(sched_flags))
			r = err_set(err, 0, "process.scheduler.flags: unknown flag '%s'",
				    names.v[i]);
		else
			out->flags |= sched_flags[k].value;
	}
	strv_release(&names);
	return r;
}

/* runc 1.2's rules, and the kernel's for the real-time and deadline policies */
static int check_policy(const struct spec_sched *s, const char *name, struct ward_err *err)
{
	bool rt = s->policy == 1 || s->policy == 2, dl = s->policy == 6;

	if (s->policy == 4)
		return err_set(err, 0, "process.scheduler.policy: %s: Linux has no such policy",
			       name);
	if (s->priority && !rt)
		return err_set(err, 0,
			       "process.scheduler.priority: only for SCHED_FIFO or SCHED_RR, not "
			       "%s",
			       name);
	if (rt && (s->priority < 1 || s->priority > 99))
		return err_set(err, 0, "process.scheduler.priority: %s needs a priority of 1 to 99",
			       name);
	if (!dl && (s->runtime || s->deadline || s->period))
		return err_set(err, 0,
			       "process.scheduler: runtime, deadline and period are for "
			       "SCHED_DEADLINE only, not %s",
			       name);
	if (dl && (!s->runtime || !s->deadline))
		return err_set(err, 0,
			       "process.scheduler: SCHED_DEADLINE needs a runtime and a "
			       "deadline");
	if (dl && (s->runtime > s->deadline || (s->period && s->deadline > s->period)))
		return err_set(err, 0,
			       "process.scheduler: SCHED_DEADLINE needs runtime <= "
			       "deadline <= period");
	return 0;
}

static int parse_scheduler(yajl_val sc, struct spec_sched *out, struct ward_err *err)
{
	const char *policy = NULL;
	long long v = 0;
	bool set = false;
	size_t i;

	if (!sc)
		return 0;
	if (oci_check_object(sc, "process.scheduler", err) < 0 ||
	    oci_get_string(sc, "policy", "process.scheduler.policy", &policy, err) < 0)
		return -EINVAL;
	if (!policy)
		return oci_bad(err, "process.scheduler.policy", "is required");
	for (i = 0; i < N(policies); i++)
		if (strcmp(policy, policies[i].name) == 0)
			break;
	if (i == N(policies))
		return err_set(err, 0, "process.scheduler.policy: unknown policy '%s'", policy);
	out->policy = policies[i].value;
	if (oci_get_int(sc, "nice", "process.scheduler.nice", -20, 19, &v, &set, err) < 0)
		return -EINVAL;
	out->nice = (int32_t)v;
	v = 0;
	if (oci_get_int(sc, "priority", "process.scheduler.priority", INT32_MIN, INT32_MAX, &v,
			&set, err) < 0)
		return -EINVAL;
	if (v < 0)
		return oci_bad(err, "process.scheduler.priority", "must not be negative");
	out->priority = (uint32_t)v;
	if (oci_get_int(sc, "runtime", "process.scheduler.runtime", 0, INT64_MAX, &v, &set, err) <
	    0)
		return -EINVAL;
	out->runtime = set ? (uint64_t)v : 0;
	if (oci_get_int(sc, "deadline", "process.scheduler.deadline", 0, INT64_MAX, &v, &set, err) <
	    0)
		return -EINVAL;
	out->deadline = set ? (uint64_t)v : 0;
	if (oci_get_int(sc, "period", "process.scheduler.period", 0, INT64_MAX, &v, &set, err) < 0)
		return -EINVAL;
	out->period = set ? (uint64_t)v : 0;
	if (parse_flags(sc, out, err) < 0 || check_policy(out, policy, err) < 0)
		return -EINVAL;
	out->policy_set = true;
	return 0;
}

static int parse_cpus(yajl_val aff, const char *key, bool *set, cpu_set_t *cpus,
		      struct ward_err *err)
{
	char field[OCI_FIELD_MAX];
	const char *list = NULL;

	(void)snprintf(field, sizeof(field), "process.execCPUAffinity.%s", key);
	if (oci_get_string(aff, key, field, &list, err) < 0)
		return -EINVAL;
	if (!list || !*list) /* empty: the kernel's affinity is kept */
		return 0;
	if (oci_parse_cpulist(list, cpus) < 0)
		return err_set(err, 0, "%s: '%s' is not a CPU list (such as \"0-3,7\")", field,
			       list);
	*set = true;
	return 0;
}

int oci_sched_parse(yajl_val process, struct spec_sched *out, struct ward_err *err)
{
	yajl_val aff = json_get(process, "execCPUAffinity");

	memset(out, 0, sizeof(*out));
	if (parse_ioprio(json_get(process, "ioPriority"), out, err) < 0 ||
	    parse_scheduler(json_get(process, "scheduler"), out, err) < 0 ||
	    oci_check_object(aff, "process.execCPUAffinity", err) < 0)
		return -EINVAL;
	if (!aff)
		return 0;
	if (parse_cpus(aff, "initial", &out->cpus_initial_set, &out->cpus_initial, err) < 0 ||
	    parse_cpus(aff, "final", &out->cpus_final_set, &out->cpus_final, err) < 0)
		return -EINVAL;
	return 0;
}
