/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * oci.c - the OCI runtime verbs' command line (create, start, state, kill,
 * delete, run --bundle, exec, update, ...), with runc's flags and letters:
 * argv -> struct state_opts, whose strings point into argv.
 */
#include "ward/cli_parse.h"

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
	OPT_OCI_GIDS,
	OPT_OCI_CGROUP,
	OPT_OCI_IGNORE_PAUSED,
	OPT_OCI_MEMORY_RESERVATION,
	OPT_OCI_CPUSET_MEMS,
	OPT_OCI_BLKIO_WEIGHT,
	OPT_OCI_L3_SCHEMA,
	OPT_OCI_MB_SCHEMA,
	OPT_OCI_REFUSED_ARG,
	OPT_OCI_TIME,
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
    {"additional-gids", required_argument, NULL, OPT_OCI_GIDS},
    {"cgroup", required_argument, NULL, OPT_OCI_CGROUP},
    {"ignore-paused", no_argument, NULL, OPT_OCI_IGNORE_PAUSED},
    {"memory", required_argument, NULL, OPT_OCI_MEMORY},
    {"memory-swap", required_argument, NULL, OPT_OCI_MEMORY_SWAP},
    {"pids-limit", required_argument, NULL, OPT_OCI_PIDS},
    {"cpu-quota", required_argument, NULL, OPT_OCI_CPU_QUOTA},
    {"cpu-period", required_argument, NULL, OPT_OCI_CPU_PERIOD},
    {"cpu-shares", required_argument, NULL, OPT_OCI_CPU_SHARES},
    {"cpu-share", required_argument, NULL, OPT_OCI_CPU_SHARES}, /* runc update's spelling */
    /* runc update's flags ward refuses (update_refused()) */
    {"cpu-rt-period", required_argument, NULL, OPT_OCI_REFUSED_ARG},
    {"cpu-rt-runtime", required_argument, NULL, OPT_OCI_REFUSED_ARG},
    {"l3-cache-schema", required_argument, NULL, OPT_OCI_L3_SCHEMA},
    {"mem-bw-schema", required_argument, NULL, OPT_OCI_MB_SCHEMA},
    {"cpuset-cpus", required_argument, NULL, OPT_OCI_CPUSET},
    {"cpuset-mems", required_argument, NULL, OPT_OCI_CPUSET_MEMS},
    {"memory-reservation", required_argument, NULL, OPT_OCI_MEMORY_RESERVATION},
    {"blkio-weight", required_argument, NULL, OPT_OCI_BLKIO_WEIGHT},
    {"resources", required_argument, NULL, OPT_OCI_RESOURCES},
    /* runc's flags ward has no use for: accepted, so engines can pass them */
    {"no-new-keyring", no_argument, NULL, OPT_OCI_IGNORED},
    {"keep", no_argument, NULL, OPT_OCI_KEEP},
    {"preserve-fds", required_argument, NULL, OPT_OCI_PRESERVE_FDS},
    {"no-subreaper", no_argument, NULL, OPT_OCI_IGNORED},
    {"process-label", required_argument, NULL, OPT_OCI_IGNORED_ARG},
    {"apparmor", required_argument, NULL, OPT_OCI_IGNORED_ARG},
    {"time", required_argument, NULL, OPT_OCI_TIME},
    {"help", no_argument, NULL, OPT_OCI_HELP},
    {NULL, 0, NULL, 0},
};

static const char *const oci_verbs[] = {
    "create", "start",	"state", "kill",   "delete",	 "list",    "spec",   "features", "exec",
    "pause",  "resume", "ps",	 "update", "checkpoint", "restore", "events", "stop",	  NULL};

bool cli_is_oci_verb(const char *cmd)
{
	for (size_t i = 0; oci_verbs[i]; i++)
		if (strcmp(cmd, oci_verbs[i]) == 0)
			return true;
	return false;
}

