/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * oci_write.c - the documents ward writes rather than reads: the default
 * config.json of `ward spec` and the features document of `ward features`.
 */
#include "ward/oci.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ward/caps.h"
#include "ward/cleanup.h"
#include "ward/json.h"
#include "ward/mount.h"
#include "ward/oci_parse.h"
#include "ward/profile.h"
#include "ward/util.h"

static void gen_caps(yajl_gen g, const char *key, uint64_t caps)
{
	json_gen_str(g, key);
	yajl_gen_array_open(g);
	for (int c = 0; c < 64; c++)
		if (caps & (1ULL << c) && caps_name(c))
			json_gen_str(g, caps_name(c));
	yajl_gen_array_close(g);
}

static void gen_mount(yajl_gen g, const char *dst, const char *type, const char *src,
		      const char *const *opts)
{
	yajl_gen_map_open(g);
	json_gen_kv(g, "destination", dst);
	json_gen_kv(g, "type", type);
	json_gen_kv(g, "source", src);
	json_gen_strv(g, "options", opts);
	yajl_gen_map_close(g);
}

/*
 * "process": runc spec's (a terminal, root, sh, RLIMIT_NOFILE 1024, no new
 * privileges), with Docker's capabilities: ward's default set (DESIGN.md), where
 * runc writes AUDIT_WRITE, KILL and NET_BIND_SERVICE
 */
static void gen_default_process(yajl_gen g)
{
	static const char *const env[] = {"PATH=" SPEC_DEFAULT_PATH, "TERM=xterm", NULL};
	static const char *const args[] = {"sh", NULL};
	uint64_t caps = caps_docker_default();

	json_gen_str(g, "process");
	yajl_gen_map_open(g);
	json_gen_str(g, "terminal");
	yajl_gen_bool(g, 1);
	json_gen_str(g, "user");
	yajl_gen_map_open(g);
	json_gen_str(g, "uid");
	yajl_gen_integer(g, 0);
	json_gen_str(g, "gid");
	yajl_gen_integer(g, 0);
	yajl_gen_map_close(g);
	json_gen_strv(g, "args", args);
	json_gen_strv(g, "env", env);
	json_gen_kv(g, "cwd", "/");
	json_gen_str(g, "capabilities");
	yajl_gen_map_open(g);
	gen_caps(g, "bounding", caps);
	gen_caps(g, "effective", caps);
	gen_caps(g, "permitted", caps);
	yajl_gen_map_close(g);
	json_gen_str(g, "rlimits");
	yajl_gen_array_open(g);
	yajl_gen_map_open(g);
	json_gen_kv(g, "type", "RLIMIT_NOFILE");
	json_gen_str(g, "hard");
	yajl_gen_integer(g, 1024);
	json_gen_str(g, "soft");
	yajl_gen_integer(g, 1024);
	yajl_gen_map_close(g);
	yajl_gen_array_close(g);
	json_gen_str(g, "noNewPrivileges");
	yajl_gen_bool(g, 1);
	yajl_gen_map_close(g);
}

/*
 * "mounts": the standard ones, as runc's spec writes them; rootless (as `runc
 * spec --rootless`): devpts without gid=5 (no such group mapped) and /sys bound
 * from the host (a user namespace cannot mount sysfs without its own network one)
 */
