/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * compare.c - two runs of the probe, side by side. The probe reports what each
 * call returned in the real container; the compiled filter (run through our
 * BPF interpreter with the probe's exact arguments) says whether seccomp
 * decided it, and which rule; whatever seccomp allowed was decided by the
 * kernel, and an EPERM there means a missing capability.
 */
#include "ward/compare.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "ward/cleanup.h"
#include "ward/inspect.h"
#include "ward/json.h"
#include "ward/probe_calls.h"
#include "ward/process.h"

/* What one probe run printed: "call" results by table index, and status lines. */
struct probe_out {
	char *result[256];  /* probe_calls[i] -> "ok", "errno 1 EPERM", "signal 31" */
	struct strv status; /* "Seccomp\t2", "CapEff\t...", "mnt\tmnt:[...]" */
	int exit_status;
};

static void probe_out_release(struct probe_out *p)
{
	for (size_t i = 0; i < sizeof(p->result) / sizeof(p->result[0]); i++)
		free(p->result[i]);
	strv_release(&p->status);
	memset(p, 0, sizeof(*p));
}

static void parse_probe(char *text, struct probe_out *out)
{
	char *save = NULL;

	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[5] = {0}, *p = line;
		int n = 0;

		while (n < 5 && (f[n] = strsep(&p, "\t")))
			n++;
		if (n == 5 && strcmp(f[0], "call") == 0) {
			for (size_t i = 0; i < probe_ncalls && i < 256; i++) {
				if (strcmp(probe_calls[i].name, f[1]) == 0 && !out->result[i]) {
					out->result[i] = xstrdup(f[4]);
					break;
				}
			}
		} else if (n == 3 && strcmp(f[0], "call") != 0) {
			strv_push_owned(&out->status, xasprintf("%s %s\t%s", f[0], f[1], f[2]));
		}
	}
}

/* Run the probe, executed from a memfd, in @spec's container; collect its output. */
static int run_probe(struct container_spec *spec, struct probe_out *out, struct ward_err *err)
{
	cleanup_close int exe = memfd_create("ward-probe", MFD_CLOEXEC);
	cleanup_close int outfd = memfd_create("ward-probe-output", MFD_CLOEXEC);
	struct proc_opts popts = PROC_OPTS_INIT;
	struct proc_result res;
	struct strv saved = spec->argv, argv = {0};
	cleanup_free char *text = NULL;
	size_t size = (size_t)(ward_probe_bin_end - ward_probe_bin);
	off_t len;
	int r;

	memset(out, 0, sizeof(*out));
	if (exe < 0 || outfd < 0)
		return err_set(err, errno, "cannot create a memfd for the probe");
	r = fd_write_all(exe, ward_probe_bin, size);
	if (r < 0)
		return err_set(err, -r, "cannot write the probe");
	strv_push(&argv, "ward-probe");
	spec->argv = argv;
	popts.exec_fd = exe;
	popts.stdout_fd = outfd;
	proc_result_init(&res);
	r = proc_run(spec, &popts, &res, err);
	out->exit_status = res.status;
	proc_result_release(&res);
	spec->argv = saved;
	strv_release(&argv);
	if (r < 0)
		return err_prefix(err, "the probe");
	len = lseek(outfd, 0, SEEK_END);
	if (len < 0 || lseek(outfd, 0, SEEK_SET) < 0)
		return err_set(err, errno, "cannot read the probe's output");
	text = xcalloc((size_t)len + 1, 1);
	if (len > 0 && read(outfd, text, (size_t)len) != len)
		return err_set(err, errno, "cannot read the probe's output");
	parse_probe(text, out);
	if (out->exit_status != 0)
		return err_set(err, 0, "the probe exited with status %d in the container",
			       out->exit_status);
	return 0;
}

void compare_label(const struct container_spec *spec, char *buf, size_t len)
{
	const char *sec = spec->seccomp_mode == SPEC_SECCOMP_UNCONFINED ? "unconfined"
			  : spec->seccomp_mode == SPEC_SECCOMP_FILE	? spec->seccomp_path
									: "default";

	(void)snprintf(buf, len, "seccomp=%s%s", sec,
		       spec->no_new_privs ? ",no-new-privileges" : "");
}

