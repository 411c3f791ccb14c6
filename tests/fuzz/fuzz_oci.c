/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_oci.c - a bundle's config.json, as create and run --bundle read it:
 * oci_parse() into a fresh spec and, when it parses, oci_check_supported();
 * then the same bytes as an `update -r` resources object (oci_parse_resources()).
 * The bundle is a temporary directory holding an empty "rootfs" (root.path must
 * be a directory for parsing to go on); parsing only stats paths, so other
 * paths may name anything. The input is not NUL-terminated.
 */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ward/oci.h"
#include "ward/spec.h"
#include "ward/util.h"

static char bundle[] = "/tmp/ward-fuzz-bundle.XXXXXX";
static char *rootfs;

static void bundle_remove(void)
{
	(void)rmdir(rootfs); /* best effort: a leftover empty directory in /tmp */
	(void)rmdir(bundle);
}

/* the bundle directory, made on the first call and removed at exit */
static const char *bundle_dir(void)
{
	if (rootfs)
		return bundle;
	if (!mkdtemp(bundle)) {
		perror("fuzz: mkdtemp");
		abort();
	}
	rootfs = xasprintf("%s/rootfs", bundle);
	if (mkdir(rootfs, 0755) < 0) {
		perror("fuzz: mkdir rootfs");
		abort();
	}
	atexit(bundle_remove);
	return bundle;
}

static void parse_config(const uint8_t *data, size_t size)
{
	struct container_spec spec;
	struct ward_err err = {0};
	int r;

	spec_init(&spec);
	r = oci_parse((const char *)data, size, bundle_dir(), &spec, &err);
	fuzz_check("oci_parse", r, err.msg);
	if (r == 0) {
		err_clear(&err);
		r = oci_check_supported(&spec, &err);
		fuzz_check("oci_check_supported", r, err.msg);
	}
	spec_release(&spec);
}

static void parse_resources(const uint8_t *data, size_t size)
{
	struct spec_resources res = {0};
	struct ward_err err = {0};
	int r;

	r = oci_parse_resources((const char *)data, size, &res, &err);
	fuzz_check("oci_parse_resources", r, err.msg);
	spec_resources_release(&res); /* as `ward update` does */
}

int ward_fuzz_oci(const uint8_t *data, size_t size)
{
	fuzz_quiet();
	parse_config(data, size);
	parse_resources(data, size);
	return 0;
}

#ifdef WARD_FUZZ_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return ward_fuzz_oci(data, size);
}
#endif
