// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * filter_prune.c - the program behind the fast path, cut to what the fast
 * path hands it.
 *
 * The fast path answers every number up to each ABI's highest named one by
 * itself; the program (stub, then libseccomp's code) is asked only for the
 * ranges the fast path leaves it (numbers above the highest, gaps, residues
 * too large to copy) and for architectures the filter does not name. Those
 * ranges are its entries. From them the program is walked with what is known
 * about the accumulator (the arch, an interval of numbers, a constant or
 * nothing), following a conditional jump only into the branches some input
 * can take, and the instructions no input reaches are dropped. Whatever the
 * walk does not model (the X register, scratch memory, arithmetic) makes the
 * accumulator unknown and both branches reachable: the cut can only keep too
 * much, never change a decision.
 */
#include "filter_int.h"

#include <stdlib.h>
#include <string.h>

#include "ward/util.h"

/* Past this many steps of the walk, the program is left whole. */
#define PRUNE_MAX_STEPS 200000

enum acc_kind { ACC_UNKNOWN, ACC_CONST, ACC_NR, ACC_ARCH };

struct walk_state {
	size_t pc;
	enum acc_kind acc;
	uint32_t k;	 /* ACC_CONST: the value */
	uint32_t lo, hi; /* the interval nr is in */
	bool arch_known; /* the arch is @arch; else none of @not_arch */
	uint32_t arch;
};

/* the states a pc was reached with: paths that join are walked on once */
struct seen {
	struct walk_state *v;
	size_t n, cap;
};

struct walk {
	const struct sock_filter *f;
	size_t len;
	bool *kept;
	struct seen *seen; /* per pc */
	const uint32_t *not_arch;
	size_t nnot;
	struct walk_state *stack;
	size_t n, cap;
	size_t steps;
};

static bool same_state(const struct walk_state *a, const struct walk_state *b)
{
	return a->acc == b->acc && a->k == b->k && a->lo == b->lo && a->hi == b->hi &&
	       a->arch_known == b->arch_known && a->arch == b->arch;
}

static void push(struct walk *w, const struct walk_state *s)
{
	struct seen *sn;

	if (s->pc < w->len) {
		sn = &w->seen[s->pc];
		for (size_t i = 0; i < sn->n; i++)
			if (same_state(&sn->v[i], s))
				return;
		if (sn->n == sn->cap) {
			sn->cap = sn->cap ? 2 * sn->cap : 2;
			sn->v = xrealloc(sn->v, sn->cap * sizeof(*sn->v));
		}
		sn->v[sn->n++] = *s;
	}
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 256;
		w->stack = xrealloc(w->stack, w->cap * sizeof(*w->stack));
	}
	w->stack[w->n++] = *s;
}

static bool excluded_arch(const struct walk *w, uint32_t k)
{
	for (size_t i = 0; i < w->nnot; i++)
		if (w->not_arch[i] == k)
			return true;
	return false;
}

/* Whether some v in [lo, hi] has v & k != 0 (@set), or == 0 (!@set). */
static bool jset_feasible(uint32_t lo, uint32_t hi, uint32_t k, bool set)
{
	uint64_t span = (uint64_t)hi - lo + 1;

	if (lo == hi)
		return ((lo & k) != 0) == set;
	if (k && (k & (k - 1)) == 0 && span <= k) /* one bit, a range no longer than it */
		return set ? ((lo & k) || (hi & k)) : (!(lo & k) || !(hi & k));
	if (hi < (k & -k)) /* below the lowest bit tested: all clear */
		return !set;
	return true;
}

/*
 * The two successors of the jump at @s->pc, each pushed when some input can take
 * it, with nr's interval narrowed where the accumulator holds nr.
 */
static void branch(struct walk *w, const struct walk_state *s, const struct sock_filter *in)
{
	struct walk_state t = *s, f = *s;
	bool can_t = true, can_f = true;
	uint32_t k = in->k;

	t.pc = s->pc + 1 + in->jt;
	f.pc = s->pc + 1 + in->jf;
	if (BPF_SRC(in->code) == BPF_X || s->acc == ACC_UNKNOWN) {
		/* both */
	} else if (s->acc == ACC_CONST || (s->acc == ACC_ARCH && s->arch_known)) {
		uint32_t a = s->acc == ACC_CONST ? s->k : s->arch;
		bool c = BPF_OP(in->code) == BPF_JEQ   ? a == k
			 : BPF_OP(in->code) == BPF_JGT ? a > k
			 : BPF_OP(in->code) == BPF_JGE ? a >= k
						       : (a & k) != 0;

		can_t = c;
		can_f = !c;
	} else if (s->acc == ACC_ARCH) {
		can_t = !(BPF_OP(in->code) == BPF_JEQ && excluded_arch(w, k));
	} else {
		switch (BPF_OP(in->code)) {
		case BPF_JEQ:
			can_t = s->lo <= k && k <= s->hi;
			can_f = !(s->lo == k && s->hi == k);
			t.lo = t.hi = k;
			if (f.lo == k && f.lo < f.hi)
				f.lo++;
			else if (f.hi == k && f.lo < f.hi)
				f.hi--;
			break;
		case BPF_JGT:
			can_t = s->hi > k;
			can_f = s->lo <= k;
			if (can_t && t.lo <= k)
				t.lo = k + 1;
			if (can_f && f.hi > k)
				f.hi = k;
			break;
		case BPF_JGE:
			can_t = s->hi >= k;
			can_f = s->lo < k;
			if (can_t && t.lo < k)
				t.lo = k;
			if (can_f && f.hi >= k)
				f.hi = k - 1;
			break;
		default: /* BPF_JSET */
			can_t = jset_feasible(s->lo, s->hi, k, true);
			can_f = jset_feasible(s->lo, s->hi, k, false);
			break;
		}
	}
	if (t.pc == f.pc) { /* one successor: every input goes on, none narrowed */
		struct walk_state u = *s;

		u.pc = t.pc;
		push(w, &u);
		return;
	}
	if (can_t)
		push(w, &t);
	if (can_f)
		push(w, &f);
}

