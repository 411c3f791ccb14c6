/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * record.c - `ward seccomp record -o PROFILE [--merge OLD] [RUN OPTIONS] ROOTFS
 * [COMMAND]` and `ward seccomp diff OLD NEW`: options, the output file written
 * whole or not at all, the summary line.
 */
#include "ward/record_cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ward/caps.h"
#include "ward/cleanup.h"
#include "ward/cli.h"
#include "ward/diff.h"
#include "ward/ns.h"
#include "ward/process.h"
#include "ward/profile.h"
#include "ward/record.h"
#include "ward/recprofile.h"
#include "ward/selfexe.h"
#include "ward/util.h"

static const char record_usage[] =
    "Usage: ward seccomp record -o PROFILE [--merge EXISTING] [RUN OPTIONS] ROOTFS [COMMAND "
    "[ARG...]]\n"
    "\n"
    "Run the container exactly as 'ward run' would (same options) and write the Docker-format\n"
    "seccomp profile it needs: every syscall of every ABI (x86_64, i386, x32) that its\n"
    "processes make, from the entrypoint's execve until the last one exits, goes to ward\n"
    "(seccomp user notification) and on to the kernel.\n"
    "\n"
    "  -o, --output PROFILE  where to write it (whole or not at all)\n"
    "  --merge EXISTING      the union with an existing profile (may be PROFILE itself)\n"
    "\n"
    "These two come first, before the run options. The profile denies everything else with\n"
    "EPERM; clone may not create namespaces unless the run did; socket and personality are\n"
    "allowed for the values seen only; the calls ward, runc and crun make after loading a\n"
    "filter are added in a rule of their own.\n"
    "Without --security-opt seccomp=..., the workload runs under no enforcing profile. With\n"
    "one, recording stacks on it: what that profile denies never reaches the recorder.\n"
    "Exit status: the command's; 125 when ward failed (nothing is written then).\n";

static const char diff_usage[] =
    "Usage: ward seccomp diff OLD NEW [--cap-add CAP]... [--cap-drop CAP]... [--json]\n"
    "\n"
    "What NEW allows that OLD denies, and the reverse, for every x86_64 syscall (and the\n"
    "argument values their rules test), resolved for the capability set (Docker's default,\n"
    "changed by --cap-add/--cap-drop). OLD and NEW are profile paths or 'default'.\n"
    "Exit status: 0 when NEW allows nothing OLD denies, 1 when it does, 125 on bad input.\n";

bool record_cli_handles(int argc, char **argv)
{
	return argc > 2 && strcmp(argv[1], "seccomp") == 0 &&
	       (strcmp(argv[2], "record") == 0 || strcmp(argv[2], "diff") == 0);
}

struct record_args {
	const char *output;
	const char *merge;
	bool help;
	int first; /* the first run option */
};

static int parse_record_args(int argc, char **argv, struct record_args *ra, struct ward_err *err)
{
	int i = 3;

	memset(ra, 0, sizeof(*ra));
	for (; i < argc; i++) {
		const char *a = argv[i];
		const char **dst = NULL;

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			ra->help = true;
			return 0;
		}
		if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0)
			dst = &ra->output;
		else if (strcmp(a, "--merge") == 0)
			dst = &ra->merge;
		else if (str_has_prefix(a, "--output="))
			ra->output = a + strlen("--output=");
		else if (str_has_prefix(a, "--merge="))
			ra->merge = a + strlen("--merge=");
		else
			break;
		if (dst) {
			if (++i >= argc || !argv[i][0])
				return err_set(err, 0, "seccomp record: %s needs a value", a);
			*dst = argv[i];
		}
	}
	ra->first = i;
	if (!ra->output)
		return err_set(err, 0,
			       "seccomp record: -o PROFILE is required, before the run options "
			       "(see 'ward seccomp record --help')");
	return 0;
}

/* Whether the run options name a seccomp profile (else recording runs unconfined). */
static bool names_seccomp(int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		const char *v = argv[i];

		if (strcmp(v, "--security-opt") == 0 && i + 1 < argc)
			v = argv[++i];
		else if (str_has_prefix(v, "--security-opt="))
			v += strlen("--security-opt=");
		else
			continue;
		if (str_has_prefix(v, "seccomp=") || str_has_prefix(v, "seccomp:"))
			return true;
	}
	return false;
}

/* `ward run`'s parser on the run options; the spec finalised as cmd_run() does. */
static int parse_run(int argc, char **argv, const struct record_args *ra, struct cli_opts *opts,
		     struct ward_err *err)
{
	struct strv av = {0};
	int r;

	strv_push(&av, argv[0]);
	strv_push(&av, "run");
	for (int i = ra->first; i < argc; i++)
		strv_push(&av, argv[i]);
	r = cli_parse((int)av.n, av.v, opts, err);
	strv_release(&av);
	if (r < 0)
		return err_prefix(err, "seccomp record");
	if (opts->command != CLI_RUN || opts->help)
		return err_set(err, 0, "seccomp record: ROOTFS is required (not --bundle)");
	if (opts->report_denied)
		return err_set(err, 0,
			       "seccomp record: --report-denied cannot be combined with it");
	if (!names_seccomp(argc - ra->first, argv + ra->first) &&
	    cli_security_opt(&opts->spec, "seccomp=unconfined", err) < 0)
		return -EINVAL;
	if (caps_tweak(caps_docker_default(), opts->cap_add.v, opts->cap_drop.v, &opts->spec.caps,
		       err) < 0 ||
	    spec_finalize(&opts->spec, opts->user, err) < 0 ||
	    (geteuid() != 0 && spec_make_rootless(&opts->spec, err) < 0))
		return -EINVAL;
	if (!ns_is_new(&opts->spec, CLONE_NEWPID) && selfexe_seal(argv, err) < 0)
		return -EINVAL;
	return 0;
}

