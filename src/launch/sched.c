/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sched.c - the container process's I/O priority, scheduling policy, CPU
 * affinity and execution domain (process.ioPriority, scheduler,
 * execCPUAffinity, linux.personality), set on itself
 * before execve with raw system calls: glibc wraps neither ioprio_set(2) nor
 * sched_setattr(2); and its OOM score (process.oomScoreAdj), set by ward.
 */
#include "ward/sched.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdint.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "launch.h"

enum { IOPRIO_WHO_PROCESS = 1 };

/* the kernel's struct sched_attr, its first version (SCHED_ATTR_SIZE_VER0, 48 bytes) */
struct sched_attr_v0 {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime;
	uint64_t sched_deadline;
	uint64_t sched_period;
};

static int set_affinity(const cpu_set_t *cpus, const char *which, struct ward_err *err)
{
	if (sched_setaffinity(0, sizeof(*cpus), cpus) < 0)
		return err_set(err, errno, "process.execCPUAffinity.%s: cannot set the affinity",
			       which);
	return 0;
}

int sched_apply_initial(const struct spec_sched *s, struct ward_err *err)
{
	return s->cpus_initial_set ? set_affinity(&s->cpus_initial, "initial", err) : 0;
}

int sched_apply(const struct spec_sched *s, bool init, struct ward_err *err)
{
	/* the kernel keeps the domain across execve (but for a setuid program's flags) */
	if (s->personality_set && personality(s->personality) < 0)
		return err_set(err, errno, "linux.personality: cannot set the execution domain");
	if (s->ioprio_set && syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, s->ioprio) < 0)
		return err_set(err, errno, "process.ioPriority: cannot set the I/O priority");
	if (s->policy_set) {
		struct sched_attr_v0 attr = {
		    .size = sizeof(attr),
		    .sched_policy = s->policy,
		    .sched_flags = s->flags,
		    .sched_nice = s->nice,
		    .sched_priority = s->priority,
		    .sched_runtime = s->runtime,
		    .sched_deadline = s->deadline,
		    .sched_period = s->period,
		};

		if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
			return err_set(err, errno,
				       "process.scheduler: cannot set the scheduling policy");
	}
	if (s->cpus_final_set)
		return set_affinity(&s->cpus_final, "final", err);
	if (init && s->cpus_initial_set)
		return set_affinity(&s->cpus_initial, "initial", err);
	return 0;
}

/* process.oomScoreAdj, written by ward (a child in a user namespace could only raise it) */
int sched_set_oom_score_adj(pid_t pid, int value, struct ward_err *err)
{
	char buf[16], path[40];
	int fd, n = snprintf(buf, sizeof(buf), "%d", value);
	ssize_t w;

	if (n < 0 || (size_t)n >= sizeof(buf))
		return err_set(err, EINVAL, "process.oomScoreAdj: %d", value);
	(void)snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)pid);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, errno, "process.oomScoreAdj: cannot open '%s'", path);
	w = write_full(fd, buf, (size_t)n);
	if (w != n) {
		int e = w < 0 ? errno : EIO;

		close(fd);
		/* lowering it below ward's own needs CAP_SYS_RESOURCE */
		return err_set(err, e, "process.oomScoreAdj: cannot set it to %d", value);
	}
	close(fd);
	return 0;
}