/* @arg is @name, or @name=VALUE */
static bool is_option(const char *arg, const char *name)
{
	size_t n = strlen(name);

	return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

/* which of the OCI run's own options @arg is: 2 takes a separate value, 1 not, 0 none */
static int oci_run_option(const char *arg)
{
	static const char *const with_value[] = {"--pid-file", "--console-socket", "--preserve-fds",
						 NULL};
	static const char *const flags[] = {
	    "-d", "--detach", "--keep", "--no-pivot", "--no-new-keyring", "--no-subreaper", NULL};

	for (size_t k = 0; with_value[k]; k++)
		if (is_option(arg, with_value[k]))
			return strchr(arg, '=') ? 1 : 2;
	for (size_t k = 0; flags[k]; k++)
		if (strcmp(arg, flags[k]) == 0)
			return 1;
	return 0;
}

/*
 * runc's `run [OPTIONS] ID` or Docker's `run [OPTIONS] ROOTFS [COMMAND]`: the OCI
 * form with -b/--bundle or crun's --config; or when only the OCI run's options
 * come first, then one argument alone that is not a directory, and the current
 * directory is a bundle (./config.json), as runc users run it. Else Docker's.
 */
bool cli_is_oci_run(int argc, char **argv)
{
	struct stat st;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		int kind;

		if (strcmp(argv[i], "-b") == 0 || is_option(argv[i], "--bundle") ||
		    is_option(argv[i], "--config"))
			return true;
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		kind = oci_run_option(argv[i]);
		if (kind == 0)
			return false; /* one of Docker's run options */
		if (kind == 2)
			i++; /* its value; it may be missing (i == argc ends the loop) */
	}
	return i == argc - 1 && (stat(argv[i], &st) < 0 || !S_ISDIR(st.st_mode)) &&
	       access("config.json", F_OK) == 0;
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
	case OPT_OCI_GIDS:
	case OPT_OCI_CGROUP:
	case OPT_OCI_IGNORE_PAUSED:
		return strcmp(verb, "exec") == 0;
	case OPT_OCI_KEEP:
		return strcmp(verb, "run") == 0;
	case OPT_OCI_TIME:
		return strcmp(verb, "stop") == 0;
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
	case OPT_OCI_MEMORY_RESERVATION:
	case OPT_OCI_CPUSET_MEMS:
	case OPT_OCI_BLKIO_WEIGHT:
	case OPT_OCI_L3_SCHEMA:
	case OPT_OCI_MB_SCHEMA:
	case OPT_OCI_REFUSED_ARG:
		return strcmp(verb, "update") == 0;
	default:
		return true;
	}
}

/* update's flags that struct spec_resources has no field for, into @x */
static int parse_update_knob(int opt, const char *arg, struct state_update_knobs *x,
			     struct ward_err *err)
{
	uint64_t v = 0;

