/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * limits_oci.c - the knobs only a config.json's linux.resources asks for: blockIO
 * (v1 blkio, v2 io), hugepageLimits, network (v1 net_cls and net_prio) and
 * unified (cgroup v2 key/values), written as runc and crun write them.
 */
#include "cgroup_int.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define BLKIO_FIELD "linux.resources.blockIO"

/* blkio's 10..1000 onto io.weight's 1..10000 (runc's conversion) */
static unsigned long long blkio_to_io_weight(uint64_t w)
{
	if (w < 10)
		w = 10;
	return 1 + ((unsigned long long)w - 10) * 9999 / 990;
}

/* v1: blkio.weight, else BFQ's blkio.bfq.weight; NULL when neither is there */
static const char *v1_weight_knob(const char *dir, bool device)
{
	if (cg_knob_exists(dir, device ? "blkio.weight_device" : "blkio.weight"))
		return device ? "blkio.weight_device" : "blkio.weight";
	if (cg_knob_exists(dir, device ? "blkio.bfq.weight_device" : "blkio.bfq.weight"))
		return device ? "blkio.bfq.weight_device" : "blkio.bfq.weight";
	return NULL;
}

static int write_weight(const char *dir, bool v2, const struct spec_resources *res,
			struct ward_err *err)
{
	char buf[64];
	const char *k;

	if (!res->blkio_weight)
		return 0;
	if (v2 && cg_knob_exists(dir, "io.bfq.weight")) {
		(void)snprintf(buf, sizeof(buf), "%llu", (unsigned long long)res->blkio_weight);
		return cg_knob(dir, "io.bfq.weight", buf, BLKIO_FIELD ".weight", err);
	}
	if (v2) {
		(void)snprintf(buf, sizeof(buf), "default %llu",
			       blkio_to_io_weight(res->blkio_weight));
		return cg_knob(dir, "io.weight", buf, BLKIO_FIELD ".weight", err);
	}
	k = v1_weight_knob(dir, false);
	if (!k)
		return cg_cannot(res, BLKIO_FIELD ".weight",
				 "the blkio controller has no weight (no CFQ or BFQ scheduler)",
				 err);
	(void)snprintf(buf, sizeof(buf), "%llu", (unsigned long long)res->blkio_weight);
	return cg_knob(dir, k, buf, BLKIO_FIELD ".weight", err);
}

static int write_device_weight(const char *dir, bool v2, const struct spec_resources *res,
			       const struct spec_blkio_dev *b, struct ward_err *err)
{
	const char *k;
	char buf[96];
	int r = 0;

	if (b->leaf_weight) {
		if (v2 || !cg_knob_exists(dir, "blkio.leaf_weight_device"))
			r = cg_cannot(res, BLKIO_FIELD ".weightDevice[].leafWeight",
				      "this host has no leaf weights (cgroup v1 with CFQ only)",
				      err);
		else {
			(void)snprintf(buf, sizeof(buf), "%u:%u %llu", b->major, b->minor,
				       (unsigned long long)b->leaf_weight);
			r = cg_knob(dir, "blkio.leaf_weight_device", buf,
				    BLKIO_FIELD ".weightDevice", err);
		}
	}
	if (r < 0 || b->value == UINT64_MAX)
		return r;
	if (v2) {
		bool bfq = cg_knob_exists(dir, "io.bfq.weight");

		(void)snprintf(buf, sizeof(buf), "%u:%u %llu", b->major, b->minor,
			       bfq ? (unsigned long long)b->value : blkio_to_io_weight(b->value));
		return cg_knob(dir, bfq ? "io.bfq.weight" : "io.weight", buf,
			       BLKIO_FIELD ".weightDevice", err);
	}
	k = v1_weight_knob(dir, true);
	if (!k)
		return cg_cannot(res, BLKIO_FIELD ".weightDevice",
				 "the blkio controller has no weight (no CFQ or BFQ scheduler)",
				 err);
	(void)snprintf(buf, sizeof(buf), "%u:%u %llu", b->major, b->minor,
		       (unsigned long long)b->value);
	return cg_knob(dir, k, buf, BLKIO_FIELD ".weightDevice", err);
}

