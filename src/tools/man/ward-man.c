/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ward-man.c - the build's man page generator: `ward-man PAGE` prints ward's
 * manual page PAGE in roff (cli_man(), from the help texts); `ward-man` lists them.
 */
#include <stdio.h>

#include "ward/cli.h"

int main(int argc, char **argv)
{
	if (cli_man(argc > 1 ? argv[1] : NULL, stdout) < 0) {
		fprintf(stderr, "ward-man: no page '%s'\n", argv[1]);
		return 1;
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
