// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * filter_fastpath.c - the fast path: decisions specialised from the program
 * itself, placed in front of it.
 *
 * The program (stub, then libseccomp's code) is correct but walks a generic
 * tree, plus our stub, for every call. In front of it goes a dispatcher that
 * answers from what that same program does: for each ABI and each number
 * from the lowest to the highest any rule names, the program is partially
 * evaluated with arch and nr known. When no instruction on the way reads an
 * argument or the instruction pointer, its answer is one constant; when one
 * does, what is left of the program (the residue: argument loads and the
 * jumps that test them, with every arch and nr test folded away) is copied
 * out. Runs of numbers with the same constant become ranges, searched with a
 * weighted binary tree; everything else (other arches, numbers above the
 * maximum, code the evaluator does not model) jumps to the full program. So
 * the decision for any input is the full program's by construction.
 */
#include "filter_int.h"

#include <errno.h>
#include <linux/audit.h>
#include <stdlib.h>
#include <string.h>

#include "ward/log.h"
#include "ward/syscalls_extra.h"
#include "ward/util.h"

/* A result of partial evaluation: a constant, a residual instruction, or "give up". */
enum pe_kind { PE_RET, PE_NODE, PE_BAIL };

struct pe_res {
	enum pe_kind kind;
	uint32_t v; /* PE_RET: the return value; PE_NODE: the instruction's index */
};

struct pe {
	const struct sock_filter *f;
	size_t len;
	uint32_t nr, arch;
	int *label;   /* per instruction: its label in the residue, -1 if none */
	size_t *node; /* the residue's instructions */
	size_t nnode;
	struct fastpath_exits *exits; /* where the program is asked */
};

/* Run from @pc with A known (@known, @acc) until something depends on unknown data. */
static struct pe_res pe_fold(const struct pe *e, size_t pc, bool known, uint32_t acc)
{
	while (pc < e->len) {
		const struct sock_filter *in = &e->f[pc];
		bool cond;

		switch (in->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (in->k != NR_OFF && in->k != ARCH_OFF)
				return (struct pe_res){PE_NODE, (uint32_t)pc};
			acc = in->k == NR_OFF ? e->nr : e->arch;
			known = true;
			pc++;
			continue;
		case BPF_RET | BPF_K:
			return (struct pe_res){PE_RET, in->k};
		case BPF_JMP | BPF_JA:
			pc += 1 + (size_t)in->k;
			continue;
		case BPF_ALU | BPF_AND | BPF_K:
			if (!known)
				return (struct pe_res){PE_NODE, (uint32_t)pc};
			acc &= in->k;
			pc++;
			continue;
		case BPF_JMP | BPF_JEQ | BPF_K:
			cond = acc == in->k;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			cond = acc > in->k;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			cond = acc >= in->k;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			cond = (acc & in->k) != 0;
			break;
		default:
			return (struct pe_res){PE_BAIL, 0}; /* X, scratch memory, RET A, ... */
		}
		if (!known)
			return (struct pe_res){PE_NODE, (uint32_t)pc};
		pc += 1 + (size_t)(cond ? in->jt : in->jf);
	}
	return (struct pe_res){PE_BAIL, 0};
}

/* The states that follow residual instruction @pc; A is unknown after any of them. */
static size_t pe_next(const struct pe *e, size_t pc, struct pe_res out[2])
{
	const struct sock_filter *in = &e->f[pc];

	if (BPF_CLASS(in->code) != BPF_JMP) {
		out[0] = pe_fold(e, pc + 1, false, 0);
		return 1;
	}
	out[0] = pe_fold(e, pc + 1 + in->jt, false, 0);
	out[1] = pe_fold(e, pc + 1 + in->jf, false, 0);
	return 2;
}

/* Collect the residue reachable from @r into e->node; false if any path gives up. */
static bool pe_collect(struct pe *e, struct pe_res r)
{
	struct pe_res next[2];
	size_t i, n;

	if (r.kind == PE_RET)
		return true;
	if (r.kind == PE_BAIL)
		return false;
	if (e->label[r.v] != -1)
		return true;
	e->label[r.v] = -2; /* seen; the real label comes at emission */
	e->node[e->nnode++] = r.v;
	n = pe_next(e, r.v, next);
	for (i = 0; i < n; i++)
		if (!pe_collect(e, next[i]))
			return false;
	return true;
}

static void pe_reset(struct pe *e)
{
	size_t i;

	for (i = 0; i < e->nnode; i++)
		e->label[e->node[i]] = -1;
	e->nnode = 0;
}

static int cmp_size(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;

	return a < b ? -1 : a > b;
}

struct ret_label {
	uint32_t k;
	int label;
};

static int ret_label(struct as *a, struct ret_label *rl, size_t *nrl, uint32_t k)
{
	size_t i;

	for (i = 0; i < *nrl; i++)
		if (rl[i].k == k)
			return rl[i].label;
	rl[*nrl] = (struct ret_label){k, as_label(a)};
	return rl[(*nrl)++].label;
}

/*
 * Emit the residue collected in e->node. Instructions keep their original
 * order, so every jump still goes forward; the returns that conditional jumps
 * reach are shared at the end.
 */
static void pe_emit(struct as *a, struct pe *e)
{
	struct ret_label *rl = xcalloc(2 * e->nnode + 1, sizeof(*rl));
	size_t nrl = 0, i, s, n;

	qsort(e->node, e->nnode, sizeof(*e->node), cmp_size);
	for (i = 0; i < e->nnode; i++)
		e->label[e->node[i]] = as_label(a);
	for (i = 0; i < e->nnode; i++) {
		const struct sock_filter *in = &e->f[e->node[i]];
		struct pe_res next[2];
		int target[2];

		as_bind(a, e->label[e->node[i]]);
		n = pe_next(e, e->node[i], next);
		if (n == 1) {
			as_emit(a, in->code, in->k, L_NEXT, L_NEXT);
			if (next[0].kind == PE_RET)
				as_ret(a, next[0].v);
			else if (i + 1 == e->nnode || e->node[i + 1] != next[0].v)
				as_ja(a, e->label[next[0].v]);
			continue;
		}
		for (s = 0; s < 2; s++)
			target[s] = next[s].kind == PE_RET ? ret_label(a, rl, &nrl, next[s].v)
							   : e->label[next[s].v];
		as_emit(a, in->code, in->k, target[0], target[1]);
	}
	for (i = 0; i < nrl; i++) {
		as_bind(a, rl[i].label);
		as_ret(a, rl[i].k);
	}
	free(rl);
}

enum range_kind { R_RET, R_RESIDUE, R_PROG };

struct range {
	uint32_t first; /* the range is [first, next range's first) */
	enum range_kind kind;
	uint32_t k;	 /* R_RET: the return value */
	uint64_t weight; /* how often we expect to be asked, relatively */
};

struct ranges {
	struct range *v;
	size_t n, cap;
};

static void ranges_push(struct ranges *r, uint32_t first, enum range_kind kind, uint32_t k,
			uint64_t weight)
{
	struct range *last = r->n ? &r->v[r->n - 1] : NULL;

	if (last && kind != R_RESIDUE && last->kind == kind && last->k == k) {
		last->weight += weight;
		return;
	}
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->v = xrealloc(r->v, r->cap * sizeof(*r->v));
	}
	r->v[r->n++] = (struct range){first, kind, k, weight};
}

