/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * oci_resources.c - a LinuxResources object (config.json's linux.resources, and
 * `ward update -r FILE`): memory, pids, cpu, cpuset, blockIO, hugepageLimits,
 * network, unified, and the device cgroup's rules. Every field is kept; which
 * the host can apply is the cgroup module's to say.
 */
#include "ward/oci_parse.h"

#include <errno.h>
#include <stdio.h>
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

/* memory: reservation, swappiness, disableOOMKiller, kernel, kernelTCP, checkBeforeUpdate,
 * useHierarchy */
static int parse_memory_more(yajl_val mem, struct spec_resources *out, struct ward_err *err)
{
	long long v = 0;
	bool set = false, b = false;

	if (oci_get_int(mem, "reservation", "linux.resources.memory.reservation", -1, INT64_MAX, &v,
			&set, err) < 0)
		return -EINVAL;
	if (set && v != 0) {
		out->memory_reservation = v;
		out->mem |= SPEC_MEM_RESERVATION;
	}
	if (oci_get_int(mem, "swappiness", "linux.resources.memory.swappiness", -1, 100, &v, &set,
			err) < 0)
		return -EINVAL;
	/* -1 (or a huge value, as Go's uint64(-1)) leaves the kernel's */
	if (set && v >= 0) {
		out->swappiness = (uint64_t)v;
		out->mem |= SPEC_MEM_SWAPPINESS;
	}
	if (oci_get_bool(mem, "disableOOMKiller", "linux.resources.memory.disableOOMKiller", &b,
			 err) < 0)
		return -EINVAL;
	if (b)
		out->mem |= SPEC_MEM_NO_OOM_KILL;
	if (oci_get_int(mem, "kernel", "linux.resources.memory.kernel", -1, INT64_MAX, &v, &set,
			err) < 0)
		return -EINVAL;
	if (set && v != 0)
		out->mem |= SPEC_MEM_KERNEL;
	if (oci_get_int(mem, "kernelTCP", "linux.resources.memory.kernelTCP", -1, INT64_MAX, &v,
			&set, err) < 0)
		return -EINVAL;
	if (set && v != 0) {
		out->kernel_tcp = v;
		out->mem |= SPEC_MEM_KERNEL_TCP;
	}
	b = false; /* absent leaves it as disableOOMKiller's */
	if (oci_get_bool(mem, "checkBeforeUpdate", "linux.resources.memory.checkBeforeUpdate", &b,
			 err) < 0)
		return -EINVAL;
	if (b)
		out->mem |= SPEC_MEM_CHECK_BEFORE_UPDATE;
	if (oci_get_bool(mem, "useHierarchy", "linux.resources.memory.useHierarchy",
			 &out->use_hierarchy, err) < 0)
		return -EINVAL;
	if (YAJL_IS_TRUE(json_get(mem, "useHierarchy")) ||
	    YAJL_IS_FALSE(json_get(mem, "useHierarchy")))
		out->mem |= SPEC_MEM_USE_HIERARCHY;
	/* checkBeforeUpdate alone writes nothing: `ward update` reads it */
	if (out->mem & ~(unsigned int)SPEC_MEM_CHECK_BEFORE_UPDATE)
		out->set |= SPEC_RES_MEMORY_OCI;
	return 0;
}

/* cpu: mems, realtimeRuntime, realtimePeriod */
static int parse_cpu_more(yajl_val cpu, struct spec_resources *out, struct ward_err *err)
{
	const char *mems = NULL;
	long long rt = 0, period = 0, burst = 0, idle = 0;
	bool rset = false, pset = false, rset2 = false, bset = false;

	if (oci_get_string(cpu, "mems", "linux.resources.cpu.mems", &mems, err) < 0 ||
	    oci_get_int(cpu, "realtimeRuntime", "linux.resources.cpu.realtimeRuntime", -1,
			INT64_MAX, &rt, &rset, err) < 0 ||
	    oci_get_int(cpu, "realtimePeriod", "linux.resources.cpu.realtimePeriod", 0, INT64_MAX,
			&period, &pset, err) < 0)
		return -EINVAL;
	if (mems && *mems) {
		out->cpuset_mems = xstrdup(mems);
		out->set |= SPEC_RES_CPUSET_MEMS;
	}
	if (oci_get_int(cpu, "idle", "linux.resources.cpu.idle", 0, 1, &idle, &rset2, err) < 0 ||
	    oci_get_int(cpu, "burst", "linux.resources.cpu.burst", 0, INT64_MAX, &burst, &bset,
			err) < 0)
		return -EINVAL;
	if (rset2) {
		out->cpu_idle = idle;
		out->set |= SPEC_RES_CPU_IDLE;
	}
	if (bset) {
		out->cpu_burst = (uint64_t)burst;
		out->set |= SPEC_RES_CPU_BURST;
	}
	if ((rset && rt != 0) || (pset && period != 0)) {
		out->cpu_rt_runtime = rset ? rt : 0;
		out->cpu_rt_period = (uint64_t)period;
		out->set |= SPEC_RES_CPU_RT;
	}
	return 0;
}

