/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_share.c - as_share_returns() on small programs written by hand: a jump
 * to a return moves to an identical one in reach and the return goes, one run
 * into by another instruction stays, one out of a conditional jump's reach
 * stays; the shorter program decides as the whole one, instruction for
 * instruction. Then the programs ward builds: no jump is left that could share.
 */
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <string.h>

#include "../../src/seccomp/filter_int.h"
#include "unit.h"
#include "ward/bpf_interp.h"
#include "ward/caps.h"
#include "ward/filter.h"
#include "ward/profile.h"

#define NR   offsetof(struct seccomp_data, nr)
#define ARG0 offsetof(struct seccomp_data, args[0])

#define LD(off)		   ((struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (off)))
#define JMP(op, k, jt, jf) ((struct sock_filter)BPF_JUMP(BPF_JMP | (op) | BPF_K, (k), (jt), (jf)))
#define JA(k)		   ((struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA, (k)))
#define RET(k)		   ((struct sock_filter)BPF_STMT(BPF_RET | BPF_K, (k)))
#define ERR(e)		   (SECCOMP_RET_ERRNO | (e))
#define ALLOW		   SECCOMP_RET_ALLOW

static struct bpf_interp_result run(const struct sock_filter *p, size_t n, uint32_t nr,
				    uint64_t arg0)
{
	struct seccomp_data d = {.nr = (int)nr, .arch = AUDIT_ARCH_X86_64, .args = {arg0}};
	struct bpf_interp_result res;

	ck_assert_int_eq(bpf_interp_run(p, n, &d, &res), 0);
	return res;
}

/*
 * @orig (@n) shared into @out; for nr 0..@nr_max (arg0 0 and 1) the same answer
 * after as many instructions. Return: the new length.
 */
static size_t share_same(const struct sock_filter *orig, size_t n, uint32_t nr_max,
			 struct sock_filter *out)
{
	size_t len;

	memcpy(out, orig, n * sizeof(*orig));
	len = as_share_returns(out, n, NULL);
	ck_assert_uint_le(len, n);
	ck_assert_int_eq(out[len - 1].code, BPF_RET | BPF_K); /* the kernel's rule */
	for (uint32_t nr = 0; nr <= nr_max; nr++)
		for (uint64_t a = 0; a < 2; a++) {
			struct bpf_interp_result x = run(orig, n, nr, a), y = run(out, len, nr, a);

			ck_assert_msg(x.ret == y.ret, "nr %u arg0 %u: %#x, shared %#x", nr,
				      (unsigned)a, x.ret, y.ret);
			ck_assert_uint_eq(x.executed, y.executed);
		}
	return len;
}

/* The fast path's leaves: each its own returns; shared, two of six stay. */
START_TEST(test_leaves)
{
	const struct sock_filter p[] = {
	    LD(NR),	JMP(BPF_JGE, 10, 3, 0), JMP(BPF_JGE, 5, 1, 0), RET(ERR(1)),
	    RET(ALLOW), JMP(BPF_JGE, 20, 1, 0), RET(ERR(1)),	       RET(ALLOW),
	};
	struct sock_filter out[8];

	ck_assert_uint_eq(share_same(p, 8, 30, out), 6);
}
END_TEST

/* A return an instruction other than a jump runs into stays; so does the entry. */
START_TEST(test_run_into)
{
	const struct sock_filter p[] = {
	    LD(NR), JMP(BPF_JEQ, 1, 0, 2), LD(ARG0), RET(ALLOW), RET(ALLOW),
	};
	const struct sock_filter q[] = {RET(ALLOW), RET(ALLOW)};
	struct sock_filter out[8];

	ck_assert_uint_eq(share_same(p, 5, 4, out), 5);
	ck_assert_uint_eq(share_same(q, 2, 1, out), 2);
}
END_TEST

/*
 * A return whose identical one is 300 instructions on: out of a conditional
 * jump's reach (it stays), within BPF_JA's (it goes); at 100, within both.
 */