static int open_filter(const struct container_spec *spec, struct inspect_ctx **ctx,
		       struct ward_err *err)
{
	struct inspect_opts o = {
	    .profile = spec->seccomp_mode == SPEC_SECCOMP_FILE ? spec->seccomp_path : NULL,
	    .caps = spec->caps,
	};

	*ctx = NULL;
	if (spec->seccomp_mode == SPEC_SECCOMP_UNCONFINED)
		return 0;
	return inspect_open(&o, ctx, err);
}

/* Why @result came out: seccomp (with the rule), a missing capability, the kernel. */
static void cause(const struct inspect_ctx *ctx, const struct probe_call *c, const char *result,
		  char *buf, size_t len)
{
	struct inspect_verdict v;
	uint64_t args[6];
	uint32_t action;

	if (!result) {
		(void)snprintf(buf, len, "not run");
		return;
	}
	if (ctx) {
		for (int i = 0; i < 6; i++)
			args[i] = c->args[i];
		inspect_judge(ctx, (int)c->nr, args, c->syscall, &v);
		action = v.ret & SECCOMP_RET_ACTION_FULL;
		if (action != SECCOMP_RET_ALLOW && action != SECCOMP_RET_LOG) {
			(void)snprintf(buf, len, "seccomp, %s: %s", v.decision, v.by);
			return;
		}
	}
	if (strcmp(result, "errno 1 EPERM") == 0)
		(void)snprintf(buf, len, "the kernel: permission denied (a missing capability)");
	else
		(void)snprintf(buf, len, "the kernel");
}

/* "errno 14 EFAULT" -> "EFAULT" for the table */
static const char *short_result(const char *r)
{
	const char *sp;

	if (!r)
		return "-";
	if (strncmp(r, "errno ", 6) == 0 && (sp = strchr(r + 6, ' ')))
		return sp + 1;
	return r;
}

static void print_wrapped(FILE *out, const char *prefix, const char *text)
{
	/* one line of at most 80 columns: cut, marked */
	size_t room = 80 - strlen(prefix);

	if (strlen(text) <= room)
		fprintf(out, "%s%s\n", prefix, text);
	else
		fprintf(out, "%s%.*s...\n", prefix, (int)(room - 3), text);
}

static const char *status_value(const struct probe_out *p, const char *key)
{
	size_t klen = strlen(key);

	for (size_t i = 0; i < p->status.n; i++)
		if (strncmp(p->status.v[i], key, klen) == 0 && p->status.v[i][klen] == '\t')
			return p->status.v[i] + klen + 1;
	return NULL;
}

struct cmd_result {
	int status;
	struct strv denied; /* "mount\t3\tEPERM" */
	bool ran;
	char error[WARD_ERR_MSG_MAX + 64]; /* !ran: why it could not start */
};

/* Run the user's command in @spec with its output discarded, recording denials. */
static int run_command(struct container_spec *spec, const struct strv *command,
		       struct cmd_result *cr, struct ward_err *err)
{
	cleanup_close int outfd = memfd_create("ward-command-output", MFD_CLOEXEC);
	struct proc_opts popts = PROC_OPTS_INIT;
	struct proc_result res;
	struct strv saved = spec->argv;
	int r;

	memset(cr, 0, sizeof(*cr));
	if (outfd < 0)
		return err_set(err, errno, "cannot create a memfd for the command's output");
	popts.stdout_fd = outfd;
	popts.report_denied = spec->seccomp_mode != SPEC_SECCOMP_UNCONFINED;
	spec->argv = *command;
	proc_result_init(&res);
	r = proc_run(spec, &popts, &res, err);
	spec->argv = saved;
	if (r == 0) {
		cr->ran = true;
		cr->status = res.status;
		for (size_t i = 0; i < res.denied.n; i++) {
			const struct notify_denied *d = &res.denied.v[i];
			cleanup_free char *name = filter_syscall_name(d->nr);
			const char *en = d->err ? errno_name((int)d->err) : "logged";

			strv_push_owned(&cr->denied, xasprintf("%s\t%lu\t%s", name ? name : "?",
							       d->count, en ? en : "?"));
		}
	}
	/* a command that cannot start under a configuration is a result, not a failure */
	if (r < 0) {
		cr->status = err_exit_status(err);
		err_format(err, cr->error, sizeof(cr->error));
		err_clear(err);
		r = 0;
	}
	proc_result_release(&res);
	return r;
}