	switch (opt) {
	case OPT_OCI_MEMORY_RESERVATION:
		if (strcmp(arg, "-1") == 0)
			v = UINT64_MAX;
		else if (!parse_size(arg, &v) || v > INT64_MAX)
			break;
		x->memory_reservation = v;
		x->memory_reservation_set = true;
		return 0;
	case OPT_OCI_CPUSET_MEMS:
		if (!*arg || arg[strspn(arg, "0123456789,-")])
			break;
		x->cpuset_mems = arg;
		return 0;
	case OPT_OCI_BLKIO_WEIGHT:
		if (!parse_u64(arg, 1000, &v) || v < 10)
			break;
		x->blkio_weight = (unsigned int)v;
		return 0;
	}
	return err_set(err, 0, "update: invalid value '%s'", arg);
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
		if (strcmp(arg, "-1") == 0)
			v = UINT64_MAX; /* no limit (update.c) */
		else if (!parse_u64(arg, INT64_MAX, &v) || v < 1000)
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

/* -f: list's and ps's --format, delete's --force; exec, update and run have runc's letters */
static const char *short_options(const char *verb)
{
	if (strcmp(verb, "list") == 0 || strcmp(verb, "ps") == 0)
		return "+:f:q";
	if (strcmp(verb, "exec") == 0)
		return "+:p:tde:u:c:g:w:";
	if (strcmp(verb, "update") == 0)
		return "+:r:";
	if (strcmp(verb, "run") == 0)
		return "+:b:d";
	if (strcmp(verb, "stop") == 0)
		return "+:t:";
	return "+:b:fa";
}

/* exec's own options: the process to run in the container */
static int exec_option(struct state_opts *o, const char *verb, int c, const char *arg,
		       struct ward_err *err)
{
	switch (c) {
	case 'p':
	case OPT_OCI_PROCESS:
		o->process = arg;
		break;
	case 't':
	case OPT_OCI_TTY:
		o->tty = true;
		break;
	case 'w': /* docker exec's -w */
	case OPT_OCI_CWD:
		o->cwd = arg;
		break;
	case 'e':
	case OPT_OCI_ENV:
		if (!strchr(arg, '=') || arg[0] == '=')
			return err_set(err, 0, "%s: --env '%s' is not KEY=VALUE", verb, arg);
		strv_push(&o->env, arg);
		break;
	case 'u':
	case OPT_OCI_USER:
		o->user = arg;
		break;
	case 'c':
	case OPT_OCI_CAP:
		strv_push(&o->caps, arg);
		break;
	case OPT_OCI_NNP:
		o->no_new_privs = true;
		break;
	case 'g':
	case OPT_OCI_GIDS: {
		uint64_t gid;

		if (!parse_u64(arg, UINT32_MAX - 1, &gid))
			return err_set(err, 0, "%s: --additional-gids '%s' is not a group id", verb,
				       arg);
		strv_push(&o->gids, arg);
		break;
	}
	case OPT_OCI_CGROUP:
		strv_push(&o->cgroups, arg);
		break;
	case OPT_OCI_IGNORE_PAUSED:
		o->ignore_paused = true;
		break;
	}
	return 0;
}

/* --format table|json (list, ps) */
static int format_option(struct state_opts *o, const char *verb, const char *arg,
			 struct ward_err *err)
{
	if (strcmp(arg, "json") == 0)
		o->json = true;
	else if (strcmp(arg, "table") != 0)
		return err_set(err, 0, "%s: unknown format '%s' (table or json)", verb, arg);
	return 0;
}

/* --preserve-fds N (create, run) */
static int preserve_fds_option(struct state_opts *o, const char *verb, const char *arg,
			       struct ward_err *err)
{
	uint64_t n;

	if (!parse_u64(arg, 1024, &n))
		return err_set(err, 0, "%s: --preserve-fds '%s' is not a number up to 1024", verb,
			       arg);
	o->preserve_fds = (unsigned int)n;
	return 0;
}

/* update's limit @c (option_fits() let only those through for update) with its value @arg. */
static int update_option_value(struct state_opts *o, int c, const char *arg, struct ward_err *err)
{
	switch (c) {
	case OPT_OCI_MEMORY_RESERVATION:
	case OPT_OCI_CPUSET_MEMS:
	case OPT_OCI_BLKIO_WEIGHT:
		return parse_update_knob(c, arg, &o->update_knobs, err) < 0 ? -EINVAL : 0;
	case OPT_OCI_L3_SCHEMA:
		o->rdt_l3 = arg;
		return 0;
	case OPT_OCI_MB_SCHEMA:
		o->rdt_mb = arg;
		return 0;
	default: /* the limits struct spec_resources has a field for */
		return parse_update_flag(c, arg, &o->update, err) < 0 ? -EINVAL : 0;
	}
}

/* One option @c of @verb, known to fit it (option_fits()). */
static int oci_option(struct state_opts *o, const char *verb, int c, const char *arg,
		      struct ward_err *err)
{
	switch (c) {
	case 'b':
	case OPT_OCI_BUNDLE:
		o->bundle = arg;
		return 0;
	case OPT_OCI_PID_FILE:
		o->pid_file = arg;
		return 0;
	case OPT_OCI_CONSOLE:
		o->console_socket = arg;
		return 0;
	case OPT_OCI_NO_PIVOT:
		o->no_pivot = true;
		return 0;
	case OPT_OCI_CONFIG:
		o->config = arg;
		return 0;
	case 'f':
		if (strcmp(verb, "list") == 0 || strcmp(verb, "ps") == 0)
			return format_option(o, verb, arg, err);
		o->force = true;
		return 0;
	case OPT_OCI_FORMAT:
		return format_option(o, verb, arg, err);
	case OPT_OCI_FORCE:
	case OPT_OCI_ALL:
	case 'a':
		o->force = true;
		return 0;
	case 'q':
	case OPT_OCI_QUIET:
		o->quiet = true;
		return 0;
	case 'd':
	case OPT_OCI_DETACH:
		o->detach = true;
		return 0;
	case OPT_OCI_KEEP:
		o->keep = true;
		return 0;
	case 'r':
	case OPT_OCI_RESOURCES:
		o->resources = arg;
		return 0;
	case OPT_OCI_PRESERVE_FDS:
		return preserve_fds_option(o, verb, arg, err);
	case OPT_OCI_TIME:
		if (!state_parse_stop_timeout(arg, &o->stop_time))
			return err_set(err, 0,
				       "stop: invalid --time '%s': a number of seconds up to 86400 "
				       "(-1: no SIGKILL)",
				       arg);
		o->stop_time_set = true;
		return 0;
	case OPT_OCI_ROOTLESS: /* spec --rootless; create's and run's are runc's "auto" */
		o->rootless = strcmp(verb, "spec") == 0;
		return 0;
	case OPT_OCI_IGNORED:
	case OPT_OCI_IGNORED_ARG:
		return 0;
	default: /* update's, exec's */
		if (strcmp(verb, "update") == 0)
			return update_option_value(o, c, arg, err);
		return exec_option(o, verb, c, arg, err);
	}
}

/* After the options: the container id, then exec's command or kill's signal. */
static int parse_operands(int argc, char **argv, struct state_opts *o, const char *verb,
			  struct ward_err *err)
{
	int npos = argc - optind;

