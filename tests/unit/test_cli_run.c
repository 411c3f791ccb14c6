/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_cli_run.c - Docker's run flags beyond the first ones (src/cli/run_docker.c). */
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <unistd.h>

#include "unit.h"
#include "ward/cli.h"
#include "ward/devcg.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])) - 1)

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

START_TEST(test_flags)
{
	char *hosts[] = {"ward",	 "run",		"--add-host",	"db:10.0.0.5",
			 "--add-host",	 "v6=fe80::1",	"--dns",	"1.1.1.1",
			 "--dns-search", "example.com", "--dns-option", "ndots:2",
			 "/r",		 NULL};
	char *argv[] = {"ward",
			"run",
			"--ulimit",
			"nofile=100:200",
			"--ulimit",
			"core=-1",
			"--sysctl",
			"net.ipv4.ip_forward=1",
			"--sysctl",
			"net.core.somaxconn=100",
			"--oom-score-adj",
			"-500",
			"--group-add",
			"12",
			"--cpu-quota",
			"50000",
			"--pid",
			"host",
			"--ipc",
			"host",
			"--uts",
			"host",
			"--cgroupns",
			"host",
			"--entrypoint",
			"/bin/echo",
			"--mount",
			"type=tmpfs,target=/t,tmpfs-size=1m",
			"--mount",
			"type=bind,src=/tmp,dst=/h,ro",
			"--security-opt",
			"apparmor=unconfined",
			"--security-opt",
			"label=disable",
			"/r",
			"hi",
			NULL};
	struct ward_err err = {0};
	struct cli_opts o;

	ck_assert_int_eq(cli_parse(ARGC(argv), argv, &o, &err), 0);
	ck_assert_uint_eq(o.spec.oci.nrlimits, 2);
	ck_assert_int_eq(o.spec.oci.rlimits[0].resource, RLIMIT_NOFILE);
	ck_assert_uint_eq(o.spec.oci.rlimits[0].soft, 100);
	ck_assert_uint_eq(o.spec.oci.rlimits[0].hard, 200);
	ck_assert(o.spec.oci.rlimits[1].soft == RLIM_INFINITY);
	ck_assert(o.spec.oci.rlimits[1].hard == RLIM_INFINITY);
	ck_assert_uint_eq(o.spec.oci.sysctl.n, 2);
	ck_assert(o.spec.oci.oom_score_adj_set);
	ck_assert_int_eq(o.spec.oci.oom_score_adj, -500);
	ck_assert_str_eq(o.group_add.v[0], "12");
	ck_assert_uint_eq(o.spec.resources.cpu_quota_us, 50000);
	ck_assert_uint_eq(o.spec.resources.cpu_period_us, 100000);
	ck_assert(o.spec.resources.set & SPEC_RES_CPUS);
	ck_assert_int_eq(o.spec.shared_ns,
			 CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP);
	ck_assert_uint_eq(o.spec.argv.n, 2);
	ck_assert_str_eq(o.spec.argv.v[0], "/bin/echo");
	ck_assert_str_eq(o.spec.argv.v[1], "hi");
	ck_assert_uint_eq(o.spec.nmounts, 2);
	ck_assert_str_eq(o.spec.mounts[0].destination, "/t");
	ck_assert_str_eq(o.spec.mounts[0].data, "size=1m");
	ck_assert_str_eq(o.spec.mounts[1].destination, "/h");
	ck_assert(o.spec.mounts[1].flags & MS_RDONLY);
	cli_opts_release(&o);
	ck_assert_int_eq(cli_parse(ARGC(hosts), hosts, &o, &err), 0);
	ck_assert_uint_eq(o.hosts.add_host.n, 2);
	ck_assert_str_eq(o.hosts.dns.v[0], "1.1.1.1");
	ck_assert_str_eq(o.hosts.dns_search.v[0], "example.com");
	ck_assert_str_eq(o.hosts.dns_option.v[0], "ndots:2");
	cli_opts_release(&o);
}
END_TEST

