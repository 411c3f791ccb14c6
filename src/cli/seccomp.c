/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * seccomp.c - `ward seccomp TOOL`: which tool, and its options. The tool table
 * below is where a tool's parser is named; the profile tools share one.
 */
#include "ward/cli_parse.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SYSCALL_CHARS "abcdefghijklmnopqrstuvwxyz0123456789_"

enum {
	OPT_CAP_ADD = 0x100,
	OPT_CAP_DROP,
	OPT_STRICT,
	OPT_JSON,
	OPT_FORMAT,
	OPT_BPF,
	OPT_HELP,
};

static const struct option profile_tool_options[] = {
    {"cap-add", required_argument, NULL, OPT_CAP_ADD},
    {"cap-drop", required_argument, NULL, OPT_CAP_DROP},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"json", no_argument, NULL, OPT_JSON},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"bpf", required_argument, NULL, OPT_BPF},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

static void profile_tool_option(struct cli_opts *opts, int c, const char *arg)
{
	switch (c) {
	case OPT_CAP_ADD:
		strv_push(&opts->cap_add, arg);
		break;
	case OPT_CAP_DROP:
		strv_push(&opts->cap_drop, arg);
		break;
	case OPT_STRICT:
		opts->strict = true;
		break;
	case OPT_JSON:
		opts->json = true;
		break;
	case OPT_FORMAT:
		free(opts->format);
		opts->format = xstrdup(arg);
		break;
	case OPT_BPF:
		free(opts->bpf_file);
		opts->bpf_file = xstrdup(arg);
		break;
	}
}

/* check, explain, export, bench: [OPTIONS] [PROFILE] (explain: [SYSCALL...]); dump: PID */
static int parse_profile_tool(int argc, char **argv, struct cli_opts *opts, struct ward_err *err)
{
	char who[64];
	int c;

	(void)snprintf(who, sizeof(who), "seccomp %s", opts->tool);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:", profile_tool_options, NULL)) != -1) {
		if (c == OPT_HELP) {
			opts->help = true;
			return 0;
		}
		if (c == ':' || c == '?')
			return cli_getopt_error(who, c, argv, false, err);
		profile_tool_option(opts, c, optarg);
	}
	/* explain's first operand is a syscall when it may be a name ([a-z0-9_]) and no file */
	if (optind < argc &&
	    (strcmp(opts->tool, "explain") != 0 ||
	     argv[optind][strspn(argv[optind], SYSCALL_CHARS)] || access(argv[optind], F_OK) == 0))
		opts->target = xstrdup(argv[optind++]);
	while (optind < argc && strcmp(opts->tool, "explain") == 0)
		strv_push(&opts->syscalls, argv[optind++]);
	if (optind < argc)
		return err_set(err, 0, "%s: unexpected argument '%s'", who, argv[optind]);
	if (strcmp(opts->tool, "export") == 0 && !opts->format)
		return err_set(err, 0, "seccomp export: --format bpf|pfc|json is required");
	if (strcmp(opts->tool, "dump") == 0 && !opts->target)
		return err_set(err, 0, "seccomp dump: no process id given");
	return 0;
}

/* a tool that takes nothing */
static int parse_no_operand(int argc, char **argv, struct cli_opts *opts, struct ward_err *err)
{
	if (argc > 1 && strcmp(argv[1], "--help") == 0)
		opts->help = true;
	else if (argc > 1)
		return err_set(err, 0, "seccomp %s: unexpected argument '%s'", opts->tool, argv[1]);
	return 0;
}

/*
 * The tools, each with its parser. A new tool is a row here; one with options
 * of its own has its parser in its own file (`ward seccomp record` in
 * src/cli/record.c, declared in cli_parse.h), its help in usage.c.
 */
static const struct {
	const char *name;
	int (*parse)(int argc, char **argv, struct cli_opts *opts, struct ward_err *err);
} tools[] = {
    {"check", parse_profile_tool},
    {"explain", parse_profile_tool},
    {"export", parse_profile_tool},
    {"bench", parse_profile_tool},
    {"dump", parse_profile_tool},
    {"syscalls", parse_no_operand}, /* hidden: the names, for the shell completions */
};

int cli_parse_seccomp(int argc, char **argv, struct cli_opts *opts, struct ward_err *err)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		opts->help = true;
		return 0;
	}
	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++) {
		if (strcmp(argv[1], tools[i].name) != 0)
			continue;
		opts->tool = xstrdup(argv[1]);
		return tools[i].parse(argc - 1, argv + 1, opts, err);
	}
	return err_set(err, 0, "seccomp: unknown tool '%s' (see 'ward seccomp --help')", argv[1]);
}
