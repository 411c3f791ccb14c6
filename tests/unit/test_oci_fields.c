/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_oci_fields.c - the config.json fields ward used to drop: process.ioPriority,
 * scheduler and execCPUAffinity, linux.resources.memory.useHierarchy and
 * checkBeforeUpdate, linux.netDevices and linux.intelRdt; each parsed into the
 * spec, and each bad value refused with the field named.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "unit.h"
#include "ward/oci.h"
#include "ward/oci_parse.h"
#include "ward/util.h"

static char bundle[64];

static void make_bundle(void)
{
	unit_make_bundle(bundle, "ocifields");
}

static void remove_bundle(void)
{
	unit_remove_dir(bundle);
}

/* a config whose process has @process's members (after args, cwd, user) and whose
 * linux object is @linux (NULL: none), parsed into @spec */
static int parse(const char *process, const char *linux_obj, struct container_spec *spec,
		 struct ward_err *err)
{
	char *json = xasprintf("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"rootfs\"},"
			       " \"process\": {\"args\": [\"/bin/true\"], \"cwd\": \"/\","
			       " \"user\": {\"uid\": 0, \"gid\": 0}%s%s}%s%s}",
			       process ? ", " : "", process ? process : "",
			       linux_obj ? ", \"linux\": " : "", linux_obj ? linux_obj : "");
	int r;

	spec_init(spec);
	memset(err, 0, sizeof(*err));
	r = oci_parse(json, strlen(json), bundle, spec, err);
	free(json);
	return r;
}

/* @process is refused with exactly @msg */
static void refused(const char *process, const char *linux_obj, const char *msg)
{
	struct container_spec spec;
	struct ward_err err;

	ck_assert_int_lt(parse(process, linux_obj, &spec, &err), 0);
	ck_assert_str_eq(err.msg, msg);
	spec_release(&spec);
}

START_TEST(test_io_priority)
{
	struct container_spec spec;
	struct ward_err err;

	ck_assert_int_eq(parse("\"ioPriority\": {\"class\": \"IOPRIO_CLASS_BE\", \"priority\": 3}",
			       NULL, &spec, &err),
			 0);
	ck_assert(spec.oci.sched.ioprio_set);
	ck_assert_int_eq(spec.oci.sched.ioprio, 2 << 13 | 3);
	spec_release(&spec);
	refused("\"ioPriority\": {\"class\": \"IOPRIO_CLASS_NONE\", \"priority\": 3}", NULL,
		"process.ioPriority.class: unknown class 'IOPRIO_CLASS_NONE'");
	refused("\"ioPriority\": {\"priority\": 3}", NULL, "process.ioPriority.class: is required");
	refused("\"ioPriority\": {\"class\": \"IOPRIO_CLASS_RT\"}", NULL,
		"process.ioPriority.priority: is required");
	ck_assert_int_lt(parse("\"ioPriority\": {\"class\": \"IOPRIO_CLASS_RT\", \"priority\": 8}",
			       NULL, &spec, &err),
			 0);
	ck_assert(str_has_prefix(err.msg, "process.ioPriority.priority: "));
	spec_release(&spec);
}
END_TEST

