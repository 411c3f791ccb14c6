/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_devcg.c - the device cgroup module: access strings and v1 lines, the
 * rule semantics in C (devcg_allows()), the eBPF program run by a small
 * interpreter against devcg_allows() over random rule lists, devcg_apply_v1()
 * on a fake directory; and, as root, the real kernel: the program loaded and
 * attached to a cgroup v2 cgroup, a v1 devices cgroup written, and a child in
 * each trying opens and mknods whose outcome must be what devcg_allows() says.
 *
 * The kernel cases use unchecked fixtures, which run in the runner process
 * even when a test fails, so their cgroups and temporary nodes always go.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>

#include "unit.h"
#include "ward/devcg.h"
#include "ward/util.h"

#define ANY	      DEVCG_ANY
#define R	      DEVCG_READ
#define W	      DEVCG_WRITE
#define M	      DEVCG_MKNOD
#define RW	      (DEVCG_READ | DEVCG_WRITE)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define RULE(al, t, maj, min, acc)                                                                 \
	{                                                                                          \
		.allow = (al), .type = (t), .major = (maj), .minor = (min), .access = (acc)        \
	}

/* ------------------------------------------------------------------ access strings, v1 lines */

START_TEST(test_parse_access)
{
	static const struct {
		const char *s;
		int ret;
		unsigned int bits;
	} cases[] = {
	    {"", 0, 0},		 {"r", 0, R},		{"w", 0, W},	       {"m", 0, M},
	    {"rw", 0, RW},	 {"rwm", 0, R | W | M}, {"mwr", 0, R | W | M}, {"wm", 0, W | M},
	    {"rwx", -EINVAL, 0}, {"rr", -EINVAL, 0},	{"rwmr", -EINVAL, 0},  {"R", -EINVAL, 0},
	    {" r", -EINVAL, 0},	 {"a", -EINVAL, 0},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		unsigned int bits = 0xdead;

		ck_assert_msg(devcg_parse_access(cases[i].s, &bits) == cases[i].ret, "\"%s\"",
			      cases[i].s);
		if (cases[i].ret == 0)
			ck_assert_msg(bits == cases[i].bits, "\"%s\": 0x%x", cases[i].s, bits);
	}
}
END_TEST

static const char *fmt(const struct devcg_rule *r)
{
	static char buf[64];

	ck_assert_int_eq(devcg_format_v1(r, buf, sizeof(buf)), 0);
	return buf;
}

