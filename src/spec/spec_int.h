/* SPDX-License-Identifier: GPL-2.0-or-later */
/* spec_int.h - what spec.c and user.c share, and nothing else. */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "ward/error.h"
#include "ward/spec.h"

/* What -u resolves to. */
struct user_info {
	uid_t uid;
	gid_t gid;
	bool found; /* the user is in the rootfs's /etc/passwd */
	char name[256];
	char home[PATH_MAX];
};

/*
 * spec_resolve_user() - @arg ("NAME|UID[:GROUP|GID]", NULL for root) in the
 * rootfs: the ids, the supplementary groups, HOME's source.
 */
int spec_resolve_user(struct container_spec *spec, const char *arg, struct user_info *u,
		      struct ward_err *err);
