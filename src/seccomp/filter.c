// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * filter.c - rule_set -> seccomp BPF, in the parent; seccomp(2) in the child.
 *
 * filter_build() puts three programs one behind the other: libseccomp's, for
 * the rules (filter_rules.c); in front of it a stub of our own for what
 * libseccomp cannot express (filter_asm.c); in front of both a fast path
 * computed from them by partial evaluation (filter_fastpath.c), which returns
 * most decisions after a handful of instructions and hands everything it
 * cannot answer to the full program, which filter_prune.c then cuts to what the
 * fast path still asks of it. filter_cache.c keeps compiled programs on disk. Those files and this
 * one are the only ones that include <seccomp.h>.
 */
#include "ward/filter.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "filter_int.h"
#include "ward/bpf_interp.h"
#include "ward/cleanup.h"
#include "ward/log.h"
#include "ward/syscalls_extra.h"
#include "ward/util.h"

/* ---- whole reads and writes ------------------------------------------------------- */

int filter_read_at(int fd, void *buf, size_t len, off_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done, off + (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		done += (size_t)n;
	}
	return 0;
}

/* ---- build, export ---------------------------------------------------------------- */

/*
 * Our stub in *@stub; when it and libseccomp's @scmp_len instructions would not
 * fit in one program because of value sets, the sets go into stacked filters.
 */
static int stub_fit(struct plan *p, unsigned int build_flags, size_t scmp_len,
		    struct sock_filter **stub, size_t *stub_len, struct ward_err *err)
{
	int rc = stub_gen(p, stub, stub_len, err);
	bool big = rc == -E2BIG || (rc == 0 && *stub_len + scmp_len > FILTER_MAX_INSNS);

	if ((big || (build_flags & FILTER_STACK)) && p->nvsets && !p->notify) {
		free(*stub);
		*stub = NULL;
		p->stacked = true;
		log_debug("seccomp filter: value sets in stacked filters");
		rc = stub_gen(p, stub, stub_len, err);
	}
	return rc;
}

/* Each program's returns shared (as_share_returns()), the stacked ones closing up behind. */
static void share_returns(struct filter_prog *out, size_t *dispatch_len)
{
	size_t nparts = out->nparts > 1 ? out->nparts : 1, from = 0, to = 0, i, len;

	for (i = 0; i < nparts; i++) {
		len = nparts > 1 ? out->part_len[i] : out->len;
		memmove(out->insns + to, out->insns + from, len * sizeof(*out->insns));
		from += len;
		len = as_share_returns(out->insns + to, len, i == 0 ? dispatch_len : NULL);
		if (nparts > 1)
			out->part_len[i] = len;
		to += len;
	}
	out->len = to;
}

static int build(const struct rule_set *rs, unsigned int build_flags, struct filter_prog *out,
		 struct plan *p, scmp_filter_ctx *ctxp, struct ward_err *err)
{
	cleanup_free struct sock_filter *scmp = NULL;
	cleanup_free struct sock_filter *stub = NULL;
	cleanup_free struct sock_filter *prog = NULL;
	cleanup_free struct sock_filter *disp = NULL;
	size_t scmp_len = 0, stub_len = 0, disp_len = 0, total;
	struct fastpath_exits exits = {0};
	int rc;

	rc = rules_build(rs, build_flags, ctxp, p, err);
	if (rc < 0)
		return rc;
	rc = rules_export(*ctxp, &scmp, &scmp_len, err);
	if (rc < 0)
		return rc;
	rc = stub_fit(p, build_flags, scmp_len, &stub, &stub_len, err);
	if (rc < 0)
		return rc;
	total = stub_len + scmp_len;
	if (total > FILTER_MAX_INSNS)
		return err_set(err, E2BIG, "seccomp filter too large: %zu instructions (limit %d)",
			       total, FILTER_MAX_INSNS);
	prog = xcalloc(total, sizeof(*prog));
	if (stub_len)
		memcpy(prog, stub, stub_len * sizeof(*stub));
	memcpy(prog + stub_len, scmp, scmp_len * sizeof(*scmp));
	if (!(build_flags & FILTER_STUB_FIRST))
		fastpath_gen(p, prog, total, &disp, &disp_len, &exits);
	/* behind a fast path, the program keeps what the fast path still asks it */
	if (disp_len && !p->stacked)
		total = prune_program(prog, total, exits.v, exits.n, exits.arches, exits.narches);
	free(exits.v);
	out->insns = xcalloc(disp_len + total, sizeof(*out->insns));
	if (disp_len)
		memcpy(out->insns, disp, disp_len * sizeof(*disp));
	memcpy(out->insns + disp_len, prog, total * sizeof(*prog));
	out->len = disp_len + total;
	out->flags = rules_flags(rs, p->notify);
	out->enabled = true;
	p->dispatch_len = disp_len;
	if (p->stacked) {
		out->nparts = 1;
		out->part_len[0] = out->len;
		rc = stack_gen(p, &out->insns, &out->len, out->part_len, &out->nparts, err);
		if (rc < 0)
			return rc;
	}
	share_returns(out, &p->dispatch_len);
	log_debug("seccomp filter: %zu instructions (fast path %zu; stub %zu and libseccomp %zu, "
		  "%zu of them kept; returns shared)",
		  out->len, p->dispatch_len, stub_len, scmp_len, total);
	return 0;
}

