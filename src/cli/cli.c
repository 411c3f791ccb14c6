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
	OPT_MEMORY_SWAP,
	OPT_PIDS_LIMIT,
	OPT_CPUS,
	OPT_CPU_SHARES,
	OPT_CPU_WEIGHT,
	OPT_CPUSET_CPUS,
	OPT_IGNORE_MISSING,
	OPT_STRICT,
	OPT_JSON,
	OPT_FORMAT,
	OPT_BPF,
	OPT_REPORT_DENIED,
	OPT_AGAINST,
	OPT_ALL,
};

static const struct option seccomp_options[] = {
    {"cap-add", required_argument, NULL, OPT_CAP_ADD},
    {"cap-drop", required_argument, NULL, OPT_CAP_DROP},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"json", no_argument, NULL, OPT_JSON},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"bpf", required_argument, NULL, OPT_BPF},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
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
    {"memory", required_argument, NULL, 'm'},
    {"memory-swap", required_argument, NULL, OPT_MEMORY_SWAP},
    {"pids-limit", required_argument, NULL, OPT_PIDS_LIMIT},
    {"cpus", required_argument, NULL, OPT_CPUS},
    {"cpu-shares", required_argument, NULL, OPT_CPU_SHARES},
    {"cpu-weight", required_argument, NULL, OPT_CPU_WEIGHT},
    {"cpuset-cpus", required_argument, NULL, OPT_CPUSET_CPUS},
    {"ignore-missing-limits", no_argument, NULL, OPT_IGNORE_MISSING},
    {"report-denied", no_argument, NULL, OPT_REPORT_DENIED},
    /* ward compare only */
    {"against", required_argument, NULL, OPT_AGAINST},
    {"json", no_argument, NULL, OPT_JSON},
    {"all", no_argument, NULL, OPT_ALL},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

