/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * netdev.c - linux.netDevices: a host interface moved into the container's
 * network namespace and renamed in one rtnetlink request, then brought up
 * from a netlink socket made inside that namespace (ward enters it for the
 * socket() call only). Addresses do not follow: the kernel drops them on the move.
 */
#include "ward/netdev.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ward/cleanup.h"

/* one RTM_NEWLINK request: the header, the interface, two attributes at most */
struct link_req {
	struct nlmsghdr nh;
	struct ifinfomsg ifi;
	char attrs[64];
};

static void add_attr(struct link_req *req, unsigned short type, const void *data, size_t len)
{
	struct rtattr *rta = (struct rtattr *)((char *)req + NLMSG_ALIGN(req->nh.nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	req->nh.nlmsg_len = NLMSG_ALIGN(req->nh.nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

static void link_req_init(struct link_req *req, int index)
{
	memset(req, 0, sizeof(*req));
	req->nh.nlmsg_len = NLMSG_LENGTH(sizeof(req->ifi));
	req->nh.nlmsg_type = RTM_NEWLINK;
	req->nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req->nh.nlmsg_seq = 1;
	req->ifi.ifi_family = AF_UNSPEC;
	req->ifi.ifi_index = index;
}

/* send @req on @sock and read the kernel's answer. Return: 0, or the negative errno it gave. */
static int talk(int sock, struct link_req *req)
{
	char buf[4096];
	ssize_t n;

	if (send(sock, req, req->nh.nlmsg_len, 0) < 0)
		return -errno;
	do
		n = recv(sock, buf, sizeof(buf), 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	for (struct nlmsghdr *nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (size_t)n);
	     nh = NLMSG_NEXT(nh, n))
		if (nh->nlmsg_type == NLMSG_ERROR)
			return ((struct nlmsgerr *)NLMSG_DATA(nh))->error;
	return -EPROTO;
}

static int rtnl_socket(void)
{
	return socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
}

int netdev_check(const struct strv *devs, struct ward_err *err)
{
	for (size_t i = 0; i + 1 < devs->n; i += 2)
		if (if_nametoindex(devs->v[i]) == 0)
			return err_set(err, ENODEV,
				       "linux.netDevices: no interface '%s' on the host",
				       devs->v[i]);
	return 0;
}

/* a netlink socket of the network namespace @nsfd: ward enters it for socket() only */
static int socket_in(int nsfd, struct ward_err *err)
{
	cleanup_close int own = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	int sock, saved;

	if (own < 0)
		return err_set(err, errno,
			       "linux.netDevices: cannot open ward's network namespace");
	if (setns(nsfd, CLONE_NEWNET) < 0)
		return err_set(err, errno,
			       "linux.netDevices: cannot enter the container's network namespace");
	sock = rtnl_socket();
	saved = errno;
	if (setns(own, CLONE_NEWNET) < 0) {
		/* ward must not go on in the container's namespace */
		if (sock >= 0)
			close(sock);
		return err_set(err, errno,
			       "linux.netDevices: cannot return to ward's network "
			       "namespace");
	}
	if (sock < 0)
		return err_set(err, saved, "linux.netDevices: cannot open a netlink socket");
	return sock;
}

int netdev_move(const struct strv *devs, pid_t pid, struct ward_err *err)
{
	char path[64];
	cleanup_close int nsfd = -1, host = -1, inside = -1;
	struct link_req req;
	int r;

	if (devs->n == 0)
		return 0;
	(void)snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0)
		return err_set(err, errno, "linux.netDevices: cannot open '%s'", path);
	host = rtnl_socket();
	if (host < 0)
		return err_set(err, errno, "linux.netDevices: cannot open a netlink socket");
	inside = socket_in(nsfd, err);
	if (inside < 0)
		return -EINVAL;
	for (size_t i = 0; i + 1 < devs->n; i += 2) {
		const char *from = devs->v[i], *to = devs->v[i + 1];
		int index = (int)if_nametoindex(from), fd = nsfd;

		if (index == 0)
			return err_set(err, ENODEV,
				       "linux.netDevices: no interface '%s' on the host", from);
		link_req_init(&req, index);
		add_attr(&req, IFLA_NET_NS_FD, &fd, sizeof(fd));
		add_attr(&req, IFLA_IFNAME, to, strlen(to) + 1);
		r = talk(host, &req);
		if (r < 0)
			return err_set(err, -r,
				       "linux.netDevices: cannot move '%s' into the container as "
				       "'%s'",
				       from, to);
		/* found by its new name there (ifi_index 0) */
		link_req_init(&req, 0);
		req.ifi.ifi_flags = IFF_UP;
		req.ifi.ifi_change = IFF_UP;
		add_attr(&req, IFLA_IFNAME, to, strlen(to) + 1);
		r = talk(inside, &req);
		if (r < 0)
			return err_set(err, -r, "linux.netDevices: cannot bring '%s' up", to);
	}
	return 0;
}
