/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * attach.c - the container into its cgroups: a random id for its cgroups'
 * names, the move (a pid into each cgroup.procs), or a descriptor of its
 * cgroup2 cgroup for clone3's CLONE_INTO_CGROUP, which a child is born in
 * without a move.
 */
#include "cgroup_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "ward/util.h"

void cg_make_id(char *buf, size_t len)
{
	unsigned char bytes[6];

	if (getrandom(bytes, sizeof(bytes), 0) != (ssize_t)sizeof(bytes)) {
		/* uniqueness, not secrecy, is what matters here */
		unsigned long long t = cg_now_ns() ^ (unsigned long long)getpid();

		memcpy(bytes, &t, sizeof(bytes));
	}
	(void)snprintf(buf, len, "%02x%02x%02x%02x%02x%02x", bytes[0], bytes[1], bytes[2], bytes[3],
		       bytes[4], bytes[5]);
}

static int attach(const struct cg_handle *h, pid_t pid, bool v2, struct ward_err *err)
{
	char path[CG_PATH_MAX + 32], buf[24];

	(void)snprintf(buf, sizeof(buf), "%d", (int)pid);
	for (size_t i = 0; i < h->ndirs; i++) {
		if (h->dirs[i].v2 && !v2)
			continue;
		if (cg_path_fmt(path, sizeof(path), "%s/cgroup.procs", h->dirs[i].path) < 0)
			return err_set(err, ENAMETOOLONG, "cannot attach to cgroup '%s'",
				       h->dirs[i].path);
		if (write_file(path, buf, err) < 0)
			return err_prefix(err, "cannot move the container into cgroup '%s'",
					  h->dirs[i].path);
	}
	return 0;
}

int cg_attach(const struct cg_handle *h, pid_t pid, struct ward_err *err)
{
	return attach(h, pid, true, err);
}

int cg_attach_v1(const struct cg_handle *h, pid_t pid, struct ward_err *err)
{
	return attach(h, pid, false, err);
}

int cg_open_v2(const struct cg_handle *h)
{
	for (size_t i = 0; !h->fake && i < h->ndirs; i++)
		if (h->dirs[i].v2)
			return open(h->dirs[i].path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return -1;
}
