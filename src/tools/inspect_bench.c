// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * inspect_bench.c - `ward seccomp bench`: what a filter costs per system call,
 * by our BPF interpreter. Per native syscall with zero arguments: the
 * instructions executed (mean and worst, over the allowed ones and all).
 * Which allowed syscalls the kernel's seccomp action cache (Linux 5.11+) can
 * answer without running the filter: those whose ALLOW does not depend on the
 * arguments, found as the kernel finds them (seccomp_is_const_allow(): the
 * program run with arch and nr known, any argument load ends the search).
 * And for the profile's argument rules, the cost of a call that matches one.
 */
#include "ward/inspect.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "inspect_int.h"
#include "ward/cleanup.h"
#include "ward/filter.h"
#include "ward/util.h"

/* Native syscall numbers bench walks; every ABI we build for is below. */
#define BENCH_MAX_NR 1024

static int read_bpf_file(const char *path, struct filter_prog *prog, struct ward_err *err)
{
	char *buf = NULL;
	size_t len = 0;

	if (read_file(path, FILTER_MAX_INSNS * sizeof(struct sock_filter), &buf, &len, err) < 0)
		return -EINVAL;
	if (len == 0 || len % sizeof(struct sock_filter)) {
		free(buf);
		return err_set(err, 0, "'%s' is not a BPF program (%zu bytes)", path, len);
	}
	memset(prog, 0, sizeof(*prog));
	prog->len = len / sizeof(struct sock_filter);
	prog->insns = xcalloc(prog->len, sizeof(struct sock_filter));
	memcpy(prog->insns, buf, len); /* read_file's buffer is not aligned for sock_filter */
	prog->enabled = true;
	free(buf);
	return 0;
}

/*
 * The kernel's emulation for its action cache (kernel/seccomp.c,
 * seccomp_is_const_allow()), on one program: true when it reaches RET ALLOW
 * with only arch and nr known.
 */
static bool const_allow_one(const struct sock_filter *f, size_t len, uint32_t arch, uint32_t nr)
{
	uint32_t acc = 0;
	size_t pc = 0;
	bool cond;

	while (pc < len) {
		const struct sock_filter *in = &f[pc];

		switch (in->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (in->k == offsetof(struct seccomp_data, nr))
				acc = nr;
			else if (in->k == offsetof(struct seccomp_data, arch))
				acc = arch;
			else
				return false; /* an argument, or the instruction pointer */
			pc++;
			continue;
		case BPF_RET | BPF_K:
			return in->k == SECCOMP_RET_ALLOW;
		case BPF_JMP | BPF_JA:
			pc += 1 + (size_t)in->k;
			continue;
		case BPF_ALU | BPF_AND | BPF_K:
			acc &= in->k;
			pc++;
			continue;
		case BPF_JMP | BPF_JEQ | BPF_K:
			cond = acc == in->k;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			cond = acc >= in->k;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			cond = acc > in->k;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			cond = (acc & in->k) != 0;
			break;
		default:
			return false;
		}
		pc += 1 + (size_t)(cond ? in->jt : in->jf);
	}
	return false;
}

/* Every part of a stack must allow for the cache to hold the call. */
static bool const_allow(const struct filter_prog *p, uint32_t nr)
{
	size_t i, off = 0, n = p->nparts > 1 ? p->nparts : 1;

	if (!p->enabled)
		return true;
	for (i = 0; i < n; i++) {
		size_t len = p->nparts > 1 ? p->part_len[i] : p->len;

		if (!const_allow_one(p->insns + off, len, filter_native_arch(), nr))
			return false;
		off += len;
	}
	return true;
}

struct stats {
	size_t n, worst;
	double sum;
};

static void stats_add(struct stats *s, size_t executed)
{
	s->n++;
	s->sum += (double)executed;
	if (executed > s->worst)
		s->worst = executed;
}

static double stats_mean(const struct stats *s)
{
	return s->n ? s->sum / (double)s->n : 0.0;
}

/*
 * The calls the profile's argument rules describe: each rule's comparison
 * values put in place (EQ: the value; MASKED_EQ: the expected bits; others:
 * the bound), the other arguments zero. Those the filter allows count.
 */
