/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * inspect.c - `ward seccomp explain|export|dump` (check is in inspect_check.c,
 * bench in inspect_bench.c). Decisions come from running the compiled program through
 * our BPF interpreter, so what explain and bench report is what the kernel
 * will do; the reasons come from the resolved rules.
 */
#include "ward/inspect.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "inspect_int.h"
#include "ward/bpf_interp.h"
#include "ward/cleanup.h"
#include "ward/filter.h"
#include "ward/policy.h"
#include "ward/profile.h"
#include "ward/util.h"

#ifndef PTRACE_SECCOMP_GET_FILTER
#define PTRACE_SECCOMP_GET_FILTER 0x420c
#endif

/* Native syscall numbers explain and bench walk; every ABI we build for is below. */
#define INSPECT_MAX_NR 1024

void inspect_compiled_release(struct compiled *c)
{
	filter_prog_release(&c->prog);
	rule_set_release(&c->rs);
	profile_free(c->prof);
	policy_source_release(&c->src);
}

int inspect_compile(const struct inspect_opts *o, struct compiled *c, struct ward_err *err)
{
	int r;

	memset(c, 0, sizeof(*c));
	r = policy_read(o->profile, &c->src, err);
	if (r < 0)
		return r;
	r = policy_resolve(&c->src, o->caps, &c->prof, &c->rs, err);
	if (r == 0) {
		r = filter_build(&c->rs, o->strict ? FILTER_STRICT : 0, &c->prog, err);
		if (r < 0)
			err_prefix(err, "seccomp profile '%s'", c->src.name);
	}
	if (r < 0)
		inspect_compiled_release(c);
	return r;
}

/* The decision in words: "allow", "errno 1 (EPERM)", "kill-thread", ... */
static void describe_ret(uint32_t ret, char *buf, size_t len)
{
	uint32_t data = ret & SECCOMP_RET_DATA;
	const char *en;

	switch (ret & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_ALLOW:
		(void)snprintf(buf, len, "allow");
		break;
	case SECCOMP_RET_ERRNO:
		en = errno_name((int)data);
		(void)snprintf(buf, len, "errno %u (%s)", data, en ? en : "?");
		break;
	case SECCOMP_RET_KILL_PROCESS:
		(void)snprintf(buf, len, "kill-process");
		break;
	case SECCOMP_RET_KILL_THREAD:
		(void)snprintf(buf, len, "kill-thread");
		break;
	case SECCOMP_RET_TRAP:
		(void)snprintf(buf, len, "trap");
		break;
	case SECCOMP_RET_TRACE:
		(void)snprintf(buf, len, "trace %u", data);
		break;
	case SECCOMP_RET_LOG:
		(void)snprintf(buf, len, "log");
		break;
	case SECCOMP_RET_USER_NOTIF:
		(void)snprintf(buf, len, "notify");
		break;
	default:
		(void)snprintf(buf, len, "0x%08x", ret);
		break;
	}
}

static uint32_t action_ret(enum prof_action a, uint32_t data)
{
	switch (a) {
	case PROF_ACT_KILL_THREAD:
		return SECCOMP_RET_KILL_THREAD;
	case PROF_ACT_KILL_PROCESS:
		return SECCOMP_RET_KILL_PROCESS;
	case PROF_ACT_TRAP:
		return SECCOMP_RET_TRAP;
	case PROF_ACT_ERRNO:
		return SECCOMP_RET_ERRNO | (data & SECCOMP_RET_DATA);
	case PROF_ACT_TRACE:
		return SECCOMP_RET_TRACE | (data & SECCOMP_RET_DATA);
	case PROF_ACT_LOG:
		return SECCOMP_RET_LOG;
	case PROF_ACT_NOTIFY:
		return SECCOMP_RET_USER_NOTIF;
	case PROF_ACT_ALLOW:
		break;
	}
	return SECCOMP_RET_ALLOW;
}

static bool rule_names(const struct prof_rule *r, const char *name)
{
	for (size_t i = 0; i < r->nnames; i++)
		if (strcmp(r->names[i], name) == 0)
			return true;
	return false;
}

