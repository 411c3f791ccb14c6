// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * filter.c - rule_set -> seccomp BPF, in the parent; seccomp(2) in the child.
 *
 * filter_build() mirrors runc's InitSeccomp/matchCall on libseccomp 2.5.4,
 * exports libseccomp's program through a memfd (seccomp_load() is not
 * async-signal-safe before libseccomp 2.6, STYLE.md pitfall 3), and prepends a
 * stub of our own. Per ABI in the filter the stub:
 *  - matches, by number, system calls libseccomp cannot name
 * (syscalls_extra.c), evaluating their rules in profile order, first match
 * wins;
 *  - returns ENOSYS for numbers above the highest one any rule names, unless
 *    the default action lets unknown calls through anyway (ALLOW, LOG, TRACE)
 *    or already is ERRNO(ENOSYS) (runc's patchbpf; spec section 8.3);
 *  - then jumps to libseccomp's program, which is left as it is: its jumps are
 *    relative, and it checks the architecture itself (bad arch: KILL).
 * In front of both goes a fast path, computed from them by partial
 * evaluation (see "the fast path" below): a weighted binary search on the
 * syscall number that returns most decisions after a handful of
 * instructions and hands everything it cannot answer to the full program.
 *
 * This is the only file that includes <seccomp.h>.
 */
#include "ward/filter.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/log.h"
#include "ward/syscalls_extra.h"
#include "ward/util.h"

#define MAX_ARGS   6
#define MAX_ARCHES 16

static void ctx_release(scmp_filter_ctx ctx)
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

struct arch_plan {
	uint32_t token; /* SCMP_ARCH_*; x32 is SCMP_ARCH_X32 */
	int64_t max_nr; /* highest number named by any rule on this ABI; -1: none */
	struct extra_rule *extras;
	size_t nextras, cap;
};

struct plan {
	uint32_t def_action;
	bool enosys;	     /* emit the ENOSYS-above-maximum check */
	bool notify;	     /* some rule is SCMP_ACT_NOTIFY */
	size_t dispatch_len; /* instructions of the fast path in front of the stub */
	struct arch_plan arch[MAX_ARCHES];
	size_t narch;
};

static void plan_release(struct plan *p)
{
	size_t i;

	for (i = 0; i < p->narch; i++)
		free(p->arch[i].extras);
	p->narch = 0;
}

/* ---- actions, arches, flags ---------------------------------------------------- */

static int map_action(enum prof_action a, uint32_t errno_ret, uint32_t *out, struct ward_err *err)
{
	if ((a == PROF_ACT_ERRNO || a == PROF_ACT_TRACE) && errno_ret > 0xffff)
		return err_set(err, EINVAL, "errno value %u out of range", errno_ret);
	switch (a) {
	case PROF_ACT_KILL_THREAD:
		*out = SCMP_ACT_KILL_THREAD;
		return 0;
	case PROF_ACT_KILL_PROCESS:
		*out = SCMP_ACT_KILL_PROCESS;
		return 0;
	case PROF_ACT_TRAP:
		*out = SCMP_ACT_TRAP;
		return 0;
	case PROF_ACT_ERRNO:
		*out = SCMP_ACT_ERRNO(errno_ret);
		return 0;
	case PROF_ACT_TRACE:
		*out = SCMP_ACT_TRACE(errno_ret);
		return 0;
	case PROF_ACT_ALLOW:
		*out = SCMP_ACT_ALLOW;
		return 0;
	case PROF_ACT_LOG:
		*out = SCMP_ACT_LOG;
		return 0;
	case PROF_ACT_NOTIFY:
		*out = SCMP_ACT_NOTIFY;
		return 0;
	}
	return err_set(err, EINVAL, "unknown seccomp action %d", (int)a);
}

/* "SCMP_ARCH_X86_64" -> the libseccomp token, or 0. */
static uint32_t resolve_arch(const char *name)
{
	char buf[32];
	size_t i;

	if (str_has_prefix(name, "SCMP_ARCH_"))
		name += strlen("SCMP_ARCH_");
	if (strlen(name) >= sizeof(buf))
		return 0;
	for (i = 0; name[i]; i++)
		buf[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] - 'A' + 'a' : name[i]);
	buf[i] = '\0';
	return seccomp_arch_resolve_name(buf);
}

/* The value seccomp_data.arch carries for a libseccomp arch token. */
static uint32_t audit_arch(uint32_t token)
{
	return token == SCMP_ARCH_X32 ? AUDIT_ARCH_X86_64 : token;
}

static unsigned int map_flags(const struct rule_set *rs, bool notify)
{
	unsigned int f = 0;

	if (!rs->has_flags) {
		/* absent flags: skip the forced SSB mitigation, as runc and crun do */
		f = SECCOMP_FILTER_FLAG_SPEC_ALLOW;
	} else {
		if (rs->flags & PROF_FLAG_TSYNC)
			f |= SECCOMP_FILTER_FLAG_TSYNC;
		if (rs->flags & PROF_FLAG_LOG)
			f |= SECCOMP_FILTER_FLAG_LOG;
		if (rs->flags & PROF_FLAG_SPEC_ALLOW)
			f |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
		/* the kernel rejects WAIT_KILLABLE_RECV without a listener; it means
		 * nothing then
		 */
		if ((rs->flags & PROF_FLAG_WAIT_KILLABLE_RECV) && notify)
			f |= SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	}
	if (notify) {
		f |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
		/* TSYNC and NEW_LISTENER together need TSYNC_ESRCH (seccomp(2)) */
		if (f & SECCOMP_FILTER_FLAG_TSYNC)
			f |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
	}
	return f;
}

/* ---- rules ------------------------------------------------------------------------- */

static int check_args(const struct prof_rule *r, bool *repeated, struct ward_err *err)
{
	unsigned int seen = 0;
	size_t i;

	*repeated = false;
	for (i = 0; i < r->nargs; i++) {
		if (r->args[i].index >= MAX_ARGS)
			return err_set(err, EINVAL, "argument index %u out of range (0-5)",
				       r->args[i].index);
		if ((unsigned int)r->args[i].op > PROF_OP_MASKED_EQ)
			return err_set(err, EINVAL, "unknown comparison operator %d",
				       (int)r->args[i].op);
		if (seen & (1U << r->args[i].index))
			*repeated = true;
		seen |= 1U << r->args[i].index;
	}
	return 0;
}