static int write_throttle(const char *dir, bool v2, const struct spec_blkio_dev *b,
			  struct ward_err *err)
{
	static const struct {
		const char *v1, *v2, *field;
	} k[] = {
	    [SPEC_BLKIO_READ_BPS] = {"blkio.throttle.read_bps_device", "rbps",
				     BLKIO_FIELD ".throttleReadBpsDevice"},
	    [SPEC_BLKIO_WRITE_BPS] = {"blkio.throttle.write_bps_device", "wbps",
				      BLKIO_FIELD ".throttleWriteBpsDevice"},
	    [SPEC_BLKIO_READ_IOPS] = {"blkio.throttle.read_iops_device", "riops",
				      BLKIO_FIELD ".throttleReadIOPSDevice"},
	    [SPEC_BLKIO_WRITE_IOPS] = {"blkio.throttle.write_iops_device", "wiops",
				       BLKIO_FIELD ".throttleWriteIOPSDevice"},
	};
	char buf[96];

	if (v2) {
		/* io.max: 0 is no limit */
		if (b->value)
			(void)snprintf(buf, sizeof(buf), "%u:%u %s=%llu", b->major, b->minor,
				       k[b->kind].v2, (unsigned long long)b->value);
		else
			(void)snprintf(buf, sizeof(buf), "%u:%u %s=max", b->major, b->minor,
				       k[b->kind].v2);
		return cg_knob(dir, "io.max", buf, k[b->kind].field, err);
	}
	(void)snprintf(buf, sizeof(buf), "%u:%u %llu", b->major, b->minor,
		       (unsigned long long)b->value);
	return cg_knob(dir, k[b->kind].v1, buf, k[b->kind].field, err);
}

static int write_blkio(const char *dir, bool v2, const struct spec_resources *res,
		       struct ward_err *err)
{
	int r = write_weight(dir, v2, res, err);

	if (r == 0 && res->blkio_leaf_weight) {
		char buf[32];

		(void)snprintf(buf, sizeof(buf), "%llu",
			       (unsigned long long)res->blkio_leaf_weight);
		if (v2 || !cg_knob_exists(dir, "blkio.leaf_weight"))
			r = cg_cannot(res, BLKIO_FIELD ".leafWeight",
				      "this host has no leaf weights (cgroup v1 with CFQ only)",
				      err);
		else
			r = cg_knob(dir, "blkio.leaf_weight", buf, BLKIO_FIELD ".leafWeight", err);
	}
	for (size_t i = 0; r == 0 && i < res->nblkio_devs; i++) {
		const struct spec_blkio_dev *b = &res->blkio_devs[i];

		r = b->kind == SPEC_BLKIO_WEIGHT ? write_device_weight(dir, v2, res, b, err)
						 : write_throttle(dir, v2, b, err);
	}
	return r;
}

