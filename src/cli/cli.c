/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cli.c - the command line as a whole: ward's global options, which verb, and
 * that verb's parser (run.c, oci.c, seccomp.c; the help texts are usage.c's).
 */
#include "ward/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ward/cli_parse.h"

int cli_getopt_error(const char *who, int c, char **argv, bool by_letter, struct ward_err *err)
{
	if (c == ':')
		return err_set(err, 0, "%s: option '%s' needs an argument", who, argv[optind - 1]);
	if (by_letter && optopt)
		return err_set(err, 0, "%s: unknown option '-%c'", who, optopt);
	return err_set(err, 0, "%s: unknown option '%s'", who, argv[optind - 1]);
}

int cli_parse_globals(int argc, char **argv, struct cli_opts *opts, struct ward_err *err)
{
	int i;

	opts->oci.root = STATE_DEFAULT_ROOT;
	for (i = 1; i < argc && str_has_prefix(argv[i], "--"); i++) {
		static const char *const with_arg[] = {
		    "--root", "--log", "--log-format", "--cgroup-manager", "--rootless",
		    "--criu", NULL};
		const char *a = argv[i], *val = NULL, *eq = strchr(a, '=');
		size_t nlen = eq ? (size_t)(eq - a) : strlen(a);
		size_t k;

		if (strcmp(a, "--debug") == 0 || strcmp(a, "--systemd-cgroup") == 0)
			continue;
		for (k = 0; with_arg[k]; k++)
			if (strlen(with_arg[k]) == nlen && strncmp(a, with_arg[k], nlen) == 0)
				break;
		if (!with_arg[k])
			break; /* --help, --version, or a command's */
		if (eq) {
			val = eq + 1;
		} else if (i + 1 < argc) {
			val = argv[++i];
		} else {
			return err_set(err, 0, "option '%s' needs an argument", a);
		}
		if (k == 0) {
			if (!*val)
				return err_set(err, 0, "--root: empty directory");
			opts->oci.root = val;
			opts->root_given = true;
		} else if (k == 1) {
			opts->log_file = val;
		} else if (k == 2) {
			if (strcmp(val, "json") != 0 && strcmp(val, "text") != 0)
				return err_set(err, 0, "--log-format: unknown format '%s'", val);
			opts->log_json = strcmp(val, "json") == 0;
		}
	}
	return i - 1;
}

/* ward cleanup takes no argument but --help */
static int parse_cleanup(int argc, char **argv, struct cli_opts *opts, struct ward_err *err)
{
	if (argc > 1 && strcmp(argv[1], "--help") == 0)
		opts->help = true;
	else if (argc > 1)
		return err_set(err, 0, "cleanup: unexpected argument '%s'", argv[1]);
	return 0;
}

/*
 * ward's own verbs and their parsers (the OCI verbs are cli_is_oci_verb()'s). A
 * verb with a parser of its own lives in src/cli/<verb>.c; `ward seccomp TOOL`
 * picks its tool's parser in seccomp.c.
 */
static const struct {
	const char *name;
	enum cli_command command;
	int (*parse)(int argc, char **argv, struct cli_opts *opts, struct ward_err *err);
} verbs[] = {
    {"run", CLI_RUN, cli_parse_run},
    {"compare", CLI_COMPARE, cli_parse_run},
    {"seccomp", CLI_SECCOMP, cli_parse_seccomp},
    {"cleanup", CLI_CLEANUP, parse_cleanup},
};

/* ward help VERB: VERB --help */
static int help_verb(const char *verb, struct cli_opts *opts, struct ward_err *err)
{
	opts->help = true;
	if (cli_is_oci_verb(verb)) {
		opts->command = CLI_OCI;
		return 0;
	}
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		if (strcmp(verb, verbs[i].name) == 0) {
			opts->command = verbs[i].command;
			return 0;
		}
	}
	if (strcmp(verb, "help") == 0 || strcmp(verb, "version") == 0)
		return 0;
	return err_set(err, 0, "unknown command '%s' (see 'ward --help')", verb);
}

int cli_parse(int argc, char **argv, struct cli_opts *opts, struct ward_err *err)
{
	const char *cmd;
	int skip;

	memset(opts, 0, sizeof(*opts));
	spec_init(&opts->spec);
	opts->command = CLI_HELP;
	skip = cli_parse_globals(argc, argv, opts, err);
	if (skip < 0)
		return skip;
	/* the global options are gone: argv[1] is the command, as without them */
	argc -= skip;
	argv += skip;
	if (argc < 2)
		return 0;
	cmd = argv[1];
	if (cli_is_oci_verb(cmd) || (strcmp(cmd, "run") == 0 && cli_is_oci_run(argc - 1, argv + 1)))
		return cli_parse_oci(argc - 1, argv + 1, opts, err);
	if (strcmp(cmd, "help") == 0 && argc > 2)
		return help_verb(argv[2], opts, err);
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0 || strcmp(cmd, "-h") == 0)
		return 0;
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-v") == 0 ||
	    strcmp(cmd, "version") == 0) {
		opts->command = CLI_VERSION;
		opts->version_details = strcmp(cmd, "version") == 0;
		return 0;
	}
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		if (strcmp(cmd, verbs[i].name) == 0) {
			opts->command = verbs[i].command;
			return verbs[i].parse(argc - 1, argv + 1, opts, err);
		}
	}
	if (cmd[0] == '-')
		return err_set(err, 0, "unknown option '%s'", cmd);
	return err_set(err, 0, "unknown command '%s' (see 'ward --help')", cmd);
}

void cli_opts_release(struct cli_opts *opts)
{
	spec_release(&opts->spec);
	free(opts->user);
	opts->user = NULL;
	strv_release(&opts->cap_add);
	strv_release(&opts->cap_drop);
	strv_release(&opts->against);
	strv_release(&opts->syscalls);
	strv_release(&opts->group_add);
	hosts_opts_release(&opts->hosts);
	strv_release(&opts->oci.env);
	strv_release(&opts->oci.caps);
	strv_release(&opts->oci.gids);
	strv_release(&opts->oci.cgroups);
	free(opts->tool);
	free(opts->target);
	free(opts->format);
	free(opts->bpf_file);
	opts->tool = opts->target = opts->format = opts->bpf_file = NULL;
}