static size_t far_program(struct sock_filter *p, size_t gap, bool ja)
{
	size_t n = 0, i;

	p[n++] = LD(NR);
	p[n++] = JMP(BPF_JEQ, 1, 2, 0);		      /* nr 1: the gap, then ERR(1) */
	p[n++] = ja ? JA(0) : JMP(BPF_JEQ, 99, 0, 0); /* else: the next, ERR(1) */
	p[n++] = RET(ERR(1));
	for (i = 0; i < gap; i++)
		p[n++] = LD(NR);
	p[n++] = RET(ERR(1));
	p[n++] = RET(ALLOW);
	return n;
}

START_TEST(test_reach)
{
	static struct sock_filter p[320], out[320];
	size_t n;

	n = far_program(p, 300, false);
	ck_assert_uint_eq(share_same(p, n, 3, out), n);
	n = far_program(p, 300, true);
	ck_assert_uint_eq(share_same(p, n, 3, out), n - 1);
	ck_assert_uint_eq(out[2].k, 300); /* the BPF_JA: over the gap */
	n = far_program(p, 100, false);
	ck_assert_uint_eq(share_same(p, n, 3, out), n - 1);
}
END_TEST

/*
 * No return left that as_share_returns() would take out: one reached only by
 * jumps, each of them within reach of the nearest identical return further on.
 */
static void assert_shared(const struct filter_prog *prog)
{
	size_t nparts = prog->nparts > 1 ? prog->nparts : 1, off = 0;

	for (size_t part = 0; part < nparts; part++) {
		const struct sock_filter *f = prog->insns + off;
		size_t n = nparts > 1 ? prog->part_len[part] : prog->len, t, u, i;

		for (t = 1; t < n; t++) {
			bool reach = true;

			if (BPF_CLASS(f[t].code) != BPF_RET ||
			    (BPF_CLASS(f[t - 1].code) != BPF_JMP &&
			     BPF_CLASS(f[t - 1].code) != BPF_RET))
				continue;
			for (u = t + 1; u < n && (f[u].code != f[t].code || f[u].k != f[t].k); u++)
				;
			if (u == n)
				continue;
			for (i = 0; i < t; i++)
				if (BPF_CLASS(f[i].code) == BPF_JMP &&
				    BPF_OP(f[i].code) != BPF_JA &&
				    (i + 1 + f[i].jt == t || i + 1 + f[i].jf == t) &&
				    u - (i + 1) > 255)
					reach = false;
			ck_assert_msg(!reach, "part %zu: return %zu could be the one at %zu", part,
				      t, u);
		}
		off += n;
	}
}

/* What filter_build() makes: Docker's default, and a value set past one program. */
START_TEST(test_built_programs)
{
	struct resolve_ctx c = {.native_arch = "amd64",
				.native_scmp = "SCMP_ARCH_X86_64",
				.caps = caps_docker_default(),
				.kernel_major = 6,
				.kernel_minor = 1};
	struct profile *prof = NULL;
	struct ward_err err = {0};
	struct filter_prog prog;
	struct rule_set rs;

	ck_assert_msg(profile_load_default(&prof, &err) == 0, "%s", err.msg);
	ck_assert_msg(profile_resolve(prof, &c, &rs, &err) == 0, "%s", err.msg);
	ck_assert_msg(filter_build(&rs, 0, &prog, &err) == 0, "%s", err.msg);
	assert_shared(&prog);
	filter_prog_release(&prog);
	ck_assert_msg(filter_build(&rs, FILTER_STACK, &prog, &err) == 0, "%s", err.msg);
	assert_shared(&prog);
	filter_prog_release(&prog);
	rule_set_release(&rs);
	profile_free(prof);
}
END_TEST

Suite *share_suite(void)
{
	Suite *s = suite_create("share");
	TCase *tc = tcase_create("share");

	tcase_set_timeout(tc, UNIT_TIMEOUT);
	tcase_add_test(tc, test_leaves);
	tcase_add_test(tc, test_run_into);
	tcase_add_test(tc, test_reach);
	tcase_add_test(tc, test_built_programs);
	suite_add_tcase(s, tc);
	return s;
}
