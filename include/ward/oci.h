/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * oci.h - OCI bundles: config.json (runtime-spec 1.x) -> the same struct
 * container_spec that ward run's flags produce, and the default config.json
 * that `ward spec` writes. Parsing is pure apart from checking the host paths
 * the config names (root.path, bind sources, namespace paths, hook paths).
 *
 * Errors name the file and the field: "config.json: process.args: must be a
 * non-empty array of strings".
 */
#pragma once

#include <stddef.h>
#include <stdio.h>

#include "ward/error.h"
#include "ward/spec.h"

/* A config.json larger than this is not a config. */
#define OCI_CONFIG_MAX (8u << 20)

/* The runtime-spec version ward writes and reports. */
#define OCI_VERSION "1.0.2"

/**
 * oci_parse() - parse config.json text into @spec.
 * @json:   the text (need not be NUL-terminated)
 * @bundle: the bundle directory; root.path and relative bind sources are
 *          resolved against it
 * @spec:   an initialised spec (spec_init()); filled in, Docker's defaults
 *          replaced by what the config says (no capabilities, no seccomp
 *          filter, the host's network unless linux.namespaces has "network"
 *          when the config says nothing)
 *
 * Return: 0, or -EINVAL (or the errno of a failed path check) with @err
 * naming the field: "process.cwd: must be an absolute path".
 */
int oci_parse(const char *json, size_t len, const char *bundle, struct container_spec *spec,
	      struct ward_err *err) __attribute__((nonnull));

/**
 * oci_load() - read @config (NULL: <bundle>/config.json) and oci_parse() it.
 * Errors are prefixed with the config file's name as given ("config.json" for
 * the default).
 *
 * Return: 0, or a negative errno with @err set.
 */
int oci_load(const char *bundle, const char *config, struct container_spec *spec,
	     struct ward_err *err) __attribute__((nonnull(1, 3, 4)));

/**
 * oci_load_hooks() - only the hooks (and linux.intelRdt) of the config at @path
 * (the copy saved at create), for start and delete: by then what the rest names
 * may be gone (a namespace path the engine removed, a bind source), and only
 * hooks and the resctrl group delete removes are needed.
 *
 * Return: 0, or a negative errno with @err set.
 */
int oci_load_hooks(const char *path, struct container_spec *spec, struct ward_err *err)
    __attribute__((nonnull));

/** oci_rlimit_name() - "RLIMIT_NOFILE" for RLIMIT_NOFILE (for messages; no allocation). */
const char *oci_rlimit_name(int resource);

/**
 * oci_check_supported() - refuse what the config asks for and the launcher
 * cannot do yet (rather than silently running the container with less
 * isolation than asked). Kept apart from parsing so the list shrinks as the
 * launcher grows.
 *
 * Return: 0, or -ENOTSUP with @err naming the field.
 */
int oci_check_supported(const struct container_spec *spec, struct ward_err *err)
    __attribute__((nonnull));

/**
 * oci_write_default() - the default config.json `ward spec` writes: runc
 * spec's (a terminal, the standard mounts, pid/network/ipc/uts/mount
 * namespaces, RLIMIT_NOFILE 1024, args ["sh"], root "rootfs") with Docker's
 * default capabilities, cgroup namespace, masked and read-only paths.
 *
 * Return: 0, or -EIO with @err set.
 */
int oci_write_default(FILE *out, struct ward_err *err) __attribute__((nonnull));

/**
 * oci_create_default() - `ward spec`: oci_write_default() into a new
 * <@bundle>/config.json, never over an existing one (nothing is left behind on
 * failure). @rootless (`spec --rootless`): as runc's, a user namespace mapping
 * root to the caller's ids, no network namespace, /sys bound, no device rule.
 *
 * Return: 0, or a negative errno with @err naming the file.
 */
int oci_create_default(const char *bundle, bool rootless, struct ward_err *err)
    __attribute__((nonnull));

/**
 * oci_features() - `ward features`: the runtime-spec features document, in
 * runc's shape; @libseccomp_version for its annotation.
 */
int oci_features(FILE *out, const char *libseccomp_version, struct ward_err *err)
    __attribute__((nonnull));

/**
 * oci_load_process() - `ward exec --process FILE`: an OCI process object (what
 * config.json's "process" holds) replaces @spec's process: args, env, cwd,
 * user, capabilities, noNewPrivileges, rlimits, terminal, umask, ioPriority,
 * scheduler, execCPUAffinity.
 *
 * Return: 0, or a negative errno with @err naming the file and the field.
 */
int oci_load_process(const char *path, struct container_spec *spec, struct ward_err *err)
    __attribute__((nonnull));

/**
 * oci_parse_resources() - `ward update -r FILE`: a LinuxResources object (what
 * config.json's linux.resources holds) into @out; fields are named as in a config.
 *
 * Return: 0, or a negative errno with @err naming the field.
 */
int oci_parse_resources(const char *json, size_t len, struct spec_resources *out,
			struct ward_err *err) __attribute__((nonnull));

/**
 * oci_load_resources() - the linux.resources of the config at @path (a saved
 * copy) into @out: what `ward update` keeps from create (memory.checkBeforeUpdate).
 *
 * Return: 0, or a negative errno with @err naming the file and the field.
 */
int oci_load_resources(const char *path, struct spec_resources *out, struct ward_err *err)
    __attribute__((nonnull));

/** oci_hook_name() - "prestart", "createRuntime", ... for enum spec_hook_kind. */
const char *oci_hook_name(enum spec_hook_kind kind);
