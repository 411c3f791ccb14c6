/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * run_docker.c - the `docker run` flags that map onto what ward's spec has:
 * --entrypoint, --env-file, --mount, --ulimit, --sysctl, --oom-score-adj,
 * --pid/--ipc/--uts/--cgroupns, --group-add, --cpu-period/--cpu-quota,
 * --cpuset-mems, --memory-reservation, --cgroup-parent, --stop-signal/--stop-timeout (for `ward
 * stop`),
 * --add-host and the DNS flags (hosts.c writes the files), and --security-opt
 * apparmor=/label=; each with Docker's validation.
 */
#include "ward/cli_parse.h"

#include <ctype.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "ward/cleanup.h"

/* --env-file: KEY=VALUE lines, # comments and blank lines skipped, KEY alone: the host's */
static int env_file(struct container_spec *spec, const char *path, struct ward_err *err)
{
	cleanup_fclose FILE *f = fopen(path, "re");
	char line[8192];
	unsigned int n = 0;

	if (!f)
		return err_set(err, errno, "--env-file '%s'", path);
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *eq;

		n++;
		line[strcspn(line, "\r\n")] = '\0';
		while (isspace((unsigned char)*p))
			p++;
		if (!*p || *p == '#')
			continue;
		eq = strchr(p, '=');
		if (p == eq)
			return err_set(err, 0, "--env-file '%s': line %u: no variable name", path,
				       n);
		for (char *k = p; k < (eq ? eq : p + strlen(p)); k++)
			if (isspace((unsigned char)*k))
				return err_set(err, 0,
					       "--env-file '%s': line %u: variable '%.*s' contains "
					       "whitespaces",
					       path, n, (int)((eq ? eq : p + strlen(p)) - p), p);
		if (eq) {
			spec_setenv(spec, p);
		} else if (getenv(p)) {
			cleanup_free char *kv = xasprintf("%s=%s", p, getenv(p));

			spec_setenv(spec, kv);
		}
	}
	return 0;
}