static int write_hugetlb(const char *dir, bool v2, const struct spec_resources *res,
			 struct ward_err *err)
{
	for (size_t i = 0; i < res->nhugepages; i++) {
		char name[96], buf[32];
		int r;

		(void)snprintf(name, sizeof(name), "hugetlb.%s.%s", res->hugepages[i].name,
			       v2 ? "max" : "limit_in_bytes");
		if (!cg_knob_exists(dir, name)) {
			char why[160];

			(void)snprintf(why, sizeof(why), "the host has no %s pages ('%s')",
				       res->hugepages[i].name, name);
			r = cg_cannot(res, "linux.resources.hugepageLimits", why, err);
			if (r < 0)
				return r;
			continue;
		}
		(void)snprintf(buf, sizeof(buf), "%llu",
			       (unsigned long long)res->hugepages[i].value);
		r = cg_knob(dir, name, buf, "linux.resources.hugepageLimits", err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int write_net(const struct cg_dir *d, const struct spec_resources *res, struct ward_err *err)
{
	int r = 0;

	if ((d->controllers & BIT(CG_NET_CLS)) && (res->set & SPEC_RES_NET_CLS)) {
		char buf[32];

		(void)snprintf(buf, sizeof(buf), "%u", res->net_classid);
		r = cg_knob(d->path, "net_cls.classid", buf, "linux.resources.network.classID",
			    err);
	}
	if (!(d->controllers & BIT(CG_NET_PRIO)))
		return r;
	for (size_t i = 0; r == 0 && i < res->nnet_prios; i++) {
		char buf[160];

		(void)snprintf(buf, sizeof(buf), "%s %llu", res->net_prios[i].name,
			       (unsigned long long)res->net_prios[i].value);
		r = cg_knob(d->path, "net_prio.ifpriomap", buf,
			    "linux.resources.network.priorities", err);
	}
	return r;
}

/* unified's key/values in the cgroup2 cgroup; a controller's key needs it enabled there */
static int write_unified(const char *dir, const struct spec_resources *res, struct ward_err *err)
{
	char ctrls[512] = "";

	(void)cg_read_token_file(dir, "cgroup.controllers", ctrls, sizeof(ctrls));
	for (size_t i = 0; i + 1 < res->unified.n; i += 2) {
		const char *key = res->unified.v[i];
		char ctrl[64], field[192];
		size_t n = strcspn(key, ".");
		int r;

		(void)snprintf(field, sizeof(field), "linux.resources.unified: '%s'", key);
		(void)snprintf(ctrl, sizeof(ctrl), "%.*s", (int)(n < 63 ? n : 63), key);
		if (strcmp(ctrl, "cgroup") != 0 && !cg_has_token(ctrls, ctrl, " \n")) {
			char why[192];

			(void)snprintf(why, sizeof(why),
				       "the %s controller is not available in the container's "
				       "cgroup2 cgroup",
				       ctrl);
			r = cg_cannot(res, field, why, err);
		} else {
			r = cg_knob(dir, key, res->unified.v[i + 1], field, err);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

/* cpu.idle (v2 only) and cpu.burst (v1 cpu.cfs_burst_us, v2 cpu.max.burst) */
static int write_cpu_more(const char *dir, bool v2, const struct spec_resources *res,
			  struct ward_err *err)
{
	char buf[32];
	int r = 0;

	if (res->set & SPEC_RES_CPU_IDLE) {
		(void)snprintf(buf, sizeof(buf), "%lld", (long long)res->cpu_idle);
		r = v2 && cg_knob_exists(dir, "cpu.idle")
			? cg_knob(dir, "cpu.idle", buf, "linux.resources.cpu.idle", err)
			: cg_cannot(res, "linux.resources.cpu.idle",
				    "only cgroup v2 on Linux 5.15 or later has cpu.idle", err);
	}
	if (r == 0 && (res->set & SPEC_RES_CPU_BURST)) {
		const char *k = v2 ? "cpu.max.burst" : "cpu.cfs_burst_us";

		(void)snprintf(buf, sizeof(buf), "%llu", (unsigned long long)res->cpu_burst);
		r = cg_knob_exists(dir, k)
			? cg_knob(dir, k, buf, "linux.resources.cpu.burst", err)
			: cg_cannot(res, "linux.resources.cpu.burst",
				    "this kernel has no CPU burst for a cgroup (Linux 5.14)", err);
	}
	return r;
}

static int write_rdma(const char *dir, const struct spec_resources *res, struct ward_err *err)
{
	for (size_t i = 0; i + 1 < res->rdma.n; i += 2) {
		char buf[160];
		int r;

		(void)snprintf(buf, sizeof(buf), "%s %s", res->rdma.v[i], res->rdma.v[i + 1]);
		r = cg_knob(dir, "rdma.max", buf, "linux.resources.rdma", err);
		if (r < 0)
			return r;
	}
	return 0;
}

int cg_write_limits_oci(const struct cg_dir *d, const struct spec_resources *res,
			struct ward_err *err)
{
	int r = 0;

	if ((d->controllers & BIT(CG_CPU)) && (res->set & (SPEC_RES_CPU_IDLE | SPEC_RES_CPU_BURST)))
		r = write_cpu_more(d->path, d->v2, res, err);
	if (r == 0 && (d->controllers & BIT(CG_RDMA)) && (res->set & SPEC_RES_RDMA))
		r = write_rdma(d->path, res, err);

	if ((d->controllers & BIT(CG_BLKIO)) && (res->set & SPEC_RES_BLKIO))
		r = write_blkio(d->path, d->v2, res, err);
	if (r == 0 && (d->controllers & BIT(CG_HUGETLB)) && (res->set & SPEC_RES_HUGETLB))
		r = write_hugetlb(d->path, d->v2, res, err);
	if (r == 0)
		r = write_net(d, res, err);
	if (r == 0 && d->v2 && (res->set & SPEC_RES_UNIFIED))
		r = write_unified(d->path, res, err);
	return r;
}

int cg_check_unified(const struct cg_handle *h, const struct spec_resources *res,
		     struct ward_err *err)
{
	if (!(res->set & SPEC_RES_UNIFIED))
		return 0;
	for (size_t i = 0; i < h->ndirs; i++)
		if (h->dirs[i].v2)
			return 0;
	return cg_cannot(res, "linux.resources.unified",
			 "the container has no cgroup2 cgroup (cgroup v2 is not mounted)", err);
}
