// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * filter_asm.c - a small BPF assembler with forward labels, linked either
 * with 8-bit conditional jumps only or with BPF_JA trampolines for targets
 * further away, and the stub it assembles in front of libseccomp's program.
 * Per ABI in the filter the stub:
 *  - matches, by number, system calls libseccomp cannot name
 *    (syscalls_extra.c), evaluating their rules in profile order, first match
 *    wins;
 *  - returns ENOSYS for numbers above the highest one any rule names, unless
 *    the default action lets unknown calls through anyway (ALLOW, LOG, TRACE)
 *    or already is ERRNO(ENOSYS) (runc's patchbpf; spec section 8.3);
 *  - then jumps to libseccomp's program, which is left as it is: its jumps are
 *    relative, and it checks the architecture itself (bad arch: KILL).
 */
#include "filter_int.h"

#include <errno.h>
#include <linux/audit.h>
#include <stdlib.h>

#include "ward/cleanup.h"
#include "ward/syscalls_extra.h"
#include "ward/util.h"

/* ---- the assembler ------------------------------------------------------------------ */

void as_release(struct as *a)
{
	free(a->v);
	free(a->label);
}

int as_label(struct as *a)
{
	if (a->nlabels == a->label_cap) {
		a->label_cap = a->label_cap ? a->label_cap * 2 : 32;
		a->label = xrealloc(a->label, a->label_cap * sizeof(*a->label));
	}
	a->label[a->nlabels] = SIZE_MAX;
	return (int)a->nlabels++;
}

void as_bind(struct as *a, int l)
{
	a->label[l] = a->n;
}

void as_emit(struct as *a, uint16_t code, uint32_t k, int jt, int jf)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 64;
		a->v = xrealloc(a->v, a->cap * sizeof(*a->v));
	}
	a->v[a->n++] = (struct asm_insn){.f = {.code = code, .k = k}, .jt = jt, .jf = jf};
}

void as_ld_abs(struct as *a, uint32_t off)
{
	as_emit(a, BPF_LD | BPF_W | BPF_ABS, off, L_NEXT, L_NEXT);
}

void as_jmp(struct as *a, uint16_t op, uint32_t k, int jt, int jf)
{
	as_emit(a, BPF_JMP | op | BPF_K, k, jt, jf);
}

void as_ja(struct as *a, int target)
{
	as_emit(a, BPF_JMP | BPF_JA, 0, target, L_NEXT);
}

void as_ret(struct as *a, uint32_t k)
{
	as_emit(a, BPF_RET | BPF_K, k, L_NEXT, L_NEXT);
}

/*
 * Jump to @target when "A op k" holds (jcond) or does not (jncond), else fall
 * through. The long form (!near) reaches any forward target through BPF_JA,
 * whose offset is 32 bits, where a conditional jump has only 8.
 */
static void jcond(struct as *a, uint16_t op, uint32_t k, int target, bool near)
{
	int skip;

	if (near) {
		as_jmp(a, op, k, target, L_NEXT);
		return;
	}
	skip = as_label(a);
	as_jmp(a, op, k, L_NEXT, skip);
	as_ja(a, target);
	as_bind(a, skip);
}

static void jncond(struct as *a, uint16_t op, uint32_t k, int target, bool near)
{
	int skip;

	if (near) {
		as_jmp(a, op, k, L_NEXT, target);
		return;
	}
	skip = as_label(a);
	as_jmp(a, op, k, skip, L_NEXT);
	as_ja(a, target);
	as_bind(a, skip);
}