int filter_build(const struct rule_set *rs, unsigned int build_flags, struct filter_prog *out,
		 struct ward_err *err)
{
	cleanup_ctx scmp_filter_ctx ctx = NULL;
	struct plan p = {0};
	int rc;

	memset(out, 0, sizeof(*out));
	if (!rs->enabled)
		return 0;
	rc = build(rs, build_flags, out, &p, &ctx, err);
	plan_release(&p);
	if (rc < 0)
		filter_prog_release(out);
	return rc;
}

void filter_prog_release(struct filter_prog *p)
{
	free(p->insns);
	memset(p, 0, sizeof(*p));
}

static const char *arch_name(uint32_t token)
{
	switch (token) {
	case SCMP_ARCH_X86_64:
		return "x86_64";
	case SCMP_ARCH_X86:
		return "x86";
	case SCMP_ARCH_X32:
		return "x32";
	case SCMP_ARCH_AARCH64:
		return "aarch64";
	case SCMP_ARCH_ARM:
		return "arm";
	case SCMP_ARCH_RISCV64:
		return "riscv64";
	case SCMP_ARCH_S390X:
		return "s390x";
	default:
		return "other";
	}
}

/* The PFC header: what our stub does before libseccomp's code runs. */
static void describe_stub(int fd, const struct plan *p)
{
	size_t i, j;

	if (p->dispatch_len)
		dprintf(fd,
			"#\n# ward fast path: %zu instructions in front of everything below; it\n"
			"# returns the decisions of the stub and filter below, precomputed per\n"
			"# syscall number, and runs them for anything else\n",
			p->dispatch_len);
	dprintf(fd, "#\n# ward stub (runs before the libseccomp filter below)\n#\n");
	for (i = 0; i < p->narch; i++) {
		const struct arch_plan *ap = &p->arch[i];

		dprintf(fd, "# arch %s:", arch_name(ap->token));
		if (p->enosys && ap->max_nr >= 0)
			dprintf(fd, " syscall > %lld -> ERRNO(%d)", (long long)ap->max_nr, ENOSYS);
		else
			dprintf(fd, " no ENOSYS check");
		dprintf(fd, "\n");
		for (j = 0; j < ap->nvrefs; j++) {
			const struct value_set *vs = &p->vsets[ap->vrefs[j].set];

			dprintf(fd,
				"#   syscall %u (%s): action 0x%08x if arg%u is one of %zu values "
				"(a comparison tree%s), else the default\n",
				ap->vrefs[j].nr, vs->name, vs->action, vs->index, vs->n,
				ap->vrefs[j].lo_only ? " on the low 32 bits" : "");
		}
		for (j = 0; j < ap->nextras; j++)
			dprintf(fd, "#   syscall %u (not in libseccomp): action 0x%08x%s\n",
				ap->extras[j].nr, ap->extras[j].action,
				ap->extras[j].rule->nargs ? " if arguments match" : "");
	}
}

int filter_export(const struct rule_set *rs, unsigned int build_flags, int format, int fd,
		  struct ward_err *err)
{
	cleanup_ctx scmp_filter_ctx ctx = NULL;
	struct filter_prog prog = {0};
	struct plan p = {0};
	int rc;