/* A --mount key's boolean: none, true/1, false/0. */
static int mount_bool(const char *v, bool *out)
{
	if (!v || strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
		*out = true;
	else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
		*out = false;
	else
		return -1;
	return 0;
}

struct mount_arg {
	const char *type, *src, *dst, *size, *mode;
	bool ro;
};

static int mount_key(struct mount_arg *m, char *key, const char *arg, struct ward_err *err)
{
	char *v = strchr(key, '=');

	if (v)
		*v++ = '\0';
	if (strcmp(key, "type") == 0 && v)
		m->type = v;
	else if ((strcmp(key, "source") == 0 || strcmp(key, "src") == 0) && v)
		m->src = v;
	else if ((strcmp(key, "target") == 0 || strcmp(key, "destination") == 0 ||
		  strcmp(key, "dst") == 0) &&
		 v)
		m->dst = v;
	else if (strcmp(key, "readonly") == 0 || strcmp(key, "ro") == 0) {
		if (mount_bool(v, &m->ro) < 0)
			return err_set(err, 0, "invalid --mount '%s': invalid value for %s: %s",
				       arg, key, v);
	} else if (strcmp(key, "tmpfs-size") == 0 && v)
		m->size = v;
	else if (strcmp(key, "tmpfs-mode") == 0 && v)
		m->mode = v;
	else
		return err_set(err, 0, "invalid --mount '%s': unknown or valueless key '%s'", arg,
			       key);
	return 0;
}

/* --mount type=bind|tmpfs,...: the same mounts as -v and --tmpfs */
static int parse_mount(struct container_spec *spec, const char *arg, struct ward_err *err)
{
	cleanup_free char *copy = xstrdup(arg);
	cleanup_free char *as = NULL;
	struct mount_arg m = {.type = "volume"};
	char *save = NULL;

	for (char *k = strtok_r(copy, ",", &save); k; k = strtok_r(NULL, ",", &save))
		if (mount_key(&m, k, arg, err) < 0)
			return -EINVAL;
	if (!m.dst)
		return err_set(err, 0, "invalid --mount '%s': target is required", arg);
	if (strcmp(m.type, "bind") == 0) {
		if (!m.src)
			return err_set(err, 0, "invalid --mount '%s': source is required", arg);
		if (m.size || m.mode)
			return err_set(err, 0, "invalid --mount '%s': tmpfs options on a bind",
				       arg);
		as = xasprintf("%s:%s%s", m.src, m.dst, m.ro ? ":ro" : "");
		return spec_parse_volume(spec, as, err);
	}
	if (strcmp(m.type, "tmpfs") == 0) {
		if (m.src)
			return err_set(err, 0, "invalid --mount '%s': a tmpfs has no source", arg);
		as = xasprintf("%s:%s%s%s%s%s", m.dst, m.ro ? "ro," : "", m.size ? ",size=" : "",
			       m.size ? m.size : "", m.mode ? ",mode=" : "", m.mode ? m.mode : "");
		return spec_parse_tmpfs(spec, as, err);
	}
	return err_set(err, 0,
		       "invalid --mount '%s': type '%s' is not supported (ward has no volumes: "
		       "use type=bind or type=tmpfs)",
		       arg, m.type);
}

/* --ulimit NAME=SOFT[:HARD] (-1: unlimited), Docker's names */
static int parse_ulimit(struct container_spec *spec, const char *arg, struct ward_err *err)
{
	static const struct {
		const char *name;
		int resource;
	} names[] = {
	    {"as", RLIMIT_AS},
	    {"core", RLIMIT_CORE},
	    {"cpu", RLIMIT_CPU},
	    {"data", RLIMIT_DATA},
	    {"fsize", RLIMIT_FSIZE},
	    {"locks", RLIMIT_LOCKS},
	    {"memlock", RLIMIT_MEMLOCK},
	    {"msgqueue", RLIMIT_MSGQUEUE},
	    {"nice", RLIMIT_NICE},
	    {"nofile", RLIMIT_NOFILE},
	    {"nproc", RLIMIT_NPROC},
	    {"rss", RLIMIT_RSS},
	    {"rtprio", RLIMIT_RTPRIO},
	    {"rttime", RLIMIT_RTTIME},
	    {"sigpending", RLIMIT_SIGPENDING},
	    {"stack", RLIMIT_STACK},
	};
	cleanup_free char *copy = xstrdup(arg);
	char *val = strchr(copy, '='), *hard;
	uint64_t v[2];
	size_t i;

	if (!val)
		return err_set(err, 0, "invalid ulimit argument: %s", arg);
	*val++ = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i].name, copy) == 0)
			break;
	if (i == sizeof(names) / sizeof(names[0]))
		return err_set(err, 0, "invalid ulimit type: %s", copy);
	hard = strchr(val, ':');
	if (hard)
		*hard++ = '\0';
	for (int k = 0; k < 2; k++) {
		const char *t = k ? (hard ? hard : val) : val;

		if (strcmp(t, "-1") == 0)
			v[k] = RLIM_INFINITY;
		else if (!parse_u64(t, INT64_MAX, &v[k]))
			return err_set(err, 0, "invalid ulimit argument: %s", arg);
	}
	if (v[0] > v[1])
		return err_set(
		    err, 0, "ulimit soft limit must be less than or equal to hard limit: %s > %s",
		    val, hard);
	for (size_t k = 0; k < spec->oci.nrlimits; k++)
		if (spec->oci.rlimits[k].resource == names[i].resource)
			return err_set(err, 0, "ulimit '%s' given twice", copy);
	spec->oci.rlimits =
	    xrealloc(spec->oci.rlimits, (spec->oci.nrlimits + 1) * sizeof(*spec->oci.rlimits));
	spec->oci.rlimits[spec->oci.nrlimits++] =
	    (struct spec_rlimit){.resource = names[i].resource, .soft = v[0], .hard = v[1]};
	return 0;
}