void cli_usage(enum cli_command command)
{
	switch (command) {
	case CLI_RUN:
		fputs(
		    "Usage: ward run [OPTIONS] ROOTFS [COMMAND [ARG...]]\n"
		    "\n"
		    "Run COMMAND (default /bin/sh) in ROOTFS with Docker's isolation: new mount,\n"
		    "pid, uts, ipc, network (loopback only) and cgroup namespaces, Docker's "
		    "default\n"
		    "capabilities, masked and read-only paths.\n"
		    "\n"
		    "Options:\n"
		    "      --cap-add CAP            add a capability (CAP_ prefix optional, any "
		    "case, ALL)\n"
		    "      --cap-drop CAP           drop a capability (ALL drops every one)\n"
		    "  -e, --env KEY[=VALUE]        set an environment variable (KEY alone: the "
		    "host's value)\n"
		    "  -h, --hostname NAME          container hostname (default: 12 random hex "
		    "digits)\n"
		    "      --network none|host      none: loopback only (default); host: the "
		    "host's network\n"
		    "      --read-only              mount the root filesystem read-only\n"
		    "      --security-opt OPT       seccomp=PATH|unconfined|default, "
		    "no-new-privileges\n"
		    "      --report-denied          at exit, list every syscall the seccomp filter "
		    "denied\n"
		    "                               (the program still gets the profile's errno)\n"
		    "      --tmpfs DST[:OPTS]       mount a tmpfs (OPTS: ro,size=,mode=,exec,...)\n"
		    "  -u, --user USER[:GROUP]      name or number, looked up in the rootfs's "
		    "/etc/passwd\n"
		    "  -v, --volume SRC:DST[:ro]    bind-mount a host path\n"
		    "  -w, --workdir DIR            working directory inside the container "
		    "(absolute)\n"
		    "\n"
		    "Resource limits (cgroup v2, v1 or hybrid hosts):\n"
		    "  -m, --memory BYTES           memory limit (suffix b, k, m or g; at least "
		    "6m)\n"
		    "      --memory-swap BYTES      memory plus swap limit (-1: unlimited swap)\n"
		    "      --pids-limit N           maximum number of processes (-1: unlimited)\n"
		    "      --cpus N                 CPUs the container may use (e.g. 0.5)\n"
		    "      --cpu-shares N           relative CPU weight, cgroup v1 scale "
		    "(2-262144)\n"
		    "      --cpu-weight N           relative CPU weight, cgroup v2 scale "
		    "(1-10000)\n"
		    "      --cpuset-cpus LIST       CPUs the container may run on (e.g. 0-2,4)\n"
		    "      --ignore-missing-limits  warn instead of failing when the host cannot "
		    "limit\n"
		    "\n"
		    "      --help                   this text\n"
		    "\n"
		    "Exit status: the command's own; 128+N if it was killed by signal N; 125 if "
		    "ward\n"
		    "failed; 126 if the command cannot be executed; 127 if it was not found.\n",
		    stdout);
		break;
	case CLI_CLEANUP:
		fputs("Usage: ward cleanup\n"
		      "\n"
		      "Remove the cgroups of containers whose ward was killed (SIGKILL) before it\n"
		      "could clean up, killing anything still in them. Every ward run does this\n"
		      "too. Cgroups of running wards are left alone.\n",
		      stdout);
		break;
	case CLI_COMPARE:
		fputs(
		    "Usage: ward compare [RUN OPTIONS] [--against OPT]... [--json] [--all] ROOTFS\n"
		    "                    [COMMAND [ARG...]]\n"
		    "\n"
		    "Run ward's probe (which calls every security-relevant syscall with harmless\n"
		    "arguments) and, when given, COMMAND in two configurations of the container:\n"
		    "A, as the RUN OPTIONS (see 'ward run --help') say, and B, the same with the\n"
		    "--against security options (default: seccomp=unconfined). Prints what "
		    "differs,\n"
		    "each difference with its cause: the seccomp rule (and its comment), a "
		    "missing\n"
		    "capability, or the kernel; for COMMAND, both exit statuses and every syscall\n"
		    "seccomp denied it.\n"
		    "\n"
		    "  --against OPT   a --security-opt value for B "
		    "(seccomp=FILE|unconfined|default,\n"
		    "                  no-new-privileges); repeatable\n"
		    "  --json          the same, as JSON\n"
		    "  --all           list the calls that do not differ too\n",
		    stdout);
		break;
	case CLI_SECCOMP:
		fputs(
		    "Usage: ward seccomp TOOL [OPTIONS] [PROFILE]\n"
		    "\n"
		    "PROFILE is a Docker- or OCI-format seccomp profile; without it, the built-in\n"
		    "default. Profiles are resolved for Docker's default capabilities, changed "
		    "with\n"
		    "--cap-add/--cap-drop, on this machine's architecture and kernel.\n"
		    "\n"
		    "Tools:\n"
		    "  check [--strict] [PROFILE]          validate; exit 1 with the first error\n"
		    "  explain [--json] [PROFILE]          every syscall: decision and the rule "
		    "behind it\n"
		    "  export --format bpf|pfc|json [PROFILE]  the compiled filter, or the "
		    "resolved rules\n"
		    "  bench [--json] [--bpf FILE] [PROFILE]   BPF instructions executed per "
		    "syscall\n"
		    "  dump PID                            the seccomp filter of a running "
		    "process, as BPF\n"
		    "  record -o OUT [RUN OPTIONS] ROOTFS [COMMAND]   run it, write the profile "
		    "it needs\n"
		    "  diff [--json] OLD NEW               what NEW allows that OLD denies, and "
		    "back\n"
		    "\n"
		    "Options: --cap-add CAP, --cap-drop CAP, --strict (unknown syscall names are "
		    "errors)\n",
		    stdout);
		break;
	case CLI_OCI:
		fputs("Usage: ward [GLOBAL OPTIONS] VERB [OPTIONS] ID\n"
		      "\n"
		      "The OCI runtime command line, with runc's flags, for bundles (a directory\n"
		      "with config.json and the rootfs it names):\n"
		      "\n"
		      "  create [--bundle DIR] [--pid-file F] [--config F] ID\n"
		      "                       set the container up; it waits for start\n"
		      "  start ID             run the created container's process\n"
		      "  state ID             the container's state, as JSON\n"
		      "  kill [--all] ID [SIGNAL]   signal the container's process, or with --all\n"
		      "                       every process of its cgroup (default TERM)\n"
		      "  delete [--force] ID  remove a stopped (or, with --force, running) "
		      "container\n"
		      "  run --bundle DIR ID  create, start, wait and delete, in the foreground\n"
		      "  exec [-t] [-d] [--pid-file F] [--console-socket S] [-e K=V] [--cwd DIR]\n"
		      "       [-u UID[:GID]] [--cap CAP] [--no-new-privs] ID COMMAND [ARG...]\n"
		      "  exec [OPTIONS] --process FILE ID\n"
		      "                       run a process in the container: its namespaces,\n"
		      "                       cgroups, root, capabilities and seccomp filter\n"
		      "  pause ID, resume ID  freeze and thaw every process of the container\n"
		      "  ps [--format table|json] ID   the processes of the container's cgroup\n"
		      "  update [-r FILE|-] [--memory N] [--memory-swap N] [--pids-limit N]\n"
		      "         [--cpu-quota N --cpu-period N] [--cpu-shares N] [--cpuset-cpus L] "
		      "ID\n"
		      "                       new limits for the container's cgroups\n"
		      "  list [-q] [--format table|json]   the containers under --root\n"
		      "  spec [--bundle DIR]  write a default config.json\n"
		      "  features             what this runtime supports, as JSON\n"
		      "\n"
		      "Global options: --root DIR (default " STATE_DEFAULT_ROOT "), --log FILE,\n"
		      "--log-format text|json, --debug; --systemd-cgroup, --cgroup-manager X and\n"
		      "--rootless X are accepted and ignored.\n",
		      stdout);
		break;
	case CLI_HELP:
	case CLI_VERSION:
		fputs(
		    "Usage: ward COMMAND [OPTIONS]\n"
		    "\n"
		    "A minimal container launcher with a seccomp profile engine.\n"
		    "\n"
		    "Commands:\n"
		    "  run         run a command in a root filesystem\n"
		    "  seccomp     check, explain, export, measure, record and diff seccomp "
		    "profiles\n"
		    "  compare     what a configuration blocks, against unconfined or another one\n"
		    "  cleanup     remove cgroups left behind by a ward that was killed\n"
		    "  create, start, state, kill, delete, exec, list, spec, features, run "
		    "--bundle\n"
		    "              the OCI runtime verbs (ward create --help)\n"
		    "\n"
		    "Global options:\n"
		    "  --help      this text (ward COMMAND --help for a command)\n"
		    "  --version   print the version\n"
		    "  --root DIR, --log FILE, --log-format json   for the OCI verbs\n",
		    stdout);
		break;
	}
}