START_TEST(test_format_v1)
{
	const struct devcg_rule c13 = RULE(true, 'c', 1, 3, R | W | M);
	const struct devcg_rule b8 = RULE(false, 'b', 8, ANY, R);
	const struct devcg_rule all = RULE(false, 'a', ANY, ANY, R | W | M);
	const struct devcg_rule wm = RULE(true, 'c', 10, 200, M | W);
	const struct devcg_rule big = RULE(true, 'b', INT32_MAX, INT32_MAX, R | W | M);
	char buf[64];

	ck_assert_str_eq(fmt(&c13), "c 1:3 rwm");
	ck_assert_str_eq(fmt(&b8), "b 8:* r");
	ck_assert_str_eq(fmt(&all), "a *:* rwm");
	ck_assert_str_eq(fmt(&wm), "c 10:200 wm");
	ck_assert_str_eq(fmt(&big), "b 2147483647:2147483647 rwm");

	/* round trip: the access part parses back to the same bits */
	for (unsigned int acc = 1; acc <= DEVCG_RWM; acc++) {
		const struct devcg_rule r = RULE(true, 'c', 4, ANY, acc);
		unsigned int back = 0;
		const char *s = fmt(&r);

		ck_assert_int_eq(devcg_parse_access(strrchr(s, ' ') + 1, &back), 0);
		ck_assert_uint_eq(back, acc);
	}

	/* refused: what the kernel would refuse or misread */
	const struct devcg_rule bad[] = {
	    RULE(true, 'x', 1, 3, R), RULE(true, 'c', -2, 3, R), RULE(true, 'c', 1, INT64_MAX, R),
	    RULE(true, 'c', 1, 3, 8), RULE(true, 'c', 1, 3, 0),	 RULE(true, 'a', 1, ANY, R),
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		ck_assert_msg(devcg_format_v1(&bad[i], buf, sizeof(buf)) == -EINVAL, "bad[%zu]", i);
	ck_assert_int_eq(devcg_format_v1(&c13, buf, 9), -ENOSPC); /* "c 1:3 rwm" needs 10 */
	ck_assert_int_eq(devcg_format_v1(&c13, buf, 10), 0);
}
END_TEST

START_TEST(test_default_rules)
{
	/* runc's order: the deny-all Docker puts first, then specconv.AllowedDevices */
	static const char *const want[] = {
	    "a *:* rwm", "c *:* m",   "b *:* m",   "c 1:3 rwm",	  "c 1:8 rwm", "c 1:7 rwm",
	    "c 5:0 rwm", "c 1:5 rwm", "c 1:9 rwm", "c 136:* rwm", "c 5:2 rwm", "c 10:200 rwm",
	};

	ck_assert_uint_eq(devcg_ndefault_rules, ARRAY_SIZE(want));
	for (size_t i = 0; i < devcg_ndefault_rules; i++) {
		ck_assert_str_eq(fmt(&devcg_default_rules[i]), want[i]);
		ck_assert(devcg_default_rules[i].allow == (i != 0));
	}
}
END_TEST

/* ------------------------------------------------------------------ the semantics in C */

static bool allows(const struct devcg_rule *r, size_t n, char type, uint32_t maj, uint32_t min,
		   unsigned int acc)
{
	return devcg_allows(r, n, type, maj, min, acc);
}

START_TEST(test_allows_defaults)
{
	const struct devcg_rule *d = devcg_default_rules;
	size_t n = devcg_ndefault_rules;

	ck_assert(allows(d, n, 'c', 1, 3, RW)); /* open("/dev/null", O_RDWR) */
	ck_assert(allows(d, n, 'c', 1, 3, R | W | M));
	ck_assert(!allows(d, n, 'b', 8, 0, R)); /* read of /dev/sda */
	ck_assert(allows(d, n, 'b', 8, 0, M));	/* mknod of any node */
	ck_assert(allows(d, n, 'c', 42, 7, M));
	ck_assert(!allows(d, n, 'b', 8, 0, R | M)); /* mknod is not reading */
	ck_assert(allows(d, n, 'c', 136, 5, R));    /* a pty slave */
	ck_assert(allows(d, n, 'c', 136, 0, RW));
	ck_assert(!allows(d, n, 'b', 136, 5, R));   /* 136 is a char major only */
	ck_assert(allows(d, n, 'c', 10, 200, RW));  /* /dev/net/tun */
	ck_assert(!allows(d, n, 'c', 10, 229, RW)); /* /dev/fuse */
	ck_assert(!allows(d, n, 'c', 5, 1, RW));    /* /dev/console: not in runc's list */
	ck_assert(!allows(d, n, 'c', 1, 1, R));	    /* /dev/mem */
	ck_assert(allows(NULL, 0, 'b', 8, 0, RW));  /* no rules: allowed */
}
END_TEST

START_TEST(test_allows_order)
{
	/* a later deny overrides an earlier allow ... */
	const struct devcg_rule later_deny[] = {
	    RULE(false, 'a', ANY, ANY, R | W | M),
	    RULE(true, 'c', 1, ANY, RW),
	    RULE(false, 'c', 1, 5, W),
	};
	/* ... and a later allow an earlier deny */
	const struct devcg_rule later_allow[] = {
	    RULE(false, 'c', 1, ANY, R | W | M),
	    RULE(true, 'c', 1, 3, R | W | M),
	};
	/* a reset drops everything before it */
	const struct devcg_rule reset[] = {
	    RULE(true, 'c', 1, 3, R | W | M),
	    RULE(false, 'b', 8, 0, R),
	    RULE(true, 'a', ANY, ANY, 0),
	    RULE(false, 'c', 4, ANY, W),
	};
	const struct devcg_rule reset_deny[] = {
	    RULE(false, 'c', 1, 3, R | W | M),
	    RULE(false, 'a', ANY, ANY, R),
	};
	/* partial access */
	const struct devcg_rule only_r[] = {
	    RULE(false, 'a', ANY, ANY, R | W | M),
	    RULE(true, 'c', 1, 5, R),
	};
	/* 'a' with a major matches both types; a deny without access decides nothing */
	const struct devcg_rule typeless[] = {
	    RULE(false, 'a', ANY, ANY, R | W | M),
	    RULE(true, 'a', 42, ANY, W),
	    RULE(false, 'c', 42, 1, 0),
	};

	ck_assert(allows(later_deny, 3, 'c', 1, 5, R));
	ck_assert(!allows(later_deny, 3, 'c', 1, 5, W));
	ck_assert(!allows(later_deny, 3, 'c', 1, 5, RW));
	ck_assert(allows(later_deny, 3, 'c', 1, 3, RW));
	ck_assert(!allows(later_deny, 3, 'c', 1, 3, M));
	ck_assert(!allows(later_deny, 3, 'b', 1, 3, R));

	ck_assert(allows(later_allow, 2, 'c', 1, 3, RW));
	ck_assert(!allows(later_allow, 2, 'c', 1, 5, R));
	ck_assert(allows(later_allow, 2, 'c', 2, 5, R)); /* the default: allow */

	ck_assert(allows(reset, 4, 'b', 8, 0, R));
	ck_assert(allows(reset, 4, 'c', 1, 3, RW));
	ck_assert(!allows(reset, 4, 'c', 4, 1, RW));
	ck_assert(allows(reset, 4, 'c', 4, 1, R));
	ck_assert(!allows(reset_deny, 2, 'c', 9, 9, W)); /* a reset's access does not matter */

	ck_assert(allows(only_r, 2, 'c', 1, 5, R));
	ck_assert(!allows(only_r, 2, 'c', 1, 5, RW));
	ck_assert(!allows(only_r, 2, 'c', 1, 5, W));
	ck_assert(!allows(only_r, 2, 'c', 1, 5, M));

	ck_assert(allows(typeless, 3, 'c', 42, 1, W));
	ck_assert(allows(typeless, 3, 'b', 42, 9, W));
	ck_assert(!allows(typeless, 3, 'b', 42, 9, RW));
	ck_assert(!allows(typeless, 3, 'b', 43, 9, W));
}
END_TEST

/* ------------------------------------------------------------------ the program, interpreted */

/*
 * Runs the subset of eBPF devcg_bpf_build() emits, on a bpf_cgroup_dev_ctx.
 * Return: the program's r0, or -1 for what the verifier would refuse here
 * (unknown opcode, backward or out-of-range jump, context load outside the
 * struct, reading a register never written, falling off the end).
 */
static int64_t interp(const struct bpf_insn *p, size_t n, char type, uint32_t maj, uint32_t min,
		      unsigned int acc)
{
	const struct bpf_cgroup_dev_ctx ctx = {
	    .access_type = (acc << 16) | (type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR),
	    .major = maj,
	    .minor = min,
	};
	uint64_t reg[MAX_BPF_REG] = {0};
	bool set[MAX_BPF_REG] = {[BPF_REG_1] = true};

	for (size_t pc = 0; pc < n; pc++) {
		const struct bpf_insn *i = &p[pc];
		uint64_t imm = (uint64_t)(int64_t)i->imm;
		bool jump = false;

		if (i->dst_reg >= MAX_BPF_REG || i->src_reg >= MAX_BPF_REG)
			return -1;
		switch (i->code) {
		case BPF_LDX | BPF_MEM | BPF_W:
			if (i->src_reg != BPF_REG_1 || i->off < 0 || i->off % 4 ||
			    (size_t)i->off + 4 > sizeof(ctx))
				return -1;
			memcpy(&reg[i->dst_reg], (const char *)&ctx + i->off, 4);
			reg[i->dst_reg] &= 0xffffffffu;
			set[i->dst_reg] = true;
			continue;
		case BPF_ALU64 | BPF_MOV | BPF_K:
			reg[i->dst_reg] = imm;
			set[i->dst_reg] = true;
			continue;
		case BPF_ALU | BPF_MOV | BPF_X:
			if (!set[i->src_reg])
				return -1;
			reg[i->dst_reg] = (uint32_t)reg[i->src_reg];
			set[i->dst_reg] = true;
			continue;
		case BPF_ALU64 | BPF_MOV | BPF_X:
		case BPF_ALU64 | BPF_OR | BPF_X:
			if (!set[i->src_reg] || (BPF_OP(i->code) == BPF_OR && !set[i->dst_reg]))
				return -1;
			reg[i->dst_reg] = BPF_OP(i->code) == BPF_OR
					      ? reg[i->dst_reg] | reg[i->src_reg]
					      : reg[i->src_reg];
			set[i->dst_reg] = true;
			continue;
		case BPF_ALU64 | BPF_LSH | BPF_K:
			if (!set[i->dst_reg])
				return -1;
			reg[i->dst_reg] <<= (i->imm & 63);
			continue;
		case BPF_LD | BPF_DW | BPF_IMM: /* two slots: the upper half in the second */
			if (pc + 1 >= n || i->src_reg != 0)
				return -1;
			reg[i->dst_reg] =
			    (uint32_t)i->imm | ((uint64_t)(uint32_t)p[pc + 1].imm << 32);
			set[i->dst_reg] = true;
			pc++;
			continue;
		case BPF_ALU | BPF_AND | BPF_K:
		case BPF_ALU | BPF_RSH | BPF_K:
			if (!set[i->dst_reg])
				return -1;
			if (BPF_OP(i->code) == BPF_AND)
				reg[i->dst_reg] = (uint32_t)reg[i->dst_reg] & (uint32_t)i->imm;
			else
				reg[i->dst_reg] = (uint32_t)reg[i->dst_reg] >> (i->imm & 31);
			continue;
		case BPF_JMP | BPF_JNE | BPF_K:
		case BPF_JMP | BPF_JEQ | BPF_K:
			if (!set[i->dst_reg])
				return -1;
			jump = (reg[i->dst_reg] == imm) == (BPF_OP(i->code) == BPF_JEQ);
			break;
		case BPF_JMP | BPF_JNE | BPF_X:
		case BPF_JMP | BPF_JEQ | BPF_X:
			if (!set[i->dst_reg] || !set[i->src_reg])
				return -1;
			jump = (reg[i->dst_reg] == reg[i->src_reg]) == (BPF_OP(i->code) == BPF_JEQ);
			break;
		case BPF_JMP | BPF_JA:
			jump = true;
			break;
		case BPF_JMP | BPF_EXIT:
			return set[BPF_REG_0] ? (int64_t)reg[BPF_REG_0] : -1;
		default:
			return -1;
		}
		if (i->off < 0 || pc + 1 + (size_t)i->off >= n)
			return -1;
		if (jump)
			pc += (size_t)i->off;
	}
	return -1;
}

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint32_t rnd(uint32_t bound)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % bound);
}

