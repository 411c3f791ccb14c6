/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter.h - compile a resolved rule set into a seccomp BPF program (in the
 * parent, before any namespace is created), load it (in the container child,
 * without allocating), export it, and cache compiled programs on disk.
 *
 * The program is libseccomp's output with a stub of our own in front, in the
 * manner of runc's patchbpf: per ABI in the filter, system calls numbered above
 * the highest number any rule names return ENOSYS instead of the default action
 * (so libc falls back, as it does for clone3), and system calls libseccomp
 * 2.5.4 cannot name (mseal, statmount, ...; see syscalls_extra.h) are matched
 * by number. libseccomp's jumps are relative, so prepending leaves it intact.
 * In front of that goes a fast path derived from the program itself: a binary
 * search on the syscall number returning the decisions that depend on nothing
 * else, and the residue of the argument checks for those that do; what it
 * does not cover it hands to the full program, so the decisions are the same.
 * Value sets (many equality rules on one argument of one call) are compiled by
 * our stub into comparison trees instead of libseccomp's chains, and go into
 * stacked filters when one program would exceed the kernel's limit. The
 * default profile comes precompiled (filter_builtin_lookup()).
 *
 * Only the filter module (src/seccomp/filter*.c) includes <seccomp.h>.
 */
#pragma once

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ward/error.h"
#include "ward/profile.h"

/* The kernel's limit on one filter (BPF_MAXINSNS). */
#define FILTER_MAX_INSNS 4096

enum filter_build_flags {
	FILTER_STRICT = 1 << 0, /* unknown syscall names are errors, not warnings */
	/* no fast path: only the stub and libseccomp's program, as before ward 0.2;
	 * the decisions are the same, for tests and comparisons
	 */
	FILTER_STUB_FIRST = 1 << 1,
	/* no value sets: libseccomp compiles every argument rule, as before ward 0.3;
	 * the decisions are the same, for tests and comparisons
	 */
	FILTER_NO_VSET = 1 << 2,
	/* value sets always in stacked filters, for tests */
	FILTER_STACK = 1 << 3,
};

enum filter_export_format {
	FILTER_EXPORT_BPF = 0, /* the raw program, as loaded: struct sock_filter[] */
	FILTER_EXPORT_PFC = 1, /* libseccomp's pseudo-code, after a description of our stub */
};

/* The most programs one profile is stacked into (see filter_build()). */
#define FILTER_MAX_PARTS 8

struct filter_prog {
	struct sock_filter *insns; /* owned; NULL when !enabled */
	size_t len;
	unsigned int flags; /* SECCOMP_FILTER_FLAG_* to pass to seccomp(2) */
	bool enabled;	    /* false: the rule set means "no seccomp" */
	/*
	 * 0 or 1: one program. More: @insns holds @nparts programs one after the
	 * other, part_len[i] instructions each, loaded as stacked filters: each
	 * answers ALLOW for what another one decides, so the kernel's choice of
	 * the most restrictive answer is the one the profile means.
	 */
	size_t nparts;
	size_t part_len[FILTER_MAX_PARTS];
};

/**
 * filter_build() - compile @rs into a BPF program.
 * @rs:          the resolved rule set
 * @build_flags: enum filter_build_flags
 * @out:         receives the program; release it with filter_prog_release()
 * @err:         error details
 *
 * Rules follow runc's matchCall: a rule whose action equals the default is
 * skipped; distinct argument indices AND, a repeated index splits every
 * condition into its own rule (OR). Unknown names are skipped with a warning
 * (an error with FILTER_STRICT). When @rs is not enabled, @out is an empty,
 * disabled program.
 *
 * A profile whose program would exceed FILTER_MAX_INSNS because of its value
 * sets (many equality rules on one argument of one call) is split into
 * stacked filters (@out->nparts > 1; the kernel allows 32,768 instructions
 * along all of them), unless it has a listener.
 *
 * Return: 0, or a negative errno with @err filled in (-E2BIG when the program
 * cannot be made to fit).
 */
