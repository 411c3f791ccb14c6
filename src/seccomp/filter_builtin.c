// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * filter_builtin.c - the default profile's programs compiled when ward was
 * built (the table comes from ward-precompile, src/seccomp/gen/): looked up
 * before the on-disk cache, so that a first run, or any run on a machine with
 * an empty cache, compiles nothing for the default profile.
 */
#include "filter_int.h"

#include <stdlib.h>
#include <string.h>

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
