// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * filter_rules.c - a rule_set into libseccomp's filter, the way runc's
 * InitSeccomp/matchCall does it on libseccomp 2.5.4, and the plan for our stub
 * beside it: per ABI the highest number any rule names, and the rules on
 * system calls libseccomp cannot name (syscalls_extra.c), which the stub
 * matches by number. Also libseccomp's program read back through a memfd
 * (seccomp_load() is not async-signal-safe before libseccomp 2.6, STYLE.md
 * pitfall 3).
 */
#include "filter_int.h"

#include <errno.h>
#include <linux/audit.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "ward/cleanup.h"
#include "ward/log.h"
#include "ward/syscalls_extra.h"
#include "ward/util.h"

#define MAX_ARGS 6

void plan_release(struct plan *p)
{
	size_t i;

	for (i = 0; i < p->narch; i++) {
		free(p->arch[i].extras);
		free(p->arch[i].vrefs);
	}
	p->narch = 0;
	for (i = 0; i < p->nvsets; i++)
		free(p->vsets[i].values);
	free(p->vsets);
	p->vsets = NULL;
	p->nvsets = 0;
}

/* ---- actions, arches, flags ---------------------------------------------------- */

int rules_map_action(enum prof_action a, uint32_t errno_ret, uint32_t *out, struct ward_err *err)
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

uint32_t rules_audit_arch(uint32_t token)
{
	return token == SCMP_ARCH_X32 ? AUDIT_ARCH_X86_64 : token;
}

unsigned int rules_flags(const struct rule_set *rs, bool notify)
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
	if (p->nvsets && plan_find_vset(p, name))
		return 0; /* the stub searches its values (filter_vset.c) */
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

/* The default action, and whether the stub answers ENOSYS above the highest number. */
static int plan_default(const struct rule_set *rs, struct plan *p, struct ward_err *err)
{
	int rc = rules_map_action(rs->default_action, rs->default_errno, &p->def_action, err);

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
	return 0;
}

/* The native arch, then @rs's, and the filter's attributes. */
static int add_arches(scmp_filter_ctx ctx, const struct rule_set *rs, struct plan *p,
		      struct ward_err *err)
{
	size_t i;
	int rc;

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
	return 0;
}

static int add_rule(scmp_filter_ctx ctx, struct plan *p, const struct prof_rule *r,
		    unsigned int build_flags, struct ward_err *err)
{
	uint32_t errno_ret = r->has_errno_ret ? r->errno_ret : EPERM;
	uint32_t action;
	bool repeated = false;
	size_t j;
	int rc;

	rc = rules_map_action(r->action, errno_ret, &action, err);
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
	return 0;
}

int rules_build(const struct rule_set *rs, unsigned int build_flags, scmp_filter_ctx *out,
		struct plan *p, struct ward_err *err)
{
	cleanup_ctx scmp_filter_ctx ctx = NULL;
	size_t i;
	int rc;

	memset(p, 0, sizeof(*p));
	rc = plan_default(rs, p, err);
	if (rc < 0)
		return rc;
	ctx = seccomp_init(p->def_action);
	if (!ctx)
		return err_set(err, ENOMEM, "cannot create seccomp filter");
	rc = add_arches(ctx, rs, p, err);
	if (rc < 0)
		return rc;
	if (!(build_flags & FILTER_NO_VSET))
		vset_plan(rs, p);
	for (i = 0; i < rs->nrules; i++) {
		rc = add_rule(ctx, p, rs->rules[i], build_flags, err);
		if (rc < 0)
			return rc;
	}
	*out = steal_ptr(&ctx);
	return 0;
}

/* ---- libseccomp's program ------------------------------------------------------------ */

/* Through a memfd: seccomp_export_bpf() writes to a descriptor. */
int rules_export(scmp_filter_ctx ctx, struct sock_filter **out, size_t *len, struct ward_err *err)
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
	rc = filter_read_at(fd, buf, (size_t)st.st_size, 0);
	if (rc < 0)
		return err_set(err, -rc, "cannot read back the exported seccomp filter");
	*len = (size_t)st.st_size / sizeof(struct sock_filter);
	*out = steal_ptr(&buf);
	return 0;
}
