/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * netdev.h - linux.netDevices: host interfaces moved into the container's new
 * network namespace, renamed and up (src/launch/netdev.c), from the parent
 * before the container's process is released.
 */
#pragma once

#include <sys/types.h>

#include "ward/error.h"
#include "ward/util.h"

/**
 * netdev_check() - before anything starts: every interface of @devs (host name,
 * name inside, ... as struct spec_oci's netdevs) exists on the host.
 *
 * Return: 0, or -ENODEV with @err naming the interface.
 */
int netdev_check(const struct strv *devs, struct ward_err *err) __attribute__((nonnull));

/**
 * netdev_move() - each interface of @devs into the network namespace of @pid
 * under its new name (rtnetlink RTM_NEWLINK with IFLA_NET_NS_FD and IFLA_IFNAME),
 * then set up there.
 *
 * Return: 0, or a negative errno with @err naming the interface.
 */
int netdev_move(const struct strv *devs, pid_t pid, struct ward_err *err) __attribute__((nonnull));
