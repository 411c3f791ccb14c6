/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diff.c - `ward seccomp diff`: two compiled profiles, judged call by call. */
#include "ward/diff.h"

#include <inttypes.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "ward/cleanup.h"
#include "ward/filter.h"
#include "ward/inspect.h"
#include "ward/policy.h"
#include "ward/profile.h"
#include "ward/util.h"

#define DIFF_MAX_NR    1024
#define DIFF_MAX_PROBE 160

/* One argument vector to try: arg @index = @value, the others 0 (index -1: all 0). */
struct probe {
	int index;
	uint64_t value;
};

/* A profile opened for judging, with its resolved rules for the probes. */
struct side {
	const char *path;
	struct inspect_ctx *ctx;
	struct policy_source src;
	struct profile *prof;
	struct rule_set rs;
};

/* One difference: @name with @probes (n 0: whatever the arguments). */
struct change {
	char *name;
	struct probe *probes;
	size_t n;
};

struct changes {
	struct change *v;
	size_t n, cap;
};

static int side_open(struct side *s, const char *path, uint64_t caps, struct ward_err *err)
{
	const char *p = strcmp(path, "default") == 0 ? NULL : path;
	struct inspect_opts io = {.profile = p, .caps = caps};
	int r;

	memset(s, 0, sizeof(*s));
	s->path = path;
	r = inspect_open(&io, &s->ctx, err);
	if (r < 0)
		return r;
	r = policy_read(p, &s->src, err);
	if (r == 0)
		r = policy_resolve(&s->src, caps, &s->prof, &s->rs, err);
	return r;
}

static void side_close(struct side *s)
{
	inspect_close(s->ctx);
	rule_set_release(&s->rs);
	profile_free(s->prof);
	policy_source_release(&s->src);
}

static void probe_add(struct probe *p, size_t *n, int index, uint64_t value)
{
	if (value == 0)
		index = -1; /* the same vector as all zero */
	for (size_t i = 0; i < *n; i++)
		if (p[i].index == index && p[i].value == value)
			return;
	if (*n < DIFF_MAX_PROBE)
		p[(*n)++] = (struct probe){index, value};
}

/* The values the rules of @s for @name test: each boundary, and each bit of a mask. */
static void probes_of(const struct side *s, const char *name, struct probe *p, size_t *n)
{
	for (size_t i = 0; i < s->rs.nrules; i++) {
		const struct prof_rule *r = s->rs.rules[i];
		bool named = false;

		for (size_t j = 0; j < r->nnames && !named; j++)
			named = strcmp(r->names[j], name) == 0;
		for (size_t a = 0; named && a < r->nargs; a++) {
			const struct prof_arg *g = &r->args[a];
			int ix = (int)g->index;

			if (g->op == PROF_OP_MASKED_EQ) {
				probe_add(p, n, ix, g->value_two);
				for (int b = 0; b < 64; b++)
					if (g->value & (1ULL << b))
						probe_add(p, n, ix, g->value_two ^ (1ULL << b));
				continue;
			}
			probe_add(p, n, ix, g->value);
			probe_add(p, n, ix, g->value + 1);
			probe_add(p, n, ix, g->value - 1);
		}
	}
}

static bool allows(const struct side *s, int nr, const char *name, const struct probe *p)
{
	struct inspect_verdict v;
	uint64_t args[6] = {0};
	uint32_t action;

	if (p->index >= 0)
		args[p->index] = p->value;
	inspect_judge(s->ctx, nr, args, name, &v);
	action = v.ret & SECCOMP_RET_ACTION_FULL;
	return action == SECCOMP_RET_ALLOW || action == SECCOMP_RET_LOG;
}

static void change_add(struct changes *c, const char *name, const struct probe *p, size_t n,
		       bool all)
{
	struct change *ch;

	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->v = xrealloc(c->v, c->cap * sizeof(*c->v));
	}
	ch = &c->v[c->n++];
	ch->name = xstrdup(name);
	ch->n = all ? 0 : n;
	ch->probes = NULL;
	if (!all) {
		ch->probes = xcalloc(n ? n : 1, sizeof(*p));
		memcpy(ch->probes, p, n * sizeof(*p));
	}
}