int cli_security_opt(struct container_spec *spec, const char *arg, struct ward_err *err)
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

/* --cpus: a decimal number of CPUs, at most two decimals, as a CFS quota per 100 ms. */
static bool parse_cpus(const char *arg, uint64_t *quota_us)
{
	uint64_t whole = 0, frac = 0;
	const char *dot = strchr(arg, '.');
	char intpart[24];
	size_t ilen = dot ? (size_t)(dot - arg) : strlen(arg);

	if (ilen >= sizeof(intpart))
		return false;
	memcpy(intpart, arg, ilen);
	intpart[ilen] = '\0';
	if (ilen && !parse_u64(intpart, 1 << 20, &whole))
		return false;
	if (dot) {
		size_t flen = strlen(dot + 1);

		if (flen == 0 || flen > 2 || !parse_u64(dot + 1, 99, &frac))
			return false;
		if (flen == 1)
			frac *= 10;
	} else if (!ilen) {
		return false;
	}
	*quota_us = whole * 100000 + frac * 1000;
	return *quota_us >= 1000; /* the kernel's minimum CFS quota is 1 ms */
}

/* --cpuset-cpus: "0-3,5" */
static bool valid_cpu_list(const char *s)
{
	const char *p = s;

	while (*p) {
		char *end = NULL;
		unsigned long a, b;

		if (*p < '0' || *p > '9')
			return false;
		a = strtoul(p, &end, 10);
		p = end;
		if (*p == '-') {
			p++;
			if (*p < '0' || *p > '9')
				return false;
			b = strtoul(p, &end, 10);
			p = end;
			if (b < a)
				return false;
		}
		if (*p == ',' && p[1])
			p++;
		else if (*p)
			return false;
	}
	return *s != '\0';
}

/* The long name of a run option, for messages: "--memory". */
static const char *option_name(int opt)
{
	static char buf[64];

	for (const struct option *o = run_options; o->name; o++) {
		if (o->val == opt) {
			(void)snprintf(buf, sizeof(buf), "--%s", o->name);
			return buf;
		}
	}
	return "option";
}

static int parse_resource(struct spec_resources *res, int opt, const char *arg,
			  struct ward_err *err)
{
	const char *name = option_name(opt);
	uint64_t v;

