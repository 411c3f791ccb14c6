/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * version.c - what `ward --version` prints, as runc prints it (version,
 * commit, spec, libseccomp): the one use of <seccomp.h> outside the filter,
 * for the version of the libseccomp ward runs with.
 */
#include "ward/state.h"

#include <seccomp.h>
#include <stdio.h>

#include "ward/oci.h"

const char *state_libseccomp_version(void)
{
	static char buf[32];
	const struct scmp_version *v = seccomp_version();

	if (!v)
		return "unknown";
	(void)snprintf(buf, sizeof(buf), "%u.%u.%u", v->major, v->minor, v->micro);
	return buf;
}

/* the build's commit when CMake was given one (-DWARD_COMMIT=...), else the version */
#ifndef WARD_COMMIT
#define WARD_COMMIT WARD_VERSION
#endif

void state_print_version(FILE *out)
{
	fprintf(out, "ward version %s\ncommit: %s\nspec: %s\nlibseccomp: %s\n", WARD_VERSION,
		WARD_COMMIT, OCI_VERSION, state_libseccomp_version());
}
