/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cli.c - the command line: verbs and Docker-compatible run options. */
#include "ward/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	OPT_CAP_ADD = 0x100,
	OPT_CAP_DROP,
	OPT_SECURITY_OPT,
	OPT_TMPFS,
	OPT_READ_ONLY,
	OPT_NETWORK,
	OPT_HELP,
};

static const struct option run_options[] = {
	{"cap-add", required_argument, NULL, OPT_CAP_ADD},
	{"cap-drop", required_argument, NULL, OPT_CAP_DROP},
	{"security-opt", required_argument, NULL, OPT_SECURITY_OPT},
	{"user", required_argument, NULL, 'u'},
	{"env", required_argument, NULL, 'e'},
	{"workdir", required_argument, NULL, 'w'},
	{"hostname", required_argument, NULL, 'h'},
	{"volume", required_argument, NULL, 'v'},
	{"tmpfs", required_argument, NULL, OPT_TMPFS},
	{"read-only", no_argument, NULL, OPT_READ_ONLY},
	{"network", required_argument, NULL, OPT_NETWORK},
	{"net", required_argument, NULL, OPT_NETWORK},
	{"help", no_argument, NULL, OPT_HELP},
	{NULL, 0, NULL, 0},
};

void cli_usage(enum cli_command command)
{
	switch (command) {
	case CLI_RUN:
		fputs("Usage: ward run [OPTIONS] ROOTFS [COMMAND [ARG...]]\n"
		      "\n"
		      "Run COMMAND (default /bin/sh) in ROOTFS with Docker's isolation: new mount,\n"
		      "pid, uts, ipc, network (loopback only) and cgroup namespaces, Docker's default\n"
		      "capabilities, masked and read-only paths.\n"
		      "\n"
		      "Options:\n"
		      "      --cap-add CAP            add a capability (CAP_ prefix optional, any case, ALL)\n"
		      "      --cap-drop CAP           drop a capability (ALL drops every one)\n"
		      "  -e, --env KEY[=VALUE]        set an environment variable (KEY alone: the host's value)\n"
		      "  -h, --hostname NAME          container hostname (default: 12 random hex digits)\n"
		      "      --network none|host      none: loopback only (default); host: the host's network\n"
		      "      --read-only              mount the root filesystem read-only\n"
		      "      --security-opt OPT       seccomp=PATH|unconfined|default, no-new-privileges\n"
		      "                               (the seccomp option is parsed and validated but no\n"
		      "                               seccomp filter is applied yet)\n"
		      "      --tmpfs DST[:OPTS]       mount a tmpfs (OPTS: ro,size=,mode=,exec,...)\n"
		      "  -u, --user USER[:GROUP]      name or number, looked up in the rootfs's /etc/passwd\n"
		      "  -v, --volume SRC:DST[:ro]    bind-mount a host path\n"
		      "  -w, --workdir DIR            working directory inside the container (absolute)\n"
		      "      --help                   this text\n"
		      "\n"
		      "Exit status: the command's own; 128+N if it was killed by signal N; 125 if ward\n"
		      "failed; 126 if the command cannot be executed; 127 if it was not found.\n",
		      stdout);
		break;
	case CLI_HELP:
	case CLI_VERSION:
		fputs("Usage: ward COMMAND [OPTIONS]\n"
		      "\n"
		      "A minimal container launcher with a seccomp profile engine.\n"
		      "\n"
		      "Commands:\n"
		      "  run         run a command in a root filesystem\n"
		      "\n"
		      "Global options:\n"
		      "  --help      this text (ward COMMAND --help for a command)\n"
		      "  --version   print the version\n",
		      stdout);
		break;
	}
}

