/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_profile.c - a seccomp profile, as `--security-opt seccomp=FILE` reads it:
 * policy_resolve() (profile_parse() and profile_resolve() for this host, the
 * Docker capabilities) and filter_build(), then profile_resolve() and
 * filter_build() again for a fixed other context (arm64, no capabilities, an old
 * kernel) so minKernel, arches and caps filters take both sides. Nothing is
 * loaded. The input is not NUL-terminated, as a read file is not.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <stdio.h>

#include "ward/caps.h"
#include "ward/filter.h"
#include "ward/policy.h"
#include "ward/profile.h"

static void check_prog(const struct filter_prog *prog)
{
	if (prog->enabled && (!prog->insns || !prog->len || prog->len > FILTER_MAX_INSNS)) {
		fprintf(stderr, "fuzz: filter_build gave %zu instructions\n", prog->len);
		abort();
	}
}

static void build(const struct rule_set *rs)
{
	struct filter_prog prog = {0};
	struct ward_err err = {0};
	int r;

	r = filter_build(rs, 0, &prog, &err);
	fuzz_check("filter_build", r, err.msg);
	if (r == 0)
		check_prog(&prog);
	filter_prog_release(&prog);
}

int ward_fuzz_profile(const uint8_t *data, size_t size)
{
	const struct resolve_ctx other = {
	    .native_arch = "arm64",
	    .native_scmp = "SCMP_ARCH_AARCH64",
	    .caps = 0,
	    .kernel_major = 4,
	    .kernel_minor = 7,
	};
	struct policy_source src = {
	    .data = (const char *)data,
	    .len = size,
	    .name = "fuzz",
	};
	cleanup_profile struct profile *prof = NULL;
	struct rule_set rs = {0};
	struct ward_err err = {0};
	int r;

	fuzz_quiet();
	r = policy_resolve(&src, caps_docker_default(), &prof, &rs, &err);
	fuzz_check("policy_resolve", r, err.msg);
	if (r == 0)
		build(&rs);
	rule_set_release(&rs);
	if (!prof)
		return 0;
	err_clear(&err);
	r = profile_resolve(prof, &other, &rs, &err);
	fuzz_check("profile_resolve", r, err.msg);
	if (r == 0)
		build(&rs);
	rule_set_release(&rs);
	return 0;
}

#ifdef WARD_FUZZ_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return ward_fuzz_profile(data, size);
}
#endif
