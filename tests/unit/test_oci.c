/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_oci.c - config.json -> container_spec: every field of a full config,
 * the defaults of a minimal one, and the exact message for each bad bundle in
 * tests/data/oci/invalid.
 */
#include <errno.h>
#include <limits.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "ward/caps.h"
#include "ward/oci.h"
#include "ward/state.h"
#include "ward/util.h"

#define OCI_DATA UNIT_DATA_DIR "/oci"

static char bundle[64];

static void make_bundle(void)
{
	unit_make_bundle(bundle, "oci");
}

static void remove_bundle(void)
{
	unit_remove_dir(bundle);
}

/* Parse tests/data/oci/<rel> against the temporary bundle. */
static int parse_fixture(const char *rel, struct container_spec *spec, struct ward_err *err)
{
	char path[512];
	char *text = NULL;
	size_t len = 0;
	int r;

	snprintf(path, sizeof(path), OCI_DATA "/%s", rel);
	ck_assert_int_eq(read_file(path, 1 << 20, &text, &len, err), 0);
	spec_init(spec);
	r = oci_parse(text, len, bundle, spec, err);
	free(text);
	return r;
}

static bool has(const struct strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return true;
	return false;
}

static uint64_t cap(const char *name)
{
	return 1ULL << caps_from_name(name);
}

START_TEST(test_minimal)
{
	struct container_spec spec;
	struct ward_err err = {0};
	char root[PATH_MAX];

	ck_assert_int_eq(parse_fixture("valid/minimal.json", &spec, &err), 0);
	ck_assert(spec.oci.oci);
	snprintf(root, sizeof(root), "%s/rootfs", bundle);
	ck_assert_str_eq(spec.rootfs, root);
	ck_assert_uint_eq(spec.argv.n, 1);
	ck_assert_str_eq(spec.argv.v[0], "/bin/true");
	ck_assert_uint_eq(spec.env.n, 0); /* OCI adds nothing */
	ck_assert_str_eq(spec.cwd, "/");
	ck_assert_uint_eq(spec.caps, 0); /* no capabilities unless listed */
	ck_assert_int_eq(spec.seccomp_mode, SPEC_SECCOMP_UNCONFINED);
	ck_assert_int_eq(spec.network, SPEC_NET_HOST); /* no network namespace asked for */
	ck_assert_ptr_nonnull(spec.hostname);	       /* the host's, kept */
	ck_assert(!spec.no_new_privs);
	ck_assert(!spec.readonly_root);
	ck_assert_uint_eq(spec.nmounts, 0);
	ck_assert_int_eq(oci_check_supported(&spec, &err), 0);
	spec_release(&spec);
}
END_TEST

