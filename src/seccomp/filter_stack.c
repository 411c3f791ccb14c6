// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * filter_stack.c - the filters stacked behind the main one when a profile's
 * value sets make one program larger than the kernel's 4,096 instructions.
 * The main program then answers ALLOW for the calls of the sets; each
 * stacked filter owns one range of one set's sorted values, returns the set's
 * action for a value in the set and the default for any other in its range,
 * and ALLOW for everything else. The kernel runs every filter and takes the
 * most restrictive answer; ALLOW is the least restrictive, so exactly the
 * filter that owns a call decides it, as the single program would have.
 */
#include "filter_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ward/util.h"

/*
 * Values per stacked filter: a tree costs about 1.5 instructions a value, and
 * a set needs two when ABIs compare it on 64 and on 32 bits (x86_64 and x32).
 */
#define STACK_CHUNK 2000

/* Fall through when @v >= @lo (64-bit, or on the low words), else ALLOW at @pass. */
static void emit_ge(struct as *a, unsigned int index, uint64_t lo, bool lo_only, int pass)
{
	int ok = as_label(a);

	if (!lo_only) {
		as_ld_abs(a, asm_arg_hi(index));
		as_jmp(a, BPF_JGT, (uint32_t)(lo >> 32), ok, L_NEXT);
		as_jmp(a, BPF_JEQ, (uint32_t)(lo >> 32), L_NEXT, pass);
	}
	as_ld_abs(a, asm_arg_lo(index));
	as_jmp(a, BPF_JGE, (uint32_t)lo, ok, pass);
	as_bind(a, ok);
}

/* Fall through when @v < @hi, else ALLOW at @pass. */
static void emit_lt(struct as *a, unsigned int index, uint64_t hi, bool lo_only, int pass)
{
	int ok = as_label(a);

	if (!lo_only) {
		as_ld_abs(a, asm_arg_hi(index));
		as_jmp(a, BPF_JGT, (uint32_t)(hi >> 32), pass, L_NEXT);
		as_jmp(a, BPF_JEQ, (uint32_t)(hi >> 32), L_NEXT, ok);
	}
	as_ld_abs(a, asm_arg_lo(index));
	as_jmp(a, BPF_JGE, (uint32_t)hi, pass, ok);
	as_bind(a, ok);
}

/* The range check, then the tree, for values [first, first + n) of @vs. */
static void emit_chunk(struct as *a, const struct value_set *vs, size_t first, size_t n,
		       bool lo_only, uint32_t def, int pass)
{
	if (first > 0)
		emit_ge(a, vs->index, vs->values[first], lo_only, pass);
	if (first + n < vs->n)
		emit_lt(a, vs->index, vs->values[first + n], lo_only, pass);
	vset_emit_values(a, vs->values + first, n, vs->index, lo_only, vs->action, def);
}

/* One stacked filter: set @set's calls on every ABI, values [first, first + n). */
static void emit_part(struct as *a, const struct plan *p, size_t set, size_t first, size_t n)
{
	const struct value_set *vs = &p->vsets[set];
	int pass = as_label(a), wide = as_label(a), narrow = as_label(a);
	int group[MAX_ARCHES];
	uint32_t audit[MAX_ARCHES];
	size_t ngroups = 0, i, j, g;
	bool has_wide = false;

	as_ld_abs(a, ARCH_OFF);
	for (i = 0; i < p->narch; i++) {
		uint32_t au = rules_audit_arch(p->arch[i].token);

		for (g = 0; g < ngroups && audit[g] != au; g++)
			;
		if (g == ngroups) {
			audit[ngroups] = au;
			group[ngroups] = as_label(a);
			as_jmp(a, BPF_JEQ, au, group[ngroups], L_NEXT);
			ngroups++;
		}
	}
	as_ja(a, pass);
	for (g = 0; g < ngroups; g++) {
		as_bind(a, group[g]);
		as_ld_abs(a, NR_OFF);
		/* x86_64 and x32 share an audit value; their numbers differ (the x32 bit) */
		for (i = 0; i < p->narch; i++) {
			const struct arch_plan *ap = &p->arch[i];

			if (rules_audit_arch(ap->token) != audit[g])
				continue;
			for (j = 0; j < ap->nvrefs; j++)
				if (ap->vrefs[j].set == set) {
					as_jmp(a, BPF_JEQ, ap->vrefs[j].nr,
					       ap->vrefs[j].lo_only ? narrow : wide, L_NEXT);
					has_wide |= !ap->vrefs[j].lo_only;
				}
		}
		as_ja(a, pass);
	}
	as_bind(a, wide);
	if (has_wide)
		emit_chunk(a, vs, first, n, false, p->def_action, pass);
	else
		as_ret(a, SCMP_ACT_ALLOW); /* unreachable */
	as_bind(a, narrow);
	if (vs->need_lo)
		emit_chunk(a, vs, first, n, true, p->def_action, pass);
	else
		as_ret(a, SCMP_ACT_ALLOW); /* unreachable */
	as_bind(a, pass);		   /* BPF jumps only forward: the way out comes last */
	as_ret(a, SCMP_ACT_ALLOW);
}

/* Whether some ABI compares set @set on all 64 bits. */
static bool set_is_wide(const struct plan *p, size_t set)
{
	size_t i, j;

	for (i = 0; i < p->narch; i++)
		for (j = 0; j < p->arch[i].nvrefs; j++)
			if (p->arch[i].vrefs[j].set == set && !p->arch[i].vrefs[j].lo_only)
				return true;
	return false;
}

int stack_gen(const struct plan *p, struct sock_filter **out, size_t *len, size_t *part_len,
	      size_t *nparts, struct ward_err *err)
{
	size_t set, first;
	int rc;

	for (set = 0; set < p->nvsets; set++) {
		const struct value_set *vs = &p->vsets[set];
		size_t chunk = vs->need_lo && set_is_wide(p, set) ? STACK_CHUNK / 2 : STACK_CHUNK;

		for (first = 0; first < vs->n; first += chunk) {
			size_t n = vs->n - first < chunk ? vs->n - first : chunk;
			cleanup_free struct sock_filter *f = NULL;
			struct as a = {0};
			size_t flen = 0;

			if (*nparts == FILTER_MAX_PARTS)
				return err_set(
				    err, E2BIG,
				    "seccomp filter too large: more than %d stacked filters",
				    FILTER_MAX_PARTS);
			emit_part(&a, p, set, first, n);
			rc = as_link_far(&a, &f, &flen, err);
			as_release(&a);
			if (rc < 0)
				return rc;
			if (flen > FILTER_MAX_INSNS)
				return err_set(err, E2BIG,
					       "seccomp filter too large: a stacked filter of %zu "
					       "instructions (limit %d)",
					       flen, FILTER_MAX_INSNS);
			*out = xrealloc(*out, (*len + flen) * sizeof(**out));
			memcpy(*out + *len, f, flen * sizeof(*f));
			*len += flen;
			part_len[(*nparts)++] = flen;
		}
	}
	return 0;
}