static void rule_calls(const struct compiled *c, struct stats *s)
{
	char *names[BENCH_MAX_NR] = {NULL};
	size_t i, j, k;
	int nr;

	for (nr = 0; nr < BENCH_MAX_NR; nr++)
		names[nr] = filter_syscall_name(nr);
	for (i = 0; i < c->rs.nrules; i++) {
		const struct prof_rule *r = c->rs.rules[i];
		uint64_t args[6] = {0};

		if (!r->nargs)
			continue;
		for (k = 0; k < r->nargs; k++)
			if (r->args[k].index < 6)
				args[r->args[k].index] = r->args[k].op == PROF_OP_MASKED_EQ
							     ? r->args[k].value_two
							     : r->args[k].value;
		for (j = 0; j < r->nnames; j++) {
			for (nr = 0; nr < BENCH_MAX_NR; nr++) {
				size_t executed;
				uint32_t ret;

				if (!names[nr] || strcmp(names[nr], r->names[j]) != 0)
					continue;
				ret = inspect_run_prog(&c->prog, nr, args, &executed);
				if ((ret & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ALLOW)
					stats_add(s, executed);
				break;
			}
		}
	}
	for (nr = 0; nr < BENCH_MAX_NR; nr++)
		free(names[nr]);
}

static void print_uncached(FILE *out, char **uncached, size_t n, bool json)
{
	size_t i;

	for (i = 0; i < n; i++)
		fprintf(out, json ? "%s\"%s\"" : "%s%s", i ? (json ? "," : " ") : "", uncached[i]);
}

static void report(FILE *out, const struct inspect_opts *o, const char *name,
		   const struct filter_prog *prog, const struct stats st[3], size_t cached,
		   char **uncached, size_t nuncached)
{
	if (o->json) {
		fprintf(
		    out,
		    "{\"program\":\"%s\",\"instructions\":%zu,\"filters\":%zu,\"syscalls\":%zu,"
		    "\"allowed\":%zu,\"mean_allowed\":%.2f,\"worst_allowed\":%zu,"
		    "\"mean_all\":%.2f,\"worst_all\":%zu,\"cache_constant\":%zu,"
		    "\"rule_calls_allowed\":%zu,\"mean_rule_call\":%.2f,\"worst_rule_call\":%zu,"
		    "\"cache_not_constant\":[",
		    name, prog->len, prog->nparts > 1 ? prog->nparts : 1, st[0].n, st[1].n,
		    stats_mean(&st[1]), st[1].worst, stats_mean(&st[0]), st[0].worst, cached,
		    st[2].n, stats_mean(&st[2]), st[2].worst);
		print_uncached(out, uncached, nuncached, true);
		fprintf(out, "]}\n");
		return;
	}
	fprintf(out, "%s: %zu BPF instructions", name, prog->len);
	if (prog->nparts > 1)
		fprintf(out, " in %zu stacked filters", prog->nparts);
	fprintf(out,
		"\n  allowed syscalls: %zu of %zu; instructions executed per allowed "
		"syscall: mean %.1f, worst %zu\n",
		st[1].n, st[0].n, stats_mean(&st[1]), st[1].worst);
	fprintf(out, "  all syscalls: mean %.1f, worst %zu\n", stats_mean(&st[0]), st[0].worst);
	fprintf(out,
		"  seccomp action cache (Linux 5.11+): %zu of %zu allowed syscalls are "
		"constant and skip the filter",
		cached, st[1].n);
	if (nuncached) {
		fprintf(out, "; not: ");
		print_uncached(out, uncached, nuncached, false);
	}
	fprintf(out, "\n");
	if (st[2].n)
		fprintf(out,
			"  calls matching the profile's argument rules, allowed: %zu; "
			"instructions: mean %.1f, worst %zu\n",
			st[2].n, stats_mean(&st[2]), st[2].worst);
}

int inspect_bench(const struct inspect_opts *o, FILE *out, struct ward_err *err)
{
	struct compiled c;
	struct stats st[3] = {{0}}; /* all, allowed, rule calls */
	char *uncached[BENCH_MAX_NR];
	size_t nuncached = 0, cached = 0, i;
	const char *name;
	int r, nr;

	memset(&c, 0, sizeof(c));
	if (o->bpf_file) {
		r = read_bpf_file(o->bpf_file, &c.prog, err);
		name = o->bpf_file;
	} else {
		r = inspect_compile(o, &c, err);
		name = c.src.name;
	}
	if (r < 0)
		return r;
	for (nr = 0; nr < BENCH_MAX_NR; nr++) {
		char *sys = filter_syscall_name(nr);
		size_t executed;
		uint32_t ret;

		if (!sys)
			continue;
		ret = inspect_run_prog(&c.prog, nr, NULL, &executed);
		stats_add(&st[0], executed);
		if ((ret & SECCOMP_RET_ACTION_FULL) != SECCOMP_RET_ALLOW) {
			free(sys);
			continue;
		}
		stats_add(&st[1], executed);
		if (const_allow(&c.prog, (uint32_t)nr)) {
			cached++;
			free(sys);
		} else {
			uncached[nuncached++] = sys;
		}
	}
	if (!o->bpf_file)
		rule_calls(&c, &st[2]);
	report(out, o, name, &c.prog, st, cached, uncached, nuncached);
	for (i = 0; i < nuncached; i++)
		free(uncached[i]);
	inspect_compiled_release(&c);
	return 0;
}
