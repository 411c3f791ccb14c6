/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cli.h - argv -> struct cli_opts. Docker's flag names wherever Docker has the
 * concept. No side effects beyond checking that named host paths exist.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ward/error.h"
#include "ward/hosts.h"
#include "ward/spec.h"
#include "ward/state.h"
#include "ward/util.h"

enum cli_command {
	CLI_HELP,
	CLI_VERSION,
	CLI_RUN,
	CLI_SECCOMP, /* ward seccomp check|explain|export|bench|dump */
	CLI_COMPARE, /* ward compare [RUN OPTIONS] [--against OPT] ROOTFS [COMMAND] */
	CLI_CLEANUP, /* ward cleanup: remove cgroups left by a SIGKILLed ward */
	CLI_OCI,     /* the OCI runtime verbs: create, start, state, kill, delete, list, spec,
			features, run --bundle (cli_opts.verb) */
};

struct cli_opts {
	enum cli_command command;
	bool help;	      /* --help given to a command */
	bool version_details; /* `ward version` rather than runc's --version lines */
	struct container_spec spec;
	char *user;	     /* -u, resolved against the rootfs by spec_finalize() */
	struct strv cap_add; /* --cap-add, in order */
	struct strv cap_drop;
	bool report_denied; /* run --report-denied */
	bool tty;	    /* run -t */
	/* ward run: the container in the state directory (--root), as the OCI verbs' */
	const char *name;	/* --name (NULL: a generated id), points into argv */
	bool detach;		/* -d: print the id once it runs and leave it running */
	bool rm;		/* --rm: removed at exit (the default) */
	bool keep;		/* --keep: stays, stopped, for state/delete */
	const char *cidfile;	/* --cidfile: the id is written there */
	bool privileged;	/* --privileged: Docker's meaning (run_devices.c) */
	bool init;		/* --init: ward-init as process 1 */
	const char *entrypoint; /* --entrypoint: the command's first word */
	int stop_signal;	/* --stop-signal (0: not given; ward stop's default, SIGTERM) */
	long stop_timeout;	/* --stop-timeout seconds (-1: never SIGKILL) */
	bool stop_timeout_set;
	uint64_t cpu_period; /* --cpu-period, --cpu-quota (microseconds; 0: not given) */
	uint64_t cpu_quota;
	struct strv group_add;
	struct hosts_opts hosts;
	/* --add-host, --dns, --dns-search, --dns-option */ /* --group-add: names or numbers,
							       resolved in the rootfs */
	/* ward compare: the run options, plus */
	struct strv against; /* --against: security options of configuration B */
	bool all;	     /* --all: rows that do not differ too */
	/* ward seccomp */
	char *tool;	      /* check, explain, export, bench, dump */
	char *target;	      /* the profile path (NULL: built-in), or the pid for dump */
	char *format;	      /* export: bpf, pfc, json */
	char *bpf_file;	      /* bench: a raw BPF program */
	struct strv syscalls; /* explain [PROFILE] SYSCALL...: only these */
	bool strict;
	bool json;
	/* the OCI runtime verbs; the global options --root, --log, --log-format */
	const char *verb;      /* "create", "start", ... */
	struct state_opts oci; /* strings point into argv */
	bool root_given;       /* --root on the command line (else the default, or a rootless
				  user's own: state_user_root()) */
	const char *log_file;  /* --log: errors are appended there too */
	bool log_json;	       /* --log-format json */
};

/**
 * cli_parse() - parse the whole command line.
 *
 * Return: 0, or -EINVAL with @err naming the argument at fault (exit 125).
 */
int cli_parse(int argc, char **argv, struct cli_opts *opts, struct ward_err *err)
    __attribute__((nonnull));

/**
 * cli_parse_globals() - ward's global options (runc's and crun's: --root, --log,
 * --log-format, --debug, ...) at the start of argv, into @opts' root, log_file
 * and log_json. cli_parse() takes them the same way; a verb parsed apart from it
 * (`ward seccomp record`) skips them with this.
 * Return: how many arguments they took, or -EINVAL with @err set.
 */
int cli_parse_globals(int argc, char **argv, struct cli_opts *opts, struct ward_err *err)
    __attribute__((nonnull));

void cli_opts_release(struct cli_opts *opts) __attribute__((nonnull));

/**
 * cli_security_opt() - apply one --security-opt value (seccomp=..., no-new-privileges)
 * to @spec. Return: 0, or -EINVAL with @err naming the option.
 */
int cli_security_opt(struct container_spec *spec, const char *arg, struct ward_err *err)
    __attribute__((nonnull));

/** cli_usage() - the help text for @command, on stdout. */
void cli_usage(enum cli_command command);

/** cli_usage_text() - that text (the man pages are made from it too). */
const char *cli_usage_text(enum cli_command command) __attribute__((returns_nonnull));

/**
 * cli_man() - the manual page @page ("ward", "ward-run", "ward-create", ...;
 * NULL: the list of pages, one a line) in roff, from the help texts.
 * Return: 0, or -1 for an unknown page.
 */
int cli_man(const char *page, FILE *out);

/**
 * cli_version() - `ward version`: ward's, the OCI spec's and libseccomp's
 * versions, and what the kernel offers (release, seccomp actions, cgroups).
 */
void cli_version(FILE *out) __attribute__((nonnull));
