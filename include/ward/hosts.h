/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hosts.h - `ward run --add-host`, `--dns`, `--dns-search`, `--dns-option`: the
 * container's /etc/hosts, /etc/hostname and /etc/resolv.conf, written as Docker
 * writes them into a directory of their own and bound over the rootfs's.
 */
#pragma once

#include <stdbool.h>

#include "ward/error.h"
#include "ward/spec.h"
#include "ward/util.h"

struct hosts_opts {
	struct strv add_host;	/* "NAME:IP" (or NAME=IP) */
	struct strv dns;	/* nameserver addresses */
	struct strv dns_search; /* search domains */
	struct strv dns_option; /* resolver options */
};

/** hosts_check_add_host() - Docker's checks of one --add-host value. */
int hosts_check_add_host(const char *arg, struct ward_err *err) __attribute__((nonnull));

/** hosts_check_dns() - --dns: an IPv4 or IPv6 address. */
int hosts_check_dns(const char *arg, struct ward_err *err) __attribute__((nonnull));

/**
 * hosts_prepare() - when @o asks for any of it, write the files into a new
 * directory (*@dir, for hosts_cleanup()) and add their bind mounts to @spec:
 * /etc/hosts and /etc/hostname with --add-host, /etc/resolv.conf with a DNS flag.
 * Call after spec_finalize() (the hostname is known).
 *
 * Return: 0 (*@dir NULL when nothing was asked), or a negative errno with @err set.
 */
int hosts_prepare(struct container_spec *spec, const struct hosts_opts *o, char **dir,
		  struct ward_err *err) __attribute__((nonnull));

/** hosts_cleanup() - remove the directory hosts_prepare() made; frees *@dir. */
void hosts_cleanup(char **dir) __attribute__((nonnull));

void hosts_opts_release(struct hosts_opts *o) __attribute__((nonnull));