static struct scmp_arg_cmp to_cmp(const struct prof_arg *a)
{
	static const enum scmp_compare ops[] = {
	    [PROF_OP_NE] = SCMP_CMP_NE,
	    [PROF_OP_LT] = SCMP_CMP_LT,
	    [PROF_OP_LE] = SCMP_CMP_LE,
	    [PROF_OP_EQ] = SCMP_CMP_EQ,
	    [PROF_OP_GE] = SCMP_CMP_GE,
	    [PROF_OP_GT] = SCMP_CMP_GT,
	    [PROF_OP_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
	};
	struct scmp_arg_cmp c = {
	    .arg = a->index,
	    .op = ops[a->op],
	    .datum_a = a->value,
	    .datum_b = a->op == PROF_OP_MASKED_EQ ? a->value_two : 0,
	};

	return c;
}

/* runc's matchCall, for a name libseccomp knows. */
static int add_scmp_rule(scmp_filter_ctx ctx, int nr, const char *name, const struct prof_rule *r,
			 bool repeated, uint32_t action, struct ward_err *err)
{
	struct scmp_arg_cmp cmp[MAX_ARGS];
	size_t i;
	int rc;

	if (r->nargs == 0) {
		rc = seccomp_rule_add(ctx, action, nr, 0);
	} else if (!repeated) {
		/* distinct indices, hence at most MAX_ARGS: one rule, conditions ANDed */
		for (i = 0; i < r->nargs; i++)
			cmp[i] = to_cmp(&r->args[i]);
		rc = seccomp_rule_add_array(ctx, action, nr, (unsigned int)r->nargs, cmp);
	} else {
		/* a repeated index: every condition becomes its own rule (OR), as runc does
		 */
		rc = 0;
		for (i = 0; i < r->nargs && rc == 0; i++) {
			cmp[0] = to_cmp(&r->args[i]);
			rc = seccomp_rule_add_array(ctx, action, nr, 1, cmp);
		}
	}
	if (rc < 0)
		return err_set(err, -rc, "cannot add seccomp rule for syscall '%s'", name);
	return 0;
}

static void plan_push_extra(struct arch_plan *ap, uint32_t nr, uint32_t action,
			    const struct prof_rule *r)
{
	if (ap->nextras == ap->cap) {
		ap->cap = ap->cap ? ap->cap * 2 : 8;
		ap->extras = xrealloc(ap->extras, ap->cap * sizeof(*ap->extras));
	}
	ap->extras[ap->nextras] = (struct extra_rule){nr, action, r, ap->nextras};
	ap->nextras++;
}

/* Raise each ABI's maximum for @name, whatever the rule's action (runc does the same). */
static void note_max(struct plan *p, const char *name, bool scmp_known)
{
	size_t i;
	int nr;

	for (i = 0; i < p->narch; i++) {
		if (scmp_known)
			nr = seccomp_syscall_resolve_name_arch(p->arch[i].token, name);
		else
			nr = syscall_extra_resolve(name, p->arch[i].token);
		if (nr >= 0 && nr > p->arch[i].max_nr)
			p->arch[i].max_nr = nr;
	}
}

static int add_name(scmp_filter_ctx ctx, struct plan *p, const struct prof_rule *r,
		    const char *name, bool repeated, uint32_t action, unsigned int build_flags,
		    struct ward_err *err)
{
	int nr = seccomp_syscall_resolve_name(name);
	bool placed = false;
	size_t i;

	if (!*name)
		return err_set(err, EINVAL, "empty syscall name");
	/* runc refuses this: the runtime itself needs write() to hand over the listener fd */
	if (action == SCMP_ACT_NOTIFY && strcmp(name, "write") == 0)
		return err_set(err, EINVAL, "SCMP_ACT_NOTIFY cannot be used for 'write'");
	note_max(p, name, nr != __NR_SCMP_ERROR);
	/* libseccomp rejects a rule equal to the default with EACCES; runc skips it
	 */
	if (action == p->def_action)
		return 0;
	if (nr != __NR_SCMP_ERROR)
		return add_scmp_rule(ctx, nr, name, r, repeated, action, err);

	if (!syscall_extra_known(name)) {
		if (build_flags & FILTER_STRICT)
			return err_set(err, EINVAL, "unknown syscall '%s'", name);
		log_warn("unknown syscall '%s' ignored", name);
		return 0;
	}
	for (i = 0; i < p->narch; i++) {
		int anr = syscall_extra_resolve(name, p->arch[i].token);

		if (anr < 0)
			continue;
		plan_push_extra(&p->arch[i], (uint32_t)anr, action, r);
		placed = true;
	}
	if (!placed)
		log_debug("syscall '%s' does not exist on the filter's architectures", name);
	return 0;
}

static int add_arch(scmp_filter_ctx ctx, struct plan *p, uint32_t token, struct ward_err *err)
{
	size_t i;
	int rc;

	for (i = 0; i < p->narch; i++)
		if (p->arch[i].token == token)
			return 0;
	if (p->narch == MAX_ARCHES)
		return err_set(err, E2BIG, "too many architectures");
	rc = seccomp_arch_add(ctx, token);
	if (rc < 0 && rc != -EEXIST)
		return err_set(err, -rc, "cannot add architecture to the seccomp filter");
	p->arch[p->narch++] = (struct arch_plan){.token = token, .max_nr = -1};
	return 0;
}

/* Build libseccomp's filter for @rs and the plan for our stub. */
static int build_ctx(const struct rule_set *rs, unsigned int build_flags, scmp_filter_ctx *out,
		     struct plan *p, struct ward_err *err)
{
	cleanup_ctx scmp_filter_ctx ctx = NULL;
	size_t i, j;
	int rc;

	memset(p, 0, sizeof(*p));
	rc = map_action(rs->default_action, rs->default_errno, &p->def_action, err);
	if (rc < 0)
		return err_prefix(err, "default action");
	if (rs->default_action == PROF_ACT_NOTIFY)
		return err_set(err, EINVAL, "SCMP_ACT_NOTIFY cannot be the default action");
	switch (rs->default_action) {
	case PROF_ACT_ALLOW:
	case PROF_ACT_LOG:
	case PROF_ACT_TRACE:
		p->enosys = false;
		break;
	case PROF_ACT_KILL_THREAD:
	case PROF_ACT_KILL_PROCESS:
	case PROF_ACT_TRAP:
	case PROF_ACT_ERRNO:
	case PROF_ACT_NOTIFY:
		p->enosys = p->def_action != SCMP_ACT_ERRNO(ENOSYS);
		break;
	}