	if (strcmp(verb, "list") == 0 || strcmp(verb, "spec") == 0 ||
	    strcmp(verb, "features") == 0) {
		if (npos > 0)
			return err_set(err, 0, "%s: unexpected argument '%s'", verb, argv[optind]);
		return 0;
	}
	if (npos < 1)
		return err_set(err, 0, "%s: no container id given", verb);
	o->id = argv[optind++];
	if (strcmp(verb, "stop") == 0) {
		o->argv = argv + optind - 1; /* every id, as docker stop takes them */
		return 0;
	}
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

/* runc's verbs ward does not have, and why; NULL when @verb is not one */
static const char *verb_refused(const char *verb)
{
	static const char *const refused[][2] = {
	    {"checkpoint", "checkpoint and restore need CRIU, which ward does not drive"},
	    {"restore", "checkpoint and restore need CRIU, which ward does not drive"},
	    {"events", "ward keeps no event stream; read the container's cgroup files"},
	};

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (strcmp(verb, refused[i][0]) == 0)
			return refused[i][1];
	return NULL;
}

/* runc update's flags for what ward does not set: refused, naming the flag */
static int update_refused(int opt_index, struct ward_err *err)
{
	const char *name = oci_options[opt_index].name;

	return err_set(err, 0, "update: --%s: ward sets no realtime CPU limit", name);
}

int cli_parse_oci(int argc, char **argv, struct cli_opts *opts, struct ward_err *err)
{
	struct state_opts *o = &opts->oci;
	const char *verb = argv[0], *shorts = short_options(verb);
	int c, r, index = 0;

	opts->command = CLI_OCI;
	opts->verb = verb;
	o->bundle = ".";
	if (verb_refused(verb))
		return err_set(err, 0, "%s: not supported: %s", verb, verb_refused(verb));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, oci_options, &index)) != -1) {
		if (!option_fits(verb, c)) {
			const char *name = "?";

			for (size_t k = 0; oci_options[k].name; k++)
				if (oci_options[k].val == c)
					name = oci_options[k].name;
			return err_set(err, 0, "%s: unknown option '--%s'", verb, name);
		}
		if (c == OPT_OCI_HELP) {
			opts->help = true;
			return 0;
		}
		if (c == ':' || c == '?')
			return cli_getopt_error(verb, c, argv, false, err);
		if (c == 't' && strcmp(verb, "stop") == 0)
			c = OPT_OCI_TIME;
		if (c == OPT_OCI_REFUSED_ARG)
			return update_refused(index, err);
		r = oci_option(o, verb, c, optarg, err);
		if (r < 0)
			return r;
	}
	return parse_operands(argc, argv, o, verb, err);
}