/* --sysctl KEY=VALUE: Docker's namespaced ones (checked against --ipc/--network at the end) */
static int parse_sysctl(struct container_spec *spec, const char *arg, struct ward_err *err)
{
	static const char *const ipc[] = {"kernel.msgmax", "kernel.msgmnb",	    "kernel.msgmni",
					  "kernel.sem",	   "kernel.shmall",	    "kernel.shmmax",
					  "kernel.shmmni", "kernel.shm_rmid_forced"};
	const char *eq = strchr(arg, '=');
	size_t klen = eq ? (size_t)(eq - arg) : 0;
	bool ok = str_has_prefix(arg, "fs.mqueue.") || str_has_prefix(arg, "net.");

	if (!eq || !klen)
		return err_set(err, 0, "invalid --sysctl '%s': KEY=VALUE", arg);
	for (size_t i = 0; !ok && i < sizeof(ipc) / sizeof(ipc[0]); i++)
		ok = strlen(ipc[i]) == klen && strncmp(arg, ipc[i], klen) == 0;
	if (!ok)
		return err_set(err, 0,
			       "sysctl '%.*s' is not allowed (not namespaced: it would change the "
			       "host)",
			       (int)klen, arg);
	strv_push(&spec->oci.sysctl, arg);
	return 0;
}

/* --pid, --ipc, --uts, --cgroupns: host, or the container's own */
static int parse_nsmode(struct container_spec *spec, const char *name, const char *arg,
			struct ward_err *err)
{
	static const struct {
		const char *name;
		int type;
		const char *own; /* Docker's word for a namespace of its own, "" where none */
	} modes[] = {
	    {"pid", CLONE_NEWPID, ""},
	    {"ipc", CLONE_NEWIPC, "private"},
	    {"uts", CLONE_NEWUTS, ""},
	    {"cgroupns", CLONE_NEWCGROUP, "private"},
	};
	size_t i = 0;

	while (strcmp(modes[i].name, name) != 0)
		i++;
	if (strcmp(arg, "host") == 0)
		spec->shared_ns |= modes[i].type;
	else if (strcmp(arg, modes[i].own) == 0 || (!*arg && !*modes[i].own))
		spec->shared_ns &= ~modes[i].type;
	else
		return err_set(err, 0, "invalid --%s '%s' (use host%s%s)", name, arg,
			       *modes[i].own ? " or " : "", modes[i].own);
	return 0;
}

/* --cpu-period / --cpu-quota, microseconds, Docker's bounds */
static int parse_cfs(struct cli_opts *opts, bool period, const char *arg, struct ward_err *err)
{
	uint64_t v;

	if (period && (!parse_u64(arg, 1000000, &v) || v < 1000))
		return err_set(err, 0,
			       "invalid --cpu-period '%s': CPU cfs period can not be less than 1ms "
			       "(i.e. 1000) or larger than 1 second (i.e. 1000000)",
			       arg);
	if (!period && (!parse_u64(arg, INT64_MAX, &v) || v < 1000))
		return err_set(err, 0,
			       "invalid --cpu-quota '%s': CPU cfs quota can not be less than 1ms "
			       "(i.e. 1000)",
			       arg);
	if (period)
		opts->cpu_period = v;
	else
		opts->cpu_quota = v;
	return 0;
}

/* Whether every number of the list @want ("0-1,3", checked) is in the list @have. */
static bool list_within(const char *want, const char *have)
{
	for (const char *w = want; *w;) {
		char *end;
		unsigned long a = strtoul(w, &end, 10), b = a;
		bool in = false;

		if (*end == '-')
			b = strtoul(end + 1, &end, 10);
		for (const char *h = have; *h && !in;) {
			char *hend;
			unsigned long lo = strtoul(h, &hend, 10), hi = lo;

			if (hend == h)
				break;
			if (*hend == '-')
				hi = strtoul(hend + 1, &hend, 10);
			in = a >= lo && b <= hi;
			h = hend + (*hend == ',');
		}
		if (!in)
			return false;
		w = end + (*end == ',');
	}
	return true;
}

/* Docker's check: the memory nodes asked for are this host's (where it lists them) */
static int mems_available(const char *arg, struct ward_err *err)
{
	cleanup_fclose FILE *f = fopen("/sys/devices/system/node/online", "re");
	char have[256];

	if (!f || !fgets(have, sizeof(have), f))
		return 0; /* no NUMA information: the kernel judges at the cgroup write */
	have[strcspn(have, "\n")] = '\0';
	if (!list_within(arg, have))
		return err_set(err, 0,
			       "invalid --cpuset-mems '%s': requested memory nodes are not "
			       "available (this host has %s)",
			       arg, have);
	return 0;
}

