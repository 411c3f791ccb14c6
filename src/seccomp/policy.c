/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * policy.c - the seccomp steps of the pipeline, in order: read, look up the
 * cache, then the programs precompiled at build time, parse, resolve,
 * compile, store. A hit in either skips parsing and compiling entirely; that
 * is what keeps start-up fast.
 */
#include "ward/policy.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/log.h"
#include "ward/util.h"

/* generated from profiles/default.json by scripts/embed.cmake */
extern const char ward_default_profile[];
extern const size_t ward_default_profile_len;

/* A profile larger than this is not a profile. */
#define POLICY_MAX_BYTES (4u << 20)

int policy_read(const char *path, struct policy_source *src, struct ward_err *err)
{
	memset(src, 0, sizeof(*src));
	if (!path) {
		src->data = ward_default_profile;
		src->len = ward_default_profile_len;
		src->name = "built-in profile";
		return 0;
	}
	if (read_file(path, POLICY_MAX_BYTES, &src->bytes, &src->len, err) < 0) {
		if (err->code > 0) /* the system's reason says the rest */
			return err_set(err, err->code, "cannot read seccomp profile '%s'", path);
		return err_prefix(err, "seccomp profile '%s'", path);
	}
	if (src->len == 0) {
		policy_source_release(src);
		return err_set(err, 0, "seccomp profile '%s': the file is empty", path);
	}
	src->data = src->bytes;
	src->name = path;
	return 0;
}

void policy_source_release(struct policy_source *src)
{
	free(src->bytes);
	memset(src, 0, sizeof(*src));
}

int policy_resolve(const struct policy_source *src, uint64_t caps, struct profile **prof,
		   struct rule_set *rs, struct ward_err *err)
{
	struct resolve_ctx ctx;
	int r;

	memset(rs, 0, sizeof(*rs));
	*prof = NULL;
	r = profile_parse(src->data, src->len, prof, err);
	if (r < 0)
		return err_prefix(err, "seccomp profile '%s'", src->name);
	r = resolve_ctx_host(&ctx, caps, err);
	if (r < 0)
		return r;
	r = profile_resolve(*prof, &ctx, rs, err);
	if (r < 0)
		return err_prefix(err, "seccomp profile '%s'", src->name);
	return 0;
}

/*
 * The cache directory: $WARD_CACHE_DIR (empty: no cache); for root
 * POLICY_CACHE_DIR; for a rootless ward (euid != 0, as main.c decides) the
 * user's own, $XDG_CACHE_HOME/ward/seccomp or $HOME/.cache/ward/seccomp (NULL
 * when neither is an absolute path). A string to free(), or NULL.
 */
static char *cache_dir(void)
{
	const char *d = getenv("WARD_CACHE_DIR");
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");

	if (d)
		return *d ? xstrdup(d) : NULL;
	if (geteuid() == 0)
		return xstrdup(POLICY_CACHE_DIR);
	if (xdg && xdg[0] == '/') /* the XDG spec: a relative path is to be ignored */
		return xasprintf("%s/" POLICY_USER_CACHE_SUBDIR, xdg);
	if (home && home[0] == '/')
		return xasprintf("%s/.cache/" POLICY_USER_CACHE_SUBDIR, home);
	return NULL;
}

/* Why the cache was ignored, once per run: lookup and store may both find out. */
static void cache_warn(const struct ward_err *why)
{
	static bool warned;

	if (warned)
		return;
	warned = true;
	log_warn("%s", why->msg);
}

/* The filter from the cache in @dir: 1 on a hit, 0 otherwise (warned when ignored). */
static int cache_lookup(const char *dir, const struct filter_cache_key *key,
			struct filter_prog *out)
{
	struct ward_err why;
	int r;

	if (!dir)
		return 0;
	r = filter_cache_lookup(dir, key, out, &why);
	if (r < 0)
		cache_warn(&why);
	return r == 1;
}