/* Resolve labels into @out (stub length a->n; L_PROG is a->n). */
static int as_link(const struct as *a, struct sock_filter *out, struct ward_err *err)
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		const struct asm_insn *in = &a->v[i];
		size_t t[2];
		int l[2] = {in->jt, in->jf};
		int s;

		out[i] = in->f;
		for (s = 0; s < 2; s++) {
			if (l[s] == L_NEXT)
				t[s] = i + 1;
			else if (l[s] == L_PROG)
				t[s] = a->n;
			else
				t[s] = a->label[l[s]];
			if (t[s] == SIZE_MAX || t[s] < i + 1)
				return err_set(err, EFAULT, "internal error: bad stub label");
		}
		if (in->f.code == (BPF_JMP | BPF_JA)) {
			out[i].k = (uint32_t)(t[0] - (i + 1));
			continue;
		}
		if (BPF_CLASS(in->f.code) != BPF_JMP)
			continue;
		if (t[0] - (i + 1) > 255 || t[1] - (i + 1) > 255)
			return err_set(err, E2BIG, "seccomp stub too large");
		out[i].jt = (uint8_t)(t[0] - (i + 1));
		out[i].jf = (uint8_t)(t[1] - (i + 1));
	}
	return 0;
}

/* The instruction a label of @a's instruction @i names (L_PROG: a->n); SIZE_MAX if unbound. */
static size_t as_target(const struct as *a, size_t i, int l)
{
	if (l == L_NEXT)
		return i + 1;
	if (l == L_PROG)
		return a->n;
	return a->label[l];
}

/*
 * Link @a into a new array, where a conditional jump whose target is more
 * than 255 instructions away goes through a BPF_JA (32-bit offset) placed
 * right after it. Placing trampolines moves code, so it repeats until no
 * more are needed; every round only adds, so it ends.
 */
int as_link_far(const struct as *a, struct sock_filter **out, size_t *out_len, struct ward_err *err)
{
	cleanup_free uint8_t *far = xcalloc(a->n + 1, 1); /* bit s: target s via trampoline */
	cleanup_free size_t *pos = xcalloc(a->n + 1, sizeof(*pos));
	struct sock_filter *f;
	bool changed = true;
	size_t i, p;
	int s;

	for (i = 0; i < a->n; i++) {
		int l[2] = {a->v[i].jt, a->v[i].jf};

		for (s = 0; s < 2; s++) {
			size_t t = as_target(a, i, l[s]);

			if (t == SIZE_MAX || t < i + 1 || t > a->n)
				return err_set(err, EFAULT, "internal error: bad fast-path label");
		}
	}
	while (changed) {
		changed = false;
		for (i = 0, p = 0; i < a->n; i++) {
			pos[i] = p;
			p += 1 + (size_t)((far[i] & 1) + (far[i] >> 1));
		}
		pos[a->n] = p;
		for (i = 0; i < a->n; i++) {
			const struct asm_insn *in = &a->v[i];
			int l[2] = {in->jt, in->jf};

			if (BPF_CLASS(in->f.code) != BPF_JMP || in->f.code == (BPF_JMP | BPF_JA))
				continue;
			for (s = 0; s < 2; s++) {
				if (far[i] & (1 << s))
					continue;
				if (pos[as_target(a, i, l[s])] - (pos[i] + 1) > 255) {
					far[i] |= (uint8_t)(1 << s);
					changed = true;
				}
			}
		}
	}
	if (pos[a->n] > FILTER_MAX_INSNS)
		return err_set(err, E2BIG, "fast path too large");
	f = xcalloc(pos[a->n], sizeof(*f));
	for (i = 0; i < a->n; i++) {
		const struct asm_insn *in = &a->v[i];
		int l[2] = {in->jt, in->jf};
		size_t o = pos[i], slot = o + 1, off[2];

		f[o] = in->f;
		if (in->f.code == (BPF_JMP | BPF_JA)) {
			f[o].k = (uint32_t)(pos[as_target(a, i, l[0])] - (o + 1));
			continue;
		}
		if (BPF_CLASS(in->f.code) != BPF_JMP)
			continue;
		for (s = 0; s < 2; s++) {
			size_t t = pos[as_target(a, i, l[s])];

			if (!(far[i] & (1 << s))) {
				off[s] = t - (o + 1);
				continue;
			}
			f[slot] = (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA,
							       (uint32_t)(t - (slot + 1)));
			off[s] = slot - (o + 1);
			slot++;
		}
		f[o].jt = (uint8_t)off[0];
		f[o].jf = (uint8_t)off[1];
	}
	*out = f;
	*out_len = pos[a->n];
	return 0;
}