/* --cpuset-mems LIST and --memory-reservation SIZE (checked against --memory at the end) */
static int parse_mem_res(struct spec_resources *res, bool mems, const char *arg,
			 struct ward_err *err)
{
	uint64_t v;

	if (mems) {
		if (!cli_valid_cpu_list(arg))
			return err_set(err, 0,
				       "invalid --cpuset-mems '%s': a list of memory nodes such as "
				       "0-1,3",
				       arg);
		if (mems_available(arg, err) < 0)
			return -EINVAL;
		free(res->cpuset_mems);
		res->cpuset_mems = xstrdup(arg);
		res->set |= SPEC_RES_CPUSET_MEMS;
		return 0;
	}
	if (!parse_size(arg, &v) || v > INT64_MAX)
		return err_set(err, 0, "invalid --memory-reservation '%s': a size such as 64m",
			       arg);
	/* Docker's minimum, as for --memory; 0 is "none" */
	if (v && v < (6ULL << 20))
		return err_set(err, 0, "invalid --memory-reservation '%s': the minimum is 6m", arg);
	res->memory_reservation = (int64_t)v;
	res->mem = v ? res->mem | SPEC_MEM_RESERVATION : res->mem & ~SPEC_MEM_RESERVATION;
	if (res->mem)
		res->set |= SPEC_RES_MEMORY_OCI;
	else
		res->set &= ~SPEC_RES_MEMORY_OCI;
	return 0;
}

/* --security-opt apparmor=... and label=...: never silently ignored */
int cli_security_lsm(const char *arg, struct ward_err *err)
{
	bool aa = str_has_prefix(arg, "apparmor");
	const char *v = arg + (aa ? strlen("apparmor") : strlen("label"));
	const char *lsm = aa ? "AppArmor" : "SELinux";
	const char *probe = aa ? "/sys/kernel/security/apparmor" : "/sys/fs/selinux/enforce";

	if (*v != '=' && *v != ':')
		return err_set(err, 0, "unsupported security option '%s'", arg);
	v++;
	/* what ward does anyway: it loads no AppArmor profile and sets no SELinux label */
	if ((aa && strcmp(v, "unconfined") == 0) || (!aa && strcmp(v, "disable") == 0))
		return 0;
	if (access(probe, F_OK) < 0)
		return err_set(err, 0,
			       "--security-opt %s: this host has no %s (no %s): only %s is "
			       "accepted",
			       arg, lsm, probe, aa ? "apparmor=unconfined" : "label=disable");
	return err_set(
	    err, 0, "--security-opt %s: ward cannot apply %s %s yet (only %s is accepted)", arg,
	    lsm, aa ? "profiles" : "labels", aa ? "apparmor=unconfined" : "label=disable");
}

/* ---- the options of the container's process and its spec ------------------------- */

static int opt_shm_size(struct cli_opts *opts, const char *name, const char *arg,
			struct ward_err *err)
{
	cleanup_free char *tmpfs = NULL;
	uint64_t v;

	(void)name;
	if (!parse_size(arg, &v) || v == 0)
		return err_set(err, 0, "invalid --shm-size '%s': a size such as 64m", arg);
	/* over the /dev/shm ward makes, with Docker's options for it */
	tmpfs = xasprintf("/dev/shm:size=%llu,mode=1777", (unsigned long long)v);
	return spec_parse_tmpfs(&opts->spec, tmpfs, err);
}

static int opt_userns(struct cli_opts *opts, const char *name, const char *arg,
		      struct ward_err *err)
{
	(void)name;
	if (strcmp(arg, "host") != 0 && *arg)
		return err_set(err, 0, "invalid --userns '%s' (use host)", arg);
	if (*arg)
		opts->spec.shared_ns |= CLONE_NEWUSER;
	return 0;
}

static int opt_oom_score_adj(struct cli_opts *opts, const char *name, const char *arg,
			     struct ward_err *err)
{
	bool neg = arg[0] == '-';
	uint64_t v;