int filter_build(const struct rule_set *rs, unsigned int build_flags, struct filter_prog *out,
		 struct ward_err *err) __attribute__((nonnull));

/**
 * filter_load() - install @prog on the calling thread with seccomp(2).
 * @prog: a program from filter_build() or filter_cache_lookup()
 * @err:  error details
 *
 * Async-signal-safe and allocation-free, for the container child after clone.
 * The caller sets no_new_privs or holds CAP_SYS_ADMIN. If the kernel rejects
 * SECCOMP_FILTER_FLAG_SPEC_ALLOW with EINVAL, the load is retried without it.
 * Does nothing for a disabled program.
 *
 * Return: 0; the listener fd (> 0) when the program has
 * SECCOMP_FILTER_FLAG_NEW_LISTENER; or a negative errno with @err filled in.
 */
int filter_load(const struct filter_prog *prog, struct ward_err *err) __attribute__((nonnull));

/**
 * filter_eval() - what the kernel would answer for @d under @prog, through
 * ward's BPF interpreter: with stacked parts, the most restrictive answer of
 * all (the kernel's rule), and the instructions executed summed.
 *
 * Return: 0, or a negative errno when a part is not a valid program.
 */
int filter_eval(const struct filter_prog *prog, const struct seccomp_data *d, uint32_t *ret,
		size_t *executed) __attribute__((nonnull(1, 2, 3)));

/** filter_prog_release() - free the instructions; @p is left empty and disabled. */
void filter_prog_release(struct filter_prog *p) __attribute__((nonnull));

/**
 * filter_export() - write @rs, compiled, to @fd.
 * @format: FILTER_EXPORT_BPF (the exact bytes filter_load() would install; for
 *          stacked filters, the main program then the stacked ones, end to end) or
 *          FILTER_EXPORT_PFC (a comment block describing our stub, then
 *          libseccomp's pseudo filter code)
 *
 * Return: 0, or a negative errno with @err filled in.
 */
int filter_export(const struct rule_set *rs, unsigned int build_flags, int format, int fd,
		  struct ward_err *err) __attribute__((nonnull));

/*
 * What a cached program depends on. filter_cache_*() add the libseccomp
 * version, WARD_VERSION and the cache format version themselves, and the
 * identity of the ward binary that compiles (so that a rebuilt ward never
 * takes an older one's program): the ELF build id of the running program,
 * read once from its NT_GNU_BUILD_ID note, or a hash of /proc/self/exe when
 * it was linked without one.
 */
struct filter_cache_key {
	const void *profile; /* the profile bytes as read (or the built-in's) */
	size_t profile_len;
	uint64_t caps;		    /* bounding set the profile was resolved against */
	const char *arch;	    /* native arch, e.g. "SCMP_ARCH_X86_64"; NULL: "" */
	const char *kernel_release; /* NULL: uname(2)'s release */
	unsigned int build_flags;
	const void *build_id; /* NULL: the running binary's, as above (set by tests) */
	size_t build_id_len;
};

/* 128-bit key as 32 lowercase hex digits plus NUL. */
#define FILTER_CACHE_KEY_HEX 33

/**
 * filter_cache_key_hex() - the hex key a cache entry for @key is stored under.
 *
 * Return: 0, or -errno when uname(2) fails or the running binary has neither a
 * build id nor a readable /proc/self/exe.
 */
int filter_cache_key_hex(const struct filter_cache_key *key, char out[FILTER_CACHE_KEY_HEX])
    __attribute__((nonnull));