START_TEST(test_scheduler)
{
	struct container_spec spec;
	struct ward_err err;

	ck_assert_int_eq(parse("\"scheduler\": {\"policy\": \"SCHED_DEADLINE\", \"runtime\": 10,"
			       " \"deadline\": 20, \"period\": 30, \"flags\": "
			       "[\"SCHED_FLAG_RESET_ON_FORK\", \"SCHED_FLAG_DL_OVERRUN\"]}",
			       NULL, &spec, &err),
			 0);
	ck_assert(spec.oci.sched.policy_set);
	ck_assert_uint_eq(spec.oci.sched.policy, 6);
	ck_assert_uint_eq(spec.oci.sched.runtime, 10);
	ck_assert_uint_eq(spec.oci.sched.deadline, 20);
	ck_assert_uint_eq(spec.oci.sched.period, 30);
	ck_assert_uint_eq(spec.oci.sched.flags, 0x05);
	spec_release(&spec);
	ck_assert_int_eq(
	    parse("\"scheduler\": {\"policy\": \"SCHED_BATCH\", \"nice\": -5}", NULL, &spec, &err),
	    0);
	ck_assert_uint_eq(spec.oci.sched.policy, 3);
	ck_assert_int_eq(spec.oci.sched.nice, -5);
	spec_release(&spec);
	refused("\"scheduler\": {\"policy\": \"X\"}", NULL,
		"process.scheduler.policy: unknown policy 'X'");
	refused("\"scheduler\": {\"nice\": 1}", NULL, "process.scheduler.policy: is required");
	refused("\"scheduler\": {\"policy\": \"SCHED_FIFO\"}", NULL,
		"process.scheduler.priority: SCHED_FIFO needs a priority of 1 to 99");
	refused("\"scheduler\": {\"policy\": \"SCHED_OTHER\", \"priority\": 5}", NULL,
		"process.scheduler.priority: only for SCHED_FIFO or SCHED_RR, not SCHED_OTHER");
	refused("\"scheduler\": {\"policy\": \"SCHED_RR\", \"priority\": 5, \"runtime\": 1}", NULL,
		"process.scheduler: runtime, deadline and period are for SCHED_DEADLINE only, not "
		"SCHED_RR");
	refused("\"scheduler\": {\"policy\": \"SCHED_DEADLINE\", \"runtime\": 10}", NULL,
		"process.scheduler: SCHED_DEADLINE needs a runtime and a deadline");
	refused("\"scheduler\": {\"policy\": \"SCHED_DEADLINE\", \"runtime\": 30, \"deadline\": "
		"20}",
		NULL, "process.scheduler: SCHED_DEADLINE needs runtime <= deadline <= period");
	refused("\"scheduler\": {\"policy\": \"SCHED_ISO\"}", NULL,
		"process.scheduler.policy: SCHED_ISO: Linux has no such policy");
	refused("\"scheduler\": {\"policy\": \"SCHED_OTHER\", \"flags\": [\"SCHED_FLAG_X\"]}", NULL,
		"process.scheduler.flags: unknown flag 'SCHED_FLAG_X'");
	ck_assert_int_lt(
	    parse("\"scheduler\": {\"policy\": \"SCHED_OTHER\", \"nice\": 20}", NULL, &spec, &err),
	    0);
	ck_assert(str_has_prefix(err.msg, "process.scheduler.nice: "));
	spec_release(&spec);
}
END_TEST

START_TEST(test_cpu_affinity)
{
	struct container_spec spec;
	struct ward_err err;
	cpu_set_t set;

	ck_assert_int_eq(oci_parse_cpulist("0-3,7", &set), 0);
	ck_assert_int_eq(CPU_COUNT(&set), 5);
	ck_assert(CPU_ISSET(7, &set) && CPU_ISSET(0, &set) && !CPU_ISSET(4, &set));
	ck_assert_int_eq(oci_parse_cpulist("3-1", &set), -EINVAL);
	ck_assert_int_eq(oci_parse_cpulist("1,", &set), -EINVAL);
	ck_assert_int_eq(oci_parse_cpulist("a", &set), -EINVAL);
	ck_assert_int_eq(oci_parse_cpulist("99999", &set), -EINVAL);
	ck_assert_int_eq(parse("\"execCPUAffinity\": {\"initial\": \"1\", \"final\": \"0-1\"}",
			       NULL, &spec, &err),
			 0);
	ck_assert(spec.oci.sched.cpus_initial_set && spec.oci.sched.cpus_final_set);
	ck_assert_int_eq(CPU_COUNT(&spec.oci.sched.cpus_final), 2);
	spec_release(&spec);
	/* empty: the kernel's affinity kept */
	ck_assert_int_eq(parse("\"execCPUAffinity\": {\"final\": \"\"}", NULL, &spec, &err), 0);
	ck_assert(!spec.oci.sched.cpus_final_set);
	spec_release(&spec);
	refused("\"execCPUAffinity\": {\"initial\": \"0-\"}", NULL,
		"process.execCPUAffinity.initial: '0-' is not a CPU list (such as \"0-3,7\")");
}
END_TEST

START_TEST(test_memory_fields)
{
	const char *json = "{\"memory\": {\"useHierarchy\": false, \"checkBeforeUpdate\": true}}";
	struct spec_resources res = {0};
	struct ward_err err = {0};

	ck_assert_int_eq(oci_parse_resources(json, strlen(json), &res, &err), 0);
	ck_assert(res.mem & SPEC_MEM_USE_HIERARCHY);
	ck_assert(!res.use_hierarchy);
	ck_assert(res.mem & SPEC_MEM_CHECK_BEFORE_UPDATE);
	ck_assert(res.set & SPEC_RES_MEMORY_OCI); /* useHierarchy is written */
	spec_resources_release(&res);
	json = "{\"memory\": {\"checkBeforeUpdate\": true}}";
	ck_assert_int_eq(oci_parse_resources(json, strlen(json), &res, &err), 0);
	ck_assert(!(res.set & SPEC_RES_MEMORY_OCI)); /* alone it writes nothing */
	spec_resources_release(&res);
	/* disableOOMKiller true says nothing of checkBeforeUpdate */
	json = "{\"memory\": {\"disableOOMKiller\": true}}";
	ck_assert_int_eq(oci_parse_resources(json, strlen(json), &res, &err), 0);
	ck_assert(!(res.mem & SPEC_MEM_CHECK_BEFORE_UPDATE));
	spec_resources_release(&res);
	json = "{\"memory\": {\"useHierarchy\": 1}}";
	ck_assert_int_lt(oci_parse_resources(json, strlen(json), &res, &err), 0);
	ck_assert(str_has_prefix(err.msg, "linux.resources.memory.useHierarchy: "));
	spec_resources_release(&res);
}
END_TEST