START_TEST(test_env_file)
{
	char path[] = "/tmp/ward-envfile-XXXXXX";
	int fd = mkstemp(path);
	char *argv[] = {"ward", "run", "--env-file", path, "/r", NULL};
	struct ward_err err = {0};
	struct cli_opts o;
	FILE *f;

	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fputs("# a comment\n\nA=1\n  B=two words\nWARD_TEST_FROM_HOST\nWARD_TEST_UNSET\n", f);
	fclose(f);
	setenv("WARD_TEST_FROM_HOST", "yes", 1);
	unsetenv("WARD_TEST_UNSET");
	ck_assert_int_eq(cli_parse(ARGC(argv), argv, &o, &err), 0);
	ck_assert_str_eq(spec_getenv(&o.spec, "A"), "1");
	ck_assert_str_eq(spec_getenv(&o.spec, "B"), "two words");
	ck_assert_str_eq(spec_getenv(&o.spec, "WARD_TEST_FROM_HOST"), "yes");
	ck_assert(spec_getenv(&o.spec, "WARD_TEST_UNSET") == NULL);
	cli_opts_release(&o);
	f = fopen(path, "w");
	fputs("A B=1\n", f);
	fclose(f);
	{
		char want[256];

		snprintf(want, sizeof(want),
			 "--env-file '%s': line 1: variable 'A B' contains whitespaces", path);
		ck_assert_str_eq(parse_error(ARGC(argv), argv), want);
	}
	unlink(path);
}
END_TEST

#define BAD(expect, ...)                                                                           \
	do {                                                                                       \
		char *a[] = {"ward", "run", __VA_ARGS__, "/r", NULL};                              \
		ck_assert_str_eq(parse_error(ARGC(a), a), expect);                                 \
	} while (0)

