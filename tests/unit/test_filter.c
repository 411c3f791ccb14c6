// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_filter.c - filter.c, bpf_interp.c and syscalls_extra.c.
 *
 * Rule sets are built by hand. Live tests load the filter in a grandchild (so
 * Check's own reporting never runs under it), call system calls with harmless
 * arguments, and compare what the kernel did with what the interpreter says
 * the same program does. KILL/TRAP tests load the filter in Check's forked
 * test process and expect SIGSYS.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "ward/bpf_interp.h"
#include "ward/caps.h"
#include "ward/filter.h"
#include "ward/log.h"
#include "ward/policy.h"
#include "ward/profile.h"
#include "ward/syscalls_extra.h"
#include "ward/util.h"

#define X32_BIT	     0x40000000U
#define ACT_ERRNO(e) (SECCOMP_RET_ERRNO | ((uint32_t)(e)&SECCOMP_RET_DATA))

/* ---- hand-made rule sets ------------------------------------------------------------ */

#define TS_MAX_RULES 64

struct tset {
	struct rule_set rs;
	struct prof_rule rules[TS_MAX_RULES];
	const struct prof_rule *ptr[TS_MAX_RULES];
	char *arches[8];
};

static void ts_init(struct tset *t, enum prof_action def, uint32_t def_errno)
{
	memset(t, 0, sizeof(*t));
	t->rs.enabled = true;
	t->rs.default_action = def;
	t->rs.default_errno = def_errno;
	t->rs.arches = t->arches;
	t->rs.rules = t->ptr;
}

static void ts_arch(struct tset *t, const char *arch)
{
	t->arches[t->rs.narches++] = xstrdup(arch);
}

/* @names: space-separated; @errno_ret < 0: none given */
static struct prof_rule *ts_rule(struct tset *t, enum prof_action act, int errno_ret,
				 const char *names)
{
	struct prof_rule *r = &t->rules[t->rs.nrules];
	char *copy = xstrdup(names), *save = NULL, *tok;

	ck_assert_uint_lt(t->rs.nrules, TS_MAX_RULES);
	memset(r, 0, sizeof(*r));
	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		r->names = xrealloc(r->names, (r->nnames + 2) * sizeof(*r->names));
		r->names[r->nnames++] = xstrdup(tok);
		r->names[r->nnames] = NULL;
	}
	free(copy);
	r->action = act;
	r->has_errno_ret = errno_ret >= 0;
	r->errno_ret = errno_ret >= 0 ? (uint32_t)errno_ret : 0;
	r->position = t->rs.nrules;
	t->ptr[t->rs.nrules++] = r;
	return r;
}

static void ts_arg(struct prof_rule *r, unsigned int index, enum prof_op op, uint64_t value,
		   uint64_t value_two)
{
	r->args = xrealloc(r->args, (r->nargs + 1) * sizeof(*r->args));
	r->args[r->nargs++] = (struct prof_arg){index, value, value_two, op};
}

static void ts_free(struct tset *t)
{
	size_t i, j;

	for (i = 0; i < t->rs.nrules; i++) {
		for (j = 0; j < t->rules[i].nnames; j++)
			free(t->rules[i].names[j]);
		free(t->rules[i].names);
		free(t->rules[i].args);
	}
	for (i = 0; i < t->rs.narches; i++)
		free(t->arches[i]);
}

static void build_ok(struct tset *t, unsigned int flags, struct filter_prog *p)
{
	struct ward_err err = {0};
	int rc = filter_build(&t->rs, flags, p, &err);

	ck_assert_msg(rc == 0, "filter_build: %d %s", rc, err.msg);
	ck_assert(p->enabled);
	ck_assert_uint_gt(p->len, 0);
	ck_assert_uint_le(p->len, FILTER_MAX_INSNS);
}

static uint32_t interp(const struct filter_prog *p, uint32_t arch, uint32_t nr,
		       const uint64_t args[6], size_t *executed)
{
	struct seccomp_data d;
	struct bpf_interp_result res;
	int rc;

	memset(&d, 0, sizeof(d));
	d.arch = arch;
	d.nr = (int)nr;
	if (args)
		memcpy(d.args, args, sizeof(d.args));
	if (p->nparts > 1) { /* stacked filters, as the kernel runs them */
		rc = filter_eval(p, &d, &res.ret, &res.executed);
		ck_assert_msg(rc == 0, "filter_eval rejected the program: %d", rc);
	} else {
		rc = bpf_interp_run(p->insns, p->len, &d, &res);
		ck_assert_msg(rc == 0, "bpf_interp_run rejected the program: %d", rc);
	}
	if (executed)
		*executed = res.executed;
	return res.ret;
}

/* ---- live harness ------------------------------------------------------------------- */

struct call {
	long nr;
	uint64_t a[6];
	int expect; /* 0: allowed (reaches the kernel: errno is neither EPERM nor ENOSYS), else
		       errno */
};

struct live_out {
	long ret[64];
	int err[64];
	int load_rc;
};

/*
 * Load @p in a grandchild, make the calls, report. Returns the wait status;
 * the grandchild leaves with exit_group, which the rule sets allow.
 */
static int run_live(const struct filter_prog *p, const struct call *calls, size_t n,
		    struct live_out *out)
{
	struct live_out *sh =
	    mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int status = 0;
	pid_t pid;

	ck_assert(sh != MAP_FAILED);
	ck_assert_uint_le(n, 64);
	memset(sh, 0, sizeof(*sh));
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct ward_err err;
		size_t i;

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			_exit(100);
		sh->load_rc = filter_load(p, &err);
		if (sh->load_rc < 0)
			_exit(101);
		for (i = 0; i < n; i++) {
			errno = 0;
			sh->ret[i] =
			    syscall(calls[i].nr, calls[i].a[0], calls[i].a[1], calls[i].a[2],
				    calls[i].a[3], calls[i].a[4], calls[i].a[5]);
			sh->err[i] = sh->ret[i] < 0 ? errno : 0;
		}
		syscall(SYS_exit_group, 0);
		_exit(102); /* not reached */
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	*out = *sh;
	munmap(sh, sizeof(*sh));
	return status;
}

static void no_core_dumps(void)
{
	struct rlimit rl = {0, 0};

	ck_assert_int_eq(setrlimit(RLIMIT_CORE, &rl), 0);
}

/* ---- the main live rule set ------------------------------------------------------------ */

/*
 * Default ERRNO(EPERM) on x86_64+x86+x32. The highest number named on x86_64
 * is getxattrat (464), so 465 and up must be ENOSYS.
 */
static void live_set(struct tset *t)
{
	struct prof_rule *r;

	ts_init(t, PROF_ACT_ERRNO, EPERM);
	ts_arch(t, "SCMP_ARCH_X86_64");
	ts_arch(t, "SCMP_ARCH_X86");
	ts_arch(t, "SCMP_ARCH_X32");
	ts_rule(t, PROF_ACT_ALLOW, -1, "exit exit_group close read write");
	ts_rule(t, PROF_ACT_ERRNO, 77, "dup");
	ts_rule(t, PROF_ACT_ERRNO, ENOSYS, "clone3");
	/* same action as the default: skipped, where libseccomp alone would fail with EACCES */
	ts_rule(t, PROF_ACT_ERRNO, -1, "getpid");
	/* a repeated index: OR, as Docker's socket rules (AF_ALG 38 and AF_VSOCK 40 blocked) */
	r = ts_rule(t, PROF_ACT_ALLOW, -1, "socket");
	ts_arg(r, 0, PROF_OP_LT, 38, 0);
	ts_arg(r, 0, PROF_OP_EQ, 39, 0);
	ts_arg(r, 0, PROF_OP_GT, 40, 0);
	r = ts_rule(t, PROF_ACT_ALLOW, -1, "fcntl");
	ts_arg(r, 1, PROF_OP_MASKED_EQ, 0xf0, 0);
	/* distinct indices: AND */
	r = ts_rule(t, PROF_ACT_ERRNO, 55, "lseek");
	ts_arg(r, 0, PROF_OP_EQ, 1000, 0);
	ts_arg(r, 2, PROF_OP_EQ, 1, 0);
	/* a 64-bit datum */
	r = ts_rule(t, PROF_ACT_ERRNO, 66, "dup3");
	ts_arg(r, 2, PROF_OP_EQ, 0x100000000ULL, 0);
	/* names libseccomp 2.5.4 cannot resolve: our extra table and stub */
	ts_rule(t, PROF_ACT_ERRNO, 99, "mseal");
	r = ts_rule(t, PROF_ACT_ERRNO, 98, "getxattrat");
	ts_arg(r, 0, PROF_OP_EQ, 7, 0);
	ts_rule(t, PROF_ACT_ALLOW, -1, "listmount");
}