START_TEST(test_full)
{
	struct container_spec spec;
	struct ward_err err = {0};
	const struct spec_oci *o;

	ck_assert_msg(parse_fixture("valid/full.json", &spec, &err) == 0, "%s", err.msg);
	o = &spec.oci;
	ck_assert_uint_eq(spec.argv.n, 3);
	ck_assert_str_eq(spec.argv.v[2], "echo hi");
	ck_assert(has(&spec.env, "A=b=c"));
	ck_assert_uint_eq(spec.uid, 1000);
	ck_assert_uint_eq(spec.gid, 1001);
	ck_assert_uint_eq(spec.ngroups, 2);
	ck_assert_uint_eq(spec.groups[1], 6);
	ck_assert(o->umask_set);
	ck_assert_uint_eq(o->umask, 022);
	ck_assert_uint_eq(spec.caps, cap("CAP_CHOWN") | cap("CAP_KILL") | cap("CAP_NET_RAW"));
	ck_assert_uint_eq(o->caps_effective, cap("CAP_KILL"));
	ck_assert_uint_eq(o->caps_permitted, cap("CAP_KILL") | cap("CAP_CHOWN"));
	ck_assert_uint_eq(o->caps_inheritable, 0);
	ck_assert_uint_eq(o->caps_ambient, cap("CAP_KILL"));
	ck_assert_uint_eq(o->nrlimits, 2);
	ck_assert_int_eq(o->rlimits[0].resource, RLIMIT_NOFILE);
	ck_assert_uint_eq(o->rlimits[0].soft, 1024);
	ck_assert_uint_eq(o->rlimits[0].hard, 4096);
	ck_assert_int_eq(o->rlimits[1].resource, RLIMIT_CORE);
	ck_assert_uint_eq(o->rlimits[1].hard, UINT64_MAX);
	ck_assert(spec.no_new_privs);
	ck_assert(o->oom_score_adj_set);
	ck_assert_int_eq(o->oom_score_adj, -500);
	ck_assert(spec.readonly_root);
	ck_assert_str_eq(spec.hostname, "box");

	/* /proc, /dev and /sys/fs/cgroup are ward's own: not mounted twice */
	ck_assert_uint_eq(spec.nmounts, 3);
	ck_assert_int_eq(spec.mounts[0].kind, SPEC_MOUNT_BIND);
	ck_assert_str_eq(spec.mounts[0].source, "/etc");
	ck_assert_str_eq(spec.mounts[0].destination, "/data");
	ck_assert_uint_eq(spec.mounts[0].flags, MS_RDONLY | MS_NOSUID);
	ck_assert_int_eq(spec.mounts[1].kind, SPEC_MOUNT_BIND);	  /* no type, "bind" option */
	ck_assert(str_has_prefix(spec.mounts[1].source, bundle)); /* relative to the bundle */
	ck_assert_int_eq(spec.mounts[2].kind, SPEC_MOUNT_TMPFS);
	ck_assert_str_eq(spec.mounts[2].data, "size=1m,mode=1777");
	ck_assert_uint_eq(spec.mounts[2].flags, MS_NODEV);

	ck_assert_uint_eq(o->nnamespaces, 6);
	ck_assert_int_eq(o->namespaces[0].type, CLONE_NEWPID);
	ck_assert_ptr_null(o->namespaces[0].path);
	ck_assert_int_eq(spec.network, SPEC_NET_NONE);
	ck_assert(o->masked_set);
	ck_assert_uint_eq(o->masked_paths.n, 1);
	ck_assert(o->readonly_set);
	ck_assert_uint_eq(o->readonly_paths.n, 0);
	ck_assert_uint_eq(o->rootfs_propagation, MS_SLAVE | MS_REC);
	ck_assert_str_eq(o->cgroups_path, "/ward/test");
	ck_assert(has(&o->sysctl, "net.ipv4.ip_forward=1"));

	ck_assert_uint_eq(spec.resources.memory, 64 << 20);
	ck_assert_int_eq(spec.resources.memory_swap, 128 << 20);
	ck_assert_int_eq(spec.resources.pids, 100);
	ck_assert_uint_eq(spec.resources.cpu_shares, 512);
	ck_assert_uint_eq(spec.resources.cpu_quota_us, 50000);
	ck_assert_uint_eq(spec.resources.cpu_period_us, 100000);
	ck_assert_str_eq(spec.resources.cpuset_cpus, "0");

	/* the seccomp object, as JSON text again, for the profile engine */
	ck_assert_int_eq(spec.seccomp_mode, SPEC_SECCOMP_INLINE);
	ck_assert_ptr_nonnull(strstr(spec.seccomp_json, "\"defaultAction\":\"SCMP_ACT_ERRNO\""));
	ck_assert_uint_eq(strlen(spec.seccomp_json), spec.seccomp_json_len);

	ck_assert_uint_eq(o->nhooks[SPEC_HOOK_POSTSTART], 1);
	ck_assert_str_eq(o->hooks[SPEC_HOOK_POSTSTART][0].path, "/bin/true");
	ck_assert_str_eq(o->hooks[SPEC_HOOK_POSTSTART][0].args.v[1], "x");
	ck_assert_int_eq(o->hooks[SPEC_HOOK_POSTSTART][0].timeout, 5);
	ck_assert_uint_eq(o->nhooks[SPEC_HOOK_POSTSTOP], 1);
	/* args default to the path, as argv[0] */
	ck_assert_str_eq(o->hooks[SPEC_HOOK_POSTSTOP][0].args.v[0], "/bin/true");
	ck_assert_uint_eq(o->annotations.n, 4);
	ck_assert_str_eq(o->annotations.v[0], "org.example.key");
	ck_assert_str_eq(o->annotations.v[1], "value");

	/* every field of it takes effect now; rlimits depend on ward's own hard limits */
	spec.oci.nrlimits = 0;
	ck_assert_msg(oci_check_supported(&spec, &err) == 0, "%s", err.msg);
	spec_release(&spec);
}
END_TEST

