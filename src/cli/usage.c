/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * usage.c - the help texts: one per command, in a table cli_usage() reads.
 * A new verb or seccomp tool adds its lines here.
 */
#include "ward/cli.h"

#include <stdio.h>

static const char usage_ward[] =
    "Usage: ward COMMAND [OPTIONS]\n"
    "\n"
    "A minimal container launcher with a seccomp profile engine.\n"
    "\n"
    "Commands:\n"
    "  run         run a command in a root filesystem\n"
    "  seccomp     check, explain, export, measure, record and diff seccomp profiles\n"
    "  compare     what a configuration blocks, against unconfined or another one\n"
    "  cleanup     remove cgroups left behind by a ward that was killed\n"
    "  create, start, state, kill, delete, exec, list, ps, pause, resume, update,\n"
    "  spec, features, run --bundle\n"
    "              the OCI runtime verbs (ward create --help)\n"
    "  stop        docker stop: the stop signal, then SIGKILL after a timeout\n"
    "  help [COMMAND]   this text, or a command's\n"
    "  version     ward's version, libseccomp's and the kernel's features\n"
    "\n"
    "Global options:\n"
    "  --help      this text (ward COMMAND --help for a command)\n"
    "  --version   print the version\n"
    "  --root DIR, --log FILE, --log-format json   for the OCI verbs (--root: default\n"
    "              " STATE_DEFAULT_ROOT "; not root: $XDG_RUNTIME_DIR/ward, else\n"
    "              /run/user/UID/ward)\n";