static void print_table(const struct compare_opts *o, const char *la, const char *lb,
			const struct probe_out *pa, const struct probe_out *pb,
			const struct inspect_ctx *ca, const struct inspect_ctx *cb,
			const struct cmd_result *ra, const struct cmd_result *rb, FILE *out)
{
	static const char *const keys[] = {"status Seccomp",
					   "status Seccomp_filters",
					   "status NoNewPrivs",
					   "cap CapEff",
					   "cap CapPrm",
					   "cap CapBnd",
					   "cap CapInh",
					   "cap CapAmb",
					   "id uid",
					   "id gid"};
	size_t differ = 0, same = 0;
	char why[1200];

	fprintf(out, "A: %s\nB: %s\n\n", la, lb);
	fprintf(out, "%-30s %-16s %-16s\n", "CALL", "A", "B");
	for (size_t i = 0; i < probe_ncalls && i < 256; i++) {
		const struct probe_call *c = &probe_calls[i];
		const char *a = pa->result[i], *b = pb->result[i];
		bool d = !a || !b || strcmp(a, b) != 0;

		d ? differ++ : same++;
		if (!d && !o->all)
			continue;
		fprintf(out, "%-30s %-16s %-16s\n", c->name, short_result(a), short_result(b));
		if (!d)
			continue;
		cause(ca, c, a, why, sizeof(why));
		print_wrapped(out, "    A: ", why);
		cause(cb, c, b, why, sizeof(why));
		print_wrapped(out, "    B: ", why);
	}
	fprintf(out, "\n%zu of %zu calls differ%s\n\n", differ, differ + same,
		o->all || !same ? "" : " (--all shows the rest)");
	fprintf(out, "%-30s %-20s %-20s\n", "PROCESS", "A", "B");
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *a = status_value(pa, keys[i]), *b = status_value(pb, keys[i]);

		fprintf(out, "%-30s %-20s %-20s\n", strchr(keys[i], ' ') + 1, a ? a : "-",
			b ? b : "-");
	}
	if (!o->command->n)
		return;
	fprintf(out, "\ncommand: %s\n  exit status: A %d, B %d\n", o->command->v[0], ra->status,
		rb->status);
	for (int k = 0; k < 2; k++) {
		const struct cmd_result *r = k ? rb : ra;

		if (!r->ran) {
			fprintf(out, "  %c: could not start: %s\n", k ? 'B' : 'A', r->error);
			continue;
		}
		if (!r->denied.n) {
			bool unconfined =
			    (k ? o->b : o->a)->seccomp_mode == SPEC_SECCOMP_UNCONFINED;

			fprintf(out, "  %c: %s\n", k ? 'B' : 'A',
				unconfined ? "no seccomp filter" : "seccomp denied nothing");
			continue;
		}
		for (size_t i = 0; i < r->denied.n; i++) {
			char *copy = xstrdup(r->denied.v[i]), *p = copy;
			char *name = strsep(&p, "\t"), *count = strsep(&p, "\t");

			bool logged = p && strcmp(p, "logged") == 0;

			fprintf(out, "  %c: seccomp %s %s %s time%s", k ? 'B' : 'A',
				logged ? "logged" : "denied", name, count,
				strcmp(count, "1") ? "s" : "");
			fprintf(out, logged ? "\n" : " (%s)\n", p ? p : "?");
			free(copy);
		}
	}
}

/* The "command" object: the user's command's status, error and denials under A and B. */
static void gen_command(yajl_gen g, const char *argv0, const struct cmd_result *ra,
			const struct cmd_result *rb)
{
	yajl_gen_string(g, (const unsigned char *)"command", 7);
	yajl_gen_map_open(g);
	json_gen_kv(g, "argv0", argv0);
	for (int k = 0; k < 2; k++) {
		const struct cmd_result *r = k ? rb : ra;

		yajl_gen_string(g, (const unsigned char *)(k ? "b_status" : "a_status"), 8);
		yajl_gen_integer(g, r->status);
		json_gen_kv(g, k ? "b_error" : "a_error", r->ran ? NULL : r->error);
		yajl_gen_string(g, (const unsigned char *)(k ? "b_denied" : "a_denied"), 8);
		yajl_gen_array_open(g);
		for (size_t i = 0; i < r->denied.n; i++) {
			char *copy = xstrdup(r->denied.v[i]), *p = copy;
			char *name = strsep(&p, "\t"), *count = strsep(&p, "\t");

			yajl_gen_map_open(g);
			json_gen_kv(g, "syscall", name);
			yajl_gen_string(g, (const unsigned char *)"count", 5);
			yajl_gen_integer(g, strtol(count, NULL, 10));
			json_gen_kv(g, "errno", p);
			yajl_gen_map_close(g);
			free(copy);
		}
		yajl_gen_array_close(g);
	}
	yajl_gen_map_close(g);
}