START_TEST(test_flag_errors)
{
	BAD("invalid ulimit argument: nofile", "--ulimit", "nofile");
	BAD("invalid ulimit type: bogus", "--ulimit", "bogus=1");
	BAD("invalid ulimit argument: nofile=x", "--ulimit", "nofile=x");
	BAD("ulimit soft limit must be less than or equal to hard limit: 300 > 200", "--ulimit",
	    "nofile=300:200");
	BAD("sysctl 'vm.swappiness' is not allowed (not namespaced: it would change the host)",
	    "--sysctl", "vm.swappiness=1");
	BAD("invalid --sysctl 'net.x': KEY=VALUE", "--sysctl", "net.x");
	BAD("sysctl 'net.ipv4.ip_forward=1' is not allowed in the host's network namespace "
	    "(--network host)",
	    "--network", "host", "--sysctl", "net.ipv4.ip_forward=1");
	BAD("sysctl 'kernel.shmmax=1' is not allowed in the host's IPC namespace (--ipc host)",
	    "--sysctl", "kernel.shmmax=1", "--ipc", "host");
	BAD("invalid --oom-score-adj '1001': the range is [-1000, 1000]", "--oom-score-adj",
	    "1001");
	BAD("invalid --oom-score-adj 'x': the range is [-1000, 1000]", "--oom-score-adj", "x");
	BAD("invalid --group-add ''", "--group-add", "");
	BAD("invalid --cpu-period '999': CPU cfs period can not be less than 1ms (i.e. 1000) or "
	    "larger than 1 second (i.e. 1000000)",
	    "--cpu-period", "999");
	BAD("invalid --cpu-quota '10': CPU cfs quota can not be less than 1ms (i.e. 1000)",
	    "--cpu-quota", "10");
	BAD("conflicting options: --cpus and --cpu-period/--cpu-quota cannot both be set", "--cpus",
	    "1", "--cpu-quota", "5000");
	BAD("invalid --pid 'private' (use host)", "--pid", "private");
	BAD("invalid --ipc 'shareable' (use host or private)", "--ipc", "shareable");
	BAD("invalid --cgroupns 'x' (use host or private)", "--cgroupns", "x");
	BAD("conflicting options: --hostname and --uts host", "--uts", "host", "-h", "x");
	BAD("invalid --mount 'source=/tmp': target is required", "--mount", "source=/tmp");
	BAD("invalid --mount 'type=bind,target=/x': source is required", "--mount",
	    "type=bind,target=/x");
	BAD("invalid --mount 'type=volume,target=/t': type 'volume' is not supported (ward has "
	    "no volumes: use type=bind or type=tmpfs)",
	    "--mount", "type=volume,target=/t");
	BAD("invalid --mount 'type=tmpfs,target=/t,bogus=1': unknown or valueless key 'bogus'",
	    "--mount", "type=tmpfs,target=/t,bogus=1");
	BAD("invalid --mount 'type=bind,src=/tmp,dst=/x,ro=maybe': invalid value for ro: maybe",
	    "--mount", "type=bind,src=/tmp,dst=/x,ro=maybe");
	BAD("invalid --mount 'type=tmpfs,src=/a,dst=/x': a tmpfs has no source", "--mount",
	    "type=tmpfs,src=/a,dst=/x");
	BAD("invalid --mount 'type=bind,src=/tmp,dst=/x,tmpfs-size=1m': tmpfs options on a bind",
	    "--mount", "type=bind,src=/tmp,dst=/x,tmpfs-size=1m");
	BAD("unsupported security option 'apparmorx'", "--security-opt", "apparmorx");
	BAD("invalid --add-host 'db': use NAME:IP", "--add-host", "db");
	BAD("invalid --shm-size '0': a size such as 64m", "--shm-size", "0");
	BAD("invalid --shm-size 'lots': a size such as 64m", "--shm-size", "lots");
	BAD("invalid --userns 'private' (use host)", "--userns", "private");
	BAD("--device '/etc/passwd': not a character or block device", "--device", "/etc/passwd");
	BAD("invalid --device '/dev/null:/x': the container's path must be under /dev", "--device",
	    "/dev/null:/x");
	BAD("invalid --device '/dev/null:/dev/n:rq': bad permissions 'rq' (r, w, m)", "--device",
	    "/dev/null:/dev/n:rq");
	BAD("invalid --device-cgroup-rule 'x 1:2 r': TYPE MAJOR:MINOR ACCESS",
	    "--device-cgroup-rule", "x 1:2 r");
	/* the fuzzer's: a type alone, nothing after it (read past its end before) */
	BAD("invalid --device-cgroup-rule 'a': TYPE MAJOR:MINOR ACCESS", "--device-cgroup-rule",
	    "a");
	BAD("invalid --device-cgroup-rule '': TYPE MAJOR:MINOR ACCESS", "--device-cgroup-rule", "");
	BAD("invalid --device-cgroup-rule 'c 1:2': TYPE MAJOR:MINOR ACCESS", "--device-cgroup-rule",
	    "c 1:2");
	BAD("invalid --add-host 'db:10.0.0.300': invalid IP address '10.0.0.300'", "--add-host",
	    "db:10.0.0.300");
	BAD("invalid --add-host 'db:host-gateway': ward has no bridge network, so no host-gateway "
	    "(give an address)",
	    "--add-host", "db:host-gateway");
	BAD("invalid --dns 'dns.google': not an IP address", "--dns", "dns.google");
	BAD("invalid --dns-search 'a b'", "--dns-search", "a b");
}
END_TEST

/* apparmor=PROFILE and label=...: refused, saying why on this host */
START_TEST(test_lsm)
{
	char *aa[] = {"ward", "run", "--security-opt", "apparmor=myprofile", "/r", NULL};
	char *se[] = {"ward", "run", "--security-opt", "label=type:svirt_t", "/r", NULL};
	bool have_aa = access("/sys/kernel/security/apparmor", F_OK) == 0;
	bool have_se = access("/sys/fs/selinux/enforce", F_OK) == 0;

	ck_assert_str_eq(parse_error(ARGC(aa), aa),
			 have_aa
			     ? "--security-opt apparmor=myprofile: ward cannot apply AppArmor "
			       "profiles yet (only apparmor=unconfined is accepted)"
			     : "--security-opt apparmor=myprofile: this host has no AppArmor (no "
			       "/sys/kernel/security/apparmor): only apparmor=unconfined is "
			       "accepted");
	ck_assert_str_eq(parse_error(ARGC(se), se),
			 have_se
			     ? "--security-opt label=type:svirt_t: ward cannot apply SELinux "
			       "labels yet (only label=disable is accepted)"
			     : "--security-opt label=type:svirt_t: this host has no SELinux (no "
			       "/sys/fs/selinux/enforce): only label=disable is accepted");
}
END_TEST