/**
 * filter_cache_lookup() - load a compiled program from `<dir>/<hexkey>.bpf`.
 * @out: on a hit, receives the program (release with filter_prog_release())
 * @why: when the cache or the entry is not trusted, why (one line, for a warning)
 *
 * The checksum detects damage, not forgery, so the cache is trusted only when
 * nobody but ward's euid (and root) can have written it: every directory from /
 * down to @dir, opened with O_NOFOLLOW one below the other and fstat'ed, is owned
 * by root or the euid and writable by no one else (a root-owned sticky directory
 * such as /tmp may be an ancestor, never @dir); @dir and the entry are the euid's
 * and writable by it alone; the entry is a regular file. An entry that says "no
 * filter" is refused: ward never writes one. A missing directory or entry, or a
 * damaged entry (short, bad magic, version, key, length or checksum), is a miss.
 *
 * Return: 1 on a hit; 0 on a miss; a negative errno (-EPERM: not trusted) when
 * the cache or the entry was ignored, with @why saying why.
 */
int filter_cache_lookup(const char *dir, const struct filter_cache_key *key,
			struct filter_prog *out, struct ward_err *why) __attribute__((nonnull));

/**
 * filter_cache_store() - save @prog as `<dir>/<hexkey>.bpf`, atomically
 * (a new file of mode 0600 under a random name, renamed; not fsync'ed: a
 * torn entry fails its checksum and is a miss), through the
 * same checked chain of directories as filter_cache_lookup(); the missing ones
 * are made, mode 0700. A disabled program is never stored (-EINVAL).
 *
 * Return: 0, or a negative errno with @err filled in (-EPERM: @dir is not
 * trusted, and @err says why in the words of filter_cache_lookup()).
 */
int filter_cache_store(const char *dir, const struct filter_cache_key *key,
		       const struct filter_prog *prog, struct ward_err *err)
    __attribute__((nonnull));

/*
 * A program compiled when ward was built (by ward-precompile, from the
 * embedded default profile): cold starts with the default profile then cost no
 * compilation. Keyed on what a cache entry is keyed on, in the terms that can
 * be known at build time: the profile bytes (the embedded default's), the
 * capability set, the arch, the build flags, the libseccomp version, and
 * instead of the kernel release the range of kernels for which the profile's
 * minKernel conditions all resolve the same way.
 */
struct filter_builtin {
	uint64_t caps;
	const char *arch; /* "SCMP_ARCH_X86_64", ... */
	unsigned int build_flags;
	unsigned int kernel_lo;	   /* (major << 8 | minor): valid from this kernel ... */
	unsigned int kernel_hi;	   /* ... up to, not including, this one; 0: no bound */
	unsigned int scmp_version; /* major << 16 | minor << 8 | micro */
	unsigned int flags;	   /* SECCOMP_FILTER_FLAG_* */
	size_t len;
	const struct sock_filter *insns;
};

/* The build's table (generated; empty in programs built without it). */
extern const struct filter_builtin filter_builtins[];
extern const size_t filter_nbuiltins;

/** filter_scmp_version() - the running libseccomp's version, as in struct filter_builtin. */
unsigned int filter_scmp_version(void);

/**
 * filter_builtin_lookup() - the precompiled program for @key on a kernel
 * @kernel_major.@kernel_minor, copied into @out (release with
 * filter_prog_release()). @key->profile must be the embedded default
 * profile's bytes (compared, not hashed); @key->kernel_release and
 * @key->build_id are not read.
 *
 * Return: true on a hit; false when nothing was built for @key (compile it).
 */
bool filter_builtin_lookup(const struct filter_cache_key *key, unsigned int kernel_major,
			   unsigned int kernel_minor, struct filter_prog *out)
    __attribute__((nonnull));

/**
 * filter_native_arch() - the AUDIT_ARCH_* value of the architecture ward was
 * built for, as the kernel reports it in seccomp_data.arch.
 */
uint32_t filter_native_arch(void);

/**
 * filter_syscall_name() - the name of native syscall @nr, from libseccomp or,
 * for syscalls it does not know, from our own table.
 *
 * Return: a string to free(), or NULL when nobody knows the number.
 */
char *filter_syscall_name(int nr);