/* What the launcher still refuses, each from full.json with one field changed. */
START_TEST(test_refused)
{
	static const struct {
		const char *what;
		const char *msg;
	} cases[] = {
	    {"user ns", "config.json: linux.namespaces: a user namespace needs linux.uidMappings "
			"and linux.gidMappings"},
	    {"mount join", "config.json: linux.namespaces: joining the mount namespace "
			   "'/proc/self/ns/mnt' by path (ward joins pid, network, ipc, uts and "
			   "cgroup namespaces)"},
	    {"sysctl host",
	     "config.json: linux.sysctl: 'kernel.panic' is not namespaced (ward sets "
	     "only net.*, kernel.shm*, kernel.msg*, kernel.sem and fs.mqueue.*)"},
	    {"sysctl no netns", "config.json: linux.sysctl: 'net.ipv4.ip_forward' needs a network "
				"namespace of the container's own (it would change the host's)"},
	    {"sysctl name", "config.json: linux.sysctl: 'net..x' is not a sysctl name"},
	    {"hostname no uts", "config.json: hostname: setting it needs a uts namespace (it would "
				"change the host's)"},
	    {"domainname no uts", "config.json: domainname: setting it needs a uts namespace (it "
				  "would change the host's)"},
	    {"rlimit", NULL},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct container_spec spec;
		struct ward_err err = {0};
		struct spec_oci *o = &spec.oci;
		struct rlimit own;
		char msg[256] = "";
		size_t k;

		ck_assert_int_eq(parse_fixture("valid/full.json", &spec, &err), 0);
		o->nrlimits = 0;
		switch (i) {
		case 0:
			o->namespaces[0].type = CLONE_NEWUSER;
			break;
		case 1:
			o->namespaces[2].path = xstrdup("/proc/self/ns/mnt"); /* [2] is mount */
			break;
		case 2:
			strv_push(&o->sysctl, "kernel.panic=1");
			break;
		case 3:
		case 5:
			/* drop the network (3) or uts (5) namespace from the list */
			for (k = 0; k < o->nnamespaces; k++)
				if (o->namespaces[k].type == (i == 3 ? CLONE_NEWNET : CLONE_NEWUTS))
					break;
			ck_assert_uint_lt(k, o->nnamespaces);
			o->namespaces[k] = o->namespaces[--o->nnamespaces];
			if (i == 5)
				strv_release(&o->sysctl);
			break;
		case 4:
			strv_push(&o->sysctl, "net..x=1");
			break;
		case 6:
			/* domainname without the uts namespace */
			for (k = 0; k < o->nnamespaces; k++)
				if (o->namespaces[k].type == CLONE_NEWUTS)
					break;
			ck_assert_uint_lt(k, o->nnamespaces);
			o->namespaces[k] = o->namespaces[--o->nnamespaces];
			strv_release(&o->sysctl);
			o->hostname_set = false;
			o->domainname = xstrdup("example.org");
			break;
		default:
			/* a hard limit above ward's own: refused unless it has CAP_SYS_RESOURCE */
			ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &own), 0);
			if (caps_have(CAP_SYS_RESOURCE) || own.rlim_max == RLIM_INFINITY) {
				spec_release(&spec);
				continue;
			}
			o->nrlimits = 1;
			o->rlimits[0].resource = RLIMIT_NOFILE;
			o->rlimits[0].soft = own.rlim_max;
			o->rlimits[0].hard = own.rlim_max + 1;
			snprintf(
			    msg, sizeof(msg),
			    "config.json: process.rlimits: RLIMIT_NOFILE: the hard limit %llu "
			    "is above ward's own (%llu), and raising it needs CAP_SYS_RESOURCE",
			    (unsigned long long)own.rlim_max + 1, (unsigned long long)own.rlim_max);
			break;
		}
		ck_assert_msg(oci_check_supported(&spec, &err) < 0, "%s: accepted", cases[i].what);
		ck_assert_str_eq(err.msg, cases[i].msg ? cases[i].msg : msg);
		spec_release(&spec);
	}
}
END_TEST

