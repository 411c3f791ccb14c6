/* SPDX-License-Identifier: GPL-2.0-or-later */
/* runtime_needs.c - the calls runtimes make after loading a container's filter. */
#include "ward/runtime_needs.h"

#include <sys/syscall.h>

#define NR(n)                                                                                      \
	{                                                                                          \
#n, SYS_##n                                                                        \
	}

/*
 * Measured with strace -f of `run` on Debian 12 (docs/DESIGN.md); any program
 * also needs execve to start and exit_group to end.
 */
const struct runtime_needs runtime_needs[] = {
    {"ward", "ward run, podman --runtime ward", "", {NR(execve)}},
    {"runc 1.1",
     "Docker, containerd, Kubernetes",
     "",
     {NR(capget), NR(capset), NR(prctl), NR(fstatfs), NR(close_range), NR(execve)}},
    {"crun 1.8",
     "Podman",
     "without no_new_privs",
     {NR(close), NR(prctl), NR(setresgid), NR(setresuid), NR(capset), NR(rt_sigprocmask),
      NR(rt_sigaction), NR(write), NR(execve)}},
    {"crun 1.8", "Podman", "with no_new_privs", {NR(close), NR(execve)}},
};

const size_t runtime_needs_count = sizeof(runtime_needs) / sizeof(runtime_needs[0]);
