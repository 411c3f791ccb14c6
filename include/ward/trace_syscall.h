/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * trace_syscall.h - the OCI path of `ward seccomp record`: a bundle whose
 * config.json carries the annotation io.containers.trace-syscall (podman's
 * oci-seccomp-bpf-hook syntax: "of:/OUTPUT" and optionally "if:/INPUT",
 * separated by ';', absolute paths) is created under the recording filter.
 * ward create leaves a recorder process behind that serves the container's
 * listener and writes OUTPUT (the union with INPUT) when the container's init
 * exits; nothing when its command never started.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "ward/error.h"
#include "ward/profile.h"
#include "ward/record.h"
#include "ward/spec.h"

#define TRACE_SYSCALL_ANNOTATION "io.containers.trace-syscall"

struct trace_syscall {
	char *output; /* of: (NULL: no annotation) */
	char *input;  /* if: or NULL */
	struct profile *merge;
	char *tmp; /* the temporary file that becomes output */
	int fd;
	bool started; /* the recorder runs: it owns tmp now */
	struct record_log log;
};

/**
 * trace_syscall_prepare() - read @spec's annotation: ts->output stays NULL
 * without one. Checks everything before anything starts: the syntax, INPUT
 * (a valid profile), OUTPUT's directory (the temporary file is made now).
 * Return: 0, or a negative errno with @err naming the annotation.
 */
int trace_syscall_prepare(const struct container_spec *spec, struct trace_syscall *ts,
			  struct ward_err *err) __attribute__((nonnull));

/**
 * trace_syscall_start() - proc_opts.listener_ready for ward create: fork the
 * recorder for the init @pid with @listener (a struct trace_syscall as @arg).
 * Return: 0, or a negative errno with @err set.
 */
int trace_syscall_start(void *arg, pid_t pid, int listener, struct ward_err *err)
    __attribute__((nonnull));

/** trace_syscall_release() - free @ts; remove the temporary file unless the recorder has it. */
void trace_syscall_release(struct trace_syscall *ts) __attribute__((nonnull));