static const struct {
	const char *file;
	const char *msg; /* exact; "%B" stands for the bundle directory */
} invalid[] = {
    {"version-missing", "ociVersion: is required"},
    {"version-2", "ociVersion: unsupported version '2.0.0' (ward speaks 1.x)"},
    {"process-missing", "process: is required"},
    {"args-missing", "process.args: must be a non-empty array of strings"},
    {"args-empty", "process.args: must be a non-empty array of strings"},
    {"args-type", "process.args: must be a non-empty array of strings"},
    {"env-type", "process.env: must be an array of strings"},
    {"env-no-equals", "process.env: 'FOO' is not KEY=VALUE"},
    {"cwd-missing", "process.cwd: must be an absolute path"},
    {"cwd-relative", "process.cwd: must be an absolute path"},
    {"user-missing", "process.user: must be an object with uid and gid"},
    {"uid-negative", "process.user.uid: must be an integer from 0 to 4294967294"},
    {"cap-unknown", "process.capabilities.bounding: unknown capability 'CAP_FOO'"},
    {"cap-lowercase", "process.capabilities.effective: unknown capability 'cap_kill'"},
    {"cap-effective-not-permitted",
     "process.capabilities.effective: 'CAP_CHOWN' is not in the permitted set"},
    {"cap-inheritable-not-bounding",
     "process.capabilities.inheritable: 'CAP_CHOWN' is not in the bounding set"},
    {"rlimit-unknown", "process.rlimits[0].type: unknown rlimit 'RLIMIT_FOO'"},
    {"rlimit-soft-above-hard", "process.rlimits[0]: soft limit above the hard limit"},
    {"oom-range", "process.oomScoreAdj: must be an integer from -1000 to 1000"},
    {"root-missing", "root: is required (an object with a path)"},
    {"root-nonexistent", "root.path: '/nonexistent-ward-rootfs' does not exist"},
    {"root-path-type", "root.path: must be a string"},
    {"ns-unknown", "linux.namespaces[0].type: unknown namespace type 'foo'"},
    {"ns-twice", "linux.namespaces[1].type: namespace 'pid' given twice"},
    {"ns-path-relative", "linux.namespaces[0].path: must be an absolute path"},
    {"mount-relative", "mounts[0].destination: must be an absolute path"},
    /* any type goes to mount(2) (issue 17); an option tmpfs does not know does not */
    {"mount-type", "mounts[0].options: unknown tmpfs option 'bogus=1'"},
    {"mount-bind-missing", "mounts[0].source: '/nonexistent-ward-src' does not exist"},
    {"sysctl-type", "linux.sysctl: 'kernel.x' must be a string"},
    {"hook-relative", "hooks.prestart[0].path: must be an absolute path"},
    {"annotations-type", "annotations: 'a' must be a string"},
    {"propagation", "linux.rootfsPropagation: unknown propagation 'sideways'"},
    {"top-array", "the document must be a JSON object"},
    /* hostile input (issue 13): each of these hung, was cut short or was let through */
    {"mount-proc-no-type",
     "mounts[0].destination: '/proc': nothing but a proc filesystem can be mounted on /proc"},
    {"mount-proc-empty-type",
     "mounts[0].destination: '/proc': nothing but a proc filesystem can be mounted on /proc"},
    {"mount-sys-empty-type", "mounts[0].type: mount type '' on '/sys' is not supported (bind "
			     "and tmpfs are, and the standard /proc, /dev and /sys mounts)"},
    {"mount-proc-bind",
     "mounts[0].destination: '/proc/': nothing but a proc filesystem can be mounted on /proc"},
    {"mount-proc-dotted",
     "mounts[0].destination: '//./proc': nothing but a proc filesystem can be mounted on /proc"},
    {"mount-proc-below", "mounts[0].destination: '/proc/sys/kernel': it is inside /proc, where "
			 "only the files lxcfs provides can be mounted (/proc/cpuinfo, "
			 "/proc/meminfo, /proc/stat, ...)"},
    {"mount-proc-climb", "mounts[0].destination: '/mnt/../proc/self': it is inside /proc, "
			 "where only the files lxcfs provides can be mounted (/proc/cpuinfo, "
			 "/proc/meminfo, /proc/stat, ...)"},
    {"mount-sys-bind", "mounts[0].destination: '/sys': nothing but a sysfs can be bound on /sys"},
    {"mount-options-part", "mounts[0].options: must be an array of strings"},
    {"nul-arg", "process.args[0]: contains a NUL byte"},
    {"nul-key", "process: a key contains a NUL byte"},
    {"nul-destination", "mounts[0].destination: contains a NUL byte"},
    {"deep", "invalid JSON: line 1, column 90: nested deeper than 64 levels"},
    {"comment", "invalid JSON: line 1, column 24: lexical error: probable comment found in "
		"input text, comments are not enabled"},
};