/* Weights: calls we expect to be allowed dominate the mean cost, as they dominate real use. */
#define W_HOT  64
#define W_REAL 4
#define W_NONE 1

static bool is_real(uint32_t token, uint32_t nr)
{
	char *name;
	int known = filter_real_lookup(token, nr);

	if (known >= 0) /* the table ward-precompile made at build time */
		return known;
	name = seccomp_syscall_resolve_num_arch(token, (int)nr);

	if (name) {
		free(name);
		return true;
	}
	return syscall_extra_name((int)nr, token == SCMP_ARCH_X32
					       ? SYSCALL_EXTRA_ARCH_X32
					       : rules_audit_arch(token)) != NULL;
}

/* The most numbers one ABI's tree covers; beyond, the ABI goes straight to the program. */
#define DISPATCH_MAX_SPAN 8192
/*
 * The largest residue copied: a bigger one (a comparison tree on a value set,
 * filter_vset.c) is cheaper reached in the program than copied, which could
 * double it and push the whole past the size limit.
 */
#define DISPATCH_MAX_RESIDUE 256
/* The most ranges the optimal tree is computed for (its tables are n^2). */
#define DISPATCH_MAX_DP 1024

/*
 * Append decisions for @ap's numbers [base, max], then "the program" above;
 * numbers below @base, if nothing is in @out yet, are the program's too.
 * Weights are divided by 2^@shift.
 */