	switch (opt) {
	case 'm':
		if (!parse_size(arg, &v))
			return err_set(err, 0, "invalid %s '%s'", name, arg);
		/* Docker's minimum: below it the runtime itself cannot start */
		if (v < (6ULL << 20))
			return err_set(err, 0, "invalid %s '%s': the minimum is 6m", name, arg);
		res->memory = v;
		res->set |= SPEC_RES_MEMORY;
		return 0;
	case OPT_MEMORY_SWAP:
		if (strcmp(arg, "-1") == 0)
			res->memory_swap = -1;
		else if (parse_size(arg, &v) && v <= INT64_MAX)
			res->memory_swap = (int64_t)v;
		else
			return err_set(err, 0, "invalid %s '%s'", name, arg);
		res->set |= SPEC_RES_MEMORY_SWAP;
		return 0;
	case OPT_PIDS_LIMIT:
		if (strcmp(arg, "-1") == 0)
			res->pids = -1;
		else if (parse_u64(arg, INT64_MAX, &v) && v > 0)
			res->pids = (int64_t)v;
		else
			return err_set(err, 0, "invalid %s '%s'", name, arg);
		res->set |= SPEC_RES_PIDS;
		return 0;
	case OPT_CPUS:
		if (!parse_cpus(arg, &res->cpu_quota_us))
			return err_set(err, 0, "invalid %s '%s'", name, arg);
		res->cpu_period_us = 100000;
		res->set |= SPEC_RES_CPUS;
		return 0;
	case OPT_CPU_SHARES:
		if (!parse_u64(arg, 262144, &v) || v < 2)
			return err_set(err, 0, "invalid %s '%s' (2 to 262144)", name, arg);
		res->cpu_shares = v;
		res->set |= SPEC_RES_CPU_SHARES;
		return 0;
	case OPT_CPU_WEIGHT:
		if (!parse_u64(arg, 10000, &v) || v < 1)
			return err_set(err, 0, "invalid %s '%s' (1 to 10000)", name, arg);
		res->cpu_weight = v;
		res->set |= SPEC_RES_CPU_WEIGHT;
		return 0;
	case OPT_CPUSET_CPUS:
		if (!valid_cpu_list(arg))
			return err_set(err, 0, "invalid %s '%s'", name, arg);
		free(res->cpuset_cpus);
		res->cpuset_cpus = xstrdup(arg);
		res->set |= SPEC_RES_CPUSET_CPUS;
		return 0;
	default:
		return err_set(err, 0, "invalid option %s", name);
	}
}

static int parse_run(int argc, char **argv, struct cli_opts *opts, struct ward_err *err)
{
	struct container_spec *spec = &opts->spec;
	const char *verb = opts->command == CLI_COMPARE ? "compare" : "run";
	int c, r = 0;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:u:e:w:h:v:m:ti", run_options, NULL)) != -1) {
		switch (c) {
		case 'm':
		case OPT_MEMORY_SWAP:
		case OPT_PIDS_LIMIT:
		case OPT_CPUS:
		case OPT_CPU_SHARES:
		case OPT_CPU_WEIGHT:
		case OPT_CPUSET_CPUS:
			r = parse_resource(&spec->resources, c, optarg, err);
			break;
		case OPT_IGNORE_MISSING:
			spec->resources.ignore_missing = true;
			break;
		case OPT_REPORT_DENIED:
			opts->report_denied = true;
			break;
		case 't':
			opts->tty = true;
			break;
		case 'i':
			break; /* Docker's -i: ward's stdin is always the container's */
		case OPT_AGAINST:
		case OPT_JSON:
		case OPT_ALL:
			if (opts->command != CLI_COMPARE)
				return err_set(err, 0, "run: unknown option '%s'",
					       argv[optind - 1]);
			if (c == OPT_AGAINST)
				strv_push(&opts->against, optarg);
			else if (c == OPT_JSON)
				opts->json = true;
			else
				opts->all = true;
			break;
		case OPT_CAP_ADD:
			strv_push(&opts->cap_add, optarg);
			break;
		case OPT_CAP_DROP:
			strv_push(&opts->cap_drop, optarg);
			break;
		case OPT_SECURITY_OPT:
			r = cli_security_opt(spec, optarg, err);
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
			return err_set(err, 0, "%s: option '%s' needs an argument", verb,
				       argv[optind - 1]);
		default:
			if (optopt)
				return err_set(err, 0, "%s: unknown option '-%c'", verb, optopt);
			return err_set(err, 0, "%s: unknown option '%s'", verb, argv[optind - 1]);
		}
		if (r < 0)
			return r;
	}
	if ((spec->resources.set & SPEC_RES_MEMORY_SWAP) && spec->resources.memory_swap >= 0 &&
	    (!(spec->resources.set & SPEC_RES_MEMORY) ||
	     (uint64_t)spec->resources.memory_swap < spec->resources.memory))
		return err_set(err, 0, "invalid --memory-swap: it must be -1 or at least --memory");
	if (optind >= argc)
		return err_set(err, 0, "%s: no rootfs given (see 'ward %s --help')", verb, verb);
	spec->rootfs = xstrdup(argv[optind++]);
	for (; optind < argc; optind++)
		strv_push(&spec->argv, argv[optind]);
	return 0;
}

