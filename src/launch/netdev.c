/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * netdev.c - linux.netDevices: a host interface moved into the container's
 * network namespace and renamed in one rtnetlink request, then given back its
 * permanent addresses of global scope (the kernel drops them on the move) and
 * brought up, from a netlink socket made inside that namespace (ward enters it
 * for the socket() call only).
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

/* the addresses of one interface ward carries over, at most */
#define NETDEV_MAX_ADDRS 32

/* one rtnetlink request: the header, an ifinfomsg or ifaddrmsg, a few attributes */
struct nl_req {
	struct nlmsghdr nh;
	union {
		struct ifinfomsg ifi;
		struct ifaddrmsg ifa;
	};
	char attrs[96];
};

/* an address of the interface: permanent, of global scope (the spec's rule) */
struct netdev_addr {
	unsigned char family, prefixlen;
	unsigned char data[16];
	size_t len;
};

static void add_attr(struct nl_req *req, unsigned short type, const void *data, size_t len)
{
	struct rtattr *rta = (void *)((char *)req + NLMSG_ALIGN(req->nh.nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	req->nh.nlmsg_len = NLMSG_ALIGN(req->nh.nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

static void req_init(struct nl_req *req, unsigned short type, unsigned short flags, size_t body)
{
	memset(req, 0, sizeof(*req));
	req->nh.nlmsg_len = (unsigned int)NLMSG_LENGTH(body);
	req->nh.nlmsg_type = type;
	req->nh.nlmsg_flags = (unsigned short)(NLM_F_REQUEST | flags);
	req->nh.nlmsg_seq = 1;
}

static void link_req_init(struct nl_req *req, int index)
{
	req_init(req, RTM_NEWLINK, NLM_F_ACK, sizeof(req->ifi));
	req->ifi.ifi_family = AF_UNSPEC;
	req->ifi.ifi_index = index;
}

/* NLMSG_NEXT() without its cast from char * (-Wcast-align) */
static struct nlmsghdr *nl_next(struct nlmsghdr *nh, ssize_t *len)
{
	*len -= (ssize_t)NLMSG_ALIGN(nh->nlmsg_len);
	return (void *)((char *)nh + NLMSG_ALIGN(nh->nlmsg_len));
}

static ssize_t recv_some(int sock, char *buf, size_t len)
{
	ssize_t n;

	do
		n = recv(sock, buf, len, 0);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

/*
 * send @req on @sock and read the kernel's answer; a reply of type @want (not
 * 0) is copied into @reply first. Return: 0, or the negative errno it gave.
 */
static int talk(int sock, struct nl_req *req, unsigned short want, void *reply, size_t len)
{
	char buf[4096] __attribute__((aligned(NLMSG_ALIGNTO)));
	ssize_t n;

	if (send(sock, req, req->nh.nlmsg_len, 0) < 0)
		return -errno;
	n = recv_some(sock, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	for (struct nlmsghdr *nh = (void *)buf; NLMSG_OK(nh, (size_t)n); nh = nl_next(nh, &n)) {
		if (nh->nlmsg_type == NLMSG_ERROR)
			return ((struct nlmsgerr *)NLMSG_DATA(nh))->error;
		if (want && nh->nlmsg_type == want && reply) {
			memcpy(reply, NLMSG_DATA(nh), len);
			return 0;
		}
	}
	return -EPROTO;
}

/* keep @nh's address in @out when it is interface @index's, permanent and of global scope */
static void keep_addr(struct nlmsghdr *nh, int index, struct netdev_addr *out, size_t *n)
{
	struct ifaddrmsg *ifa = NLMSG_DATA(nh);
	int len = (int)IFA_PAYLOAD(nh);
	struct rtattr *local = NULL, *addr = NULL;
	unsigned int flags = ifa->ifa_flags;

	if ((int)ifa->ifa_index != index || ifa->ifa_scope != RT_SCOPE_UNIVERSE ||
	    *n >= NETDEV_MAX_ADDRS)
		return;
	/* IFA_RTA() and RTA_NEXT() without their casts from char * (-Wcast-align) */
	for (struct rtattr *rta = (void *)((char *)ifa + NLMSG_ALIGN(sizeof(*ifa)));
	     RTA_OK(rta, len); len -= RTA_ALIGN(rta->rta_len),
			   rta = (void *)((char *)rta + RTA_ALIGN(rta->rta_len))) {
		if (rta->rta_type == IFA_LOCAL)
			local = rta;
		else if (rta->rta_type == IFA_ADDRESS)
			addr = rta;
		else if (rta->rta_type == IFA_FLAGS && RTA_PAYLOAD(rta) >= sizeof(flags))
			memcpy(&flags, RTA_DATA(rta), sizeof(flags));
	}
	/* IPv4 says its own address in IFA_LOCAL (IFA_ADDRESS: a point-to-point peer) */
	if (local)
		addr = local;
	if (!(flags & IFA_F_PERMANENT) || !addr || RTA_PAYLOAD(addr) > sizeof(out->data))
		return;
	out[*n].family = ifa->ifa_family;
	out[*n].prefixlen = ifa->ifa_prefixlen;
	out[*n].len = RTA_PAYLOAD(addr);
	memcpy(out[*n].data, RTA_DATA(addr), out[*n].len);
	(*n)++;
}

/* the addresses of interface @index to carry over (a dump of RTM_GETADDR) */
static int read_addrs(int sock, int index, struct netdev_addr *out, size_t *n)
{
	char buf[8192] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nl_req req;

	*n = 0;
	req_init(&req, RTM_GETADDR, NLM_F_DUMP, sizeof(req.ifa));
	req.ifa.ifa_family = AF_UNSPEC;
	if (send(sock, &req, req.nh.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		ssize_t len = recv_some(sock, buf, sizeof(buf));

		if (len < 0)
			return (int)len;
		for (struct nlmsghdr *nh = (void *)buf; NLMSG_OK(nh, (size_t)len);
		     nh = nl_next(nh, &len)) {
			if (nh->nlmsg_type == NLMSG_DONE)
				return 0;
			if (nh->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(nh))->error;
			if (nh->nlmsg_type == RTM_NEWADDR)
				keep_addr(nh, index, out, n);
		}
	}
}

/* the moved interface @name, inside: given the addresses it had, and up */
static int finish_inside(int sock, const char *name, const struct netdev_addr *addrs, size_t n,
			 struct ward_err *err)
{
	struct ifinfomsg info;
	struct nl_req req;
	int r;

	/* found by its new name there */
	req_init(&req, RTM_GETLINK, 0, sizeof(req.ifi));
	add_attr(&req, IFLA_IFNAME, name, strlen(name) + 1);
	r = talk(sock, &req, RTM_NEWLINK, &info, sizeof(info));
	if (r < 0)
		return err_set(err, -r, "linux.netDevices: cannot find '%s' in the container",
			       name);
	for (size_t i = 0; i < n; i++) {
		req_init(&req, RTM_NEWADDR, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, sizeof(req.ifa));
		req.ifa.ifa_family = addrs[i].family;
		req.ifa.ifa_prefixlen = addrs[i].prefixlen;
		req.ifa.ifa_flags = IFA_F_PERMANENT;
		req.ifa.ifa_scope = RT_SCOPE_UNIVERSE;
		req.ifa.ifa_index = (unsigned int)info.ifi_index;
		add_attr(&req, IFA_LOCAL, addrs[i].data, addrs[i].len);
		add_attr(&req, IFA_ADDRESS, addrs[i].data, addrs[i].len);
		r = talk(sock, &req, 0, NULL, 0);
		if (r < 0 && r != -EEXIST)
			return err_set(err, -r, "linux.netDevices: cannot give '%s' its address",
				       name);
	}
	link_req_init(&req, info.ifi_index);
	req.ifi.ifi_flags = IFF_UP;
	req.ifi.ifi_change = IFF_UP;
	r = talk(sock, &req, 0, NULL, 0);
	if (r < 0)
		return err_set(err, -r, "linux.netDevices: cannot bring '%s' up", name);
	return 0;
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
	struct netdev_addr addrs[NETDEV_MAX_ADDRS];
	struct nl_req req;
	size_t naddrs = 0;
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
		r = read_addrs(host, index, addrs, &naddrs);
		if (r < 0)
			return err_set(err, -r,
				       "linux.netDevices: cannot read the addresses of '%s'", from);
		link_req_init(&req, index);
		add_attr(&req, IFLA_NET_NS_FD, &fd, sizeof(fd));
		add_attr(&req, IFLA_IFNAME, to, strlen(to) + 1);
		r = talk(host, &req, 0, NULL, 0);
		if (r < 0)
			return err_set(err, -r,
				       "linux.netDevices: cannot move '%s' into the container as "
				       "'%s'",
				       from, to);
		if (finish_inside(inside, to, addrs, naddrs, err) < 0)
			return -EINVAL;
	}
	return 0;
}