	(void)name;
	if (!parse_u64(arg + neg, 1000, &v))
		return err_set(err, 0, "invalid --oom-score-adj '%s': the range is [-1000, 1000]",
			       arg);
	opts->spec.oci.oom_score_adj = neg ? -(int)v : (int)v;
	opts->spec.oci.oom_score_adj_set = true;
	return 0;
}

/* --stop-signal SIG, --stop-timeout N: recorded with the container, for `ward stop` */
static int opt_stop(struct cli_opts *opts, const char *name, const char *arg, struct ward_err *err)
{
	if (opts->command == CLI_COMPARE)
		return err_set(err, 0, "compare: unknown option '--%s'", name);
	if (strcmp(name, "stop-signal") == 0) {
		int sig = state_parse_signal(arg);

		if (sig <= 0)
			return err_set(err, 0, "invalid --stop-signal '%s': not a signal", arg);
		opts->stop_signal = sig;
		return 0;
	}
	if (!state_parse_stop_timeout(arg, &opts->stop_timeout))
		return err_set(err, 0,
			       "invalid --stop-timeout '%s': a number of seconds up to 86400 (-1: "
			       "no SIGKILL)",
			       arg);
	opts->stop_timeout_set = true;
	return 0;
}

/*
 * --cgroup-parent PATH: where the container's cgroup is made ("/a/b": from each
 * hierarchy's root; "a/b": beneath ward's own cgroup); a cgroup path, never a
 * file system path, and never above where it starts
 */
static int opt_cgroup_parent(struct cli_opts *opts, const char *name, const char *arg,
			     struct ward_err *err)
{
	const char *why = NULL;

	if (opts->command == CLI_COMPARE)
		return err_set(err, 0, "compare: unknown option '--%s'", name);
	if (!*arg)
		why = "it is empty";
	else if (strlen(arg) >= 512)
		why = "it is too long";
	else if (strchr(arg, '\n'))
		why = "it has a newline";
	else if (str_has_prefix(arg, "/sys/fs/cgroup/") || strcmp(arg, "/sys/fs/cgroup") == 0)
		why = "a cgroup's path, not where a hierarchy is mounted (drop '/sys/fs/cgroup')";
	for (const char *p = arg; !why && *p; p += strspn(p, "/")) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.')
			why = "it has a '..' component";
		p += n;
	}
	if (why)
		return err_set(err, 0, "invalid --cgroup-parent '%s': %s", arg, why);
	free(opts->spec.oci.cgroup_parent);
	opts->spec.oci.cgroup_parent = xstrdup(arg);
	return 0;
}

/* --entrypoint, --group-add, --add-host, --dns*: kept in opts for cmd_run() */
static int opt_kept(struct cli_opts *opts, const char *name, const char *arg, struct ward_err *err)
{
	struct hosts_opts *h = &opts->hosts;

	/* what cmd_run() applies and cmd_compare() does not: refused, never ignored */
	if (opts->command == CLI_COMPARE && strcmp(name, "entrypoint") != 0)
		return err_set(err, 0, "compare: unknown option '--%s'", name);
	if (strcmp(name, "entrypoint") == 0) {
		opts->entrypoint = arg;
	} else if (strcmp(name, "group-add") == 0) {
		if (!*arg || strchr(arg, ':'))
			return err_set(err, 0, "invalid --group-add '%s'", arg);
		strv_push(&opts->group_add, arg);
	} else if (strcmp(name, "add-host") == 0) {
		if (hosts_check_add_host(arg, err) < 0)
			return -EINVAL;
		strv_push(&h->add_host, arg);
	} else if (strcmp(name, "dns") == 0) {
		if (hosts_check_dns(arg, err) < 0)
			return -EINVAL;
		strv_push(&h->dns, arg);
	} else {
		if (!*arg || strchr(arg, ' '))
			return err_set(err, 0, "invalid --%s '%s'", name, arg);
		strv_push(strcmp(name, "dns-search") == 0 ? &h->dns_search : &h->dns_option, arg);
	}
	return 0;
}