/* One instruction: mark it, push what follows. false: the walk cannot go on. */
static bool step(struct walk *w, const struct walk_state *s)
{
	const struct sock_filter *in;
	struct walk_state n = *s;

	if (s->pc >= w->len || ++w->steps > PRUNE_MAX_STEPS)
		return false;
	in = &w->f[s->pc];
	w->kept[s->pc] = true;
	n.pc = s->pc + 1;
	switch (BPF_CLASS(in->code)) {
	case BPF_RET:
		return true;
	case BPF_JMP:
		if (BPF_OP(in->code) == BPF_JA) {
			n.pc = s->pc + 1 + in->k;
			push(w, &n);
			return true;
		}
		branch(w, s, in);
		return true;
	case BPF_LD:
		n.acc = ACC_UNKNOWN;
		if (in->code == (BPF_LD | BPF_W | BPF_ABS) && in->k == NR_OFF)
			n.acc = ACC_NR;
		else if (in->code == (BPF_LD | BPF_W | BPF_ABS) && in->k == ARCH_OFF)
			n.acc = ACC_ARCH;
		else if (in->code == (BPF_LD | BPF_IMM))
			n.acc = ACC_CONST;
		n.k = n.acc == ACC_CONST ? in->k : 0;
		break;
	case BPF_ALU:
	case BPF_MISC:
		n.acc = ACC_UNKNOWN;
		n.k = 0;
		break;
	default: /* LDX, ST, STX: the accumulator stays */
		break;
	}
	push(w, &n);
	return true;
}

/*
 * The jump targets of a kept instruction in the cut program: a branch no input
 * takes goes where the other one goes.
 */
static void relink(struct sock_filter *out, const struct sock_filter *in, size_t pc,
		   const bool *kept, const size_t *at)
{
	size_t t = pc + 1 + in->jt, f = pc + 1 + in->jf;

	*out = *in;
	if (BPF_CLASS(in->code) != BPF_JMP)
		return;
	if (BPF_OP(in->code) == BPF_JA) {
		out->k = (uint32_t)(at[pc + 1 + in->k] - at[pc] - 1);
		return;
	}
	if (!kept[t])
		t = f;
	if (!kept[f])
		f = t;
	out->jt = (uint8_t)(at[t] - at[pc] - 1);
	out->jf = (uint8_t)(at[f] - at[pc] - 1);
}

size_t prune_program(struct sock_filter *prog, size_t len, const struct prune_entry *entries,
		     size_t nentries, const uint32_t *not_arch, size_t nnot)
{
	struct walk w = {.f = prog, .len = len, .not_arch = not_arch, .nnot = nnot};
	size_t *at, i, n = 0;
	bool ok = true;

	w.kept = xcalloc(len + 1, sizeof(*w.kept));
	w.seen = xcalloc(len, sizeof(*w.seen));
	for (i = 0; i < nentries; i++)
		push(&w, &(struct walk_state){.acc = ACC_UNKNOWN,
					      .lo = entries[i].lo,
					      .hi = entries[i].hi,
					      .arch_known = entries[i].arch_known,
					      .arch = entries[i].arch_known ? entries[i].arch : 0});
	while (ok && w.n) {
		struct walk_state s = w.stack[--w.n];

		ok = step(&w, &s);
	}
	free(w.stack);
	for (i = 0; i < len; i++)
		free(w.seen[i].v);
	free(w.seen);
	if (!ok || !w.kept[0]) {
		free(w.kept);
		return len;
	}
	at = xcalloc(len + 1, sizeof(*at));
	for (i = 0; i < len; i++) {
		at[i] = n;
		n += w.kept[i];
	}
	at[len] = n;
	for (i = 0, n = 0; i < len; i++)
		if (w.kept[i])
			relink(&prog[n++], &prog[i], i, w.kept, at);
	free(at);
	free(w.kept);
	return n;
}