static bool rule_is_default(const struct rule_set *rs, const struct prof_rule *r)
{
	if (r->action != rs->default_action)
		return false;
	if (r->action != PROF_ACT_ERRNO && r->action != PROF_ACT_TRACE)
		return true;
	return (r->has_errno_ret ? r->errno_ret : 1) == rs->default_errno;
}

static void describe_conds(const struct prof_rule *r, char *buf, size_t len)
{
	static const char *const ops[] = {
	    [PROF_OP_NE] = "!=", [PROF_OP_LT] = "<",  [PROF_OP_LE] = "<=",
	    [PROF_OP_EQ] = "==", [PROF_OP_GE] = ">=", [PROF_OP_GT] = ">",
	};
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < r->nargs && used < len; i++) {
		const struct prof_arg *a = &r->args[i];
		int w;

		if (a->op == PROF_OP_MASKED_EQ)
			w = snprintf(buf + used, len - used, "%s(arg%u & 0x%llx) == 0x%llx",
				     i ? " && " : "", a->index, (unsigned long long)a->value,
				     (unsigned long long)a->value_two);
		else
			w = snprintf(buf + used, len - used, "%sarg%u %s 0x%llx", i ? " && " : "",
				     a->index, ops[a->op], (unsigned long long)a->value);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

/* Why @name gets what it gets: the deciding rule, or the conditional ones. */
struct reason {
	const struct prof_rule *rule; /* the unconditional rule that decides, or NULL */
	const struct prof_rule *same; /* a rule that says what the default says, or NULL */
	const struct prof_rule *conds[16];
	size_t nconds;
};

static void find_reason(const struct rule_set *rs, const char *name, struct reason *why)
{
	memset(why, 0, sizeof(*why));
	for (size_t i = 0; i < rs->nrules; i++) {
		const struct prof_rule *r = rs->rules[i];

		if (!rule_names(r, name))
			continue;
		if (rule_is_default(rs, r)) {
			/* a no-op in the filter, but it documents why the default applies */
			if (!why->same && r->nargs == 0)
				why->same = r;
			continue;
		}
		if (r->nargs == 0) {
			/* libseccomp: the first unconditional rule for a syscall wins */
			why->rule = r;
			why->nconds = 0;
			return;
		}
		if (why->nconds < sizeof(why->conds) / sizeof(why->conds[0]))
			why->conds[why->nconds++] = r;
	}
}

/*
 * A rule of the profile that names @name but was left out by the resolver:
 * "rule 40 needs CAP_SYS_ADMIN: <comment>".
 */
static bool gated_rule(const struct profile *p, const struct rule_set *rs, const char *name,
		       char *buf, size_t len)
{
	for (size_t i = 0; i < p->nrules; i++) {
		const struct prof_rule *r = &p->rules[i];
		bool kept = false;

		if (!rule_names(r, name) || r->action == rs->default_action)
			continue;
		for (size_t k = 0; k < rs->nrules && !kept; k++)
			kept = rs->rules[k] == r;
		if (kept)
			continue;
		if (r->includes.ncaps)
			(void)snprintf(buf, len, "rule %zu needs %s%s%s", r->position,
				       r->includes.caps[0], r->comment ? ": " : "",
				       r->comment ? r->comment : "");
		else if (r->includes.has_min_kernel)
			(void)snprintf(buf, len, "rule %zu needs Linux %u.%u%s%s", r->position,
				       r->includes.min_kernel_major, r->includes.min_kernel_minor,
				       r->comment ? ": " : "", r->comment ? r->comment : "");
		else
			(void)snprintf(buf, len, "rule %zu does not apply here%s%s", r->position,
				       r->comment ? ": " : "", r->comment ? r->comment : "");
		return true;
	}
	return false;
}

uint32_t inspect_run_prog(const struct filter_prog *p, int nr, const uint64_t *args,
			  size_t *executed)
{
	struct seccomp_data d;
	uint32_t ret;

	memset(&d, 0, sizeof(d));
	d.nr = nr;
	if (args)
		memcpy(d.args, args, sizeof(d.args));
	d.arch = filter_native_arch();
	if (!p->enabled) {
		*executed = 0;
		return SECCOMP_RET_ALLOW;
	}
	/* every stacked part, as the kernel runs them */
	if (filter_eval(p, &d, &ret, executed) < 0) {
		*executed = 0;
		return SECCOMP_RET_KILL_PROCESS;
	}
	return ret;
}

static void gen_str(yajl_gen g, const char *s)
{
	yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static void gen_kv(yajl_gen g, const char *k, const char *v)
{
	gen_str(g, k);
	if (v)
		gen_str(g, v);
	else
		yajl_gen_null(g);
}

static void gen_flush(yajl_gen g, FILE *out)
{
	const unsigned char *buf;
	size_t len;

	yajl_gen_get_buf(g, &buf, &len);
	(void)fwrite(buf, 1, len, out);
	(void)fputc('\n', out);
	yajl_gen_clear(g);
}

/* The decision for syscall @nr of the native ABI with @args, and why, in words. */
static void judge(const struct compiled *c, int nr, const uint64_t args[6], const char *name,
		  const char *dflt, struct inspect_verdict *v)
{
	char conds[256];
	struct reason why;
	size_t executed;

	memset(v, 0, sizeof(*v));
	v->ret = inspect_run_prog(&c->prog, nr, args, &executed);
	describe_ret(v->ret, v->decision, sizeof(v->decision));
	find_reason(&c->rs, name, &why);
	v->rule = why.rule;
	if (!c->prog.enabled) {
		(void)snprintf(v->by, sizeof(v->by), "no filter");
	} else if (why.rule) {
		(void)snprintf(v->by, sizeof(v->by), "rule %zu%s%s", why.rule->position,
			       why.rule->comment ? ": " : "",
			       why.rule->comment ? why.rule->comment : "");
	} else if (why.nconds) {
		size_t used = 0;

		if (!args)
			(void)snprintf(v->decision, sizeof(v->decision), "conditional");
		for (size_t i = 0; i < why.nconds && used < sizeof(v->by); i++) {
			int w;

			describe_conds(why.conds[i], conds, sizeof(conds));
			w = snprintf(v->by + used, sizeof(v->by) - used, "%srule %zu: %s if %s",
				     i ? "; " : "", why.conds[i]->position,
				     prof_action_name(why.conds[i]->action), conds);
			if (w < 0)
				break;
			used += (size_t)w;
		}
		if (used < sizeof(v->by))
			(void)snprintf(v->by + used, sizeof(v->by) - used, "; otherwise %s", dflt);
	} else if ((v->ret & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ERRNO &&
		   (v->ret & SECCOMP_RET_DATA) == ENOSYS && strcmp(v->decision, dflt) != 0) {
		(void)snprintf(
		    v->by, sizeof(v->by),
		    "newer than every syscall the profile names: ENOSYS so libc falls back");
	} else if (!why.same && gated_rule(c->prof, &c->rs, name, conds, sizeof(conds))) {
		(void)snprintf(v->by, sizeof(v->by), "default action; %s", conds);
	} else if (why.same) {
		(void)snprintf(v->by, sizeof(v->by), "default action; rule %zu%s%s",
			       why.same->position, why.same->comment ? ": " : "",
			       why.same->comment ? why.same->comment : "");
	} else {
		(void)snprintf(v->by, sizeof(v->by), "default action");
	}
}

static void describe_default(const struct compiled *c, char *buf, size_t len)
{
	describe_ret(c->rs.enabled ? action_ret(c->rs.default_action, c->rs.default_errno)
				   : SECCOMP_RET_ALLOW,
		     buf, len);
}

struct inspect_ctx {
	struct compiled c;
	char dflt[64];
};

int inspect_open(const struct inspect_opts *o, struct inspect_ctx **out, struct ward_err *err)
{
	struct inspect_ctx *ctx = xcalloc(1, sizeof(*ctx));
	int r = inspect_compile(o, &ctx->c, err);

	if (r < 0) {
		free(ctx);
		return r;
	}
	describe_default(&ctx->c, ctx->dflt, sizeof(ctx->dflt));
	*out = ctx;
	return 0;
}

void inspect_close(struct inspect_ctx *ctx)
{
	if (!ctx)
		return;
	inspect_compiled_release(&ctx->c);
	free(ctx);
}

void inspect_judge(const struct inspect_ctx *ctx, int nr, const uint64_t args[6], const char *name,
		   struct inspect_verdict *v)
{
	judge(&ctx->c, nr, args, name, ctx->dflt, v);
}

void inspect_list_syscalls(FILE *out)
{
	for (int nr = 0; nr < INSPECT_MAX_NR; nr++) {
		cleanup_free char *name = filter_syscall_name(nr);

		if (name)
			fprintf(out, "%s\n", name);
	}
}

/* explain SYSCALL...: @name is one of them (or none was given) */
static bool explained(const struct inspect_opts *o, const char *name)
{
	if (!o->syscalls)
		return true;
	for (char *const *s = o->syscalls; *s; s++)
		if (strcmp(*s, name) == 0)
			return true;
	return false;
}

/* explain SYSCALL...: each a native syscall's name */
static int check_explained(const struct inspect_opts *o, struct ward_err *err)
{
	for (char *const *s = o->syscalls; s && *s; s++) {
		bool known = false;

		for (int nr = 0; nr < INSPECT_MAX_NR && !known; nr++) {
			cleanup_free char *name = filter_syscall_name(nr);

			known = name && strcmp(name, *s) == 0;
		}
		if (!known)
			return err_set(err, 0,
				       "seccomp explain: '%s' is no syscall of this architecture "
				       "(nor a profile file)",
				       *s);
	}
	return 0;
}

int inspect_explain(const struct inspect_opts *o, FILE *out, struct ward_err *err)
{
	yajl_gen g = NULL;
	struct compiled c;
	int r = inspect_compile(o, &c, err);
	char dflt[64];

	if (r < 0)
		return r;
	r = check_explained(o, err);
	if (r < 0) {
		inspect_compiled_release(&c);
		return r;
	}
	describe_default(&c, dflt, sizeof(dflt));
	if (o->json) {
		g = yajl_gen_alloc(NULL);
		if (!g) {
			inspect_compiled_release(&c);
			return err_set(err, ENOMEM, "cannot allocate a JSON generator");
		}
		yajl_gen_map_open(g);
		gen_kv(g, "profile", c.src.name);
		gen_str(g, "enabled");
		yajl_gen_bool(g, c.prog.enabled);
		gen_str(g, "syscalls");
		yajl_gen_array_open(g);
	} else {
		fprintf(out, "# %s, %s; unmatched syscalls: %s\n", c.src.name,
			c.prog.enabled ? "seccomp on" : "no filter",
			c.prog.enabled ? dflt : "allow");
		fprintf(out, "%-4s %-24s %-18s %s\n", "NR", "SYSCALL", "DECISION", "DECIDED BY");
	}
	for (int nr = 0; nr < INSPECT_MAX_NR; nr++) {
		cleanup_free char *name = filter_syscall_name(nr);
		struct inspect_verdict v;

		if (!name || !explained(o, name))
			continue;
		judge(&c, nr, NULL, name, dflt, &v);
		if (o->json) {
			yajl_gen_map_open(g);
			gen_str(g, "nr");
			yajl_gen_integer(g, nr);
			gen_kv(g, "name", name);
			gen_kv(g, "decision", v.decision);
			gen_kv(g, "decided_by", v.by);
			gen_str(g, "rule");
			if (v.rule)
				yajl_gen_integer(g, (long long)v.rule->position);
			else
				yajl_gen_null(g);
			gen_kv(g, "comment", v.rule ? v.rule->comment : NULL);
			yajl_gen_map_close(g);
		} else {
			fprintf(out, "%-4d %-24s %-18s %s\n", nr, name, v.decision, v.by);
		}
	}
	if (o->json) {
		yajl_gen_array_close(g);
		yajl_gen_map_close(g);
		gen_flush(g, out);
		yajl_gen_free(g);
	}
	inspect_compiled_release(&c);
	return 0;
}

static void gen_rule_set_json(yajl_gen g, const struct rule_set *rs)
{
	yajl_gen_map_open(g);
	gen_kv(g, "defaultAction", prof_action_name(rs->default_action));
	gen_str(g, "defaultErrnoRet");
	yajl_gen_integer(g, rs->default_errno);
	gen_str(g, "architectures");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < rs->narches; i++)
		gen_str(g, rs->arches[i]);
	yajl_gen_array_close(g);
	if (rs->listener_path)
		gen_kv(g, "listenerPath", rs->listener_path);
	if (rs->listener_metadata)
		gen_kv(g, "listenerMetadata", rs->listener_metadata);
	gen_str(g, "syscalls");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < rs->nrules; i++) {
		const struct prof_rule *r = rs->rules[i];

		yajl_gen_map_open(g);
		gen_str(g, "names");
		yajl_gen_array_open(g);
		for (size_t n = 0; n < r->nnames; n++)
			gen_str(g, r->names[n]);
		yajl_gen_array_close(g);
		gen_kv(g, "action", prof_action_name(r->action));
		if (r->has_errno_ret) {
			gen_str(g, "errnoRet");
			yajl_gen_integer(g, r->errno_ret);
		}
		if (r->nargs) {
			gen_str(g, "args");
			yajl_gen_array_open(g);
			for (size_t a = 0; a < r->nargs; a++) {
				char num[24];

				yajl_gen_map_open(g);
				gen_str(g, "index");
				yajl_gen_integer(g, r->args[a].index);
				/* uint64 values do not fit yajl's long long: write them as numbers
				 */
				gen_str(g, "value");
				(void)snprintf(num, sizeof(num), "%llu",
					       (unsigned long long)r->args[a].value);
				yajl_gen_number(g, num, strlen(num));
				gen_str(g, "valueTwo");
				(void)snprintf(num, sizeof(num), "%llu",
					       (unsigned long long)r->args[a].value_two);
				yajl_gen_number(g, num, strlen(num));
				gen_kv(g, "op", prof_op_name(r->args[a].op));
				yajl_gen_map_close(g);
			}
			yajl_gen_array_close(g);
		}
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
}

int inspect_export(const struct inspect_opts *o, const char *format, FILE *out,
		   struct ward_err *err)
{
	struct compiled c;
	int r;

	if (strcmp(format, "bpf") != 0 && strcmp(format, "pfc") != 0 && strcmp(format, "json") != 0)
		return err_set(err, 0, "unknown export format '%s' (use bpf, pfc or json)", format);
	r = inspect_compile(o, &c, err);
	if (r < 0)
		return r;
	if (strcmp(format, "json") == 0) {
		yajl_gen g = yajl_gen_alloc(NULL);

		if (!g) {
			inspect_compiled_release(&c);
			return err_set(err, ENOMEM, "cannot allocate a JSON generator");
		}
		yajl_gen_config(g, yajl_gen_beautify, 1);
		gen_rule_set_json(g, &c.rs);
		gen_flush(g, out);
		yajl_gen_free(g);
	} else {
		if (fflush(out) != 0)
			r = err_set(err, errno, "cannot write the output");
		else
			r = filter_export(&c.rs, o->strict ? FILTER_STRICT : 0,
					  strcmp(format, "bpf") == 0 ? FILTER_EXPORT_BPF
								     : FILTER_EXPORT_PFC,
					  fileno(out), err);
	}
	inspect_compiled_release(&c);
	return r;
}

int inspect_dump(pid_t pid, FILE *out, struct ward_err *err)
{
	struct sock_filter *insns;
	long n;
	int ws, r = 0;

	if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) < 0)
		return err_set(err, errno, "cannot attach to process %d", (int)pid);
	if (waitpid(pid, &ws, __WALL) < 0) {
		r = err_set(err, errno, "cannot wait for process %d", (int)pid);
		goto detach;
	}
	n = ptrace(PTRACE_SECCOMP_GET_FILTER, pid, 0, NULL);
	if (n < 0) {
		r = err_set(err, errno == ENOENT ? 0 : errno,
			    errno == ENOENT ? "process %d has no seccomp filter"
					    : "cannot read the seccomp filter of process %d",
			    (int)pid);
		goto detach;
	}
	insns = xcalloc((size_t)n, sizeof(*insns));
	if (ptrace(PTRACE_SECCOMP_GET_FILTER, pid, 0, insns) != n)
		r = err_set(err, errno, "cannot read the seccomp filter of process %d", (int)pid);
	else if (fwrite(insns, sizeof(*insns), (size_t)n, out) != (size_t)n)
		r = err_set(err, errno, "cannot write the filter");
	free(insns);
detach:
	(void)ptrace(PTRACE_DETACH, pid, NULL, NULL); /* the process goes on either way */
	return r;
}