/* Judge @nr under both; record where NEW allows and OLD denies (@up) and the reverse. */
static void judge_nr(const struct side *old, const struct side *new, int nr, const char *name,
		     struct changes *up, struct changes *down)
{
	struct probe p[DIFF_MAX_PROBE], wide[DIFF_MAX_PROBE], narrow[DIFF_MAX_PROBE];
	size_t n = 0, nw = 0, nn = 0;

	probe_add(p, &n, -1, 0);
	probes_of(old, name, p, &n);
	probes_of(new, name, p, &n);
	for (size_t i = 0; i < n; i++) {
		bool a = allows(old, nr, name, &p[i]), b = allows(new, nr, name, &p[i]);

		if (b && !a)
			wide[nw++] = p[i];
		else if (a && !b)
			narrow[nn++] = p[i];
	}
	if (nw)
		change_add(up, name, wide, nw, nw == n);
	if (nn)
		change_add(down, name, narrow, nn, nn == n);
}

static void changes_release(struct changes *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].name);
		free(c->v[i].probes);
	}
	free(c->v);
}

static void print_text(const struct changes *c, char sign, const char *title, FILE *out)
{
	fprintf(out, "%s (%zu):\n", title, c->n);
	for (size_t i = 0; i < c->n; i++) {
		const struct change *ch = &c->v[i];

		fprintf(out, "  %c %s", sign, ch->name);
		for (size_t j = 0; j < ch->n; j++) {
			if (ch->probes[j].index < 0)
				fprintf(out, "%sargs all 0", j ? ", " : " when ");
			else
				fprintf(out, "%sarg%d=0x%" PRIx64, j ? ", " : " when ",
					ch->probes[j].index, ch->probes[j].value);
		}
		fputc('\n', out);
	}
}

static void gen_str(yajl_gen g, const char *s)
{
	yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static void gen_changes(yajl_gen g, const char *key, const struct changes *c)
{
	gen_str(g, key);
	yajl_gen_array_open(g);
	for (size_t i = 0; i < c->n; i++) {
		const struct change *ch = &c->v[i];

		yajl_gen_map_open(g);
		gen_str(g, "syscall");
		gen_str(g, ch->name);
		gen_str(g, "args");
		if (!ch->n) {
			yajl_gen_null(g);
		} else {
			yajl_gen_array_open(g);
			for (size_t j = 0; j < ch->n; j++) {
				char v[32];

				yajl_gen_map_open(g);
				gen_str(g, "index");
				yajl_gen_integer(g, ch->probes[j].index);
				gen_str(g, "value");
				(void)snprintf(v, sizeof(v), "%" PRIu64, ch->probes[j].value);
				yajl_gen_number(g, v, strlen(v));
				yajl_gen_map_close(g);
			}
			yajl_gen_array_close(g);
		}
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
}

static void print_json(const struct diff_opts *o, const struct changes *up,
		       const struct changes *down, FILE *out)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;

	if (!g)
		return;
	yajl_gen_map_open(g);
	gen_str(g, "old");
	gen_str(g, o->old_path);
	gen_str(g, "new");
	gen_str(g, o->new_path);
	gen_str(g, "wider");
	yajl_gen_bool(g, up->n > 0);
	gen_changes(g, "added", up);
	gen_changes(g, "removed", down);
	yajl_gen_map_close(g);
	yajl_gen_get_buf(g, &buf, &len);
	fprintf(out, "%.*s\n", (int)len, (const char *)buf);
	yajl_gen_free(g);
}

int diff_profiles(const struct diff_opts *o, FILE *out, struct ward_err *err)
{
	struct side old, new;
	struct changes up = {0}, down = {0};
	int r = side_open(&old, o->old_path, o->caps, err);

	if (r == 0)
		r = side_open(&new, o->new_path, o->caps, err);
	else
		memset(&new, 0, sizeof(new));
	if (r < 0) {
		side_close(&old);
		side_close(&new);
		return err_prefix(err, "seccomp diff");
	}
	for (int nr = 0; nr < DIFF_MAX_NR; nr++) {
		cleanup_free char *name = filter_syscall_name(nr);

		if (name)
			judge_nr(&old, &new, nr, name, &up, &down);
	}
	if (o->json) {
		print_json(o, &up, &down, out);
	} else {
		print_text(&up, '+', "NEW allows, OLD denies", out);
		print_text(&down, '-', "OLD allows, NEW denies", out);
	}
	r = up.n > 0;
	changes_release(&up);
	changes_release(&down);
	side_close(&old);
	side_close(&new);
	return r;
}
