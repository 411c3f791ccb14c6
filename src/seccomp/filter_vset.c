// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * filter_vset.c - value sets: the system calls on which every rule compares
 * one argument for equality with one value, all with one action (an
 * allowlist of ioctl requests, socket options, prctl options). Given to
 * libseccomp, a thousand such rules take it a third of a second and become a
 * chain walked one value after the other; here they are found in one sorted
 * pass (vset_plan) and compiled by our stub into a comparison tree on the
 * sorted values (vset_emit_*), so compiling is O(n log n) and the search
 * O(log n). Decisions stay libseccomp's: a value in the set gets the action,
 * any other the default (tests/unit/test_filter.c compares the two programs
 * on random values).
 */
#include "filter_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ward/util.h"

/* Fewer rules than this stay libseccomp's: the program does not change for them. */
#define VSET_MIN 16
/* Values compared one after the other at a leaf of the tree. */
#define VSET_LEAF 4

struct use {
	const char *name;
	const struct prof_rule *r;
};

static int cmp_use(const void *x, const void *y)
{
	const struct use *a = x, *b = y;
	int c = strcmp(a->name, b->name);

	if (c)
		return c;
	return a->r->position < b->r->position ? -1 : a->r->position > b->r->position;
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

/*
 * The multiplexed calls: on some 32-bit ABIs libseccomp also matches them
 * through socketcall(2) or ipc(2), which a value set does not model.
 */
static bool multiplexed(const char *name)
{
	static const char *const names[] = {
	    "accept",	  "accept4",	"bind",	   "connect",	 "getpeername", "getsockname",
	    "getsockopt", "listen",	"recv",	   "recvfrom",	 "recvmmsg",	"recvmsg",
	    "send",	  "sendmmsg",	"sendmsg", "sendto",	 "setsockopt",	"shutdown",
	    "socket",	  "socketpair", "msgctl",  "msgget",	 "msgrcv",	"msgsnd",
	    "semctl",	  "semget",	"semop",   "semtimedop", "shmat",	"shmctl",
	    "shmdt",	  "shmget",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			return true;
	return false;
}

/*
 * ABIs libseccomp compares all 64 bits on, with no multiplexer. On the others
 * (x86, and x32 too) it compares the low 32 bits only: a set is taken there
 * only when every value fits in 32 bits, and searched on the low words.
 */
static bool plain_abi(uint32_t token)
{
	return token == SCMP_ARCH_X86_64 || token == SCMP_ARCH_AARCH64;
}

/* libseccomp's action for @r; false when it has none (add_rule() reports that). */
static bool action_of(const struct prof_rule *r, uint32_t *out)
{
	struct ward_err ignored;

	return rules_map_action(r->action, r->has_errno_ret ? r->errno_ret : EPERM, out,
				&ignored) == 0;
}

static bool rule_fits(const struct prof_rule *r, const struct prof_rule *first, uint32_t def)
{
	uint32_t act, act0;

	if (r->nargs != 1 || r->args[0].op != PROF_OP_EQ || r->args[0].index >= 6 ||
	    r->args[0].index != first->args[0].index || r->action == PROF_ACT_NOTIFY)
		return false;
	if (!action_of(r, &act) || !action_of(first, &act0))
		return false;
	return act == act0 && act != def;
}

/* Whether the rules @u[0..n) on one name make a value set in @p. */
static bool eligible(const struct plan *p, const struct use *u, size_t n)
{
	bool wide = false;
	size_t i;

	if (n < VSET_MIN || seccomp_syscall_resolve_name(u[0].name) == __NR_SCMP_ERROR)
		return false;
	for (i = 0; i < n; i++) {
		if (!rule_fits(u[i].r, u[0].r, p->def_action))
			return false;
		wide |= (u[i].r->args[0].value >> 32) != 0;
	}
	for (i = 0; i < p->narch; i++) {
		int nr = seccomp_syscall_resolve_name_arch(p->arch[i].token, u[0].name);

		if (nr < 0 && nr != __NR_SCMP_ERROR)
			return false; /* a pseudo-number: libseccomp rewrites it */
		if (!plain_abi(p->arch[i].token) && (wide || multiplexed(u[0].name)))
			return false;
	}
	return true;
}

static void add_set(struct plan *p, const struct use *u, size_t n)
{
	struct value_set *vs;
	size_t i, k = 0;

	p->vsets = xrealloc(p->vsets, (p->nvsets + 1) * sizeof(*p->vsets));
	vs = &p->vsets[p->nvsets];
	memset(vs, 0, sizeof(*vs));
	vs->name = u[0].name;
	(void)action_of(u[0].r, &vs->action); /* checked by eligible() */
	vs->index = u[0].r->args[0].index;
	vs->values = xcalloc(n, sizeof(*vs->values));
	for (i = 0; i < n; i++)
		vs->values[i] = u[i].r->args[0].value;
	qsort(vs->values, n, sizeof(*vs->values), cmp_u64);
	for (i = 0; i < n; i++)
		if (k == 0 || vs->values[k - 1] != vs->values[i])
			vs->values[k++] = vs->values[i];
	vs->n = k;
	for (i = 0; i < p->narch; i++) {
		struct arch_plan *ap = &p->arch[i];
		int nr = seccomp_syscall_resolve_name_arch(ap->token, vs->name);

		if (nr < 0)
			continue;
		if (ap->nvrefs == ap->vcap) {
			ap->vcap = ap->vcap ? ap->vcap * 2 : 4;
			ap->vrefs = xrealloc(ap->vrefs, ap->vcap * sizeof(*ap->vrefs));
		}
		ap->vrefs[ap->nvrefs++] =
		    (struct vset_ref){(uint32_t)nr, p->nvsets, !plain_abi(ap->token)};
		vs->need_lo |= !plain_abi(ap->token);
	}
	p->nvsets++;
}

void vset_plan(const struct rule_set *rs, struct plan *p)
{
	cleanup_free struct use *u = NULL;
	size_t n = 0, i, j, k;

	for (i = 0; i < rs->nrules; i++)
		n += rs->rules[i]->nnames;
	if (n < VSET_MIN)
		return;
	u = xcalloc(n, sizeof(*u));
	n = 0;
	for (i = 0; i < rs->nrules; i++)
		for (j = 0; j < rs->rules[i]->nnames; j++)
			u[n++] = (struct use){rs->rules[i]->names[j], rs->rules[i]};
	qsort(u, n, sizeof(*u), cmp_use);
	for (i = 0; i < n; i = k) {
		for (k = i + 1; k < n && strcmp(u[k].name, u[i].name) == 0; k++)
			;
		if (eligible(p, &u[i], k - i))
			add_set(p, &u[i], k - i);
	}
}

struct value_set *plan_find_vset(const struct plan *p, const char *name)
{
	size_t lo = 0, hi = p->nvsets;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, p->vsets[mid].name);

		if (c == 0)
			return &p->vsets[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

void vset_emit_refs(struct as *a, const struct plan *p, const struct arch_plan *ap)
{
	size_t i;

	for (i = 0; i < ap->nvrefs; i++) {
		const struct value_set *vs = &p->vsets[ap->vrefs[i].set];

		int target = ap->vrefs[i].lo_only ? vs->label_lo : vs->label;

		as_jmp(a, BPF_JEQ, ap->vrefs[i].nr, p->stacked ? p->allow_label : target, L_NEXT);
	}
}

/* A holds the low word: the low words @lo[0..n) return @action, any other @def. */
static void emit_tree(struct as *a, const uint32_t *lo, size_t n, uint32_t action, uint32_t def)
{
	int right, hit, miss;
	size_t i, mid;

	if (n <= VSET_LEAF) {
		hit = as_label(a);
		miss = as_label(a);
		for (i = 0; i < n; i++)
			as_jmp(a, BPF_JEQ, lo[i], hit, i + 1 == n ? miss : L_NEXT);
		as_bind(a, miss);
		as_ret(a, def);
		as_bind(a, hit);
		as_ret(a, action);
		return;
	}
	/* leaves of VSET_LEAF values, the tree balanced above them */
	mid = n / VSET_LEAF / 2 * VSET_LEAF;
	if (mid == 0)
		mid = n / 2;
	right = as_label(a);
	as_jmp(a, BPF_JGE, lo[mid], right, L_NEXT);
	emit_tree(a, lo, mid, action, def);
	as_bind(a, right);
	emit_tree(a, lo + mid, n - mid, action, def);
}

/* The high word selects a group, then the tree on the low words. */
static void emit_wide(struct as *a, const uint64_t *v, size_t n, unsigned int index,
		      uint32_t action, uint32_t def)
{
	cleanup_free uint32_t *lo = xcalloc(n, sizeof(*lo));
	cleanup_free int *glabel = xcalloc(n, sizeof(*glabel));
	size_t i, j, g, ngroups = 0;

	as_ld_abs(a, asm_arg_hi(index));
	for (i = 0; i < n; i = j) {
		for (j = i; j < n && v[j] >> 32 == v[i] >> 32; j++)
			;
		glabel[ngroups] = as_label(a);
		as_jmp(a, BPF_JEQ, (uint32_t)(v[i] >> 32), glabel[ngroups], L_NEXT);
		ngroups++;
	}
	as_ret(a, def);
	for (i = 0, g = 0; i < n; i = j, g++) {
		for (j = i; j < n && v[j] >> 32 == v[i] >> 32; j++)
			lo[j - i] = (uint32_t)v[j];
		as_bind(a, glabel[g]);
		as_ld_abs(a, asm_arg_lo(index));
		emit_tree(a, lo, j - i, action, def);
	}
}

void vset_emit_values(struct as *a, const uint64_t *v, size_t n, unsigned int index, bool lo_only,
		      uint32_t action, uint32_t def)
{
	cleanup_free uint32_t *lo = NULL;
	size_t j;

	if (!lo_only) {
		emit_wide(a, v, n, index, action, def);
		return;
	}
	/* eligible() took the set for such an ABI only with 32-bit values */
	lo = xcalloc(n, sizeof(*lo));
	for (j = 0; j < n; j++)
		lo[j] = (uint32_t)v[j];
	as_ld_abs(a, asm_arg_lo(index));
	emit_tree(a, lo, n, action, def);
}

void vset_emit_trees(struct as *a, const struct plan *p)
{
	size_t i;

	if (p->stacked) {
		/* the stacked filters decide these calls: this one lets them through */
		as_bind(a, p->allow_label);
		as_ret(a, SCMP_ACT_ALLOW);
		return;
	}
	for (i = 0; i < p->nvsets; i++) {
		const struct value_set *vs = &p->vsets[i];

		as_bind(a, vs->label);
		vset_emit_values(a, vs->values, vs->n, vs->index, false, vs->action, p->def_action);
		if (vs->need_lo) {
			as_bind(a, vs->label_lo);
			vset_emit_values(a, vs->values, vs->n, vs->index, true, vs->action,
					 p->def_action);
		}
	}
}