static void plan_ranges(struct pe *e, const struct arch_plan *ap, uint32_t base, unsigned int shift,
			struct ranges *out)
{
	uint32_t nr, max = (uint32_t)ap->max_nr;

	if (out->n == 0 && base)
		ranges_push(out, 0, R_PROG, 0, W_NONE);
	if (ap->max_nr < (int64_t)base || max - base >= DISPATCH_MAX_SPAN) {
		ranges_push(out, base, R_PROG, 0, W_NONE);
		return;
	}
	e->arch = rules_audit_arch(ap->token);
	for (nr = base; nr <= max; nr++) {
		struct pe_res r;
		uint64_t w = is_real(ap->token, nr) ? W_REAL : W_NONE;

		e->nr = nr;
		r = pe_fold(e, 0, true, 0);
		if (r.kind == PE_RET) {
			if (w == W_REAL && (r.v & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ALLOW)
				w = W_HOT;
			ranges_push(out, nr, R_RET, r.v, (w >> shift) | 1);
		} else if (pe_collect(e, r) && e->nnode <= DISPATCH_MAX_RESIDUE) {
			ranges_push(out, nr, R_RESIDUE, 0,
				    ((w == W_REAL ? W_HOT : w) >> shift) | 1);
		} else {
			ranges_push(out, nr, R_PROG, 0, W_NONE);
		}
		pe_reset(e);
	}
	if (max != UINT32_MAX)
		ranges_push(out, max + 1, R_PROG, 0, W_NONE);
}

/*
 * The binary search tree over @n ranges with the least weighted depth
 * (internal nodes cost one instruction each): the classic dynamic programme
 * with Knuth's bound on the root, O(n^2). root[i*n+j] is the first range of
 * the right subtree of ranges i..j.
 */
static uint32_t *plan_tree(const struct range *v, size_t n)
{
	uint64_t *cost = xcalloc(n * n, sizeof(*cost));
	uint64_t *wsum = xcalloc(n + 1, sizeof(*wsum));
	uint32_t *root = xcalloc(n * n, sizeof(*root));
	size_t i, j, m, len;

	for (i = 0; i < n; i++)
		wsum[i + 1] = wsum[i] + v[i].weight;
	for (len = 2; len <= n; len++) {
		for (i = 0; i + len <= n; i++) {
			size_t lo, hi;
			uint64_t best = UINT64_MAX;

			j = i + len - 1;
			lo = len == 2 ? i + 1 : root[i * n + j - 1];
			hi = len == 2 ? j : root[(i + 1) * n + j];
			for (m = lo; m <= hi; m++) {
				uint64_t c = cost[i * n + m - 1] + cost[m * n + j];

				if (c < best) {
					best = c;
					root[i * n + j] = (uint32_t)m;
				}
			}
			cost[i * n + j] = best + wsum[j + 1] - wsum[i];
		}
	}
	free(cost);
	free(wsum);
	return root;
}

static void exit_to_program(struct fastpath_exits *x, bool arch_known, uint32_t arch, uint32_t lo,
			    uint32_t hi)
{
	if (x->n == x->cap) {
		x->cap = x->cap ? 2 * x->cap : 16;
		x->v = xrealloc(x->v, x->cap * sizeof(*x->v));
	}
	x->v[x->n++] = (struct prune_entry){arch_known, arch, lo, hi};
}

static void emit_tree(struct as *a, struct pe *e, const struct range *v, size_t n,
		      const uint32_t *root, size_t i, size_t j)
{
	size_t m;
	int right;

	if (i == j) {
		switch (v[i].kind) {
		case R_RET:
			as_ret(a, v[i].k);
			return;
		case R_RESIDUE:
			e->nr = v[i].first;
			(void)pe_collect(e, pe_fold(e, 0, true, 0));
			pe_emit(a, e);
			pe_reset(e);
			return;
		case R_PROG:
			exit_to_program(e->exits, true, e->arch, v[i].first,
					i + 1 < n ? v[i + 1].first - 1 : UINT32_MAX);
			as_ja(a, L_PROG);
			return;
		}
	}
	m = root ? root[i * n + j] : (i + j + 1) / 2;
	right = as_label(a);
	as_jmp(a, BPF_JGE, v[m].first, right, L_NEXT);
	emit_tree(a, e, v, n, root, i, m - 1);
	as_bind(a, right);
	emit_tree(a, e, v, n, root, m, j);
}

/* The tree over @r; A holds seccomp_data.nr, e->arch the arch. */
static void emit_ranges(struct as *a, struct pe *e, struct ranges *r)
{
	/* the optimal tree costs O(n^2) memory: past a bound, a balanced one */
	uint32_t *root = r->n <= DISPATCH_MAX_DP ? plan_tree(r->v, r->n) : NULL;

	emit_tree(a, e, r->v, r->n, root, 0, r->n - 1);
	free(root);
	free(r->v);
	r->v = NULL;
	r->n = r->cap = 0;
}

static void emit_dispatch(struct as *a, struct plan *p, struct pe *e)
{
	int group[MAX_ARCHES];
	uint32_t audit[MAX_ARCHES];
	/* as_link_far() makes room where a jump is too far: "near" here */
	size_t ngroups = plan_arch_switch(a, p, audit, group, true), i, g;

	/* an arch the switch does not name goes to the program */
	exit_to_program(e->exits, false, 0, 0, UINT32_MAX);
	memcpy(e->exits->arches, audit, ngroups * sizeof(*audit));
	e->exits->narches = ngroups;

	for (g = 0; g < ngroups; g++) {
		struct arch_plan *x64 = NULL, *x32 = NULL;
		struct ranges r = {0};

		as_bind(a, group[g]);
		as_ld_abs(a, NR_OFF);
		if (audit[g] == AUDIT_ARCH_X86_64) {
			x64 = plan_find_arch(p, SCMP_ARCH_X86_64);
			x32 = plan_find_arch(p, SCMP_ARCH_X32);
		}
		/*
		 * x32 (bit 30 of nr) gets the upper part of the same tree, with its
		 * weights cut: next to x86_64 it is rare, and a JSET in front would
		 * cost every x86_64 call one instruction
		 */
		if (x64 || x32) {
			if (x64)
				plan_ranges(e, x64, 0, 0, &r);
			if (x32)
				plan_ranges(e, x32, SYSCALL_EXTRA_X32_BIT, x64 ? 4 : 0, &r);
		} else {
			for (i = 0; i < p->narch; i++)
				if (rules_audit_arch(p->arch[i].token) == audit[g])
					break;
			plan_ranges(e, &p->arch[i], 0, 0, &r);
		}
		e->arch = audit[g];
		emit_ranges(a, e, &r);
	}
}

/*
 * The dispatcher for @prog (@len instructions); *out is NULL when it cannot be
 * built within the limits, and the program then runs alone.
 */
void fastpath_gen(struct plan *p, const struct sock_filter *prog, size_t len,
		  struct sock_filter **out, size_t *out_len, struct fastpath_exits *exits)
{
	struct pe e = {.f = prog, .len = len, .exits = exits};
	struct as a = {0};
	struct ward_err err = {0};
	size_t i;

	*out = NULL;
	*out_len = 0;
	e.label = xcalloc(len, sizeof(*e.label));
	e.node = xcalloc(len, sizeof(*e.node));
	for (i = 0; i < len; i++)
		e.label[i] = -1;
	emit_dispatch(&a, p, &e);
	if (as_link_far(&a, out, out_len, &err) == 0 && *out_len + len > FILTER_MAX_INSNS) {
		err_set(&err, E2BIG, "%zu + %zu instructions", *out_len, len);
		free(*out);
		*out = NULL;
		*out_len = 0;
	}
	if (!*out)
		log_debug("seccomp filter: no fast path: %s", err.msg);
	as_release(&a);
	free(e.label);
	free(e.node);
}
