/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * runtime_needs.h - what each container runtime calls after loading a
 * container's seccomp filter and before its command runs: a profile that
 * denies one of them stops every container of that runtime. `ward seccomp
 * check` warns about them; `ward seccomp record` adds them to its profiles.
 */
#pragma once

#include <stddef.h>

/* A native syscall by name and number. */
struct named_nr {
	const char *name;
	int nr;
};

struct runtime_needs {
	const char *runtime;	   /* "runc 1.1" */
	const char *engines;	   /* who drives it: "Docker, containerd, Kubernetes" */
	const char *when;	   /* "", "with no_new_privs", ... */
	struct named_nr calls[10]; /* up to the first NULL name */
};

extern const struct runtime_needs runtime_needs[];
extern const size_t runtime_needs_count;
