/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * oci.c - config.json as a whole, with yajl's tree API: the entry points that
 * read a bundle's config (and the pieces `ward exec --process`, `ward update -r`
 * and start/delete read again), each section handed to its parser (oci_*.c).
 *
 * Every field is checked for its JSON type and its meaning in the parent,
 * before anything is created.
 */
#include "ward/oci.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/json.h"
#include "ward/oci_parse.h"
#include "ward/util.h"

/* A JSON document that must be an object; NULL with @err set ("invalid JSON: ..."). */
static yajl_val parse_object(const char *json, size_t len, struct ward_err *err)
{
	yajl_val root = NULL;
	int r = json_parse(json, len, &root, err);

	if (r == -EINVAL)
		err_prefix(err, "invalid JSON");
	if (r < 0)
		return NULL;
	if (!YAJL_IS_OBJECT(root)) {
		yajl_tree_free(root);
		err_set(err, 0, "the document must be a JSON object");
		return NULL;
	}
	return root;
}

int oci_parse(const char *json, size_t len, const char *bundle, struct container_spec *spec,
	      struct ward_err *err)
{
	cleanup_json_tree yajl_val root = parse_object(json, len, err);
	const char *version = NULL, *hostname = NULL, *domainname = NULL;
	char host[HOST_NAME_MAX + 1];

	if (!root)
		return -EINVAL;
	spec->oci.oci = true;
	if (oci_get_string(root, "ociVersion", "ociVersion", &version, err) < 0)
		return -EINVAL;
	if (!version || !*version)
		return oci_bad(err, "ociVersion", "is required");
	if (!str_has_prefix(version, "1."))
		return err_set(err, 0, "ociVersion: unsupported version '%s' (ward speaks 1.x)",
			       version);
	if (oci_root_parse(json_get(root, "root"), bundle, spec, err) < 0 ||
	    oci_process_parse(json_get(root, "process"), spec, err) < 0 ||
	    oci_mounts_parse(json_get(root, "mounts"), bundle, spec, err) < 0 ||
	    oci_linux_parse(json_get(root, "linux"), spec, err) < 0 ||
	    oci_hooks_parse(json_get(root, "hooks"), &spec->oci, err) < 0 ||
	    oci_annotations_parse(json_get(root, "annotations"), &spec->oci, err) < 0)
		return -(err->code ? err->code : EINVAL);
	if (oci_get_string(root, "hostname", "hostname", &hostname, err) < 0)
		return -EINVAL;
	if (hostname && strlen(hostname) > HOST_NAME_MAX)
		return oci_bad(err, "hostname", "is longer than 64 bytes");
	spec->oci.hostname_set = hostname && *hostname;
	if (!hostname || !*hostname) {
		/* no hostname: the new UTS namespace keeps the host's */
		if (gethostname(host, sizeof(host)) < 0)
			return err_set(err, errno, "cannot read the host's name");
		host[sizeof(host) - 1] = '\0';
		hostname = host;
	}
	spec->hostname = xstrdup(hostname);
	if (oci_get_string(root, "domainname", "domainname", &domainname, err) < 0)
		return -EINVAL;
	if (domainname && strlen(domainname) > HOST_NAME_MAX)
		return oci_bad(err, "domainname", "is longer than 64 bytes");
	if (domainname && *domainname)
		spec->oci.domainname = xstrdup(domainname);
	return 0;
}

int oci_load(const char *bundle, const char *config, struct container_spec *spec,
	     struct ward_err *err)
{
	cleanup_free char *path =
	    config ? oci_bundle_path(bundle, config) : xasprintf("%s/config.json", bundle);
	const char *name = config ? config : "config.json";
	cleanup_free char *text = NULL;
	size_t len = 0;
	struct stat st;

	if (stat(bundle, &st) < 0)
		return err_set(err, errno == ENOENT ? 0 : errno, "bundle '%s' does not exist",
			       bundle);
	if (!S_ISDIR(st.st_mode))
		return err_set(err, 0, "bundle '%s' is not a directory", bundle);
	if (stat(path, &st) < 0 && errno == ENOENT)
		return err_set(err, 0, "%s: '%s' does not exist", name, path);
	if (read_file(path, OCI_CONFIG_MAX, &text, &len, err) < 0)
		return err_prefix(err, "%s", name);
	if (oci_parse(text, len, bundle, spec, err) < 0)
		return err_prefix(err, "%s", name);
	/* what the process gets: oci_parse() keeps process.env as given */
	spec_default_home(spec);
	return 0;
}

int oci_parse_resources(const char *json, size_t len, struct spec_resources *out,
			struct ward_err *err)
{
	cleanup_json_tree yajl_val root = parse_object(json, len, err);

	return root ? oci_resources_parse(root, out, err) : -EINVAL;
}

int oci_load_resources(const char *path, struct spec_resources *out, struct ward_err *err)
{
	cleanup_json_tree yajl_val root = NULL;
	cleanup_free char *text = NULL;
	size_t len = 0;
	yajl_val lx;

	if (read_file(path, OCI_CONFIG_MAX, &text, &len, err) < 0)
		return -EIO;
	root = parse_object(text, len, err);
	if (!root)
		return err_prefix(err, "%s", path);
	lx = json_get(root, "linux");
	if (lx && json_get(lx, "resources") &&
	    oci_resources_parse(json_get(lx, "resources"), out, err) < 0)
		return err_prefix(err, "%s", path);
	return 0;
}

int oci_load_process(const char *path, struct container_spec *spec, struct ward_err *err)
{
	cleanup_json_tree yajl_val root = NULL;
	cleanup_free char *text = NULL;
	size_t len = 0;

	if (read_file(path, OCI_CONFIG_MAX, &text, &len, err) < 0)
		return err_prefix(err, "--process");
	root = parse_object(text, len, err);
	if (!root)
		return err_prefix(err, "--process '%s'", path);
	/* the process replaces the config's, field by field as oci_process_parse() fills them */
	strv_release(&spec->argv);
	strv_release(&spec->env);
	free(spec->cwd);
	spec->cwd = NULL;
	free(spec->groups);
	spec->groups = NULL;
	spec->ngroups = 0;
	free(spec->oci.rlimits);
	spec->oci.rlimits = NULL;
	spec->oci.nrlimits = 0;
	spec->caps = 0;
	spec->oci.caps_effective = spec->oci.caps_permitted = 0;
	spec->oci.caps_inheritable = spec->oci.caps_ambient = 0;
	spec->no_new_privs = false;
	spec->oci.terminal = false;
	spec->oci.umask_set = false;
	spec->oci.oom_score_adj_set = false;
	memset(&spec->oci.sched, 0, sizeof(spec->oci.sched));
	if (oci_process_parse(root, spec, err) < 0 || oci_check_rlimits(&spec->oci, err) < 0)
		return err_prefix(err, "--process '%s'", path);
	spec_default_home(spec);
	return 0;
}

int oci_load_hooks(const char *path, struct container_spec *spec, struct ward_err *err)
{
	cleanup_json_tree yajl_val root = NULL;
	cleanup_free char *text = NULL;
	size_t len = 0;

	if (read_file(path, OCI_CONFIG_MAX, &text, &len, err) < 0)
		return -EIO;
	root = parse_object(text, len, err);
	if (!root)
		return err_prefix(err, "%s", path);
	if (oci_hooks_parse(json_get(root, "hooks"), &spec->oci, err) < 0 ||
	    (YAJL_IS_OBJECT(json_get(root, "linux")) &&
	     oci_host_parse(json_get(root, "linux"), &spec->oci, err) < 0))
		return err_prefix(err, "%s", path);
	return 0;
}