/* blockIO's lists of {major, minor, weight|rate[, leafWeight]} */
static int parse_blkio_list(yajl_val bio, const char *key, enum spec_blkio_kind kind,
			    struct spec_resources *out, struct ward_err *err)
{
	char base[OCI_FIELD_MAX], field[OCI_FIELD_MAX];
	yajl_val list = json_get(bio, key);

	(void)snprintf(base, sizeof(base), "linux.resources.blockIO.%s", key);
	if (!list)
		return 0;
	if (!YAJL_IS_ARRAY(list))
		return oci_bad(err, base, "must be an array");
	out->blkio_devs = xrealloc(out->blkio_devs, (out->nblkio_devs + json_len(list) + 1) *
							sizeof(*out->blkio_devs));
	for (size_t i = 0; i < json_len(list); i++) {
		yajl_val d = json_elem(list, i);
		struct spec_blkio_dev *bd = &out->blkio_devs[out->nblkio_devs];
		long long major = 0, minor = 0, v = 0, leaf = 0;
		bool mset = false, nset = false, vset = false, lset = false;
		const char *vkey = kind == SPEC_BLKIO_WEIGHT ? "weight" : "rate";

		if (!YAJL_IS_OBJECT(d))
			return oci_bad(err, oci_field_at(field, base, i, NULL),
				       "must be an object");
		if (oci_get_int(d, "major", oci_field_at(field, base, i, "major"), 0, UINT32_MAX,
				&major, &mset, err) < 0 ||
		    oci_get_int(d, "minor", oci_field_at(field, base, i, "minor"), 0, UINT32_MAX,
				&minor, &nset, err) < 0 ||
		    oci_get_int(d, vkey, oci_field_at(field, base, i, vkey), 0, INT64_MAX, &v,
				&vset, err) < 0 ||
		    (kind == SPEC_BLKIO_WEIGHT &&
		     oci_get_int(d, "leafWeight", oci_field_at(field, base, i, "leafWeight"), 0,
				 1000, &leaf, &lset, err) < 0))
			return -EINVAL;
		if (!mset || !nset)
			return oci_bad(err, oci_field_at(field, base, i, NULL),
				       "needs major and minor");
		if (!vset && !lset)
			continue;
		*bd = (struct spec_blkio_dev){kind, (unsigned int)major, (unsigned int)minor,
					      vset ? (uint64_t)v : UINT64_MAX, (uint64_t)leaf};
		out->nblkio_devs++;
	}
	return 0;
}

static int parse_blkio(yajl_val bio, struct spec_resources *out, struct ward_err *err)
{
	static const struct {
		const char *key;
		enum spec_blkio_kind kind;
	} lists[] = {
	    {"weightDevice", SPEC_BLKIO_WEIGHT},
	    {"throttleReadBpsDevice", SPEC_BLKIO_READ_BPS},
	    {"throttleWriteBpsDevice", SPEC_BLKIO_WRITE_BPS},
	    {"throttleReadIOPSDevice", SPEC_BLKIO_READ_IOPS},
	    {"throttleWriteIOPSDevice", SPEC_BLKIO_WRITE_IOPS},
	};
	long long w = 0, leaf = 0;
	bool wset = false, lset = false;

	if (oci_check_object(bio, "linux.resources.blockIO", err) < 0 ||
	    oci_get_int(bio, "weight", "linux.resources.blockIO.weight", 0, 1000, &w, &wset, err) <
		0 ||
	    oci_get_int(bio, "leafWeight", "linux.resources.blockIO.leafWeight", 0, 1000, &leaf,
			&lset, err) < 0)
		return -EINVAL;
	out->blkio_weight = (uint64_t)w;
	out->blkio_leaf_weight = (uint64_t)leaf;
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		if (parse_blkio_list(bio, lists[i].key, lists[i].kind, out, err) < 0)
			return -EINVAL;
	if (w || leaf || out->nblkio_devs)
		out->set |= SPEC_RES_BLKIO;
	return 0;
}

/* a list of {@name_key: string, @value_key: integer} (hugepageLimits, network.priorities) */
static int parse_entries(yajl_val list, const char *base, const char *name_key,
			 const char *value_key, struct spec_res_entry **out, size_t *n,
			 struct ward_err *err)
{
	char field[OCI_FIELD_MAX];