static int parse_seccomp(int argc, char **argv, struct cli_opts *opts, struct ward_err *err)
{
	static const char *const tools[] = {"check", "explain", "export", "bench", "dump", NULL};
	size_t i;
	int c;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		opts->help = true;
		return 0;
	}
	for (i = 0; tools[i]; i++)
		if (strcmp(argv[1], tools[i]) == 0)
			break;
	if (!tools[i])
		return err_set(err, 0, "seccomp: unknown tool '%s' (see 'ward seccomp --help')",
			       argv[1]);
	opts->tool = xstrdup(argv[1]);
	argc--;
	argv++;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:", seccomp_options, NULL)) != -1) {
		switch (c) {
		case OPT_CAP_ADD:
			strv_push(&opts->cap_add, optarg);
			break;
		case OPT_CAP_DROP:
			strv_push(&opts->cap_drop, optarg);
			break;
		case OPT_STRICT:
			opts->strict = true;
			break;
		case OPT_JSON:
			opts->json = true;
			break;
		case OPT_FORMAT:
			free(opts->format);
			opts->format = xstrdup(optarg);
			break;
		case OPT_BPF:
			free(opts->bpf_file);
			opts->bpf_file = xstrdup(optarg);
			break;
		case OPT_HELP:
			opts->help = true;
			return 0;
		case ':':
			return err_set(err, 0, "seccomp %s: option '%s' needs an argument",
				       opts->tool, argv[optind - 1]);
		default:
			return err_set(err, 0, "seccomp %s: unknown option '%s'", opts->tool,
				       argv[optind - 1]);
		}
	}
	if (optind < argc)
		opts->target = xstrdup(argv[optind++]);
	if (optind < argc)
		return err_set(err, 0, "seccomp %s: unexpected argument '%s'", opts->tool,
			       argv[optind]);
	if (strcmp(opts->tool, "export") == 0 && !opts->format)
		return err_set(err, 0, "seccomp export: --format bpf|pfc|json is required");
	if (strcmp(opts->tool, "dump") == 0 && !opts->target)
		return err_set(err, 0, "seccomp dump: no process id given");
	return 0;
}

/* ---- the OCI runtime verbs ---------------------------------------------------- */

enum {
	OPT_OCI_BUNDLE = 0x200,
	OPT_OCI_PID_FILE,
	OPT_OCI_CONSOLE,
	OPT_OCI_NO_PIVOT,
	OPT_OCI_CONFIG,
	OPT_OCI_FORCE,
	OPT_OCI_ALL,
	OPT_OCI_FORMAT,
	OPT_OCI_QUIET,
	OPT_OCI_IGNORED,
	OPT_OCI_IGNORED_ARG,
	OPT_OCI_ROOTLESS,
	OPT_OCI_HELP,
	OPT_OCI_PROCESS,
	OPT_OCI_TTY,
	OPT_OCI_DETACH,
	OPT_OCI_CWD,
	OPT_OCI_ENV,
	OPT_OCI_USER,
	OPT_OCI_CAP,
	OPT_OCI_NNP,
	OPT_OCI_PRESERVE_FDS,
	OPT_OCI_MEMORY,
	OPT_OCI_MEMORY_SWAP,
	OPT_OCI_PIDS,
	OPT_OCI_CPU_QUOTA,
	OPT_OCI_CPU_PERIOD,
	OPT_OCI_CPU_SHARES,
	OPT_OCI_CPUSET,
	OPT_OCI_RESOURCES,
	OPT_OCI_KEEP,
};

