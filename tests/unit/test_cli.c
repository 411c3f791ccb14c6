/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_cli.c - ward's command line: verbs, run options, and their errors. */
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "unit.h"
#include "ward/cli.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])) - 1)

START_TEST(test_run_options)
{
	char *argv[] = {"ward",
			"run",
			"--cap-add",
			"sys_admin",
			"--cap-drop",
			"ALL",
			"-u",
			"1000:1000",
			"-e",
			"FOO=bar",
			"-w",
			"/tmp",
			"-h",
			"box",
			"--read-only",
			"--network",
			"host",
			"--security-opt",
			"no-new-privileges",
			"--security-opt",
			"seccomp=unconfined",
			"--tmpfs",
			"/scratch:size=1m,exec",
			"/rootfs",
			"ls",
			"-l",
			"--cap-add",
			NULL};
	struct ward_err err = {0};
	struct cli_opts o;

	ck_assert_int_eq(cli_parse(ARGC(argv), argv, &o, &err), 0);
	ck_assert_int_eq(o.command, CLI_RUN);
	ck_assert_str_eq(o.cap_add.v[0], "sys_admin");
	ck_assert_str_eq(o.cap_drop.v[0], "ALL");
	ck_assert_str_eq(o.user, "1000:1000");
	ck_assert_str_eq(spec_getenv(&o.spec, "FOO"), "bar");
	ck_assert_str_eq(o.spec.cwd, "/tmp");
	ck_assert_str_eq(o.spec.hostname, "box");
	ck_assert(o.spec.readonly_root);
	ck_assert_int_eq(o.spec.network, SPEC_NET_HOST);
	ck_assert(o.spec.no_new_privs);
	ck_assert_int_eq(o.spec.seccomp_mode, SPEC_SECCOMP_UNCONFINED);
	ck_assert_uint_eq(o.spec.nmounts, 1);
	ck_assert_str_eq(o.spec.mounts[0].destination, "/scratch");
	ck_assert_str_eq(o.spec.mounts[0].data, "size=1m");
	ck_assert_uint_eq(o.spec.mounts[0].flags, MS_NOSUID | MS_NODEV);
	ck_assert_str_eq(o.spec.rootfs, "/rootfs");
	/* options stop at the rootfs: the rest is the command */
	ck_assert_uint_eq(o.spec.argv.n, 3);
	ck_assert_str_eq(o.spec.argv.v[2], "--cap-add");
	cli_opts_release(&o);
}
END_TEST

static const char *parse_error(int argc, char **argv)
{
	static struct ward_err err;
	struct cli_opts o;
	int r;

	memset(&err, 0, sizeof(err));
	r = cli_parse(argc, argv, &o, &err);
	cli_opts_release(&o);
	ck_assert_int_lt(r, 0);
	return err.msg;
}

START_TEST(test_errors)
{
	char *unknown[] = {"ward", "run", "--bogus", "/r", NULL};
	char *unknown_short[] = {"ward", "run", "-Z", "/r", NULL};
	char *noarg[] = {"ward", "run", "--cap-add", NULL};
	char *norootfs[] = {"ward", "run", NULL};
	char *net[] = {"ward", "run", "--network", "bridge", "/r", NULL};
	char *sec[] = {"ward", "run", "--security-opt", "bogus", "/r", NULL};
	char *seccomp_empty[] = {"ward", "run", "--security-opt", "seccomp=", "/r", NULL};
	char *cmd[] = {"ward", "frobnicate", NULL};
	char *vol[] = {"ward", "run", "-v", "nocolon", "/r", NULL};
	char *env[] = {"ward", "run", "-e", "=x", "/r", NULL};

	ck_assert_str_eq(parse_error(ARGC(unknown), unknown), "run: unknown option '--bogus'");
	ck_assert_str_eq(parse_error(ARGC(unknown_short), unknown_short),
			 "run: unknown option '-Z'");
	ck_assert_str_eq(parse_error(ARGC(noarg), noarg),
			 "run: option '--cap-add' needs an argument");
	ck_assert_str_eq(parse_error(ARGC(norootfs), norootfs),
			 "run: no rootfs given (see 'ward run --help')");
	ck_assert_str_eq(parse_error(ARGC(net), net),
			 "unsupported network mode 'bridge' (use none or host)");
	ck_assert_str_eq(parse_error(ARGC(sec), sec), "unsupported security option 'bogus'");
	ck_assert_str_eq(parse_error(ARGC(seccomp_empty), seccomp_empty),
			 "unsupported security option 'seccomp='");
	ck_assert_str_eq(parse_error(ARGC(cmd), cmd),
			 "unknown command 'frobnicate' (see 'ward --help')");
	ck_assert_str_eq(
	    parse_error(ARGC(vol), vol),
	    "invalid volume specification 'nocolon': no destination (SRC:DST[:ro|rw])");
	ck_assert_str_eq(parse_error(ARGC(env), env), "invalid environment variable '=x'");
}
END_TEST

