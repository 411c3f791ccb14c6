/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ns.c - namespace flags, hostname, and the loopback interface. */
#include "ward/ns.h"

#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ward/cleanup.h"

unsigned long ns_clone_flags(const struct container_spec *spec)
{
	/* not CLONE_NEWCGROUP: see ns_enter_cgroup() */
	unsigned long flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC;

	if (spec->network == SPEC_NET_NONE)
		flags |= CLONE_NEWNET;
	return flags;
}

int ns_set_hostname(const char *hostname, struct ward_err *err)
{
	if (sethostname(hostname, strlen(hostname)) < 0)
		return err_set(err, errno, "cannot set hostname '%s'", hostname);
	return 0;
}

int ns_loopback_up(struct ward_err *err)
{
	cleanup_close int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr;

	if (fd < 0)
		return err_set(err, errno, "cannot open a socket to configure 'lo'");
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, "lo", 3);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return err_set(err, errno, "cannot read the flags of 'lo'");
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		return err_set(err, errno, "cannot bring 'lo' up");
	return 0;
}

int ns_enter_cgroup(struct ward_err *err)
{
	if (unshare(CLONE_NEWCGROUP) < 0)
		return err_set(err, errno, "cannot create a cgroup namespace");
	return 0;
}
