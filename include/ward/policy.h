/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * policy.h - from a container's seccomp option to a program ready to load:
 * read the profile (the built-in one or a file), and either take the compiled
 * filter from the cache or parse, resolve (against the final capability set,
 * the native architecture and the running kernel) and compile it, then cache
 * it. Runs in the parent, before any namespace exists.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "ward/error.h"
#include "ward/filter.h"
#include "ward/profile.h"
#include "ward/spec.h"

/* Where root's compiled filters are cached unless $WARD_CACHE_DIR says otherwise. */
#define POLICY_CACHE_DIR "/var/cache/ward/seccomp"
/* A rootless ward's, below $XDG_CACHE_HOME (or $HOME/.cache). */
#define POLICY_USER_CACHE_SUBDIR "ward/seccomp"

/* The profile's bytes and a name for messages. */
struct policy_source {
	char *bytes; /* owned, or NULL for the built-in profile */
	const char *data;
	size_t len;
	const char *name; /* "built-in profile" or the path */
};

/**
 * policy_read() - read the profile's bytes: @path, or the built-in profile
 * when @path is NULL. Nothing is parsed.
 *
 * Return: 0, or a negative errno with @err naming the file.
 */
int policy_read(const char *path, struct policy_source *src, struct ward_err *err)
    __attribute__((nonnull(2, 3)));

void policy_source_release(struct policy_source *src) __attribute__((nonnull));

/**
 * policy_resolve() - parse @src and resolve it for @caps on this machine.
 * @prof: receives the parsed profile, which @rs borrows its rules from
 *
 * Return: 0, or a negative errno with @err naming the profile.
 */
int policy_resolve(const struct policy_source *src, uint64_t caps, struct profile **prof,
		   struct rule_set *rs, struct ward_err *err) __attribute__((nonnull));

/**
 * policy_listener() - the agent @spec's profile hands its SCMP_ACT_NOTIFY
 * listener to: listenerPath and listenerMetadata (each NULL when absent; the
 * caller frees them).
 * Return: 0, or a negative errno with @err naming the profile.
 */
int policy_listener(const struct container_spec *spec, char **path, char **metadata,
		    struct ward_err *err) __attribute__((nonnull));

/**
 * policy_prepare() - the filter for @spec: disabled for seccomp=unconfined
 * (never cached), otherwise compiled or loaded from the cache: $WARD_CACHE_DIR
 * (empty disables caching), else POLICY_CACHE_DIR for root and
 * $XDG_CACHE_HOME/ward/seccomp or $HOME/.cache/ward/seccomp for a rootless
 * ward. A cache that is not trusted (see filter_cache_lookup()) is ignored with
 * one warning per run naming it and the reason.
 * @cache_hit: set to whether the cache answered (may be NULL)
 *
 * Return: 0, or a negative errno with @err naming the profile.
 */
int policy_prepare(const struct container_spec *spec, unsigned int build_flags,
		   struct filter_prog *out, bool *cache_hit, struct ward_err *err)
    __attribute__((nonnull(1, 3, 5)));
