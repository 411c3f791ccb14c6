/* SPDX-License-Identifier: GPL-2.0-or-later */
/* recprofile.c - a recording (record.h) as a Docker-format profile, optionally merged. */
#include "ward/recprofile.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "ward/cleanup.h"
#include "ward/log.h"
#include "ward/runtime_needs.h"
#include "ward/util.h"

#define CLONE_NS_MASK 0x7E020000ULL
#define ABIS	      3 /* native, x86, x32: the groups a profile gets */

/* One rule to write: made here, or an existing profile's kept as it was. */
struct out_rule {
	struct strv names;
	enum prof_action action;
	bool has_errno;
	uint32_t errno_ret;
	bool has_arg;
	struct prof_arg arg;
	char *comment;
	const struct prof_rule *verbatim;
};

/* What the profile allows: the recording, plus what a merged profile allowed. */
struct model {
	struct strv names[ABIS];
	unsigned long calls[ABIS];
	bool clone_seen, socket_any, personality_any;
	uint64_t clone_ns; /* namespace flags clone may use */
	unsigned long clone_calls, socket_calls, personality_calls;
	struct record_values families, personas;
	const struct prof_rule **keep; /* a merged profile's other rules */
	size_t nkeep;
	struct out_rule *rules;
	size_t nrules, cap;
};

static bool strv_has(const struct strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return true;
	return false;
}

static void add_name(struct strv *sv, const char *s)
{
	if (!strv_has(sv, s))
		strv_push(sv, s);
}

static void value_put(struct record_values *vs, uint64_t value, unsigned long count)
{
	for (size_t i = 0; i < vs->n; i++)
		if (vs->v[i].value == value) {
			vs->v[i].count += count;
			return;
		}
	if (vs->n == vs->cap) {
		vs->cap = vs->cap ? vs->cap * 2 : 8;
		vs->v = xrealloc(vs->v, vs->cap * sizeof(*vs->v));
	}
	vs->v[vs->n].value = value;
	vs->v[vs->n++].count = count;
}

/* A name with its arguments filtered: counted apart, never in a name list. */
static bool special(struct model *m, const char *name, unsigned long count)
{
	if (strcmp(name, "clone") == 0) {
		m->clone_seen = true;
		m->clone_calls += count;
	} else if (strcmp(name, "socket") == 0) {
		m->socket_calls += count;
	} else if (strcmp(name, "personality") == 0) {
		m->personality_calls += count;
	} else {
		return false;
	}
	return true;
}

static void model_from_log(struct model *m, const struct record_log *log,
			   struct recprofile_stats *st)
{
	for (size_t i = 0; i < log->n; i++) {
		const struct record_call *c = &log->v[i];
		char *name = c->abi < ABIS ? sysnames_name(c->abi, c->nr) : NULL;

		if (!name) {
			log_warn("seccomp record: syscall %d of the %s ABI has no name libseccomp "
				 "knows: not in the profile",
				 c->nr, sysnames_abi_label(c->abi));
			continue;
		}
		st->syscalls++;
		m->calls[c->abi] += c->count;
		if (!special(m, name, c->count))
			add_name(&m->names[c->abi], name);
		free(name);
	}
	m->clone_ns |= log->clone_ns;
	for (size_t i = 0; i < log->socket_families.n; i++)
		value_put(&m->families, log->socket_families.v[i].value,
			  log->socket_families.v[i].count);
	for (size_t i = 0; i < log->personalities.n; i++)
		value_put(&m->personas, log->personalities.v[i].value,
			  log->personalities.v[i].count);
}

static bool plain(const struct prof_filter *f)
{
	return !f->ncaps && !f->narches && !f->has_min_kernel;
}

/* Which group an unconditional allow rule of a merged profile belongs to. */
static int group_of(const struct prof_rule *r)
{
	const char *c = r->comment ? r->comment : "";

	if (str_has_prefix(c, RECPROFILE_RUNTIME_COMMENT))
		return -1; /* written again */
	if (str_has_prefix(c, "x86 "))
		return SYS_ABI_X86;
	if (str_has_prefix(c, "x32 "))
		return SYS_ABI_X32;
	return SYS_ABI_NATIVE;
}