static const struct call live_calls[] = {
    {SYS_close, {(uint64_t)-1}, 0},		  /* allowed: EBADF */
    {SYS_getppid, {0}, EPERM},			  /* default */
    {SYS_getpid, {0}, EPERM},			  /* rule equal to the default */
    {SYS_dup, {(uint64_t)-1}, 77},		  /* custom errno */
    {SYS_clone3, {0, 0}, ENOSYS},		  /* the clone3 rule */
    {465, {0}, ENOSYS},				  /* above the max named (464) */
    {470, {0}, ENOSYS},				  /* listns on 6.18+, or nothing */
    {1000, {0}, ENOSYS},			  /* nothing */
    {SYS_socket, {1 /* AF_UNIX */, 9999}, 0},	  /* allowed: EINVAL */
    {SYS_socket, {38 /* AF_ALG */, 9999}, EPERM}, /* blocked */
    {SYS_socket, {39, 9999}, 0},		  /* allowed */
    {SYS_socket, {40 /* AF_VSOCK */, 9999}, EPERM},
    {SYS_socket, {41, 9999}, 0},
    {SYS_fcntl, {(uint64_t)-1, F_GETFD}, 0},  /* (1 & 0xf0) == 0: allowed, EBADF */
    {SYS_fcntl, {(uint64_t)-1, 0x40}, EPERM}, /* masked out */
    {SYS_lseek, {1000, 0, 1}, 55},	      /* both conditions */
    {SYS_lseek, {1000, 0, 0}, EPERM},	      /* one of two */
    {SYS_lseek, {1001, 0, 1}, EPERM},
    {SYS_dup3, {(uint64_t)-1, (uint64_t)-1, 0x100000000ULL}, 66},
    {SYS_dup3, {(uint64_t)-1, (uint64_t)-1, 0}, EPERM},
    {462, {0}, 99},	    /* mseal, from the extra table */
    {464, {7}, 98},	    /* getxattrat, arg0 == 7 */
    {464, {8}, EPERM},	    /* getxattrat, arg0 != 7 */
    {463, {0}, EPERM},	    /* setxattrat: unnamed, below the max */
    {458, {0, 0, 0, 0}, 0}, /* listmount allowed: EFAULT/EINVAL */
};
#define NLIVE (sizeof(live_calls) / sizeof(live_calls[0]))

START_TEST(test_live_actions)
{
	struct tset t;
	struct filter_prog p;
	struct live_out out;
	int status;
	size_t i;

	live_set(&t);
	build_ok(&t, 0, &p);
	ck_assert_uint_eq(p.flags, SECCOMP_FILTER_FLAG_SPEC_ALLOW);
	status = run_live(&p, live_calls, NLIVE, &out);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "grandchild status 0x%x",
		      status);
	for (i = 0; i < NLIVE; i++) {
		const struct call *c = &live_calls[i];
		uint32_t act = interp(&p, AUDIT_ARCH_X86_64, (uint32_t)c->nr, c->a, NULL);

		if (c->expect) {
			ck_assert_msg(out.ret[i] == -1 && out.err[i] == c->expect,
				      "call %zu (nr %ld): ret %ld errno %d, expected errno %d", i,
				      c->nr, out.ret[i], out.err[i], c->expect);
			ck_assert_msg(act == ACT_ERRNO(c->expect),
				      "call %zu (nr %ld): interpreter says 0x%08x", i, c->nr, act);
		} else {
			ck_assert_msg(out.ret[i] >= 0 ||
					  (out.err[i] != EPERM && out.err[i] != ENOSYS),
				      "call %zu (nr %ld): ret %ld errno %d, expected allowed", i,
				      c->nr, out.ret[i], out.err[i]);
			ck_assert_msg(act == SECCOMP_RET_ALLOW,
				      "call %zu (nr %ld): interpreter says 0x%08x", i, c->nr, act);
		}
	}
	filter_prog_release(&p);
	ts_free(&t);
}
END_TEST

/* The i386 ABI through int $0x80 from a 64-bit process: the stub's x86 branch, live. */
static long int80(long nr, long a0)
{
	long ret;

	__asm__ volatile("int $0x80" : "=a"(ret) : "0"(nr), "b"(a0) : "memory");
	return ret;
}

START_TEST(test_live_i386)
{
	struct tset t;
	struct filter_prog p;
	struct live_out *sh =
	    mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int status = 0;
	pid_t pid;

	live_set(&t);
	build_ok(&t, 0, &p);
	no_core_dumps();
	ck_assert(sh != MAP_FAILED);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct ward_err err;

		/* without IA-32 emulation int $0x80 faults: die of it, not in a sanitizer's handler
		 */
		signal(SIGSEGV, SIG_DFL);
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || filter_load(&p, &err) < 0)
			_exit(101);
		sh->ret[0] = int80(6, -1);   /* close(-1): allowed, -EBADF */
		sh->ret[1] = int80(462, 0);  /* mseal: -99 */
		sh->ret[2] = int80(1000, 0); /* above the max: -ENOSYS */
		sh->ret[3] = int80(20, 0);   /* getpid: default, -EPERM */
		syscall(SYS_exit_group, 0);
		_exit(102);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV) {
		munmap(sh, sizeof(*sh));
		filter_prog_release(&p);
		ts_free(&t);
		UNIT_SKIP("no IA-32 emulation in this kernel");
	}
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status 0x%x", status);
	if (sh->ret[0] == -ENOSYS && sh->ret[3] == -ENOSYS) {
		munmap(sh, sizeof(*sh));
		filter_prog_release(&p);
		ts_free(&t);
		UNIT_SKIP("IA-32 system calls disabled (ia32_emulation=0)");
	}
	ck_assert_int_eq(sh->ret[0], -EBADF);
	ck_assert_int_eq(sh->ret[1], -99);
	ck_assert_int_eq(sh->ret[2], -ENOSYS);
	ck_assert_int_eq(sh->ret[3], -EPERM);
	munmap(sh, sizeof(*sh));
	filter_prog_release(&p);
	ts_free(&t);
}
END_TEST

START_TEST(test_live_notify_listener)
{
	struct tset t;
	struct filter_prog p;
	struct live_out out;
	static const struct call none[] = {{SYS_close, {(uint64_t)-1}, 0}};
	int status;

	ts_init(&t, PROF_ACT_ALLOW, EPERM);
	ts_rule(&t, PROF_ACT_NOTIFY, -1, "getppid");
	build_ok(&t, 0, &p);
	ck_assert_uint_eq(p.flags,
			  SECCOMP_FILTER_FLAG_SPEC_ALLOW | SECCOMP_FILTER_FLAG_NEW_LISTENER);
	status = run_live(&p, none, 1, &out);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status 0x%x", status);
	ck_assert_int_gt(out.load_rc, 2); /* the listener fd */
	filter_prog_release(&p);
	ts_free(&t);
}
END_TEST