static void print_json(const struct compare_opts *o, const char *la, const char *lb,
		       const struct probe_out *pa, const struct probe_out *pb,
		       const struct inspect_ctx *ca, const struct inspect_ctx *cb,
		       const struct cmd_result *ra, const struct cmd_result *rb, FILE *out)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;
	char why[1200];

	if (!g)
		return;
	yajl_gen_map_open(g);
	json_gen_kv(g, "a", la);
	json_gen_kv(g, "b", lb);
	yajl_gen_string(g, (const unsigned char *)"calls", 5);
	yajl_gen_array_open(g);
	for (size_t i = 0; i < probe_ncalls && i < 256; i++) {
		const struct probe_call *c = &probe_calls[i];
		const char *a = pa->result[i], *b = pb->result[i];
		bool d = !a || !b || strcmp(a, b) != 0;

		yajl_gen_map_open(g);
		json_gen_kv(g, "call", c->name);
		json_gen_kv(g, "syscall", c->syscall);
		json_gen_kv(g, "a", a);
		json_gen_kv(g, "b", b);
		yajl_gen_string(g, (const unsigned char *)"differs", 7);
		yajl_gen_bool(g, d);
		cause(ca, c, a, why, sizeof(why));
		json_gen_kv(g, "cause_a", why);
		cause(cb, c, b, why, sizeof(why));
		json_gen_kv(g, "cause_b", why);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_string(g, (const unsigned char *)"process", 7);
	yajl_gen_array_open(g);
	for (size_t i = 0; i < pa->status.n; i++) {
		char *copy = xstrdup(pa->status.v[i]), *tab = strchr(copy, '\t');

		*tab = '\0';
		yajl_gen_map_open(g);
		json_gen_kv(g, "key", copy);
		json_gen_kv(g, "a", tab + 1);
		json_gen_kv(g, "b", status_value(pb, copy));
		yajl_gen_map_close(g);
		free(copy);
	}
	yajl_gen_array_close(g);
	if (o->command->n)
		gen_command(g, o->command->v[0], ra, rb);
	yajl_gen_map_close(g);
	yajl_gen_get_buf(g, &buf, &len);
	(void)fwrite(buf, 1, len, out);
	(void)fputc('\n', out);
	yajl_gen_free(g);
}

int compare_run(const struct compare_opts *o, FILE *out, struct ward_err *err)
{
	struct probe_out pa, pb;
	struct inspect_ctx *ca = NULL, *cb = NULL;
	struct cmd_result ra, rb;
	char la[512], lb[512];
	int r;

	memset(&pa, 0, sizeof(pa));
	memset(&pb, 0, sizeof(pb));
	memset(&ra, 0, sizeof(ra));
	memset(&rb, 0, sizeof(rb));
	compare_label(o->a, la, sizeof(la));
	compare_label(o->b, lb, sizeof(lb));
	r = open_filter(o->a, &ca, err);
	if (r == 0)
		r = open_filter(o->b, &cb, err);
	if (r == 0)
		r = run_probe(o->a, &pa, err);
	if (r == 0)
		r = run_probe(o->b, &pb, err);
	if (r == 0 && o->command->n) {
		r = run_command(o->a, o->command, &ra, err);
		if (r == 0)
			r = run_command(o->b, o->command, &rb, err);
	}
	if (r == 0) {
		if (o->json)
			print_json(o, la, lb, &pa, &pb, ca, cb, &ra, &rb, out);
		else
			print_table(o, la, lb, &pa, &pb, ca, cb, &ra, &rb, out);
	}
	strv_release(&ra.denied);
	strv_release(&rb.denied);
	probe_out_release(&pa);
	probe_out_release(&pb);
	inspect_close(ca);
	inspect_close(cb);
	return r;
}
