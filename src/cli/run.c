/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * run.c - the options of `ward run` (Docker's names) and of `ward compare`,
 * which takes run's options plus its own: argv -> the container spec.
 */
#include "ward/cli_parse.h"

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
	OPT_REPORT_DENIED,
	OPT_NAME,
	OPT_RM,
	OPT_KEEP,
	OPT_CIDFILE,
	OPT_INIT,
	OPT_PRIVILEGED,
	OPT_DOCKER, /* run_docker.c's, by name */
	/* ward compare only */
	OPT_AGAINST,
	OPT_JSON,
	OPT_ALL,
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
    {"cpuset-mems", required_argument, NULL, OPT_DOCKER},
    {"memory-reservation", required_argument, NULL, OPT_DOCKER},
    {"ignore-missing-limits", no_argument, NULL, OPT_IGNORE_MISSING},
    {"report-denied", no_argument, NULL, OPT_REPORT_DENIED},
    {"tty", no_argument, NULL, 't'},
    {"interactive", no_argument, NULL, 'i'},
    {"detach", no_argument, NULL, 'd'},
    {"name", required_argument, NULL, OPT_NAME},
    {"rm", no_argument, NULL, OPT_RM},
    {"keep", no_argument, NULL, OPT_KEEP},
    {"cidfile", required_argument, NULL, OPT_CIDFILE},
    {"init", no_argument, NULL, OPT_INIT},
    {"entrypoint", required_argument, NULL, OPT_DOCKER},
    {"env-file", required_argument, NULL, OPT_DOCKER},
    {"mount", required_argument, NULL, OPT_DOCKER},
    {"ulimit", required_argument, NULL, OPT_DOCKER},
    {"sysctl", required_argument, NULL, OPT_DOCKER},
    {"oom-score-adj", required_argument, NULL, OPT_DOCKER},
    {"group-add", required_argument, NULL, OPT_DOCKER},
    {"cpu-period", required_argument, NULL, OPT_DOCKER},
    {"cpu-quota", required_argument, NULL, OPT_DOCKER},
    {"pid", required_argument, NULL, OPT_DOCKER},
    {"ipc", required_argument, NULL, OPT_DOCKER},
    {"uts", required_argument, NULL, OPT_DOCKER},
    {"cgroupns", required_argument, NULL, OPT_DOCKER},
    {"add-host", required_argument, NULL, OPT_DOCKER},
    {"dns", required_argument, NULL, OPT_DOCKER},
    {"dns-search", required_argument, NULL, OPT_DOCKER},
    {"dns-option", required_argument, NULL, OPT_DOCKER},
    {"device", required_argument, NULL, OPT_DOCKER},
    {"shm-size", required_argument, NULL, OPT_DOCKER},
    {"userns", required_argument, NULL, OPT_DOCKER},
    {"device-cgroup-rule", required_argument, NULL, OPT_DOCKER},
    {"privileged", no_argument, NULL, OPT_PRIVILEGED},
    {"stop-signal", required_argument, NULL, OPT_DOCKER},
    {"cgroup-parent", required_argument, NULL, OPT_DOCKER},
    {"stop-timeout", required_argument, NULL, OPT_DOCKER},
    /* ward compare only */
    {"against", required_argument, NULL, OPT_AGAINST},
    {"json", no_argument, NULL, OPT_JSON},
    {"all", no_argument, NULL, OPT_ALL},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

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
	if (str_has_prefix(arg, "apparmor") || str_has_prefix(arg, "label"))
		return cli_security_lsm(arg, err);
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

bool cli_valid_cpu_list(const char *s)
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
		if (!cli_valid_cpu_list(arg))
			return err_set(err, 0, "invalid %s '%s'", name, arg);
		free(res->cpuset_cpus);
		res->cpuset_cpus = xstrdup(arg);
		res->set |= SPEC_RES_CPUSET_CPUS;
		return 0;
	default:
		return err_set(err, 0, "invalid option %s", name);
	}
}

/* --network none|host */
static int parse_network(struct container_spec *spec, const char *arg, struct ward_err *err)
{
	if (strcmp(arg, "none") == 0)
		spec->network = SPEC_NET_NONE;
	else if (strcmp(arg, "host") == 0)
		spec->network = SPEC_NET_HOST;
	else
		return err_set(err, 0, "unsupported network mode '%s' (use none or host)", arg);
	return 0;
}

/* An option that shapes the container: into opts->spec (or the user, caps for later). */
static int container_option(struct cli_opts *opts, int c, const char *arg, struct ward_err *err)
{
	struct container_spec *spec = &opts->spec;

	switch (c) {
	case OPT_IGNORE_MISSING:
		spec->resources.ignore_missing = true;
		return 0;
	case OPT_CAP_ADD:
		strv_push(&opts->cap_add, arg);
		return 0;
	case OPT_CAP_DROP:
		strv_push(&opts->cap_drop, arg);
		return 0;
	case OPT_SECURITY_OPT:
		return cli_security_opt(spec, arg, err);
	case 'u':
		free(opts->user);
		opts->user = xstrdup(arg);
		return 0;
	case 'e':
		return parse_env(spec, arg, err);
	case 'w':
		free(spec->cwd);
		spec->cwd = xstrdup(arg);
		return 0;
	case 'h':
		if (!*arg || strlen(arg) > 64)
			return err_set(err, 0, "invalid hostname '%s'", arg);
		free(spec->hostname);
		spec->hostname = xstrdup(arg);
		return 0;
	case 'v':
		return spec_parse_volume(spec, arg, err);
	case OPT_TMPFS:
		return spec_parse_tmpfs(spec, arg, err);
	case OPT_READ_ONLY:
		spec->readonly_root = true;
		return 0;
	case OPT_NETWORK:
		return parse_network(spec, arg, err);
	default: /* -m, --memory-swap, --pids-limit, --cpus, ... */
		return parse_resource(&spec->resources, c, arg, err);
	}
}

