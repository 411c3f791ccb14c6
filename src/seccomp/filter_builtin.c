// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * filter_builtin.c - what ward-precompile (src/seccomp/gen/) computed when ward
 * was built: the default profile's programs, looked up so that a first run, or
 * any run on a machine with an empty cache, compiles nothing for the default
 * profile; and the tables of real syscall numbers the fast path weighs with.
 */
#include "filter_int.h"

#include <stdlib.h>
#include <string.h>

#include "ward/syscalls_extra.h"
#include "ward/util.h"

/* generated from profiles/default.json by scripts/embed.cmake */
extern const char ward_default_profile[];
extern const size_t ward_default_profile_len;

unsigned int filter_scmp_version(void)
{
	const struct scmp_version *v = seccomp_version();

	return v ? v->major << 16 | v->minor << 8 | v->micro : 0;
}

static bool matches(const struct filter_builtin *b, const struct filter_cache_key *key,
		    unsigned int kernel)
{
	const char *arch = key->arch ? key->arch : "";

	return b->caps == key->caps && b->build_flags == key->build_flags &&
	       strcmp(b->arch, arch) == 0 && kernel >= b->kernel_lo &&
	       (b->kernel_hi == 0 || kernel < b->kernel_hi);
}

bool filter_builtin_lookup(const struct filter_cache_key *key, unsigned int kernel_major,
			   unsigned int kernel_minor, struct filter_prog *out)
{
	unsigned int kernel = (kernel_major > 255 ? 255 : kernel_major) << 8 |
			      (kernel_minor > 255 ? 255 : kernel_minor);
	unsigned int scmp = 0;
	size_t i;

	memset(out, 0, sizeof(*out));
	/* the embedded profile only: the bytes, exactly, as the cache key hashes them */
	if (filter_nbuiltins == 0 || key->profile_len != ward_default_profile_len ||
	    (key->profile != ward_default_profile &&
	     memcmp(key->profile, ward_default_profile, ward_default_profile_len) != 0))
		return false;
	for (i = 0; i < filter_nbuiltins; i++) {
		const struct filter_builtin *b = &filter_builtins[i];

		if (!matches(b, key, kernel))
			continue;
		/* libseccomp is a shared library: another version may compile otherwise */
		if (scmp == 0)
			scmp = filter_scmp_version();
		if (b->scmp_version != scmp || b->len == 0 || b->len > FILTER_MAX_INSNS)
			return false;
		out->insns = xcalloc(b->len, sizeof(*out->insns));
		memcpy(out->insns, b->insns, b->len * sizeof(*out->insns));
		out->len = b->len;
		out->flags = b->flags;
		out->enabled = true;
		return true;
	}
	return false;
}

int filter_real_lookup(uint32_t token, uint32_t nr)
{
	static unsigned int scmp; /* ward is single-threaded */
	size_t i;

	for (i = 0; i < filter_nreals; i++) {
		const struct filter_real *r = &filter_reals[i];

		if (r->token != token || nr < r->base || nr - r->base >= FILTER_REAL_MAX)
			continue;
		if (scmp == 0)
			scmp = filter_scmp_version();
		if (r->scmp_version != scmp)
			return -1;
		nr -= r->base;
		return (r->bits[nr / 8] >> (nr % 8)) & 1;
	}
	return -1;
}

void filter_real_compute(uint32_t token, struct filter_real *out)
{
	uint32_t nr;

	memset(out, 0, sizeof(*out));
	out->token = token;
	out->base = token == SCMP_ARCH_X32 ? SYSCALL_EXTRA_X32_BIT : 0;
	out->scmp_version = filter_scmp_version();
	for (nr = 0; nr < FILTER_REAL_MAX; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(token, (int)(out->base + nr));
		bool real = name != NULL;

		free(name);
		if (!real)
			real = syscall_extra_name((int)(out->base + nr),
						  token == SCMP_ARCH_X32
						      ? SYSCALL_EXTRA_ARCH_X32
						      : rules_audit_arch(token)) != NULL;
		if (real)
			out->bits[nr / 8] |= (uint8_t)(1U << (nr % 8));
	}
}
