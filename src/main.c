/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * main.c - ward's entry point: parse, dispatch, print the one error, exit.
 * The only place that prints errors and the only caller of exit().
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ward/caps.h"
#include "ward/cgroup.h"
#include "ward/cli.h"
#include "ward/compare.h"
#include "ward/error.h"
#include "ward/init.h"
#include "ward/hosts.h"
#include "ward/inspect.h"
#include "ward/named.h"
#include "ward/oci.h"
#include "ward/ns.h"
#include "ward/process.h"
#include "ward/record_cli.h"
#include "ward/selfexe.h"
#include "ward/state.h"
#include "ward/util.h"

/* --log FILE and --log-format json: where engines read a runtime's errors */
static const char *log_file;
static bool log_json;

static void log_to_file(const char *line)
{
	FILE *f = fopen(log_file, "ae");
	char stamp[64];
	time_t now = time(NULL);
	struct tm tm;

	if (!f)
		return; /* stderr has the message already */
	(void)strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	if (log_json) {
		fputs("{\"level\":\"error\",\"msg\":\"", f);
		for (const char *p = line; *p; p++) {
			if (*p == '"' || *p == '\\')
				fputc('\\', f);
			if ((unsigned char)*p < 0x20)
				fprintf(f, "\\u%04x", (unsigned char)*p);
			else
				fputc(*p, f);
		}
		fprintf(f, "\",\"time\":\"%s\"}\n", stamp);
	} else {
		fprintf(f, "%s ward: %s\n", stamp, line);
	}
	(void)fclose(f);
}

static int fail(const struct ward_err *err)
{
	char line[WARD_ERR_MSG_MAX + 128];

	err_format(err, line, sizeof(line));
	fprintf(stderr, "ward: %s\n", line);
	if (log_file)
		log_to_file(line);
	return err_exit_status(err);
}

/*
 * runc's convention for the OCI verbs: ward's own failure exits 1, a failed
 * `exec` 255 (runc since 1.1, crun too); never Docker's 125, 126 or 127, which
 * an engine would take for the container's status.
 */
static int fail_verb(const char *verb, struct ward_err *err)
{
	err->status = strcmp(verb, "exec") == 0 ? WARD_EXIT_EXEC_FAILED : WARD_EXIT_FAIL;
	return fail(err);
}

/* The verbs that put a ward process into a container another process of it may see. */
static bool enters_container(const char *verb)
{
	return strcmp(verb, "create") == 0 || strcmp(verb, "run") == 0 || strcmp(verb, "exec") == 0;
}

/* ward stop ID...: each in turn, its id printed once stopped, as docker stop */
static int cmd_stop(const struct state_opts *o, struct ward_err *err)
{
	int status = 0;

	for (char *const *id = o->argv; *id; id++) {
		struct state_opts one = *o;

		one.id = *id;
		if (state_stop(&one, err) < 0) {
			status = fail_verb("stop", err);
			memset(err, 0, sizeof(*err));
		} else {
			printf("%s\n", *id);
			fflush(stdout);
		}
	}
	return status;
}

/*
 * What a caller who is not root may do: read, signal, enter and remove its own
 * containers (ward run's, in its own state directory); the rest needs root.
 */
static int oci_rootless(const struct cli_opts *opts, struct ward_err *err)
{
	static const char *const allowed[] = {"list", "state", "ps",	 "kill",
					      "stop", "exec",  "delete", NULL};
	static const char *const cgroup_verbs[] = {"pause", "resume", "update", NULL};
	const char *verb = opts->verb;
	size_t i = 0;

	for (i = 0; cgroup_verbs[i]; i++)
		if (strcmp(verb, cgroup_verbs[i]) == 0)
			return err_set(err, 0,
				       "%s: a rootless container has no cgroup of its own, which "
				       "%s needs (ward makes cgroups only as root)",
				       verb, verb);
	for (i = 0; allowed[i] && strcmp(verb, allowed[i]) != 0; i++)
		;
	if (!allowed[i])
		return err_set(err, 0,
			       "%s: needs root (rootless: `ward run`, and list, state, ps, exec, "
			       "kill, stop and delete of its containers)",
			       verb);
	if (!opts->oci.root)
		return err_set(err, 0,
			       "%s: no state directory of yours: rootless, ward uses "
			       "$XDG_RUNTIME_DIR/ward or /run/user/%u/ward (or give --root DIR)",
			       verb, (unsigned)geteuid());
	return state_root_check(opts->oci.root, false, err);
}

