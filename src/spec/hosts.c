/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hosts.c - the container's /etc/hosts, /etc/hostname and /etc/resolv.conf for
 * --add-host and the DNS flags (hosts.h), written as Docker writes them.
 */
#include "ward/hosts.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ward/cleanup.h"

static bool is_ip(const char *s)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

int hosts_check_add_host(const char *arg, struct ward_err *err)
{
	/* NAME:IP, where an IPv6 address has colons of its own; NAME=IP too */
	const char *sep = strchr(arg, '=') ? strchr(arg, '=') : strchr(arg, ':');

	if (!sep || sep == arg)
		return err_set(err, 0, "invalid --add-host '%s': use NAME:IP", arg);
	if (strcmp(sep + 1, "host-gateway") == 0)
		return err_set(err, 0,
			       "invalid --add-host '%s': ward has no bridge network, so no "
			       "host-gateway (give an address)",
			       arg);
	if (!is_ip(sep + 1))
		return err_set(err, 0, "invalid --add-host '%s': invalid IP address '%s'", arg,
			       sep + 1);
	for (const char *p = arg; p < sep; p++)
		if (*p == ' ' || *p == '\t')
			return err_set(err, 0, "invalid --add-host '%s': a space in the name", arg);
	return 0;
}

int hosts_check_dns(const char *arg, struct ward_err *err)
{
	if (!is_ip(arg))
		return err_set(err, 0, "invalid --dns '%s': not an IP address", arg);
	return 0;
}

static int write_text(const char *dir, const char *name, const char *text, struct ward_err *err)
{
	cleanup_free char *path = xasprintf("%s/%s", dir, name);
	cleanup_fclose FILE *f = fopen(path, "we");

	if (!f || fputs(text, f) < 0 || fflush(f) != 0)
		return err_set(err, errno, "cannot write '%s'", path);
	(void)fchmod(fileno(f), 0644);
	return 0;
}

/* The host's file at @path, or "" */
static char *slurp(const char *path)
{
	char *text = NULL;
	size_t len;
	struct ward_err e;

	if (read_file(path, 1u << 20, &text, &len, &e) < 0)
		return xstrdup("");
	return text;
}

static char *hosts_text(const struct container_spec *spec, const struct hosts_opts *o)
{
	char *text;

	/* the host's network: the host's hosts file, as Docker does */
	if (spec->network == SPEC_NET_HOST)
		text = slurp("/etc/hosts");
	else
		text = xasprintf("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
				 "fe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\n"
				 "ff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n");
	for (size_t i = 0; i < o->add_host.n; i++) {
		const char *a = o->add_host.v[i];
		const char *sep = strchr(a, '=') ? strchr(a, '=') : strchr(a, ':');
		char *more = xasprintf("%s%s\t%.*s\n", text, sep + 1, (int)(sep - a), a);

		free(text);
		text = more;
	}
	/* the container's own name resolves (no bridge address: loopback's) */
	if (spec->network != SPEC_NET_HOST) {
		char *more = xasprintf("%s127.0.0.1\t%s\n", text, spec->hostname);

		free(text);
		text = more;
	}
	return text;
}

/* nameserver lines: --dns, else the host's without loopback ones (Docker's fallback) */
static char *nameservers(const struct container_spec *spec, const struct hosts_opts *o)
{
	cleanup_free char *host = NULL;
	char *out = xstrdup(""), *line, *save = NULL;

	for (size_t i = 0; i < o->dns.n; i++) {
		char *more = xasprintf("%snameserver %s\n", out, o->dns.v[i]);

		free(out);
		out = more;
	}
	if (o->dns.n)
		return out;
	host = slurp("/etc/resolv.conf");
	for (line = strtok_r(host, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char addr[64];

		if (sscanf(line, "nameserver %63s", addr) != 1)
			continue;
		if (spec->network != SPEC_NET_HOST &&
		    (strncmp(addr, "127.", 4) == 0 || strcmp(addr, "::1") == 0))
			continue;
		char *more = xasprintf("%snameserver %s\n", out, addr);

		free(out);
		out = more;
	}
	if (!*out) {
		free(out);
		out = xstrdup("nameserver 8.8.8.8\nnameserver 8.8.4.4\n");
	}
	return out;
}

static char *join(const struct strv *sv)
{
	char *out = xstrdup("");

	for (size_t i = 0; i < sv->n; i++) {
		char *more = xasprintf("%s%s%s", out, i ? " " : "", sv->v[i]);

		free(out);
		out = more;
	}
	return out;
}

static char *resolv_text(const struct container_spec *spec, const struct hosts_opts *o)
{
	cleanup_free char *ns = nameservers(spec, o);
	cleanup_free char *search = join(&o->dns_search);
	cleanup_free char *options = join(&o->dns_option);

	return xasprintf("%s%s%s%s%s%s%s", ns, o->dns_search.n ? "search " : "", search,
			 o->dns_search.n ? "\n" : "", o->dns_option.n ? "options " : "", options,
			 o->dns_option.n ? "\n" : "");
}

static int bind_file(struct container_spec *spec, const char *dir, const char *name,
		     const char *dst, struct ward_err *err)
{
	cleanup_free char *v = xasprintf("%s/%s:%s", dir, name, dst);

	return spec_parse_volume(spec, v, err);
}

static int write_all_files(struct container_spec *spec, const struct hosts_opts *o, const char *dir,
			   struct ward_err *err)
{
	bool dns = o->dns.n || o->dns_search.n || o->dns_option.n;
	int r = 0;

	if (o->add_host.n) {
		cleanup_free char *hosts = hosts_text(spec, o);
		cleanup_free char *name = xasprintf("%s\n", spec->hostname);

		r = write_text(dir, "hosts", hosts, err);
		if (r == 0)
			r = write_text(dir, "hostname", name, err);
		if (r == 0)
			r = bind_file(spec, dir, "hosts", "/etc/hosts", err);
		if (r == 0)
			r = bind_file(spec, dir, "hostname", "/etc/hostname", err);
	}
	if (r == 0 && dns) {
		cleanup_free char *resolv = resolv_text(spec, o);

		r = write_text(dir, "resolv.conf", resolv, err);
		if (r == 0)
			r = bind_file(spec, dir, "resolv.conf", "/etc/resolv.conf", err);
	}
	return r;
}

int hosts_prepare(struct container_spec *spec, const struct hosts_opts *o, char **dir,
		  struct ward_err *err)
{
	const char *tmp = getenv("TMPDIR");
	int r;

	*dir = NULL;
	if (!o->add_host.n && !o->dns.n && !o->dns_search.n && !o->dns_option.n)
		return 0;
	*dir = xasprintf("%s/ward-etc-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(*dir)) {
		r = err_set(err, errno, "cannot create a directory for /etc/hosts");
		free(*dir);
		*dir = NULL;
		return r;
	}
	(void)chmod(*dir, 0755); /* the container's users read the files */
	r = write_all_files(spec, o, *dir, err);
	if (r < 0)
		hosts_cleanup(dir);
	return r;
}

void hosts_cleanup(char **dir)
{
	static const char *const names[] = {"hosts", "hostname", "resolv.conf"};

	if (!*dir)
		return;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		cleanup_free char *p = xasprintf("%s/%s", *dir, names[i]);

		(void)unlink(p); /* may not be there */
	}
	(void)rmdir(*dir);
	free(*dir);
	*dir = NULL;
}

void hosts_opts_release(struct hosts_opts *o)
{
	strv_release(&o->add_host);
	strv_release(&o->dns);
	strv_release(&o->dns_search);
	strv_release(&o->dns_option);
}