/*
 * The program and devcg_allows() agree on every request over a grid of
 * majors, minors (beyond INT32_MAX too) and access bits (beyond rwm too).
 * Mismatches are looked for without ck_assert: each assertion is a write().
 */
static void check_program(const struct devcg_rule *rules, size_t n, const char *what)
{
	static const uint32_t majors[] = {1, 2, 3, 0x7fffffff, 0x80000000u, 0xffffffffu};
	static const uint32_t minors[] = {3, 5, 6, 0xffffffffu};
	const size_t nmaj = ARRAY_SIZE(majors), nmin = ARRAY_SIZE(minors);
	struct bpf_insn *p = NULL;
	size_t np = 0;

	ck_assert_msg(devcg_bpf_build(rules, n, &p, &np) == 0, "%s", what);
	ck_assert_ptr_nonnull(p);
	for (size_t k = 0; k < 2 * nmaj * nmin * 16; k++) {
		char type = k % 2 ? 'b' : 'c';
		uint32_t maj = majors[k / 2 % nmaj], min = minors[k / 2 / nmaj % nmin];
		unsigned int acc = (unsigned int)(k / 2 / nmaj / nmin);
		int64_t got = interp(p, np, type, maj, min, acc);
		bool want = devcg_allows(rules, n, type, maj, min, acc);

		if (got != (want ? 1 : 0))
			ck_abort_msg("%s: %c %u:%u access %u: program %lld, C %d", what, type, maj,
				     min, acc, (long long)got, want);
	}
	free(p);
}