START_TEST(test_net_devices)
{
	const char *ns = "\"namespaces\": [{\"type\": \"network\"}, {\"type\": \"mount\"}]";
	struct container_spec spec;
	struct ward_err err;
	char *lx =
	    xasprintf("{%s, \"netDevices\": {\"eth1\": {\"name\": \"c1\"}, \"eth2\": {}}}", ns);

	ck_assert_int_eq(parse(NULL, lx, &spec, &err), 0);
	free(lx);
	ck_assert_int_eq(spec.oci.netdevs.n, 4);
	ck_assert_str_eq(spec.oci.netdevs.v[0], "eth1");
	ck_assert_str_eq(spec.oci.netdevs.v[1], "c1");
	ck_assert_str_eq(spec.oci.netdevs.v[3], "eth2"); /* no name: the host's */
	ck_assert_int_eq(oci_check_supported(&spec, &err), 0);
	spec_release(&spec);
	refused(NULL, "{\"netDevices\": {\"eth1\": {\"name\": \"a b\"}}}",
		"linux.netDevices.eth1.name: 'a b' is not an interface name");
	refused(NULL, "{\"netDevices\": {\"a/b\": {}}}",
		"linux.netDevices: 'a/b' is not an interface name");
	refused(NULL,
		"{\"netDevices\": {\"eth1\": {\"name\": \"x\"}, \"eth2\": {\"name\": \"x\"}}}",
		"linux.netDevices.eth2.name: 'x' is given to two interfaces");
	refused(NULL, "{\"netDevices\": {\"eth1\": 3}}",
		"linux.netDevices.eth1: must be an object");
	/* without a network namespace of its own: refused */
	ck_assert_int_eq(parse(NULL, "{\"netDevices\": {\"eth1\": {}}}", &spec, &err), 0);
	ck_assert_int_lt(oci_check_supported(&spec, &err), 0);
	ck_assert_str_eq(err.msg, "config.json: linux.netDevices: moving interfaces needs a new "
				  "network namespace in linux.namespaces");
	spec_release(&spec);
}
END_TEST

START_TEST(test_intel_rdt)
{
	struct container_spec spec, copy;
	struct ward_err err;

	ck_assert_int_eq(parse(NULL,
			       "{\"intelRdt\": {\"closID\": \"g1\", \"l3CacheSchema\": \"L3:0=f\","
			       " \"memBwSchema\": \"MB:0=50\", \"enableCMT\": true}}",
			       &spec, &err),
			 0);
	ck_assert(spec.oci.rdt.set && spec.oci.rdt.enable_cmt);
	ck_assert_str_eq(spec.oci.rdt.clos_id, "g1");
	ck_assert_str_eq(spec.oci.rdt.l3_cache_schema, "L3:0=f");
	ck_assert_str_eq(spec.oci.rdt.mem_bw_schema, "MB:0=50");
	spec_copy(&copy, &spec);
	spec_release(&spec);
	ck_assert_str_eq(copy.oci.rdt.clos_id, "g1");
	spec_release(&copy);
	refused(NULL, "{\"intelRdt\": {\"closID\": \"..\"}}",
		"linux.intelRdt.closID: '..' is not a group name");
	refused(NULL, "{\"intelRdt\": {\"memBwSchema\": \"L3:0=f\"}}",
		"linux.intelRdt.memBwSchema: must be one line starting with \"MB:\"");
	refused(NULL, "{\"intelRdt\": {\"schemata\": 5}}",
		"linux.intelRdt.schemata: must be a string");
}
END_TEST

Suite *oci_fields_suite(void);

Suite *oci_fields_suite(void)
{
	Suite *s = suite_create("oci_fields");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, UNIT_TIMEOUT);
	tcase_add_checked_fixture(tc, make_bundle, remove_bundle);
	tcase_add_test(tc, test_io_priority);
	tcase_add_test(tc, test_scheduler);
	tcase_add_test(tc, test_cpu_affinity);
	tcase_add_test(tc, test_memory_fields);
	tcase_add_test(tc, test_net_devices);
	tcase_add_test(tc, test_intel_rdt);
	suite_add_tcase(s, tc);
	return s;
}