START_TEST(test_invalid)
{
	struct container_spec spec;
	struct ward_err err = {0};
	char rel[128];

	snprintf(rel, sizeof(rel), "invalid/%s.json", invalid[_i].file);
	ck_assert_int_lt(parse_fixture(rel, &spec, &err), 0);
	ck_assert_msg(strcmp(err.msg, invalid[_i].msg) == 0, "%s:\n  expected: %s\n  actual:   %s",
		      invalid[_i].file, invalid[_i].msg, err.msg);
	spec_release(&spec);
}
END_TEST

START_TEST(test_invalid_json)
{
	struct container_spec spec;
	struct ward_err err = {0};

	ck_assert_int_lt(parse_fixture("invalid/not-json.json", &spec, &err), 0);
	ck_assert(str_has_prefix(err.msg, "invalid JSON: "));
	spec_release(&spec);
	/* through the profile engine, the profile's own path in the message */
	ck_assert_int_lt(parse_fixture("invalid/seccomp-action.json", &spec, &err), 0);
	ck_assert_msg(str_has_prefix(err.msg, "linux.seccomp: "), "%s", err.msg);
	ck_assert_ptr_nonnull(strstr(err.msg, "SCMP_ACT_NOPE"));
	spec_release(&spec);
}
END_TEST

/* oci_load(): the file name in front, and a missing config.json. */
START_TEST(test_load)
{
	struct container_spec spec;
	struct ward_err err = {0};
	char path[256], msg[512];
	FILE *f;

	spec_init(&spec);
	ck_assert_int_lt(oci_load(bundle, NULL, &spec, &err), 0);
	snprintf(msg, sizeof(msg), "config.json: '%s/config.json' does not exist", bundle);
	ck_assert_str_eq(err.msg, msg);
	spec_release(&spec);

	snprintf(path, sizeof(path), "%s/config.json", bundle);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},"
	      "\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0},\"args\":{}}}",
	      f);
	fclose(f);
	spec_init(&spec);
	ck_assert_int_lt(oci_load(bundle, NULL, &spec, &err), 0);
	ck_assert_str_eq(err.msg,
			 "config.json: process.args: must be a non-empty array of strings");
	spec_release(&spec);

	spec_init(&spec);
	ck_assert_int_lt(oci_load("/nonexistent-ward-bundle", NULL, &spec, &err), 0);
	ck_assert_str_eq(err.msg, "bundle '/nonexistent-ward-bundle' does not exist");
	spec_release(&spec);
}
END_TEST