/* ---- shared returns ---------------------------------------------------------------- */

static bool is_cond_jump(uint16_t code)
{
	return BPF_CLASS(code) == BPF_JMP && BPF_OP(code) != BPF_JA;
}

/* How many places @code jumps to: two, one (BPF_JA), or none (it goes on, or returns). */
static int njumps(uint16_t code)
{
	return BPF_CLASS(code) != BPF_JMP ? 0 : is_cond_jump(code) ? 2 : 1;
}

/* Where @f[i]'s jump @s (0: jt, or BPF_JA's k; 1: jf) lands. */
static size_t jump_target(const struct sock_filter *f, size_t i, int s)
{
	if (!is_cond_jump(f[i].code))
		return i + 1 + f[i].k;
	return i + 1 + (s ? f[i].jf : f[i].jt);
}

struct ret_anchor {
	uint16_t code;
	uint32_t k;
	size_t at;
};

/*
 * Share returns: a jump to a BPF_RET moves to the nearest identical return
 * further on when that one is within a conditional jump's reach (255) of
 * every jump to it; the return, then reached by nothing, goes. The fast
 * path's tree ends each leaf in returns of its own, libseccomp's code too, so
 * about half of a program is returns. A path runs the same instructions as
 * before, in a program the kernel compiles (JIT) faster for being shorter.
 * Done from the end, so the return a jump moves to is final; taking
 * instructions out only shortens forward jumps, so each stays in reach.
 * A return that an instruction other than a jump runs into stays. @f[0..@n)
 * is one linked program; its new length is returned, and *@mark (an index)
 * moved along when not NULL. One pass; as_share_returns() repeats it.
 */
static size_t share_pass(struct sock_filter *f, size_t n, size_t *mark)
{
	cleanup_free size_t *tgt = xcalloc(2 * n, sizeof(*tgt));     /* each jump's two targets */
	cleanup_free size_t *first = xcalloc(n + 1, sizeof(*first)); /* jumps into each, CSR */
	cleanup_free size_t *from = xcalloc(2 * n, sizeof(*from));
	cleanup_free size_t *pos = xcalloc(n + 1, sizeof(*pos));
	cleanup_free bool *gone = xcalloc(n, sizeof(*gone));
	cleanup_free struct ret_anchor *anchor = NULL;
	size_t nanchors = 0, i, r, e, p;
	int s;

	for (i = 0; i < n; i++)
		for (s = 0; s < njumps(f[i].code); s++) {
			tgt[2 * i + s] = jump_target(f, i, s);
			if (tgt[2 * i + s] >= n)
				return n; /* not a linked program: left as it is */
			first[tgt[2 * i + s] + 1]++;
		}
	for (i = 0; i < n; i++)
		first[i + 1] += first[i];
	for (i = 0; i < n; i++)
		for (s = 0; s < njumps(f[i].code); s++)
			from[first[tgt[2 * i + s]]++] = 2 * i + (size_t)s;
	for (i = n; i-- > 0;) /* back to each target's first jump */
		first[i + 1] = first[i];
	first[0] = 0;
	anchor = xcalloc(n, sizeof(*anchor));
	for (r = n; r-- > 0;) {
		struct ret_anchor *a = NULL;
		bool movable;

		if (BPF_CLASS(f[r].code) != BPF_RET)
			continue;
		for (i = 0; i < nanchors; i++)
			if (anchor[i].code == f[r].code && anchor[i].k == f[r].k)
				a = &anchor[i];
		/* not the entry, nor where an instruction that is not a jump goes on to */
		movable = a && r > 0 &&
			  (njumps(f[r - 1].code) > 0 || BPF_CLASS(f[r - 1].code) == BPF_RET);
		for (e = first[r]; movable && e < first[r + 1]; e++)
			if (is_cond_jump(f[from[e] / 2].code) && a->at - (from[e] / 2 + 1) > 255)
				movable = false;
		if (!movable) {
			if (!a)
				a = &anchor[nanchors++];
			*a = (struct ret_anchor){f[r].code, f[r].k, r};
			continue;
		}
		for (e = first[r]; e < first[r + 1]; e++)
			tgt[from[e]] = a->at;
		gone[r] = true;
	}
	for (i = 0, p = 0; i < n; i++) {
		pos[i] = p;
		p += !gone[i];
	}
	pos[n] = p;
	for (i = 0; i < n; i++) {
		struct sock_filter in = f[i];

		if (gone[i])
			continue;
		if (BPF_CLASS(in.code) == BPF_JMP && !is_cond_jump(in.code))
			in.k = (uint32_t)(pos[tgt[2 * i]] - (pos[i] + 1));
		else if (is_cond_jump(in.code)) {
			in.jt = (uint8_t)(pos[tgt[2 * i]] - (pos[i] + 1));
			in.jf = (uint8_t)(pos[tgt[2 * i + 1]] - (pos[i] + 1));
		}
		f[pos[i]] = in;
	}
	if (mark)
		*mark = pos[*mark];
	return p;
}