/* the spec-only parsers above, under the table's signature */
static int opt_spec(struct cli_opts *opts, const char *name, const char *arg, struct ward_err *err)
{
	struct container_spec *spec = &opts->spec;

	if (strcmp(name, "env-file") == 0)
		return env_file(spec, arg, err);
	if (strcmp(name, "mount") == 0)
		return parse_mount(spec, arg, err);
	if (strcmp(name, "ulimit") == 0)
		return parse_ulimit(spec, arg, err);
	if (strcmp(name, "sysctl") == 0)
		return parse_sysctl(spec, arg, err);
	if (strcmp(name, "device") == 0)
		return cli_run_device(spec, arg, err);
	if (strcmp(name, "device-cgroup-rule") == 0)
		return cli_run_device_rule(spec, arg, err);
	if (strcmp(name, "cpu-period") == 0 || strcmp(name, "cpu-quota") == 0)
		return parse_cfs(opts, name[4] == 'p', arg, err);
	if (strcmp(name, "cpuset-mems") == 0 || strcmp(name, "memory-reservation") == 0)
		return parse_mem_res(&spec->resources, name[1] == 'p', arg, err);
	return parse_nsmode(spec, name, arg, err); /* pid, ipc, uts, cgroupns */
}

static const struct {
	const char *name;
	int (*parse)(struct cli_opts *opts, const char *name, const char *arg,
		     struct ward_err *err);
} docker_options[] = {
    {"shm-size", opt_shm_size}, {"userns", opt_userns},	    {"oom-score-adj", opt_oom_score_adj},
    {"entrypoint", opt_kept},	{"group-add", opt_kept},    {"add-host", opt_kept},
    {"dns", opt_kept},		{"dns-search", opt_kept},   {"dns-option", opt_kept},
    {"stop-signal", opt_stop},	{"stop-timeout", opt_stop}, {"cgroup-parent", opt_cgroup_parent},
};

int cli_run_docker_option(struct cli_opts *opts, const char *name, const char *arg,
			  struct ward_err *err)
{
	for (size_t i = 0; i < sizeof(docker_options) / sizeof(docker_options[0]); i++)
		if (strcmp(name, docker_options[i].name) == 0)
			return docker_options[i].parse(opts, name, arg, err);
	return opt_spec(opts, name, arg, err);
}

/* After every option: the checks that need them all (Docker's "conflicting options"). */
int cli_run_docker_check(struct cli_opts *opts, bool cpus, struct ward_err *err)
{
	struct container_spec *spec = &opts->spec;
	struct spec_resources *res = &spec->resources;

	if ((spec->shared_ns & CLONE_NEWUTS) && spec->hostname)
		return err_set(err, 0, "conflicting options: --hostname and --uts host");
	if (cpus && (opts->cpu_quota || opts->cpu_period))
		return err_set(err, 0,
			       "conflicting options: --cpus and --cpu-period/--cpu-quota cannot "
			       "both be set");
	/* a period alone limits nothing (the quota stays "max"), as in Docker */
	if (!cpus && opts->cpu_quota) {
		res->cpu_quota_us = opts->cpu_quota;
		res->cpu_period_us = opts->cpu_period ? opts->cpu_period : 100000;
		res->set |= SPEC_RES_CPUS;
	}
	if ((res->mem & SPEC_MEM_RESERVATION) && (res->set & SPEC_RES_MEMORY) &&
	    (uint64_t)res->memory_reservation > res->memory)
		return err_set(err, 0,
			       "invalid --memory-reservation: it must not be above --memory (the "
			       "limit can not be less than the reservation)");
	for (size_t i = 0; i < spec->oci.sysctl.n; i++) {
		const char *s = spec->oci.sysctl.v[i];

		if (str_has_prefix(s, "net.") && spec->network == SPEC_NET_HOST)
			return err_set(err, 0,
				       "sysctl '%s' is not allowed in the host's network namespace "
				       "(--network host)",
				       s);
		if (!str_has_prefix(s, "net.") && (spec->shared_ns & CLONE_NEWIPC))
			return err_set(
			    err, 0,
			    "sysctl '%s' is not allowed in the host's IPC namespace (--ipc "
			    "host)",
			    s);
	}
	return 0;
}
