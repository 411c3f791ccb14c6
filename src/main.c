/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * main.c - ward's entry point: parse, dispatch, print the one error, exit.
 * The only place that prints errors and the only caller of exit().
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ward/caps.h"
#include "ward/cli.h"
#include "ward/error.h"
#include "ward/process.h"

static int fail(const struct ward_err *err)
{
	char line[WARD_ERR_MSG_MAX + 128];

	err_format(err, line, sizeof(line));
	fprintf(stderr, "ward: %s\n", line);
	return err_exit_status(err);
}

static int cmd_run(struct cli_opts *opts, struct ward_err *err)
{
	struct container_spec *spec = &opts->spec;
	int status = 0;

	if (caps_tweak(caps_docker_default(), opts->cap_add.v, opts->cap_drop.v, &spec->caps,
		       err) < 0)
		return fail(err);
	if (spec_finalize(spec, opts->user, err) < 0)
		return fail(err);
	if (geteuid() != 0) {
		err_set(err, 0, "run: ward needs root (rootless containers are not supported yet)");
		return fail(err);
	}
	if (proc_run(spec, &status, err) < 0)
		return fail(err);
	return status;
}

int main(int argc, char **argv)
{
	struct ward_err err = {0};
	struct cli_opts opts;
	int status;

	if (cli_parse(argc, argv, &opts, &err) < 0) {
		status = fail(&err);
	} else if (opts.help || opts.command == CLI_HELP) {
		cli_usage(opts.command);
		status = 0;
	} else if (opts.command == CLI_VERSION) {
		printf("ward version %s\n", WARD_VERSION);
		status = 0;
	} else {
		status = cmd_run(&opts, &err);
	}
	cli_opts_release(&opts);
	if (fflush(stdout) != 0 && status == 0)
		status = 1;
	return status;
}
