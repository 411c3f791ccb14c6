/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ns.c - namespace flags, joining namespaces by path, hostname, and the
 * loopback interface.
 */
#include "ward/ns.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/nsfs.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/util.h"

/* The namespaces a config may join by path, and their names for messages. */
static const struct {
	int type;
	const char *name;
} joinable[] = {
    {CLONE_NEWPID, "pid"}, {CLONE_NEWNET, "network"},	{CLONE_NEWIPC, "ipc"},
    {CLONE_NEWUTS, "uts"}, {CLONE_NEWCGROUP, "cgroup"},
};

static const char *joinable_name(int type)
{
	for (size_t i = 0; i < sizeof(joinable) / sizeof(joinable[0]); i++)
		if (joinable[i].type == type)
			return joinable[i].name;
	return NULL;
}

static const struct spec_namespace *listed(const struct container_spec *spec, int type)
{
	for (size_t i = 0; i < spec->oci.nnamespaces; i++)
		if (spec->oci.namespaces[i].type == type)
			return &spec->oci.namespaces[i];
	return NULL;
}

bool ns_is_new(const struct container_spec *spec, int type)
{
	const struct spec_namespace *ns;

	if (!spec->oci.oci) {
		if (spec->shared_ns & type) /* ward run --pid host, ... */
			return false;
		if (type == CLONE_NEWNET)
			return spec->network == SPEC_NET_NONE;
		if (type == CLONE_NEWUSER)
			return spec->rootless;
		return type == CLONE_NEWNS || type == CLONE_NEWPID || type == CLONE_NEWUTS ||
		       type == CLONE_NEWIPC || type == CLONE_NEWCGROUP;
	}
	/* ward builds the container's mount tree in a mount namespace of its own, always
	 * (ns_shares_mounts(): the container goes back to ward's once it is built) */
	if (type == CLONE_NEWNS)
		return true;
	ns = listed(spec, type);
	return ns && !ns->path;
}

bool ns_shares_mounts(const struct container_spec *spec)
{
	return spec->oci.oci && !listed(spec, CLONE_NEWNS);
}

bool ns_is_joined(const struct container_spec *spec, int type)
{
	const struct spec_namespace *ns = spec->oci.oci ? listed(spec, type) : NULL;

	return ns && ns->path;
}

unsigned long ns_clone_flags(const struct container_spec *spec)
{
	/*
	 * not CLONE_NEWCGROUP: see ns_enter_cgroup(); not CLONE_NEWTIME, which clone()
	 * cannot take: see ns_enter_time(). CLONE_NEWUSER with the others makes them
	 * owned by the new user namespace.
	 */
	static const int types[] = {CLONE_NEWUSER, CLONE_NEWNS,	 CLONE_NEWPID,
				    CLONE_NEWUTS,  CLONE_NEWIPC, CLONE_NEWNET};
	unsigned long flags = 0;

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (ns_is_new(spec, types[i]))
			flags |= (unsigned long)types[i];
	return flags;
}

void ns_plan_init(struct ns_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	plan->pid_fd = -1;
	plan->self_pid_fd = -1;
	plan->mnt_fd = -1;
}

int ns_prepare(struct ns_plan *plan, const struct container_spec *spec, struct ward_err *err)
{
	ns_plan_init(plan);
	for (size_t i = 0; spec->oci.oci && i < spec->oci.nnamespaces; i++) {
		const struct spec_namespace *ns = &spec->oci.namespaces[i];
		const char *name = joinable_name(ns->type);
		int fd, type;

		if (!ns->path)
			continue;
		if (!name)
			return err_set(err, ENOTSUP,
				       "joining a namespace of this type ('%s') is not supported "
				       "(ward joins pid, network, ipc, uts and cgroup namespaces)",
				       ns->path);
		/* O_NONBLOCK: a FIFO given as the path must not block the open */
		fd = open(ns->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0)
			return err_set(err, errno, "cannot open the %s namespace '%s'", name,
				       ns->path);
		/* the kernel would only say EINVAL at setns time, in the child */
		type = ioctl(fd, NS_GET_NSTYPE);
		if (type != ns->type) {
			int e = type < 0 ? errno : 0;

			close(fd);
			return err_set(err, e, "'%s' is not a %s namespace", ns->path, name);
		}
		if (ns->type == CLONE_NEWPID) {
			plan->pid_fd = fd;
			continue;
		}
		plan->fd[plan->n] = fd;
		plan->type[plan->n] = ns->type;
		plan->n++;
	}
	if (ns_shares_mounts(spec)) {
		plan->mnt_fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
		if (plan->mnt_fd < 0)
			return err_set(err, errno, "cannot open ward's own mount namespace");
	}
	if (plan->pid_fd >= 0) {
		plan->self_pid_fd = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
		if (plan->self_pid_fd < 0)
			return err_set(err, errno, "cannot open ward's own pid namespace");
	}
	return 0;
}

void ns_plan_release(struct ns_plan *plan)
{
	for (size_t i = 0; i < plan->n; i++)
		close(plan->fd[i]);
	if (plan->pid_fd >= 0)
		close(plan->pid_fd);
	if (plan->self_pid_fd >= 0)
		close(plan->self_pid_fd);
	if (plan->mnt_fd >= 0)
		close(plan->mnt_fd);
	ns_plan_init(plan);
}

