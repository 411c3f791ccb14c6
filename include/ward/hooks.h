/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hooks.h - the OCI hooks of a config.json (prestart, createRuntime,
 * createContainer, startContainer, poststart, poststop): each is executed
 * with its args and env, the container's state JSON on its stdin, and killed
 * when it outlives its timeout. Who runs which kind, and when, is the
 * caller's business: state.c for the runtime's own (prestart, createRuntime,
 * poststart, poststop), the container's init in process.c for
 * createContainer (before pivot_root) and startContainer (just before
 * execve).
 */
#pragma once

#include "ward/error.h"
#include "ward/spec.h"

/**
 * hooks_run() - run the hooks of @kind of @spec in order; the first failure
 * stops them.
 * @json: the state JSON each gets on its stdin
 *
 * Return: 0, or a negative errno with @err naming the hook kind, its path and
 * how it failed (a non-zero status, a signal, the timeout).
 */
int hooks_run(const struct container_spec *spec, enum spec_hook_kind kind, const char *json,
	      struct ward_err *err) __attribute__((nonnull));

/** hooks_any() - whether @spec has hooks of @kind. */
bool hooks_any(const struct container_spec *spec, enum spec_hook_kind kind)
    __attribute__((nonnull));
