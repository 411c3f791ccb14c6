/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * oci_host.c - config.json's fields that hand the container something of the
 * host's: linux.netDevices (host interfaces moved into its network namespace)
 * and linux.intelRdt (a resctrl group); parsed and checked here, applied by
 * src/launch/netdev.c and src/launch/resctrl.c.
 */
#include "ward/oci_parse.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>

#include "ward/json.h"

/* a Linux interface name: 1 to IFNAMSIZ-1 bytes, no '/', ':' or white space, not . or .. */
static bool valid_ifname(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= IFNAMSIZ || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	return strpbrk(name, "/: \t\n") == NULL;
}

static int parse_netdevs(yajl_val nd, struct spec_oci *o, struct ward_err *err)
{
	char field[OCI_FIELD_MAX];

	if (oci_check_object(nd, "linux.netDevices", err) < 0)
		return -EINVAL;
	for (size_t i = 0; nd && i < nd->u.object.len; i++) {
		const char *host = nd->u.object.keys[i], *name = NULL;
		yajl_val dev = nd->u.object.values[i];

		(void)snprintf(field, sizeof(field), "linux.netDevices.%s", host);
		if (!valid_ifname(host))
			return err_set(err, 0, "linux.netDevices: '%s' is not an interface name",
				       host);
		if (oci_check_object(dev, field, err) < 0)
			return -EINVAL;
		(void)snprintf(field, sizeof(field), "linux.netDevices.%s.name", host);
		if (oci_get_string(dev, "name", field, &name, err) < 0)
			return -EINVAL;
		if (!name || !*name)
			name = host;
		if (!valid_ifname(name))
			return err_set(err, 0, "%s: '%s' is not an interface name", field, name);
		for (size_t k = 0; k < o->netdevs.n; k += 2)
			if (strcmp(o->netdevs.v[k + 1], name) == 0)
				return err_set(err, 0, "%s: '%s' is given to two interfaces", field,
					       name);
		strv_push(&o->netdevs, host);
		strv_push(&o->netdevs, name);
	}
	return 0;
}

static int get_rdt_string(yajl_val rdt, const char *key, char **out, struct ward_err *err)
{
	char field[OCI_FIELD_MAX];
	const char *v = NULL;

	(void)snprintf(field, sizeof(field), "linux.intelRdt.%s", key);
	if (oci_get_string(rdt, key, field, &v, err) < 0)
		return -EINVAL;
	if (v && *v)
		*out = xstrdup(v);
	return 0;
}

static int parse_rdt(yajl_val rdt, struct spec_rdt *out, struct ward_err *err)
{
	const char *clos;

	if (!rdt)
		return 0;
	if (oci_check_object(rdt, "linux.intelRdt", err) < 0 ||
	    get_rdt_string(rdt, "closID", &out->clos_id, err) < 0 ||
	    get_rdt_string(rdt, "l3CacheSchema", &out->l3_cache_schema, err) < 0 ||
	    get_rdt_string(rdt, "memBwSchema", &out->mem_bw_schema, err) < 0 ||
	    get_rdt_string(rdt, "schemata", &out->schemata, err) < 0 ||
	    oci_get_bool(rdt, "enableCMT", "linux.intelRdt.enableCMT", &out->enable_cmt, err) < 0 ||
	    oci_get_bool(rdt, "enableMBM", "linux.intelRdt.enableMBM", &out->enable_mbm, err) < 0)
		return -EINVAL;
	clos = out->clos_id;
	/* a directory of the resctrl root, as runc checks it */
	if (clos && (strchr(clos, '/') || strcmp(clos, ".") == 0 || strcmp(clos, "..") == 0))
		return err_set(err, 0, "linux.intelRdt.closID: '%s' is not a group name", clos);
	if (out->mem_bw_schema &&
	    (!str_has_prefix(out->mem_bw_schema, "MB:") || strchr(out->mem_bw_schema, '\n')))
		return oci_bad(err, "linux.intelRdt.memBwSchema",
			       "must be one line starting with \"MB:\"");
	out->set = true;
	return 0;
}

/* linux.personality: LINUX or LINUX32; the spec defines no flag yet */
static int parse_personality(yajl_val p, struct spec_sched *out, struct ward_err *err)
{
	yajl_val flags;
	const char *domain = NULL;

	if (!p)
		return 0;
	if (!YAJL_IS_OBJECT(p))
		return oci_bad(err, "linux.personality", "must be an object");
	if (oci_get_string(p, "domain", "linux.personality.domain", &domain, err) < 0)
		return -EINVAL;
	if (!domain)
		return oci_bad(err, "linux.personality.domain", "is required");
	if (strcmp(domain, "LINUX") == 0)
		out->personality = PER_LINUX;
	else if (strcmp(domain, "LINUX32") == 0)
		out->personality = PER_LINUX32;
	else
		return err_set(err, 0,
			       "linux.personality.domain: unknown domain '%s' (LINUX or LINUX32)",
			       domain);
	flags = json_get(p, "flags");
	if (flags && !YAJL_IS_ARRAY(flags))
		return oci_bad(err, "linux.personality.flags", "must be an array");
	if (flags && flags->u.array.len)
		return oci_bad(err, "linux.personality.flags",
			       "no flag is supported (the runtime spec defines none)");
	out->personality_set = true;
	return 0;
}

int oci_host_parse(yajl_val lx, struct spec_oci *o, struct ward_err *err)
{
	if (parse_netdevs(json_get(lx, "netDevices"), o, err) < 0 ||
	    parse_rdt(json_get(lx, "intelRdt"), &o->rdt, err) < 0 ||
	    parse_personality(json_get(lx, "personality"), &o->sched, err) < 0)
		return -EINVAL;
	return 0;
}