static const struct option oci_options[] = {
    {"bundle", required_argument, NULL, OPT_OCI_BUNDLE},
    {"pid-file", required_argument, NULL, OPT_OCI_PID_FILE},
    {"console-socket", required_argument, NULL, OPT_OCI_CONSOLE},
    {"no-pivot", no_argument, NULL, OPT_OCI_NO_PIVOT},
    {"config", required_argument, NULL, OPT_OCI_CONFIG},
    {"force", no_argument, NULL, OPT_OCI_FORCE},
    {"all", no_argument, NULL, OPT_OCI_ALL},
    {"format", required_argument, NULL, OPT_OCI_FORMAT},
    {"quiet", no_argument, NULL, OPT_OCI_QUIET},
    {"rootless", no_argument, NULL, OPT_OCI_ROOTLESS},
    {"process", required_argument, NULL, OPT_OCI_PROCESS},
    {"tty", no_argument, NULL, OPT_OCI_TTY},
    {"detach", no_argument, NULL, OPT_OCI_DETACH},
    {"cwd", required_argument, NULL, OPT_OCI_CWD},
    {"env", required_argument, NULL, OPT_OCI_ENV},
    {"user", required_argument, NULL, OPT_OCI_USER},
    {"cap", required_argument, NULL, OPT_OCI_CAP},
    {"no-new-privs", no_argument, NULL, OPT_OCI_NNP},
    {"memory", required_argument, NULL, OPT_OCI_MEMORY},
    {"memory-swap", required_argument, NULL, OPT_OCI_MEMORY_SWAP},
    {"pids-limit", required_argument, NULL, OPT_OCI_PIDS},
    {"cpu-quota", required_argument, NULL, OPT_OCI_CPU_QUOTA},
    {"cpu-period", required_argument, NULL, OPT_OCI_CPU_PERIOD},
    {"cpu-shares", required_argument, NULL, OPT_OCI_CPU_SHARES},
    {"cpuset-cpus", required_argument, NULL, OPT_OCI_CPUSET},
    {"resources", required_argument, NULL, OPT_OCI_RESOURCES},
    /* runc's flags ward has no use for: accepted, so engines can pass them */
    {"no-new-keyring", no_argument, NULL, OPT_OCI_IGNORED},
    {"keep", no_argument, NULL, OPT_OCI_KEEP},
    {"preserve-fds", required_argument, NULL, OPT_OCI_PRESERVE_FDS},
    {"no-subreaper", no_argument, NULL, OPT_OCI_IGNORED},
    {"process-label", required_argument, NULL, OPT_OCI_IGNORED_ARG},
    {"apparmor", required_argument, NULL, OPT_OCI_IGNORED_ARG},
    {"help", no_argument, NULL, OPT_OCI_HELP},
    {NULL, 0, NULL, 0},
};

static const char *const oci_verbs[] = {"create", "start", "state",    "kill", "delete",
					"list",	  "spec",  "features", "exec", "pause",
					"resume", "ps",	   "update",   NULL};

/* ward run -b DIR ID, --bundle DIR ID or crun's --config F: the OCI run, else Docker's */
static bool oci_run(int argc, char **argv)
{
	/* the OCI run's options that take a separate value, to step over it */
	static const char *const with_value[] = {"--pid-file", "--console-socket", "--preserve-fds",
						 NULL};

	for (int i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-b") == 0 || strcmp(argv[i], "--bundle") == 0 ||
		    str_has_prefix(argv[i], "--bundle=") || strcmp(argv[i], "--config") == 0 ||
		    str_has_prefix(argv[i], "--config="))
			return true;
		if (strcmp(argv[i], "--") == 0)
			break;
		/* step over the value once; it may be missing (i == argc ends the loop) */
		for (size_t k = 0; with_value[k]; k++)
			if (strcmp(argv[i], with_value[k]) == 0) {
				i++;
				break;
			}
	}
	return false;
}

/* Whether option @c belongs to @verb: exec's and update's own are theirs alone. */
static bool option_fits(const char *verb, int c)
{
	switch (c) {
	case OPT_OCI_PROCESS:
	case OPT_OCI_TTY:
	case OPT_OCI_CWD:
	case OPT_OCI_ENV:
	case OPT_OCI_USER:
	case OPT_OCI_CAP:
	case OPT_OCI_NNP:
		return strcmp(verb, "exec") == 0;
	case OPT_OCI_KEEP:
		return strcmp(verb, "run") == 0;
	case OPT_OCI_DETACH:
		return strcmp(verb, "exec") == 0 || strcmp(verb, "run") == 0;
	case OPT_OCI_MEMORY:
	case OPT_OCI_MEMORY_SWAP:
	case OPT_OCI_PIDS:
	case OPT_OCI_CPU_QUOTA:
	case OPT_OCI_CPU_PERIOD:
	case OPT_OCI_CPU_SHARES:
	case OPT_OCI_CPUSET:
	case OPT_OCI_RESOURCES:
		return strcmp(verb, "update") == 0;
	default:
		return true;
	}
}

/* One of update's limit flags into @u; runc's names, Docker's size suffixes. */
static int parse_update_flag(int opt, const char *arg, struct spec_resources *u,
			     struct ward_err *err)
{
	uint64_t v = 0;