START_TEST(test_seccomp_modes_and_env_passthrough)
{
	char *argv[] = {"ward",
			"run",
			"--security-opt",
			"seccomp=/p.json",
			"-e",
			"WARD_UNIT_X",
			"-e",
			"WARD_UNIT_UNSET",
			"-e",
			"A=1",
			"-e",
			"A=2",
			"/r",
			NULL};
	struct ward_err err = {0};
	struct cli_opts o;

	setenv("WARD_UNIT_X", "from-host", 1);
	unsetenv("WARD_UNIT_UNSET");
	ck_assert_int_eq(cli_parse(ARGC(argv), argv, &o, &err), 0);
	ck_assert_int_eq(o.spec.seccomp_mode, SPEC_SECCOMP_FILE);
	ck_assert_str_eq(o.spec.seccomp_path, "/p.json");
	ck_assert_str_eq(spec_getenv(&o.spec, "WARD_UNIT_X"), "from-host");
	ck_assert_ptr_null(spec_getenv(&o.spec, "WARD_UNIT_UNSET"));
	ck_assert_str_eq(spec_getenv(&o.spec, "A"), "2"); /* the last -e wins */
	cli_opts_release(&o);
}
END_TEST

START_TEST(test_verbs)
{
	char *none[] = {"ward", NULL};
	char *help[] = {"ward", "--help", NULL};
	char *version[] = {"ward", "--version", NULL};
	char *runhelp[] = {"ward", "run", "--help", NULL};
	struct ward_err err = {0};
	struct cli_opts o;

	ck_assert_int_eq(cli_parse(ARGC(none), none, &o, &err), 0);
	ck_assert_int_eq(o.command, CLI_HELP);
	cli_opts_release(&o);
	ck_assert_int_eq(cli_parse(ARGC(help), help, &o, &err), 0);
	ck_assert_int_eq(o.command, CLI_HELP);
	cli_opts_release(&o);
	ck_assert_int_eq(cli_parse(ARGC(version), version, &o, &err), 0);
	ck_assert_int_eq(o.command, CLI_VERSION);
	cli_opts_release(&o);
	ck_assert_int_eq(cli_parse(ARGC(runhelp), runhelp, &o, &err), 0);
	ck_assert_int_eq(o.command, CLI_RUN);
	ck_assert(o.help);
	cli_opts_release(&o);
}
END_TEST