static const char usage_run[] =
    "Usage: ward run [OPTIONS] ROOTFS [COMMAND [ARG...]]\n"
    "\n"
    "Run COMMAND (default /bin/sh) in ROOTFS with Docker's isolation: new mount,\n"
    "pid, uts, ipc, network (loopback only) and cgroup namespaces, Docker's default\n"
    "capabilities, masked and read-only paths. The container is registered under\n"
    "--root (see 'ward list'; rootless: the user's own state directory) while it\n"
    "runs, and removed when it ends.\n"
    "\n"
    "Options:\n"
    "      --add-host NAME:IP       a line of the container's /etc/hosts (written as Docker's)\n"
    "      --cap-add CAP            add a capability (CAP_ prefix optional, any case, ALL)\n"
    "      --cap-drop CAP           drop a capability (ALL drops every one)\n"
    "      --cgroupns host|private  the host's cgroup namespace, or one of its own (default)\n"
    "      --cidfile FILE           write the container's id to FILE (which must not exist)\n"
    "  -d, --detach                 run in the background and print the container's id\n"
    "      --entrypoint CMD         run CMD with COMMAND's words as its arguments\n"
    "      --device HOST[:CTR][:PERMS]  a host device node in the container (PERMS: rwm)\n"
    "      --device-cgroup-rule RULE  \"c|b|a MAJOR:MINOR rwm\": a device cgroup rule\n"
    "      --dns IP                 a nameserver of the container's /etc/resolv.conf\n"
    "      --dns-option OPT         an options entry of /etc/resolv.conf\n"
    "      --dns-search DOMAIN      a search domain of /etc/resolv.conf\n"
    "  -e, --env KEY[=VALUE]        set an environment variable (KEY alone: the host's value)\n"
    "      --env-file FILE          read KEY=VALUE lines (# comments, blank lines skipped)\n"
    "      --group-add GROUP        an additional group (number, or a name in the rootfs)\n"
    "  -h, --hostname NAME          container hostname (default: 12 hex digits of its id)\n"
    "      --init                   run ward's init as process 1: it reaps zombies and\n"
    "                               forwards signals to COMMAND\n"
    "  -i, --interactive            accepted: ward's stdin is always the container's\n"
    "      --ipc host|private       the host's IPC namespace, or one of its own (default)\n"
    "      --keep                   keep the container, stopped, after it ends (ward delete)\n"
    "      --mount type=bind|tmpfs,...  source=,target=,readonly; tmpfs-size=,tmpfs-mode=\n"
    "      --name NAME              the container's name (default: a generated id)\n"
    "      --network none|host      none: loopback only (default); host: the host's network\n"
    "      --oom-score-adj N        the OOM killer's adjustment (-1000 to 1000)\n"
    "      --pid host               the host's pid namespace\n"
    "      --privileged             every capability, no seccomp filter, no masked or\n"
    "                               read-only paths, every host device, /sys and\n"
    "                               /sys/fs/cgroup read-write\n"
    "      --read-only              mount the root filesystem read-only\n"
    "      --report-denied          at exit, list every syscall the seccomp filter denied\n"
    "                               (the program still gets the profile's errno)\n"
    "      --rm                     remove the container when it ends (the default)\n"
    "      --security-opt OPT       seccomp=PATH|unconfined|default, no-new-privileges,\n"
    "                               apparmor=unconfined, label=disable\n"
    "      --shm-size BYTES         the size of /dev/shm (default 64m)\n"
    "      --stop-signal SIG        what 'ward stop' sends it (default SIGTERM)\n"
    "      --stop-timeout N         seconds 'ward stop' waits before SIGKILL (default 10)\n"
    "      --sysctl KEY=VALUE       a namespaced sysctl (kernel.shm*, kernel.msg*,\n"
    "                               kernel.sem, fs.mqueue.*, net.*)\n"
    "      --tmpfs DST[:OPTS]       mount a tmpfs (OPTS: ro,size=,mode=,exec,...)\n"
    "  -t, --tty                    a terminal for the container\n"
    "      --ulimit NAME=SOFT[:HARD]  a resource limit (nofile, nproc, core, ...; -1: none)\n"
    "  -u, --user USER[:GROUP]      name or number, looked up in the rootfs's /etc/passwd\n"
    "      --userns host            the host's user namespace (ward's as root; rootless: refused)\n"
    "      --uts host               the host's UTS namespace (its hostname)\n"
    "  -v, --volume SRC:DST[:ro]    bind-mount a host path\n"
    "  -w, --workdir DIR            working directory inside the container (absolute)\n"
    "\n"
    "Resource limits (cgroup v2, v1 or hybrid hosts):\n"
    "  -m, --memory BYTES           memory limit (suffix b, k, m or g; at least 6m)\n"
    "      --memory-swap BYTES      memory plus swap limit (-1: unlimited swap)\n"
    "      --memory-reservation BYTES  a soft limit, not above --memory (0: none)\n"
    "      --pids-limit N           maximum number of processes (-1: unlimited)\n"
    "      --cpus N                 CPUs the container may use (e.g. 0.5)\n"
    "      --cpu-period US          CFS period in microseconds (1000-1000000)\n"
    "      --cpu-quota US           CFS quota in microseconds per period (at least 1000)\n"
    "      --cpu-shares N           relative CPU weight, cgroup v1 scale (2-262144)\n"
    "      --cpu-weight N           relative CPU weight, cgroup v2 scale (1-10000)\n"
    "      --cpuset-cpus LIST       CPUs the container may run on (e.g. 0-2,4)\n"
    "      --cpuset-mems LIST       memory nodes the container may use (e.g. 0-1)\n"
    "      --cgroup-parent PATH     the cgroup the container's is made in (/a/b: from\n"
    "                               the root; a/b: beneath ward's; made if missing)\n"
    "      --ignore-missing-limits  warn instead of failing when the host cannot limit\n"
    "\n"
    "      --help                   this text\n"
    "\n"
    "Exit status: the command's own; 128+N if it was killed by signal N; 125 if ward\n"
    "failed; 126 if the command cannot be executed; 127 if it was not found.\n";

static const char usage_compare[] =
    "Usage: ward compare [RUN OPTIONS] [--against OPT]... [--json] [--all] ROOTFS\n"
    "                    [COMMAND [ARG...]]\n"
    "\n"
    "Run ward's probe (which calls every security-relevant syscall with harmless\n"
    "arguments) and, when given, COMMAND in two configurations of the container:\n"
    "A, as the RUN OPTIONS (see 'ward run --help') say, and B, the same with the\n"
    "--against security options (default: seccomp=unconfined). Prints what differs,\n"
    "each difference with its cause: the seccomp rule (and its comment), a missing\n"
    "capability, or the kernel; for COMMAND, both exit statuses and every syscall\n"
    "seccomp denied it.\n"
    "\n"
    "  --against OPT   a --security-opt value for B (seccomp=FILE|unconfined|default,\n"
    "                  no-new-privileges); repeatable\n"
    "  --json          the same, as JSON\n"
    "  --all           list the calls that do not differ too\n";

