/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * probe_calls.h - the system calls that ward-probe makes inside a container to find
 * out what a seccomp profile really does, shared by the probe (src/probe/ward-probe.c)
 * and by ward, which compares the probe's verdicts with its own reading of the filter.
 *
 * Every entry carries arguments chosen so that, if the filter lets the call through,
 * the kernel fails it harmlessly (EFAULT on the pointer 1, EBADF on fd -1, EINVAL on
 * unknown flags, ESRCH on pid 0x7fffffff) and nothing outside the probe's own forked
 * child changes, even as root with every capability and no filter. Where the kernel
 * checks a capability before it looks at the arguments, `note` says so: such a call
 * answers EPERM without the capability whether or not the filter allowed it, and ward
 * tells the two apart from its own knowledge of the filter and the capability sets.
 *
 * The probe writes one item per line, fields separated by tabs:
 *
 *	call	<name>	<syscall>	<nr>	<result>
 *	status	Seccomp|Seccomp_filters|NoNewPrivs	<value or ->
 *	cap	CapInh|CapPrm|CapEff|CapBnd|CapAmb	<hex or ->
 *	ns	cgroup|ipc|mnt|net|pid|user|uts	<link target or ->
 *	id	uid|gid	<n>
 *
 * where <result> is one of
 *	ok			the call returned >= 0
 *	errno <N> <NAME>	e.g. "errno 1 EPERM"
 *	signal <N>		the forked child was killed, e.g. 31 (SIGSYS) by a KILL or TRAP
 *action skip <why>		a precondition failed, e.g. "skip setsid errno 1 EPERM"; the call
 *was not made timeout			the child did not finish within PROBE_TIMEOUT_MS and was
 *killed error <why>		the probe itself could not run the call (fork, pipe, no result)
 */
#pragma once

#include <stddef.h>

/* How long one call may take before the probe kills its child (a USER_NOTIF nobody answers). */
#define PROBE_TIMEOUT_MS 5000

enum probe_flags {
	/* setsid() first, so the call runs without a controlling terminal (vhangup) */
	PROBE_SETSID = 1 << 0,
};

struct probe_call {
	/* unique label, e.g. "socket(AF_ALG)", "clone(CLONE_NEWNS)", "mount" */
	const char *name;
	/* the system call's name as seccomp profiles spell it, e.g. "socket" */
	const char *syscall;
	/* __NR_<syscall> on the build architecture */
	long nr;
	/* the six raw arguments */
	unsigned long args[6];
	/* enum probe_flags */
	unsigned int flags;
	/* optional: why the arguments are harmless, what the kernel answers, caveats */
	const char *note;
};

/* The table, in the order the probe runs it; entries the build arch lacks are left out. */
extern const struct probe_call probe_calls[];
extern const size_t probe_ncalls;

/*
 * The static ward-probe executable, embedded in libward (src/probe/probe_blob.S), to be
 * run from a memfd so the probe works on any rootfs.
 */
extern const unsigned char ward_probe_bin[], ward_probe_bin_end[];
