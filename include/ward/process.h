/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * process.h - the orchestrator: runs a container_spec through the pipeline in
 * DESIGN.md. Parent: prepare every module's plan, clone into new namespaces,
 * release the child, learn whether exec succeeded, forward signals, wait.
 * Child: apply the plans in order and execve. Only this module sequences the
 * domain modules.
 */
#pragma once

#include "ward/error.h"
#include "ward/spec.h"

/**
 * proc_run() - run the container in the foreground.
 * @status: the container's exit status as Docker reports it (its own status,
 *          or 128+N when killed by signal N)
 *
 * Return: 0 when the command was executed (whatever its status), or a negative
 * errno with @err set when ward failed first; err->status then says 125, 126
 * (cannot execute) or 127 (not found).
 */
int proc_run(const struct container_spec *spec, int *status, struct ward_err *err)
	__attribute__((nonnull));