	ctx = seccomp_init(p->def_action);
	if (!ctx)
		return err_set(err, ENOMEM, "cannot create seccomp filter");
	/* the native arch is always in the filter, first; bad-arch action stays KILL
	 */
	rc = add_arch(ctx, p, seccomp_arch_native(), err);
	if (rc < 0)
		return rc;
	for (i = 0; i < rs->narches; i++) {
		uint32_t token = resolve_arch(rs->arches[i]);

		if (token == 0)
			return err_set(err, EINVAL, "unknown architecture '%s'", rs->arches[i]);
		rc = add_arch(ctx, p, token, err);
		if (rc < 0)
			return err_prefix(err, "architecture '%s'", rs->arches[i]);
	}
	/* binary-tree dispatch keeps large profiles fast (runc#3405); we manage NNP ourselves */
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (rc < 0)
		return err_set(err, -rc, "cannot set seccomp filter optimization");
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (rc < 0)
		return err_set(err, -rc, "cannot clear the seccomp no_new_privs attribute");

	for (i = 0; i < rs->nrules; i++) {
		const struct prof_rule *r = rs->rules[i];
		uint32_t errno_ret = r->has_errno_ret ? r->errno_ret : EPERM;
		uint32_t action;
		bool repeated = false;

		rc = map_action(r->action, errno_ret, &action, err);
		if (rc == 0)
			rc = check_args(r, &repeated, err);
		if (rc < 0)
			return err_prefix(err, "syscalls[%zu]", r->position);
		if (r->action == PROF_ACT_NOTIFY)
			p->notify = true;
		for (j = 0; j < r->nnames; j++) {
			rc = add_name(ctx, p, r, r->names[j], repeated, action, build_flags, err);
			if (rc < 0)
				return err_prefix(err, "syscalls[%zu]", r->position);
		}
	}
	*out = steal_ptr(&ctx);
	return 0;
}

/* ---- our stub: a tiny assembler with forward labels ------------------------------ */

#define L_NEXT (-1) /* the next instruction */
#define L_PROG (-2) /* the first instruction of libseccomp's program */

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

static void as_release(struct as *a)
{
	free(a->v);
	free(a->label);
}

static int as_label(struct as *a)
{
	if (a->nlabels == a->label_cap) {
		a->label_cap = a->label_cap ? a->label_cap * 2 : 32;
		a->label = xrealloc(a->label, a->label_cap * sizeof(*a->label));
	}
	a->label[a->nlabels] = SIZE_MAX;
	return (int)a->nlabels++;
}

static void as_bind(struct as *a, int l)
{
	a->label[l] = a->n;
}

static void as_emit(struct as *a, uint16_t code, uint32_t k, int jt, int jf)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 64;
		a->v = xrealloc(a->v, a->cap * sizeof(*a->v));
	}
	a->v[a->n++] = (struct asm_insn){.f = {.code = code, .k = k}, .jt = jt, .jf = jf};
}

static void ld_abs(struct as *a, uint32_t off)
{
	as_emit(a, BPF_LD | BPF_W | BPF_ABS, off, L_NEXT, L_NEXT);
}

static void jmp(struct as *a, uint16_t op, uint32_t k, int jt, int jf)
{
	as_emit(a, BPF_JMP | op | BPF_K, k, jt, jf);
}

static void ja(struct as *a, int target)
{
	as_emit(a, BPF_JMP | BPF_JA, 0, target, L_NEXT);
}

static void ret(struct as *a, uint32_t k)
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
		jmp(a, op, k, target, L_NEXT);
		return;
	}
	skip = as_label(a);
	jmp(a, op, k, L_NEXT, skip);
	ja(a, target);
	as_bind(a, skip);
}

static void jncond(struct as *a, uint16_t op, uint32_t k, int target, bool near)
{
	int skip;

	if (near) {
		jmp(a, op, k, L_NEXT, target);
		return;
	}
	skip = as_label(a);
	jmp(a, op, k, skip, L_NEXT);
	ja(a, target);
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
static int as_link_far(const struct as *a, struct sock_filter **out, size_t *out_len,
		       struct ward_err *err)
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

#define NR_OFF	 offsetof(struct seccomp_data, nr)
#define ARCH_OFF offsetof(struct seccomp_data, arch)

static uint32_t arg_lo(unsigned int i)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (uint32_t)(offsetof(struct seccomp_data, args) + 8 * i);
#else
	return (uint32_t)(offsetof(struct seccomp_data, args) + 8 * i + 4);
#endif
}

static uint32_t arg_hi(unsigned int i)
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

	ld_abs(a, arg_hi(c->index));
	switch (c->op) {
	case PROF_OP_EQ:
		jmp(a, BPF_JEQ, vhi, L_NEXT, fail);
		ld_abs(a, arg_lo(c->index));
		jmp(a, BPF_JEQ, vlo, pass, fail);
		break;
	case PROF_OP_NE:
		jmp(a, BPF_JEQ, vhi, L_NEXT, pass);
		ld_abs(a, arg_lo(c->index));
		jmp(a, BPF_JEQ, vlo, fail, pass);
		break;
	case PROF_OP_GT:
	case PROF_OP_GE:
		jmp(a, BPF_JGT, vhi, pass, L_NEXT);
		jmp(a, BPF_JEQ, vhi, L_NEXT, fail);
		ld_abs(a, arg_lo(c->index));
		jmp(a, c->op == PROF_OP_GT ? BPF_JGT : BPF_JGE, vlo, pass, fail);
		break;
	case PROF_OP_LT:
	case PROF_OP_LE:
		jmp(a, BPF_JGT, vhi, fail, L_NEXT);
		jmp(a, BPF_JEQ, vhi, L_NEXT, pass);
		ld_abs(a, arg_lo(c->index));
		/* LT fails when lo >= v, LE when lo > v */
		jmp(a, c->op == PROF_OP_LT ? BPF_JGE : BPF_JGT, vlo, fail, pass);
		break;
	case PROF_OP_MASKED_EQ:
		as_emit(a, BPF_ALU | BPF_AND | BPF_K, (uint32_t)(c->value >> 32), L_NEXT, L_NEXT);
		jmp(a, BPF_JEQ, (uint32_t)(c->value_two >> 32), L_NEXT, fail);
		ld_abs(a, arg_lo(c->index));
		as_emit(a, BPF_ALU | BPF_AND | BPF_K, (uint32_t)c->value, L_NEXT, L_NEXT);
		jmp(a, BPF_JEQ, (uint32_t)c->value_two, pass, fail);
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
	ret(a, action);
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
		jmp(a, BPF_JEQ, 0, enosys, L_NEXT); /* the s390 multiplexer, as runc does */

	if (ap->nextras) {
		qsort(ap->extras, ap->nextras, sizeof(*ap->extras), cmp_extra);
		/* below every extra number means at most the maximum: libseccomp decides */
		jncond(a, BPF_JGE, ap->extras[0].nr, L_PROG, near);
		for (i = 0; i < ap->nextras; i = j) {
			int next_nr = as_label(a);
			bool unconditional = false;

			jmp(a, BPF_JEQ, ap->extras[i].nr, L_NEXT, next_nr);
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
					ret(a, ap->extras[j].action);
					unconditional = true;
				} else if (!repeated) {
					emit_block(a, r->args, r->nargs, ap->extras[j].action);
				} else {
					for (k = 0; k < r->nargs; k++)
						emit_block(a, &r->args[k], 1, ap->extras[j].action);
				}
			}
			if (!unconditional)
				ret(a, p->def_action);
			as_bind(a, next_nr);
		}
	}
	if (!use_enosys) {
		ja(a, L_PROG);
		return;
	}
	jmp(a, BPF_JGT, (uint32_t)ap->max_nr, enosys, near ? L_PROG : L_NEXT);
	if (!near)
		ja(a, L_PROG);
	as_bind(a, enosys);
	ret(a, SCMP_ACT_ERRNO(ENOSYS));
}