/* an image name given as ROOTFS: a hint at how to get a directory */
START_TEST(test_image_hint)
{
	char *argv[] = {"ward", "run", "ubuntu:22.04", NULL};
	char *path[] = {"ward", "run", "/nonexistent-ward-rootfs", NULL};
	struct ward_err err = {0};
	struct cli_opts o;

	ck_assert_int_eq(cli_parse(ARGC(argv), argv, &o, &err), 0);
	ck_assert_int_lt(spec_finalize_run(&o.spec, NULL, NULL, NULL, &err), 0);
	ck_assert_str_eq(err.msg, "cannot use rootfs 'ubuntu:22.04': no such directory (ward takes "
				  "a root filesystem directory, not an image: make one with podman "
				  "export, docker export, or skopeo copy and umoci unpack; see the "
				  "README)");
	cli_opts_release(&o);
	ck_assert_int_eq(cli_parse(ARGC(path), path, &o, &err), 0);
	ck_assert_int_lt(spec_finalize_run(&o.spec, NULL, NULL, NULL, &err), 0);
	ck_assert_str_eq(err.msg, "cannot use rootfs '/nonexistent-ward-rootfs'");
	cli_opts_release(&o);
}
END_TEST

/* --device, --device-cgroup-rule: after Docker's default rules; --privileged: everything */
START_TEST(test_devices)
{
	char *dev[] = {
	    "ward",	 "run", "--device", "/dev/null:/dev/mynull:rw", "--device-cgroup-rule",
	    "b 7:* rwm", "/r",	NULL};
	char *priv[] = {"ward", "run", "--privileged", "--security-opt", "seccomp=default",
			"/r",	NULL};
	struct ward_err err = {0};
	struct cli_opts o;
	const struct devcg_rule *last;

	ck_assert_int_eq(cli_parse(ARGC(dev), dev, &o, &err), 0);
	ck_assert_uint_eq(o.spec.oci.ndevices, 1);
	ck_assert_str_eq(o.spec.oci.devices[0].path, "/dev/mynull");
	ck_assert_uint_eq(o.spec.oci.devices[0].major, 1);
	ck_assert_uint_eq(o.spec.oci.devices[0].minor, 3);
	ck_assert_uint_eq(o.spec.resources.ndevices, devcg_ndefault_rules + 2);
	ck_assert(!o.spec.resources.devices_default);
	last = &o.spec.resources.devices[o.spec.resources.ndevices - 1];
	ck_assert(last->allow && last->type == 'b' && last->major == 7 && last->minor == DEVCG_ANY);
	ck_assert_uint_eq(last->access, DEVCG_RWM);
	last--;
	ck_assert(last->type == 'c' && last->major == 1 && last->minor == 3);
	ck_assert_uint_eq(last->access, DEVCG_READ | DEVCG_WRITE);
	cli_opts_release(&o);
	ck_assert_int_eq(cli_parse(ARGC(priv), priv, &o, &err), 0);
	ck_assert_int_eq(o.spec.seccomp_mode, SPEC_SECCOMP_UNCONFINED);
	ck_assert_str_eq(o.cap_add.v[o.cap_add.n - 1], "ALL");
	ck_assert(o.spec.oci.masked_set && o.spec.oci.masked_paths.n == 0);
	ck_assert(o.spec.oci.readonly_set && o.spec.oci.readonly_paths.n == 0);
	ck_assert_uint_gt(o.spec.oci.ndevices, 0);
	last = &o.spec.resources.devices[o.spec.resources.ndevices - 1];
	ck_assert(last->allow && last->type == 'a' && last->major == DEVCG_ANY);
	cli_opts_release(&o);
}
END_TEST

/* --shm-size: a tmpfs over /dev/shm; --userns host; compare refuses what it cannot apply */
START_TEST(test_shm_userns)
{
	char *argv[] = {"ward", "run", "--shm-size", "2m", "--userns", "host", "/r", NULL};
	char *cmp[] = {"ward", "compare", "--add-host", "a:1.2.3.4", "/r", NULL};
	struct ward_err err = {0};
	struct cli_opts o;

	ck_assert_int_eq(cli_parse(ARGC(argv), argv, &o, &err), 0);
	ck_assert_uint_eq(o.spec.nmounts, 1);
	ck_assert_str_eq(o.spec.mounts[0].destination, "/dev/shm");
	ck_assert_str_eq(o.spec.mounts[0].data, "size=2097152,mode=1777");
	ck_assert(o.spec.shared_ns & CLONE_NEWUSER);
	cli_opts_release(&o);
	ck_assert_str_eq(parse_error(ARGC(cmp), cmp), "compare: unknown option '--add-host'");
}
END_TEST