	if (format != FILTER_EXPORT_BPF && format != FILTER_EXPORT_PFC)
		return err_set(err, EINVAL, "unknown export format %d", format);
	if (!rs->enabled)
		return err_set(err, EINVAL, "the profile disables seccomp: nothing to export");
	rc = build(rs, build_flags, &prog, &p, &ctx, err);
	if (rc == 0 && format == FILTER_EXPORT_BPF) {
		rc = fd_write_all(fd, prog.insns, prog.len * sizeof(*prog.insns));
		if (rc < 0)
			err_set(err, -rc, "cannot write the seccomp filter");
	} else if (rc == 0) {
		describe_stub(fd, &p);
		rc = seccomp_export_pfc(ctx, fd);
		if (rc < 0)
			err_set(err, -rc, "cannot write the seccomp pseudo-code");
	}
	plan_release(&p);
	filter_prog_release(&prog);
	return rc;
}

/* ---- load (child side: no allocation) ------------------------------------------- */

/* One program of @prog: part @i, or the whole when it is not stacked. */
static bool part_of(const struct filter_prog *prog, size_t i, size_t *off, size_t *len)
{
	size_t j;

	if (prog->nparts <= 1) {
		*off = 0;
		*len = prog->len;
		return i == 0;
	}
	if (i >= prog->nparts || prog->nparts > FILTER_MAX_PARTS)
		return false;
	for (*off = 0, j = 0; j < i; j++)
		*off += prog->part_len[j];
	*len = prog->part_len[i];
	return *off + *len <= prog->len;
}

int filter_eval(const struct filter_prog *prog, const struct seccomp_data *d, uint32_t *ret,
		size_t *executed)
{
	struct bpf_interp_result res;
	size_t i, off, len, total = 0;
	int rc;

	*ret = SECCOMP_RET_ALLOW;
	for (i = 0; part_of(prog, i, &off, &len); i++) {
		rc = bpf_interp_run(prog->insns + off, len, d, &res);
		if (rc < 0)
			return rc;
		total += res.executed;
		/* the kernel's rule: the lowest action, as a signed value, wins */
		if ((int32_t)(res.ret & SECCOMP_RET_ACTION_FULL) <
		    (int32_t)(*ret & SECCOMP_RET_ACTION_FULL))
			*ret = res.ret;
	}
	if (executed)
		*executed = total;
	return 0;
}

static long load_one(const struct sock_filter *insns, size_t len, unsigned int *flags)
{
	struct sock_fprog fprog;
	long rc;

	fprog.len = (unsigned short)len;
	fprog.filter = (struct sock_filter *)insns;
	rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, *flags, &fprog);
	if (rc < 0 && errno == EINVAL && (*flags & SECCOMP_FILTER_FLAG_SPEC_ALLOW)) {
		/* kernels before 4.17 do not know SPEC_ALLOW (crun retries the same way) */
		*flags &= ~(unsigned int)SECCOMP_FILTER_FLAG_SPEC_ALLOW;
		rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, *flags, &fprog);
	}
	return rc;
}

int filter_load(const struct filter_prog *prog, struct ward_err *err)
{
	unsigned int flags = prog->flags;
	size_t i, off, len;
	long rc;

	if (!prog->enabled)
		return 0;
	if (!prog->insns || prog->len == 0 || !part_of(prog, 0, &off, &len))
		return err_set(err, EINVAL, "invalid seccomp program (%zu instructions)",
			       prog->len);
	/* the stacked filters first: none of them carries a listener (filter_build()) */
	for (i = prog->nparts; i-- > 1;) {
		if (!part_of(prog, i, &off, &len) || len == 0 || len > FILTER_MAX_INSNS)
			return err_set(err, EINVAL, "invalid stacked seccomp program %zu", i);
		rc = load_one(prog->insns + off, len, &flags);
		if (rc < 0)
			return err_set(err, errno, "cannot load seccomp filter");
	}
	(void)part_of(prog, 0, &off, &len);
	if (len == 0 || len > FILTER_MAX_INSNS)
		return err_set(err, EINVAL, "invalid seccomp program (%zu instructions)", len);
	rc = load_one(prog->insns, len, &flags);
	if (rc < 0)
		return err_set(err, errno, "cannot load seccomp filter");
	if (rc > 0 && !(flags & SECCOMP_FILTER_FLAG_NEW_LISTENER))
		/* TSYNC without TSYNC_ESRCH reports the thread that could not sync */
		return err_set(err, EBUSY, "cannot synchronise seccomp filter to thread %ld", rc);
	return (int)rc;
}

/* ---- names ------------------------------------------------------------------------ */

uint32_t filter_native_arch(void)
{
	return rules_audit_arch(seccomp_arch_native());
}

char *filter_syscall_name(int nr)
{
	char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
	const char *extra;

	if (name)
		return name;
	extra = syscall_extra_name(nr, filter_native_arch());
	return extra ? xstrdup(extra) : NULL;
}
