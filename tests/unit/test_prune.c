/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_prune.c - prune_program() on small programs written by hand: what no entry
 * reaches goes, what one does stays, and the cut program decides as the whole one
 * for every input its entries admit.
 */
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <string.h>

#include "../../src/seccomp/filter_int.h"
#include "unit.h"
#include "ward/bpf_interp.h"

#define NR   offsetof(struct seccomp_data, nr)
#define ARCH offsetof(struct seccomp_data, arch)
#define ARG0 offsetof(struct seccomp_data, args[0])

#define LD(off)		   ((struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (off)))
#define JMP(op, k, jt, jf) ((struct sock_filter)BPF_JUMP(BPF_JMP | (op) | BPF_K, (k), (jt), (jf)))
#define RET(k)		   ((struct sock_filter)BPF_STMT(BPF_RET | BPF_K, (k)))
#define ERR(e)		   (SECCOMP_RET_ERRNO | (e))

static uint32_t decide(const struct sock_filter *p, size_t n, uint32_t arch, uint32_t nr)
{
	struct seccomp_data d = {.nr = (int)nr, .arch = arch};
	struct bpf_interp_result res;

	ck_assert_int_eq(bpf_interp_run(p, n, &d, &res), 0);
	return res.ret;
}

/* The cut of @orig (@n) for @e; its decisions on [lo, hi] of @arch equal the whole's. */
static size_t cut_same(const struct sock_filter *orig, size_t n, const struct prune_entry *e,
		       size_t ne, const uint32_t *not_arch, size_t nnot, struct sock_filter *out)
{
	size_t len;

	memcpy(out, orig, n * sizeof(*orig));
	len = prune_program(out, n, e, ne, not_arch, nnot);
	for (size_t i = 0; i < ne; i++) {
		uint32_t arch = e[i].arch_known ? e[i].arch : AUDIT_ARCH_AARCH64;

		for (uint64_t nr = e[i].lo; nr <= e[i].hi && nr <= e[i].lo + 64; nr++)
			ck_assert_msg(decide(out, len, arch, (uint32_t)nr) ==
					  decide(orig, n, arch, (uint32_t)nr),
				      "arch %#x nr %u", arch, (unsigned)nr);
	}
	return len;
}

/* A jump whose two branches meet: every input goes on, none narrowed to one branch's. */
START_TEST(test_branches_that_meet)
{
	const struct sock_filter p[] = {
	    LD(NR),	 JMP(BPF_JEQ, 5, 0, 0),	 JMP(BPF_JEQ, 7, 0, 1),
	    RET(ERR(1)), RET(SECCOMP_RET_ALLOW),
	};
	const struct prune_entry e = {true, AUDIT_ARCH_X86_64, 0, 10};
	struct sock_filter out[8];

	ck_assert_uint_eq(cut_same(p, 5, &e, 1, NULL, 0, out), 5);
	ck_assert_uint_eq(decide(out, 5, AUDIT_ARCH_X86_64, 7), ERR(1));
}
END_TEST

/* Numbers the entries never hold: their code goes, the others' stays. */
START_TEST(test_unreached_numbers)
{
	const struct sock_filter p[] = {
	    LD(NR),
	    JMP(BPF_JGT, 100, 0, 2),
	    LD(ARG0),
	    RET(SECCOMP_RET_KILL_PROCESS),
	    RET(SECCOMP_RET_ALLOW),
	};
	const struct prune_entry low = {true, AUDIT_ARCH_X86_64, 0, 50};
	const struct prune_entry all = {true, AUDIT_ARCH_X86_64, 0, UINT32_MAX};
	struct sock_filter out[8];
	size_t len = cut_same(p, 5, &low, 1, NULL, 0, out);

	ck_assert_uint_eq(len, 3); /* ld, the jump, RET ALLOW: the last is a return */
	ck_assert_int_eq(out[len - 1].code, BPF_RET | BPF_K);
	ck_assert_uint_eq(cut_same(p, 5, &all, 1, NULL, 0, out), 5);
}
END_TEST

/* An arch none of the dispatched ones: their sections go; another arch's stays. */
START_TEST(test_unnamed_arch)
{
	const struct sock_filter p[] = {
	    LD(ARCH),
	    JMP(BPF_JEQ, AUDIT_ARCH_X86_64, 0, 3),
	    LD(NR),
	    JMP(BPF_JEQ, 1, 0, 1),
	    RET(SECCOMP_RET_ALLOW),
	    JMP(BPF_JEQ, AUDIT_ARCH_I386, 0, 1),
	    RET(ERR(2)),
	    RET(SECCOMP_RET_KILL_PROCESS),
	};
	const uint32_t x64 = AUDIT_ARCH_X86_64, both[] = {AUDIT_ARCH_X86_64, AUDIT_ARCH_I386};
	const struct prune_entry other = {false, 0, 0, UINT32_MAX};
	struct sock_filter out[8];

	/* x86_64 dispatched: its section (ld nr, the test, RET ALLOW) goes */
	ck_assert_uint_eq(cut_same(p, 8, &other, 1, &x64, 1, out), 5);
	/* both: only the load, the two arch tests and the kill stay reachable */
	ck_assert_uint_eq(cut_same(p, 8, &other, 1, both, 2, out), 4);
	ck_assert_uint_eq(decide(out, 4, AUDIT_ARCH_AARCH64, 1), SECCOMP_RET_KILL_PROCESS);
}
END_TEST

Suite *prune_suite(void)
{
	Suite *s = suite_create("prune");
	TCase *tc = tcase_create("prune");

	tcase_set_timeout(tc, UNIT_TIMEOUT);
	tcase_add_test(tc, test_branches_that_meet);
	tcase_add_test(tc, test_unreached_numbers);
	tcase_add_test(tc, test_unnamed_arch);
	suite_add_tcase(s, tc);
	return s;
}