/* One argument rule of ours (socket, personality, clone): taken in; else false. */
static bool absorb_arg_rule(struct model *m, const struct prof_rule *r)
{
	const struct prof_arg *a = r->args;

	if (r->nargs != 1 || r->nnames != 1 || a->index != 0)
		return false;
	if (strcmp(r->names[0], "socket") == 0 && a->op == PROF_OP_EQ)
		value_put(&m->families, a->value, 0);
	else if (strcmp(r->names[0], "personality") == 0 && a->op == PROF_OP_EQ)
		value_put(&m->personas, a->value, 0);
	else if (strcmp(r->names[0], "clone") == 0 && a->op == PROF_OP_MASKED_EQ &&
		 a->value_two == 0) {
		m->clone_seen = true;
		m->clone_ns |= CLONE_NS_MASK & ~a->value;
	} else
		return false;
	return true;
}

static void absorb_names(struct model *m, const struct prof_rule *r, int g)
{
	for (size_t i = 0; i < r->nnames; i++) {
		const char *n = r->names[i];

		if (strcmp(n, "clone") == 0) {
			m->clone_seen = true;
			m->clone_ns = CLONE_NS_MASK; /* any flags */
		} else if (strcmp(n, "socket") == 0) {
			m->socket_any = true;
		} else if (strcmp(n, "personality") == 0) {
			m->personality_any = true;
		} else {
			add_name(&m->names[g], n);
		}
	}
}

/* The union with @p: its unconditional allows and our argument rules are taken in. */
static void model_merge(struct model *m, const struct profile *p)
{
	m->keep = xcalloc(p->nrules + 1, sizeof(*m->keep));
	for (size_t i = 0; i < p->nrules; i++) {
		const struct prof_rule *r = &p->rules[i];
		bool ours =
		    r->action == PROF_ACT_ALLOW && plain(&r->includes) && plain(&r->excludes);

		if (ours && r->nargs == 0) {
			int g = group_of(r);

			if (g >= 0)
				absorb_names(m, r, g);
			continue;
		}
		if (ours && absorb_arg_rule(m, r))
			continue;
		if (r->action == PROF_ACT_ERRNO && r->nnames == 1 &&
		    strcmp(r->names[0], "clone3") == 0 && r->errno_ret == ENOSYS && !r->nargs)
			continue; /* written again unless clone3 is allowed */
		m->keep[m->nkeep++] = r;
	}
}

static struct out_rule *rule_new(struct model *m, enum prof_action action, char *comment)
{
	struct out_rule *r;

	if (m->nrules == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 16;
		m->rules = xrealloc(m->rules, m->cap * sizeof(*m->rules));
	}
	r = &m->rules[m->nrules++];
	memset(r, 0, sizeof(*r));
	r->action = action;
	r->comment = comment;
	return r;
}

static void rule_arg(struct model *m, const char *name, enum prof_op op, uint64_t value,
		     char *comment)
{
	struct out_rule *r = rule_new(m, PROF_ACT_ALLOW, comment);

	strv_push(&r->names, name);
	r->has_arg = true;
	r->arg.index = 0;
	r->arg.op = op;
	r->arg.value = value;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_value(const void *a, const void *b)
{
	const struct record_value *x = a, *y = b;

	return x->value < y->value ? -1 : x->value > y->value;
}

static const char *family_name(uint64_t f)
{
	static const struct {
		uint64_t v;
		const char *name;
	} t[] = {{1, "AF_UNIX"},      {2, "AF_INET"}, {10, "AF_INET6"}, {16, "AF_NETLINK"},
		 {17, "AF_PACKET"},   {38, "AF_ALG"}, {40, "AF_VSOCK"}, {4, "AF_IPX"},
		 {5, "AF_APPLETALK"}, {9, "AF_X25"},  {29, "AF_CAN"},	{31, "AF_BLUETOOTH"},
		 {42, "AF_QIPCRTR"},  {44, "AF_XDP"}};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].v == f)
			return t[i].name;
	return "family";
}

/* The comment of ABI group @g's rule. */
static char *abi_comment(int g, size_t n, unsigned long calls)
{
	const char *native = sysnames_abi_label(SYS_ABI_NATIVE);

	if (g == SYS_ABI_NATIVE)
		return xasprintf("%s: %zu syscalls recorded by ward seccomp record, %lu calls seen",
				 native, n, calls);
	/* Docker resolves includes.arches against the native arch only: no per-ABI rule */
	return xasprintf("%s ABI: %zu syscalls recorded, %lu calls seen; Docker-format names "
			 "apply to every ABI in archMap, so a name here is allowed on %s too "
			 "where it exists",
			 g == SYS_ABI_X86 ? "x86 (i386, int $0x80)" : "x32", n, calls, native);
}

