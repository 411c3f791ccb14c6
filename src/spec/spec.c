/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * spec.c - struct container_spec: defaults, Docker's -v/--tmpfs/-u syntaxes, and
 * the validation that must happen in the parent, against the rootfs, before any
 * namespace exists.
 */
#include "ward/spec.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <linux/magic.h>
#include <sys/random.h>
#include <sys/statfs.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ward/caps.h"
#include "ward/cleanup.h"
#include "ward/sys.h"
#include "spec_int.h"

void spec_init(struct container_spec *spec)
{
	memset(spec, 0, sizeof(*spec));
	spec->caps = caps_docker_default();
	spec->network = SPEC_NET_NONE;
	spec->seccomp_mode = SPEC_SECCOMP_DEFAULT;
}

static void spec_oci_release(struct spec_oci *o)
{
	free(o->rlimits);
	for (size_t i = 0; i < o->nnamespaces; i++)
		free(o->namespaces[i].path);
	free(o->namespaces);
	free(o->uid_mappings);
	free(o->gid_mappings);
	strv_release(&o->sysctl);
	strv_release(&o->masked_paths);
	strv_release(&o->readonly_paths);
	free(o->cgroups_path);
	free(o->cgroup_parent);
	free(o->domainname);
	for (size_t i = 0; i < o->ndevices; i++)
		free(o->devices[i].path);
	free(o->devices);
	for (int k = 0; k < SPEC_NR_HOOKS; k++) {
		for (size_t i = 0; i < o->nhooks[k]; i++) {
			free(o->hooks[k][i].path);
			strv_release(&o->hooks[k][i].args);
			strv_release(&o->hooks[k][i].env);
		}
		free(o->hooks[k]);
	}
	strv_release(&o->annotations);
	strv_release(&o->netdevs);
	free(o->rdt.clos_id);
	free(o->rdt.l3_cache_schema);
	free(o->rdt.mem_bw_schema);
	free(o->rdt.schemata);
}

void spec_resources_release(struct spec_resources *res)
{
	free(res->cpuset_cpus);
	free(res->devices);
	free(res->cpuset_mems);
	free(res->blkio_devs);
	for (size_t i = 0; i < res->nhugepages; i++)
		free(res->hugepages[i].name);
	free(res->hugepages);
	for (size_t i = 0; i < res->nnet_prios; i++)
		free(res->net_prios[i].name);
	free(res->net_prios);
	strv_release(&res->unified);
	strv_release(&res->rdma);
	memset(res, 0, sizeof(*res));
}