/* Loads in Check's test process itself: SIGSYS is the expected outcome. */
static void die_by(enum prof_action act, bool extra)
{
	struct tset t;
	struct filter_prog p;
	struct ward_err err;

	ts_init(&t, PROF_ACT_ALLOW, EPERM);
	ts_rule(&t, act, -1, extra ? "mseal" : "getppid");
	build_ok(&t, 0, &p);
	no_core_dumps();
	ck_assert_int_eq(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
	ck_assert_int_eq(filter_load(&p, &err), 0);
	syscall(extra ? 462 : SYS_getppid, 0, 0, 0);
	ck_abort_msg("the system call returned");
}

START_TEST(test_sigsys_kill_thread)
{
	die_by(PROF_ACT_KILL_THREAD, false);
}
END_TEST

START_TEST(test_sigsys_kill_process)
{
	die_by(PROF_ACT_KILL_PROCESS, false);
}
END_TEST

START_TEST(test_sigsys_trap)
{
	die_by(PROF_ACT_TRAP, false);
}
END_TEST

START_TEST(test_sigsys_kill_extra)
{
	die_by(PROF_ACT_KILL_PROCESS, true);
}
END_TEST

/* ---- interpreter tables ----------------------------------------------------------------- */

START_TEST(test_interp_table_x86_64)
{
	static const char *const allowed = "read write close fstat mmap brk exit_group";
	static const long allowed_nr[] = {0, 1, 3, 5, 9, 12, 231};
	struct tset t;
	struct filter_prog p;
	uint32_t nr;
	size_t i, n, worst = 0;

	ts_init(&t, PROF_ACT_ERRNO, EPERM);
	ts_rule(&t, PROF_ACT_ALLOW, -1, allowed);
	ts_rule(&t, PROF_ACT_ERRNO, ENOSYS, "clone3");
	ts_rule(&t, PROF_ACT_ERRNO, 99, "mseal");
	build_ok(&t, 0, &p);
	for (nr = 0; nr <= 500; nr++) {
		uint32_t want = ACT_ERRNO(EPERM), got;

		for (i = 0; i < sizeof(allowed_nr) / sizeof(allowed_nr[0]); i++)
			if (allowed_nr[i] == nr)
				want = SECCOMP_RET_ALLOW;
		if (nr == SYS_clone3)
			want = ACT_ERRNO(ENOSYS);
		if (nr == 462)
			want = ACT_ERRNO(99);
		if (nr > 462)
			want = ACT_ERRNO(ENOSYS);
		got = interp(&p, AUDIT_ARCH_X86_64, nr, NULL, &n);
		ck_assert_msg(got == want, "nr %u: 0x%08x, expected 0x%08x", nr, got, want);
		if (n > worst)
			worst = n;
	}
	ck_assert_uint_le(worst, p.len);
	/* an ABI not in the filter: libseccomp's bad-arch action, KILL */
	ck_assert_uint_eq(interp(&p, AUDIT_ARCH_AARCH64, 0, NULL, NULL), SECCOMP_RET_KILL_THREAD);
	ck_assert_uint_eq(interp(&p, AUDIT_ARCH_I386, 3, NULL, NULL), SECCOMP_RET_KILL_THREAD);
	/* x32 numbers while x32 is not in the filter never get ALLOW or the stub's ENOSYS */
	{
		uint32_t a = interp(&p, AUDIT_ARCH_X86_64, X32_BIT | 3, NULL, NULL);

		ck_assert_msg(a != SECCOMP_RET_ALLOW && a != ACT_ERRNO(ENOSYS), "x32: 0x%08x", a);
	}
	filter_prog_release(&p);
	ts_free(&t);
}
END_TEST

START_TEST(test_interp_sub_arches)
{
	struct tset t;
	struct filter_prog p;

	ts_init(&t, PROF_ACT_ERRNO, EPERM);
	ts_arch(&t, "SCMP_ARCH_X86");
	ts_arch(&t, "SCMP_ARCH_X32");
	ts_rule(&t, PROF_ACT_ALLOW, -1, "read close socketcall");
	ts_rule(&t, PROF_ACT_ERRNO, 99, "mseal");
	ts_rule(&t, PROF_ACT_ERRNO, 97, "uretprobe");
	build_ok(&t, 0, &p);

	/* x86_64: max is mseal 462 */
	ck_assert_uint_eq(interp(&p, AUDIT_ARCH_X86_64, 3, NULL, NULL), SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(interp(&p, AUDIT_ARCH_X86_64, 462, NULL, NULL), ACT_ERRNO(99));
	ck_assert_uint_eq(interp(&p, AUDIT_ARCH_X86_64, 335, NULL, NULL), ACT_ERRNO(97));
	ck_assert_uint_eq(interp(&p, AUDIT_ARCH_X86_64, 461, NULL, NULL), ACT_ERRNO(EPERM));
	ck_assert_uint_eq(interp(&p, AUDIT_ARCH_X86_64, 463, NULL, NULL), ACT_ERRNO(ENOSYS));
	/* i386: read 3, close 6, socketcall 102; mseal 462; no uretprobe */
	ck_assert_uint_eq(interp(&p, AUDIT_ARCH_I386, 6, NULL, NULL), SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(interp(&p, AUDIT_ARCH_I386, 102, NULL, NULL), SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(interp(&p, AUDIT_ARCH_I386, 462, NULL, NULL), ACT_ERRNO(99));
	ck_assert_uint_eq(interp(&p, AUDIT_ARCH_I386, 335, NULL, NULL), ACT_ERRNO(EPERM));
	ck_assert_uint_eq(interp(&p, AUDIT_ARCH_I386, 463, NULL, NULL), ACT_ERRNO(ENOSYS));
	/* x32: numbers carry bit 30 */
	ck_assert_uint_eq(interp(&p, AUDIT_ARCH_X86_64, X32_BIT | 3, NULL, NULL),
			  SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(interp(&p, AUDIT_ARCH_X86_64, X32_BIT | 462, NULL, NULL), ACT_ERRNO(99));
	ck_assert_uint_eq(interp(&p, AUDIT_ARCH_X86_64, X32_BIT | 335, NULL, NULL), ACT_ERRNO(97));
	ck_assert_uint_eq(interp(&p, AUDIT_ARCH_X86_64, X32_BIT | 1000, NULL, NULL),
			  ACT_ERRNO(ENOSYS));
	ck_assert_uint_eq(interp(&p, AUDIT_ARCH_X86_64, X32_BIT | 100, NULL, NULL),
			  ACT_ERRNO(EPERM));
	ck_assert_uint_eq(interp(&p, AUDIT_ARCH_AARCH64, 3, NULL, NULL), SECCOMP_RET_KILL_THREAD);
	filter_prog_release(&p);
	ts_free(&t);
}
END_TEST

/* Every comparison of the stub's code generator agrees with libseccomp's on the same rule. */
START_TEST(test_interp_stub_cmp_matches_libseccomp)
{
	static const uint64_t values[] = {0,
					  1,
					  38,
					  0x7fffffffULL,
					  0xffffffffULL,
					  0x100000000ULL,
					  0x1000000ffULL,
					  0xffffffff00000000ULL,
					  0xfffffffffffffffeULL};
	static const enum prof_op ops[] = {PROF_OP_NE, PROF_OP_LT, PROF_OP_LE,	     PROF_OP_EQ,
					   PROF_OP_GE, PROF_OP_GT, PROF_OP_MASKED_EQ};
	size_t o, v, w, q;

	for (o = 0; o < sizeof(ops) / sizeof(ops[0]); o++) {
		for (v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
			struct tset t;
			struct filter_prog p;
			struct prof_rule *r;
			uint64_t v2 = values[(v + 3) % (sizeof(values) / sizeof(values[0]))];

			ts_init(&t, PROF_ACT_ERRNO, EPERM);
			/* getxattrat (464) is ours; getxattr (191) is libseccomp's */
			r = ts_rule(&t, PROF_ACT_ERRNO, 50, "getxattrat getxattr");
			ts_arg(r, 2, ops[o], values[v],
			       ops[o] == PROF_OP_MASKED_EQ ? v2 & values[v] : 0);
			ts_arg(r, 4, PROF_OP_NE, 5, 0); /* AND with a second index */
			build_ok(&t, 0, &p);
			for (w = 0; w < sizeof(values) / sizeof(values[0]); w++) {
				for (q = 0; q < 3; q++) {
					uint64_t probe = values[w] + q - 1;
					uint64_t args[6] = {0, 0, probe, 0, q == 1 ? 5 : 6, 0};
					uint32_t ours =
					    interp(&p, AUDIT_ARCH_X86_64, 464, args, NULL);
					uint32_t theirs =
					    interp(&p, AUDIT_ARCH_X86_64, 191, args, NULL);

					ck_assert_msg(
					    ours == theirs,
					    "op %d value 0x%llx probe 0x%llx: stub 0x%08x, "
					    "libseccomp 0x%08x",
					    (int)ops[o], (unsigned long long)values[v],
					    (unsigned long long)probe, ours, theirs);
				}
			}
			filter_prog_release(&p);
			ts_free(&t);
		}
	}
}
END_TEST

START_TEST(test_interp_repeated_index_or)
{
	struct tset t;
	struct filter_prog p;
	struct prof_rule *r;
	uint64_t a[6] = {0};

	ts_init(&t, PROF_ACT_ERRNO, EPERM);
	/* repeated index 0: every condition, including the one on index 1, is its own rule */
	r = ts_rule(&t, PROF_ACT_ALLOW, -1, "socket mseal");
	ts_arg(r, 0, PROF_OP_EQ, 1, 0);
	ts_arg(r, 0, PROF_OP_EQ, 2, 0);
	ts_arg(r, 1, PROF_OP_EQ, 9, 0);
	build_ok(&t, 0, &p);
	for (a[0] = 0; a[0] < 4; a[0]++) {
		for (a[1] = 8; a[1] < 11; a[1]++) {
			bool allow = a[0] == 1 || a[0] == 2 || a[1] == 9;
			uint32_t want = allow ? SECCOMP_RET_ALLOW : ACT_ERRNO(EPERM);

			ck_assert_uint_eq(interp(&p, AUDIT_ARCH_X86_64, SYS_socket, a, NULL), want);
			ck_assert_uint_eq(interp(&p, AUDIT_ARCH_X86_64, 462, a, NULL), want);
		}
	}
	filter_prog_release(&p);
	ts_free(&t);
}
END_TEST

/* A stub too long for 8-bit jumps to libseccomp's program: the trampoline form. */
START_TEST(test_interp_long_stub)
{
	static const char *const names[] = {
	    "statmount",	"listmount",	 "lsm_get_self_attr", "lsm_set_self_attr",
	    "lsm_list_modules", "mseal",	 "setxattrat",	      "getxattrat",
	    "listxattrat",	"removexattrat", "open_tree_attr",    "file_getattr",
	    "file_setattr"};
	struct tset t;
	struct filter_prog p;
	uint64_t zero[6] = {0};
	size_t k, i;

	ts_init(&t, PROF_ACT_ERRNO, EPERM);
	ts_rule(&t, PROF_ACT_ALLOW, -1, "read");
	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		struct prof_rule *r = ts_rule(&t, PROF_ACT_ERRNO, (int)(40 + k), names[k]);

		for (i = 0; i < 6; i++)
			ts_arg(r, (unsigned int)i, PROF_OP_NE, k + 1, 0);
	}
	build_ok(&t, 0, &p);
	ck_assert_uint_gt(p.len, 300);
	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		uint64_t same[6];
		uint32_t nr = (uint32_t)syscall_extra_resolve(names[k], AUDIT_ARCH_X86_64);

		for (i = 0; i < 6; i++)
			same[i] = k + 1;
		ck_assert_uint_eq(interp(&p, AUDIT_ARCH_X86_64, nr, zero, NULL), ACT_ERRNO(40 + k));
		/* all six conditions false */
		ck_assert_uint_eq(interp(&p, AUDIT_ARCH_X86_64, nr, same, NULL), ACT_ERRNO(EPERM));
	}
	ck_assert_uint_eq(interp(&p, AUDIT_ARCH_X86_64, 0, NULL, NULL), SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(interp(&p, AUDIT_ARCH_X86_64, 1, NULL, NULL), ACT_ERRNO(EPERM));
	ck_assert_uint_eq(interp(&p, AUDIT_ARCH_X86_64, 470, NULL, NULL), ACT_ERRNO(ENOSYS));
	ck_assert_uint_eq(interp(&p, AUDIT_ARCH_X86_64, 456, NULL, NULL), ACT_ERRNO(EPERM));
	filter_prog_release(&p);
	ts_free(&t);
}
END_TEST

START_TEST(test_interp_rejects_bad_programs)
{
	struct sock_filter fall_off[] = {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0)};
	struct sock_filter far_jump[] = {BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 5, 0),
					 BPF_STMT(BPF_RET | BPF_K, 0)};
	struct sock_filter bad_load[] = {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 2),
					 BPF_STMT(BPF_RET | BPF_K, 0)};
	struct sock_filter past_end[] = {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 64),
					 BPF_STMT(BPF_RET | BPF_K, 0)};
	struct sock_filter ok[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 7, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW), BPF_STMT(BPF_RET | BPF_A, 0)};
	struct seccomp_data d = {.nr = 7};
	struct bpf_interp_result res;

	ck_assert_int_eq(bpf_interp_run(fall_off, 1, &d, &res), -EINVAL);
	ck_assert_int_eq(bpf_interp_run(far_jump, 2, &d, &res), -EINVAL);
	ck_assert_int_eq(bpf_interp_run(bad_load, 2, &d, &res), -EINVAL);
	ck_assert_int_eq(bpf_interp_run(past_end, 2, &d, &res), -EINVAL);
	ck_assert_int_eq(bpf_interp_run(ok, 4, &d, &res), 0);
	ck_assert_uint_eq(res.ret, SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(res.executed, 3);
	d.nr = 8;
	ck_assert_int_eq(bpf_interp_run(ok, 4, &d, &res), 0);
	ck_assert_uint_eq(res.ret, 8);
	ck_assert_uint_eq(res.executed, 3);
}
END_TEST