/* The rules, in the order they are written. */
static void model_rules(struct model *m)
{
	struct out_rule *r;
	struct strv rt = {0};

	for (int g = 0; g < ABIS; g++) {
		if (!m->names[g].n)
			continue;
		qsort(m->names[g].v, m->names[g].n, sizeof(char *), cmp_str);
		r = rule_new(m, PROF_ACT_ALLOW, abi_comment(g, m->names[g].n, m->calls[g]));
		for (size_t i = 0; i < m->names[g].n; i++)
			strv_push(&r->names, m->names[g].v[i]);
	}
	if (m->clone_seen) {
		uint64_t mask = CLONE_NS_MASK & ~m->clone_ns;

		if (!mask)
			strv_push(&rule_new(m, PROF_ACT_ALLOW,
					    xasprintf("clone: %lu calls, with namespace flags",
						      m->clone_calls))
				       ->names,
				  "clone");
		else
			rule_arg(m, "clone", PROF_OP_MASKED_EQ, mask,
				 xasprintf("clone: %lu calls; namespace flags %s (the mask of "
					   "Docker's default)",
					   m->clone_calls,
					   m->clone_ns ? "beyond those seen denied" : "denied"));
	}
	if (m->socket_any)
		strv_push(&rule_new(m, PROF_ACT_ALLOW, xstrdup("socket: any family"))->names,
			  "socket");
	if (m->families.n) /* qsort() wants a non-NULL array */
		qsort(m->families.v, m->families.n, sizeof(*m->families.v), cmp_value);
	for (size_t i = 0; !m->socket_any && i < m->families.n; i++)
		rule_arg(m, "socket", PROF_OP_EQ, m->families.v[i].value,
			 xasprintf("socket(%s=%" PRIu64 "): %lu call%s",
				   family_name(m->families.v[i].value), m->families.v[i].value,
				   m->families.v[i].count, m->families.v[i].count == 1 ? "" : "s"));
	if (m->personality_any)
		strv_push(&rule_new(m, PROF_ACT_ALLOW, xstrdup("personality: any persona"))->names,
			  "personality");
	if (m->personas.n) /* qsort() wants a non-NULL array */
		qsort(m->personas.v, m->personas.n, sizeof(*m->personas.v), cmp_value);
	for (size_t i = 0; !m->personality_any && i < m->personas.n; i++)
		rule_arg(m, "personality", PROF_OP_EQ, m->personas.v[i].value,
			 xasprintf("personality(0x%" PRIx64 "): %lu call%s", m->personas.v[i].value,
				   m->personas.v[i].count, m->personas.v[i].count == 1 ? "" : "s"));
	if (!strv_has(&m->names[SYS_ABI_NATIVE], "clone3") &&
	    !strv_has(&m->names[SYS_ABI_X86], "clone3")) {
		r = rule_new(m, PROF_ACT_ERRNO,
			     xstrdup("clone3 was not called: ENOSYS, so a libc that tries it "
				     "falls back to clone (as Docker's default does)"));
		strv_push(&r->names, "clone3");
		r->has_errno = true;
		r->errno_ret = ENOSYS;
	}
	for (size_t i = 0; i < runtime_needs_count; i++)
		for (size_t j = 0; j < 10 && runtime_needs[i].calls[j].name; j++)
			add_name(&rt, runtime_needs[i].calls[j].name);
	if (rt.n) /* qsort() wants a non-NULL array */
		qsort(rt.v, rt.n, sizeof(char *), cmp_str);
	r = rule_new(m, PROF_ACT_ALLOW,
		     xstrdup(RECPROFILE_RUNTIME_COMMENT
			     "what ward, runc and crun call after loading the filter and before "
			     "the command runs, so the profile also works under Docker+runc and "
			     "Podman+crun (not the workload's own calls)"));
	r->names = rt;
	for (size_t i = 0; i < m->nkeep; i++)
		rule_new(m, m->keep[i]->action, NULL)->verbatim = m->keep[i];
}

