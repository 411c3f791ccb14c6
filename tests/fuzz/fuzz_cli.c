/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_cli.c - ward's command line: the input, split at NUL bytes, is argv
 * after argv[0] ("ward"), given to cli_parse() and cli_opts_release(), as
 * main() does before it acts on anything. "run\0-v\0/a:/b\0/r" is
 * `ward run -v /a:/b /r`; a trailing NUL ends the last argument.
 */
#include "fuzz.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/cli.h"
#include "ward/util.h"

/*
 * A process parses its command line once, with getopt's state fresh. Here one
 * process parses many: optind = 0 makes glibc start over, dropping the
 * position inside an option cluster that the last input may have left (it
 * would point into that input's freed copy).
 */
static void getopt_restart(void)
{
	char arg0[] = "ward";
	char *argv[] = {arg0, NULL};

	optind = 0;
	(void)getopt(1, argv, "");
}

/* argv[0] "ward", then the NUL-separated arguments of @buf (NUL-terminated by the caller) */
static char **split_args(char *buf, size_t size, int *argc)
{
	static char arg0[] = "ward";
	size_t n = 1, i;
	char **argv;

	for (i = 0; i < size; i++)
		if (buf[i] == '\0')
			n++;
	argv = xcalloc(n + 2, sizeof(*argv));
	argv[0] = arg0;
	*argc = 1;
	for (i = 0; i < size; i += strlen(buf + i) + 1)
		argv[(*argc)++] = buf + i;
	return argv;
}

int ward_fuzz_cli(const uint8_t *data, size_t size)
{
	cleanup_free char *buf = xmalloc(size + 1);
	cleanup_free char **argv = NULL;
	struct cli_opts opts;
	struct ward_err err = {0};
	int argc, r;

	fuzz_quiet();
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv = split_args(buf, size, &argc);
	getopt_restart();
	r = cli_parse(argc, argv, &opts, &err);
	fuzz_check("cli_parse", r, err.msg);
	cli_opts_release(&opts);
	return 0;
}

#ifdef WARD_FUZZ_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return ward_fuzz_cli(data, size);
}
#endif