static int parse_security_opt(struct container_spec *spec, const char *arg, struct ward_err *err)
{
	const char *v;

	if (str_has_prefix(arg, "seccomp=") || str_has_prefix(arg, "seccomp:")) {
		v = arg + strlen("seccomp=");
		free(spec->seccomp_path);
		spec->seccomp_path = NULL;
		if (strcmp(v, "unconfined") == 0) {
			spec->seccomp_mode = SPEC_SECCOMP_UNCONFINED;
		} else if (strcmp(v, "default") == 0 || strcmp(v, "builtin") == 0) {
			spec->seccomp_mode = SPEC_SECCOMP_DEFAULT;
		} else if (*v) {
			spec->seccomp_mode = SPEC_SECCOMP_FILE;
			spec->seccomp_path = xstrdup(v);
		} else {
			return err_set(err, 0, "unsupported security option '%s'", arg);
		}
		return 0;
	}
	if (strcmp(arg, "no-new-privileges") == 0 || strcmp(arg, "no-new-privileges=true") == 0 ||
	    strcmp(arg, "no-new-privileges:true") == 0) {
		spec->no_new_privs = true;
		return 0;
	}
	if (strcmp(arg, "no-new-privileges=false") == 0 ||
	    strcmp(arg, "no-new-privileges:false") == 0) {
		spec->no_new_privs = false;
		return 0;
	}
	return err_set(err, 0, "unsupported security option '%s'", arg);
}

static int parse_env(struct container_spec *spec, const char *arg, struct ward_err *err)
{
	const char *val;

	if (arg[0] == '=' || arg[0] == '\0')
		return err_set(err, 0, "invalid environment variable '%s'", arg);
	if (strchr(arg, '=')) {
		spec_setenv(spec, arg);
		return 0;
	}
	/* -e KEY passes the host's value on; an unset KEY is dropped, as in Docker */
	val = getenv(arg);
	if (val) {
		char *kv = xasprintf("%s=%s", arg, val);

		spec_setenv(spec, kv);
		free(kv);
	}
	return 0;
}

static int parse_run(int argc, char **argv, struct cli_opts *opts, struct ward_err *err)
{
	struct container_spec *spec = &opts->spec;
	int c, r = 0;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:u:e:w:h:v:", run_options, NULL)) != -1) {
		switch (c) {
		case OPT_CAP_ADD:
			strv_push(&opts->cap_add, optarg);
			break;
		case OPT_CAP_DROP:
			strv_push(&opts->cap_drop, optarg);
			break;
		case OPT_SECURITY_OPT:
			r = parse_security_opt(spec, optarg, err);
			break;
		case 'u':
			free(opts->user);
			opts->user = xstrdup(optarg);
			break;
		case 'e':
			r = parse_env(spec, optarg, err);
			break;
		case 'w':
			free(spec->cwd);
			spec->cwd = xstrdup(optarg);
			break;
		case 'h':
			if (!*optarg || strlen(optarg) > 64)
				return err_set(err, 0, "invalid hostname '%s'", optarg);
			free(spec->hostname);
			spec->hostname = xstrdup(optarg);
			break;
		case 'v':
			r = spec_parse_volume(spec, optarg, err);
			break;
		case OPT_TMPFS:
			r = spec_parse_tmpfs(spec, optarg, err);
			break;
		case OPT_READ_ONLY:
			spec->readonly_root = true;
			break;
		case OPT_NETWORK:
			if (strcmp(optarg, "none") == 0)
				spec->network = SPEC_NET_NONE;
			else if (strcmp(optarg, "host") == 0)
				spec->network = SPEC_NET_HOST;
			else
				return err_set(err, 0,
					       "unsupported network mode '%s' (use none or host)",
					       optarg);
			break;
		case OPT_HELP:
			opts->help = true;
			return 0;
		case ':':
			return err_set(err, 0, "run: option '%s' needs an argument",
				       argv[optind - 1]);
		default:
			if (optopt)
				return err_set(err, 0, "run: unknown option '-%c'", optopt);
			return err_set(err, 0, "run: unknown option '%s'", argv[optind - 1]);
		}
		if (r < 0)
			return r;
	}
	if (optind >= argc)
		return err_set(err, 0, "run: no rootfs given (see 'ward run --help')");
	spec->rootfs = xstrdup(argv[optind++]);
	for (; optind < argc; optind++)
		strv_push(&spec->argv, argv[optind]);
	return 0;
}

int cli_parse(int argc, char **argv, struct cli_opts *opts, struct ward_err *err)
{
	const char *cmd;

	memset(opts, 0, sizeof(*opts));
	spec_init(&opts->spec);
	opts->command = CLI_HELP;
	if (argc < 2)
		return 0;
	cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0 || strcmp(cmd, "-h") == 0)
		return 0;
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
		opts->command = CLI_VERSION;
		return 0;
	}
	if (strcmp(cmd, "run") == 0) {
		opts->command = CLI_RUN;
		return parse_run(argc - 1, argv + 1, opts, err);
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
}