size_t as_share_returns(struct sock_filter *f, size_t n, size_t *mark)
{
	size_t before;

	/* a program closed up may bring more jumps in reach: until none is */
	do {
		before = n;
		n = share_pass(f, n, mark);
	} while (n < before);
	return n;
}

/* ---- the stub ---------------------------------------------------------------------- */

uint32_t asm_arg_lo(unsigned int i)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (uint32_t)(offsetof(struct seccomp_data, args) + 8 * i);
#else
	return (uint32_t)(offsetof(struct seccomp_data, args) + 8 * i + 4);
#endif
}

uint32_t asm_arg_hi(unsigned int i)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (uint32_t)(offsetof(struct seccomp_data, args) + 8 * i + 4);
#else
	return (uint32_t)(offsetof(struct seccomp_data, args) + 8 * i);
#endif
}

/*
 * One unsigned 64-bit comparison: falls through when it holds, jumps to @fail
 * otherwise. Compared on all 64 bits on every ABI (32-bit ABIs see zero high
 * words).
 */
static void emit_cmp(struct as *a, const struct prof_arg *c, int fail)
{
	uint32_t vhi = (uint32_t)(c->value >> 32), vlo = (uint32_t)c->value;
	int pass = as_label(a);

	as_ld_abs(a, asm_arg_hi(c->index));
	switch (c->op) {
	case PROF_OP_EQ:
		as_jmp(a, BPF_JEQ, vhi, L_NEXT, fail);
		as_ld_abs(a, asm_arg_lo(c->index));
		as_jmp(a, BPF_JEQ, vlo, pass, fail);
		break;
	case PROF_OP_NE:
		as_jmp(a, BPF_JEQ, vhi, L_NEXT, pass);
		as_ld_abs(a, asm_arg_lo(c->index));
		as_jmp(a, BPF_JEQ, vlo, fail, pass);
		break;
	case PROF_OP_GT:
	case PROF_OP_GE:
		as_jmp(a, BPF_JGT, vhi, pass, L_NEXT);
		as_jmp(a, BPF_JEQ, vhi, L_NEXT, fail);
		as_ld_abs(a, asm_arg_lo(c->index));
		as_jmp(a, c->op == PROF_OP_GT ? BPF_JGT : BPF_JGE, vlo, pass, fail);
		break;
	case PROF_OP_LT:
	case PROF_OP_LE:
		as_jmp(a, BPF_JGT, vhi, fail, L_NEXT);
		as_jmp(a, BPF_JEQ, vhi, L_NEXT, pass);
		as_ld_abs(a, asm_arg_lo(c->index));
		/* LT fails when lo >= v, LE when lo > v */
		as_jmp(a, c->op == PROF_OP_LT ? BPF_JGE : BPF_JGT, vlo, fail, pass);
		break;
	case PROF_OP_MASKED_EQ:
		as_emit(a, BPF_ALU | BPF_AND | BPF_K, (uint32_t)(c->value >> 32), L_NEXT, L_NEXT);
		as_jmp(a, BPF_JEQ, (uint32_t)(c->value_two >> 32), L_NEXT, fail);
		as_ld_abs(a, asm_arg_lo(c->index));
		as_emit(a, BPF_ALU | BPF_AND | BPF_K, (uint32_t)c->value, L_NEXT, L_NEXT);
		as_jmp(a, BPF_JEQ, (uint32_t)c->value_two, pass, fail);
		break;
	}
	as_bind(a, pass);
}