void spec_release(struct container_spec *spec)
{
	free(spec->rootfs);
	strv_release(&spec->argv);
	strv_release(&spec->env);
	free(spec->cwd);
	free(spec->hostname);
	free(spec->groups);
	for (size_t i = 0; i < spec->nmounts; i++) {
		free(spec->mounts[i].source);
		free(spec->mounts[i].destination);
		free(spec->mounts[i].data);
		free(spec->mounts[i].type);
	}
	free(spec->mounts);
	free(spec->seccomp_path);
	free(spec->seccomp_json);
	spec_resources_release(&spec->resources);
	spec_oci_release(&spec->oci);
	spec_init(spec);
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void copy_strv(struct strv *dst, const struct strv *src)
{
	memset(dst, 0, sizeof(*dst));
	for (size_t i = 0; i < src->n; i++)
		strv_push(dst, src->v[i]);
}

static void *dup_array(const void *src, size_t n, size_t size)
{
	void *p;

	if (!src)
		return NULL;
	p = xcalloc(n + 1, size);
	memcpy(p, src, n * size);
	return p;
}

static void copy_oci(struct spec_oci *dst, const struct spec_oci *src)
{
	dst->rlimits = dup_array(src->rlimits, src->nrlimits, sizeof(*src->rlimits));
	dst->namespaces = dup_array(src->namespaces, src->nnamespaces, sizeof(*src->namespaces));
	for (size_t i = 0; i < src->nnamespaces; i++)
		dst->namespaces[i].path = dup_or_null(src->namespaces[i].path);
	dst->uid_mappings =
	    dup_array(src->uid_mappings, src->nuid_mappings, sizeof(*src->uid_mappings));
	dst->gid_mappings =
	    dup_array(src->gid_mappings, src->ngid_mappings, sizeof(*src->gid_mappings));
	copy_strv(&dst->sysctl, &src->sysctl);
	copy_strv(&dst->masked_paths, &src->masked_paths);
	copy_strv(&dst->readonly_paths, &src->readonly_paths);
	dst->cgroups_path = dup_or_null(src->cgroups_path);
	dst->cgroup_parent = dup_or_null(src->cgroup_parent);
	dst->domainname = dup_or_null(src->domainname);
	dst->devices = dup_array(src->devices, src->ndevices, sizeof(*src->devices));
	for (size_t i = 0; i < src->ndevices; i++)
		dst->devices[i].path = dup_or_null(src->devices[i].path);
	for (int k = 0; k < SPEC_NR_HOOKS; k++) {
		dst->hooks[k] = dup_array(src->hooks[k], src->nhooks[k], sizeof(struct spec_hook));
		for (size_t i = 0; i < src->nhooks[k]; i++) {
			dst->hooks[k][i].path = dup_or_null(src->hooks[k][i].path);
			copy_strv(&dst->hooks[k][i].args, &src->hooks[k][i].args);
			copy_strv(&dst->hooks[k][i].env, &src->hooks[k][i].env);
		}
	}
	copy_strv(&dst->annotations, &src->annotations);
	copy_strv(&dst->netdevs, &src->netdevs);
	dst->rdt.clos_id = dup_or_null(src->rdt.clos_id);
	dst->rdt.l3_cache_schema = dup_or_null(src->rdt.l3_cache_schema);
	dst->rdt.mem_bw_schema = dup_or_null(src->rdt.mem_bw_schema);
	dst->rdt.schemata = dup_or_null(src->rdt.schemata);
}

void spec_copy(struct container_spec *dst, const struct container_spec *src)
{
	*dst = *src; /* the scalars; every pointer is replaced below */
	dst->rootfs = dup_or_null(src->rootfs);
	copy_strv(&dst->argv, &src->argv);
	copy_strv(&dst->env, &src->env);
	dst->cwd = dup_or_null(src->cwd);
	dst->hostname = dup_or_null(src->hostname);
	dst->groups = NULL;
	if (src->ngroups) {
		dst->groups = xcalloc(src->ngroups, sizeof(gid_t));
		memcpy(dst->groups, src->groups, src->ngroups * sizeof(gid_t));
	}
	dst->mounts = NULL;
	if (src->nmounts) {
		dst->mounts = xcalloc(src->nmounts, sizeof(*dst->mounts));
		for (size_t i = 0; i < src->nmounts; i++) {
			dst->mounts[i] = src->mounts[i];
			dst->mounts[i].source = dup_or_null(src->mounts[i].source);
			dst->mounts[i].destination = dup_or_null(src->mounts[i].destination);
			dst->mounts[i].data = dup_or_null(src->mounts[i].data);
			dst->mounts[i].type = dup_or_null(src->mounts[i].type);
		}
	}
	dst->seccomp_path = dup_or_null(src->seccomp_path);
	dst->seccomp_json = NULL;
	if (src->seccomp_json) {
		dst->seccomp_json = xmalloc(src->seccomp_json_len + 1);
		memcpy(dst->seccomp_json, src->seccomp_json, src->seccomp_json_len + 1);
	}
	dst->resources.cpuset_cpus = dup_or_null(src->resources.cpuset_cpus);
	dst->resources.cpuset_mems = dup_or_null(src->resources.cpuset_mems);
	dst->resources.blkio_devs = dup_array(src->resources.blkio_devs, src->resources.nblkio_devs,
					      sizeof(*src->resources.blkio_devs));
	dst->resources.hugepages = dup_array(src->resources.hugepages, src->resources.nhugepages,
					     sizeof(*src->resources.hugepages));
	for (size_t i = 0; i < src->resources.nhugepages; i++)
		dst->resources.hugepages[i].name = xstrdup(src->resources.hugepages[i].name);
	dst->resources.net_prios = dup_array(src->resources.net_prios, src->resources.nnet_prios,
					     sizeof(*src->resources.net_prios));
	for (size_t i = 0; i < src->resources.nnet_prios; i++)
		dst->resources.net_prios[i].name = xstrdup(src->resources.net_prios[i].name);
	copy_strv(&dst->resources.unified, &src->resources.unified);
	copy_strv(&dst->resources.rdma, &src->resources.rdma);
	dst->resources.devices = dup_array(src->resources.devices, src->resources.ndevices,
					   sizeof(*src->resources.devices));
	copy_oci(&dst->oci, &src->oci);
}

struct spec_mount *spec_add_mount(struct container_spec *spec)
{
	spec->mounts = xrealloc(spec->mounts, (spec->nmounts + 1) * sizeof(*spec->mounts));
	memset(&spec->mounts[spec->nmounts], 0, sizeof(*spec->mounts));
	return &spec->mounts[spec->nmounts++];
}

char *spec_clean_path(const char *path)
{
	char *buf = xmalloc(strlen(path) + 2);
	bool abs = path[0] == '/';
	size_t out = 0, floor = 0; /* floor: a relative path's leading "..", never undone */

	for (const char *p = path; *p;) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (out > floor) {
				while (out > floor && buf[out - 1] != '/')
					out--;
				if (out > floor)
					out--;
			} else if (!abs) {
				if (out > 0)
					buf[out++] = '/';
				buf[out++] = '.';
				buf[out++] = '.';
				floor = out;
			}
		} else if (n > 0 && !(n == 1 && p[0] == '.')) {
			if (out > 0 || abs)
				buf[out++] = '/';
			memcpy(buf + out, p, n);
			out += n;
		}
		p += n;
		p += *p == '/';
	}
	if (out == 0)
		buf[out++] = abs ? '/' : '.';
	buf[out] = '\0';
	return buf;
}