/* ---- pure build behaviour and errors ------------------------------------------------------ */

START_TEST(test_extra_table)
{
	ck_assert_int_eq(syscall_extra_resolve("mseal", AUDIT_ARCH_X86_64), 462);
	ck_assert_int_eq(syscall_extra_resolve("mseal", AUDIT_ARCH_AARCH64), 462);
	ck_assert_int_eq(syscall_extra_resolve("mseal", AUDIT_ARCH_I386), 462);
	ck_assert_int_eq(syscall_extra_resolve("mseal", SYSCALL_EXTRA_ARCH_X32),
			 (int)(X32_BIT | 462));
	ck_assert_int_eq(syscall_extra_resolve("uretprobe", AUDIT_ARCH_X86_64), 335);
	ck_assert_int_eq(syscall_extra_resolve("uretprobe", AUDIT_ARCH_AARCH64), -1);
	ck_assert_int_eq(syscall_extra_resolve("statmount", AUDIT_ARCH_X86_64), 457);
	ck_assert_int_eq(syscall_extra_resolve("listmount", AUDIT_ARCH_AARCH64), 458);
	ck_assert_int_eq(syscall_extra_resolve("lsm_list_modules", AUDIT_ARCH_X86_64), 461);
	ck_assert_int_eq(syscall_extra_resolve("removexattrat", AUDIT_ARCH_X86_64), 466);
	ck_assert_int_eq(syscall_extra_resolve("file_setattr", AUDIT_ARCH_AARCH64), 469);
	ck_assert_int_eq(syscall_extra_resolve("riscv_hwprobe", AUDIT_ARCH_X86_64), -1);
	ck_assert(syscall_extra_known("riscv_hwprobe"));
	ck_assert(!syscall_extra_known("no_such_call"));
}
END_TEST

/* Run filter_build with stderr captured. */
static int build_capture(struct tset *t, unsigned int flags, struct filter_prog *p,
			 struct ward_err *err, char *buf, size_t len)
{
	int saved = dup(STDERR_FILENO);
	int fd = memfd_create("stderr", MFD_CLOEXEC);
	ssize_t n;
	int rc;

	ck_assert_int_ge(saved, 0);
	ck_assert_int_ge(fd, 0);
	fflush(stderr);
	ck_assert_int_ge(dup2(fd, STDERR_FILENO), 0);
	rc = filter_build(&t->rs, flags, p, err);
	fflush(stderr);
	ck_assert_int_ge(dup2(saved, STDERR_FILENO), 0);
	close(saved);
	n = pread(fd, buf, len - 1, 0);
	ck_assert_int_ge(n, 0);
	buf[n] = '\0';
	close(fd);
	return rc;
}