/* What `ward spec` writes parses back into Docker's defaults. */
START_TEST(test_default_roundtrip)
{
	struct container_spec spec;
	struct ward_err err = {0};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(oci_write_default(f, &err), 0);
	fclose(f);
	spec_init(&spec);
	ck_assert_msg(oci_parse(buf, len, bundle, &spec, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(spec.caps, caps_docker_default());
	ck_assert_uint_eq(spec.oci.caps_effective, caps_docker_default());
	ck_assert(spec.no_new_privs);
	ck_assert(spec.readonly_root);
	ck_assert_str_eq(spec.argv.v[0], "sh");
	ck_assert_uint_eq(spec.nmounts, 0); /* all standard */
	ck_assert(has(&spec.oci.masked_paths, "/proc/kcore"));
	ck_assert(has(&spec.oci.readonly_paths, "/proc/sys"));
	ck_assert_int_eq(spec.network, SPEC_NET_NONE);
	ck_assert_int_eq(oci_check_supported(&spec, &err), 0);
	spec_release(&spec);
	free(buf);
}
END_TEST

START_TEST(test_ids_and_signals)
{
	ck_assert(state_valid_id("abc"));
	ck_assert(state_valid_id("a-b_c.d9"));
	ck_assert(!state_valid_id(""));
	ck_assert(!state_valid_id("a/b"));
	ck_assert(!state_valid_id(".."));
	ck_assert(!state_valid_id("-x"));
	ck_assert(!state_valid_id("a b"));
	ck_assert(
	    !state_valid_id("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
	ck_assert_int_eq(state_parse_signal("TERM"), 15);
	ck_assert_int_eq(state_parse_signal("SIGKILL"), 9);
	ck_assert_int_eq(state_parse_signal("sigusr1"), 10);
	ck_assert_int_eq(state_parse_signal("9"), 9);
	ck_assert_int_eq(state_parse_signal("0"), -1);
	ck_assert_int_eq(state_parse_signal("NOPE"), -1);
	ck_assert_int_eq(state_parse_signal("99"), -1);
}
END_TEST

/* every file in tests/data/oci/invalid is in the table above (or named in test_invalid_json) */
START_TEST(test_invalid_all_listed)
{
	DIR *d = opendir(OCI_DATA "/invalid");
	struct dirent *e;
	size_t files = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name), i;
		bool found = false;

		if (n < 6 || strcmp(e->d_name + n - 5, ".json") != 0)
			continue;
		files++;
		for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]) && !found; i++)
			found = strlen(invalid[i].file) == n - 5 &&
				strncmp(invalid[i].file, e->d_name, n - 5) == 0;
		found = found || strcmp(e->d_name, "not-json.json") == 0 ||
			strcmp(e->d_name, "seccomp-action.json") == 0;
		ck_assert_msg(found, "tests/data/oci/invalid/%s has no entry in test_oci.c",
			      e->d_name);
	}
	closedir(d);
	ck_assert_uint_eq(files, sizeof(invalid) / sizeof(invalid[0]) + 2);
}
END_TEST

/* a config that fails in a mount's options, after some were read: nothing leaks (LSan) */
START_TEST(test_mount_options_fail_partway)
{
	static const char *const bad[] = {
	    "[\"ro\", \"nosuid\", 5]",
	    "[\"ro\", {\"a\": 1}]",
	    "[\"ro\", \"mode=755\", \"size=1k\", null]",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct container_spec spec;
		struct ward_err err = {0};
		char *json =
		    xasprintf("{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"rootfs\"},"
			      " \"process\": {\"user\": {\"uid\": 0, \"gid\": 0}, \"args\":"
			      " [\"/bin/true\"], \"cwd\": \"/\"}, \"mounts\": ["
			      "{\"destination\": \"/a\", \"type\": \"tmpfs\"},"
			      "{\"destination\": \"/mnt\", \"type\": \"tmpfs\", "
			      "\"options\": %s}]}",
			      bad[i]);

		spec_init(&spec);
		ck_assert_int_lt(oci_parse(json, strlen(json), bundle, &spec, &err), 0);
		ck_assert_str_eq(err.msg, "mounts[1].options: must be an array of strings");
		spec_release(&spec);
		free(json);
	}
}
END_TEST