static int cmd_oci(struct cli_opts *opts, char *const argv[], struct ward_err *err)
{
	const struct state_opts *o = &opts->oci;
	const char *verb = opts->verb;
	int r, status = 0;

	if (strcmp(verb, "spec") == 0)
		r = oci_create_default(o->bundle, o->rootless, err);
	else if (strcmp(verb, "features") == 0)
		r = oci_features(stdout, state_libseccomp_version(), err);
	else if (geteuid() != 0 && oci_rootless(opts, err) < 0)
		r = -EPERM;
	else if (strcmp(verb, "list") == 0)
		r = state_list(o, stdout, err);
	else if (strcmp(verb, "state") == 0)
		r = state_print(o, stdout, err);
	else if (strcmp(verb, "ps") == 0)
		r = state_ps(o, stdout, err);
	else if (strcmp(verb, "stop") == 0)
		return cmd_stop(o, err);
	else if (strcmp(verb, "kill") == 0)
		r = state_kill(o, err);
	else if (enters_container(verb) && selfexe_seal(argv, err) < 0)
		r = -EINVAL;
	else if (strcmp(verb, "create") == 0)
		r = state_create(o, err);
	else if (strcmp(verb, "start") == 0)
		r = state_start(o, err);
	else if (strcmp(verb, "delete") == 0)
		r = state_delete(o, err);
	else if (strcmp(verb, "exec") == 0)
		r = state_exec(o, &status, err);
	else if (strcmp(verb, "update") == 0)
		r = state_update(o, err);
	else if (strcmp(verb, "pause") == 0)
		r = state_pause(o, err);
	else if (strcmp(verb, "resume") == 0)
		r = state_resume(o, err);
	else
		r = state_run(o, &status, err);
	if (r < 0)
		return fail_verb(verb, err);
	return status;
}

/* The container ran (or ward failed in it): the status to exit with, said as Docker does. */
static int run_status(struct cli_opts *opts, struct proc_result *res)
{
	int status = res->status;

	if (res->oom_killed)
		fprintf(stderr, "ward: container killed: out of memory (--memory limit reached)\n");
	else if (status == 128 + SIGSYS && opts->spec.seccomp_mode != SPEC_SECCOMP_UNCONFINED)
		fprintf(stderr, "ward: container killed by SIGSYS: a seccomp rule with a kill or "
				"trap action (see 'ward seccomp explain')\n");
	if (opts->report_denied)
		notify_print(&res->denied, stderr);
	return status;
}

/*
 * The container, its spec final: registered (named.c), run from a background ward
 * with -d (*@handed_over then says the foreground one leaves the rest to it), waited for.
 */
static int run_container(struct cli_opts *opts, struct named_run *named, bool *handed_over,
			 struct ward_err *err)
{
	struct container_spec *spec = &opts->spec;
	struct proc_opts popts = PROC_OPTS_INIT;
	struct proc_result res;
	int status, r, init_fd = -1;

	if (named_begin(named, spec, opts->detach, opts->cidfile, &popts, err) < 0)
		return fail(err);
	r = opts->detach ? named_detach(named, err) : 0;
	if (r == 0 && opts->init) {
		init_fd = init_prepare(spec, err);
		r = init_fd < 0 ? init_fd : 0;
	}
	if (r != 0) {
		named_end(named); /* gone before the foreground ward of -d says so */
		if (r < 0)
			named_fail(named, err); /* the background ward's: to the foreground one */
		if (r < 0)
			return fail(err);
		*handed_over = true;
		printf("%s\n", named->id); /* -d: the container runs, in the background ward */
		return 0;
	}
	popts.exec_fd = init_fd;
	popts.report_denied = opts->report_denied;
	popts.terminal = opts->tty;
	if (opts->tty && !spec_getenv(spec, "TERM"))
		spec_setenv(spec, "TERM=xterm"); /* as docker run -t */
	proc_result_init(&res);
	r = proc_run(spec, &popts, &res, err);
	if (init_fd >= 0)
		close(init_fd);
	status = r < 0 ? 0 : run_status(opts, &res);
	proc_result_release(&res);
	named_end(named);
	if (r < 0) {
		named_fail(named, err);
		return fail(err);
	}
	return status;
}

static int cmd_run(struct cli_opts *opts, char *const argv[], struct ward_err *err)
{
	struct container_spec *spec = &opts->spec;
	struct named_run named;
	bool handed_over = false;
	char *etc = NULL; /* --add-host, --dns: the files bound over the rootfs's */
	int status;

	named_init(&named, opts->oci.root, opts->name, opts->keep, spec);
	named.stop_signal = opts->stop_signal;
	named.stop_timeout = opts->stop_timeout;
	named.stop_timeout_set = opts->stop_timeout_set;
	if (spec_finalize_run(spec, opts->user, opts->cap_add.v, opts->cap_drop.v, err) < 0 ||
	    spec_add_groups(spec, opts->group_add.v, err) < 0 ||
	    hosts_prepare(spec, &opts->hosts, &etc, err) < 0 ||
	    /* in a pid namespace of its own, nothing sees ward's child before its execve */
	    (!ns_is_new(spec, CLONE_NEWPID) && selfexe_seal(argv, err) < 0)) {
		hosts_cleanup(&etc);
		return fail(err);
	}
	status = run_container(opts, &named, &handed_over, err);
	if (handed_over)
		free(etc); /* the background ward's to remove */
	else
		hosts_cleanup(&etc);
	return status;
}

