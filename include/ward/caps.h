/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * caps.h - capabilities: names and Docker's add/drop arithmetic (parent, pure),
 * and applying the final set to the container process (child, libcap).
 *
 * A capability set is a uint64_t mask, bit N for capability N, so it can be
 * hashed, compared and handed to the profile engine without allocation.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "ward/error.h"

/* Docker's default set: CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, SETGID, SETUID,
 * SETPCAP, NET_BIND_SERVICE, NET_RAW, SYS_CHROOT, MKNOD, AUDIT_WRITE, SETFCAP. */
uint64_t caps_docker_default(void);

/** caps_all() - every capability the running kernel knows. */
uint64_t caps_all(void);

/** caps_bounding() - the capabilities in ward's own bounding set: all it can hand on. */
uint64_t caps_bounding(void);

/** caps_have() - whether ward itself has @cap in its effective set. */
bool caps_have(int cap);

/**
 * caps_from_name() - a capability number from a name as Docker accepts it:
 * with or without the CAP_ prefix, any case ("sys_admin", "CAP_SYS_ADMIN").
 *
 * Return: the number, or -1 when the name is unknown.
 */
int caps_from_name(const char *name) __attribute__((nonnull));

/**
 * caps_name() - the canonical "CAP_X" name of capability @cap, or NULL.
 */
const char *caps_name(int cap);

/**
 * caps_tweak() - Docker's TweakCapabilities: start from @base, apply @adds and
 * @drops (names; "ALL" allowed in either). ALL in adds gives every capability in
 * ward's own bounding set but the dropped ones; ALL in drops gives exactly the added ones;
 * otherwise base minus drops plus adds (an add wins over a drop of the same name).
 *
 * Return: 0 with *@out set, or -EINVAL naming the unknown capability.
 */
int caps_tweak(uint64_t base, char *const *adds, char *const *drops, uint64_t *out,
	       struct ward_err *err) __attribute__((nonnull(4, 5)));

/* The five sets of an OCI process.capabilities, one mask each. */
struct caps_sets {
	uint64_t bounding, effective, permitted, inheritable, ambient;
};

/* What the child applies, prepared by caps_prepare() in the parent. */
struct caps_plan {
	uint64_t keep;	  /* the bounding set (flags mode: also permitted and effective) */
	uint64_t ambient; /* raised after the user switch; empty in flags mode */
	void *state;	  /* a prepared libcap cap_t, so the child does not allocate */
	void *held;	  /* caps_hold(): state plus one capability, or NULL */
	int last_cap;	  /* highest capability number the kernel knows */
};

/** caps_prepare() - build the plan for @keep before clone. Return: 0 or -errno. */
int caps_prepare(struct caps_plan *plan, uint64_t keep, struct ward_err *err)
    __attribute__((nonnull));

/**
 * caps_prepare_sets() - the plan for an OCI config's five sets. The caller has
 * checked that effective is within permitted, inheritable within bounding and
 * ambient within permitted and inheritable (the kernel's rules).
 * Return: 0 or -errno, naming a capability ward itself lacks.
 */
int caps_prepare_sets(struct caps_plan *plan, const struct caps_sets *sets, struct ward_err *err)
    __attribute__((nonnull));

/**
 * caps_drop_bounding() - in the child: drop every capability not kept from the
 * bounding set. Needs CAP_SETPCAP, so it runs before the user switch.
 */
int caps_drop_bounding(const struct caps_plan *plan, struct ward_err *err) __attribute__((nonnull));

/**
 * caps_hold() - let caps_apply() keep @cap in the permitted and effective sets
 * (not in bounding, inheritable or ambient), when the plan does not have it
 * there already: ward needs CAP_SYS_ADMIN to load a seccomp filter without
 * no_new_privs, and loads it after the capabilities are set. execve() then
 * drops it (capabilities(7): the new permitted set comes from the bounding,
 * inheritable and ambient sets and the file's capabilities, never from the old
 * permitted set), so nothing runs with it after ward's own code.
 * Return: 0 or -errno.
 */
int caps_hold(struct caps_plan *plan, int cap, struct ward_err *err) __attribute__((nonnull));

/**
 * caps_apply() - in the child, after the user switch (with PR_SET_KEEPCAPS):
 * permitted, effective and inheritable as planned (flags mode: the kept set,
 * inheritable empty, as Docker does); then the ambient set is cleared and the
 * planned ambient capabilities raised. A non-root user keeps at execve only
 * its ambient capabilities (none in flags mode, as in Docker). A capability
 * caps_hold() kept is in permitted and effective until execve.
 */
int caps_apply(const struct caps_plan *plan, struct ward_err *err) __attribute__((nonnull));

void caps_plan_release(struct caps_plan *plan) __attribute__((nonnull));

/** caps_format() - "CAP_A,CAP_B" into @buf (for messages and explain output). */
void caps_format(uint64_t caps, char *buf, size_t len) __attribute__((nonnull));