/* what lxcfs emulates, so that top and free show the container's figures (runc's list) */
static const char *const proc_mount_files[] = {
    "/proc/cpuinfo",
    "/proc/diskstats",
    "/proc/meminfo",
    "/proc/stat",
    "/proc/swaps",
    "/proc/uptime",
    "/proc/loadavg",
    "/proc/slabinfo",
    "/proc/net/dev",
    "/proc/sys/kernel/ns_last_pid",
    "/proc/sys/crypto/fips_enabled",
};

bool spec_proc_mount_allowed(const char *dst)
{
	for (size_t i = 0; i < sizeof(proc_mount_files) / sizeof(proc_mount_files[0]); i++)
		if (strcmp(dst, proc_mount_files[i]) == 0)
			return true;
	return false;
}

static bool fs_type_is(const char *path, long type)
{
	struct statfs fs;

	return statfs(path, &fs) == 0 && (long)fs.f_type == type;
}

int spec_check_mount_at(const char *dst, const char *source, struct ward_err *err)
{
	if (strcmp(dst, "/proc") == 0) {
		if (source && fs_type_is(source, PROC_SUPER_MAGIC))
			return 0;
		return err_set(err, 0, "nothing but a proc filesystem can be mounted on /proc");
	}
	if (str_has_prefix(dst, "/proc/") && !spec_proc_mount_allowed(dst))
		return err_set(err, 0,
			       "it is inside /proc, where only the files lxcfs provides can be "
			       "mounted (/proc/cpuinfo, /proc/meminfo, /proc/stat, ...)");
	if (strcmp(dst, "/sys") == 0 && source && !fs_type_is(source, SYSFS_MAGIC))
		return err_set(err, 0, "nothing but a sysfs can be bound on /sys");
	return 0;
}