static int cmd_cleanup(struct ward_err *err)
{
	return cg_sweep_stale(err) < 0 ? fail(err) : 0;
}

/* ward compare: configuration A as the options say, B with --against applied */
static int cmd_compare(struct cli_opts *opts, struct ward_err *err)
{
	struct compare_opts co = {.json = opts->json, .all = opts->all};
	struct container_spec *a = &opts->spec, b;
	struct strv command = {0};
	int r;

	/* the command as given: spec_finalize_run() puts /bin/sh in for none */
	for (size_t i = 0; i < a->argv.n; i++)
		strv_push(&command, a->argv.v[i]);
	r = spec_finalize_run(a, opts->user, opts->cap_add.v, opts->cap_drop.v, err);
	if (r < 0) {
		strv_release(&command);
		return fail(err);
	}
	spec_copy(&b, a);
	if (!opts->against.n)
		r = cli_security_opt(&b, "seccomp=unconfined", err);
	for (size_t i = 0; r == 0 && i < opts->against.n; i++)
		r = cli_security_opt(&b, opts->against.v[i], err);
	co.a = a;
	co.b = &b;
	co.command = &command;
	if (r == 0)
		r = compare_run(&co, stdout, err);
	spec_release(&b);
	strv_release(&command);
	return r < 0 ? fail(err) : 0;
}

/* ward seccomp TOOL: a problem with the profile exits 1, as linters do */
static int cmd_seccomp(struct cli_opts *opts, struct ward_err *err)
{
	struct inspect_opts o = {
	    .profile = opts->target,
	    .strict = opts->strict,
	    .json = opts->json,
	    .bpf_file = opts->bpf_file,
	    .syscalls = opts->syscalls.n ? opts->syscalls.v : NULL,
	};
	const char *tool = opts->tool;
	int r;

	if (caps_tweak(caps_docker_default(), opts->cap_add.v, opts->cap_drop.v, &o.caps, err) < 0)
		return fail(err);
	if (strcmp(tool, "syscalls") == 0) {
		inspect_list_syscalls(stdout);
		r = 0;
	} else if (strcmp(tool, "check") == 0) {
		r = inspect_check(&o, stdout, err);
	} else if (strcmp(tool, "explain") == 0) {
		r = inspect_explain(&o, stdout, err);
	} else if (strcmp(tool, "export") == 0) {
		r = inspect_export(&o, opts->format, stdout, err);
	} else if (strcmp(tool, "bench") == 0) {
		r = inspect_bench(&o, stdout, err);
	} else {
		uint64_t pid;

		if (!parse_u64(opts->target, INT32_MAX, &pid) || pid == 0) {
			err_set(err, 0, "seccomp dump: invalid process id '%s'", opts->target);
			return fail(err);
		}
		r = inspect_dump((pid_t)pid, stdout, err);
	}
	if (r < 0) {
		err->status = WARD_EXIT_FAIL;
		return fail(err);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct ward_err err = {0};
	struct cli_opts opts = {0};
	int status, skip = cli_parse_globals(argc, argv, &opts, &err);

	/* `ward [GLOBAL...] seccomp record|diff ...`: argv without the global options */
	if (skip >= 0 && record_cli_handles(argc - skip, argv + skip)) {
		log_file = opts.log_file;
		log_json = opts.log_json;
		argv[skip] = argv[0];
		status = record_cli_main(argc - skip, argv + skip, &err);
		return status < 0 ? fail(&err) : status;
	}
	int pr = cli_parse(argc, argv, &opts, &err);
	char *user_root = NULL;

	log_file = opts.log_file;
	log_json = opts.log_json;
	/* not root, no --root: the caller's own state directory, or none (NULL) */
	if (pr == 0 && geteuid() != 0 && !opts.root_given) {
		user_root = state_user_root();
		opts.oci.root = user_root;
	}
	if (pr < 0 && opts.command == CLI_OCI) {
		status = fail_verb(opts.verb, &err);
	} else if (pr < 0 && opts.command == CLI_SECCOMP) {
		err.status = WARD_EXIT_FAIL;
		status = fail(&err);
	} else if (pr < 0) {
		status = fail(&err);
	} else if (opts.help || opts.command == CLI_HELP) {
		cli_usage(opts.command);
		status = 0;
	} else if (opts.command == CLI_VERSION) {
		state_print_version(stdout);
		if (opts.version_details)
			cli_version(stdout);
		status = 0;
	} else if (opts.command == CLI_SECCOMP) {
		status = cmd_seccomp(&opts, &err);
	} else if (opts.command == CLI_CLEANUP) {
		status = cmd_cleanup(&err);
	} else if (opts.command == CLI_OCI) {
		status = cmd_oci(&opts, argv, &err);
	} else if (opts.command == CLI_COMPARE) {
		status = cmd_compare(&opts, &err);
	} else {
		status = cmd_run(&opts, argv, &err);
	}
	cli_opts_release(&opts);
	free(user_root);
	if (fflush(stdout) != 0 && status == 0)
		status = 1;
	return status;
}
