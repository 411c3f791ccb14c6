/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * oci_resources.c - a LinuxResources object (config.json's linux.resources, and
 * `ward update -r FILE`): memory, pids, cpu, and the device cgroup's rules.
 */
#include "ward/oci_parse.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "ward/devcg.h"
#include "ward/json.h"
/* linux.resources.devices[]: {allow, type a|c|b, major, minor, access "rwm"}, in order */
static int parse_device_rules(yajl_val list, struct spec_resources *out, struct ward_err *err)
{
	char field[OCI_FIELD_MAX];

	if (!list)
		return 0;
	if (!YAJL_IS_ARRAY(list))
		return oci_bad(err, "linux.resources.devices", "must be an array");
	out->devices = xcalloc(json_len(list) + 1, sizeof(*out->devices));
	for (size_t i = 0; i < json_len(list); i++) {
		yajl_val d = json_elem(list, i);
		struct devcg_rule *rule = &out->devices[out->ndevices];
		const char *type = NULL, *access = NULL;
		long long major = DEVCG_ANY, minor = DEVCG_ANY;
		bool set = false;

		if (!YAJL_IS_OBJECT(d))
			return oci_bad(err, oci_field_at(field, "linux.resources.devices", i, NULL),
				       "must be an object");
		if (oci_get_bool(d, "allow",
				 oci_field_at(field, "linux.resources.devices", i, "allow"),
				 &rule->allow, err) < 0)
			return -EINVAL;
		if (!json_get(d, "allow"))
			return oci_bad(err, field, "is required");
		if (oci_get_string(d, "type",
				   oci_field_at(field, "linux.resources.devices", i, "type"), &type,
				   err) < 0)
			return -EINVAL;
		rule->type = !type || !*type ? 'a' : type[0] == 'u' ? 'c' : type[0];
		if (type && *type && (type[1] || !strchr("acbu", type[0])))
			return oci_bad(err, field, "must be a, c, u or b");
		if (oci_get_int(d, "major",
				oci_field_at(field, "linux.resources.devices", i, "major"),
				DEVCG_ANY, INT32_MAX, &major, &set, err) < 0 ||
		    oci_get_int(d, "minor",
				oci_field_at(field, "linux.resources.devices", i, "minor"),
				DEVCG_ANY, INT32_MAX, &minor, &set, err) < 0)
			return -EINVAL;
		rule->major = major;
		rule->minor = minor;
		if (oci_get_string(d, "access",
				   oci_field_at(field, "linux.resources.devices", i, "access"),
				   &access, err) < 0)
			return -EINVAL;
		rule->access = DEVCG_RWM;
		if (access && devcg_parse_access(access, &rule->access) < 0)
			return oci_bad(err, field, "must be letters of \"rwm\", each at most once");
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
void oci_finish_device_rules(struct container_spec *spec)
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

int oci_resources_parse(yajl_val res, struct spec_resources *out, struct ward_err *err)
{
	yajl_val mem = json_get(res, "memory"), pids = json_get(res, "pids"),
		 cpu = json_get(res, "cpu");
	long long v = 0;
	bool set = false;
	const char *cpus = NULL;

	if (oci_check_object(res, "linux.resources", err) < 0 ||
	    parse_device_rules(json_get(res, "devices"), out, err) < 0 ||
	    oci_check_object(mem, "linux.resources.memory", err) < 0 ||
	    oci_check_object(pids, "linux.resources.pids", err) < 0 ||
	    oci_check_object(cpu, "linux.resources.cpu", err) < 0)
		return -EINVAL;
	if (oci_get_int(mem, "limit", "linux.resources.memory.limit", -1, INT64_MAX, &v, &set,
			err) < 0)
		return -EINVAL;
	if (set && v > 0) {
		out->memory = (uint64_t)v;
		out->set |= SPEC_RES_MEMORY;
	}
	if (oci_get_int(mem, "swap", "linux.resources.memory.swap", -1, INT64_MAX, &v, &set, err) <
	    0)
		return -EINVAL;
	if (set && v != 0) {
		out->memory_swap = v;
		out->set |= SPEC_RES_MEMORY_SWAP;
	}
	if (oci_get_int(pids, "limit", "linux.resources.pids.limit", -1, INT64_MAX, &v, &set, err) <
	    0)
		return -EINVAL;
	if (set && v != 0) {
		out->pids = v;
		out->set |= SPEC_RES_PIDS;
	}
	if (oci_get_int(cpu, "shares", "linux.resources.cpu.shares", 0, 262144, &v, &set, err) < 0)
		return -EINVAL;
	if (set && v > 0) {
		out->cpu_shares = (uint64_t)(v < 2 ? 2 : v);
		out->set |= SPEC_RES_CPU_SHARES;
	}
	if (oci_get_int(cpu, "quota", "linux.resources.cpu.quota", -1, INT64_MAX, &v, &set, err) <
	    0)
		return -EINVAL;
	if (set && v > 0) {
		long long period = 100000;
		bool pset = false;

		if (oci_get_int(cpu, "period", "linux.resources.cpu.period", 1000, 1000000, &period,
				&pset, err) < 0)
			return -EINVAL;
		out->cpu_quota_us = (uint64_t)v;
		out->cpu_period_us = (uint64_t)period;
		out->set |= SPEC_RES_CPUS;
	}
	if (oci_get_string(cpu, "cpus", "linux.resources.cpu.cpus", &cpus, err) < 0)
		return -EINVAL;
	if (cpus && *cpus) {
		out->cpuset_cpus = xstrdup(cpus);
		out->set |= SPEC_RES_CPUSET_CPUS;
	}
	return 0;
}