int ns_pid_enter(const struct ns_plan *plan, struct ward_err *err)
{
	if (plan->pid_fd >= 0 && setns(plan->pid_fd, CLONE_NEWPID) < 0)
		return err_set(err, errno, "cannot join the pid namespace");
	return 0;
}

int ns_pid_leave(const struct ns_plan *plan, struct ward_err *err)
{
	if (plan->self_pid_fd >= 0 && setns(plan->self_pid_fd, CLONE_NEWPID) < 0)
		return err_set(err, errno, "cannot return to ward's own pid namespace");
	return 0;
}

int ns_join(const struct ns_plan *plan, struct ward_err *err)
{
	for (size_t i = 0; i < plan->n; i++) {
		if (setns(plan->fd[i], plan->type[i]) < 0)
			return err_set(err, errno, "cannot join the %s namespace",
				       joinable_name(plan->type[i]));
		close(plan->fd[i]); /* nothing after this needs it; CLOEXEC anyway */
	}
	return 0;
}

int ns_set_hostname(const char *hostname, struct ward_err *err)
{
	if (sethostname(hostname, strlen(hostname)) < 0)
		return err_set(err, errno, "cannot set hostname '%s'", hostname);
	return 0;
}

int ns_set_domainname(const char *domainname, struct ward_err *err)
{
	if (setdomainname(domainname, strlen(domainname)) < 0)
		return err_set(err, errno, "cannot set domainname '%s'", domainname);
	return 0;
}

int ns_net_enter(int *own, struct ward_err *err)
{
	int fd, saved;

	*own = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (*own < 0)
		return err_set(err, errno, "cannot open ward's network namespace");
	if (unshare(CLONE_NEWNET) < 0) {
		saved = errno;
		close(*own);
		*own = -1;
		return err_set(err, saved, "cannot create the container's network namespace");
	}
	fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	saved = errno;
	(void)ns_net_leave(*own, err);
	*own = -1;
	return err_set(err, saved, "cannot open the container's network namespace");
}

int ns_net_leave(int own, struct ward_err *err)
{
	int r = setns(own, CLONE_NEWNET), saved = errno;

	close(own);
	return r < 0 ? err_set(err, saved, "cannot return to ward's network namespace") : 0;
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

/* Write @n mappings to /proc/@pid/@file ("uid_map", "gid_map") in one write, as the kernel wants.
 */
static int write_map(pid_t pid, const char *file, const struct spec_idmap *map, size_t n,
		     struct ward_err *err)
{
	char path[64], buf[4096];
	size_t len = 0;
	cleanup_close int fd = -1;

	(void)snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	for (size_t i = 0; i < n; i++) {
		int w = snprintf(buf + len, sizeof(buf) - len, "%u %u %u\n", map[i].container_id,
				 map[i].host_id, map[i].size);

		if (w < 0 || (size_t)w >= sizeof(buf) - len)
			return err_set(err, E2BIG, "too many id mappings for '%s'", path);
		len += (size_t)w;
	}
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, errno, "cannot open '%s'", path);
	if (write(fd, buf, len) != (ssize_t)len)
		return err_set(err, errno, "cannot write the id mappings to '%s'", path);
	return 0;
}

int ns_write_id_maps(const struct container_spec *spec, pid_t pid, struct ward_err *err)
{
	const char *what = spec->rootless ? "rootless" : "linux.uidMappings";
	char path[64];
	int r = write_map(pid, "uid_map", spec->oci.uid_mappings, spec->oci.nuid_mappings, err);

	if (r < 0)
		return err_prefix(err, "%s", what);
	/* an unprivileged ward may write gid_map only once setgroups is denied */
	(void)snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)pid);
	if (spec->rootless && write_file(path, "deny", err) < 0)
		return err_prefix(err, "%s", what);
	r = write_map(pid, "gid_map", spec->oci.gid_mappings, spec->oci.ngid_mappings, err);
	if (r < 0)
		return err_prefix(err, "%s", spec->rootless ? "rootless" : "linux.gidMappings");
	return 0;
}

int ns_become_root(bool groups, struct ward_err *err)
{
	/* ward's own ids are not mapped: files it created would be refused (EOVERFLOW) */
	if (setresgid(0, 0, 0) < 0)
		return err_set(err, errno, "cannot become gid 0 of the user namespace");
	if (groups && setgroups(0, NULL) < 0)
		return err_set(err, errno, "cannot drop ward's supplementary groups");
	if (setresuid(0, 0, 0) < 0)
		return err_set(err, errno, "cannot become uid 0 of the user namespace");
	return 0;
}

int ns_enter_time(const struct spec_oci *o, struct ward_err *err)
{
	static const char *const clocks[] = {"monotonic", "boottime"};
	cleanup_close int fd = -1;
	char buf[128];
	size_t len = 0;

	if (unshare(CLONE_NEWTIME) < 0)
		return err_set(err, errno, "cannot create a time namespace");
	/* the offsets can be set only before a process is in it: ours enters after */
	for (size_t k = 0; k < 2; k++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s %lld %u\n", clocks[k],
					(long long)o->time_offsets[k].secs,
					o->time_offsets[k].nanosecs); /* fits: 2 x at most 50 */
	fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, buf, len) != (ssize_t)len)
		return err_set(err, errno,
			       "linux.timeOffsets: cannot write '/proc/self/timens_offsets'");
	close(steal_fd(&fd));
	fd = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWTIME) < 0)
		return err_set(err, errno, "cannot enter the new time namespace");
	return 0;
}