static const char usage_seccomp[] =
    "Usage: ward seccomp TOOL [OPTIONS] [PROFILE]\n"
    "\n"
    "PROFILE is a Docker- or OCI-format seccomp profile; without it, the built-in\n"
    "default. Profiles are resolved for Docker's default capabilities, changed with\n"
    "--cap-add/--cap-drop, on this machine's architecture and kernel.\n"
    "\n"
    "Tools:\n"
    "  check [--strict] [PROFILE]          validate; exit 1 with the first error\n"
    "  explain [--json] [PROFILE] [SYSCALL...]  every syscall (or those named): decision\n"
    "                                      and the rule behind it\n"
    "  export --format bpf|pfc|json [PROFILE]  the compiled filter, or the resolved rules\n"
    "  bench [--json] [--bpf FILE] [PROFILE]   BPF instructions executed per syscall\n"
    "  dump PID                            the seccomp filter of a running process, as BPF\n"
    "  record -o OUT [RUN OPTIONS] ROOTFS [COMMAND]   run it, write the profile it needs\n"
    "  diff [--json] OLD NEW               what NEW allows that OLD denies, and back\n"
    "\n"
    "Options: --cap-add CAP, --cap-drop CAP, --strict (unknown syscall names are errors)\n";

static const char usage_cleanup[] =
    "Usage: ward cleanup\n"
    "\n"
    "Remove the cgroups of containers whose ward was killed (SIGKILL) before it\n"
    "could clean up, killing anything still in them. Every ward run does this\n"
    "too. Cgroups of running wards are left alone.\n";

static const char usage_oci[] =
    "Usage: ward [GLOBAL OPTIONS] VERB [OPTIONS] ID\n"
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
    "  stop [-t|--time N] ID...   docker stop: the container's stop signal (ward run\n"
    "                       --stop-signal; default TERM), then SIGKILL if it is still\n"
    "                       there after N seconds (--stop-timeout; default 10)\n"
    "  delete [--force] ID  remove a stopped (or, with --force, running) container\n"
    "  run [-d] [-b DIR] ID  create, start, wait and delete, in the foreground (-d:\n"
    "                       leave it running); the OCI form with -b/--bundle, or\n"
    "                       when ID alone is not a directory and ./config.json\n"
    "                       exists; else `ward run` is Docker's (ward run --help)\n"
    "  exec [-t] [-d] [--pid-file F] [--console-socket S] [-e K=V] [-w|--cwd DIR]\n"
    "       [-u UID[:GID]] [--cap CAP] [--no-new-privs] ID COMMAND [ARG...]\n"
    "  exec [OPTIONS] --process FILE ID\n"
    "                       run a process in the container: its namespaces,\n"
    "                       cgroups, root, capabilities and seccomp filter\n"
    "  pause ID, resume ID  freeze and thaw every process of the container\n"
    "  ps [--format table|json] ID   the processes of the container's cgroup\n"
    "  update [-r FILE|-] [--memory N] [--memory-swap N] [--pids-limit N]\n"
    "         [--cpu-quota N --cpu-period N] [--cpu-shares N] [--cpuset-cpus L] ID\n"
    "                       new limits for the container's cgroups\n"
    "  list [-q] [--format table|json]   the containers under --root\n"
    "  spec [--bundle DIR]  write a default config.json\n"
    "  features             what this runtime supports, as JSON\n"
    "\n"
    "Global options: --root DIR (default " STATE_DEFAULT_ROOT "), --log FILE,\n"
    "--log-format text|json, --debug; --systemd-cgroup, --cgroup-manager X and\n"
    "--rootless X are accepted and ignored.\n"
    "\n"
    "Not root: list, state, ps, exec, kill, stop and delete reach the user's own\n"
    "`ward run` containers (its state directory); the other verbs need root.\n";

static const char *const usage_texts[] = {
    [CLI_HELP] = usage_ward,	   [CLI_VERSION] = usage_ward,	  [CLI_RUN] = usage_run,
    [CLI_SECCOMP] = usage_seccomp, [CLI_COMPARE] = usage_compare, [CLI_CLEANUP] = usage_cleanup,
    [CLI_OCI] = usage_oci,
};

const char *cli_usage_text(enum cli_command command)
{
	const char *text = NULL;

	if ((size_t)command < sizeof(usage_texts) / sizeof(usage_texts[0]))
		text = usage_texts[command];
	return text ? text : usage_ward;
}

void cli_usage(enum cli_command command)
{
	fputs(cli_usage_text(command), stdout);
}
