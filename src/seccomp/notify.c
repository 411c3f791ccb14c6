/* SPDX-License-Identifier: GPL-2.0-or-later */
/* notify.c - seccomp user notification: rewrite, answer, report. */
#include "ward/notify.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "ward/bpf_interp.h"
#include "ward/cleanup.h"
#include "ward/profile.h"
#include "ward/record.h"
#include "ward/util.h"

int notify_rewrite(const struct filter_prog *in, struct filter_prog *out, struct ward_err *err)
{
	size_t changed = 0;

	memset(out, 0, sizeof(*out));
	if (!in->enabled)
		return err_set(err, 0, "--report-denied needs a seccomp filter (not unconfined)");
	/* one listener per filter: the profile's own belongs to its agent */
	if (in->flags & SECCOMP_FILTER_FLAG_NEW_LISTENER)
		return err_set(err, 0,
			       "--report-denied cannot be used with a profile that has "
			       "SCMP_ACT_NOTIFY rules (their listener goes to the agent at its "
			       "listenerPath)");
	out->insns = xcalloc(in->len, sizeof(*in->insns));
	memcpy(out->insns, in->insns, in->len * sizeof(*in->insns));
	out->len = in->len;
	out->enabled = true;
	out->flags = in->flags | SECCOMP_FILTER_FLAG_NEW_LISTENER;
	for (size_t i = 0; i < out->len; i++) {
		struct sock_filter *f = &out->insns[i];

		uint32_t action = f->k & SECCOMP_RET_ACTION_FULL;

		/* denied calls, and logged ones (a staging profile's): ward answers both */
		if (f->code == (BPF_RET | BPF_K) &&
		    (action == SECCOMP_RET_ERRNO || action == SECCOMP_RET_LOG)) {
			f->k = SECCOMP_RET_USER_NOTIF;
			changed++;
		}
	}
	if (!changed) {
		filter_prog_release(out);
		return err_set(err, 0,
			       "--report-denied: the profile neither denies anything with an "
			       "errno nor logs anything");
	}
	return 0;
}

static struct notify_denied *find_or_add(struct notify_log *log, uint32_t arch, int nr, uint32_t e)
{
	struct notify_denied *d;

	for (size_t i = 0; i < log->n; i++)
		if (log->v[i].arch == arch && log->v[i].nr == nr && log->v[i].err == e)
			return &log->v[i];
	if (log->n == log->cap) {
		log->cap = log->cap ? log->cap * 2 : 16;
		log->v = xrealloc(log->v, log->cap * sizeof(*log->v));
	}
	d = &log->v[log->n++];
	memset(d, 0, sizeof(*d));
	d->arch = arch;
	d->nr = nr;
	d->err = e;
	return d;
}

int notify_handle(struct notify_log *log, int listener, struct ward_err *err)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	struct bpf_interp_result res = {0};
	struct notify_denied *d;
	uint32_t e = EPERM;
	bool logged = false;

	if (log->record)
		return record_handle(log->record, listener, err);
	memset(&req, 0, sizeof(req));
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
		if (errno == EINTR || errno == ENOENT)
			return 0; /* interrupted, or the caller died before we looked */
		return err_set(err, errno, "cannot receive a seccomp notification");
	}
	/* what the profile's own program says for exactly this call */
	if (bpf_interp_run(log->orig->insns, log->orig->len, &req.data, &res) == 0) {
		if ((res.ret & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ERRNO)
			e = res.ret & SECCOMP_RET_DATA;
		logged = (res.ret & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_LOG;
	}
	if (logged)
		e = 0; /* allowed and logged: the call goes on */
	d = find_or_add(log, req.data.arch, req.data.nr, e);
	if (d->count++ == 0) {
		d->first_pid = (pid_t)req.pid;
		memcpy(d->first_args, req.data.args, sizeof(d->first_args));
	}
	memset(&resp, 0, sizeof(resp));
	resp.id = req.id;
	resp.error = -(int32_t)e;
	if (logged)
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE; /* Linux 5.5 */
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0) {
		if (errno == ENOENT) {
			log->unanswered++; /* the caller was killed meanwhile */
			return 0;
		}
		return err_set(err, errno, "cannot answer a seccomp notification");
	}
	return 0;
}

static const char *arch_label(uint32_t arch)
{
	switch (arch) {
	case AUDIT_ARCH_X86_64:
		return "";
	case AUDIT_ARCH_I386:
		return " (x86)";
	case AUDIT_ARCH_AARCH64:
		return "";
	case AUDIT_ARCH_ARM:
		return " (arm)";
	default:
		return " (other ABI)";
	}
}

void notify_print(const struct notify_log *log, FILE *out)
{
	unsigned long total = 0, logged = 0;

	for (size_t i = 0; i < log->n; i++) {
		total += log->v[i].count;
		if (log->v[i].err == 0)
			logged += log->v[i].count;
	}
	if (!total) {
		fprintf(out, "ward: seccomp denied no syscalls\n");
		return;
	}
	if (logged)
		fprintf(out, "ward: seccomp denied %lu call%s and logged %lu:\n", total - logged,
			total - logged == 1 ? "" : "s", logged);
	else
		fprintf(out, "ward: seccomp denied %lu call%s:\n", total, total == 1 ? "" : "s");
	fprintf(out, "  %-22s %6s  %-9s %s\n", "SYSCALL", "COUNT", "ERRNO", "FIRST CALL");
	for (size_t i = 0; i < log->n; i++) {
		const struct notify_denied *d = &log->v[i];
		bool native = d->arch == filter_native_arch();
		cleanup_free char *name = native ? filter_syscall_name(d->nr) : NULL;
		const char *en = d->err ? errno_name((int)d->err) : "logged";
		char label[64];

		(void)snprintf(label, sizeof(label), "%s%s", name ? name : "?",
			       arch_label(d->arch));
		if (!name)
			(void)snprintf(label, sizeof(label), "nr %d%s", d->nr, arch_label(d->arch));
		fprintf(out, "  %-22s %6lu  %-9s pid %d: (0x%llx, 0x%llx, 0x%llx, 0x%llx, ...)\n",
			label, d->count, en ? en : "?", (int)d->first_pid,
			(unsigned long long)d->first_args[0], (unsigned long long)d->first_args[1],
			(unsigned long long)d->first_args[2], (unsigned long long)d->first_args[3]);
	}
	if (log->unanswered)
		fprintf(out, "  (%lu more whose caller was gone before the answer)\n",
			log->unanswered);
}

void notify_log_release(struct notify_log *log)
{
	free(log->v);
	log->v = NULL;
	log->n = log->cap = 0;
}
