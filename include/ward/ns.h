/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ns.h - namespaces: which ones a container gets (parent) and what is set up
 * inside the new UTS and network namespaces (child).
 */
#pragma once

#include "ward/error.h"
#include "ward/spec.h"

/** ns_clone_flags() - the CLONE_NEW* flags for @spec (Docker's set). */
unsigned long ns_clone_flags(const struct container_spec *spec) __attribute__((nonnull));

/** ns_set_hostname() - in the child's UTS namespace. Return: 0 or -errno. */
int ns_set_hostname(const char *hostname, struct ward_err *err) __attribute__((nonnull));

/**
 * ns_loopback_up() - bring "lo" up in the child's new network namespace, so the
 * container has 127.0.0.1 and nothing else (Docker's --network none).
 * Return: 0 or -errno.
 */
int ns_loopback_up(struct ward_err *err) __attribute__((nonnull));

/**
 * ns_enter_cgroup() - in the child, once the parent has moved it into its
 * cgroup: a new cgroup namespace rooted there, so the container sees its own
 * cgroup as "/". (Created at clone time, its root would be ward's cgroup.)
 * Return: 0 or -errno.
 */
int ns_enter_cgroup(struct ward_err *err) __attribute__((nonnull));