	if (!list)
		return 0;
	if (!YAJL_IS_ARRAY(list))
		return oci_bad(err, base, "must be an array");
	*out = xcalloc(json_len(list) + 1, sizeof(**out));
	for (size_t i = 0; i < json_len(list); i++) {
		yajl_val e = json_elem(list, i);
		const char *name = NULL;
		long long v = 0;
		bool set = false;

		if (!YAJL_IS_OBJECT(e))
			return oci_bad(err, oci_field_at(field, base, i, NULL),
				       "must be an object");
		if (oci_get_string(e, name_key, oci_field_at(field, base, i, name_key), &name,
				   err) < 0)
			return -EINVAL;
		/* a name becomes part of a file name or a knob's line */
		if (!name || !*name || strpbrk(name, "/ \n") || !strcmp(name, ".") ||
		    !strcmp(name, ".."))
			return oci_bad(err, field, "must be a name");
		if (oci_get_int(e, value_key, oci_field_at(field, base, i, value_key), 0, INT64_MAX,
				&v, &set, err) < 0)
			return -EINVAL;
		if (!set)
			return oci_bad(err, field, "is required");
		(*out)[*n].name = xstrdup(name);
		(*out)[*n].value = (uint64_t)v;
		(*n)++;
	}
	return 0;
}

/* rdma: {"mlx5_1": {"hcaHandles": 3, "hcaObjects": 10000}} */
static int parse_rdma(yajl_val rdma, struct spec_resources *out, struct ward_err *err)
{
	if (oci_check_object(rdma, "linux.resources.rdma", err) < 0)
		return -EINVAL;
	for (size_t i = 0; rdma && i < rdma->u.object.len; i++) {
		const char *dev = rdma->u.object.keys[i];
		yajl_val v = rdma->u.object.values[i];
		char field[OCI_FIELD_MAX], fh[OCI_FIELD_MAX + 16], fo[OCI_FIELD_MAX + 16];
		long long h = 0, o = 0;
		bool hs = false, os = false;
		char val[64];

		(void)snprintf(field, sizeof(field), "linux.resources.rdma.%s", dev);
		(void)snprintf(fh, sizeof(fh), "%s.hcaHandles", field);
		(void)snprintf(fo, sizeof(fo), "%s.hcaObjects", field);
		if (!*dev || strpbrk(dev, " \n"))
			return oci_bad(err, field, "is not a device name");
		if (oci_check_object(v, field, err) < 0 ||
		    oci_get_int(v, "hcaHandles", fh, 0, UINT32_MAX, &h, &hs, err) < 0 ||
		    oci_get_int(v, "hcaObjects", fo, 0, UINT32_MAX, &o, &os, err) < 0)
			return -EINVAL;
		if (!hs && !os)
			return oci_bad(err, field, "needs hcaHandles or hcaObjects");
		val[0] = '\0';
		if (hs)
			(void)snprintf(val, sizeof(val), "hca_handle=%lld", h);
		if (os)
			(void)snprintf(val + strlen(val), sizeof(val) - strlen(val),
				       "%shca_object=%lld", hs ? " " : "", o);
		strv_push(&out->rdma, dev);
		strv_push(&out->rdma, val);
		out->set |= SPEC_RES_RDMA;
	}
	return 0;
}

static int parse_more(yajl_val res, struct spec_resources *out, struct ward_err *err)
{
	yajl_val net = json_get(res, "network"), unified = json_get(res, "unified");
	long long v = 0;
	bool set = false;

	if (parse_memory_more(json_get(res, "memory"), out, err) < 0 ||
	    parse_cpu_more(json_get(res, "cpu"), out, err) < 0 ||
	    parse_blkio(json_get(res, "blockIO"), out, err) < 0 ||
	    parse_entries(json_get(res, "hugepageLimits"), "linux.resources.hugepageLimits",
			  "pageSize", "limit", &out->hugepages, &out->nhugepages, err) < 0 ||
	    oci_check_object(net, "linux.resources.network", err) < 0 ||
	    oci_get_int(net, "classID", "linux.resources.network.classID", 0, UINT32_MAX, &v, &set,
			err) < 0 ||
	    parse_entries(json_get(net, "priorities"), "linux.resources.network.priorities", "name",
			  "priority", &out->net_prios, &out->nnet_prios, err) < 0 ||
	    oci_check_object(unified, "linux.resources.unified", err) < 0 ||
	    parse_rdma(json_get(res, "rdma"), out, err) < 0)
		return -EINVAL;
	if (out->nhugepages)
		out->set |= SPEC_RES_HUGETLB;
	if (set) {
		out->net_classid = (uint32_t)v;
		out->set |= SPEC_RES_NET_CLS;
	}
	if (out->nnet_prios)
		out->set |= SPEC_RES_NET_PRIO;
	for (size_t i = 0; unified && i < unified->u.object.len; i++) {
		const char *key = unified->u.object.keys[i];

		if (!YAJL_IS_STRING(unified->u.object.values[i]))
			return err_set(err, 0, "linux.resources.unified: '%s' must be a string",
				       key);
		/* a knob of the container's cgroup, no path */
		if (!*key || strchr(key, '/') || key[0] == '.')
			return err_set(err, 0, "linux.resources.unified: '%s' is not a cgroup file",
				       key);
		strv_push(&out->unified, key);
		strv_push(&out->unified, unified->u.object.values[i]->u.string);
		out->set |= SPEC_RES_UNIFIED;
	}
	return 0;
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
	return parse_more(res, out, err);
}