START_TEST(test_bpf_matches_allows)
{
	check_program(NULL, 0, "no rules");
	check_program(devcg_default_rules, devcg_ndefault_rules, "defaults");
	for (int round = 0; round < 3000; round++) {
		static const int64_t majors[] = {ANY, 1, 2, 0x7fffffff};
		static const int64_t minors[] = {ANY, 3, 5};
		static const char types[] = {'a', 'c', 'b'};
		struct devcg_rule rules[10];
		size_t n = rnd(ARRAY_SIZE(rules) + 1);
		char what[32];

		for (size_t i = 0; i < n; i++) {
			rules[i] = (struct devcg_rule){
			    .allow = rnd(2),
			    .type = types[rnd(3)],
			    .major = majors[rnd(ARRAY_SIZE(majors))],
			    .minor = minors[rnd(ARRAY_SIZE(minors))],
			    .access = rnd(8),
			};
		}
		snprintf(what, sizeof(what), "round %d", round);
		check_program(rules, n, what);
	}
	/* past DEVCG_SHARED_MAX: every verdict returns by itself, as runc lays it out */
	{
		struct devcg_rule *big = calloc(5001, sizeof(*big));

		ck_assert_ptr_nonnull(big);
		big[0] = (struct devcg_rule)RULE(false, 'a', ANY, ANY, R | W | M);
		for (size_t i = 1; i < 5001; i++)
			big[i] =
			    (struct devcg_rule)RULE(i % 7 != 0, i % 2 ? 'c' : 'b', (int64_t)(i % 4),
						    (int64_t)(i % 6), i % 3 ? R | W | M : R);
		check_program(big, 5001, "5001 rules");
		free(big);
	}
}
END_TEST

/* Layouts the verifier must accept: keyed runs of both types between other rules, a big list. */
static const struct devcg_rule keyed_runs[] = {
    RULE(false, 'a', ANY, ANY, R | W | M), RULE(true, 'b', 8, 0, R | W | M),
    RULE(true, 'b', 8, 1, R | W | M),	   RULE(true, 'c', 1, 3, R | W | M),
    RULE(false, 'c', 1, ANY, W),	   RULE(true, 'c', 1, 5, R | W | M),
    RULE(true, 'c', 1, 9, R | W | M),	   RULE(true, 'c', 136, ANY, R | W | M),
    RULE(true, 'b', 7, 2, R | W | M),	   RULE(true, 'b', 7, 3, R | W | M),
};