/* Why -v SRC:DST[:MODE] (split at its colons) is not one, or NULL; @clean: DST cleaned. */
static const char *volume_reason(const char *src, const char *dst, const char *mode,
				 const char *clean, char *buf, size_t size)
{
	if (!dst)
		(void)snprintf(buf, size, "no destination (SRC:DST[:ro|rw])");
	else if (!*src)
		(void)snprintf(buf, size, "the source is empty");
	else if (src[0] != '/')
		(void)snprintf(buf, size,
			       "the source '%s' must be an absolute path (ward has no named "
			       "volumes)",
			       src);
	else if (!*dst)
		(void)snprintf(buf, size, "the destination is empty");
	else if (dst[0] != '/')
		(void)snprintf(buf, size, "the destination '%s' must be an absolute path", dst);
	else if (strcmp(clean, "/") == 0)
		(void)snprintf(buf, size, "the destination '%s' is the container's root", dst);
	else if (mode && strchr(mode, ':'))
		(void)snprintf(buf, size, "too many fields (SRC:DST[:ro|rw])");
	else if (mode && strcmp(mode, "ro") != 0 && strcmp(mode, "rw") != 0)
		(void)snprintf(buf, size, "unknown mode '%s' (use ro or rw)", mode);
	else
		return NULL;
	return buf;
}

int spec_parse_volume(struct container_spec *spec, const char *arg, struct ward_err *err)
{
	cleanup_free char *copy = xstrdup(arg);
	cleanup_free char *clean = NULL;
	char *src = copy, *dst, *mode = NULL;
	char why[128];
	unsigned long flags = 0;
	struct spec_mount *m;
	struct stat st;

	dst = strchr(src, ':');
	if (dst) {
		*dst++ = '\0';
		mode = strchr(dst, ':');
		if (mode)
			*mode++ = '\0';
	}
	clean = spec_clean_path(dst ? dst : "");
	if (volume_reason(src, dst, mode, clean, why, sizeof(why)))
		return err_set(err, 0, "invalid volume specification '%s': %s", arg, why);
	if (mode && strcmp(mode, "ro") == 0)
		flags = MS_RDONLY;
	if (stat(src, &st) < 0)
		return err_set(err, errno, "volume source '%s'", src);
	if (spec_check_mount_at(clean, src, err) < 0)
		return err_prefix(err, "invalid volume specification '%s'", arg);
	m = spec_add_mount(spec);
	m->kind = SPEC_MOUNT_BIND;
	m->source = xstrdup(src);
	m->destination = steal_ptr(&clean);
	m->flags = flags;
	return 0;
}

int spec_parse_tmpfs(struct container_spec *spec, const char *arg, struct ward_err *err)
{
	static const struct {
		const char *name;
		unsigned long set, clear;
	} words[] = {
	    {"ro", MS_RDONLY, 0},     {"rw", 0, MS_RDONLY},   {"nosuid", MS_NOSUID, 0},
	    {"suid", 0, MS_NOSUID},   {"nodev", MS_NODEV, 0}, {"dev", 0, MS_NODEV},
	    {"noexec", MS_NOEXEC, 0}, {"exec", 0, MS_NOEXEC},
	};
	cleanup_free char *copy = xstrdup(arg);
	char *dst = copy, *opts = strchr(copy, ':'), *tok, *save = NULL;
	cleanup_free char *clean = NULL;
	unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC; /* Docker's defaults */
	char data[256] = "";
	struct spec_mount *m;

	if (opts)
		*opts++ = '\0';
	if (dst[0] != '/')
		return err_set(err, 0, "invalid tmpfs specification '%s'", arg);
	clean = spec_clean_path(dst);
	if (strcmp(clean, "/") == 0)
		return err_set(err, 0, "invalid tmpfs specification '%s'", arg);
	if (spec_check_mount_at(clean, NULL, err) < 0)
		return err_prefix(err, "invalid tmpfs specification '%s'", arg);
	for (tok = opts ? strtok_r(opts, ",", &save) : NULL; tok;
	     tok = strtok_r(NULL, ",", &save)) {
		size_t i, n = sizeof(words) / sizeof(words[0]);

		for (i = 0; i < n; i++)
			if (strcmp(tok, words[i].name) == 0)
				break;
		if (i < n) {
			flags = (flags | words[i].set) & ~words[i].clear;
		} else if (str_has_prefix(tok, "size=") || str_has_prefix(tok, "mode=") ||
			   str_has_prefix(tok, "uid=") || str_has_prefix(tok, "gid=") ||
			   str_has_prefix(tok, "nr_inodes=")) {
			size_t used = strlen(data);

			if ((size_t)snprintf(data + used, sizeof(data) - used, "%s%s",
					     used ? "," : "", tok) >= sizeof(data) - used)
				return err_set(err, 0, "invalid tmpfs specification '%s'", arg);
		} else {
			return err_set(err, 0, "invalid tmpfs option '%s' in '%s'", tok, arg);
		}
	}
	m = spec_add_mount(spec);
	m->kind = SPEC_MOUNT_TMPFS;
	m->destination = steal_ptr(&clean);
	m->flags = flags;
	m->data = data[0] ? xstrdup(data) : NULL;
	return 0;
}