	switch (opt) {
	case OPT_OCI_MEMORY:
		if (!parse_size(arg, &v) || v == 0)
			break;
		u->memory = v;
		u->set |= SPEC_RES_MEMORY;
		return 0;
	case OPT_OCI_MEMORY_SWAP:
		if (strcmp(arg, "-1") == 0) {
			u->memory_swap = -1;
		} else if (parse_size(arg, &v) && v <= INT64_MAX) {
			u->memory_swap = (int64_t)v;
		} else {
			break;
		}
		u->set |= SPEC_RES_MEMORY_SWAP;
		return 0;
	case OPT_OCI_PIDS:
		if (strcmp(arg, "-1") == 0 || strcmp(arg, "0") == 0) {
			u->pids = -1;
		} else if (parse_u64(arg, INT64_MAX, &v)) {
			u->pids = (int64_t)v;
		} else {
			break;
		}
		u->set |= SPEC_RES_PIDS;
		return 0;
	case OPT_OCI_CPU_QUOTA:
		if (!parse_u64(arg, INT64_MAX, &v) || v < 1000)
			break;
		u->cpu_quota_us = v;
		u->set |= SPEC_RES_CPUS;
		return 0;
	case OPT_OCI_CPU_PERIOD:
		if (!parse_u64(arg, 1000000, &v) || v < 1000)
			break;
		u->cpu_period_us = v;
		return 0;
	case OPT_OCI_CPU_SHARES:
		if (!parse_u64(arg, 262144, &v) || v < 2)
			break;
		u->cpu_shares = v;
		u->set |= SPEC_RES_CPU_SHARES;
		return 0;
	case OPT_OCI_CPUSET:
		u->cpuset_cpus = (char *)arg; /* in argv: never freed */
		u->set |= SPEC_RES_CPUSET_CPUS;
		return 0;
	}
	return err_set(err, 0, "update: invalid value '%s'", arg);
}

static int parse_oci(int argc, char **argv, struct cli_opts *opts, struct ward_err *err)
{
	struct state_opts *o = &opts->oci;
	const char *verb = argv[0];
	const char *shorts = "+:b:fa";
	int c, npos;

	opts->command = CLI_OCI;
	opts->verb = verb;
	o->bundle = ".";
	optind = 1;
	opterr = 0;
	/* -f: list's --format, delete's --force; exec and update have runc's letters */
	if (strcmp(verb, "list") == 0 || strcmp(verb, "ps") == 0)
		shorts = "+:f:q";
	else if (strcmp(verb, "exec") == 0)
		shorts = "+:p:tde:u:c:";
	else if (strcmp(verb, "update") == 0)
		shorts = "+:r:";

	while ((c = getopt_long(argc, argv, shorts, oci_options, NULL)) != -1) {
		if (!option_fits(verb, c)) {
			const char *name = "?";

			for (size_t k = 0; oci_options[k].name; k++)
				if (oci_options[k].val == c)
					name = oci_options[k].name;
			return err_set(err, 0, "%s: unknown option '--%s'", verb, name);
		}
		switch (c) {
		case 'b':
		case OPT_OCI_BUNDLE:
			o->bundle = optarg;
			break;
		case OPT_OCI_PID_FILE:
			o->pid_file = optarg;
			break;
		case OPT_OCI_CONSOLE:
			o->console_socket = optarg;
			break;
		case OPT_OCI_NO_PIVOT:
			o->no_pivot = true;
			break;
		case OPT_OCI_CONFIG:
			o->config = optarg;
			break;
		case 'f':
			if (strcmp(verb, "list") != 0 && strcmp(verb, "ps") != 0) {
				o->force = true;
				break;
			}
			__attribute__((fallthrough));
		case OPT_OCI_FORMAT:
			if (strcmp(optarg, "json") == 0)
				o->json = true;
			else if (strcmp(optarg, "table") != 0)
				return err_set(err, 0, "%s: unknown format '%s' (table or json)",
					       verb, optarg);
			break;
		case OPT_OCI_FORCE:
		case OPT_OCI_ALL:
		case 'a':
			o->force = true;
			break;
		case 'q':
		case OPT_OCI_QUIET:
			o->quiet = true;
			break;
		case 'p':
		case OPT_OCI_PROCESS:
			o->process = optarg;
			break;
		case 't':
		case OPT_OCI_TTY:
			o->tty = true;
			break;
		case 'd':
		case OPT_OCI_DETACH:
			o->detach = true;
			break;
		case OPT_OCI_CWD:
			o->cwd = optarg;
			break;
		case 'e':
		case OPT_OCI_ENV:
			if (!strchr(optarg, '=') || optarg[0] == '=')
				return err_set(err, 0, "%s: --env '%s' is not KEY=VALUE", verb,
					       optarg);
			strv_push(&o->env, optarg);
			break;
		case 'u':
		case OPT_OCI_USER:
			o->user = optarg;
			break;
		case 'c':
		case OPT_OCI_CAP:
			strv_push(&o->caps, optarg);
			break;
		case OPT_OCI_NNP:
			o->no_new_privs = true;
			break;
		case OPT_OCI_MEMORY:
		case OPT_OCI_MEMORY_SWAP:
		case OPT_OCI_PIDS:
		case OPT_OCI_CPU_QUOTA:
		case OPT_OCI_CPU_PERIOD:
		case OPT_OCI_CPU_SHARES:
		case OPT_OCI_CPUSET:
			if (parse_update_flag(c, optarg, &o->update, err) < 0)
				return -EINVAL;
			break;
		case OPT_OCI_KEEP:
			o->keep = true;
			break;
		case 'r':
		case OPT_OCI_RESOURCES:
			o->resources = optarg;
			break;
		case OPT_OCI_PRESERVE_FDS: {
			uint64_t n;

			if (!parse_u64(optarg, 1024, &n))
				return err_set(err, 0,
					       "%s: --preserve-fds '%s' is not a number up to 1024",
					       verb, optarg);
			o->preserve_fds = (unsigned int)n;
			break;
		}
		case OPT_OCI_ROOTLESS:
		case OPT_OCI_IGNORED:
		case OPT_OCI_IGNORED_ARG:
			break;
		case OPT_OCI_HELP:
			opts->help = true;
			return 0;
		case ':':
			return err_set(err, 0, "%s: option '%s' needs an argument", verb,
				       argv[optind - 1]);
		default:
			return err_set(err, 0, "%s: unknown option '%s'", verb, argv[optind - 1]);
		}
	}
	npos = argc - optind;
	if (strcmp(verb, "list") == 0 || strcmp(verb, "spec") == 0 ||
	    strcmp(verb, "features") == 0) {
		if (npos > 0)
			return err_set(err, 0, "%s: unexpected argument '%s'", verb, argv[optind]);
		return 0;
	}
	if (npos < 1)
		return err_set(err, 0, "%s: no container id given", verb);
	o->id = argv[optind++];
	if (strcmp(verb, "exec") == 0) {
		if (optind == argc && !o->process)
			return err_set(err, 0, "exec: no command given (or --process FILE)");
		o->argv = argv + optind;
		return 0;
	}
	if (strcmp(verb, "kill") == 0 && optind < argc)
		o->signal = argv[optind++];
	if (optind < argc)
		return err_set(err, 0, "%s: unexpected argument '%s'", verb, argv[optind]);
	return 0;
}