/* --cpuset-mems and --memory-reservation: into the spec's resources, Docker's checks */
START_TEST(test_mems_reservation)
{
	char *argv[] = {"ward", "run", "--cpuset-mems", "0",  "--memory-reservation",
			"32m",	"-m",  "64m",		"/r", NULL};
	struct ward_err err = {0};
	struct cli_opts o;

	ck_assert_int_eq(cli_parse(ARGC(argv), argv, &o, &err), 0);
	ck_assert(o.spec.resources.set & SPEC_RES_CPUSET_MEMS);
	ck_assert_str_eq(o.spec.resources.cpuset_mems, "0");
	ck_assert(o.spec.resources.set & SPEC_RES_MEMORY_OCI);
	ck_assert(o.spec.resources.mem & SPEC_MEM_RESERVATION);
	ck_assert_int_eq(o.spec.resources.memory_reservation, 32 << 20);
	cli_opts_release(&o);
	{
		char *stop[] = {"ward", "run", "--stop-signal", "SIGUSR1", "--stop-timeout", "-1",
				"/r",	NULL};
		char *sv[] = {"ward", "stop", "-t", "3", "a", "b", NULL};

		ck_assert_int_eq(cli_parse(ARGC(stop), stop, &o, &err), 0);
		ck_assert_int_eq(o.stop_signal, SIGUSR1);
		ck_assert(o.stop_timeout_set);
		ck_assert_int_eq(o.stop_timeout, -1);
		cli_opts_release(&o);
		ck_assert_int_eq(cli_parse(ARGC(sv), sv, &o, &err), 0);
		ck_assert_str_eq(o.verb, "stop");
		ck_assert_int_eq(o.oci.stop_time, 3);
		ck_assert_str_eq(o.oci.argv[0], "a");
		ck_assert_str_eq(o.oci.argv[1], "b");
		ck_assert_ptr_null(o.oci.argv[2]);
		cli_opts_release(&o);
	}
	BAD("invalid --cpuset-mems '0-': a list of memory nodes such as 0-1,3", "--cpuset-mems",
	    "0-");
	BAD("invalid --cpuset-mems '1-0': a list of memory nodes such as 0-1,3", "--cpuset-mems",
	    "1-0");
	BAD("invalid --memory-reservation 'lots': a size such as 64m", "--memory-reservation",
	    "lots");
	BAD("invalid --cgroup-parent 'a/../b': it has a '..' component", "--cgroup-parent",
	    "a/../b");
	BAD("invalid --cgroup-parent '': it is empty", "--cgroup-parent", "");
	BAD("invalid --cgroup-parent '/sys/fs/cgroup/x': a cgroup's path, not where a hierarchy "
	    "is mounted (drop '/sys/fs/cgroup')",
	    "--cgroup-parent", "/sys/fs/cgroup/x");
	BAD("invalid --stop-signal 'NOPE': not a signal", "--stop-signal", "NOPE");
	BAD("invalid --stop-timeout 'soon': a number of seconds up to 86400 (-1: no SIGKILL)",
	    "--stop-timeout", "soon");
	BAD("invalid --memory-reservation '1m': the minimum is 6m", "--memory-reservation", "1m");
	BAD("invalid --memory-reservation: it must not be above --memory (the limit can not be "
	    "less than the reservation)",
	    "--memory-reservation", "128m", "-m", "64m");
}
END_TEST

Suite *cli_run_suite(void)
{
	Suite *s = suite_create("cli_run");
	TCase *tc = tcase_create("cli_run");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_flags);
	tcase_add_test(tc, test_env_file);
	tcase_add_test(tc, test_flag_errors);
	tcase_add_test(tc, test_lsm);
	tcase_add_test(tc, test_image_hint);
	tcase_add_test(tc, test_devices);
	tcase_add_test(tc, test_shm_userns);
	tcase_add_test(tc, test_mems_reservation);
	suite_add_tcase(s, tc);
	return s;
}
