/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * devcg.c - the device cgroup on cgroup v1 (devices.allow / devices.deny
 * lines) and v2 (an eBPF program), with the rule semantics of devcg.h.
 *
 * The v2 program: a prologue loads the request into registers, then one block
 * per rule, the last rule first, each jumping to the next block as soon as one
 * of its tests fails and giving its verdict when all pass; the default verdict
 * comes last (runc's devicefilter has the same blocks). Verdicts jump to shared
 * exits, and rules allowing one device with any access compare a single key
 * (see DEVCG_SHARED_MAX).
 *
 *   r2 = type (BPF_DEVCG_DEV_*)    r3 = access (BPF_DEVCG_ACC_*)
 *   r4 = major                     r5 = minor          r1 = scratch
 *
 * Every register is loaded with a 32-bit load or written by a 32-bit ALU
 * operation, so its upper half is zero and a 64-bit compare with an
 * immediate in 0..INT32_MAX (the range a rule's major and minor are held to)
 * is exact; plain BPF_JMP keeps the program loadable on 4.15, the first
 * kernel with device programs.
 */
#include "ward/devcg.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/util.h"

#define DEVCG_LOG_SIZE	  (64U * 1024U)
#define DEVCG_LOAD_TRIES  5	   /* BPF_PROG_LOAD may fail with EAGAIN; libbpf retries too */
#define DEVCG_MAX_INSNS	  1000000U /* the verifier's limit for a privileged program */
#define DEVCG_PROLOGUE	  7U
#define DEVCG_EPILOGUE	  2U
#define DEVCG_MAX_BLOCK	  8U
#define DEVCG_V1_LINE_MAX 64

/* ------------------------------------------------------------------ the rule lists */

#define ALLOW_DEV(t, maj, min)                                                                     \
	{                                                                                          \
		.allow = true, .type = (t), .major = (maj), .minor = (min), .access = DEVCG_RWM    \
	}

const struct devcg_rule devcg_default_rules[] = {
    {.allow = false, .type = 'a', .major = DEVCG_ANY, .minor = DEVCG_ANY, .access = DEVCG_RWM},
    {.allow = true, .type = 'c', .major = DEVCG_ANY, .minor = DEVCG_ANY, .access = DEVCG_MKNOD},
    {.allow = true, .type = 'b', .major = DEVCG_ANY, .minor = DEVCG_ANY, .access = DEVCG_MKNOD},
    ALLOW_DEV('c', 1, 3),	    /* /dev/null */
    ALLOW_DEV('c', 1, 8),	    /* /dev/random */
    ALLOW_DEV('c', 1, 7),	    /* /dev/full */
    ALLOW_DEV('c', 5, 0),	    /* /dev/tty */
    ALLOW_DEV('c', 1, 5),	    /* /dev/zero */
    ALLOW_DEV('c', 1, 9),	    /* /dev/urandom */
    ALLOW_DEV('c', 136, DEVCG_ANY), /* /dev/pts/N */
    ALLOW_DEV('c', 5, 2),	    /* /dev/ptmx */
    ALLOW_DEV('c', 10, 200),	    /* /dev/net/tun */
};

const size_t devcg_ndefault_rules = sizeof(devcg_default_rules) / sizeof(devcg_default_rules[0]);

static bool num_ok(int64_t v)
{
	return v == DEVCG_ANY || (v >= 0 && v <= INT32_MAX);
}

static bool rule_ok(const struct devcg_rule *r)
{
	return (r->type == 'a' || r->type == 'b' || r->type == 'c') && num_ok(r->major) &&
	       num_ok(r->minor) && (r->access & ~DEVCG_RWM) == 0;
}

static bool is_reset(const struct devcg_rule *r)
{
	return r->type == 'a' && r->major == DEVCG_ANY && r->minor == DEVCG_ANY;
}

/* Say what is wrong with rule @i. Return: -EINVAL. */
static int rule_error(const struct devcg_rule *r, size_t i, struct ward_err *err)
{
	if (r->type != 'a' && r->type != 'b' && r->type != 'c')
		return err_set(err, 0, "device rule %zu: type '%c' is not 'a', 'b' or 'c'", i,
			       r->type);
	if (!num_ok(r->major) || !num_ok(r->minor))
		return err_set(err, 0, "device rule %zu: major or minor out of range", i);
	return err_set(err, 0, "device rule %zu: access bits 0x%x beyond rwm", i, r->access);
}

static int check_rules(const struct devcg_rule *rules, size_t n, struct ward_err *err)
{
	for (size_t i = 0; i < n; i++)
		if (!rule_ok(&rules[i]))
			return rule_error(&rules[i], i, err);
	return 0;
}

/* Where evaluation starts: just after the last reset, with its verdict as default. */
static size_t first_live(const struct devcg_rule *rules, size_t n, bool *dflt)
{
	*dflt = true;
	for (size_t i = n; i > 0; i--) {
		if (is_reset(&rules[i - 1])) {
			*dflt = rules[i - 1].allow;
			return i;
		}
	}
	return 0;
}

bool devcg_allows(const struct devcg_rule *rules, size_t n, char type, uint32_t major,
		  uint32_t minor, unsigned int access)
{
	unsigned int req = access & DEVCG_RWM;
	bool dflt;
	size_t first;

	if (n == 0)
		return true;
	first = first_live(rules, n, &dflt);
	for (size_t i = n; i > first; i--) {
		const struct devcg_rule *r = &rules[i - 1];

		if (r->type != 'a' && r->type != type)
			continue;
		if ((r->major != DEVCG_ANY && r->major != (int64_t)major) ||
		    (r->minor != DEVCG_ANY && r->minor != (int64_t)minor))
			continue;
		if (r->allow && (req & ~r->access) == 0)
			return true;
		if (!r->allow && (req & r->access) != 0)
			return false;
	}
	return dflt;
}

/* ------------------------------------------------------------------ access strings, v1 lines */

int devcg_parse_access(const char *s, unsigned int *out)
{
	unsigned int bits = 0;

	for (const char *p = s; *p; p++) {
		unsigned int bit;

		switch (*p) {
		case 'r':
			bit = DEVCG_READ;
			break;
		case 'w':
			bit = DEVCG_WRITE;
			break;
		case 'm':
			bit = DEVCG_MKNOD;
			break;
		default:
			return -EINVAL;
		}
		if (bits & bit)
			return -EINVAL;
		bits |= bit;
	}
	*out = bits;
	return 0;
}

static void format_num(char *buf, size_t len, int64_t v)
{
	if (v == DEVCG_ANY)
		(void)snprintf(buf, len, "*"); /* callers pass room for any int32 */
	else
		(void)snprintf(buf, len, "%lld", (long long)v);
}

int devcg_format_v1(const struct devcg_rule *r, char *buf, size_t len)
{
	char major[24], minor[24], access[4];
	size_t a = 0;
	int n;

	if (!rule_ok(r) || (r->type == 'a' && !is_reset(r)) || (r->type != 'a' && r->access == 0))
		return -EINVAL;
	format_num(major, sizeof(major), r->major);
	format_num(minor, sizeof(minor), r->minor);
	if (r->access & DEVCG_READ)
		access[a++] = 'r';
	if (r->access & DEVCG_WRITE)
		access[a++] = 'w';
	if (r->access & DEVCG_MKNOD)
		access[a++] = 'm';
	access[a] = '\0';
	n = snprintf(buf, len, "%c %s:%s%s%s", r->type, major, minor, a ? " " : "", access);
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

/* ------------------------------------------------------------------ cgroup v1 */

/* One rule per write(), as the kernel parses it; the newline is stripped there. */
static int write_line(int fd, const char *path, const char *line, struct ward_err *err)
{
	char buf[DEVCG_V1_LINE_MAX + 1];
	size_t len = strlen(line);
	ssize_t n;

	if (len + 1 >= sizeof(buf))
		return err_set(err, ENAMETOOLONG, "cannot write '%s' to '%s'", line, path);
	memcpy(buf, line, len);
	buf[len++] = '\n';
	do
		n = write(fd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return err_set(err, errno, "cannot write '%s' to '%s'", line, path);
	if ((size_t)n != len)
		return err_set(err, EIO, "short write of '%s' to '%s'", line, path);
	return 0;
}

static int open_knob(const char *dir, const char *name, char *path, size_t len,
		     struct ward_err *err)
{
	int n = snprintf(path, len, "%s/%s", dir, name);
	int fd;

	if (n < 0 || (size_t)n >= len)
		return err_set(err, ENAMETOOLONG, "cannot open '%s/%s'", dir, name);
	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return err_set(err, errno, "cannot open '%s'", path);
	return fd;
}

int devcg_apply_v1(const char *dir, const struct devcg_rule *rules, size_t n, struct ward_err *err)
{
	char allow_path[4096], deny_path[4096];
	cleanup_close int allow_fd = -1;
	cleanup_close int deny_fd = -1;
	int r;

	if (n == 0)
		return 0;
	r = check_rules(rules, n, err);
	if (r < 0)
		return r;
	deny_fd = open_knob(dir, "devices.deny", deny_path, sizeof(deny_path), err);
	if (deny_fd < 0)
		return deny_fd;
	allow_fd = open_knob(dir, "devices.allow", allow_path, sizeof(allow_path), err);
	if (allow_fd < 0)
		return allow_fd;

	for (size_t i = 0; i < n; i++) {
		static const char split[] = {'c', 'b'};
		struct devcg_rule one = rules[i];
		size_t nsplit = one.type == 'a' && !is_reset(&one) ? 2 : 1;

		if (one.access == 0 && !is_reset(&one))
			continue; /* decides nothing, and the kernel would refuse the line */
		for (size_t k = 0; k < nsplit; k++) {
			char line[DEVCG_V1_LINE_MAX];

			if (nsplit == 2)
				one.type = split[k];
			if (devcg_format_v1(&one, line, sizeof(line)) < 0)
				return err_set(err, 0, "device rule %zu: cannot format it", i);
			r = write_line(one.allow ? allow_fd : deny_fd,
				       one.allow ? allow_path : deny_path, line, err);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ the eBPF program */

#define INSN(c, d, s, o, i)                                                                        \
	((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})
#define BPF_LDX_W(dst, src, o)	   INSN(BPF_LDX | BPF_MEM | BPF_W, dst, src, o, 0)
#define BPF_ALU32_IMM(op, dst, i)  INSN(BPF_ALU | (op) | BPF_K, dst, 0, 0, i)
#define BPF_MOV32_REG(dst, src)	   INSN(BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0)
#define BPF_MOV64_IMM(dst, i)	   INSN(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, i)
#define BPF_JMP_IMM(op, dst, i, o) INSN(BPF_JMP | (op) | BPF_K, dst, 0, o, i)
#define BPF_JMP_REG(op, dst, s, o) INSN(BPF_JMP | (op) | BPF_X, dst, s, o, 0)
#define BPF_EXIT_INSN()		   INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

enum { R0 = BPF_REG_0, R_SCRATCH = BPF_REG_1, R_TYPE, R_ACCESS, R_MAJOR, R_MINOR };

/*
 * Verdicts jump to two shared exits when every jump fits the 16-bit offset:
 * the verifier then checks one exit per verdict instead of one per rule, and
 * the runs of rules that allow one device (type, major, minor) with any
 * access compare a single 64-bit key, major << 32 | minor. For Docker's
 * defaults that is a third of the instructions the verifier walks, and a
 * third of the time BPF_PROG_LOAD takes (250 -> 80 us measured).
 */
#define DEVCG_SHARED_MAX 30000U
#define R_KEY		 BPF_REG_6
#define R_KEYCONST	 BPF_REG_7

struct fixup {
	size_t at;
	bool allow;
};

struct prog {
	struct bpf_insn *insns;
	size_t n;
	bool shared;	   /* verdicts jump to the exits at the end */
	bool have_key;	   /* R_KEY holds the request's key */
	struct fixup *fix; /* shared: the verdict jumps, patched at the end */
	size_t nfix;
};

static void emit(struct prog *p, struct bpf_insn insn)
{
	p->insns[p->n++] = insn;
}

/* Does the rule's block test the access bits? An allow of rwm grants any request. */
static bool needs_access_test(const struct devcg_rule *r)
{
	return !(r->allow && r->access == DEVCG_RWM);
}

/* A deny rule without access never decides: it gets no block. */
static bool has_block(const struct devcg_rule *r)
{
	return r->allow || r->access != 0;
}

/* one device, any access: a key comparison in a shared program */
static bool keyed(const struct devcg_rule *r)
{
	return !needs_access_test(r) && r->type != 'a' && r->major != DEVCG_ANY &&
	       r->minor != DEVCG_ANY;
}

static size_t block_len(const struct devcg_rule *r, bool shared)
{
	if (!has_block(r))
		return 0;
	return (r->type != 'a') + (r->major != DEVCG_ANY) + (r->minor != DEVCG_ANY) +
	       (needs_access_test(r) ? 3U : 0U) + (shared ? 1U : 2U);
}

static int bpf_dev_type(char type)
{
	return type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR;
}

/* The jump offset from the instruction about to be emitted to @end. */
static short to(const struct prog *p, size_t end)
{
	return (short)(end - p->n - 1);
}

static void emit_verdict(struct prog *p, bool allow)
{
	if (!p->shared) {
		emit(p, BPF_MOV64_IMM(R0, allow ? 1 : 0));
		emit(p, BPF_EXIT_INSN());
		return;
	}
	p->fix[p->nfix++] = (struct fixup){p->n, allow};
	emit(p, INSN(BPF_JMP | BPF_JA, 0, 0, 0, 0));
}

static void emit_block(struct prog *p, const struct devcg_rule *r)
{
	size_t end = p->n + block_len(r, p->shared); /* the next rule's block */

	if (r->type != 'a')
		emit(p, BPF_JMP_IMM(BPF_JNE, R_TYPE, bpf_dev_type(r->type), to(p, end)));
	if (r->major != DEVCG_ANY)
		emit(p, BPF_JMP_IMM(BPF_JNE, R_MAJOR, (int32_t)r->major, to(p, end)));
	if (r->minor != DEVCG_ANY)
		emit(p, BPF_JMP_IMM(BPF_JNE, R_MINOR, (int32_t)r->minor, to(p, end)));
	if (needs_access_test(r)) {
		emit(p, BPF_MOV32_REG(R_SCRATCH, R_ACCESS));
		emit(p, BPF_ALU32_IMM(BPF_AND, R_SCRATCH, (int32_t)r->access));
		if (r->allow) /* undecided unless every bit asked is granted */
			emit(p, BPF_JMP_REG(BPF_JNE, R_SCRATCH, R_ACCESS, to(p, end)));
		else /* undecided unless some bit asked is denied */
			emit(p, BPF_JMP_IMM(BPF_JEQ, R_SCRATCH, 0, to(p, end)));
	}
	emit_verdict(p, r->allow);
}

static size_t count_keyed(const struct devcg_rule *rules, size_t lo, size_t hi, char type)
{
	size_t k = 0;

	for (size_t i = lo; i < hi; i++)
		k += has_block(&rules[i]) && keyed(&rules[i]) && rules[i].type == type;
	return k;
}

/* The keyed rules of @type among rules[lo, hi), when two or more: true if emitted. */
static bool emit_keyed(struct prog *p, const struct devcg_rule *rules, size_t lo, size_t hi,
		       char type)
{
	size_t k = count_keyed(rules, lo, hi, type);

	if (k < 2)
		return false;
	if (!p->have_key) { /* every later path passes here: a straight line so far */
		emit(p, INSN(BPF_ALU64 | BPF_MOV | BPF_X, R_KEY, R_MAJOR, 0, 0));
		emit(p, INSN(BPF_ALU64 | BPF_LSH | BPF_K, R_KEY, 0, 0, 32));
		emit(p, INSN(BPF_ALU64 | BPF_OR | BPF_X, R_KEY, R_MINOR, 0, 0));
		p->have_key = true;
	}
	emit(p, BPF_JMP_IMM(BPF_JNE, R_TYPE, bpf_dev_type(type), to(p, p->n + 1 + 3 * k)));
	for (size_t i = hi; i-- > lo;) {
		const struct devcg_rule *r = &rules[i];

		if (!has_block(r) || !keyed(r) || r->type != type)
			continue;
		emit(p, INSN(BPF_LD | BPF_DW | BPF_IMM, R_KEYCONST, 0, 0, (int32_t)r->minor));
		emit(p, INSN(0, 0, 0, 0, (int32_t)r->major));
		p->fix[p->nfix++] = (struct fixup){p->n, true};
		emit(p, BPF_JMP_REG(BPF_JEQ, R_KEY, R_KEYCONST, 0));
	}
	return true;
}

/*
 * A run rules[lo, hi) of rules that allow any access (or decide nothing): which
 * of them matches first does not matter, so the keyed ones go first.
 */
static void emit_allow_run(struct prog *p, const struct devcg_rule *rules, size_t lo, size_t hi)
{
	bool c = emit_keyed(p, rules, lo, hi, 'c'), b = emit_keyed(p, rules, lo, hi, 'b');

	for (size_t i = hi; i-- > lo;) {
		const struct devcg_rule *r = &rules[i];

		if (has_block(r) && !(keyed(r) && (r->type == 'c' ? c : b)))
			emit_block(p, r);
	}
}

static void emit_body(struct prog *p, const struct devcg_rule *rules, size_t first, size_t n)
{
	size_t i = n;

	while (i > first) {
		size_t lo = i;

		if (!p->shared || !has_block(&rules[i - 1]) || needs_access_test(&rules[i - 1])) {
			if (has_block(&rules[i - 1]))
				emit_block(p, &rules[i - 1]);
			i--;
			continue;
		}
		while (lo > first &&
		       (!has_block(&rules[lo - 1]) || !needs_access_test(&rules[lo - 1])))
			lo--;
		emit_allow_run(p, rules, lo, i);
		i = lo;
	}
}

/* The shared exits after the default verdict; the verdict jumps pointed at them. */
static void emit_exits(struct prog *p)
{
	size_t exit_at[2] = {0, 0};

	for (size_t i = 0; i < p->nfix; i++) {
		bool allow = p->fix[i].allow;

		if (!exit_at[allow]) {
			exit_at[allow] = p->n;
			emit(p, BPF_MOV64_IMM(R0, allow ? 1 : 0));
			emit(p, BPF_EXIT_INSN());
		}
	}
	for (size_t i = 0; i < p->nfix; i++)
		p->insns[p->fix[i].at].off = (short)(exit_at[p->fix[i].allow] - p->fix[i].at - 1);
}

int devcg_bpf_build(const struct devcg_rule *rules, size_t n, struct bpf_insn **out, size_t *ninsn)
{
	struct prog p = {0};
	size_t first = 0, bound = DEVCG_EPILOGUE, body = 0;
	bool dflt = true;

	*out = NULL;
	*ninsn = 0;
	if (n > (DEVCG_MAX_INSNS - DEVCG_PROLOGUE - DEVCG_EPILOGUE) / DEVCG_MAX_BLOCK)
		return -E2BIG;
	for (size_t i = 0; i < n; i++)
		if (!rule_ok(&rules[i]))
			return -EINVAL;
	if (n > 0)
		first = first_live(rules, n, &dflt);
	for (size_t i = first; i < n; i++)
		body += block_len(&rules[i], false);
	if (body > 0) /* the key, a type test per keyed run, two exits */
		bound += DEVCG_PROLOGUE + body + 3 + 2 * (n - first) + 4;
	p.shared = bound <= DEVCG_SHARED_MAX;
	p.insns = xcalloc(bound, sizeof(*p.insns));
	p.fix = xcalloc(n + 1, sizeof(*p.fix));
	if (body > 0) {
		emit(&p, BPF_LDX_W(R_TYPE, BPF_REG_1,
				   offsetof(struct bpf_cgroup_dev_ctx, access_type)));
		emit(&p, BPF_ALU32_IMM(BPF_AND, R_TYPE, 0xffff));
		emit(&p, BPF_LDX_W(R_ACCESS, BPF_REG_1,
				   offsetof(struct bpf_cgroup_dev_ctx, access_type)));
		emit(&p, BPF_ALU32_IMM(BPF_RSH, R_ACCESS, 16));
		emit(&p, BPF_ALU32_IMM(BPF_AND, R_ACCESS, DEVCG_RWM));
		emit(&p, BPF_LDX_W(R_MAJOR, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, major)));
		emit(&p, BPF_LDX_W(R_MINOR, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, minor)));
		emit_body(&p, rules, first, n);
	}
	emit(&p, BPF_MOV64_IMM(R0, dflt ? 1 : 0));
	emit(&p, BPF_EXIT_INSN());
	emit_exits(&p);
	free(p.fix);
	*out = p.insns;
	*ninsn = p.n;
	return 0;
}

/* ------------------------------------------------------------------ loading and attaching */

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

/*
 * The line of a verifier log that says why: the last non-empty one before the
 * statistics the verifier ends with ("processed N insns ...").
 */
static void log_reason(char *log, char *out, size_t len)
{
	char *save = NULL;

	out[0] = '\0';
	for (char *line = strtok_r(log, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (str_has_prefix(line, "processed ") ||
		    str_has_prefix(line, "verification time") ||
		    str_has_prefix(line, "stack depth"))
			continue;
		if (*line)
			(void)snprintf(out, len, "%s", line); /* truncation is fine: a message */
	}
}

static int prog_load(const struct bpf_insn *insns, size_t ninsn, char *log, uint32_t log_size)
{
	union bpf_attr attr;
	long fd = -1;

	for (int tries = 0; tries < DEVCG_LOAD_TRIES; tries++) {
		memset(&attr, 0, sizeof(attr));
		attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
		attr.insns = (uint64_t)(uintptr_t)insns;
		attr.insn_cnt = (uint32_t)ninsn;
		attr.license = (uint64_t)(uintptr_t) "GPL";
		if (log) {
			log[0] = '\0';
			attr.log_buf = (uint64_t)(uintptr_t)log;
			attr.log_size = log_size;
			attr.log_level = 1;
		}
		memcpy(attr.prog_name, "ward_devcg", sizeof("ward_devcg"));
		fd = sys_bpf(BPF_PROG_LOAD, &attr);
		if (fd >= 0 || errno != EAGAIN)
			break;
	}
	return (int)fd;
}

int devcg_bpf_load(const struct bpf_insn *insns, size_t ninsn, struct ward_err *err)
{
	cleanup_free char *log = NULL;
	char reason[256];
	int fd, saved;

	if (ninsn == 0 || ninsn > DEVCG_MAX_INSNS)
		return err_set(err, E2BIG,
			       "cannot load a device cgroup program of %zu instructions", ninsn);
	/* without a log first: a verbose log that overflows its buffer fails the load */
	fd = prog_load(insns, ninsn, NULL, 0);
	if (fd >= 0)
		return fd;
	saved = errno;
	log = xmalloc(DEVCG_LOG_SIZE);
	fd = prog_load(insns, ninsn, log, DEVCG_LOG_SIZE);
	if (fd >= 0) /* loaded this time after all */
		return fd;
	log[DEVCG_LOG_SIZE - 1] = '\0';
	log_reason(log, reason, sizeof(reason));
	if (reason[0])
		return err_set(err, saved,
			       "cannot load the device cgroup BPF program: verifier: %s", reason);
	return err_set(err, saved, "cannot load the device cgroup BPF program");
}

/* The directory @fd refers to, for messages ("fd N" when /proc cannot tell). */
static void fd_name(int fd, char *buf, size_t len)
{
	char link[64];
	ssize_t n;

	(void)snprintf(link, sizeof(link), "/proc/self/fd/%d", fd); /* always fits */
	n = readlink(link, buf, len - 1);
	if (n < 0) {
		(void)snprintf(buf, len, "fd %d", fd); /* always fits */
		return;
	}
	buf[n] = '\0';
}

int devcg_apply_v2(int dirfd, const struct devcg_rule *rules, size_t n, struct ward_err *err)
{
	cleanup_free struct bpf_insn *insns = NULL;
	cleanup_close int prog = -1;
	union bpf_attr attr;
	char where[4096];
	size_t ninsn;
	int r;

	r = check_rules(rules, n, err);
	if (r < 0)
		return r;
	r = devcg_bpf_build(rules, n, &insns, &ninsn);
	if (r < 0)
		return err_set(err, -r, "cannot build the device cgroup BPF program");
	prog = devcg_bpf_load(insns, ninsn, err);
	if (prog < 0)
		return prog;

	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)dirfd;
	attr.attach_bpf_fd = (uint32_t)prog;
	attr.attach_type = BPF_CGROUP_DEVICE;
	attr.attach_flags = BPF_F_ALLOW_MULTI;
	if (sys_bpf(BPF_PROG_ATTACH, &attr) < 0) {
		int saved = errno;

		fd_name(dirfd, where, sizeof(where));
		return err_set(err, saved, "cannot attach the device cgroup BPF program to '%s'%s",
			       where, saved == EBADF ? " (not a cgroup v2 directory?)" : "");
	}
	return 0; /* closing @prog leaves the program attached */
}