static void cache_store(const char *dir, const struct filter_cache_key *key,
			const struct filter_prog *prog)
{
	struct ward_err err;

	if (!dir || !prog->enabled) /* unconfined is never cached (lookup refuses it) */
		return;
	if (filter_cache_store(dir, key, prog, &err) == 0)
		return;
	if (err.code == EPERM)
		cache_warn(&err); /* the same reason lookup gave, or a race since */
	else
		log_debug("seccomp cache not written: %s%s%s", err.msg, err.code ? ": " : "",
			  err.code ? strerror(err.code) : "");
}

/* The profile @spec names: config.json's linux.seccomp (borrowed), a file, or the built-in. */
static int source_of(const struct container_spec *spec, struct policy_source *src,
		     struct ward_err *err)
{
	if (spec->seccomp_mode == SPEC_SECCOMP_INLINE) {
		memset(src, 0, sizeof(*src));
		src->data = spec->seccomp_json;
		src->len = spec->seccomp_json_len;
		src->name = "config.json linux.seccomp";
		return 0;
	}
	return policy_read(spec->seccomp_mode == SPEC_SECCOMP_FILE ? spec->seccomp_path : NULL, src,
			   err);
}

int policy_listener(const struct container_spec *spec, char **path, char **metadata,
		    struct ward_err *err)
{
	struct policy_source src;
	struct profile *prof = NULL;
	int r;

	*path = *metadata = NULL;
	if (spec->seccomp_mode == SPEC_SECCOMP_UNCONFINED)
		return 0;
	r = source_of(spec, &src, err);
	if (r < 0)
		return r;
	r = profile_parse(src.data, src.len, &prof, err);
	if (r < 0) {
		err_prefix(err, "seccomp profile '%s'", src.name);
	} else {
		if (prof->listener_path)
			*path = xstrdup(prof->listener_path);
		if (prof->listener_metadata)
			*metadata = xstrdup(prof->listener_metadata);
	}
	profile_free(prof);
	policy_source_release(&src);
	return r;
}

int policy_prepare(const struct container_spec *spec, unsigned int build_flags,
		   struct filter_prog *out, bool *cache_hit, struct ward_err *err)
{
	struct policy_source src;
	struct filter_cache_key key;
	struct profile *prof = NULL;
	struct rule_set rs;
	cleanup_free char *dir = cache_dir();
	struct resolve_ctx ctx;
	int r;

	memset(out, 0, sizeof(*out));
	if (cache_hit)
		*cache_hit = false;
	if (spec->seccomp_mode == SPEC_SECCOMP_UNCONFINED)
		return 0;
	r = source_of(spec, &src, err);
	if (r < 0)
		return r;
	r = resolve_ctx_host(&ctx, spec->caps, err);
	if (r < 0) {
		policy_source_release(&src);
		return r;
	}
	memset(&key, 0, sizeof(key));
	key.profile = src.data;
	key.profile_len = src.len;
	key.caps = spec->caps;
	key.arch = ctx.native_scmp;
	key.build_flags = build_flags;
	if (cache_lookup(dir, &key, out)) {
		if (cache_hit)
			*cache_hit = true;
		policy_source_release(&src);
		return 0;
	}
	/* the default profile was compiled when ward was built, for the common cap sets */
	if (filter_builtin_lookup(&key, ctx.kernel_major, ctx.kernel_minor, out)) {
		cache_store(dir, &key, out);
		policy_source_release(&src);
		return 0;
	}
	r = policy_resolve(&src, spec->caps, &prof, &rs, err);
	if (r == 0) {
		r = filter_build(&rs, build_flags, out, err);
		if (r < 0)
			err_prefix(err, "seccomp profile '%s'", src.name);
	}
	rule_set_release(&rs);
	profile_free(prof);
	if (r == 0)
		cache_store(dir, &key, out);
	policy_source_release(&src);
	return r;
}