static void gen_default_mounts(yajl_gen g, bool rootless)
{
	json_gen_str(g, "mounts");
	yajl_gen_array_open(g);
	yajl_gen_map_open(g);
	json_gen_kv(g, "destination", "/proc");
	json_gen_kv(g, "type", "proc");
	json_gen_kv(g, "source", "proc");
	yajl_gen_map_close(g);
	gen_mount(g, "/dev", "tmpfs", "tmpfs",
		  (const char *const[]){"nosuid", "strictatime", "mode=755", "size=65536k", NULL});
	gen_mount(g, "/dev/pts", "devpts", "devpts",
		  (const char *const[]){"nosuid", "noexec", "newinstance", "ptmxmode=0666",
					"mode=0620", rootless ? NULL : "gid=5", NULL});
	gen_mount(
	    g, "/dev/shm", "tmpfs", "shm",
	    (const char *const[]){"nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL});
	gen_mount(g, "/dev/mqueue", "mqueue", "mqueue",
		  (const char *const[]){"nosuid", "noexec", "nodev", NULL});
	if (rootless)
		gen_mount(g, "/sys", "none", "/sys",
			  (const char *const[]){"rbind", "nosuid", "noexec", "nodev", "ro", NULL});
	else
		gen_mount(g, "/sys", "sysfs", "sysfs",
			  (const char *const[]){"nosuid", "noexec", "nodev", "ro", NULL});
	gen_mount(g, "/sys/fs/cgroup", "cgroup", "cgroup",
		  (const char *const[]){"nosuid", "noexec", "nodev", "relatime", "ro", NULL});
	yajl_gen_array_close(g);
}

/* rootless: "uidMappings" or "gidMappings", the one id of whoever runs `ward spec` as root */
static void gen_id_mapping(yajl_gen g, const char *key, unsigned int host_id)
{
	json_gen_str(g, key);
	yajl_gen_array_open(g);
	yajl_gen_map_open(g);
	json_gen_str(g, "containerID");
	yajl_gen_integer(g, 0);
	json_gen_str(g, "hostID");
	yajl_gen_integer(g, host_id);
	json_gen_str(g, "size");
	yajl_gen_integer(g, 1);
	yajl_gen_map_close(g);
	yajl_gen_array_close(g);
}

/*
 * "linux": runc spec's namespaces (pid, network, ipc, uts, mount) and Docker's
 * cgroup one (ward's defaults, DESIGN.md), no device but the standard ones,
 * masked and read-only paths; rootless (as `runc spec
 * --rootless`): a user namespace mapping root to the caller, the host's network
 * namespace, no device rule (a user namespace cannot set one)
 */
static void gen_default_linux(yajl_gen g, bool rootless)
{
	static const char *const ns[] = {"pid", "network", "ipc", "uts", "mount", "cgroup", NULL};

	json_gen_str(g, "linux");
	yajl_gen_map_open(g);
	if (rootless) {
		gen_id_mapping(g, "uidMappings", (unsigned int)geteuid());
		gen_id_mapping(g, "gidMappings", (unsigned int)getegid());
	} else {
		json_gen_str(g, "resources");
		yajl_gen_map_open(g);
		json_gen_str(g, "devices");
		yajl_gen_array_open(g);
		yajl_gen_map_open(g);
		json_gen_str(g, "allow");
		yajl_gen_bool(g, 0);
		json_gen_kv(g, "access", "rwm");
		yajl_gen_map_close(g);
		yajl_gen_array_close(g);
		yajl_gen_map_close(g);
	}
	json_gen_str(g, "namespaces");
	yajl_gen_array_open(g);
	for (size_t i = 0; ns[i]; i++) {
		if (rootless && strcmp(ns[i], "network") == 0)
			continue;
		yajl_gen_map_open(g);
		json_gen_kv(g, "type", ns[i]);
		yajl_gen_map_close(g);
	}
	if (rootless) {
		yajl_gen_map_open(g);
		json_gen_kv(g, "type", "user");
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	json_gen_strv(g, "maskedPaths", mnt_masked_paths);
	json_gen_strv(g, "readonlyPaths", mnt_readonly_paths);
	yajl_gen_map_close(g);
}

static yajl_gen gen_default(bool rootless)
{
	yajl_gen g = json_gen_new("\t");

	yajl_gen_map_open(g);
	json_gen_kv(g, "ociVersion", OCI_VERSION);
	gen_default_process(g);
	json_gen_str(g, "root");
	yajl_gen_map_open(g);
	json_gen_kv(g, "path", "rootfs");
	json_gen_str(g, "readonly");
	yajl_gen_bool(g, 1);
	yajl_gen_map_close(g);
	json_gen_kv(g, "hostname", "ward");
	gen_default_mounts(g, rootless);
	gen_default_linux(g, rootless);
	yajl_gen_map_close(g);
	return g;
}

int oci_write_default(FILE *out, struct ward_err *err)
{
	cleanup_json_gen yajl_gen g = gen_default(false);

	return json_gen_write(g, out, err);
}

int oci_create_default(const char *bundle, bool rootless, struct ward_err *err)
{
	cleanup_json_gen yajl_gen g = gen_default(rootless);
	cleanup_free char *path = xasprintf("%s/config.json", bundle);
	const unsigned char *buf;
	size_t len;
	int fd, r;

	if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
		return err_set(err, EIO, "cannot format the document");
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 && errno == EEXIST)
		return err_set(err, 0, "spec: '%s' exists already: not overwriting it", path);
	if (fd < 0)
		return err_set(err, errno, "spec: cannot create '%s'", path);
	r = fd_write_all(fd, buf, len);
	if (r == 0)
		r = fd_write_all(fd, "\n", 1);
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r < 0) {
		(void)unlink(path);
		return err_set(err, -r, "spec: cannot write '%s'", path);
	}
	return 0;
}

/* "seccomp": what a profile may name (actions, operators, the architectures libseccomp knows) */
static void gen_features_seccomp(yajl_gen g)
{
	static const char *const archs[] = {
	    "SCMP_ARCH_AARCH64",  "SCMP_ARCH_ARM",	   "SCMP_ARCH_MIPS",
	    "SCMP_ARCH_MIPS64",	  "SCMP_ARCH_MIPS64N32",   "SCMP_ARCH_MIPSEL",
	    "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
	    "SCMP_ARCH_PPC64",	  "SCMP_ARCH_PPC64LE",	   "SCMP_ARCH_RISCV64",
	    "SCMP_ARCH_S390",	  "SCMP_ARCH_S390X",	   "SCMP_ARCH_X32",
	    "SCMP_ARCH_X86",	  "SCMP_ARCH_X86_64",	   NULL};

	json_gen_str(g, "seccomp");
	yajl_gen_map_open(g);
	json_gen_str(g, "enabled");
	yajl_gen_bool(g, 1);
	json_gen_str(g, "actions");
	yajl_gen_array_open(g);
	json_gen_str(g, "SCMP_ACT_KILL"); /* KILL_THREAD's other name */
	for (int a = PROF_ACT_KILL_THREAD; a <= PROF_ACT_NOTIFY; a++)
		json_gen_str(g, prof_action_name((enum prof_action)a));
	yajl_gen_array_close(g);
	json_gen_str(g, "operators");
	yajl_gen_array_open(g);
	for (int op = PROF_OP_NE; op <= PROF_OP_MASKED_EQ; op++)
		json_gen_str(g, prof_op_name((enum prof_op)op));
	yajl_gen_array_close(g);
	json_gen_strv(g, "archs", archs);
	yajl_gen_map_close(g);
}

/* "linux", as runc's features has it */
static void gen_features_linux(yajl_gen g)
{
	static const char *const ns[] = {"cgroup", "ipc",  "mount", "network", "pid",
					 "time",   "user", "uts",   NULL};

	json_gen_str(g, "linux");
	yajl_gen_map_open(g);
	json_gen_strv(g, "namespaces", ns);
	gen_caps(g, "capabilities", caps_all());
	json_gen_str(g, "cgroup");
	yajl_gen_map_open(g);
	json_gen_str(g, "v1");
	yajl_gen_bool(g, 1);
	json_gen_str(g, "v2");
	yajl_gen_bool(g, 1);
	json_gen_str(g, "systemd"); /* --systemd-cgroup is accepted, cgroupfs used */
	yajl_gen_bool(g, 0);
	json_gen_str(g, "systemdUser");
	yajl_gen_bool(g, 0);
	yajl_gen_map_close(g);
	gen_features_seccomp(g);
	json_gen_str(g, "apparmor");
	yajl_gen_map_open(g);
	json_gen_str(g, "enabled");
	yajl_gen_bool(g, 0);
	yajl_gen_map_close(g);
	json_gen_str(g, "selinux");
	yajl_gen_map_open(g);
	json_gen_str(g, "enabled");
	yajl_gen_bool(g, 0);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
}

int oci_features(FILE *out, const char *libseccomp_version, struct ward_err *err)
{
	cleanup_json_gen yajl_gen g = json_gen_new("    "); /* runc's indent */
	const char *name;

	yajl_gen_map_open(g);
	json_gen_kv(g, "ociVersionMin", "1.0.0");
	json_gen_kv(g, "ociVersionMax", OCI_VERSION);
	json_gen_str(g, "hooks");
	yajl_gen_array_open(g);
	for (int k = 0; k < SPEC_NR_HOOKS; k++)
		json_gen_str(g, oci_hook_name(k));
	yajl_gen_array_close(g);
	json_gen_str(g, "mountOptions");
	yajl_gen_array_open(g);
	for (size_t i = 0; (name = oci_mount_option_name(i)); i++)
		json_gen_str(g, name);
	yajl_gen_array_close(g);
	gen_features_linux(g);
	json_gen_str(g, "annotations");
	yajl_gen_map_open(g);
	json_gen_kv(g, "io.github.seccomp.libseccomp.version", libseccomp_version);
	json_gen_kv(g, "org.ward.version", WARD_VERSION);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	return json_gen_write(g, out, err);
}