/* Write the profile to @fd, put it in place, say so. */
static int finish_output(int fd, const char *tmp, const char *path, const struct record_log *log,
			 const struct profile *merge, struct ward_err *err)
{
	struct recprofile_stats st;
	int r = recprofile_commit(fd, tmp, path, log, merge, &st, err);

	if (r < 0)
		return err_prefix(err, "seccomp record");
	fprintf(stderr,
		"ward: seccomp record: %zu syscalls, %lu calls recorded, %zu rules written to %s\n",
		st.syscalls, st.calls, st.rules, path);
	return 0;
}

static int record_run(int argc, char **argv, const struct record_args *ra, struct ward_err *err)
{
	cleanup_profile struct profile *merge = NULL;
	cleanup_free char *tmp = NULL;
	struct proc_opts popts = PROC_OPTS_INIT;
	struct proc_result res;
	struct record_log log;
	struct cli_opts opts;
	int fd, r, status;

	if (ra->merge && profile_load_file(ra->merge, &merge, err) < 0)
		return err_prefix(err, "seccomp record: --merge '%s'", ra->merge);
	r = parse_run(argc, argv, ra, &opts, err);
	if (r < 0) {
		cli_opts_release(&opts);
		return r;
	}
	fd = recprofile_open(ra->output, &tmp, err);
	if (fd < 0) {
		cli_opts_release(&opts);
		return err_prefix(err, "seccomp record");
	}
	record_log_init(&log);
	popts.record = &log;
	popts.terminal = opts.tty;
	proc_result_init(&res);
	r = proc_run(&opts.spec, &popts, &res, err);
	if (r == 0 && !log.started)
		r = err_set(err, 0, "seccomp record: the workload never started (no execve seen)");
	if (r == 0)
		r = finish_output(fd, tmp, ra->output, &log, merge, err);
	else
		close(fd);
	if (r < 0) {
		(void)unlink(tmp);
		err->status = WARD_EXIT_LAUNCHER;
	}
	status = res.status;
	record_log_release(&log);
	proc_result_release(&res);
	cli_opts_release(&opts);
	return r < 0 ? r : status;
}

static int diff_args(int argc, char **argv, struct diff_opts *o, struct strv *add,
		     struct strv *drop, struct ward_err *err)
{
	for (int i = 3; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--json") == 0) {
			o->json = true;
		} else if (strcmp(a, "--cap-add") == 0 || strcmp(a, "--cap-drop") == 0) {
			if (i + 1 >= argc)
				return err_set(err, 0, "seccomp diff: %s needs a value", a);
			strv_push(a[6] == 'a' ? add : drop, argv[++i]);
		} else if (str_has_prefix(a, "--cap-add=")) {
			strv_push(add, a + strlen("--cap-add="));
		} else if (str_has_prefix(a, "--cap-drop=")) {
			strv_push(drop, a + strlen("--cap-drop="));
		} else if (a[0] == '-' && a[1]) {
			return err_set(err, 0, "seccomp diff: unknown option '%s'", a);
		} else if (!o->old_path) {
			o->old_path = a;
		} else if (!o->new_path) {
			o->new_path = a;
		} else {
			return err_set(err, 0, "seccomp diff: unexpected argument '%s'", a);
		}
	}
	if (!o->new_path)
		return err_set(err, 0, "seccomp diff: OLD and NEW profiles are required");
	return 0;
}

static int diff_run(int argc, char **argv, struct ward_err *err)
{
	struct diff_opts o = {0};
	struct strv add = {0}, drop = {0};
	int r = diff_args(argc, argv, &o, &add, &drop, err);

	if (r == 0 && caps_tweak(caps_docker_default(), add.v, drop.v, &o.caps, err) < 0)
		r = err_prefix(err, "seccomp diff");
	if (r == 0)
		r = diff_profiles(&o, stdout, err);
	strv_release(&add);
	strv_release(&drop);
	if (r < 0)
		err->status = WARD_EXIT_LAUNCHER;
	return r;
}

int record_cli_main(int argc, char **argv, struct ward_err *err)
{
	struct record_args ra;
	bool diff = strcmp(argv[2], "diff") == 0;

	for (int i = 3; diff && i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(diff_usage, stdout);
			return 0;
		}
	if (diff)
		return diff_run(argc, argv, err);
	if (parse_record_args(argc, argv, &ra, err) < 0) {
		if (!ra.help) {
			err->status = WARD_EXIT_LAUNCHER;
			return -EINVAL;
		}
	}
	if (ra.help) {
		fputs(record_usage, stdout);
		return 0;
	}
	return record_run(argc, argv, &ra, err);
}