/* ward's global options (runc's and crun's): the number of arguments they took. */
static int parse_globals(int argc, char **argv, struct cli_opts *opts, struct ward_err *err)
{
	int i;

	opts->oci.root = STATE_DEFAULT_ROOT;
	for (i = 1; i < argc && str_has_prefix(argv[i], "--"); i++) {
		static const char *const with_arg[] = {
		    "--root", "--log", "--log-format", "--cgroup-manager", "--rootless", NULL};
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

int cli_parse(int argc, char **argv, struct cli_opts *opts, struct ward_err *err)
{
	const char *cmd;
	int skip;

	memset(opts, 0, sizeof(*opts));
	spec_init(&opts->spec);
	opts->command = CLI_HELP;
	skip = parse_globals(argc, argv, opts, err);
	if (skip < 0)
		return skip;
	/* the global options are gone: argv[1] is the command, as without them */
	argc -= skip;
	argv += skip;
	if (argc < 2)
		return 0;
	cmd = argv[1];
	for (size_t i = 0; oci_verbs[i]; i++)
		if (strcmp(cmd, oci_verbs[i]) == 0)
			return parse_oci(argc - 1, argv + 1, opts, err);
	if (strcmp(cmd, "run") == 0 && oci_run(argc - 1, argv + 1))
		return parse_oci(argc - 1, argv + 1, opts, err);
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
	if (strcmp(cmd, "cleanup") == 0) {
		opts->command = CLI_CLEANUP;
		if (argc > 2 && strcmp(argv[2], "--help") == 0)
			opts->help = true;
		else if (argc > 2)
			return err_set(err, 0, "cleanup: unexpected argument '%s'", argv[2]);
		return 0;
	}
	if (strcmp(cmd, "compare") == 0) {
		opts->command = CLI_COMPARE;
		return parse_run(argc - 1, argv + 1, opts, err);
	}
	if (strcmp(cmd, "seccomp") == 0) {
		opts->command = CLI_SECCOMP;
		return parse_seccomp(argc - 1, argv + 1, opts, err);
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
	strv_release(&opts->oci.env);
	strv_release(&opts->oci.caps);
	free(opts->tool);
	free(opts->target);
	free(opts->format);
	free(opts->bpf_file);
	opts->tool = opts->target = opts->format = opts->bpf_file = NULL;
}