/* Whether @o says what the merged profile's @p says (then its comment is kept). */
static bool same_rule(const struct out_rule *o, const struct prof_rule *p)
{
	if (o->verbatim || o->action != p->action || o->names.n != p->nnames ||
	    !plain(&p->includes) || !plain(&p->excludes) || o->has_arg != (p->nargs == 1) ||
	    (!o->has_arg && p->nargs))
		return false;
	if (o->has_errno && p->errno_ret != o->errno_ret)
		return false;
	if (o->has_arg && (p->args[0].index != 0 || p->args[0].op != o->arg.op ||
			   p->args[0].value != o->arg.value || p->args[0].value_two != 0))
		return false;
	for (size_t i = 0; i < p->nnames; i++)
		if (!strv_has(&o->names, p->names[i]))
			return false;
	return true;
}

/* A rule the merged profile has already keeps its comment: merging twice changes nothing. */
static void reuse_comments(struct model *m, const struct profile *p)
{
	/* each of its rules once, in order: the x86 and x32 groups may have the same names */
	bool *used = xcalloc(p->nrules + 1, sizeof(*used));

	for (size_t i = 0; i < m->nrules; i++)
		for (size_t j = 0; j < p->nrules; j++) {
			if (used[j] || !same_rule(&m->rules[i], &p->rules[j]) ||
			    !p->rules[j].comment)
				continue;
			used[j] = true;
			free(m->rules[i].comment);
			m->rules[i].comment = xstrdup(p->rules[j].comment);
			break;
		}
	free(used);
}

static void model_release(struct model *m)
{
	for (int g = 0; g < ABIS; g++)
		strv_release(&m->names[g]);
	free(m->families.v);
	free(m->personas.v);
	free(m->keep);
	for (size_t i = 0; i < m->nrules; i++) {
		strv_release(&m->rules[i].names);
		free(m->rules[i].comment);
	}
	free(m->rules);
}

/* ---- JSON --------------------------------------------------------------------------- */

static void gen_str(yajl_gen g, const char *s)
{
	yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static void gen_u64(yajl_gen g, uint64_t v)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%" PRIu64, v);

	yajl_gen_number(g, buf, (size_t)n);
}

static void gen_strs(yajl_gen g, const char *key, char *const *v, size_t n)
{
	gen_str(g, key);
	yajl_gen_array_open(g);
	for (size_t i = 0; i < n; i++)
		gen_str(g, v[i]);
	yajl_gen_array_close(g);
}

static void gen_args(yajl_gen g, const struct prof_arg *a, size_t n)
{
	gen_str(g, "args");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < n; i++) {
		yajl_gen_map_open(g);
		gen_str(g, "index");
		gen_u64(g, a[i].index);
		gen_str(g, "value");
		gen_u64(g, a[i].value);
		gen_str(g, "valueTwo");
		gen_u64(g, a[i].value_two);
		gen_str(g, "op");
		gen_str(g, prof_op_name(a[i].op));
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
}

static void gen_filter(yajl_gen g, const char *key, const struct prof_filter *f)
{
	if (plain(f))
		return;
	gen_str(g, key);
	yajl_gen_map_open(g);
	if (f->ncaps)
		gen_strs(g, "caps", f->caps, f->ncaps);
	if (f->narches)
		gen_strs(g, "arches", f->arches, f->narches);
	if (f->has_min_kernel) {
		char v[32];

		(void)snprintf(v, sizeof(v), "%u.%u", f->min_kernel_major, f->min_kernel_minor);
		gen_str(g, "minKernel");
		gen_str(g, v);
	}
	yajl_gen_map_close(g);
}

/* A merged profile's rule as it was (its `name` folded into `names`). */
static void gen_verbatim(yajl_gen g, const struct prof_rule *r)
{
	gen_strs(g, "names", r->names, r->nnames);
	gen_str(g, "action");
	gen_str(g, prof_action_name(r->action));
	if (r->has_errno_ret) {
		gen_str(g, "errnoRet");
		gen_u64(g, r->errno_ret);
	}
	if (r->nargs)
		gen_args(g, r->args, r->nargs);
	if (r->comment) {
		gen_str(g, "comment");
		gen_str(g, r->comment);
	}
	gen_filter(g, "includes", &r->includes);
	gen_filter(g, "excludes", &r->excludes);
}

