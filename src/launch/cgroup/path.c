/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * path.c - the names of a container's cgroups: ward's own (ward-<pid>-<start>-<id>,
 * whose owner a sweep can tell is gone), and a config.json's linux.cgroupsPath as
 * the cgroupfs path runc's and crun's cgroupfs drivers make of it, systemd's
 * "slice:prefix:name" included.
 */
#include "cgroup_int.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/*
 * systemd's cgroup of a slice: "" and "-.slice" are the root, "a-b.slice" is
 * "/a.slice/a-b.slice". Return: 0, or -EINVAL for a name that is not a slice.
 */
static int slice_path(const char *slice, size_t n, char *out, size_t len)
{
	static const char suffix[] = ".slice";
	size_t slen = sizeof(suffix) - 1, used = 0, base;

	out[0] = '\0';
	if (n == 0 || (n == 7 && strncmp(slice, "-.slice", 7) == 0))
		return 0;
	if (n <= slen || strncmp(slice + n - slen, suffix, slen) != 0 ||
	    memchr(slice, '/', n) != NULL)
		return -EINVAL;
	base = n - slen;
	/* systemd refuses "-a", "a-" and "a--b" */
	if (slice[0] == '-' || slice[base - 1] == '-')
		return -EINVAL;
	for (size_t i = 0; i <= base; i++) {
		if (i < base && slice[i] != '-')
			continue;
		if (i < base && slice[i + 1] == '-')
			return -EINVAL;
		if (cg_path_fmt(out + used, len - used, "/%.*s.slice", (int)i, slice) < 0)
			return -ENAMETOOLONG;
		used += strlen(out + used);
	}
	return 0;
}

/* The systemd form: exactly two ':' and no '/' (a slice name never has one). */
static bool systemd_form(const char *v)
{
	const char *c1 = strchr(v, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

	return c2 && !strchr(c2 + 1, ':') && !strchr(v, '/');
}

/*
 * linux.cgroupsPath as a cgroupfs path, as runc's and crun's cgroupfs drivers
 * read it: "/a/b" or "a/b" with "." and repeated slashes dropped, or systemd's
 * "slice:prefix:name" as "<the slice's path>/prefix-name.scope".
 */
int cg_resolve_path(const char *value, char *out, size_t len, struct ward_err *err)
{
	char raw[CG_PATH_MAX];
	const char *in = value;
	size_t used = 0;
	bool abs;

	if (systemd_form(value)) {
		const char *c1 = strchr(value, ':'), *prefix = c1 + 1, *c2 = strchr(prefix, ':');
		const char *name = c2 + 1;
		int slen = (int)(c1 - value), plen = (int)(c2 - prefix), r;

		if (!name[0])
			return err_set(err, 0,
				       "invalid linux.cgroupsPath '%s': no name after '%.*s:'",
				       value, (int)(c2 - value), value);
		r = slice_path(value, (size_t)slen, raw, sizeof(raw));
		if (r == -EINVAL)
			return err_set(
			    err, 0, "invalid linux.cgroupsPath '%s': '%.*s' is not a systemd slice",
			    value, slen, value);
		if (r == 0) {
			size_t off = strlen(raw);

			r = plen ? cg_path_fmt(raw + off, sizeof(raw) - off, "/%.*s-%s.scope", plen,
					       prefix, name)
				 : cg_path_fmt(raw + off, sizeof(raw) - off, "/%s", name);
		}
		if (r < 0)
			return err_set(err, ENAMETOOLONG, "invalid linux.cgroupsPath '%s'", value);
		in = raw;
	}
	abs = in[0] == '/';
	for (const char *p = in; *p;) {
		size_t n;

		p += strspn(p, "/");
		n = strcspn(p, "/");
		if (n == 0)
			break;
		if (n == 2 && strncmp(p, "..", 2) == 0)
			return err_set(err, 0,
				       "invalid linux.cgroupsPath '%s': it has a '..' component",
				       value);
		if (!(n == 1 && p[0] == '.')) {
			size_t sep = used || abs ? 1 : 0;

			if (used + sep + n >= len)
				return err_set(err, ENAMETOOLONG, "invalid linux.cgroupsPath '%s'",
					       value);
			if (sep)
				out[used++] = '/';
			memcpy(out + used, p, n);
			used += n;
		}
		p += n;
	}
	out[used] = '\0';
	if (used == 0)
		return err_set(err, 0, "invalid linux.cgroupsPath '%s': it names no cgroup", value);
	return 0;
}

bool cg_valid_id(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > CG_ID_MAX)
		return false;
	for (const char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' || *p == '-'))
			return false;
	return true;
}

/* ward-<pid>-<start>-<id>: ward run's cgroup, which cg_cleanup_stale() tells live or not */
int cg_own_name(const char *id, char *out, size_t len, struct ward_err *err)
{
	unsigned long long start = 0;
	int r;

	if (!cg_valid_id(id))
		return err_set(err, 0, "invalid container id '%s'", id);
	r = cg_proc_starttime(getpid(), &start);
	if (r < 0)
		return err_set(err, -r, "cannot read ward's start time from '/proc/self/stat'");
	(void)snprintf(out, len, CG_NAME_PREFIX "%d-%llu-%s", (int)getpid(), start, id);
	return 0;
}
