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

#include "ward/cleanup.h"
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
	uint32_t errno_ret; /* errnoRet, or Podman's `errno` name; EPERM if neither */
	struct prof_arg *args;
	size_t nargs;
	char *comment; /* or NULL */
	struct prof_filter includes;
	struct prof_filter excludes;
	size_t position; /* index in the profile's syscalls array, for messages */
};

struct prof_arch_map {
	char *architecture;	  /* SCMP_ARCH_* */
	char **sub_architectures; /* SCMP_ARCH_*; may be empty */
	size_t nsub;
};

struct profile {
	bool has_default_action;
	enum prof_action default_action;
	bool has_default_errno;
	uint32_t default_errno; /* defaultErrnoRet or defaultErrno; EPERM if neither */
	char **architectures;	/* SCMP_ARCH_*, flat form */
	size_t narchitectures;
	struct prof_arch_map *arch_map;
	size_t narch_map;
	bool has_flags;	    /* absent flags mean SPEC_ALLOW where supported */
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

/*
 * The resolved, plain (OCI-level) rule set that filter.c compiles. It owns
 * arches (NULL-terminated), listener_path, listener_metadata and the rules
 * array; the rules themselves are borrowed from the profile, which must
 * outlive the rule set. Release it with rule_set_release().
 */
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

/**
 * profile_parse() - parse a seccomp profile from JSON text.
 * @json: the text; need not be NUL-terminated
 * @len:  its length in bytes
 * @out:  set to the new profile on success; free it with profile_free()
 * @err:  the error, naming the JSON path of the offending value
 *
 * Accepts Docker's format (archMap, includes/excludes, name, comment), the plain
 * OCI linux.seccomp form and Podman's errno-name extensions (defaultErrno,
 * errno), with Go encoding/json's rules: keys match case-insensitively, unknown
 * keys are ignored, null means absent, and a value of the wrong type is an error.
 * Checks what a runtime would reject later, too: unknown actions, operators and
 * flags, argument indices above 5, NOTIFY without listenerPath, errnoRet on an
 * action that takes no errno (as crun does).
 *
 * Return: 0, or -EINVAL with @err set.
 */
int profile_parse(const char *json, size_t len, struct profile **out, struct ward_err *err)
    __attribute__((nonnull(3, 4)));

/**
 * profile_load_file() - read and parse the profile at @path (at most 4 MiB).
 *
 * Return: 0, or a negative errno with @err set and prefixed with "profile '<path>'".
 */
int profile_load_file(const char *path, struct profile **out, struct ward_err *err)
    __attribute__((nonnull));

/**
 * profile_load_default() - parse ward's built-in profile (profiles/default.json,
 * embedded at build time).
 *
 * Return: 0, or -EINVAL with @err set (only if the embedded text is broken).
 */
int profile_load_default(struct profile **out, struct ward_err *err) __attribute__((nonnull));

/** profile_free() - free a profile and everything it owns; NULL is a no-op. */
void profile_free(struct profile *p);

DEFINE_CLEANUP(struct profile *, profile_free)
#define cleanup_profile __attribute__((cleanup(profile_freep)))

/**
 * profile_resolve() - Docker's setupSeccomp(): select the rules that apply to
 * @ctx (spec section 6.3). Excludes are checked first and any hit drops a rule
 * (caps any-of); then every include must hold (caps all-of). Arches are matched
 * against ctx->native_arch only; the archMap entry for ctx->native_scmp gives
 * the filter's architectures. Pure: no system calls.
 * @out: initialised by this call; release it with rule_set_release() in any case
 *
 * Return: 0 (out->enabled is false when the profile means "no seccomp"), or
 * -EINVAL with @err set.
 */
int profile_resolve(const struct profile *p, const struct resolve_ctx *ctx, struct rule_set *out,
		    struct ward_err *err) __attribute__((nonnull));

/** rule_set_release() - free what a rule set owns and zero it. */
void rule_set_release(struct rule_set *rs) __attribute__((nonnull));

/**
 * resolve_ctx_host() - the resolve context of this machine: the native
 * architecture ward was built for, @caps, and the running kernel's version
 * (uname release, "major.minor" only, as Docker reads it).
 *
 * Return: 0, or a negative errno with @err set.
 */
int resolve_ctx_host(struct resolve_ctx *ctx, uint64_t caps, struct ward_err *err)
    __attribute__((nonnull));

/** prof_action_name() - "SCMP_ACT_ERRNO" etc.; "?" for a value out of range. */
const char *prof_action_name(enum prof_action a);

/** prof_op_name() - "SCMP_CMP_EQ" etc.; "?" for a value out of range. */
const char *prof_op_name(enum prof_op op);

/**
 * prof_parse_kernel_version() - parse a minKernel value: exactly two
 * dot-separated decimal numbers, each 0 to 255, not both 0 ("4.8").
 *
 * Return: 0 with @maj and @min set, or -EINVAL.
 */
int prof_parse_kernel_version(const char *s, unsigned int *maj, unsigned int *min)
    __attribute__((nonnull));

/**
 * errno_from_name() - the value of a Linux errno name ("ENOSYS"; case-sensitive,
 * aliases such as EWOULDBLOCK included).
 *
 * Return: the value, or -1 when the name is unknown.
 */
int errno_from_name(const char *name) __attribute__((nonnull));

/** errno_name() - the canonical name of errno value @e, or NULL when unknown. */
const char *errno_name(int e);