START_TEST(test_bpf_build_shape)
{
	const struct devcg_rule deny_all = RULE(false, 'a', ANY, ANY, R | W | M);
	const struct devcg_rule noop[] = {deny_all, RULE(false, 'c', 1, 3, 0)};
	const struct devcg_rule bad[] = {
	    RULE(true, 'x', 1, 3, R),
	    RULE(true, 'c', -2, 3, R),
	    RULE(true, 'c', 1, 0x80000000LL, R),
	    RULE(true, 'c', 1, 3, 8),
	};
	struct bpf_insn *p = NULL;
	size_t n = 0;

	/* no rules: "r0 = 1; exit" */
	ck_assert_int_eq(devcg_bpf_build(NULL, 0, &p, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(p[0].code, BPF_ALU64 | BPF_MOV | BPF_K);
	ck_assert_int_eq(p[0].imm, 1);
	ck_assert_int_eq(p[1].code, BPF_JMP | BPF_EXIT);
	free(p);
	/* only a reset, or rules that decide nothing after it: "r0 = 0; exit" */
	ck_assert_int_eq(devcg_bpf_build(noop, ARRAY_SIZE(noop), &p, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(p[0].imm, 0);
	free(p);
	/*
	 * the defaults: 7 to load the request; 3 for the key (major << 32 | minor),
	 * then the char type test and 3 for each of the 8 rwm devices (the key's
	 * constant in two slots, a comparison), 3 for 136:* (type, major, verdict),
	 * 5 for each mknod rule (type, access test, verdict); 2 for the default, 2
	 * for the shared "allow" exit the verdicts jump to
	 */
	ck_assert_int_eq(devcg_bpf_build(devcg_default_rules, devcg_ndefault_rules, &p, &n), 0);
	ck_assert_uint_eq(n, 7 + 3 + 1 + (8 * 3) + 3 + (2 * 5) + 2 + 2);
	free(p);

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		p = (struct bpf_insn *)&n;
		ck_assert_msg(devcg_bpf_build(&bad[i], 1, &p, &n) == -EINVAL, "bad[%zu]", i);
		ck_assert_ptr_null(p);
	}
}
END_TEST

/* ------------------------------------------------------------------ devcg_apply_v1 on files */

static char tmp[256];

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void put_empty(const char *name)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", tmp, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_msg(fd >= 0, "cannot create %s", path);
	close(fd);
}

static const char *slurp(const char *dir, const char *name)
{
	static char buf[4096];
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return "<missing>";
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static void file_setup(void)
{
	snprintf(tmp, sizeof(tmp), "/tmp/ward-devcg-unit-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmp));
}

static void file_teardown(void)
{
	nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

START_TEST(test_apply_v1_files)
{
	const struct devcg_rule custom[] = {
	    RULE(false, 'a', ANY, ANY, R | W | M),
	    RULE(true, 'a', 42, ANY, RW), /* written as a c and a b line */
	    RULE(true, 'c', 1, 3, 0),	  /* decides nothing: not written */
	    RULE(false, 'b', 8, ANY, W),
	};
	const struct devcg_rule invalid[] = {
	    RULE(false, 'a', ANY, ANY, R | W | M),
	    RULE(true, 'q', 1, 3, R),
	};
	struct ward_err err = {0};

	put_empty("devices.allow");
	put_empty("devices.deny");
	ck_assert_msg(devcg_apply_v1(tmp, devcg_default_rules, devcg_ndefault_rules, &err) == 0,
		      "%s", err.msg);
	ck_assert_str_eq(slurp(tmp, "devices.deny"), "a *:* rwm\n");
	ck_assert_str_eq(slurp(tmp, "devices.allow"),
			 "c *:* m\nb *:* m\nc 1:3 rwm\nc 1:8 rwm\nc 1:7 rwm\nc 5:0 rwm\n"
			 "c 1:5 rwm\nc 1:9 rwm\nc 136:* rwm\nc 5:2 rwm\nc 10:200 rwm\n");

	put_empty("devices.allow");
	put_empty("devices.deny");
	ck_assert_msg(devcg_apply_v1(tmp, custom, ARRAY_SIZE(custom), &err) == 0, "%s", err.msg);
	ck_assert_str_eq(slurp(tmp, "devices.deny"), "a *:* rwm\nb 8:* w\n");
	ck_assert_str_eq(slurp(tmp, "devices.allow"), "c 42:* rw\nb 42:* rw\n");

	/* an invalid list writes nothing */
	put_empty("devices.allow");
	put_empty("devices.deny");
	ck_assert_int_eq(devcg_apply_v1(tmp, invalid, ARRAY_SIZE(invalid), &err), -EINVAL);
	ck_assert_str_eq(err.msg, "device rule 1: type 'q' is not 'a', 'b' or 'c'");
	ck_assert_str_eq(slurp(tmp, "devices.deny"), "");
	ck_assert_str_eq(slurp(tmp, "devices.allow"), "");

	/* no such cgroup */
	ck_assert_int_eq(devcg_apply_v1("/nonexistent/ward", devcg_default_rules, 1, &err),
			 -ENOENT);
	ck_assert_str_eq(err.msg, "cannot open '/nonexistent/ward/devices.deny'");
}
END_TEST

/* ------------------------------------------------------------------ the real kernel */

static char cg2[PATH_MAX]; /* a cgroup v2 cgroup the test may create; "" without cgroup2 */
static char cg1[PATH_MAX]; /* the same in the v1 devices hierarchy */
static bool tmp_nodev;	   /* no filesystem for tmp without nodev: node opens would say EACCES */

/* The first mount point of a filesystem of @fstype (with @opt among its super options). */
static bool find_mount(const char *fstype, const char *opt, char *out, size_t len)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *save = NULL, *tok[6] = {0}, *sep = strstr(line, " - ");
		char *type, *opts;
		size_t nt = 0;

		if (!sep)
			continue;
		*sep = '\0';
		for (char *t = strtok_r(line, " ", &save); t && nt < 6;
		     t = strtok_r(NULL, " ", &save))
			tok[nt++] = t;
		save = NULL;
		type = strtok_r(sep + 3, " ", &save);
		(void)strtok_r(NULL, " ", &save); /* source */
		opts = strtok_r(NULL, " \n", &save);
		if (nt < 5 || !type || strcmp(type, fstype) != 0)
			continue;
		if (opt) {
			bool has = false;
			char *s2 = NULL;

			for (char *o = opts ? strtok_r(opts, ",", &s2) : NULL; o;
			     o = strtok_r(NULL, ",", &s2))
				has |= strcmp(o, opt) == 0;
			if (!has)
				continue;
		}
		str_unescape_octal(tok[4]);
		found = snprintf(out, len, "%s", tok[4]) < (int)len;
	}
	fclose(f);
	return found;
}

static bool fs_nodev(const char *dir)
{
	struct statvfs st;

	return statvfs(dir, &st) == 0 && (st.f_flag & ST_NODEV);
}

/* Runs in the runner process: no ck_assert here, a failure shows in the test. */
static void kernel_setup(void)
{
	static const char *const bases[] = {"/tmp", WARD_BINARY_DIR};
	char mnt[PATH_MAX];

	tmp[0] = cg1[0] = cg2[0] = '\0';
	tmp_nodev = true;
	for (size_t i = 0; i < ARRAY_SIZE(bases) && tmp_nodev; i++) {
		if (tmp[0])
			nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
		snprintf(tmp, sizeof(tmp), "%s/ward-devcg-unit-XXXXXX", bases[i]);
		if (!mkdtemp(tmp)) {
			tmp[0] = '\0';
			continue;
		}
		tmp_nodev = fs_nodev(tmp);
	}
	if (find_mount("cgroup2", NULL, mnt, sizeof(mnt)) &&
	    snprintf(cg2, sizeof(cg2), "%s/ward-devcg-test-%d", mnt, (int)getpid()) >=
		(int)sizeof(cg2))
		cg2[0] = '\0';
	if (find_mount("cgroup", "devices", mnt, sizeof(mnt)) &&
	    snprintf(cg1, sizeof(cg1), "%s/ward-devcg-test-%d", mnt, (int)getpid()) >=
		(int)sizeof(cg1))
		cg1[0] = '\0';
}

/* Kill what is left in a cgroup the test made, and remove it (rmdir may see EBUSY briefly). */
static void remove_cgroup(const char *dir)
{
	char path[PATH_MAX + 16];
	struct stat st;

	if (!dir[0] || stat(dir, &st) != 0)
		return;
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	for (int tries = 0; tries < 200; tries++) {
		FILE *f = fopen(path, "re");
		int pid;

		if (f) {
			while (fscanf(f, "%d", &pid) == 1)
				kill(pid, SIGKILL);
			fclose(f);
		}
		if (rmdir(dir) == 0 || errno == ENOENT)
			return;
		nanosleep(&(struct timespec){.tv_nsec = 10000000L}, NULL);
	}
	fprintf(stderr, "test_devcg: cannot remove %s: %s\n", dir, strerror(errno));
}

static void kernel_teardown(void)
{
	remove_cgroup(cg2);
	remove_cgroup(cg1);
	if (tmp[0])
		nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* One access tried in the kernel: an open of a node, or a mknod. */
struct probe {
	char type;
	uint32_t major, minor;
	unsigned int access; /* R, W, RW (an open) or M (a mknod) */
};

/*
 * Devices whose open cannot fail with EPERM for any reason but the device
 * cgroup: null, zero, urandom, the loop driver, and majors 42 (reserved for
 * examples: no driver, ENXIO) in both kinds.
 */
static const struct {
	char type;
	uint32_t major, minor;
} devices[] = {
    {'c', 1, 3}, {'c', 1, 5}, {'c', 1, 9}, {'c', 42, 0}, {'c', 42, 1}, {'b', 7, 0}, {'b', 42, 0},
};
static const unsigned int accesses[] = {R, W, RW, M};
#define NPROBES (ARRAY_SIZE(devices) * ARRAY_SIZE(accesses))

static struct probe probe_at(size_t i)
{
	return (struct probe){
	    .type = devices[i / ARRAY_SIZE(accesses)].type,
	    .major = devices[i / ARRAY_SIZE(accesses)].major,
	    .minor = devices[i / ARRAY_SIZE(accesses)].minor,
	    .access = accesses[i % ARRAY_SIZE(accesses)],
	};
}

static void node_path(char *buf, size_t len, char type, uint32_t maj, uint32_t min)
{
	snprintf(buf, len, "%s/node-%c-%u-%u", tmp, type, maj, min);
}

static mode_t node_mode(char type)
{
	return (type == 'b' ? S_IFBLK : S_IFCHR) | 0600;
}

/* 0 when the access worked, else its errno (EPERM: the device cgroup said no). */
static int try_probe(const struct probe *p, size_t idx)
{
	char path[PATH_MAX];
	int fd, flags;

	if (p->access == M) {
		snprintf(path, sizeof(path), "%s/mknod-%zu-%d", tmp, idx, (int)getpid());
		if (mknod(path, node_mode(p->type), makedev(p->major, p->minor)) < 0)
			return errno;
		unlink(path);
		return 0;
	}
	node_path(path, sizeof(path), p->type, p->major, p->minor);
	flags = p->access == RW ? O_RDWR : p->access == W ? O_WRONLY : O_RDONLY;
	fd = open(path, flags | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

struct outcome {
	int join;	  /* errno of joining the cgroup, 0 */
	int devnull;	  /* errno of open("/dev/null", O_RDWR), 0 */
	int err[NPROBES]; /* try_probe() of each probe */
};

/* Make the nodes the probes open (as the test process, outside any test cgroup). */
static const char *make_nodes(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(devices); i++) {
		char path[PATH_MAX];

		node_path(path, sizeof(path), devices[i].type, devices[i].major, devices[i].minor);
		if (mknod(path, node_mode(devices[i].type),
			  makedev(devices[i].major, devices[i].minor)) < 0 &&
		    errno != EEXIST)
			return strerror(errno);
	}
	return NULL;
}

static void probe_all(struct outcome *o)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	o->devnull = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	for (size_t i = 0; i < NPROBES; i++) {
		struct probe p = probe_at(i);

		o->err[i] = try_probe(&p, i);
	}
}

/* Common preconditions; return why the kernel test cannot run here, or NULL. */
static const char *kernel_unusable(const char *cgdir)
{
	static char why[PATH_MAX + 64];
	struct outcome control = {0};
	const char *e;

	if (!unit_is_root())
		return "needs root";
	if (!cgdir[0])
		return "no such cgroup hierarchy mounted";
	ck_assert_msg(tmp[0], "no temporary directory");
	if (tmp_nodev)
		return "no temporary directory on a filesystem without nodev";
	e = make_nodes();
	if (e) {
		snprintf(why, sizeof(why), "cannot mknod in %s: %s", tmp, e);
		return why;
	}
	/* outside the test cgroup nothing may be denied, or the test would prove nothing */
	probe_all(&control);
	for (size_t i = 0; i < NPROBES; i++) {
		struct probe p = probe_at(i);

		if (control.err[i] == EPERM || control.err[i] == EACCES) {
			snprintf(why, sizeof(why),
				 "%c %u:%u access %u is already refused to this process (%s)",
				 p.type, p.major, p.minor, p.access, strerror(control.err[i]));
			return why;
		}
	}
	if (mkdir(cgdir, 0755) < 0) {
		if (errno == EACCES || errno == EPERM || errno == EROFS) {
			snprintf(why, sizeof(why), "cannot create %s: %s", cgdir, strerror(errno));
			return why;
		}
		ck_abort_msg("mkdir %s: %s", cgdir, strerror(errno));
	}
	return NULL;
}

/* Fork a child that joins @cgdir and tries every probe; its outcome in @o. */
static void run_in_cgroup(const char *cgdir, struct outcome *o)
{
	char procs[PATH_MAX + 16];
	int fds[2], status;
	size_t got = 0;
	pid_t pid;

	snprintf(procs, sizeof(procs), "%s/cgroup.procs", cgdir);
	ck_assert_int_eq(pipe2(fds, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct outcome mine = {0};
		char buf[32];
		int fd;

		close(fds[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		fd = open(procs, O_WRONLY | O_CLOEXEC);
		snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
		if (fd < 0 || write(fd, buf, strlen(buf)) < 0)
			mine.join = errno ? errno : EIO;
		if (fd >= 0)
			close(fd);
		if (!mine.join)
			probe_all(&mine);
		_exit(write(fds[1], &mine, sizeof(mine)) == (ssize_t)sizeof(mine) ? 0 : 1);
	}
	close(fds[1]);
	while (got < sizeof(*o)) {
		ssize_t n = read(fds[0], (char *)o + got, sizeof(*o) - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fds[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status 0x%x", status);
	ck_assert_uint_eq(got, sizeof(*o));
	ck_assert_msg(o->join == 0, "cannot join %s: %s", cgdir, strerror(o->join));
}

/* The kernel refused exactly what devcg_allows() refuses. */
static void compare(const struct outcome *o, const struct devcg_rule *rules, size_t n,
		    const char *what)
{
	for (size_t i = 0; i < NPROBES; i++) {
		struct probe p = probe_at(i);
		bool want = devcg_allows(rules, n, p.type, p.major, p.minor, p.access);

		ck_assert_msg((o->err[i] != EPERM) == want,
			      "%s: %c %u:%u access %u: kernel %s (%s), devcg_allows() %s", what,
			      p.type, p.major, p.minor, p.access,
			      o->err[i] == EPERM ? "denied" : "allowed",
			      o->err[i] ? strerror(o->err[i]) : "ok", want ? "allows" : "denies");
	}
}

static int errno_of(const struct outcome *o, char type, uint32_t maj, uint32_t min,
		    unsigned int acc)
{
	for (size_t i = 0; i < NPROBES; i++) {
		struct probe p = probe_at(i);

		if (p.type == type && p.major == maj && p.minor == min && p.access == acc)
			return o->err[i];
	}
	ck_abort_msg("no probe %c %u:%u %u", type, maj, min, acc);
	return -1;
}

/* Return: why the program cannot be used here (no privilege for bpf()), or NULL. */
static const char *apply_v2_path(const char *dir, const struct devcg_rule *rules, size_t n)
{
	static struct ward_err err;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r;

	ck_assert_msg(fd >= 0, "open %s: %s", dir, strerror(errno));
	r = devcg_apply_v2(fd, rules, n, &err);
	close(fd);
	if (r == -EPERM || r == -ENOSYS)
		return err.msg;
	ck_assert_msg(r == 0, "%s: %s", err.msg, strerror(err.code));
	return NULL;
}

START_TEST(test_kernel_v2_defaults)
{
	const char *why = kernel_unusable(cg2);
	struct outcome o = {0};

	if (why)
		UNIT_SKIP(why);
	why = apply_v2_path(cg2, devcg_default_rules, devcg_ndefault_rules);
	if (why)
		UNIT_SKIP(why);
	run_in_cgroup(cg2, &o);
	ck_assert_msg(o.devnull == 0, "open /dev/null O_RDWR: %s", strerror(o.devnull));
	ck_assert_msg(errno_of(&o, 'b', 7, 0, R) == EPERM, "open of b 7:0: %s",
		      strerror(errno_of(&o, 'b', 7, 0, R)));
	ck_assert_int_eq(errno_of(&o, 'b', 7, 0, M), 0); /* mknod is allowed ... */
	ck_assert_int_eq(errno_of(&o, 'c', 1, 3, M), 0);
	ck_assert_int_eq(errno_of(&o, 'c', 1, 3, RW), 0); /* ... and so is /dev/null */
	compare(&o, devcg_default_rules, devcg_ndefault_rules, "v2 defaults");
}
END_TEST

/* Lists that tell "last match wins" from simpler readings. */
static const struct devcg_rule custom_v2[] = {
    RULE(false, 'a', ANY, ANY, R | W | M),
    RULE(true, 'c', ANY, ANY, M),
    RULE(true, 'c', 1, ANY, RW),
    RULE(false, 'c', 1, 5, W),
    RULE(true, 'b', 7, ANY, R),
    RULE(true, 'a', 42, ANY, W),
    RULE(false, 'c', 42, 1, R | W | M),
};
static const struct devcg_rule only_c15_r[] = {
    RULE(false, 'a', ANY, ANY, R | W | M),
    RULE(true, 'c', 1, 5, R),
};

START_TEST(test_kernel_v2_custom)
{
	const char *why = kernel_unusable(cg2);
	struct outcome o = {0};

	if (why)
		UNIT_SKIP(why);
	why = apply_v2_path(cg2, only_c15_r, ARRAY_SIZE(only_c15_r));
	if (why)
		UNIT_SKIP(why);
	run_in_cgroup(cg2, &o);
	ck_assert_int_eq(errno_of(&o, 'c', 1, 5, R), 0);
	ck_assert_int_eq(errno_of(&o, 'c', 1, 5, RW), EPERM);
	ck_assert_int_eq(o.devnull, EPERM);
	compare(&o, only_c15_r, ARRAY_SIZE(only_c15_r), "v2 c 1:5 r");

	/* a new cgroup for the second list: programs attached to one only add up */
	remove_cgroup(cg2);
	ck_assert_int_eq(mkdir(cg2, 0755), 0);
	ck_assert_ptr_null(apply_v2_path(cg2, custom_v2, ARRAY_SIZE(custom_v2)));
	run_in_cgroup(cg2, &o);
	ck_assert_int_eq(errno_of(&o, 'c', 1, 5, W), EPERM);
	ck_assert_int_eq(errno_of(&o, 'c', 1, 3, W), 0);
	compare(&o, custom_v2, ARRAY_SIZE(custom_v2), "v2 custom");
}
END_TEST

/*
 * Build @rules and load the program into the kernel: its descriptor, or -1 with @err
 * set when bpf() is not ours to call (not root, EPERM, ENOSYS: the caller skips).
 */
static int build_and_load(const struct devcg_rule *rules, size_t nrules, struct ward_err *err)
{
	struct bpf_insn *p = NULL;
	size_t n = 0;
	int fd;

	if (!unit_is_root()) {
		err_set(err, EPERM, "needs root");
		return -1;
	}
	ck_assert_int_eq(devcg_bpf_build(rules, nrules, &p, &n), 0);
	fd = devcg_bpf_load(p, n, err);
	free(p);
	if (fd < 0 && (err->code == EPERM || err->code == ENOSYS))
		return -1;
	ck_assert_msg(fd >= 0, "%zu rules: %s: %s", nrules, err->msg, strerror(err->code));
	return fd;
}

START_TEST(test_kernel_v2_layouts)
{
	struct devcg_rule *big = calloc(5001, sizeof(*big));
	struct ward_err err = {0};
	int fd;

	check_program(keyed_runs, ARRAY_SIZE(keyed_runs), "keyed runs");
	fd = build_and_load(keyed_runs, ARRAY_SIZE(keyed_runs), &err);
	if (fd < 0) {
		free(big);
		UNIT_SKIP(err.msg); /* no bpf() for us, e.g. in a container */
	}
	close(fd);
	ck_assert_ptr_nonnull(big);
	big[0] = (struct devcg_rule)RULE(false, 'a', ANY, ANY, R | W | M);
	for (size_t i = 1; i < 5001; i++)
		big[i] =
		    (struct devcg_rule)RULE(true, 'c', (int64_t)(i / 200), (int64_t)i, R | W | M);
	fd = build_and_load(big, 5001, &err);
	free(big);
	ck_assert_int_ge(fd, 0);
	close(fd);
}
END_TEST

START_TEST(test_kernel_v2_errors)
{
	const struct bpf_insn no_r0[] = {{.code = BPF_JMP | BPF_EXIT}};
	struct ward_err err = {0};
	int fd;

	fd = build_and_load(devcg_default_rules, devcg_ndefault_rules, &err);
	if (fd < 0)
		UNIT_SKIP(err.msg); /* no bpf() for us, e.g. in a container */
	close(fd);

	/* a verifier refusal names the verifier's reason */
	ck_assert_int_lt(devcg_bpf_load(no_r0, 1, &err), 0);
	ck_assert_int_eq(err.code, EACCES);
	ck_assert_msg(strstr(err.msg, "cannot load the device cgroup BPF program: verifier: R0"),
		      "%s", err.msg);

	/* attaching to a directory that is no cgroup */
	ck_assert(tmp[0]);
	fd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_lt(devcg_apply_v2(fd, devcg_default_rules, devcg_ndefault_rules, &err), 0);
	close(fd);
	ck_assert_msg(strstr(err.msg, "cannot attach the device cgroup BPF program to '/"), "%s",
		      err.msg);
}
END_TEST

START_TEST(test_kernel_v1)
{
	const char *why = kernel_unusable(cg1);
	const struct devcg_rule custom[] = {
	    RULE(false, 'a', ANY, ANY, R | W | M),
	    RULE(true, 'c', 1, 5, R),
	    RULE(true, 'a', 42, ANY, RW),
	    RULE(true, 'b', 7, 0, M),
	};
	struct ward_err err = {0};
	struct outcome o = {0};
	int r;

	if (why)
		UNIT_SKIP(why);
	r = devcg_apply_v1(cg1, devcg_default_rules, devcg_ndefault_rules, &err);
	if (r == -EPERM)
		UNIT_SKIP(err.msg); /* no CAP_SYS_ADMIN */
	ck_assert_msg(r == 0, "%s: %s", err.msg, strerror(err.code));
	ck_assert_str_eq(slurp(cg1, "devices.list"),
			 "c *:* m\nb *:* m\nc 1:3 rwm\nc 1:8 rwm\nc 1:7 rwm\nc 5:0 rwm\n"
			 "c 1:5 rwm\nc 1:9 rwm\nc 136:* rwm\nc 5:2 rwm\nc 10:200 rwm\n");
	run_in_cgroup(cg1, &o);
	ck_assert_int_eq(o.devnull, 0);
	ck_assert_int_eq(errno_of(&o, 'b', 7, 0, R), EPERM);
	compare(&o, devcg_default_rules, devcg_ndefault_rules, "v1 defaults");

	/* the same cgroup rewritten: the reset at the head clears the list */
	ck_assert_msg(devcg_apply_v1(cg1, custom, ARRAY_SIZE(custom), &err) == 0, "%s", err.msg);
	ck_assert_str_eq(slurp(cg1, "devices.list"), "c 1:5 r\nc 42:* rw\nb 42:* rw\nb 7:0 m\n");
	run_in_cgroup(cg1, &o);
	compare(&o, custom, ARRAY_SIZE(custom), "v1 custom");
}
END_TEST

Suite *devcg_suite(void)
{
	Suite *s = suite_create("devcg");
	const struct {
		const char *name;
		const TTest *test;
		bool kernel; /* needs the temp dir and cgroups of the kernel fixture */
		bool files;
	} cases[] = {
	    {"parse_access", test_parse_access, false, false},
	    {"format_v1", test_format_v1, false, false},
	    {"default_rules", test_default_rules, false, false},
	    {"allows_defaults", test_allows_defaults, false, false},
	    {"allows_order", test_allows_order, false, false},
	    {"bpf_matches_allows", test_bpf_matches_allows, false, false},
	    {"bpf_build_shape", test_bpf_build_shape, false, false},
	    {"apply_v1_files", test_apply_v1_files, false, true},
	    {"kernel_v2_defaults", test_kernel_v2_defaults, true, false},
	    {"kernel_v2_custom", test_kernel_v2_custom, true, false},
	    {"kernel_v2_layouts", test_kernel_v2_layouts, true, false},
	    {"kernel_v2_errors", test_kernel_v2_errors, true, false},
	    {"kernel_v1", test_kernel_v1, true, false},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		TCase *tc = tcase_create(cases[i].name);

		if (cases[i].kernel)
			tcase_add_unchecked_fixture(tc, kernel_setup, kernel_teardown);
		if (cases[i].files)
			tcase_add_checked_fixture(tc, file_setup, file_teardown);
		tcase_set_timeout(tc, UNIT_TIMEOUT);
		tcase_add_test(tc, cases[i].test);
		suite_add_tcase(s, tc);
	}
	return s;
}
