/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * inspect.h - the seccomp tools behind `ward seccomp`: check a profile, explain
 * what it decides for every syscall and why, export the compiled filter, count
 * the BPF instructions a filter executes per syscall, and dump the filter of a
 * running process. Normal output goes to the FILE given; errors are returned.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "ward/error.h"
#include "ward/profile.h"

struct inspect_opts {
	const char *profile; /* path, or NULL for the built-in profile */
	uint64_t caps;	     /* the capability set to resolve against */
	bool strict;	     /* unknown syscall names are errors */
	bool json;
	const char *bpf_file;  /* bench: a raw BPF program instead of a profile */
	char *const *syscalls; /* explain: only these names (NULL: every syscall) */
};

/* What a profile decides for one call, and why. */
struct inspect_verdict {
	uint32_t ret;	   /* SECCOMP_RET_* | data, as the kernel will see it */
	char decision[64]; /* "allow", "errno 1 (EPERM)", "kill-thread", ... */
	char by[1024];	   /* "rule 36: <comment>", "default action; rule 40 needs CAP_X", ... */
	const struct prof_rule *rule; /* the deciding rule, or NULL */
};

struct inspect_ctx;

/** inspect_open() - read, resolve and compile a profile for repeated inspect_judge() calls. */
int inspect_open(const struct inspect_opts *o, struct inspect_ctx **out, struct ward_err *err)
    __attribute__((nonnull));
void inspect_close(struct inspect_ctx *ctx);

/**
 * inspect_judge() - what the compiled filter does with native syscall @nr called
 * with @args (NULL: all zero, and conditional rules are reported as such).
 */
void inspect_judge(const struct inspect_ctx *ctx, int nr, const uint64_t args[6], const char *name,
		   struct inspect_verdict *v) __attribute__((nonnull(1, 4, 5)));

/** inspect_check() - parse, resolve and compile; "ok" and a summary when clean. */
int inspect_check(const struct inspect_opts *o, FILE *out, struct ward_err *err)
    __attribute__((nonnull));

/**
 * inspect_explain() - for every syscall of the native architecture: allowed,
 * denied (errno), killed, trapped, conditional, and the rule or default that
 * decided it, with the rule's comment; only @o->syscalls when given (an
 * unknown name is an error).
 */
int inspect_explain(const struct inspect_opts *o, FILE *out, struct ward_err *err)
    __attribute__((nonnull));

/** inspect_list_syscalls() - every native syscall name ward knows, one a line (completions). */
void inspect_list_syscalls(FILE *out) __attribute__((nonnull));

/** inspect_export() - @format "bpf" (raw program), "pfc" or "json" (resolved OCI rules). */
int inspect_export(const struct inspect_opts *o, const char *format, FILE *out,
		   struct ward_err *err) __attribute__((nonnull));

/**
 * inspect_bench() - run the program for every native syscall number (arguments
 * zero) through our BPF interpreter: instructions executed per allowed syscall,
 * mean and worst, and over all syscalls.
 */
int inspect_bench(const struct inspect_opts *o, FILE *out, struct ward_err *err)
    __attribute__((nonnull));

/**
 * inspect_dump() - write the (first) seccomp filter of process @pid as raw BPF
 * (PTRACE_SECCOMP_GET_FILTER; needs CAP_SYS_ADMIN).
 */
int inspect_dump(pid_t pid, FILE *out, struct ward_err *err) __attribute__((nonnull));
