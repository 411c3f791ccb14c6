/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * resctrl.h - linux.intelRdt: the container's resctrl group (Intel RDT cache and
 * memory bandwidth allocation), as runc makes it (src/launch/resctrl.c). The
 * resctrl root is a parameter so the unit tests can use a fake tree.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "ward/error.h"
#include "ward/spec.h"

/* where the host mounts resctrl */
#define RESCTRL_ROOT "/sys/fs/resctrl"

/**
 * resctrl_check() - before anything starts: a config with linux.intelRdt needs
 * resctrl mounted at @root (its schemata and tasks there), the allocation kinds it
 * asks for (info/L3, info/MB), and a closID without schemas an existing group.
 *
 * Return: 0 (always, without intelRdt), or -EINVAL with @err naming the field.
 */
int resctrl_check(const char *root, const struct spec_rdt *rdt, struct ward_err *err)
    __attribute__((nonnull));

/**
 * resctrl_join() - @pid into the container's group: closID, else @id, made when
 * missing (*@made set); the schemas written to its schemata (l3CacheSchema's
 * lines but MB, then memBwSchema, then schemata), a closID group that exists
 * checked against them instead.
 *
 * Return: 0, or a negative errno with @err naming the group; a group made here
 * is removed again on failure.
 */
int resctrl_join(const char *root, const char *id, const struct spec_rdt *rdt, pid_t pid,
		 bool *made, struct ward_err *err) __attribute__((nonnull));

/**
 * resctrl_add() - `ward exec`: @pid into the container's existing group (closID,
 * else @id), as runc's exec.
 *
 * Return: 0 (always, without intelRdt), or a negative errno with @err naming the group.
 */
int resctrl_add(const char *root, const char *id, const struct spec_rdt *rdt, pid_t pid,
		struct ward_err *err) __attribute__((nonnull));

/**
 * resctrl_update() - `ward update --l3-cache-schema @l3 --mem-bw-schema @mb`
 * (either may be NULL): the lines into the schemata of the container's group
 * (@rdt from its saved config: closID, else @id), as runc's update.
 *
 * Return: 0, or -EINVAL with @err naming the flag: no resctrl on the host, the
 * allocation kind missing, a container created without linux.intelRdt.
 */
int resctrl_update(const char *root, const char *id, const struct spec_rdt *rdt, const char *l3,
		   const char *mb, struct ward_err *err) __attribute__((nonnull(1, 2, 3, 6)));

/**
 * resctrl_leave() - at delete: the group named after container @id removed; a
 * closID group is left, shared and likely managed by someone else (as runc).
 *
 * Return: 0, or a negative errno with @err naming the group.
 */
int resctrl_leave(const char *root, const char *id, const struct spec_rdt *rdt,
		  struct ward_err *err) __attribute__((nonnull));
