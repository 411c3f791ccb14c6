/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * user.c - who the process is: -u and process.user resolved in the rootfs's
 * /etc/passwd and /etc/group (read root-confined, a FIFO refused), the
 * supplementary groups as runc gives them, --group-add, and HOME.
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

static bool parse_id(const char *s, uint32_t *out)
{
	uint64_t v;

	/* (uid_t)-1 means "unchanged" to the kernel: refuse it */
	if (!parse_u64(s, UINT32_MAX - 1, &v))
		return false;
	*out = (uint32_t)v;
	return true;
}

/*
 * Open a regular file of the rootfs without following links out of it; anything
 * else (a FIFO would block the open, a device the read) counts as absent.
 */
static FILE *open_rootfs_file(const char *rootfs, const char *path)
{
	cleanup_close int rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int fd = -1;
	struct stat st;
	FILE *f;

	if (rootfd < 0)
		return NULL;
	fd = sys_open_in_root(rootfd, path, O_RDONLY | O_NOCTTY | O_NONBLOCK, 0);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    fcntl(fd, F_SETFL, 0) < 0) /* back to blocking reads */
		return NULL;
	f = fdopen(fd, "re");
	if (f)
		fd = -1; /* the FILE owns it now */
	return f;
}

/*
 * Find a passwd entry by name (when @name) or by uid. Fields: name:x:uid:gid:gecos:home:shell.
 */
static bool lookup_passwd(const char *rootfs, const char *name, uid_t uid, struct user_info *u)
{
	cleanup_fclose FILE *f = open_rootfs_file(rootfs, "/etc/passwd");
	char line[4096];

	while (f && fgets(line, sizeof(line), f)) {
		char *fields[7] = {0}, *p = line, *save = NULL;
		uint32_t id, gid;
		int n = 0;

		line[strcspn(line, "\n")] = '\0';
		for (char *t = strsep(&p, ":"); t && n < 7; t = strsep(&p, ":"))
			fields[n++] = t;
		(void)save;
		if (n < 4 || !parse_id(fields[2], &id) || !parse_id(fields[3], &gid))
			continue;
		if (name ? strcmp(fields[0], name) != 0 : id != uid)
			continue;
		u->uid = id;
		u->gid = gid;
		u->found = true;
		(void)snprintf(u->name, sizeof(u->name), "%s", fields[0]);
		(void)snprintf(u->home, sizeof(u->home), "%s",
			       n > 5 && fields[5][0] ? fields[5] : "/");
		return true;
	}
	return false;
}

bool spec_user_name(uid_t uid, char *name, size_t size)
{
	struct user_info u = {0};

	if (!lookup_passwd("/", NULL, uid, &u) || strlen(u.name) >= size)
		return false;
	memcpy(name, u.name, strlen(u.name) + 1);
	return true;
}

/*
 * Walk /etc/group: resolve @group_name to a gid (when not NULL) and collect the
 * groups that list @user as a member.
 */
static bool scan_groups(const char *rootfs, const char *group_name, gid_t *gid, const char *user,
			struct container_spec *spec)
{
	cleanup_fclose FILE *f = open_rootfs_file(rootfs, "/etc/group");
	bool found = false;
	char line[4096];

	while (f && fgets(line, sizeof(line), f)) {
		char *fields[4] = {0}, *p = line;
		uint32_t id;
		int n = 0;

		line[strcspn(line, "\n")] = '\0';
		for (char *t = strsep(&p, ":"); t && n < 4; t = strsep(&p, ":"))
			fields[n++] = t;
		if (n < 3 || !parse_id(fields[2], &id))
			continue;
		if (group_name && strcmp(fields[0], group_name) == 0) {
			*gid = id;
			found = true;
		}
		if (user && n == 4) {
			char *m = fields[3], *tok;

			while ((tok = strsep(&m, ","))) {
				if (strcmp(tok, user) != 0)
					continue;
				spec->groups =
				    xrealloc(spec->groups, (spec->ngroups + 1) * sizeof(gid_t));
				spec->groups[spec->ngroups++] = id;
				break;
			}
		}
	}
	return found;
}

int spec_resolve_user(struct container_spec *spec, const char *arg, struct user_info *u,
		      struct ward_err *err)
{
	cleanup_free char *copy = xstrdup(arg ? arg : "0");
	char *user = copy, *group = strchr(copy, ':');
	uint32_t id;

	if (group) {
		*group++ = '\0';
		if (strchr(group, ':') || !*group)
			return err_set(err, 0, "invalid user '%s'", arg);
	}
	if (!*user)
		return err_set(err, 0, "invalid user '%s'", arg);
	if (parse_id(user, &id)) {
		u->uid = id;
		u->gid = 0;
		(void)snprintf(u->home, sizeof(u->home), "%s", id == 0 ? "/root" : "/");
		(void)lookup_passwd(spec->rootfs, NULL, id, u);
	} else if (user[0] >= '0' && user[0] <= '9') {
		return err_set(err, 0, "invalid user '%s'", arg);
	} else if (!lookup_passwd(spec->rootfs, user, 0, u)) {
		return err_set(
		    err, 0, "unable to find user '%s': no matching entries in passwd file", user);
	}
	spec->ngroups = 0;
	if (group) {
		gid_t gid;

		if (parse_id(group, &id)) {
			u->gid = id;
		} else if (group[0] >= '0' && group[0] <= '9') {
			return err_set(err, 0, "invalid user '%s'", arg);
		} else {
			if (!scan_groups(spec->rootfs, group, &gid, NULL, spec))
				return err_set(
				    err, 0,
				    "unable to find group '%s': no matching entries in group file",
				    group);
			u->gid = gid;
		}
	}
	/* supplementary groups: those listing the user, else the primary group (runc) */
	if (u->found)
		(void)scan_groups(spec->rootfs, NULL, NULL, u->name, spec);
	if (spec->ngroups == 0) {
		spec->groups = xrealloc(spec->groups, sizeof(gid_t));
		spec->groups[0] = u->gid;
		spec->ngroups = 1;
	}
	return 0;
}

void spec_default_home(struct container_spec *spec)
{
	struct user_info u = {0};

	if (spec_getenv(spec, "HOME"))
		return;
	if (!spec->rootfs || !lookup_passwd(spec->rootfs, NULL, spec->uid, &u))
		(void)snprintf(u.home, sizeof(u.home), "/");
	strv_push_owned(&spec->env, xasprintf("HOME=%s", u.home));
}

int spec_add_groups(struct container_spec *spec, char *const *names, struct ward_err *err)
{
	for (; names && *names; names++) {
		uint32_t id;
		gid_t gid = 0;

		if (!parse_id(*names, &id)) {
			if (!scan_groups(spec->rootfs, *names, &gid, NULL, spec))
				return err_set(
				    err, 0,
				    "--group-add: unable to find group '%s' in the rootfs's "
				    "/etc/group",
				    *names);
			id = gid;
		}
		spec->groups = xrealloc(spec->groups, (spec->ngroups + 1) * sizeof(gid_t));
		spec->groups[spec->ngroups++] = id;
	}
	return 0;
}
