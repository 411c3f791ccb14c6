/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * run_devices.c - `ward run --device`, `--device-cgroup-rule` and `--privileged`:
 * device nodes made in the container's /dev (spec.oci.devices) and the device
 * cgroup's rules after Docker's defaults, with Docker's validation.
 */
#include "ward/cli_parse.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "ward/cleanup.h"
#include "ward/devcg.h"

/* A rule after Docker's default ones (copied in first: a user's rule adds to them). */
static void add_rule(struct spec_resources *res, struct devcg_rule rule)
{
	if (!res->ndevices) {
		res->devices = xmalloc(devcg_ndefault_rules * sizeof(*res->devices));
		memcpy(res->devices, devcg_default_rules,
		       devcg_ndefault_rules * sizeof(*res->devices));
		res->ndevices = devcg_ndefault_rules;
	}
	res->devices = xrealloc(res->devices, (res->ndevices + 1) * sizeof(*res->devices));
	res->devices[res->ndevices++] = rule;
	res->devices_default = false; /* the user's: where it cannot be applied, fail */
	res->set |= SPEC_RES_DEVICES;
}

static void add_node(struct container_spec *spec, const char *path, const struct stat *st)
{
	struct spec_device *d;

	spec->oci.devices =
	    xrealloc(spec->oci.devices, (spec->oci.ndevices + 1) * sizeof(*spec->oci.devices));
	d = &spec->oci.devices[spec->oci.ndevices++];
	memset(d, 0, sizeof(*d));
	d->path = xstrdup(path);
	d->type = st->st_mode & S_IFMT;
	d->major = major(st->st_rdev);
	d->minor = minor(st->st_rdev);
	d->mode = st->st_mode & 0777;
	d->uid = st->st_uid;
	d->gid = st->st_gid;
}

/* --device HOST[:CONTAINER][:PERMISSIONS] */
int cli_run_device(struct container_spec *spec, const char *arg, struct ward_err *err)
{
	cleanup_free char *copy = xstrdup(arg);
	char *host = copy, *dst = strchr(copy, ':'), *perms = NULL;
	unsigned int access = DEVCG_RWM;
	struct stat st;

	if (dst) {
		*dst++ = '\0';
		perms = strchr(dst, ':');
		if (perms)
			*perms++ = '\0';
		else if (*dst && dst[strspn(dst, "rwm")] == '\0')
			perms = dst, dst = NULL; /* HOST:PERMISSIONS */
	}
	if (perms && (devcg_parse_access(perms, &access) < 0 || !access))
		return err_set(err, 0, "invalid --device '%s': bad permissions '%s' (r, w, m)", arg,
			       perms);
	if (!dst || !*dst)
		dst = host;
	if (stat(host, &st) < 0)
		return err_set(err, errno, "--device '%s'", host);
	if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
		return err_set(err, 0, "--device '%s': not a character or block device", host);
	if (dst[0] != '/' || strncmp(dst, "/dev/", 5) != 0)
		return err_set(
		    err, 0, "invalid --device '%s': the container's path must be under /dev", arg);
	add_node(spec, dst, &st);
	add_rule(&spec->resources, (struct devcg_rule){.allow = true,
						       .type = S_ISCHR(st.st_mode) ? 'c' : 'b',
						       .major = major(st.st_rdev),
						       .minor = minor(st.st_rdev),
						       .access = access});
	return 0;
}

/* "*" or a number */
static bool dev_number(const char *s, size_t len, int64_t *out)
{
	uint64_t v;
	char buf[16];

	if (len == 1 && *s == '*') {
		*out = DEVCG_ANY;
		return true;
	}
	if (len == 0 || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (!parse_u64(buf, INT32_MAX, &v))
		return false;
	*out = (int64_t)v;
	return true;
}

/* --device-cgroup-rule "TYPE MAJOR:MINOR ACCESS", as cgroup v1's devices.allow takes it */
int cli_run_device_rule(struct container_spec *spec, const char *arg, struct ward_err *err)
{
	struct devcg_rule rule = {.allow = true};
	const char *nums, *colon, *sp;

	/* "a", "" too: the type and its space first, then what follows them */
	if (!arg[0] || !strchr("abc", arg[0]) || arg[1] != ' ' || !(colon = strchr(arg + 2, ':')))
		return err_set(err, 0, "invalid --device-cgroup-rule '%s': TYPE MAJOR:MINOR ACCESS",
			       arg);
	nums = arg + 2;
	sp = strchr(colon, ' ');
	if (!sp || !dev_number(nums, (size_t)(colon - nums), &rule.major) ||
	    !dev_number(colon + 1, (size_t)(sp - colon - 1), &rule.minor) ||
	    devcg_parse_access(sp + 1, &rule.access) < 0 || !rule.access)
		return err_set(err, 0, "invalid --device-cgroup-rule '%s': TYPE MAJOR:MINOR ACCESS",
			       arg);
	rule.type = arg[0];
	add_rule(&spec->resources, rule);
	return 0;
}

/* The nodes ward's /dev has anyway, and the directories of other mounts. */
static bool skipped(const char *name)
{
	static const char *const names[] = {"null",    "zero", "full",	"random", "urandom",
					    "tty",     "ptmx", "pts",	"shm",	  "mqueue",
					    "console", "fd",   "stdin", "stdout", "stderr"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			return true;
	return name[0] == '.';
}

/* Every character and block device of the host's /dev (and one level below). */
static void add_host_devices(struct container_spec *spec, const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		cleanup_free char *path = NULL;
		struct stat st;

		if (depth == 0 && skipped(e->d_name))
			continue;
		if (e->d_name[0] == '.')
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		if (lstat(path, &st) < 0)
			continue; /* gone meanwhile */
		if (S_ISDIR(st.st_mode) && depth == 0)
			add_host_devices(spec, path, 1);
		else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
			add_node(spec, path, &st);
	}
	if (d)
		closedir(d);
}

/*
 * --privileged, Docker's meaning: every capability, no seccomp filter, no masked
 * or read-only paths, /sys and /sys/fs/cgroup read-write, every host device,
 * and a device cgroup that allows all.
 */
int cli_run_privileged(struct cli_opts *opts, struct ward_err *err)
{
	struct container_spec *spec = &opts->spec;

	(void)err;
	strv_push(&opts->cap_add, "ALL");
	spec->seccomp_mode = SPEC_SECCOMP_UNCONFINED;
	free(spec->seccomp_path);
	spec->seccomp_path = NULL;
	spec->oci.masked_set = true;
	strv_release(&spec->oci.masked_paths);
	spec->oci.readonly_set = true;
	strv_release(&spec->oci.readonly_paths);
	spec->sys_rw = true;
	add_host_devices(spec, "/dev", 0);
	add_rule(&spec->resources, (struct devcg_rule){.allow = true,
						       .type = 'a',
						       .major = DEVCG_ANY,
						       .minor = DEVCG_ANY,
						       .access = DEVCG_RWM});
	return 0;
}
