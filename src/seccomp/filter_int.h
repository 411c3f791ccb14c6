/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter_int.h - what the parts of the filter module share, and nothing else:
 * filter.c (build, export, load), filter_rules.c (rule_set -> libseccomp),
 * filter_asm.c (our assembler and stub), filter_fastpath.c (the partial
 * evaluator in front) and filter_cache.c (the on-disk cache). Not an API: the
 * rest of ward includes ward/filter.h. These files are the only ones that
 * include <seccomp.h>.
 */
#pragma once

#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ward/cleanup.h"
#include "ward/filter.h"

#define MAX_ARCHES 16

static inline void ctx_release(scmp_filter_ctx ctx)
{
	if (ctx)
		seccomp_release(ctx);
}
DEFINE_CLEANUP(scmp_filter_ctx, ctx_release)
#define cleanup_ctx __attribute__((cleanup(ctx_releasep)))

/* A rule on a system call libseccomp cannot name, matched by our stub. */
struct extra_rule {
	uint32_t nr;
	uint32_t action;
	const struct prof_rule *rule;
	size_t order; /* insertion order, to keep profile order among equal numbers */
};

/*
 * A value set: every rule on one system call compares the same argument for
 * equality with one value and has the same action (an allowlist of ioctl
 * requests, socket options, prctl options). libseccomp would walk one value
 * after the other, and compiles them in more than linear time; our stub
 * searches the sorted values in a comparison tree instead (filter_asm.c).
 */
struct value_set {
	const char *name;
	uint32_t action;
	unsigned int index; /* the argument */
	uint64_t *values;   /* sorted, distinct */
	size_t n, cap;
	int label;    /* the tree's label while the stub is assembled */
	int label_lo; /* the tree on the low words only, for ABIs libseccomp compares so */
	bool need_lo; /* some ABI uses label_lo */
};

/* A value set's number on one ABI. */
struct vset_ref {
	uint32_t nr;
	size_t set;   /* index in plan.vsets */
	bool lo_only; /* libseccomp compares 32 bits on this ABI (x86, x32, ...) */
};

struct arch_plan {
	uint32_t token; /* SCMP_ARCH_*; x32 is SCMP_ARCH_X32 */
	int64_t max_nr; /* highest number named by any rule on this ABI; -1: none */
	struct extra_rule *extras;
	size_t nextras, cap;
	struct vset_ref *vrefs;
	size_t nvrefs, vcap;
};

/* What the stub and the fast path need to know beyond libseccomp's program. */
struct plan {
	uint32_t def_action;
	bool enosys;	     /* emit the ENOSYS-above-maximum check */
	bool notify;	     /* some rule is SCMP_ACT_NOTIFY */
	size_t dispatch_len; /* instructions of the fast path in front of the stub */
	struct arch_plan arch[MAX_ARCHES];
	size_t narch;
	struct value_set *vsets; /* sorted by name */
	size_t nvsets;
	bool stacked;	 /* the value sets go into filters of their own (filter_stack.c) */
	int allow_label; /* while the stub is assembled with stacked sets: RET ALLOW */
};

/* ---- filter_rules.c ---------------------------------------------------------------- */

/* libseccomp's filter for @rs in *@out, and the plan for our stub in @p. */
int rules_build(const struct rule_set *rs, unsigned int build_flags, scmp_filter_ctx *out,
		struct plan *p, struct ward_err *err);
/* libseccomp's program for @ctx, through a memfd. */
int rules_export(scmp_filter_ctx ctx, struct sock_filter **out, size_t *len, struct ward_err *err);
/* SECCOMP_FILTER_FLAG_* for @rs (@notify: the filter has a listener). */
unsigned int rules_flags(const struct rule_set *rs, bool notify);
/* The value seccomp_data.arch carries for libseccomp arch token @token. */
uint32_t rules_audit_arch(uint32_t token);
void plan_release(struct plan *p);
/* libseccomp's action for profile action @a (with @errno_ret for ERRNO and TRACE). */
int rules_map_action(enum prof_action a, uint32_t errno_ret, uint32_t *out, struct ward_err *err);

/* ---- filter_vset.c: value sets, searched in a comparison tree ------------------------- */

struct as;

/* Find the value sets among @rs's rules (before any rule is added) into @p. */
void vset_plan(const struct rule_set *rs, struct plan *p);
/* With A = seccomp_data.nr: to the tree of each value set @ap has a number for. */
void vset_emit_refs(struct as *a, const struct plan *p, const struct arch_plan *ap);
/* Each value set's tree, at its label; each path ends in a return. */
void vset_emit_trees(struct as *a, const struct plan *p);

/* ---- filter_asm.c: an assembler with forward labels --------------------------------- */

#define L_NEXT (-1) /* the next instruction */
#define L_PROG (-2) /* the first instruction of the program behind the code assembled */

#define NR_OFF	 offsetof(struct seccomp_data, nr)
#define ARCH_OFF offsetof(struct seccomp_data, arch)

struct asm_insn {
	struct sock_filter f;
	int jt, jf; /* labels; for BPF_JA, jt is the target of k */
};

struct as {
	struct asm_insn *v;
	size_t n, cap;
	size_t *label; /* position of each label */
	size_t nlabels, label_cap;
};