/* mounts over /proc and /sys: what runc lets through, ward does too */
START_TEST(test_mount_proc_sys_allowed)
{
	static const char *const ok[] = {
	    "{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"}",
	    "{\"destination\": \"/proc/\", \"type\": \"proc\"}",
	    "{\"destination\": \"/proc/meminfo\", \"type\": \"bind\", \"source\": "
	    "\"/proc/meminfo\"}",
	    "{\"destination\": \"/proc/sys/kernel/ns_last_pid\", \"type\": \"bind\", \"source\": "
	    "\"/proc/sys/kernel/ns_last_pid\"}",
	    "{\"destination\": \"/proc\", \"type\": \"bind\", \"source\": \"/proc\"}",
	    "{\"destination\": \"/sys\", \"type\": \"bind\", \"source\": \"/sys\"}",
	    "{\"destination\": \"/sys\", \"type\": \"sysfs\"}",
	    "{\"destination\": \"/sys/kernel\", \"type\": \"tmpfs\"}",
	    "{\"destination\": \"/sys\", \"type\": \"tmpfs\"}",
	    "{\"destination\": \"/procfoo\", \"type\": \"tmpfs\"}",
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct container_spec spec;
		struct ward_err err = {0};
		char *json =
		    xasprintf("{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"rootfs\"},"
			      " \"process\": {\"user\": {\"uid\": 0, \"gid\": 0}, \"args\":"
			      " [\"/bin/true\"], \"cwd\": \"/\"}, \"mounts\": [%s]}",
			      ok[i]);

		spec_init(&spec);
		ck_assert_msg(oci_parse(json, strlen(json), bundle, &spec, &err) == 0, "%s: %s",
			      ok[i], err.msg);
		spec_release(&spec);
		free(json);
	}
}
END_TEST

/* a rootless user's state directory: its own, a directory, not a symlink, 0700 when made */
START_TEST(test_user_root)
{
	char dir[] = "/tmp/ward-userroot-XXXXXX", path[64], link[80];
	struct ward_err err = {0};
	struct stat st;
	char *root, *saved = getenv("XDG_RUNTIME_DIR") ? strdup(getenv("XDG_RUNTIME_DIR")) : NULL;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chmod(dir, 0700), 0);
	setenv("XDG_RUNTIME_DIR", dir, 1);
	root = state_user_root();
	snprintf(path, sizeof(path), "%s/ward", dir);
	ck_assert_str_eq(root, path);
	free(root);
	ck_assert_int_eq(state_root_check(path, false, &err), 0); /* missing: nothing to read */
	ck_assert_int_eq(state_root_check(path, true, &err), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0700);
	snprintf(link, sizeof(link), "%s/link", dir);
	ck_assert_int_eq(symlink(path, link), 0);
	ck_assert_int_lt(state_root_check(link, false, &err), 0);
	ck_assert_str_eq(strstr(err.msg, ": it"), ": it is a symbolic link");
	ck_assert_int_eq(chmod(path, 0777), 0);
	ck_assert_int_lt(state_root_check(path, true, &err), 0);
	ck_assert_str_eq(strstr(err.msg, ": others"), ": others may write to it");
	ck_assert_int_eq(chmod(dir, 0777), 0); /* an XDG_RUNTIME_DIR others may write to */
	root = state_user_root();
	ck_assert(!root || strncmp(root, dir, strlen(dir)) != 0);
	free(root);
	unlink(link);
	rmdir(path);
	rmdir(dir);
	if (saved)
		setenv("XDG_RUNTIME_DIR", saved, 1);
	else
		unsetenv("XDG_RUNTIME_DIR");
	free(saved);
}
END_TEST

Suite *oci_suite(void)
{
	Suite *s = suite_create("oci");
	TCase *tc = tcase_create("config");

	tcase_add_checked_fixture(tc, make_bundle, remove_bundle);
	tcase_set_timeout(tc, UNIT_TIMEOUT);
	tcase_add_test(tc, test_minimal);
	tcase_add_test(tc, test_full);
	tcase_add_test(tc, test_refused);
	tcase_add_loop_test(tc, test_invalid, 0, (int)(sizeof(invalid) / sizeof(invalid[0])));
	tcase_add_test(tc, test_invalid_json);
	tcase_add_test(tc, test_invalid_all_listed);
	tcase_add_test(tc, test_mount_options_fail_partway);
	tcase_add_test(tc, test_mount_proc_sys_allowed);
	tcase_add_test(tc, test_load);
	tcase_add_test(tc, test_default_roundtrip);
	tcase_add_test(tc, test_ids_and_signals);
	tcase_add_test(tc, test_user_root);
	suite_add_tcase(s, tc);
	return s;
}