const char *spec_getenv(const struct container_spec *spec, const char *key)
{
	size_t klen = strlen(key);

	for (size_t i = 0; i < spec->env.n; i++)
		if (strncmp(spec->env.v[i], key, klen) == 0 && spec->env.v[i][klen] == '=')
			return spec->env.v[i] + klen + 1;
	return NULL;
}

void spec_setenv(struct container_spec *spec, const char *kv)
{
	const char *eq = strchr(kv, '=');
	size_t klen = eq ? (size_t)(eq - kv) : strlen(kv);

	for (size_t i = 0; i < spec->env.n; i++) {
		if (strncmp(spec->env.v[i], kv, klen) == 0 && spec->env.v[i][klen] == '=') {
			free(spec->env.v[i]);
			spec->env.v[i] = xstrdup(kv);
			return;
		}
	}
	strv_push(&spec->env, kv);
}

/* "ubuntu:22.04", "docker.io/library/alpine", "alpine@sha256:...": a name, not a path */
static bool looks_like_image(const char *s)
{
	if (s[0] == '/' || s[0] == '.' || s[0] == '~')
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr("._-/:@", *p)))
			return false;
	return strchr(s, ':') || strchr(s, '@') || strchr(s, '/');
}

static char *random_hostname(void)
{
	unsigned char bytes[6];
	char out[13];

	/* the kernel's CSPRNG; a failure here is not worth failing the container for */
	if (getrandom(bytes, sizeof(bytes), 0) != (ssize_t)sizeof(bytes)) {
		unsigned long v = (unsigned long)getpid() * 2654435761UL;

		memcpy(bytes, &v, sizeof(bytes) < sizeof(v) ? sizeof(bytes) : sizeof(v));
	}
	for (size_t i = 0; i < sizeof(bytes); i++)
		(void)snprintf(out + 2 * i, 3, "%02x", bytes[i]);
	return xstrdup(out);
}