void as_release(struct as *a);
int as_label(struct as *a);
void as_bind(struct as *a, int l);
void as_emit(struct as *a, uint16_t code, uint32_t k, int jt, int jf);
void as_ld_abs(struct as *a, uint32_t off);
void as_jmp(struct as *a, uint16_t op, uint32_t k, int jt, int jf);
void as_ja(struct as *a, int target);
void as_ret(struct as *a, uint32_t k);
/* The offsets of argument @i's low and high 32-bit words in struct seccomp_data. */
uint32_t asm_arg_lo(unsigned int i);
uint32_t asm_arg_hi(unsigned int i);
/* Link @a into a new array, with BPF_JA trampolines where a jump is too far. */
int as_link_far(const struct as *a, struct sock_filter **out, size_t *out_len,
		struct ward_err *err);
/*
 * Jumps to a return moved to an identical one further on where in reach, the
 * returns left unreached taken out: the same paths, a shorter program. @f is
 * one linked program of @n instructions; its new length is returned, *@mark
 * (an instruction's index, if not NULL) moved along.
 */
size_t as_share_returns(struct sock_filter *f, size_t n, size_t *mark);

/* The arch plan of @token in @p, or NULL. */
struct arch_plan *plan_find_arch(struct plan *p, uint32_t token);
/*
 * Switch on seccomp_data.arch: to a new label of @a for each distinct value
 * among @p's arches (x86_64 and x32 share one), into @audit and @group; any
 * other arch goes to L_PROG. @near: as for jcond(). Return: how many groups.
 */
size_t plan_arch_switch(struct as *a, const struct plan *p, uint32_t audit[MAX_ARCHES],
			int group[MAX_ARCHES], bool near);
/* The value set @name is compiled as, or NULL (libseccomp compiles its rules). */
struct value_set *plan_find_vset(const struct plan *p, const char *name);
/* The stub in front of libseccomp's program; *len is 0 when nothing needs it. */
int stub_gen(struct plan *p, struct sock_filter **out, size_t *len, struct ward_err *err);

/* ---- filter_fastpath.c ------------------------------------------------------------ */

/*
 * Which numbers are real system calls on one ABI (libseccomp's names and ours),
 * as a bitmap made at build time by ward-precompile for the libseccomp it was
 * built with: the fast path weighs its search with it, and asking libseccomp
 * number by number was a third of a custom profile's compile.
 */
#define FILTER_REAL_MAX 1024
struct filter_real {
	uint32_t token;		   /* SCMP_ARCH_* */
	uint32_t base;		   /* 0, or the x32 bit */
	unsigned int scmp_version; /* as filter_scmp_version() */
	uint8_t bits[FILTER_REAL_MAX / 8];
};
extern const struct filter_real filter_reals[];
extern const size_t filter_nreals;
/* 1 or 0 from the table; -1 when it does not cover @token and @nr. */
int filter_real_lookup(uint32_t token, uint32_t nr);
/* The entry for @token, from libseccomp and our own table (for ward-precompile). */
void filter_real_compute(uint32_t token, struct filter_real *out);

/*
 * The fast path in front of @prog (@len instructions); *out is NULL when it
 * cannot be built within the limits, and the program then runs alone.
 */
/* What the fast path hands the program: an arch (or none it names), a range of numbers. */
struct prune_entry {
	bool arch_known;
	uint32_t arch;
	uint32_t lo, hi;
};

/* The fast path's exits to the program, for prune_program(). */
struct fastpath_exits {
	struct prune_entry *v;
	size_t n, cap;
	uint32_t arches[MAX_ARCHES]; /* the arches it dispatches: the rest go to the program */
	size_t narches;
};

void fastpath_gen(struct plan *p, const struct sock_filter *prog, size_t len,
		  struct sock_filter **out, size_t *out_len, struct fastpath_exits *exits);

/* ---- filter_prune.c ---------------------------------------------------------------- */

/*
 * Drop from @prog (@len instructions, changed in place) what no input reaching it
 * through @entries, or with an arch none of @not_arch, can execute. Return: the
 * new length (@len when the program could not be walked within the bounds).
 */
size_t prune_program(struct sock_filter *prog, size_t len, const struct prune_entry *entries,
		     size_t nentries, const uint32_t *not_arch, size_t nnot);

/* ---- filter_stack.c ---------------------------------------------------------------- */

/*
 * The filters stacked behind the main one for @p's value sets (p->stacked):
 * appended to *@out (*@len instructions so far), their lengths to @part_len
 * from *@nparts on. Return: 0, or -E2BIG with @err set when they do not fit.
 */
int stack_gen(const struct plan *p, struct sock_filter **out, size_t *len, size_t *part_len,
	      size_t *nparts, struct ward_err *err);
/* A holds the low word (@lo_only) or the argument is loaded: the tree on @v[0..n). */
void vset_emit_values(struct as *a, const uint64_t *v, size_t n, unsigned int index, bool lo_only,
		      uint32_t action, uint32_t def);

/* ---- filter.c: whole reads and writes ------------------------------------------------ */

/* Read exactly @len bytes at @off. Return: 0, or -errno (-EIO at end of file). */
int filter_read_at(int fd, void *buf, size_t len, off_t off);