START_TEST(test_unknown_syscall_warns)
{
	struct tset t;
	struct filter_prog p;
	struct ward_err err = {0};
	char out[1024];

	log_set_level(LOG_WARN);
	ts_init(&t, PROF_ACT_ERRNO, EPERM);
	ts_rule(&t, PROF_ACT_ALLOW, -1, "read no_such_call riscv_hwprobe");
	ck_assert_int_eq(build_capture(&t, 0, &p, &err, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "ward: warning: unknown syscall 'no_such_call' ignored\n");
	filter_prog_release(&p);
	ts_free(&t);
}
END_TEST

START_TEST(test_unknown_syscall_strict)
{
	struct tset t;
	struct filter_prog p;
	struct ward_err err = {0};
	char out[1024];

	ts_init(&t, PROF_ACT_ERRNO, EPERM);
	ts_rule(&t, PROF_ACT_ALLOW, -1, "read");
	ts_rule(&t, PROF_ACT_ALLOW, -1, "write no_such_call");
	ck_assert_int_eq(build_capture(&t, FILTER_STRICT, &p, &err, out, sizeof(out)), -EINVAL);
	ck_assert_str_eq(err.msg, "syscalls[1]: unknown syscall 'no_such_call'");
	ck_assert_str_eq(out, "");
	ck_assert(!p.enabled);
	ck_assert_ptr_null(p.insns);
	/* a known-but-absent name (riscv_hwprobe on x86) is not an error even when strict */
	ts_free(&t);
	ts_init(&t, PROF_ACT_ERRNO, EPERM);
	ts_rule(&t, PROF_ACT_ALLOW, -1, "read riscv_hwprobe mseal");
	build_ok(&t, FILTER_STRICT, &p);
	filter_prog_release(&p);
	ts_free(&t);
}
END_TEST

START_TEST(test_too_large)
{
	struct tset t;
	struct filter_prog p;
	struct ward_err err = {0};
	struct prof_rule *r;
	uint64_t i;
	int rc;

	ts_init(&t, PROF_ACT_ERRNO, EPERM);
	r = ts_rule(&t, PROF_ACT_ALLOW, -1, "personality");
	/* libseccomp shares the high-word checks, so about one instruction per condition */
	for (i = 0; i < 4500; i++)
		ts_arg(r, 0, PROF_OP_EQ, i * 7 + 0x100000000ULL * (i & 3), 0);
	rc = filter_build(&t.rs, 0, &p, &err);
	ck_assert_int_eq(rc, -E2BIG);
	ck_assert_msg(strncmp(err.msg, "seccomp filter too large: ", 26) == 0, "%s", err.msg);
	ck_assert(!p.enabled);
	ts_free(&t);
}
END_TEST

START_TEST(test_build_errors)
{
	struct tset t;
	struct filter_prog p;
	struct ward_err err = {0};
	struct prof_rule *r;

	ts_init(&t, PROF_ACT_ERRNO, EPERM);
	ts_arch(&t, "SCMP_ARCH_NOPE");
	ck_assert_int_eq(filter_build(&t.rs, 0, &p, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "unknown architecture 'SCMP_ARCH_NOPE'");
	ts_free(&t);

	ts_init(&t, PROF_ACT_NOTIFY, EPERM);
	ck_assert_int_eq(filter_build(&t.rs, 0, &p, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "SCMP_ACT_NOTIFY cannot be the default action");
	ts_free(&t);

	ts_init(&t, PROF_ACT_ERRNO, EPERM);
	ts_rule(&t, PROF_ACT_NOTIFY, -1, "read write");
	ck_assert_int_eq(filter_build(&t.rs, 0, &p, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "syscalls[0]: SCMP_ACT_NOTIFY cannot be used for 'write'");
	ts_free(&t);

	ts_init(&t, PROF_ACT_ERRNO, EPERM);
	r = ts_rule(&t, PROF_ACT_ALLOW, -1, "read");
	ts_arg(r, 6, PROF_OP_EQ, 1, 0);
	ck_assert_int_eq(filter_build(&t.rs, 0, &p, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "syscalls[0]: argument index 6 out of range (0-5)");
	ts_free(&t);

	ts_init(&t, PROF_ACT_ERRNO, EPERM);
	ts_rule(&t, PROF_ACT_ERRNO, 70000, "read");
	ck_assert_int_eq(filter_build(&t.rs, 0, &p, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "syscalls[0]: errno value 70000 out of range");
	ts_free(&t);
}
END_TEST

START_TEST(test_disabled_and_empty)
{
	struct tset t;
	struct filter_prog p;
	struct ward_err err = {0};

	ts_init(&t, PROF_ACT_ERRNO, EPERM);
	t.rs.enabled = false;
	ck_assert_int_eq(filter_build(&t.rs, 0, &p, &err), 0);
	ck_assert(!p.enabled);
	ck_assert_ptr_null(p.insns);
	ck_assert_int_eq(filter_load(&p, &err), 0); /* a no-op */
	ts_free(&t);

	/* no rules at all: no stub (nothing is named), libseccomp's program only */
	ts_init(&t, PROF_ACT_ERRNO, ENOSYS);
	build_ok(&t, 0, &p);
	ck_assert_uint_eq(interp(&p, AUDIT_ARCH_X86_64, 0, NULL, NULL), ACT_ERRNO(ENOSYS));
	filter_prog_release(&p);
	ts_free(&t);

	/* default ALLOW: no ENOSYS stub, unknown numbers are allowed */
	ts_init(&t, PROF_ACT_ALLOW, EPERM);
	ts_rule(&t, PROF_ACT_ERRNO, -1, "read");
	build_ok(&t, 0, &p);
	ck_assert_uint_eq(interp(&p, AUDIT_ARCH_X86_64, 0, NULL, NULL), ACT_ERRNO(EPERM));
	ck_assert_uint_eq(interp(&p, AUDIT_ARCH_X86_64, 1000, NULL, NULL), SECCOMP_RET_ALLOW);
	filter_prog_release(&p);
	ts_free(&t);
}
END_TEST

START_TEST(test_flags)
{
	struct tset t;
	struct filter_prog p;

	ts_init(&t, PROF_ACT_ERRNO, EPERM);
	ts_rule(&t, PROF_ACT_ALLOW, -1, "read");
	t.rs.has_flags = true;
	t.rs.flags = 0;
	build_ok(&t, 0, &p);
	ck_assert_uint_eq(p.flags, 0);
	filter_prog_release(&p);

	t.rs.flags = PROF_FLAG_LOG | PROF_FLAG_SPEC_ALLOW | PROF_FLAG_TSYNC;
	build_ok(&t, 0, &p);
	ck_assert_uint_eq(p.flags, SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW |
				       SECCOMP_FILTER_FLAG_TSYNC);
	filter_prog_release(&p);

	ts_rule(&t, PROF_ACT_NOTIFY, -1, "getppid");
	t.rs.flags = PROF_FLAG_TSYNC | PROF_FLAG_WAIT_KILLABLE_RECV;
	build_ok(&t, 0, &p);
	ck_assert_uint_eq(p.flags, SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_NEW_LISTENER |
				       SECCOMP_FILTER_FLAG_TSYNC_ESRCH |
				       SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV);
	filter_prog_release(&p);
	ts_free(&t);
}
END_TEST

START_TEST(test_export)
{
	struct tset t;
	struct filter_prog p;
	struct ward_err err = {0};
	int fd = memfd_create("export", MFD_CLOEXEC);
	char *buf;
	struct stat st;

	live_set(&t);
	build_ok(&t, 0, &p);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(filter_export(&t.rs, 0, FILTER_EXPORT_BPF, fd, &err), 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert_int_eq(st.st_size, (off_t)(p.len * sizeof(*p.insns)));
	buf = xmalloc((size_t)st.st_size + 1);
	ck_assert_int_eq(pread(fd, buf, (size_t)st.st_size, 0), st.st_size);
	ck_assert_int_eq(memcmp(buf, p.insns, (size_t)st.st_size), 0);
	free(buf);
	close(fd);

	fd = memfd_create("export", MFD_CLOEXEC);
	ck_assert_int_eq(filter_export(&t.rs, 0, FILTER_EXPORT_PFC, fd, &err), 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	buf = xmalloc((size_t)st.st_size + 1);
	ck_assert_int_eq(pread(fd, buf, (size_t)st.st_size, 0), st.st_size);
	buf[st.st_size] = '\0';
	ck_assert_ptr_nonnull(strstr(buf, "# ward stub"));
	ck_assert_ptr_nonnull(strstr(buf, "# arch x86_64: syscall > 464 -> ERRNO(38)"));
	ck_assert_ptr_nonnull(strstr(buf, "pseudo filter code start"));
	free(buf);
	close(fd);
	ck_assert_int_eq(filter_export(&t.rs, 0, 7, STDOUT_FILENO, &err), -EINVAL);
	filter_prog_release(&p);
	ts_free(&t);
}
END_TEST

/* ---- the fast path decides as the plain program does ------------------------------ */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
	/* xorshift64*: reproducible from run to run */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

#define NVEC 16

/*
 * Argument vectors that cross the conditions of Docker's profile (personality,
 * clone, clone3, socket, socketcall) and of the random rule sets, plus noise.
 */
static void arg_vectors(uint64_t v[NVEC][6])
{
	static const uint64_t fixed[][6] = {
	    {0, 0, 0, 0, 0, 0},
	    {~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL},
	    {8, 8, 8, 8, 8, 8},
	    {0x20000, 1, 2, 3, 4, 5},
	    {0x20008, 0, 0, 0, 0, 0},
	    {0xffffffffULL, 0, 0, 0, 0, 0},
	    {0x7e020000, 0x7e020000, 0, 0, 0, 0},
	    {40, 40, 40, 0, 0, 0},
	    {1, 0x100000000ULL, 7, 0, 0, 0},
	    {5, 5, 0, 0, 0, 0},
	    {0x100000000ULL, 1, 2, 3, 4, 5},
	};
	size_t i, j;

	memcpy(v, fixed, sizeof(fixed));
	for (i = sizeof(fixed) / sizeof(fixed[0]); i < NVEC; i++)
		for (j = 0; j < 6; j++)
			v[i][j] = rng() >> (rng() % 64);
}

/*
 * Every number 0..1023 on x86_64, x86 and x32 (and an arch not in the filter,
 * and numbers far out), each with NVEC argument vectors: the program with the
 * fast path in front must return what the plain stub + libseccomp program
 * returns (with the part of that program the fast path no longer reaches cut,
 * filter_prune.c). A rule set libseccomp refuses must fail the same way in both.
 * Return: 1 when a program was built and compared, else 0.
 */
static int same_decisions(const struct rule_set *rs, const char *what)
{
	static const uint32_t arches[] = {AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, 0x4000003eU,
					  AUDIT_ARCH_AARCH64};
	static const uint32_t far[] = {0x3fffffffU, 0x7fffffffU, 0x80000000U, 0xbfffffffU,
				       0xc0000000U, 0xfffffff0U, 0xffffff93U, 0xffffd8f4U,
				       0xffffffffU, 4096,	 65535};
	uint64_t vec[NVEC][6];
	struct filter_prog fast, plain;
	struct ward_err err = {0};
	size_t a, v, i;
	uint32_t nr;

	int rc_fast = filter_build(rs, 0, &fast, &err);
	int rc_plain = filter_build(rs, FILTER_STUB_FIRST, &plain, &err);

	ck_assert_msg(rc_fast == rc_plain, "%s: %d vs %d: %s", what, rc_fast, rc_plain, err.msg);
	if (rc_fast < 0)
		return 0;
	ck_assert_int_eq(fast.enabled, plain.enabled);
	if (!fast.enabled)
		return 0;
	/* the fast path's program is cut to what it still asks (filter_prune.c): shorter */
	ck_assert_uint_le(fast.len, plain.len + 1024);
	arg_vectors(vec);
	for (a = 0; a < sizeof(arches) / sizeof(arches[0]); a++) {
		/* the x32 entry is x86_64's audit value with the x32 bit in nr */
		uint32_t arch = a == 2 ? AUDIT_ARCH_X86_64 : arches[a];
		uint32_t bit = a == 2 ? X32_BIT : 0;

		for (i = 0; i < 1024 + sizeof(far) / sizeof(far[0]); i++) {
			nr = i < 1024 ? (uint32_t)i | bit : far[i - 1024];
			for (v = 0; v < NVEC; v++) {
				/* no ck_assert per call: each one is a write to Check's pipe */
				struct bpf_interp_result want, got;
				struct seccomp_data d = {.nr = (int)nr, .arch = arch};
				int rc1, rc2;

				memcpy(d.args, vec[v], sizeof(d.args));
				rc1 = bpf_interp_run(plain.insns, plain.len, &d, &want);
				rc2 = bpf_interp_run(fast.insns, fast.len, &d, &got);
				if (rc1 == 0 && rc2 == 0 && got.ret == want.ret)
					continue;
				ck_abort_msg("%s: arch %#x nr %#x args[%zu]: fast %#x (%d), plain "
					     "%#x (%d)",
					     what, arch, nr, v, got.ret, rc2, want.ret, rc1);
			}
		}
	}
	filter_prog_release(&fast);
	filter_prog_release(&plain);
	return 1;
}

/* Docker's default profile, resolved for several capability sets and kernels. */
START_TEST(test_fast_path_docker_profile)
{
	const uint64_t docker = caps_docker_default();
	const struct {
		uint64_t caps;
		unsigned int maj, min;
	} t[] = {
	    {docker, 6, 1},
	    {0, 6, 1},
	    {docker | 1ULL << 21 /* SYS_ADMIN */, 6, 1},
	    {docker | 1ULL << 19 /* SYS_PTRACE */ | 1ULL << 34 /* SYSLOG */, 6, 1},
	    {caps_all(), 6, 8},
	    {docker, 4, 14},
	};
	struct profile *prof = NULL;
	struct ward_err err = {0};
	size_t i;

	ck_assert_msg(profile_load_default(&prof, &err) == 0, "%s", err.msg);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct resolve_ctx c = {.native_arch = "amd64",
					.native_scmp = "SCMP_ARCH_X86_64",
					.caps = t[i].caps,
					.kernel_major = t[i].maj,
					.kernel_minor = t[i].min};
		struct rule_set rs;
		char what[64];

		ck_assert_msg(profile_resolve(prof, &c, &rs, &err) == 0, "%s", err.msg);
		(void)snprintf(what, sizeof(what), "default profile, set %zu", i);
		same_decisions(&rs, what);
		rule_set_release(&rs);
	}
	profile_free(prof);
}
END_TEST

/* The fast path is what makes allowed calls cheap: check it is there and pays. */
START_TEST(test_fast_path_cost)
{
	struct profile *prof = NULL;
	struct ward_err err = {0};
	struct resolve_ctx c = {.native_arch = "amd64",
				.native_scmp = "SCMP_ARCH_X86_64",
				.caps = caps_docker_default(),
				.kernel_major = 6,
				.kernel_minor = 1};
	struct rule_set rs;
	struct filter_prog fast, plain;
	size_t n = 0, sum_fast = 0, sum_plain = 0, worst = 0, e1, e2;
	uint32_t nr;

	ck_assert_msg(profile_load_default(&prof, &err) == 0, "%s", err.msg);
	ck_assert_msg(profile_resolve(prof, &c, &rs, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(filter_build(&rs, 0, &fast, &err), 0);
	ck_assert_int_eq(filter_build(&rs, FILTER_STUB_FIRST, &plain, &err), 0);
	for (nr = 0; nr < 512; nr++) {
		if (interp(&plain, AUDIT_ARCH_X86_64, nr, NULL, &e1) != SECCOMP_RET_ALLOW)
			continue;
		(void)interp(&fast, AUDIT_ARCH_X86_64, nr, NULL, &e2);
		n++;
		sum_plain += e1;
		sum_fast += e2;
		worst = e2 > worst ? e2 : worst;
	}
	ck_assert_uint_gt(n, 200);
	/* generous bounds: this guards the layout, not the exact numbers */
	ck_assert_msg(sum_fast * 3 < sum_plain * 2, "fast %zu, plain %zu", sum_fast, sum_plain);
	ck_assert_uint_le(worst, 40);
	filter_prog_release(&fast);
	filter_prog_release(&plain);
	rule_set_release(&rs);
	profile_free(prof);
}
END_TEST

/* Random rule sets: names libseccomp knows and ones it does not, every action and operator. */
START_TEST(test_fast_path_random_rule_sets)
{
	static const char *const names[] = {"read",
					    "write",
					    "openat",
					    "close",
					    "mmap",
					    "personality",
					    "clone",
					    "socket",
					    "ioctl",
					    "futex",
					    "getpid",
					    "accept",
					    "shmget",
					    "mseal",
					    "statmount",
					    "listmount",
					    "fchmodat2",
					    "futex_wake",
					    "uretprobe",
					    "clone3",
					    "chown32",
					    "_llseek",
					    "arch_prctl",
					    "io_uring_setup",
					    "socketcall",
					    "ipc",
					    "set_mempolicy_home_node",
					    "process_mrelease",
					    "exit_group",
					    "removexattrat"};
	static const enum prof_action acts[] = {
	    PROF_ACT_ALLOW, PROF_ACT_ERRNO, PROF_ACT_KILL_THREAD, PROF_ACT_KILL_PROCESS,
	    PROF_ACT_TRAP,  PROF_ACT_TRACE, PROF_ACT_LOG};
	static const char *const arch_sets[][2] = {{"SCMP_ARCH_X86", "SCMP_ARCH_X32"},
						   {"SCMP_ARCH_X32", NULL},
						   {"SCMP_ARCH_X86", NULL},
						   {NULL, NULL}};
	int round, built = 0;

	log_set_level(LOG_QUIET); /* quiet about rules on calls an arch lacks */
	for (round = 0; round < 60; round++) {
		struct tset t;
		char what[32];
		size_t nrules = 1 + rng() % 12, r, k;

		ts_init(&t, acts[rng() % 7], rng() % 2 ? EPERM : ENOSYS);
		for (k = 0; k < 2 && arch_sets[round % 4][k]; k++)
			ts_arch(&t, arch_sets[round % 4][k]);
		for (r = 0; r < nrules; r++) {
			char list[128] = "";
			size_t nn = 1 + rng() % 3, j;
			struct prof_rule *pr;

			for (j = 0; j < nn; j++) {
				strcat(list, names[rng() % (sizeof(names) / sizeof(names[0]))]);
				strcat(list, " ");
			}
			pr = ts_rule(&t, acts[rng() % 7], rng() % 3 ? (int)(1 + rng() % 100) : -1,
				     list);
			for (j = rng() % 4 ? 0 : 1 + rng() % 3; j > 0; j--)
				ts_arg(pr, (unsigned int)(rng() % 3), (enum prof_op)(rng() % 7),
				       rng() % 3 ? rng() % 10 : rng(), rng() % 2 ? 0xff : ~0ULL);
		}
		(void)snprintf(what, sizeof(what), "random set %d", round);
		built += same_decisions(&t.rs, what);
		ts_free(&t);
	}
	log_set_level(LOG_WARN);
	ck_assert_int_ge(built, 40);
}
END_TEST

/* ---- value sets --------------------------------------------------------------------- */

struct vcase {
	const char *name;
	unsigned int index;
	uint32_t nr[3]; /* x86_64, i386, x32 (with the x32 bit); 0: absent */
};

static const struct vcase vcases[] = {
    {"ioctl", 1, {16, 54, 0x40000000U | 514}},
    {"prctl", 0, {157, 172, 0x40000000U | 157}},
    {"setsockopt", 2, {54, 366, 0x40000000U | 541}}, /* socketcall on i386: libseccomp's */
};

/* A rule set of @n equality rules on each of vcases' calls (@wide: 64-bit values). */
static void vset_rules(struct rule_set *rs, struct prof_rule **rules, uint64_t **vals, size_t n,
		       bool wide, char **arches, size_t narches)
{
	static char *names[3][2] = {{"ioctl", NULL}, {"prctl", NULL}, {"setsockopt", NULL}};
	size_t c, i, k = 0;

	memset(rs, 0, sizeof(*rs));
	rs->enabled = true;
	rs->default_action = PROF_ACT_ERRNO;
	rs->default_errno = EPERM;
	rs->arches = arches;
	rs->narches = narches;
	*rules = xcalloc(3 * n + 1, sizeof(**rules));
	*vals = xcalloc(3 * n, sizeof(**vals));
	rs->rules = xcalloc(3 * n + 1, sizeof(*rs->rules));
	for (c = 0; c < 3; c++) {
		for (i = 0; i < n; i++, k++) {
			struct prof_rule *r = &(*rules)[k];
			uint64_t v = rng();

			v = wide && i % 3 == 0 ? v : (uint32_t)v;
			if (i % 7 == 0 && i > 0)
				v = (*vals)[k - 1] + 1; /* neighbours */
			(*vals)[k] = v;
			r->names = names[c];
			r->nnames = 1;
			r->action = PROF_ACT_ALLOW;
			r->args = xcalloc(1, sizeof(*r->args));
			r->args[0] = (struct prof_arg){vcases[c].index, v, 0, PROF_OP_EQ};
			r->nargs = 1;
			r->position = k;
			rs->rules[rs->nrules++] = r;
		}
	}
	rs->rules[rs->nrules] = NULL;
}

static int cmp_u64_test(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

static void vset_free(struct rule_set *rs, struct prof_rule *rules, uint64_t *vals)
{
	size_t i;

	for (i = 0; i < rs->nrules; i++)
		free(rules[i].args);
	free(rules);
	free(vals);
	free(rs->rules);
}

/* The decision of @a and @b for every value of the sets, its neighbours, and random ones. */
static void vset_compare(const struct filter_prog *a, const struct filter_prog *b,
			 const uint64_t *vals, size_t n)
{
	static const uint32_t audit[3] = {AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, AUDIT_ARCH_X86_64};
	size_t c, i, s, arch;

	for (arch = 0; arch < 3; arch++) {
		for (c = 0; c < 3; c++) {
			for (i = 0; i < n + 200; i++) {
				uint64_t base = i < n ? vals[c * n + i] : rng();
				uint64_t probe[4] = {base, base + 1, base - 1, base ^ (1ULL << 32)};

				for (s = 0; s < 4; s++) {
					uint64_t args[6];
					size_t j;
					uint32_t ra, rb;

					for (j = 0; j < 6; j++)
						args[j] = rng();
					args[vcases[c].index] = probe[s];
					if (arch == 1) /* a 32-bit ABI: the kernel zero-extends */
						for (j = 0; j < 6; j++)
							args[j] = (uint32_t)args[j];
					ra = interp(a, audit[arch], vcases[c].nr[arch], args, NULL);
					rb = interp(b, audit[arch], vcases[c].nr[arch], args, NULL);
					ck_assert_msg(
					    ra == rb,
					    "%s arch %zu value 0x%llx: 0x%x vs libseccomp 0x%x",
					    vcases[c].name, arch,
					    (unsigned long long)args[vcases[c].index], ra, rb);
				}
			}
		}
	}
}

/*
 * Value sets (filter_vset.c) decide as libseccomp does, for every value in the set,
 * its neighbours and random ones, on each ABI; and their search is logarithmic.
 */
START_TEST(test_value_sets_match_libseccomp)
{
	static char *subs[] = {"SCMP_ARCH_X86", "SCMP_ARCH_X32"};
	static const struct {
		size_t n;
		bool wide;
		size_t narches; /* of subs */
	} t[] = {{20, false, 2}, {300, false, 2}, {300, true, 0}, {600, false, 0}};
	size_t i;

	log_set_level(LOG_QUIET);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct rule_set rs;
		struct prof_rule *rules;
		uint64_t *vals;
		struct filter_prog fast, plain, stacked;
		struct ward_err err = {0};
		size_t executed = 0;
		uint64_t args[6] = {0};

		/* libseccomp's chains on three ABIs fit up to a few hundred values */
		vset_rules(&rs, &rules, &vals, t[i].n, t[i].wide, subs, t[i].narches);
		ck_assert_msg(filter_build(&rs, 0, &fast, &err) == 0, "%s", err.msg);
		ck_assert_msg(filter_build(&rs, FILTER_NO_VSET, &plain, &err) == 0, "%s", err.msg);
		vset_compare(&fast, &plain, vals, t[i].n);
		/* the same sets in stacked filters decide the same */
		ck_assert_msg(filter_build(&rs, FILTER_STACK, &stacked, &err) == 0, "%s", err.msg);
		ck_assert_uint_gt(stacked.nparts, 1);
		vset_compare(&stacked, &plain, vals, t[i].n);
		filter_prog_release(&stacked);
		/* an allowed ioctl: the tree's depth, not the set's size */
		args[1] = vals[t[i].n - 1];
		ck_assert_uint_eq(interp(&fast, AUDIT_ARCH_X86_64, 16, args, &executed),
				  SECCOMP_RET_ALLOW);
		ck_assert_msg(executed < 40, "%zu values: %zu instructions", t[i].n, executed);
		filter_prog_release(&fast);
		filter_prog_release(&plain);
		vset_free(&rs, rules, vals);
	}
}
END_TEST

/*
 * Beyond one program: 4,000 values on three ABIs are stacked filters
 * (libseccomp's program would not fit to compare with): every value in the set
 * is allowed, its neighbours and random values are not, and a search takes
 * tens of instructions. Each filter fits the kernel's limit.
 */
START_TEST(test_value_sets_stacked_large)
{
	static char *subs[] = {"SCMP_ARCH_X86", "SCMP_ARCH_X32"};
	static const uint32_t nr[3] = {16, 54, 0x40000000U | 514}; /* ioctl */
	static const uint32_t audit[3] = {AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, AUDIT_ARCH_X86_64};
	struct rule_set rs;
	struct prof_rule *rules;
	uint64_t *vals, *sorted;
	struct filter_prog prog;
	struct ward_err err = {0};
	size_t n = 4000, i, a, k, executed, worst = 0;

	static char *exit_names[] = {"exit_group", NULL};
	struct prof_rule exit_rule = {.names = exit_names, .nnames = 1, .action = PROF_ACT_ALLOW};
	struct call calls[2] = {{SYS_ioctl, {(uint64_t)-1}, 0}, {SYS_ioctl, {(uint64_t)-1}, 0}};
	struct live_out live;

	log_set_level(LOG_QUIET);
	vset_rules(&rs, &rules, &vals, n, false, subs, 2);
	rs.rules[n] = &exit_rule; /* ioctl's rules, and a way out for the live check */
	rs.nrules = n + 1;
	ck_assert_msg(filter_build(&rs, 0, &prog, &err) == 0, "%s", err.msg);
	ck_assert_uint_gt(prog.nparts, 1);
	/* the kernel takes the stack, and decides as the interpreter says */
	calls[0].a[1] = vals[n / 2];
	calls[1].a[1] = (uint32_t)(vals[n / 2] + 1) == vals[n / 2 + 1] ? 0 : vals[n / 2] + 1;
	ck_assert_int_eq(run_live(&prog, calls, 2, &live), 0);
	ck_assert_int_eq(live.load_rc, 0);
	ck_assert_int_eq(live.err[0], EBADF);
	ck_assert_int_eq(live.err[1], EPERM);
	for (i = 0; i < prog.nparts; i++)
		ck_assert_uint_le(prog.part_len[i], FILTER_MAX_INSNS);
	sorted = xcalloc(n, sizeof(*sorted));
	memcpy(sorted, vals, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_u64_test);
	for (a = 0; a < 3; a++) {
		for (i = 0; i < n + 500; i++) {
			uint64_t args[6] = {0}, v = i < n ? vals[i] : (uint32_t)rng();
			uint64_t probe[3] = {v, (uint32_t)(v + 1), (uint32_t)(v - 1)};

			for (k = 0; k < 3; k++) {
				bool in = bsearch(&probe[k], sorted, n, sizeof(*sorted),
						  cmp_u64_test) != NULL;
				uint32_t want = in ? SECCOMP_RET_ALLOW : SECCOMP_RET_ERRNO | EPERM;

				args[1] = probe[k];
				ck_assert_uint_eq(interp(&prog, audit[a], nr[a], args, &executed),
						  want);
				worst = executed > worst ? executed : worst;
			}
		}
	}
	ck_assert_msg(worst < 200, "worst path %zu instructions", worst);
	free(sorted);
	filter_prog_release(&prog);
	rs.rules[n] = &rules[n];
	rs.nrules = 3 * n;
	vset_free(&rs, rules, vals);
}
END_TEST

/*
 * The programs compiled at build time (ward-precompile) are what a fresh
 * compile of the same key gives, instruction for instruction; and anything
 * else in the key (caps, profile bytes, kernel, flags, arch) misses.
 */
START_TEST(test_builtin_matches_fresh_compile)
{
	struct policy_source src;
	struct profile *prof = NULL;
	struct ward_err err = {0};
	struct filter_cache_key key;
	struct filter_prog pre, fresh;
	cleanup_free char *copy = NULL;
	bool docker = false, none = false;
	size_t i;

	ck_assert_int_ge(filter_nbuiltins, 2);
	ck_assert_int_eq(policy_read(NULL, &src, &err), 0);
	ck_assert_msg(profile_load_default(&prof, &err) == 0, "%s", err.msg);
	for (i = 0; i < filter_nbuiltins; i++) {
		const struct filter_builtin *b = &filter_builtins[i];
		unsigned int maj = b->kernel_lo >> 8, min = b->kernel_lo & 0xff;
		struct resolve_ctx c = {.native_arch = "amd64",
					.native_scmp = b->arch,
					.caps = b->caps,
					.kernel_major = maj,
					.kernel_minor = min};
		struct rule_set rs;

		docker |= b->caps == caps_docker_default();
		none |= b->caps == 0;
		memset(&key, 0, sizeof(key));
		key.profile = src.data;
		key.profile_len = src.len;
		key.caps = b->caps;
		key.arch = b->arch;
		ck_assert(filter_builtin_lookup(&key, maj, min, &pre));
		ck_assert_msg(profile_resolve(prof, &c, &rs, &err) == 0, "%s", err.msg);
		ck_assert_msg(filter_build(&rs, 0, &fresh, &err) == 0, "%s", err.msg);
		rule_set_release(&rs);
		ck_assert_int_eq(pre.len, fresh.len);
		ck_assert_int_eq(pre.flags, fresh.flags);
		ck_assert(pre.enabled && fresh.enabled);
		ck_assert(memcmp(pre.insns, fresh.insns, pre.len * sizeof(*pre.insns)) == 0);
		filter_prog_release(&pre);
		filter_prog_release(&fresh);

		/* a newer kernel is the same; an older one than the profile names, no */
		ck_assert(filter_builtin_lookup(&key, 255, 255, &pre));
		filter_prog_release(&pre);
		if (b->kernel_lo > 0)
			ck_assert(!filter_builtin_lookup(&key, (b->kernel_lo - 1) >> 8,
							 (b->kernel_lo - 1) & 0xff, &pre));
		key.build_flags = FILTER_STRICT;
		ck_assert(!filter_builtin_lookup(&key, maj, min, &pre));
		key.build_flags = 0;
		key.arch = "SCMP_ARCH_AARCH64";
		ck_assert(!filter_builtin_lookup(&key, maj, min, &pre));
		key.arch = b->arch;
		key.caps = b->caps | 1ULL << 21; /* CAP_SYS_ADMIN */
		ck_assert(!filter_builtin_lookup(&key, maj, min, &pre));
		key.caps = b->caps;
		copy = xmalloc(src.len);
		memcpy(copy, src.data, src.len);
		key.profile = copy;
		ck_assert(filter_builtin_lookup(&key, maj, min, &pre)); /* the same bytes */
		filter_prog_release(&pre);
		copy[src.len - 1] = ' ' == copy[src.len - 1] ? '\n' : ' ';
		ck_assert(!filter_builtin_lookup(&key, maj, min, &pre));
		free(steal_ptr(&copy));
	}
	ck_assert_msg(docker && none, "Docker's 14 capabilities and the empty set are built in");
	profile_free(prof);
	policy_source_release(&src);
}
END_TEST

Suite *filter_suite(void)
{
	Suite *s = suite_create("filter");
	TCase *tc;

	tc = tcase_create("live");
	tcase_set_timeout(tc, UNIT_TIMEOUT);
	tcase_add_test(tc, test_live_actions);
	tcase_add_test(tc, test_live_i386);
	tcase_add_test(tc, test_live_notify_listener);
	suite_add_tcase(s, tc);

	tc = tcase_create("sigsys");
	tcase_set_timeout(tc, UNIT_TIMEOUT);
	tcase_add_test_raise_signal(tc, test_sigsys_kill_thread, SIGSYS);
	tcase_add_test_raise_signal(tc, test_sigsys_kill_process, SIGSYS);
	tcase_add_test_raise_signal(tc, test_sigsys_trap, SIGSYS);
	tcase_add_test_raise_signal(tc, test_sigsys_kill_extra, SIGSYS);
	suite_add_tcase(s, tc);

	tc = tcase_create("interp");
	tcase_set_timeout(tc, UNIT_TIMEOUT);
	tcase_add_test(tc, test_interp_table_x86_64);
	tcase_add_test(tc, test_interp_sub_arches);
	tcase_add_test(tc, test_interp_stub_cmp_matches_libseccomp);
	tcase_add_test(tc, test_interp_repeated_index_or);
	tcase_add_test(tc, test_interp_long_stub);
	tcase_add_test(tc, test_interp_rejects_bad_programs);
	tcase_add_test(tc, test_fast_path_docker_profile);
	tcase_add_test(tc, test_fast_path_cost);
	tcase_add_test(tc, test_fast_path_random_rule_sets);
	suite_add_tcase(s, tc);

	tc = tcase_create("build");
	tcase_set_timeout(tc, UNIT_TIMEOUT);
	tcase_add_test(tc, test_extra_table);
	tcase_add_test(tc, test_unknown_syscall_warns);
	tcase_add_test(tc, test_unknown_syscall_strict);
	tcase_add_test(tc, test_too_large);
	tcase_add_test(tc, test_build_errors);
	tcase_add_test(tc, test_disabled_and_empty);
	tcase_add_test(tc, test_flags);
	tcase_add_test(tc, test_export);
	tcase_add_test(tc, test_builtin_matches_fresh_compile);
	tcase_add_test(tc, test_value_sets_match_libseccomp);
	tcase_add_test(tc, test_value_sets_stacked_large);
	suite_add_tcase(s, tc);

	return s;
}