int spec_finalize(struct container_spec *spec, const char *user, struct ward_err *err)
{
	struct user_info u = {0};
	char real[PATH_MAX];
	struct stat st;
	int r;

	if (!spec->rootfs)
		return err_set(err, 0, "no rootfs given");
	/* Docker's device cgroup: no node but the standard ones, mknod aside */
	if (!spec->resources.ndevices) {
		spec->resources.devices = dup_array(devcg_default_rules, devcg_ndefault_rules,
						    sizeof(devcg_default_rules[0]));
		spec->resources.ndevices = devcg_ndefault_rules;
		spec->resources.devices_default = true;
		spec->resources.set |= SPEC_RES_DEVICES;
	}
	if (stat(spec->rootfs, &st) < 0 && errno == ENOENT && looks_like_image(spec->rootfs))
		return err_set(err, 0,
			       "cannot use rootfs '%s': no such directory (ward takes a root "
			       "filesystem directory, not an image: make one with podman export, "
			       "docker export, or skopeo copy and umoci unpack; see the README)",
			       spec->rootfs);
	if (stat(spec->rootfs, &st) < 0)
		return err_set(err, errno, "cannot use rootfs '%s'", spec->rootfs);
	if (!S_ISDIR(st.st_mode))
		return err_set(err, ENOTDIR, "cannot use rootfs '%s'", spec->rootfs);
	if (!realpath(spec->rootfs, real))
		return err_set(err, errno, "cannot use rootfs '%s'", spec->rootfs);
	if (strcmp(real, "/") == 0)
		return err_set(err, 0, "cannot use rootfs '%s': it is the host's root",
			       spec->rootfs);
	free(spec->rootfs);
	spec->rootfs = xstrdup(real);

	if (spec->cwd && spec->cwd[0] != '/')
		return err_set(err, 0, "working directory '%s' is not an absolute path", spec->cwd);
	if (!spec->cwd)
		spec->cwd = xstrdup("/");

	r = spec_resolve_user(spec, user, &u, err);
	if (r < 0)
		return r;
	spec->uid = u.uid;
	spec->gid = u.gid;

	if (!spec->hostname)
		spec->hostname = random_hostname();
	if (!spec->argv.n)
		strv_push(&spec->argv, "/bin/sh");
	if (!spec_getenv(spec, "PATH"))
		spec_setenv(spec, "PATH=" SPEC_DEFAULT_PATH);
	if (!spec_getenv(spec, "HOSTNAME"))
		strv_push_owned(&spec->env, xasprintf("HOSTNAME=%s", spec->hostname));
	if (!spec_getenv(spec, "HOME"))
		strv_push_owned(&spec->env, xasprintf("HOME=%s", u.home[0] ? u.home : "/"));
	return 0;
}

bool spec_map_id(const struct spec_idmap *map, size_t n, uint32_t id, uint32_t *host)
{
	for (size_t i = 0; i < n; i++)
		if (id >= map[i].container_id && id - map[i].container_id < map[i].size) {
			*host = map[i].host_id + (id - map[i].container_id);
			return true;
		}
	return false;
}

int spec_make_rootless(struct container_spec *spec, struct ward_err *err)
{
	if (spec->uid != 0 || spec->gid != 0)
		return err_set(err, 0,
			       "rootless: the container's user must be root (%u:%u asked): only "
			       "ward's own uid and gid are mapped into its user namespace",
			       (unsigned)spec->uid, (unsigned)spec->gid);
	spec->rootless = true;
	free(spec->groups);
	spec->groups = NULL;
	spec->ngroups = 0;
	free(spec->oci.uid_mappings);
	free(spec->oci.gid_mappings);
	spec->oci.uid_mappings = xcalloc(1, sizeof(struct spec_idmap));
	spec->oci.gid_mappings = xcalloc(1, sizeof(struct spec_idmap));
	*spec->oci.uid_mappings = (struct spec_idmap){0, (uint32_t)geteuid(), 1};
	*spec->oci.gid_mappings = (struct spec_idmap){0, (uint32_t)getegid(), 1};
	spec->oci.nuid_mappings = spec->oci.ngid_mappings = 1;
	return 0;
}

int spec_finalize_run(struct container_spec *spec, const char *user, char *const *cap_add,
		      char *const *cap_drop, struct ward_err *err)
{
	int r = caps_tweak(caps_docker_default(), cap_add, cap_drop, &spec->caps, err);

	if (r < 0)
		return r;
	if ((spec->shared_ns & CLONE_NEWUTS) && !spec->hostname) {
		char host[HOST_NAME_MAX + 1] = "";

		/* --uts host: the host's name, in HOSTNAME too */
		(void)gethostname(host, sizeof(host) - 1);
		spec->hostname = xstrdup(host);
	}
	r = spec_finalize(spec, user, err);
	if (r < 0)
		return r;
	if (geteuid() != 0 && (spec->shared_ns & CLONE_NEWUSER))
		return err_set(err, 0,
			       "--userns host: ward runs rootless in a user namespace of its own "
			       "(run it as root for the host's)");
	if (geteuid() != 0)
		return spec_make_rootless(spec, err);
	return 0;
}
