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

/* "process": root, sh, Docker's capabilities, no new privileges */
static void gen_default_process(yajl_gen g)
{
	static const char *const env[] = {"PATH=" SPEC_DEFAULT_PATH, "TERM=xterm", NULL};
	static const char *const args[] = {"sh", NULL};
	uint64_t caps = caps_docker_default();

	json_gen_str(g, "process");
	yajl_gen_map_open(g);
	json_gen_str(g, "terminal");
	yajl_gen_bool(g, 0);
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
	json_gen_str(g, "noNewPrivileges");
	yajl_gen_bool(g, 1);
	yajl_gen_map_close(g);
}

/* "mounts": the standard ones, as runc's spec writes them */
static void gen_default_mounts(yajl_gen g)
{
	json_gen_str(g, "mounts");
	yajl_gen_array_open(g);
	gen_mount(g, "/proc", "proc", "proc",
		  (const char *const[]){"nosuid", "noexec", "nodev", NULL});
	gen_mount(g, "/dev", "tmpfs", "tmpfs",
		  (const char *const[]){"nosuid", "strictatime", "mode=755", "size=65536k", NULL});
	gen_mount(g, "/dev/pts", "devpts", "devpts",
		  (const char *const[]){"nosuid", "noexec", "newinstance", "ptmxmode=0666",
					"mode=0620", "gid=5", NULL});
	gen_mount(
	    g, "/dev/shm", "tmpfs", "shm",
	    (const char *const[]){"nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL});
	gen_mount(g, "/dev/mqueue", "mqueue", "mqueue",
		  (const char *const[]){"nosuid", "noexec", "nodev", NULL});
	gen_mount(g, "/sys", "sysfs", "sysfs",
		  (const char *const[]){"nosuid", "noexec", "nodev", "ro", NULL});
	yajl_gen_array_close(g);
}

/* "linux": Docker's namespaces, no device but the standard ones, masked paths */
static void gen_default_linux(yajl_gen g)
{
	static const char *const ns[] = {"pid", "network", "ipc", "uts", "mount", "cgroup", NULL};

	json_gen_str(g, "linux");
	yajl_gen_map_open(g);
	json_gen_str(g, "namespaces");
	yajl_gen_array_open(g);
	for (size_t i = 0; ns[i]; i++) {
		yajl_gen_map_open(g);
		json_gen_kv(g, "type", ns[i]);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	/* as runc's: no device node but the standard ones */
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
	json_gen_strv(g, "maskedPaths", mnt_masked_paths);
	json_gen_strv(g, "readonlyPaths", mnt_readonly_paths);
	yajl_gen_map_close(g);
}

static yajl_gen gen_default(void)
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
	gen_default_mounts(g);
	gen_default_linux(g);
	yajl_gen_map_close(g);
	return g;
}

int oci_write_default(FILE *out, struct ward_err *err)
{
	cleanup_json_gen yajl_gen g = gen_default();

	return json_gen_write(g, out, err);
}

int oci_create_default(const char *bundle, struct ward_err *err)
{
	cleanup_json_gen yajl_gen g = gen_default();
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

int oci_features(FILE *out, struct ward_err *err)
{
	static const char *const ns[] = {"pid",	   "network", "ipc",  "uts", "mount",
					 "cgroup", "user",    "time", NULL};
	cleanup_json_gen yajl_gen g = json_gen_new("    "); /* yajl's own indent */
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
	yajl_gen_map_close(g);
	json_gen_str(g, "seccomp");
	yajl_gen_map_open(g);
	json_gen_str(g, "enabled");
	yajl_gen_bool(g, 1);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	return json_gen_write(g, out, err);
}