/* One block: the conditions ANDed; return @action when all hold, else go on. */
static void emit_block(struct as *a, const struct prof_arg *conds, size_t n, uint32_t action)
{
	int fail = as_label(a);
	size_t i;

	for (i = 0; i < n; i++)
		emit_cmp(a, &conds[i], fail);
	as_ret(a, action);
	as_bind(a, fail);
}

static int cmp_extra(const void *x, const void *y)
{
	const struct extra_rule *a = x, *b = y;

	if (a->nr != b->nr)
		return a->nr < b->nr ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

/*
 * The part of the stub for one ABI; A holds seccomp_data.nr on entry. With
 * @near, conditional jumps go straight to libseccomp's program (one
 * instruction less on the hot path); the caller retries without it when a
 * jump would not fit in 8 bits.
 */
static void emit_arch_body(struct as *a, const struct plan *p, struct arch_plan *ap, bool near)
{
	int enosys = as_label(a);
	bool use_enosys = p->enosys && ap->max_nr >= 0;
	size_t i, j;

	if (use_enosys && (ap->token == SCMP_ARCH_S390 || ap->token == SCMP_ARCH_S390X))
		as_jmp(a, BPF_JEQ, 0, enosys, L_NEXT); /* the s390 multiplexer, as runc does */
	vset_emit_refs(a, p, ap);

	if (ap->nextras) {
		qsort(ap->extras, ap->nextras, sizeof(*ap->extras), cmp_extra);
		/* below every extra number means at most the maximum: libseccomp decides */
		jncond(a, BPF_JGE, ap->extras[0].nr, L_PROG, near);
		for (i = 0; i < ap->nextras; i = j) {
			int next_nr = as_label(a);
			bool unconditional = false;

			as_jmp(a, BPF_JEQ, ap->extras[i].nr, L_NEXT, next_nr);
			for (j = i; j < ap->nextras && ap->extras[j].nr == ap->extras[i].nr; j++) {
				const struct prof_rule *r = ap->extras[j].rule;
				bool repeated = false;
				unsigned int seen = 0;
				size_t k;

				if (unconditional)
					continue; /* unreachable after an unconditional rule */
				for (k = 0; k < r->nargs; k++) {
					repeated |= (seen & (1U << r->args[k].index)) != 0;
					seen |= 1U << r->args[k].index;
				}
				if (r->nargs == 0) {
					as_ret(a, ap->extras[j].action);
					unconditional = true;
				} else if (!repeated) {
					emit_block(a, r->args, r->nargs, ap->extras[j].action);
				} else {
					for (k = 0; k < r->nargs; k++)
						emit_block(a, &r->args[k], 1, ap->extras[j].action);
				}
			}
			if (!unconditional)
				as_ret(a, p->def_action);
			as_bind(a, next_nr);
		}
	}
	if (!use_enosys) {
		as_ja(a, L_PROG);
		return;
	}
	as_jmp(a, BPF_JGT, (uint32_t)ap->max_nr, enosys, near ? L_PROG : L_NEXT);
	if (!near)
		as_ja(a, L_PROG);
	as_bind(a, enosys);
	as_ret(a, SCMP_ACT_ERRNO(ENOSYS));
}

struct arch_plan *plan_find_arch(struct plan *p, uint32_t token)
{
	size_t i;

	for (i = 0; i < p->narch; i++)
		if (p->arch[i].token == token)
			return &p->arch[i];
	return NULL;
}

static bool stub_needed(const struct plan *p)
{
	size_t i;

	for (i = 0; i < p->narch; i++)
		if (p->arch[i].nextras || (p->enosys && p->arch[i].max_nr >= 0))
			return true;
	return p->nvsets > 0;
}

/*
 * The distinct seccomp_data.arch values of the filter's arches (x86_64 and x32
 * share one), each with a new label. Return: how many.
 */
static size_t arch_groups(struct as *a, const struct plan *p, uint32_t audit[MAX_ARCHES],
			  int group[MAX_ARCHES])
{
	size_t ngroups = 0, i, g;

	for (i = 0; i < p->narch; i++) {
		uint32_t au = rules_audit_arch(p->arch[i].token);

		for (g = 0; g < ngroups && audit[g] != au; g++)
			;
		if (g < ngroups)
			continue;
		audit[ngroups] = au;
		group[ngroups] = as_label(a);
		ngroups++;
	}
	return ngroups;
}

size_t plan_arch_switch(struct as *a, const struct plan *p, uint32_t audit[MAX_ARCHES],
			int group[MAX_ARCHES], bool near)
{
	size_t ngroups = arch_groups(a, p, audit, group), g;

	as_ld_abs(a, ARCH_OFF);
	for (g = 0; g < ngroups; g++)
		jcond(a, BPF_JEQ, audit[g], group[g], near);
	as_ja(a, L_PROG);
	return ngroups;
}

static void emit_stub(struct as *a, struct plan *p, bool near)
{
	int group[MAX_ARCHES];
	uint32_t audit[MAX_ARCHES];
	size_t ngroups, i, g;

	for (i = 0; i < p->nvsets; i++) {
		p->vsets[i].label = as_label(a);
		p->vsets[i].label_lo = as_label(a);
	}
	p->allow_label = as_label(a);
	ngroups = plan_arch_switch(a, p, audit, group, near);

	for (g = 0; g < ngroups; g++) {
		as_bind(a, group[g]);
		as_ld_abs(a, NR_OFF);
		if (audit[g] == AUDIT_ARCH_X86_64) {
			struct arch_plan *x64 = plan_find_arch(p, SCMP_ARCH_X86_64);
			struct arch_plan *x32 = plan_find_arch(p, SCMP_ARCH_X32);
			int other = x64 && x32 ? as_label(a) : L_NEXT;

			/* bit 30 of nr selects x32; an ABI not in the filter: libseccomp kills */
			if (x64 && x32) {
				jcond(a, BPF_JSET, SYSCALL_EXTRA_X32_BIT, other, near);
				emit_arch_body(a, p, x64, near);
				as_bind(a, other);
				emit_arch_body(a, p, x32, near);
			} else if (x64) {
				jcond(a, BPF_JSET, SYSCALL_EXTRA_X32_BIT, L_PROG, near);
				emit_arch_body(a, p, x64, near);
			} else {
				jncond(a, BPF_JSET, SYSCALL_EXTRA_X32_BIT, L_PROG, near);
				emit_arch_body(a, p, x32, near);
			}
		} else {
			for (i = 0; i < p->narch; i++)
				if (rules_audit_arch(p->arch[i].token) == audit[g])
					emit_arch_body(a, p, &p->arch[i], near);
		}
	}
	vset_emit_trees(a, p);
}

/* Generate the stub; *len is 0 when nothing needs it. */
int stub_gen(struct plan *p, struct sock_filter **out, size_t *len, struct ward_err *err)
{
	int pass, rc = 0;

	*out = NULL;
	*len = 0;
	if (!stub_needed(p))
		return 0;
	if (p->nvsets) {
		/* comparison trees jump far: trampolines wherever a jump needs one */
		struct as a = {0};

		emit_stub(&a, p, false);
		rc = as_link_far(&a, out, len, err);
		as_release(&a);
		return rc;
	}
	for (pass = 0; pass < 2; pass++) {
		struct as a = {0};

		emit_stub(&a, p, pass == 0);
		*out = xcalloc(a.n, sizeof(**out));
		rc = as_link(&a, *out, err);
		if (rc == 0)
			*len = a.n;
		as_release(&a);
		if (rc == 0)
			return 0;
		free(*out);
		*out = NULL;
		if (rc != -E2BIG)
			break;
	}
	return rc;
}
