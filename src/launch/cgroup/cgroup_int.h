/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cgroup_int.h - what the files of the cgroup module (src/launch/cgroup/) share
 * and nothing else includes: the naming and timing constants, the file and path
 * helpers of common.c, the limit writers of limits.c that creation and
 * `ward update` both use, and the pieces creation borrows from path.c and
 * sweep.c. The module's API is include/ward/cgroup.h.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "ward/cgroup.h"
#include "ward/error.h"
#include "ward/spec.h"

#define BIT(c)		   (1U << (c))
#define CG_KILL_TIMEOUT_NS 2000000000LL /* how long cg_destroy() waits for a cgroup to empty */
#define CG_PROCS_MAX	   (4U << 20)
#define CG_FALLBACK_PARENT "ward"
#define CG_NAME_PREFIX	   "ward-"

/* common.c */

/** cg_has_token() - whether @list, split at any of @seps, holds @name. */
bool cg_has_token(const char *list, const char *name, const char *seps) __attribute__((nonnull));

/** cg_path_fmt() - snprintf into @buf. Return: 0, or -ENAMETOOLONG when it does not fit. */
int cg_path_fmt(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), nonnull));

/** cg_copy_str() - cg_path_fmt(@dst, @len, "%s", @src). */
int cg_copy_str(char *dst, size_t len, const char *src) __attribute__((nonnull));

/** cg_read_knob() - a small file into @buf, NUL-terminated. Return: its length, or -errno. */
ssize_t cg_read_knob(const char *path, char *buf, size_t len) __attribute__((nonnull));

/** cg_read_token_file() - cg_read_knob() of @dir/@knob. Return: 0, or -errno. */
int cg_read_token_file(const char *dir, const char *knob, char *buf, size_t len)
    __attribute__((nonnull));

/** cg_now_ns() - CLOCK_MONOTONIC in nanoseconds. */
unsigned long long cg_now_ns(void);

/** cg_pause_briefly() - sleep one poll interval (10 ms). */
void cg_pause_briefly(void);

/** cg_proc_starttime() - field 22 of /proc/<pid>/stat. Return: 0, or -errno. */
int cg_proc_starttime(pid_t pid, unsigned long long *out) __attribute__((nonnull));

/** cg_on_v1() - whether controller @c is on a v1 hierarchy. */
static inline bool cg_on_v1(const struct cg_layout *l, enum cg_controller c)
{
	return l->v1_mount[c][0] != '\0';
}

/* limits.c */

/* The controllers a set of limits needs, and the flag that asked for each. */
struct want {
	unsigned int ctrls;		     /* controllers still to limit */
	const char *flag[CG_NR_CONTROLLERS]; /* the flag that asked for each */
	/* hybrid: the device rules as an eBPF program on the cgroup2 cgroup (create.c) */
	bool devices_v2;
};

/** cg_want_from() - the controllers @res needs. */
void cg_want_from(const struct spec_resources *res, struct want *w) __attribute__((nonnull));

/**
 * cg_write_limits() - write @res's limits for the controllers of @d.
 *
 * Return: 0, or a negative errno with @err naming the flag.
 */
int cg_write_limits(const struct cg_dir *d, const struct spec_resources *res, struct ward_err *err)
    __attribute__((nonnull));

/**
 * cg_check_unified() - linux.resources.unified with no cgroup2 cgroup to write
 * it in (a v1 host): an error, or a warning with --ignore-missing-limits.
 */
/** cg_valid_id() - a container id a cgroup may be named after: [A-Za-z0-9_.-], 1..CG_ID_MAX */
bool cg_valid_id(const char *id) __attribute__((nonnull));

/**
 * cg_own_name() - ward's name for the cgroup of container @id: ward-<ward's
 * pid>-<its start time>-<id>. Return: 0, or a negative errno with @err set (an
 * id of other characters than [A-Za-z0-9_.-], or longer than CG_ID_MAX).
 */
int cg_own_name(const char *id, char *out, size_t len, struct ward_err *err)
    __attribute__((nonnull));

/**
 * cg_write_devices_v2() - @res's device rules as an eBPF program on the cgroup2
 * cgroup @dir, with no fallback. Return: 0, or a negative errno with @err set.
 */
int cg_write_devices_v2(const char *dir, const struct spec_resources *res, struct ward_err *err)
    __attribute__((nonnull));

int cg_check_unified(const struct cg_handle *h, const struct spec_resources *res,
		     struct ward_err *err) __attribute__((nonnull));

/** cg_knob() - write @value to @dir/@name; @err names @flag. */
int cg_knob(const char *dir, const char *name, const char *value, const char *flag,
	    struct ward_err *err) __attribute__((nonnull));

/** cg_knob_exists() - whether @dir has the knob @name. */
bool cg_knob_exists(const char *dir, const char *name) __attribute__((nonnull));

/**
 * cg_cannot() - @field cannot be applied on this host (@why): an error, or a
 * warning with --ignore-missing-limits, as for a missing controller.
 */
int cg_cannot(const struct spec_resources *res, const char *field, const char *why,
	      struct ward_err *err) __attribute__((nonnull));

/* limits_oci.c */

/**
 * cg_write_limits_oci() - linux.resources' blockIO, hugepageLimits, network and
 * (in a cgroup2 cgroup) unified, for the controllers of @d.
 */
int cg_write_limits_oci(const struct cg_dir *d, const struct spec_resources *res,
			struct ward_err *err) __attribute__((nonnull));

/* path.c */

/**
 * cg_resolve_path() - linux.cgroupsPath @value as a cgroupfs path in @out.
 *
 * Return: 0, or a negative errno with @err set (see cg_create_path()).
 */
int cg_resolve_path(const char *value, char *out, size_t len, struct ward_err *err)
    __attribute__((nonnull));

/* sweep.c */

/** cg_remove_fake_knobs() - in a fake tree, unlink the knob files of @dir so rmdir works. */
void cg_remove_fake_knobs(const char *dir) __attribute__((nonnull));
