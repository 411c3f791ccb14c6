/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ns.h - namespaces: which ones a container gets (parent), the ones it joins
 * by path (opened in the parent, entered in the child), and what is set up
 * inside the new UTS and network namespaces (child).
 */
#pragma once

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "ward/error.h"
#include "ward/spec.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080 /* Linux 5.6; older libc headers lack it */
#endif

/**
 * ns_clone_flags() - the CLONE_NEW* flags for @spec: Docker's set in flags
 * mode; for a config.json, the namespaces it lists without a path, plus a
 * mount namespace always (ward builds the rootfs in one).
 */
unsigned long ns_clone_flags(const struct container_spec *spec) __attribute__((nonnull));

/** ns_is_new() - whether the container gets a new namespace of @type (CLONE_NEW*). */
bool ns_is_new(const struct container_spec *spec, int type) __attribute__((nonnull));

/** ns_is_joined() - whether the config joins a namespace of @type by path. */
bool ns_is_joined(const struct container_spec *spec, int type) __attribute__((nonnull));

/**
 * ns_shares_mounts() - whether a config.json leaves out the mount namespace:
 * the container then inherits ward's (the spec's MUST). ward still builds the
 * container's tree in a mount namespace of its own, then ward attaches it over
 * the rootfs in its own namespace and the container chroots into it there.
 */
bool ns_shares_mounts(const struct container_spec *spec) __attribute__((nonnull));

#define NS_MAX_JOIN 8

/* The namespaces to join, opened in the parent (all fds close-on-exec). */
struct ns_plan {
	int fd[NS_MAX_JOIN]; /* entered by the child, in order */
	int type[NS_MAX_JOIN];
	size_t n;
	int pid_fd;	 /* a pid namespace: entered by the parent around clone, or -1 */
	int self_pid_fd; /* ward's own, to go back to, or -1 */
	int mnt_fd;	 /* ns_shares_mounts(): ward's mount namespace, or -1 */
};

void ns_plan_init(struct ns_plan *plan) __attribute__((nonnull));

/**
 * ns_prepare() - open the namespaces @spec joins by path and check each is of
 * the type the config says. Only pid, network, ipc, uts and cgroup namespaces
 * can be joined. Return: 0, or a negative errno with @err naming the path.
 */
int ns_prepare(struct ns_plan *plan, const struct container_spec *spec, struct ward_err *err)
    __attribute__((nonnull));

void ns_plan_release(struct ns_plan *plan) __attribute__((nonnull));

/**
 * ns_pid_enter() / ns_pid_leave() - in the parent, around clone: a joined pid
 * namespace only applies to children, so ward enters it for the clone and
 * goes back to its own right after. No-ops without a pid namespace to join.
 */
int ns_pid_enter(const struct ns_plan *plan, struct ward_err *err) __attribute__((nonnull));
int ns_pid_leave(const struct ns_plan *plan, struct ward_err *err) __attribute__((nonnull));

/** ns_join() - in the child, first thing: setns() into each planned namespace. */
int ns_join(const struct ns_plan *plan, struct ward_err *err) __attribute__((nonnull));

/** ns_set_hostname() - in the child's UTS namespace. Return: 0 or -errno. */
int ns_set_hostname(const char *hostname, struct ward_err *err) __attribute__((nonnull));

/** ns_set_domainname() - the NIS domain name, in the child's UTS namespace. Return: 0 or -errno. */
int ns_set_domainname(const char *domainname, struct ward_err *err) __attribute__((nonnull));

/**
 * ns_net_enter() - make a new network namespace and enter it (unshare(2)),
 * the caller's own kept open in *@own to go back to with ns_net_leave().
 * Return: a descriptor of the new one (close-on-exec), or -errno with @err set
 * and the caller still in its own.
 */
int ns_net_enter(int *own, struct ward_err *err) __attribute__((nonnull));

/** ns_net_leave() - back into @own (setns(2)), which is closed. Return: 0 or -errno. */
int ns_net_leave(int own, struct ward_err *err) __attribute__((nonnull));

/**
 * ns_loopback_up() - bring "lo" up in the new network namespace the caller is in, so the
 * container has 127.0.0.1 and nothing else (Docker's --network none).
 * Return: 0 or -errno.
 */
int ns_loopback_up(struct ward_err *err) __attribute__((nonnull));

/**
 * ns_enter_cgroup() - in the child, once the parent has moved it into its
 * cgroup: a new cgroup namespace rooted there, so the container sees its own
 * cgroup as "/". (Created at clone time, its root would be ward's cgroup.)
 * Return: 0 or -errno.
 */
int ns_enter_cgroup(struct ward_err *err) __attribute__((nonnull));

/**
 * ns_write_id_maps() - in ward, before releasing the child: write the config's
 * linux.uidMappings and gidMappings to /proc/@pid/uid_map and gid_map (ward as
 * root leaves setgroups allowed in the container; a rootless ward must deny it).
 * Return: 0, or a negative errno with @err naming the map.
 */
int ns_write_id_maps(const struct container_spec *spec, pid_t pid, struct ward_err *err)
    __attribute__((nonnull));

/**
 * ns_become_root() - in the child, first thing in a new user namespace once
 * the maps are written: uid and gid 0 of the namespace, and with @groups no
 * supplementary groups (ward's own ids are unmapped there; a rootless ward's
 * namespace denies setgroups, and its groups stay as they are).
 */
int ns_become_root(bool groups, struct ward_err *err) __attribute__((nonnull));

/**
 * ns_enter_time() - in the child: a new time namespace with the config's
 * linux.timeOffsets (monotonic and boottime), entered through
 * /proc/self/ns/time_for_children before the container's command runs.
 */
int ns_enter_time(const struct spec_oci *o, struct ward_err *err) __attribute__((nonnull));