/* The options of how ward runs the container, not of what it is: ward run's only. */
static int run_only_option(struct cli_opts *opts, int c, const char *arg, struct ward_err *err)
{
	if (opts->command != CLI_RUN && c != OPT_REPORT_DENIED && c != 't' && c != 'i')
		return err_set(err, 0, "compare: unknown option '%s'", option_name(c));
	switch (c) {
	case OPT_REPORT_DENIED:
		opts->report_denied = true;
		return 0;
	case 't':
		opts->tty = true;
		return 0;
	case 'i':
		return 0; /* Docker's -i: ward's stdin is always the container's */
	case 'd':
		opts->detach = true;
		return 0;
	case OPT_NAME:
		if (!state_valid_id(arg))
			return err_set(err, 0,
				       "invalid container name '%s': 1 to %d of [A-Za-z0-9_.-], "
				       "not starting with '.' or '-'",
				       arg, STATE_ID_MAX);
		opts->name = arg;
		return 0;
	case OPT_RM:
		opts->rm = true; /* the default: accepted for Docker's command lines */
		return 0;
	case OPT_KEEP:
		opts->keep = true;
		return 0;
	case OPT_INIT:
		opts->init = true;
		return 0;
	default:
		opts->cidfile = arg;
		return 0;
	}
}

/* compare's own options: run's name them unknown */
static int compare_option(struct cli_opts *opts, int c, const char *arg, char **argv,
			  struct ward_err *err)
{
	if (opts->command != CLI_COMPARE)
		return err_set(err, 0, "run: unknown option '%s'", argv[optind - 1]);
	if (c == OPT_AGAINST)
		strv_push(&opts->against, arg);
	else if (c == OPT_JSON)
		opts->json = true;
	else
		opts->all = true;
	return 0;
}

/* After the options: the limits together, ROOTFS, and the command. */
static int parse_operands(int argc, char **argv, struct cli_opts *opts, const char *verb,
			  struct ward_err *err)
{
	struct container_spec *spec = &opts->spec;
	const struct spec_resources *res = &spec->resources;
	int r;

	if ((res->set & SPEC_RES_MEMORY_SWAP) && res->memory_swap >= 0 &&
	    (!(res->set & SPEC_RES_MEMORY) || (uint64_t)res->memory_swap < res->memory))
		return err_set(err, 0, "invalid --memory-swap: it must be -1 or at least --memory");
	r = cli_run_docker_check(opts, res->set & SPEC_RES_CPUS, err);
	if (r == 0 && opts->privileged)
		r = cli_run_privileged(opts, err);
	if (r < 0)
		return r;
	if (opts->rm && opts->keep)
		return err_set(err, 0, "--rm and --keep cannot be used together");
	if (opts->detach && opts->tty)
		return err_set(err, 0,
			       "-d and -t cannot be used together: a detached container has "
			       "no terminal to attach to in ward");
	if (optind >= argc)
		return err_set(err, 0, "%s: no rootfs given (see 'ward %s --help')", verb, verb);
	spec->rootfs = xstrdup(argv[optind++]);
	if (opts->entrypoint && *opts->entrypoint) /* --entrypoint "": the command as given */
		strv_push(&spec->argv, opts->entrypoint);
	for (; optind < argc; optind++)
		strv_push(&spec->argv, argv[optind]);
	return 0;
}

int cli_parse_run(int argc, char **argv, struct cli_opts *opts, struct ward_err *err)
{
	static const char shorts[] = "+:u:e:w:h:v:m:tid";
	const char *verb = opts->command == CLI_COMPARE ? "compare" : "run";
	int c, r, li = 0;

	r = cli_exact_longopts(verb, argc, argv, shorts, run_options, err);
	if (r < 0)
		return r;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, run_options, &li)) != -1) {
		switch (c) {
		case OPT_HELP:
			opts->help = true;
			return 0;
		case OPT_REPORT_DENIED:
		case 't':
		case 'i':
		case 'd':
		case OPT_NAME:
		case OPT_RM:
		case OPT_KEEP:
		case OPT_CIDFILE:
		case OPT_INIT:
			r = run_only_option(opts, c, optarg, err);
			break;
		case OPT_AGAINST:
		case OPT_JSON:
		case OPT_ALL:
			r = compare_option(opts, c, optarg, argv, err);
			break;
		case OPT_PRIVILEGED:
			opts->privileged = true;
			r = 0;
			break;
		case OPT_DOCKER:
			r = cli_run_docker_option(opts, run_options[li].name, optarg, err);
			break;
		case ':':
		case '?':
			return cli_getopt_error(verb, c, argv, true, err);
		default:
			r = container_option(opts, c, optarg, err);
			break;
		}
		if (r < 0)
			return r;
	}
	return parse_operands(argc, argv, opts, verb, err);
}
