/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cli_parse.h - inside the cli stage only: the parser of each verb (one file
 * each under src/cli/) that cli_parse() in src/cli/cli.c dispatches to, and the
 * helpers they share. Other modules use cli.h.
 *
 * A verb's parser gets the command line from the verb on (argv[0] is the verb,
 * or the seccomp tool), fills @opts and returns 0, or -EINVAL with @err naming
 * the argument at fault. It stops at --help with opts->help set.
 */
#pragma once

#include <stdbool.h>

#include "ward/cli.h"
#include "ward/error.h"

/* ---- src/cli/run.c: ward run and ward compare ---------------------------------------- */

/** cli_parse_run() - Docker's run options, ROOTFS and the command (opts->command set). */
int cli_parse_run(int argc, char **argv, struct cli_opts *opts, struct ward_err *err)
    __attribute__((nonnull));

/** cli_valid_cpu_list() - @s is a list such as "0-3,5" (--cpuset-cpus, --cpuset-mems). */
bool cli_valid_cpu_list(const char *s) __attribute__((nonnull));

/* ---- src/cli/run_docker.c: Docker's run flags beyond the first ones -------------------- */

/** cli_run_docker_option() - the run option named @name ("ulimit", "mount", ...). */
int cli_run_docker_option(struct cli_opts *opts, const char *name, const char *arg,
			  struct ward_err *err) __attribute__((nonnull));

/** cli_run_docker_check() - the checks over all of them (@cpus: --cpus was given). */
int cli_run_docker_check(struct cli_opts *opts, bool cpus, struct ward_err *err)
    __attribute__((nonnull));

/** cli_security_lsm() - --security-opt apparmor=... or label=...: accepted or refused. */
int cli_security_lsm(const char *arg, struct ward_err *err) __attribute__((nonnull));

/* ---- src/cli/run_devices.c: --device, --device-cgroup-rule, --privileged ------------------ */

int cli_run_device(struct container_spec *spec, const char *arg, struct ward_err *err)
    __attribute__((nonnull));
int cli_run_device_rule(struct container_spec *spec, const char *arg, struct ward_err *err)
    __attribute__((nonnull));
/** cli_run_privileged() - after the options (their seccomp, caps and devices give way). */
int cli_run_privileged(struct cli_opts *opts, struct ward_err *err) __attribute__((nonnull));

/* ---- src/cli/oci.c: the OCI runtime verbs -------------------------------------------- */

/** cli_is_oci_verb() - @cmd is create, start, state, ... (not run: see cli_is_oci_run()). */
bool cli_is_oci_verb(const char *cmd) __attribute__((nonnull));

/**
 * cli_is_oci_run() - whether `run` is runc's (`run [OPTIONS] ID`), not Docker's
 * (`run [OPTIONS] ROOTFS [COMMAND]`): with --bundle/-b or --config; or with only
 * the OCI run's options, then one argument, which is not a directory, and a
 * config.json in the current directory.
 */
bool cli_is_oci_run(int argc, char **argv) __attribute__((nonnull));

/** cli_parse_oci() - runc's options of the verb argv[0], and the container id. */
int cli_parse_oci(int argc, char **argv, struct cli_opts *opts, struct ward_err *err)
    __attribute__((nonnull));

/* ---- src/cli/seccomp.c: ward seccomp TOOL --------------------------------------------- */

/**
 * cli_parse_seccomp() - the tool argv[1] and its options: a row of the tool
 * table in seccomp.c names the tool's parser. A tool with options of its own
 * (`ward seccomp record`, `ward seccomp diff`) has its parser in a file of its
 * own (src/cli/record.c, ...), declared below, and a row in that table.
 */
int cli_parse_seccomp(int argc, char **argv, struct cli_opts *opts, struct ward_err *err)
    __attribute__((nonnull));

/* ---- src/cli/longopt.c --------------------------------------------------------------- */

struct option;

/**
 * cli_exact_longopts() - refuse a long option of argv[1..] that is not exactly
 * a name of @table (getopt_long() would take a prefix), naming the nearest one
 * ("unknown option '--read' (did you mean --read-only?); see 'ward run --help'")
 * or the candidates of an ambiguous prefix. Stops where getopt's "+" mode does;
 * @shortopts says which short options take the next word.
 *
 * Return: 0, or -EINVAL with @err set.
 */
int cli_exact_longopts(const char *who, int argc, char **argv, const char *shortopts,
		       const struct option *table, struct ward_err *err) __attribute__((nonnull));

/* ---- shared (src/cli/cli.c) ------------------------------------------------------------- */

/**
 * cli_getopt_error() - what getopt_long()'s ':' (a missing argument) or '?' (an
 * unknown option) means, for @who ("run", "exec", "seccomp check"), naming
 * argv[optind - 1]; with @by_letter an unknown short option is named by its letter.
 *
 * Return: -EINVAL.
 */
int cli_getopt_error(const char *who, int c, char **argv, bool by_letter, struct ward_err *err)
    __attribute__((nonnull));