static struct arch_plan *find_arch(struct plan *p, uint32_t token)
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
	return false;
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
		uint32_t au = audit_arch(p->arch[i].token);

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

static void emit_stub(struct as *a, struct plan *p, bool near)
{
	int group[MAX_ARCHES];
	uint32_t audit[MAX_ARCHES];
	size_t ngroups = arch_groups(a, p, audit, group), i, g;

	/* dispatch on seccomp_data.arch */
	ld_abs(a, ARCH_OFF);
	for (g = 0; g < ngroups; g++)
		jcond(a, BPF_JEQ, audit[g], group[g], near);
	ja(a, L_PROG);

	for (g = 0; g < ngroups; g++) {
		as_bind(a, group[g]);
		ld_abs(a, NR_OFF);
		if (audit[g] == AUDIT_ARCH_X86_64) {
			struct arch_plan *x64 = find_arch(p, SCMP_ARCH_X86_64);
			struct arch_plan *x32 = find_arch(p, SCMP_ARCH_X32);
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
				if (audit_arch(p->arch[i].token) == audit[g])
					emit_arch_body(a, p, &p->arch[i], near);
		}
	}
}

/* Generate the stub; *len is 0 when nothing needs it. */
static int gen_stub(struct plan *p, struct sock_filter **out, size_t *len, struct ward_err *err)
{
	int pass, rc = 0;

	*out = NULL;
	*len = 0;
	if (!stub_needed(p))
		return 0;
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

/* ---- the fast path: decisions specialised from the program itself ---------------- */

/*
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
				ret(a, next[0].v);
			else if (i + 1 == e->nnode || e->node[i + 1] != next[0].v)
				ja(a, e->label[next[0].v]);
			continue;
		}
		for (s = 0; s < 2; s++)
			target[s] = next[s].kind == PE_RET ? ret_label(a, rl, &nrl, next[s].v)
							   : e->label[next[s].v];
		as_emit(a, in->code, in->k, target[0], target[1]);
	}
	for (i = 0; i < nrl; i++) {
		as_bind(a, rl[i].label);
		ret(a, rl[i].k);
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
	char *name = seccomp_syscall_resolve_num_arch(token, (int)nr);

	if (name) {
		free(name);
		return true;
	}
	return syscall_extra_name((int)nr, token == SCMP_ARCH_X32 ? SYSCALL_EXTRA_ARCH_X32
								  : audit_arch(token)) != NULL;
}

/* The most numbers one ABI's tree covers; beyond, the ABI goes straight to the program. */
#define DISPATCH_MAX_SPAN 8192
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
	e->arch = audit_arch(ap->token);
	for (nr = base; nr <= max; nr++) {
		struct pe_res r;
		uint64_t w = is_real(ap->token, nr) ? W_REAL : W_NONE;

		e->nr = nr;
		r = pe_fold(e, 0, true, 0);
		if (r.kind == PE_RET) {
			if (w == W_REAL && (r.v & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ALLOW)
				w = W_HOT;
			ranges_push(out, nr, R_RET, r.v, (w >> shift) | 1);
		} else if (pe_collect(e, r)) {
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

static void emit_tree(struct as *a, struct pe *e, const struct range *v, size_t n,
		      const uint32_t *root, size_t i, size_t j)
{
	size_t m;
	int right;

	if (i == j) {
		switch (v[i].kind) {
		case R_RET:
			ret(a, v[i].k);
			return;
		case R_RESIDUE:
			e->nr = v[i].first;
			(void)pe_collect(e, pe_fold(e, 0, true, 0));
			pe_emit(a, e);
			pe_reset(e);
			return;
		case R_PROG:
			ja(a, L_PROG);
			return;
		}
	}
	m = root ? root[i * n + j] : (i + j + 1) / 2;
	right = as_label(a);
	jmp(a, BPF_JGE, v[m].first, right, L_NEXT);
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
	size_t ngroups = arch_groups(a, p, audit, group), i, g;

	ld_abs(a, ARCH_OFF);
	for (g = 0; g < ngroups; g++)
		jmp(a, BPF_JEQ, audit[g], group[g], L_NEXT);
	ja(a, L_PROG);

	for (g = 0; g < ngroups; g++) {
		struct arch_plan *x64 = NULL, *x32 = NULL;
		struct ranges r = {0};

		as_bind(a, group[g]);
		ld_abs(a, NR_OFF);
		if (audit[g] == AUDIT_ARCH_X86_64) {
			x64 = find_arch(p, SCMP_ARCH_X86_64);
			x32 = find_arch(p, SCMP_ARCH_X32);
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
				if (audit_arch(p->arch[i].token) == audit[g])
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
static void gen_dispatch(struct plan *p, const struct sock_filter *prog, size_t len,
			 struct sock_filter **out, size_t *out_len)
{
	struct pe e = {.f = prog, .len = len};
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

/* ---- build, export ---------------------------------------------------------------- */

static int read_all_at(int fd, void *buf, size_t len, off_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done, off + (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		done += (size_t)n;
	}
	return 0;
}

static int write_all(int fd, const void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, (const char *)buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		done += (size_t)n;
	}
	return 0;
}

/* libseccomp's program, through a memfd (seccomp_export_bpf writes to an fd).
 */
static int export_scmp(scmp_filter_ctx ctx, struct sock_filter **out, size_t *len,
		       struct ward_err *err)
{
	cleanup_close int fd = memfd_create("ward-seccomp", MFD_CLOEXEC);
	cleanup_free struct sock_filter *buf = NULL;
	struct stat st;
	int rc;

	if (fd < 0)
		return err_set(err, errno, "cannot create a memfd for the seccomp filter");
	rc = seccomp_export_bpf(ctx, fd);
	if (rc < 0)
		return err_set(err, -rc, "cannot export the seccomp filter");
	if (fstat(fd, &st) < 0)
		return err_set(err, errno, "cannot stat the exported seccomp filter");
	if (st.st_size <= 0 || st.st_size % (off_t)sizeof(struct sock_filter) != 0 ||
	    st.st_size > (off_t)(FILTER_MAX_INSNS * 16 * sizeof(struct sock_filter)))
		return err_set(err, EIO, "exported seccomp filter has a bad size (%lld bytes)",
			       (long long)st.st_size);
	buf = xmalloc((size_t)st.st_size);
	rc = read_all_at(fd, buf, (size_t)st.st_size, 0);
	if (rc < 0)
		return err_set(err, -rc, "cannot read back the exported seccomp filter");
	*len = (size_t)st.st_size / sizeof(struct sock_filter);
	*out = steal_ptr(&buf);
	return 0;
}

static int build(const struct rule_set *rs, unsigned int build_flags, struct filter_prog *out,
		 struct plan *p, scmp_filter_ctx *ctxp, struct ward_err *err)
{
	cleanup_free struct sock_filter *scmp = NULL;
	cleanup_free struct sock_filter *stub = NULL;
	cleanup_free struct sock_filter *prog = NULL;
	cleanup_free struct sock_filter *disp = NULL;
	size_t scmp_len = 0, stub_len = 0, disp_len = 0, total;
	int rc;

	rc = build_ctx(rs, build_flags, ctxp, p, err);
	if (rc < 0)
		return rc;
	rc = export_scmp(*ctxp, &scmp, &scmp_len, err);
	if (rc < 0)
		return rc;
	rc = gen_stub(p, &stub, &stub_len, err);
	if (rc < 0)
		return rc;
	total = stub_len + scmp_len;
	if (total > FILTER_MAX_INSNS)
		return err_set(err, E2BIG, "seccomp filter too large: %zu instructions (limit %d)",
			       total, FILTER_MAX_INSNS);
	prog = xcalloc(total, sizeof(*prog));
	if (stub_len)
		memcpy(prog, stub, stub_len * sizeof(*stub));
	memcpy(prog + stub_len, scmp, scmp_len * sizeof(*scmp));
	if (!(build_flags & FILTER_STUB_FIRST))
		gen_dispatch(p, prog, total, &disp, &disp_len);
	out->insns = xcalloc(disp_len + total, sizeof(*out->insns));
	if (disp_len)
		memcpy(out->insns, disp, disp_len * sizeof(*disp));
	memcpy(out->insns + disp_len, prog, total * sizeof(*prog));
	out->len = disp_len + total;
	out->flags = map_flags(rs, p->notify);
	out->enabled = true;
	p->dispatch_len = disp_len;
	log_debug("seccomp filter: %zu instructions (fast path %zu, stub %zu, libseccomp %zu)",
		  out->len, disp_len, stub_len, scmp_len);
	return 0;
}

int filter_build(const struct rule_set *rs, unsigned int build_flags, struct filter_prog *out,
		 struct ward_err *err)
{
	cleanup_ctx scmp_filter_ctx ctx = NULL;
	struct plan p = {0};
	int rc;

	memset(out, 0, sizeof(*out));
	if (!rs->enabled)
		return 0;
	rc = build(rs, build_flags, out, &p, &ctx, err);
	plan_release(&p);
	if (rc < 0)
		filter_prog_release(out);
	return rc;
}

void filter_prog_release(struct filter_prog *p)
{
	free(p->insns);
	memset(p, 0, sizeof(*p));
}

static const char *arch_name(uint32_t token)
{
	switch (token) {
	case SCMP_ARCH_X86_64:
		return "x86_64";
	case SCMP_ARCH_X86:
		return "x86";
	case SCMP_ARCH_X32:
		return "x32";
	case SCMP_ARCH_AARCH64:
		return "aarch64";
	case SCMP_ARCH_ARM:
		return "arm";
	case SCMP_ARCH_RISCV64:
		return "riscv64";
	case SCMP_ARCH_S390X:
		return "s390x";
	default:
		return "other";
	}
}

/* The PFC header: what our stub does before libseccomp's code runs. */
static void describe_stub(int fd, const struct plan *p)
{
	size_t i, j;

	if (p->dispatch_len)
		dprintf(fd,
			"#\n# ward fast path: %zu instructions in front of everything below; it\n"
			"# returns the decisions of the stub and filter below, precomputed per\n"
			"# syscall number, and runs them for anything else\n",
			p->dispatch_len);
	dprintf(fd, "#\n# ward stub (runs before the libseccomp filter below)\n#\n");
	for (i = 0; i < p->narch; i++) {
		const struct arch_plan *ap = &p->arch[i];

		dprintf(fd, "# arch %s:", arch_name(ap->token));
		if (p->enosys && ap->max_nr >= 0)
			dprintf(fd, " syscall > %lld -> ERRNO(%d)", (long long)ap->max_nr, ENOSYS);
		else
			dprintf(fd, " no ENOSYS check");
		dprintf(fd, "\n");
		for (j = 0; j < ap->nextras; j++)
			dprintf(fd, "#   syscall %u (not in libseccomp): action 0x%08x%s\n",
				ap->extras[j].nr, ap->extras[j].action,
				ap->extras[j].rule->nargs ? " if arguments match" : "");
	}
}

int filter_export(const struct rule_set *rs, unsigned int build_flags, int format, int fd,
		  struct ward_err *err)
{
	cleanup_ctx scmp_filter_ctx ctx = NULL;
	struct filter_prog prog = {0};
	struct plan p = {0};
	int rc;

	if (format != FILTER_EXPORT_BPF && format != FILTER_EXPORT_PFC)
		return err_set(err, EINVAL, "unknown export format %d", format);
	if (!rs->enabled)
		return err_set(err, EINVAL, "the profile disables seccomp: nothing to export");
	rc = build(rs, build_flags, &prog, &p, &ctx, err);
	if (rc == 0 && format == FILTER_EXPORT_BPF) {
		rc = write_all(fd, prog.insns, prog.len * sizeof(*prog.insns));
		if (rc < 0)
			err_set(err, -rc, "cannot write the seccomp filter");
	} else if (rc == 0) {
		describe_stub(fd, &p);
		rc = seccomp_export_pfc(ctx, fd);
		if (rc < 0)
			err_set(err, -rc, "cannot write the seccomp pseudo-code");
	}
	plan_release(&p);
	filter_prog_release(&prog);
	return rc;
}

/* ---- load (child side: no allocation) ------------------------------------------- */

int filter_load(const struct filter_prog *prog, struct ward_err *err)
{
	struct sock_fprog fprog;
	unsigned int flags = prog->flags;
	long rc;

	if (!prog->enabled)
		return 0;
	if (!prog->insns || prog->len == 0 || prog->len > FILTER_MAX_INSNS)
		return err_set(err, EINVAL, "invalid seccomp program (%zu instructions)",
			       prog->len);
	fprog.len = (unsigned short)prog->len;
	fprog.filter = prog->insns;
	rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &fprog);
	if (rc < 0 && errno == EINVAL && (flags & SECCOMP_FILTER_FLAG_SPEC_ALLOW)) {
		/* kernels before 4.17 do not know SPEC_ALLOW (crun retries the same way) */
		flags &= ~(unsigned int)SECCOMP_FILTER_FLAG_SPEC_ALLOW;
		rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &fprog);
	}
	if (rc < 0)
		return err_set(err, errno, "cannot load seccomp filter");
	if (rc > 0 && !(flags & SECCOMP_FILTER_FLAG_NEW_LISTENER))
		/* TSYNC without TSYNC_ESRCH reports the thread that could not sync */
		return err_set(err, EBUSY, "cannot synchronise seccomp filter to thread %ld", rc);
	return (int)rc;
}

/* ---- on-disk cache ------------------------------------------------------------------ */

#define CACHE_MAGIC   "WARDBPF\n"
#define CACHE_VERSION 2U /* 2: programs with the fast path in front */

struct cache_hdr {
	char magic[8];
	uint32_t version;
	uint32_t flags;	  /* SECCOMP_FILTER_FLAG_* */
	uint32_t enabled; /* 0 or 1 */
	uint32_t len;	  /* instructions that follow */
	uint64_t key[2];
	uint64_t checksum; /* FNV-1a 64: header (checksum 0), then the program */
};

#define FNV_PRIME 0x100000001b3ULL

/* FNV-1a 64, run twice with different offset bases for a 128-bit key. */
static void fnv(uint64_t h[2], const void *data, size_t len)
{
	const unsigned char *b = data;
	size_t i;

	for (i = 0; i < len; i++) {
		h[0] = (h[0] ^ b[i]) * FNV_PRIME;
		h[1] = (h[1] ^ b[i]) * FNV_PRIME;
	}
}

/* Length-prefixed, so ("ab","c") and ("a","bc") hash differently. */
static void fnv_field(uint64_t h[2], const void *data, size_t len)
{
	uint64_t n = len;

	fnv(h, &n, sizeof(n));
	fnv(h, data, len);
}

static void fnv_str(uint64_t h[2], const char *s)
{
	fnv_field(h, s, strlen(s));
}

static int cache_key(const struct filter_cache_key *key, uint64_t out[2])
{
	const struct scmp_version *v = seccomp_version();
	uint64_t h[2] = {0xcbf29ce484222325ULL, 0x84222325cbf29ce4ULL ^ 0x5bd1e9955bd1e995ULL};
	uint32_t num[4] = {CACHE_VERSION, 0, 0, 0};
	struct utsname u;
	const char *release = key->kernel_release;

	if (!release) {
		if (uname(&u) < 0)
			return -errno;
		release = u.release;
	}
	if (v) {
		num[1] = v->major;
		num[2] = v->minor;
		num[3] = v->micro;
	}
	fnv_str(h, "ward seccomp cache");
	fnv_field(h, num, sizeof(num));
	fnv_str(h, WARD_VERSION);
	fnv_field(h, key->profile, key->profile_len);
	fnv_field(h, &key->caps, sizeof(key->caps));
	fnv_str(h, key->arch ? key->arch : "");
	fnv_str(h, release);
	fnv_field(h, &key->build_flags, sizeof(key->build_flags));
	out[0] = h[0];
	out[1] = h[1];
	return 0;
}

int filter_cache_key_hex(const struct filter_cache_key *key, char out[FILTER_CACHE_KEY_HEX])
{
	uint64_t k[2];
	int rc = cache_key(key, k);

	if (rc < 0)
		return rc;
	(void)snprintf(out, FILTER_CACHE_KEY_HEX, "%016llx%016llx", (unsigned long long)k[0],
		       (unsigned long long)k[1]);
	return 0;
}

static uint64_t cache_checksum(const struct cache_hdr *hdr, const struct sock_filter *insns)
{
	struct cache_hdr h = *hdr;
	uint64_t s[2] = {0xcbf29ce484222325ULL, 0};

	h.checksum = 0;
	fnv(s, &h, sizeof(h));
	if (insns)
		fnv(s, insns, (size_t)hdr->len * sizeof(*insns));
	return s[0];
}

/*
 * Trust. The checksum detects damage, not forgery (anyone can recompute it), so
 * an entry is only as good as who could have written it. It is taken only when
 * nobody but ward's euid (and root) can have put it there: every directory from
 * / down is opened with O_NOFOLLOW relative to the previous one and fstat'ed;
 * each must be owned by root or the euid and writable by nobody else. A sticky
 * directory owned by root (/tmp) may be an ancestor: others can add names to
 * it but not rename or remove ours, and a directory they made is theirs, which
 * fails the owner check. The cache directory itself and the entry must be the
 * euid's, writable by it alone, and the entry a regular file.
 */

/* @path's components, for messages: the first @n bytes of @path, or "/". */
static const char *shown(char *buf, size_t size, const char *path, size_t n)
{
	(void)snprintf(buf, size, "%.*s", (int)(n ? n : 1), n ? path : "/");
	return buf;
}

/* 0 when @st may lead to (or, @last, be) the cache directory @dir. */
static int trust_dir(const char *dir, const char *what, const struct stat *st, bool last,
		     struct ward_err *why)
{
	uid_t me = geteuid();
	bool owner_ok = st->st_uid == me || (!last && st->st_uid == 0);
	mode_t mode = st->st_mode & 07777;
	char is[PATH_MAX + 8] = "";

	if (!last)
		(void)snprintf(is, sizeof(is), "'%s' is ", what);
	if (!S_ISDIR(st->st_mode))
		return err_set(why, EPERM, "seccomp cache '%s' ignored: %snot a directory", dir,
			       is);
	if (!owner_ok && (last || me == 0))
		return err_set(why, EPERM, "seccomp cache '%s' ignored: %sowned by uid %u, not %u",
			       dir, is, (unsigned)st->st_uid, (unsigned)me);
	if (!owner_ok)
		return err_set(why, EPERM,
			       "seccomp cache '%s' ignored: %sowned by uid %u, not 0 or %u", dir,
			       is, (unsigned)st->st_uid, (unsigned)me);
	if (!(mode & (S_IWGRP | S_IWOTH)))
		return 0;
	if (!last && (mode & S_ISVTX) && st->st_uid == 0)
		return 0; /* like /tmp, see above */
	return err_set(why, EPERM, "seccomp cache '%s' ignored: %s%s writable (mode %04o)", dir, is,
		       (mode & S_IWOTH) ? "world" : "group", (unsigned)mode);
}

/* fstat @fd and check it as a directory of the chain. */
static int check_dir_fd(int fd, const char *dir, const char *what, bool last, struct ward_err *why)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return err_set(why, errno, "seccomp cache '%s' ignored: cannot stat '%s': %s", dir,
			       what, strerror(errno));
	return trust_dir(dir, what, &st, last, why);
}

/* One step down: @name in @parent, made (mode 0700) first when @create and missing. */
static int open_component(int parent, const char *name, bool create, const char *dir,
			  const char *what, struct ward_err *why)
{
	int fd = openat(parent, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	int e;

	if (fd < 0 && errno == ENOENT && create) {
		if (mkdirat(parent, name, 0700) < 0 && errno != EEXIST)
			return err_set(why, errno, "cannot create cache directory '%s': %s", what,
				       strerror(errno));
		fd = openat(parent, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd >= 0)
		return fd;
	e = errno;
	if (e == ENOENT)
		return err_set(why, ENOENT, "seccomp cache '%s': '%s' does not exist", dir, what);
	if (e == ENOTDIR && fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(st.st_mode))
		return err_set(why, EPERM, "seccomp cache '%s' ignored: '%s' is a symbolic link",
			       dir, what);
	return err_set(why, e == ENOTDIR ? EPERM : e,
		       "seccomp cache '%s' ignored: cannot open '%s': %s", dir, what, strerror(e));
}

/*
 * The cache directory @dir as an O_PATH descriptor, every directory of the
 * chain checked (and, with @create, the missing ones made).
 *
 * Return: the descriptor; -ENOENT (@why says what is missing) when part of the
 * chain does not exist and !@create; another negative errno (-EPERM when the
 * chain is not trusted) with @why saying why the cache is ignored.
 */
static int open_cache_dir(const char *dir, bool create, struct ward_err *why)
{
	size_t n = strlen(dir), i = 0, end;
	cleanup_free char *name = xstrdup(dir);
	cleanup_close int fd = -1;
	char what[PATH_MAX];
	int next;
	int r;

	if (dir[0] != '/')
		return err_set(why, EPERM, "seccomp cache '%s' ignored: not an absolute path", dir);
	if (n >= PATH_MAX)
		return err_set(why, ENAMETOOLONG, "seccomp cache '%s' ignored: path too long", dir);
	fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return err_set(why, errno, "seccomp cache '%s' ignored: cannot open '/': %s", dir,
			       strerror(errno));
	while (i < n && dir[i] == '/')
		i++;
	r = check_dir_fd(fd, dir, "/", i == n, why);
	if (r < 0)
		return r;
	while (i < n) {
		for (end = i; end < n && dir[end] != '/'; end++)
			;
		memcpy(name, dir + i, end - i);
		name[end - i] = '\0';
		(void)shown(what, sizeof(what), dir, end);
		if (strcmp(name, "..") == 0 || strcmp(name, ".") == 0)
			return err_set(why, EPERM, "seccomp cache '%s' ignored: '%s' in the path",
				       dir, name);
		while (end < n && dir[end] == '/')
			end++;
		next = open_component(fd, name, create, dir, what, why);
		if (next < 0)
			return next;
		(void)close(fd);
		fd = next;
		r = check_dir_fd(fd, dir, what, end == n, why);
		if (r < 0)
			return r;
		i = end;
	}
	return steal_fd(&fd);
}

/* 0 when the opened entry @fd (`@path`, described by @st) may be read. */
static int trust_entry(const char *path, const struct stat *st, struct ward_err *why)
{
	uid_t me = geteuid();

	if (!S_ISREG(st->st_mode))
		return err_set(why, EPERM, "seccomp cache entry '%s' ignored: not a regular file",
			       path);
	if (st->st_uid != me)
		return err_set(why, EPERM,
			       "seccomp cache entry '%s' ignored: owned by uid %u, not %u", path,
			       (unsigned)st->st_uid, (unsigned)me);
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return err_set(
		    why, EPERM, "seccomp cache entry '%s' ignored: %s writable (mode %04o)", path,
		    (st->st_mode & S_IWOTH) ? "world" : "group", (unsigned)(st->st_mode & 07777));
	return 0;
}

/* The entry @name in the trusted directory @dfd, opened and checked; -ENOENT: none. */
static int open_entry(int dfd, const char *name, const char *path, struct stat *st,
		      struct ward_err *why)
{
	/* O_NONBLOCK: a FIFO planted here must not hang ward before fstat says what it is */
	cleanup_close int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	int r;

	if (fd < 0 && errno == ENOENT)
		return -ENOENT;
	if (fd < 0 && errno == ELOOP)
		return err_set(why, EPERM, "seccomp cache entry '%s' ignored: a symbolic link",
			       path);
	if (fd < 0)
		return err_set(why, errno, "seccomp cache entry '%s' ignored: cannot open it: %s",
			       path, strerror(errno));
	if (fstat(fd, st) < 0)
		return err_set(why, errno, "seccomp cache entry '%s' ignored: cannot stat it: %s",
			       path, strerror(errno));
	r = trust_entry(path, st, why);
	if (r < 0)
		return r;
	return steal_fd(&fd);
}

static void entry_name(char *buf, size_t size, const uint64_t k[2])
{
	(void)snprintf(buf, size, "%016llx%016llx.bpf", (unsigned long long)k[0],
		       (unsigned long long)k[1]);
}

/* A well-formed header for key @k and a file of @size bytes (enabled or not). */
static bool header_ok(const struct cache_hdr *hdr, const uint64_t k[2], off_t size)
{
	return memcmp(hdr->magic, CACHE_MAGIC, sizeof(hdr->magic)) == 0 &&
	       hdr->version == CACHE_VERSION && hdr->key[0] == k[0] && hdr->key[1] == k[1] &&
	       hdr->len <= FILTER_MAX_INSNS &&
	       size == (off_t)(sizeof(*hdr) + (size_t)hdr->len * sizeof(struct sock_filter));
}

int filter_cache_lookup(const char *dir, const struct filter_cache_key *key,
			struct filter_prog *out, struct ward_err *why)
{
	char name[FILTER_CACHE_KEY_HEX + 8];
	cleanup_free char *path = NULL;
	cleanup_free struct sock_filter *insns = NULL;
	cleanup_close int dfd = -1;
	cleanup_close int fd = -1;
	struct cache_hdr hdr;
	uint64_t k[2];
	struct stat st;

	memset(out, 0, sizeof(*out));
	err_clear(why);
	if (cache_key(key, k) < 0)
		return 0;
	dfd = open_cache_dir(dir, false, why);
	if (dfd == -ENOENT) {
		err_clear(why);
		return 0; /* a missing cache is an empty one */
	}
	if (dfd < 0)
		return dfd;
	entry_name(name, sizeof(name), k);
	path = xasprintf("%s/%s", dir, name);
	fd = open_entry(dfd, name, path, &st, why);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return fd;
	if (st.st_size < (off_t)sizeof(hdr) || read_all_at(fd, &hdr, sizeof(hdr), 0) < 0 ||
	    !header_ok(&hdr, k, st.st_size)) {
		log_debug("seccomp cache: ignoring invalid entry '%s'", path);
		return 0;
	}
	/* ward never writes one: whoever did wants the container unconfined */
	if (hdr.enabled != 1 || hdr.len == 0)
		return err_set(why, EPERM,
			       "seccomp cache entry '%s' ignored: it would turn the filter off",
			       path);
	insns = xcalloc(hdr.len, sizeof(*insns));
	if (read_all_at(fd, insns, hdr.len * sizeof(*insns), (off_t)sizeof(hdr)) < 0)
		return 0;
	if (cache_checksum(&hdr, insns) != hdr.checksum) {
		log_debug("seccomp cache: checksum mismatch in '%s'", path);
		return 0;
	}
	out->insns = steal_ptr(&insns);
	out->len = hdr.len;
	out->flags = hdr.flags;
	out->enabled = true;
	return 1;
}

static int write_entry(int fd, const struct cache_hdr *hdr, const struct filter_prog *prog)
{
	int rc = write_all(fd, hdr, sizeof(*hdr));

	if (rc == 0)
		rc = write_all(fd, prog->insns, prog->len * sizeof(*prog->insns));
	if (rc == 0 && fsync(fd) < 0)
		rc = -errno;
	return rc;
}

/* A new file `.<name>.<random>` in @dfd, mode 0600, that nobody else has opened. */
static int create_temp(int dfd, const char *name, char *tmp, size_t size)
{
	uint64_t rnd;
	int i, fd;

	for (i = 0; i < 16; i++) {
		if (getrandom(&rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
			return errno ? -errno : -EIO;
		(void)snprintf(tmp, size, ".%s.%016llx", name, (unsigned long long)rnd);
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			return fd >= 0 ? fd : -errno;
	}
	return -EEXIST;
}

int filter_cache_store(const char *dir, const struct filter_cache_key *key,
		       const struct filter_prog *prog, struct ward_err *err)
{
	char name[FILTER_CACHE_KEY_HEX + 8];
	char tmp[sizeof(name) + 24];
	cleanup_close int dfd = -1;
	cleanup_close int fd = -1;
	struct cache_hdr hdr;
	uint64_t k[2];
	int rc;

	/* "no filter" is never cached: lookup refuses such an entry, whoever wrote it */
	if (!prog->enabled)
		return err_set(err, EINVAL, "a disabled seccomp program is never cached");
	if (!prog->insns || !prog->len || prog->len > FILTER_MAX_INSNS)
		return err_set(err, EINVAL, "invalid seccomp program for the cache");
	rc = cache_key(key, k);
	if (rc < 0)
		return err_set(err, -rc, "cannot compute the seccomp cache key");
	dfd = open_cache_dir(dir, true, err);
	if (dfd < 0)
		return dfd;

	memset(&hdr, 0, sizeof(hdr));
	memcpy(hdr.magic, CACHE_MAGIC, sizeof(hdr.magic));
	hdr.version = CACHE_VERSION;
	hdr.flags = prog->flags;
	hdr.enabled = 1;
	hdr.len = (uint32_t)prog->len;
	hdr.key[0] = k[0];
	hdr.key[1] = k[1];
	hdr.checksum = cache_checksum(&hdr, prog->insns);

	entry_name(name, sizeof(name), k);
	fd = create_temp(dfd, name, tmp, sizeof(tmp));
	if (fd < 0)
		return err_set(err, -fd, "cannot create a temporary file in '%s'", dir);
	rc = write_entry(fd, &hdr, prog);
	if (rc == 0 && renameat(dfd, tmp, dfd, name) < 0)
		rc = -errno;
	if (rc < 0) {
		(void)unlinkat(dfd, tmp,
			       0); /* best effort: a stray temporary file is only clutter */
		return err_set(err, -rc, "cannot write seccomp cache entry '%s/%s'", dir, name);
	}
	return 0;
}

uint32_t filter_native_arch(void)
{
	return audit_arch(seccomp_arch_native());
}

char *filter_syscall_name(int nr)
{
	char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
	const char *extra;

	if (name)
		return name;
	extra = syscall_extra_name(nr, filter_native_arch());
	return extra ? xstrdup(extra) : NULL;
}
