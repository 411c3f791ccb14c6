/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * profile.h - the seccomp profile engine: Docker-format (and OCI linux.seccomp,
 * and Podman's errno-name extensions) profile JSON -> struct profile, and the
 * pure resolver (profile, capability set, native arch, kernel version) ->
 * struct rule_set, exactly as Docker's setupSeccomp() does it
 * (../shared/docs/seccomp-profile-spec.md, section 6).
 *
 * Nothing here touches the kernel or includes <seccomp.h>: filter.c turns a
 * rule_set into BPF. Names stay strings here; filter.c resolves them.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ward/error.h"

enum prof_action {
	PROF_ACT_KILL_THREAD, /* SCMP_ACT_KILL, SCMP_ACT_KILL_THREAD */
	PROF_ACT_KILL_PROCESS,
	PROF_ACT_TRAP,
	PROF_ACT_ERRNO,
	PROF_ACT_TRACE,
	PROF_ACT_ALLOW,
	PROF_ACT_LOG,
	PROF_ACT_NOTIFY,
};

enum prof_op {
	PROF_OP_NE,
	PROF_OP_LT,
	PROF_OP_LE,
	PROF_OP_EQ,
	PROF_OP_GE,
	PROF_OP_GT,
	PROF_OP_MASKED_EQ, /* (arg & value) == value_two */
};

/* seccomp(2) filter flags a profile may name. */
enum prof_flag {
	PROF_FLAG_TSYNC = 1 << 0,
	PROF_FLAG_LOG = 1 << 1,
	PROF_FLAG_SPEC_ALLOW = 1 << 2,
	PROF_FLAG_WAIT_KILLABLE_RECV = 1 << 3,
};

struct prof_arg {
	unsigned int index; /* 0..5 */
	uint64_t value;
	uint64_t value_two;
	enum prof_op op;
};

/* includes / excludes of a Docker rule */
struct prof_filter {
	char **caps; /* "CAP_SYS_ADMIN", ...; NULL-terminated or NULL */
	size_t ncaps;
	char **arches; /* Go-style native names: "amd64", "x86", ...; or NULL */
	size_t narches;
	bool has_min_kernel;
	unsigned int min_kernel_major, min_kernel_minor;
};

struct prof_rule {
	char **names; /* never empty after parsing; `name` is folded in */
	size_t nnames;
	enum prof_action action;
	bool has_errno_ret;
	uint32_t errno_ret; /* errnoRet, or Podman's `errno` name resolved */
	struct prof_arg *args;
	size_t nargs;
	char *comment; /* or NULL */
	struct prof_filter includes;
	struct prof_filter excludes;
	size_t position; /* index in the profile's syscalls array, for messages */
};

struct prof_arch_map {
	char *architecture;	/* SCMP_ARCH_* */
	char **sub_architectures; /* SCMP_ARCH_*; may be empty */
	size_t nsub;
};

struct profile {
	bool has_default_action;
	enum prof_action default_action;
	bool has_default_errno;
	uint32_t default_errno; /* defaultErrnoRet, or Podman's defaultErrno name */
	char **architectures;	/* SCMP_ARCH_*, flat form */
	size_t narchitectures;
	struct prof_arch_map *arch_map;
	size_t narch_map;
	bool has_flags; /* absent flags mean SPEC_ALLOW where supported */
	unsigned int flags; /* enum prof_flag */
	char *listener_path;
	char *listener_metadata;
	struct prof_rule *rules;
	size_t nrules;
};

/* Everything the resolver depends on besides the profile. */
struct resolve_ctx {
	const char *native_arch; /* Go-style: "amd64", "arm64", ... */
	const char *native_scmp; /* "SCMP_ARCH_X86_64", ... */
	uint64_t caps;		 /* bounding set: bit N = capability N */
	unsigned int kernel_major, kernel_minor;
};

/* The resolved, plain (OCI-level) rule set that filter.c compiles. */
struct rule_set {
	bool enabled; /* false: the profile means "no seccomp" */
	enum prof_action default_action;
	uint32_t default_errno; /* EPERM when the profile gave none */
	char **arches;		/* SCMP_ARCH_*: native first, then sub-arches */
	size_t narches;
	bool has_flags;
	unsigned int flags;
	char *listener_path;
	char *listener_metadata;
	const struct prof_rule **rules; /* borrowed from the profile, in file order */
	size_t nrules;
};