static void gen_rule(yajl_gen g, const struct out_rule *r)
{
	yajl_gen_map_open(g);
	if (r->verbatim) {
		gen_verbatim(g, r->verbatim);
		yajl_gen_map_close(g);
		return;
	}
	gen_strs(g, "names", r->names.v, r->names.n);
	gen_str(g, "action");
	gen_str(g, prof_action_name(r->action));
	if (r->has_errno) {
		gen_str(g, "errnoRet");
		gen_u64(g, r->errno_ret);
	}
	if (r->has_arg)
		gen_args(g, &r->arg, 1);
	if (r->comment) {
		gen_str(g, "comment");
		gen_str(g, r->comment);
	}
	yajl_gen_map_close(g);
}

static void gen_profile(yajl_gen g, const struct model *m, const char *native_scmp)
{
	yajl_gen_map_open(g);
	gen_str(g, "defaultAction");
	gen_str(g, "SCMP_ACT_ERRNO");
	gen_str(g, "defaultErrnoRet");
	gen_u64(g, 1);
	gen_str(g, "archMap");
	yajl_gen_array_open(g);
	yajl_gen_map_open(g);
	gen_str(g, "architecture");
	gen_str(g, native_scmp);
	gen_str(g, "subArchitectures");
	if (strcmp(native_scmp, "SCMP_ARCH_X86_64") == 0) {
		yajl_gen_array_open(g);
		gen_str(g, "SCMP_ARCH_X86");
		gen_str(g, "SCMP_ARCH_X32");
		yajl_gen_array_close(g);
	} else {
		yajl_gen_null(g);
	}
	yajl_gen_map_close(g);
	yajl_gen_array_close(g);
	gen_str(g, "syscalls");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < m->nrules; i++)
		gen_rule(g, &m->rules[i]);
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
}

int recprofile_write(const struct record_log *log, const struct profile *merge, FILE *out,
		     struct recprofile_stats *st, struct ward_err *err)
{
	struct resolve_ctx ctx;
	struct model m;
	yajl_gen g;
	const unsigned char *buf;
	size_t len;
	int r = resolve_ctx_host(&ctx, 0, err);

	if (r < 0)
		return r;
	memset(st, 0, sizeof(*st));
	memset(&m, 0, sizeof(m));
	model_from_log(&m, log, st);
	st->calls = log->total;
	if (merge)
		model_merge(&m, merge);
	model_rules(&m);
	if (merge)
		reuse_comments(&m, merge);
	st->rules = m.nrules;
	g = yajl_gen_alloc(NULL);
	if (!g) {
		model_release(&m);
		return err_set(err, ENOMEM, "cannot write the profile");
	}
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_config(g, yajl_gen_indent_string, "\t");
	gen_profile(g, &m, ctx.native_scmp);
	yajl_gen_get_buf(g, &buf, &len);
	if (fwrite(buf, 1, len, out) != len || fputc('\n', out) == EOF)
		r = err_set(err, errno, "cannot write the profile");
	yajl_gen_free(g);
	model_release(&m);
	return r;
}

int recprofile_open(const char *path, char **tmp, struct ward_err *err)
{
	cleanup_free char *copy = xstrdup(path);
	cleanup_free char *base = xstrdup(path);
	struct stat st;
	int fd;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return err_set(err, EISDIR, "cannot write '%s'", path);
	*tmp = xasprintf("%s/.%s.XXXXXX", dirname(copy), basename(base));
	fd = mkostemp(*tmp, O_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		free(*tmp);
		*tmp = NULL;
		return err_set(err, e, "cannot write '%s'", path);
	}
	return fd;
}

int recprofile_commit(int fd, const char *tmp, const char *path, const struct record_log *log,
		      const struct profile *merge, struct recprofile_stats *st,
		      struct ward_err *err)
{
	FILE *f = fdopen(fd, "w");
	int r;

	if (!f) {
		close(fd);
		return err_set(err, errno, "cannot write '%s'", path);
	}
	r = recprofile_write(log, merge, f, st, err);
	if (r == 0 && (fflush(f) != 0 || fsync(fileno(f)) < 0 || fchmod(fileno(f), 0644) < 0))
		r = err_set(err, errno, "cannot write '%s'", path);
	if (fclose(f) != 0 && r == 0)
		r = err_set(err, errno, "cannot write '%s'", path);
	if (r == 0 && rename(tmp, path) < 0)
		r = err_set(err, errno, "cannot write '%s'", path);
	return r;
}