/* ward exec: runc's flags; the command is everything after the id, options included */
START_TEST(test_exec)
{
	char *full[] = {"ward",	 "--root", "/r",    "exec",	 "-d",	    "--pid-file",
			"p",	 "-e",	   "A=1",   "--env=B=2", "-u",	    "1000:100",
			"--cwd", "/tmp",   "--cap", "NET_ADMIN", "-t",	    "--console-socket",
			"s",	 "box",	   "sh",    "-c",	 "echo -e", NULL};
	char *process[] = {"ward", "exec", "--process", "p.json", "box", NULL};
	char *nocmd[] = {"ward", "exec", "box", NULL};
	char *noid[] = {"ward", "exec", NULL};
	char *badenv[] = {"ward", "exec", "-e", "NOVALUE", "box", "sh", NULL};
	struct ward_err err = {0};
	struct cli_opts o;

	ck_assert_msg(cli_parse(ARGC(full), full, &o, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(o.command, CLI_OCI);
	ck_assert_str_eq(o.verb, "exec");
	ck_assert_str_eq(o.oci.root, "/r");
	ck_assert(o.oci.detach && o.oci.tty);
	ck_assert_str_eq(o.oci.pid_file, "p");
	ck_assert_str_eq(o.oci.console_socket, "s");
	ck_assert_uint_eq(o.oci.env.n, 2);
	ck_assert_str_eq(o.oci.env.v[1], "B=2");
	ck_assert_str_eq(o.oci.user, "1000:100");
	ck_assert_str_eq(o.oci.cwd, "/tmp");
	ck_assert_str_eq(o.oci.caps.v[0], "NET_ADMIN");
	ck_assert_str_eq(o.oci.id, "box");
	ck_assert_str_eq(o.oci.argv[0], "sh");
	ck_assert_str_eq(o.oci.argv[2], "echo -e");
	ck_assert_ptr_null(o.oci.argv[3]);
	cli_opts_release(&o);
	ck_assert_msg(cli_parse(ARGC(process), process, &o, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(o.oci.process, "p.json");
	ck_assert_ptr_null(o.oci.argv[0]);
	cli_opts_release(&o);
	ck_assert_str_eq(parse_error(ARGC(nocmd), nocmd),
			 "exec: no command given (or --process FILE)");
	ck_assert_str_eq(parse_error(ARGC(noid), noid), "exec: no container id given");
	ck_assert_str_eq(parse_error(ARGC(badenv), badenv),
			 "exec: --env 'NOVALUE' is not KEY=VALUE");
}
END_TEST

/* ward update: runc's limit flags, -r; they belong to update alone */
START_TEST(test_update)
{
	char *full[] = {"ward",
			"update",
			"--memory",
			"128m",
			"--memory-swap",
			"-1",
			"--pids-limit",
			"0",
			"--cpu-quota",
			"50000",
			"--cpu-period",
			"100000",
			"--cpu-shares",
			"512",
			"--cpuset-cpus",
			"0-1",
			"-r",
			"-",
			"box",
			NULL};
	char *bad[] = {"ward", "update", "--memory", "lots", "box", NULL};
	char *elsewhere[] = {"ward", "create", "--memory", "1g", "box", NULL};
	char *exec_only[] = {"ward", "kill", "--tty", "box", NULL};
	struct ward_err err = {0};
	struct cli_opts o;

	ck_assert_msg(cli_parse(ARGC(full), full, &o, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(o.verb, "update");
	ck_assert_uint_eq(o.oci.update.memory, 128ULL << 20);
	ck_assert_int_eq(o.oci.update.memory_swap, -1);
	ck_assert_int_eq(o.oci.update.pids, -1);
	ck_assert_uint_eq(o.oci.update.cpu_quota_us, 50000);
	ck_assert_uint_eq(o.oci.update.cpu_period_us, 100000);
	ck_assert_uint_eq(o.oci.update.cpu_shares, 512);
	ck_assert_str_eq(o.oci.update.cpuset_cpus, "0-1");
	ck_assert_uint_eq(o.oci.update.set, SPEC_RES_MEMORY | SPEC_RES_MEMORY_SWAP | SPEC_RES_PIDS |
						SPEC_RES_CPUS | SPEC_RES_CPU_SHARES |
						SPEC_RES_CPUSET_CPUS);
	ck_assert_str_eq(o.oci.resources, "-");
	ck_assert_str_eq(o.oci.id, "box");
	cli_opts_release(&o);
	ck_assert_str_eq(parse_error(ARGC(bad), bad), "update: invalid value 'lots'");
	ck_assert_str_eq(parse_error(ARGC(elsewhere), elsewhere),
			 "create: unknown option '--memory'");
	ck_assert_str_eq(parse_error(ARGC(exec_only), exec_only), "kill: unknown option '--tty'");
}
END_TEST

START_TEST(test_resources)
{
	char *argv[] = {"ward",
			"run",
			"-m",
			"64m",
			"--memory-swap",
			"-1",
			"--pids-limit",
			"50",
			"--cpus",
			"0.5",
			"--cpu-shares",
			"1024",
			"--cpuset-cpus",
			"0-1,3",
			"--ignore-missing-limits",
			"/r",
			NULL};
	struct ward_err err = {0};
	struct cli_opts o;
	struct spec_resources *res = &o.spec.resources;

	ck_assert_int_eq(cli_parse(ARGC(argv), argv, &o, &err), 0);
	ck_assert_uint_eq(res->memory, 64ULL << 20);
	ck_assert_int_eq(res->memory_swap, -1);
	ck_assert_int_eq(res->pids, 50);
	ck_assert_uint_eq(res->cpu_quota_us, 50000);
	ck_assert_uint_eq(res->cpu_period_us, 100000);
	ck_assert_uint_eq(res->cpu_shares, 1024);
	ck_assert_str_eq(res->cpuset_cpus, "0-1,3");
	ck_assert(res->ignore_missing);
	ck_assert_uint_eq(res->set, SPEC_RES_MEMORY | SPEC_RES_MEMORY_SWAP | SPEC_RES_PIDS |
					SPEC_RES_CPUS | SPEC_RES_CPU_SHARES | SPEC_RES_CPUSET_CPUS);
	cli_opts_release(&o);
}
END_TEST

START_TEST(test_resource_errors)
{
	static const struct {
		const char *opt, *val, *msg;
	} cases[] = {
	    {"--memory", "12x", "invalid --memory '12x'"},
	    {"-m", "1k", "invalid --memory '1k': the minimum is 6m"},
	    {"--cpus", "-1", "invalid --cpus '-1'"},
	    {"--cpus", "0", "invalid --cpus '0'"},
	    {"--cpus", "0.001", "invalid --cpus '0.001'"},
	    {"--cpus", "1.", "invalid --cpus '1.'"},
	    {"--pids-limit", "0", "invalid --pids-limit '0'"},
	    {"--pids-limit", "-2", "invalid --pids-limit '-2'"},
	    {"--cpu-shares", "1", "invalid --cpu-shares '1' (2 to 262144)"},
	    {"--cpu-weight", "10001", "invalid --cpu-weight '10001' (1 to 10000)"},
	    {"--cpuset-cpus", "3-1", "invalid --cpuset-cpus '3-1'"},
	    {"--cpuset-cpus", "0,", "invalid --cpuset-cpus '0,'"},
	    {"--memory-swap", "10m", "invalid --memory-swap: it must be -1 or at least --memory"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *argv[] = {"ward", "run", (char *)cases[i].opt, (char *)cases[i].val,
				"/r",	NULL};

		ck_assert_str_eq(parse_error(ARGC(argv), argv), cases[i].msg);
	}
}
END_TEST

/* -v and --tmpfs on /proc or /sys, as runc decides (destinations cleaned first) */
START_TEST(test_volume_proc_sys)
{
	static const struct {
		const char *opt, *arg, *msg; /* msg NULL: accepted */
	} cases[] = {
	    {"-v", "/tmp:/proc",
	     "invalid volume specification '/tmp:/proc': nothing but a proc "
	     "filesystem can be mounted on /proc"},
	    {"-v", "/tmp:/proc/",
	     "invalid volume specification '/tmp:/proc/': nothing but a proc "
	     "filesystem can be mounted on /proc"},
	    {"-v", "/tmp://proc",
	     "invalid volume specification '/tmp://proc': nothing but a proc "
	     "filesystem can be mounted on /proc"},
	    {"-v", "/tmp:/./proc:ro",
	     "invalid volume specification '/tmp:/./proc:ro': nothing but "
	     "a proc filesystem can be mounted on /proc"},
	    {"-v", "/tmp:/x/../proc",
	     "invalid volume specification '/tmp:/x/../proc': nothing but "
	     "a proc filesystem can be mounted on /proc"},
	    {"-v", "/tmp:/proc/sys",
	     "invalid volume specification '/tmp:/proc/sys': it is inside /proc, where only the "
	     "files lxcfs provides can be mounted (/proc/cpuinfo, /proc/meminfo, /proc/stat, ...)"},
	    {"-v", "/tmp:/sys",
	     "invalid volume specification '/tmp:/sys': nothing but a sysfs can be bound on /sys"},
	    {"-v", "/tmp:/sys/",
	     "invalid volume specification '/tmp:/sys/': nothing but a sysfs "
	     "can be bound on /sys"},
	    {"-v", "/tmp:/..",
	     "invalid volume specification '/tmp:/..': the destination '/..' is the container's "
	     "root"},
	    {"--tmpfs", "/proc",
	     "invalid tmpfs specification '/proc': nothing but a proc "
	     "filesystem can be mounted on /proc"},
	    {"--tmpfs", "/proc/acpi:size=1k",
	     "invalid tmpfs specification '/proc/acpi:size=1k': it is inside /proc, where only "
	     "the files lxcfs provides can be mounted (/proc/cpuinfo, /proc/meminfo, /proc/stat, "
	     "...)"},
	    {"--tmpfs", "//", "invalid tmpfs specification '//'"},
	    {"-v", "/proc:/proc", NULL},
	    {"-v", "/proc/meminfo:/proc/meminfo", NULL},
	    {"-v", "/sys:/sys", NULL},
	    {"-v", "/tmp:/procx", NULL},
	    {"--tmpfs", "/sys", NULL},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *argv[] = {"ward", "run", (char *)cases[i].opt, (char *)cases[i].arg,
				"/r",	NULL};
		struct ward_err err = {0};
		struct cli_opts o;
		int r = cli_parse(ARGC(argv), argv, &o, &err);

		if (cases[i].msg) {
			ck_assert_msg(r < 0, "%s %s: accepted", cases[i].opt, cases[i].arg);
			ck_assert_str_eq(err.msg, cases[i].msg);
		} else {
			ck_assert_msg(r == 0, "%s %s: %s", cases[i].opt, cases[i].arg, err.msg);
			ck_assert_uint_eq(o.spec.nmounts, 1);
		}
		cli_opts_release(&o);
	}
}
END_TEST

/* the destination is kept cleaned: the mount module sees "/data", not "//data/./" */
START_TEST(test_volume_destination_cleaned)
{
	char *argv[] = {"ward", "run", "-v", "/tmp://data/./", "--tmpfs", "/a/../b/", "/r", NULL};
	struct ward_err err = {0};
	struct cli_opts o;

	ck_assert_msg(cli_parse(ARGC(argv), argv, &o, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(o.spec.nmounts, 2);
	ck_assert_str_eq(o.spec.mounts[0].destination, "/data");
	ck_assert_str_eq(o.spec.mounts[1].destination, "/b");
	cli_opts_release(&o);
}
END_TEST

/* exactly the documented names: getopt_long's prefixes are refused, the nearest named */
START_TEST(test_exact_names)
{
	char *read[] = {"ward", "run", "--read", "/r", NULL};
	char *sec[] = {"ward", "run", "--security", "seccomp=x", "/r", NULL};
	char *pids[] = {"ward", "run", "--pids", "host", "/r", NULL};
	char *cap[] = {"ward", "run", "--cap", "x", "/r", NULL};
	char *typo[] = {"ward", "run", "--hostnme", "x", "/r", NULL};
	char *eq[] = {"ward", "run", "--read=1", "/r", NULL};
	char *cmp[] = {"ward", "compare", "--jsn", "/r", NULL};
	/* an option's value and the command are not options */
	char *val[] = {"ward", "run", "-e", "--read", "--name=--x", "/r", "sh", "--read", NULL};
	char *longs[] = {"ward", "run", "--tty", "--interactive", "/r", NULL};
	char *cluster[] = {"ward", "run", "-tie", "--read", "/r", NULL};
	struct ward_err err = {0};
	struct cli_opts o;

	ck_assert_str_eq(parse_error(ARGC(read), read),
			 "run: unknown option '--read' (did you mean --read-only?); see 'ward run "
			 "--help'");
	ck_assert_str_eq(parse_error(ARGC(sec), sec),
			 "run: unknown option '--security' (did you mean --security-opt?); see "
			 "'ward run --help'");
	ck_assert_str_eq(parse_error(ARGC(pids), pids),
			 "run: unknown option '--pids' (did you mean --pids-limit?); see 'ward run "
			 "--help'");
	ck_assert_str_eq(parse_error(ARGC(cap), cap),
			 "run: ambiguous option '--cap' (--cap-add, --cap-drop); see 'ward run "
			 "--help'");
	ck_assert_str_eq(
	    parse_error(ARGC(typo), typo),
	    "run: unknown option '--hostnme' (did you mean --hostname?); see 'ward run "
	    "--help'");
	ck_assert_str_eq(parse_error(ARGC(eq), eq),
			 "run: unknown option '--read' (did you mean --read-only?); see 'ward run "
			 "--help'");
	ck_assert_str_eq(
	    parse_error(ARGC(cmp), cmp),
	    "compare: unknown option '--jsn' (did you mean --json?); see 'ward compare "
	    "--help'");
	ck_assert_str_eq(parse_error(ARGC(val), val),
			 "invalid container name '--x': 1 to 64 of "
			 "[A-Za-z0-9_.-], not starting with '.' or '-'");
	ck_assert_int_eq(cli_parse(ARGC(longs), longs, &o, &err), 0);
	ck_assert(o.tty);
	cli_opts_release(&o);
	ck_assert_int_eq(cli_parse(ARGC(cluster), cluster, &o, &err), 0);
	ck_assert(o.tty);
	ck_assert(spec_getenv(&o.spec, "--read") == NULL);
	ck_assert_str_eq(o.spec.rootfs, "/r");
	cli_opts_release(&o);
}
END_TEST

/* ward run's container in the state directory: --name, -d, --rm/--keep, --cidfile */
START_TEST(test_named)
{
	char *argv[] = {"ward",	  "run",       "--name", "web", "-d",
			"--keep", "--cidfile", "/tmp/c", "/r",	NULL};
	char *both[] = {"ward", "run", "--rm", "--keep", "/r", NULL};
	char *dt[] = {"ward", "run", "-dt", "/r", NULL};
	char *cmp[] = {"ward", "compare", "--name", "x", "/r", NULL};
	struct ward_err err = {0};
	struct cli_opts o;

	ck_assert_int_eq(cli_parse(ARGC(argv), argv, &o, &err), 0);
	ck_assert_str_eq(o.name, "web");
	ck_assert(o.detach && o.keep && !o.rm);
	ck_assert_str_eq(o.cidfile, "/tmp/c");
	cli_opts_release(&o);
	ck_assert_str_eq(parse_error(ARGC(both), both), "--rm and --keep cannot be used together");
	ck_assert_str_eq(parse_error(ARGC(dt), dt),
			 "-d and -t cannot be used together: a detached container has no terminal "
			 "to attach to in ward");
	ck_assert_str_eq(parse_error(ARGC(cmp), cmp), "compare: unknown option '--name'");
}
END_TEST

Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("cli");

	tcase_set_timeout(tc, UNIT_TIMEOUT);
	tcase_add_test(tc, test_run_options);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_seccomp_modes_and_env_passthrough);
	tcase_add_test(tc, test_verbs);
	tcase_add_test(tc, test_exec);
	tcase_add_test(tc, test_update);
	tcase_add_test(tc, test_resources);
	tcase_add_test(tc, test_resource_errors);
	tcase_add_test(tc, test_volume_proc_sys);
	tcase_add_test(tc, test_volume_destination_cleaned);
	tcase_add_test(tc, test_exact_names);
	tcase_add_test(tc, test_named);
	suite_add_tcase(s, tc);
	return s;
}
