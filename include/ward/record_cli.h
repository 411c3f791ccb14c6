/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * record_cli.h - the verbs `ward seccomp record` and `ward seccomp diff`: their
 * options, and running them. record takes `ward run`'s options through
 * cli_parse() and runs the container through proc_run(), as `ward run` does.
 */
#pragma once

#include <stdbool.h>

#include "ward/error.h"

/** record_cli_handles() - whether argv is `ward seccomp record|diff ...`. */
bool record_cli_handles(int argc, char **argv) __attribute__((nonnull));

/**
 * record_cli_main() - run `ward seccomp record` or `ward seccomp diff`.
 * Return: the exit status (record: the command's; diff: 0 when NEW is no
 * wider than OLD, 1 when it is), or a negative errno with @err set (exit 125).
 */
int record_cli_main(int argc, char **argv, struct ward_err *err) __attribute__((nonnull));
