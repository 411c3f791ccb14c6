/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_oci_spec.c - config.json fields of the runtime spec that issue 17 found
 * missing: each parsed from a small config written here, and what
 * oci_check_supported() then accepts or refuses.
 */
#include <errno.h>
#include <stdbool.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "unit.h"
#include "ward/oci.h"
#include "ward/util.h"

static char bundle[64];

static void make_bundle(void)
{
	char path[128];

	unit_make_bundle(bundle, "ocispec");
	snprintf(path, sizeof(path), "%s/rootfs/etc", bundle);
	ck_assert_int_eq(mkdir(path, 0755), 0);
}

static void remove_bundle(void)
{
	unit_remove_dir(bundle);
}

/* a file of the bundle's rootfs */
static void rootfs_file(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/rootfs/%s", bundle, rel);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/*
 * A config with @process (the "process" object's inside, after args) and @rest
 * (more top-level members, each followed by a comma), parsed into @spec.
 */
static int parse(const char *process, const char *rest, struct container_spec *spec,
		 struct ward_err *err)
{
	/* a process that names its user replaces the default one */
	bool user = process && strstr(process, "\"user\"");
	char *json = xasprintf("{%s \"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"rootfs\"},"
			       " \"process\": {\"args\": [\"/bin/true\"], \"cwd\": \"/\"%s%s}}",
			       rest ? rest : "", user ? "" : ", \"user\": {\"uid\": 0, \"gid\": 0}",
			       process ? process : "");
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/config.json", bundle);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(json, f);
	ck_assert_int_eq(fclose(f), 0);
	free(json);
	spec_init(spec);
	memset(err, 0, sizeof(*err));
	return oci_load(bundle, NULL, spec, err);
}

#define UTS_NS "\"linux\": {\"namespaces\": [{\"type\": \"mount\"}, {\"type\": \"uts\"}]"

START_TEST(test_uts_sysctls_and_domainname)
{
	struct container_spec spec;
	struct ward_err err;

	ck_assert_msg(parse(NULL,
			    "\"domainname\": \"example.org\", " UTS_NS
			    ", \"sysctl\": {\"kernel.hostname\": \"h\", \"kernel.domainname\": "
			    "\"d\"}},",
			    &spec, &err) == 0,
		      "%s", err.msg);
	ck_assert_str_eq(spec.oci.domainname, "example.org");
	ck_assert_msg(oci_check_supported(&spec, &err) == 0, "%s", err.msg);
	spec_release(&spec);

	/* without a uts namespace: both would change the host's */
	ck_assert_int_eq(parse(NULL,
			       "\"linux\": {\"namespaces\": [{\"type\": \"mount\"}], \"sysctl\": "
			       "{\"kernel.hostname\": \"h\"}},",
			       &spec, &err),
			 0);
	ck_assert_int_lt(oci_check_supported(&spec, &err), 0);
	ck_assert_str_eq(err.msg, "config.json: linux.sysctl: 'kernel.hostname' needs a uts "
				  "namespace of the container's own (it would change the host's)");
	spec_release(&spec);
	ck_assert_int_eq(parse(NULL, "\"domainname\": \"x\", ", &spec, &err), 0);
	ck_assert_int_lt(oci_check_supported(&spec, &err), 0);
	ck_assert_str_eq(err.msg, "config.json: domainname: setting it needs a uts namespace (it "
				  "would change the host's)");
	spec_release(&spec);
}
END_TEST

/* every value of linux.rootfsPropagation the spec lists is taken, shared too */
START_TEST(test_rootfs_propagation_all)
{
	static const struct {
		const char *name;
		unsigned long flags;
	} values[] = {
	    {"shared", MS_SHARED},	   {"rshared", MS_SHARED | MS_REC},
	    {"slave", MS_SLAVE},	   {"rslave", MS_SLAVE | MS_REC},
	    {"private", MS_PRIVATE},	   {"rprivate", MS_PRIVATE | MS_REC},
	    {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
	};

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		struct container_spec spec;
		struct ward_err err;
		char *rest =
		    xasprintf("\"linux\": {\"rootfsPropagation\": \"%s\"},", values[i].name);

		ck_assert_msg(parse(NULL, rest, &spec, &err) == 0, "%s", err.msg);
		ck_assert_uint_eq(spec.oci.rootfs_propagation, values[i].flags);
		ck_assert_msg(oci_check_supported(&spec, &err) == 0, "%s: %s", values[i].name,
			      err.msg);
		spec_release(&spec);
		free(rest);
	}
}
END_TEST

/* process.env without HOME: the user's home in the rootfs's /etc/passwd, else "/" */
START_TEST(test_home_from_passwd)
{
	struct container_spec spec;
	struct ward_err err;

	rootfs_file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"
				  "app:x:1000:1000::/home/app:/bin/sh\n");
	ck_assert_int_eq(parse(", \"env\": [\"A=b\"]", NULL, &spec, &err), 0);
	ck_assert_str_eq(spec_getenv(&spec, "HOME"), "/root");
	spec_release(&spec);
	ck_assert_int_eq(parse(", \"env\": [\"HOME=/mine\"]", NULL, &spec, &err), 0);
	ck_assert_str_eq(spec_getenv(&spec, "HOME"), "/mine");
	spec_release(&spec);
	ck_assert_int_eq(parse(", \"user\": {\"uid\": 1000, \"gid\": 0}", NULL, &spec, &err), 0);
	ck_assert_str_eq(spec_getenv(&spec, "HOME"), "/home/app");
	spec_release(&spec);
	/* a uid without an entry */
	ck_assert_int_eq(parse(", \"user\": {\"uid\": 4242, \"gid\": 0}", NULL, &spec, &err), 0);
	ck_assert_str_eq(spec_getenv(&spec, "HOME"), "/");
	spec_release(&spec);
}
END_TEST

/* every option the runtime spec's table says MUST be implemented is known on a tmpfs */
START_TEST(test_mount_options_must)
{
	static const char *const must[] = {
	    "async",	   "atime",    "defaults",   "dev",	   "diratime",	 "dirsync",
	    "exec",	   "iversion", "lazytime",   "loud",	   "noatime",	 "nodev",
	    "nodiratime",  "noexec",   "noiversion", "nolazytime", "norelatime", "nostrictatime",
	    "nosuid",	   "private",  "relatime",   "rprivate",   "rshared",	 "rslave",
	    "runbindable", "rw",       "shared",     "silent",	   "slave",	 "strictatime",
	    "suid",	   "sync",     "unbindable", "ro",	   "tmpcopyup",	 "notmpcopyup",
	    "rro",	   "rnosuid",  "rnoexec",
	};

	for (size_t i = 0; i < sizeof(must) / sizeof(must[0]); i++) {
		struct container_spec spec;
		struct ward_err err;
		char *rest =
		    xasprintf("\"mounts\": [{\"destination\": \"/run\", \"type\": \"tmpfs\", "
			      "\"source\": \"tmpfs\", \"options\": [\"%s\", \"size=1m\"]}],",
			      must[i]);

		ck_assert_msg(parse(NULL, rest, &spec, &err) == 0, "%s: %s", must[i], err.msg);
		ck_assert_uint_eq(spec.nmounts, 1);
		ck_assert_str_eq(spec.mounts[0].data, "size=1m");
		spec_release(&spec);
		free(rest);
	}
}
END_TEST

/* what ward does not know is an error naming it, never mount data */
START_TEST(test_mount_options_unknown)
{
	struct container_spec spec;
	struct ward_err err;

	ck_assert_int_lt(parse(NULL,
			       "\"mounts\": [{\"destination\": \"/run\", \"type\": \"tmpfs\", "
			       "\"options\": [\"tmpcopyup\", \"bogus\"]}],",
			       &spec, &err),
			 0);
	ck_assert_str_eq(err.msg, "config.json: mounts[0].options: unknown tmpfs option 'bogus'");
	spec_release(&spec);
	ck_assert_int_lt(parse(NULL,
			       "\"mounts\": [{\"destination\": \"/run\", \"type\": \"tmpfs\", "
			       "\"options\": [\"idmap\"]}],",
			       &spec, &err),
			 0);
	ck_assert_str_eq(err.msg, "config.json: mounts[0].options: 'idmap': ward does not make "
				  "idmapped mounts (use a user namespace's mappings instead)");
	spec_release(&spec);
	/* another filesystem: its own options are its own, handed to mount(2) */
	ck_assert_msg(parse(NULL,
			    "\"mounts\": [{\"destination\": \"/mnt\", \"type\": \"proc\", "
			    "\"source\": \"proc\", \"options\": [\"nosuid\", \"hidepid=2\"]}],",
			    &spec, &err) == 0,
		      "%s", err.msg);
	ck_assert_int_eq(spec.mounts[0].kind, SPEC_MOUNT_OTHER);
	ck_assert_str_eq(spec.mounts[0].type, "proc");
	ck_assert_str_eq(spec.mounts[0].data, "hidepid=2");
	ck_assert_uint_eq(spec.mounts[0].flags, MS_NOSUID);
	spec_release(&spec);
	/* a type this kernel does not mount: named before anything starts */
	ck_assert_int_lt(parse(NULL,
			       "\"mounts\": [{\"destination\": \"/mnt\", \"type\": \"wardfs\"}],",
			       &spec, &err),
			 0);
	ck_assert_str_eq(err.msg, "config.json: mounts[0].type: mount type 'wardfs' on '/mnt' is "
				  "not one this kernel mounts (not in /proc/filesystems, no module "
				  "for it)");
	spec_release(&spec);
}
END_TEST

/* linux.resources: every field is kept (none dropped) */
START_TEST(test_resources_parsed)
{
	struct container_spec spec;
	struct ward_err err;
	const struct spec_resources *r = &spec.resources;

	ck_assert_msg(
	    parse(NULL,
		  "\"linux\": {\"resources\": {\"memory\": {\"reservation\": 1024, \"swappiness\": "
		  "5, \"disableOOMKiller\": true, \"kernel\": 1, \"kernelTCP\": 2}, \"cpu\": "
		  "{\"mems\": \"0-1\", \"realtimeRuntime\": 950, \"realtimePeriod\": 1000, "
		  "\"idle\": 1, \"burst\": 5}, \"rdma\": {\"mlx5_1\": {\"hcaHandles\": 3}}, "
		  "\"blockIO\": {\"weight\": 300, \"leafWeight\": 200, \"weightDevice\": "
		  "[{\"major\": 8, \"minor\": 0, \"weight\": 400}], \"throttleWriteBpsDevice\": "
		  "[{\"major\": 8, \"minor\": 0, \"rate\": 99}]}, \"hugepageLimits\": "
		  "[{\"pageSize\": \"2MB\", \"limit\": 4096}], \"network\": {\"classID\": 7, "
		  "\"priorities\": [{\"name\": \"eth0\", \"priority\": 3}]}, \"unified\": "
		  "{\"io.max\": \"8:0 rbps=1\"}}},",
		  &spec, &err) == 0,
	    "%s", err.msg);
	ck_assert_uint_eq(r->set & (SPEC_RES_MEMORY_OCI | SPEC_RES_CPU_RT | SPEC_RES_CPUSET_MEMS |
				    SPEC_RES_BLKIO | SPEC_RES_HUGETLB | SPEC_RES_NET_CLS |
				    SPEC_RES_NET_PRIO | SPEC_RES_UNIFIED),
			  SPEC_RES_MEMORY_OCI | SPEC_RES_CPU_RT | SPEC_RES_CPUSET_MEMS |
			      SPEC_RES_BLKIO | SPEC_RES_HUGETLB | SPEC_RES_NET_CLS |
			      SPEC_RES_NET_PRIO | SPEC_RES_UNIFIED);
	ck_assert_uint_eq(r->mem, SPEC_MEM_RESERVATION | SPEC_MEM_SWAPPINESS |
				      SPEC_MEM_NO_OOM_KILL | SPEC_MEM_KERNEL | SPEC_MEM_KERNEL_TCP);
	ck_assert_int_eq(r->memory_reservation, 1024);
	ck_assert_str_eq(r->cpuset_mems, "0-1");
	ck_assert_int_eq(r->cpu_rt_runtime, 950);
	ck_assert_uint_eq(r->cpu_rt_period, 1000);
	ck_assert_uint_eq(r->blkio_weight, 300);
	ck_assert_uint_eq(r->blkio_leaf_weight, 200);
	ck_assert_uint_eq(r->nblkio_devs, 2);
	ck_assert_uint_eq(r->blkio_devs[1].kind, SPEC_BLKIO_WRITE_BPS);
	ck_assert_str_eq(r->hugepages[0].name, "2MB");
	ck_assert_uint_eq(r->net_classid, 7);
	ck_assert_str_eq(r->net_prios[0].name, "eth0");
	ck_assert_str_eq(r->unified.v[1], "8:0 rbps=1");
	ck_assert_int_eq(r->cpu_idle, 1);
	ck_assert_uint_eq(r->cpu_burst, 5);
	ck_assert_str_eq(r->rdma.v[1], "hca_handle=3");
	spec_release(&spec);
}
END_TEST

Suite *oci_spec_suite(void);

Suite *oci_spec_suite(void)
{
	Suite *s = suite_create("oci_spec");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, make_bundle, remove_bundle);
	tcase_add_test(tc, test_uts_sysctls_and_domainname);
	tcase_add_test(tc, test_rootfs_propagation_all);
	tcase_add_test(tc, test_home_from_passwd);
	tcase_add_test(tc, test_mount_options_must);
	tcase_add_test(tc, test_mount_options_unknown);
	tcase_add_test(tc, test_resources_parsed);
	suite_add_tcase(s, tc);
	return s;
}
