/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * spec.h - struct container_spec: everything a container needs, validated, in one
 * place, whatever the input (`ward run`'s flags, or an OCI bundle's config.json). The
 * launcher reads only this struct; it owns all of its strings.
 */
#pragma once

#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "ward/devcg.h"
#include "ward/error.h"
#include "ward/util.h"

/* Docker's PATH for containers whose image sets none. */
#define SPEC_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

enum spec_mount_kind {
	SPEC_MOUNT_BIND,    /* -v SRC:DST[:ro]; config.json bind/rbind */
	SPEC_MOUNT_TMPFS,   /* --tmpfs DST[:opts] */
	SPEC_MOUNT_OTHER,   /* config.json: any other type, handed to mount(2) as given */
	SPEC_MOUNT_SYMLINK, /* a bind of a symlink with copy-symlink: the link, made anew */
};

/* what a config.json mount asks beyond mount(2)'s flags */
enum spec_mount_extra {
	SPEC_MNT_TMPCOPYUP = 1 << 0, /* tmpfs: the rootfs's files under it copied in (crun) */
};

struct spec_mount {
	enum spec_mount_kind kind;
	char *source;		   /* host path (bind), mount(2)'s source (other), link target */
	char *destination;	   /* absolute path inside the container */
	char *type;		   /* SPEC_MOUNT_OTHER: the filesystem type */
	unsigned long flags;	   /* MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, ... */
	char *data;		   /* filesystem options (size=, mode=, lowerdir=, ...) or NULL */
	unsigned long propagation; /* config.json: MS_PRIVATE, MS_SLAVE, ... (| MS_REC) or 0 */
	unsigned int extra;	   /* enum spec_mount_extra */
	/* recursive attributes (rro, rnosuid, ...): MOUNT_ATTR_* set and cleared on the
	 * mount and every mount below it (mount_setattr(2)) */
	uint64_t attr_set, attr_clr;
};

enum spec_seccomp_mode {
	SPEC_SECCOMP_DEFAULT,	 /* the built-in profile */
	SPEC_SECCOMP_UNCONFINED, /* no filter */
	SPEC_SECCOMP_FILE,	 /* seccomp_path */
	SPEC_SECCOMP_INLINE,	 /* seccomp_json: config.json's linux.seccomp, re-serialised */
};

enum spec_network {
	SPEC_NET_NONE, /* a new network namespace with loopback up */
	SPEC_NET_HOST, /* the host's network namespace */
};

/* Resource limits (cgroups); a zero `set` bit means "not asked for". */
enum spec_res_flags {
	SPEC_RES_MEMORY = 1 << 0,
	SPEC_RES_MEMORY_SWAP = 1 << 1,
	SPEC_RES_PIDS = 1 << 2,
	SPEC_RES_CPUS = 1 << 3,
	SPEC_RES_CPU_SHARES = 1 << 4,
	SPEC_RES_CPU_WEIGHT = 1 << 5,
	SPEC_RES_CPUSET_CPUS = 1 << 6,
	SPEC_RES_DEVICES = 1 << 7,
	/* config.json only (linux.resources) */
	SPEC_RES_MEMORY_OCI = 1 << 8, /* reservation, swappiness, disableOOMKiller, kernel* */
	SPEC_RES_CPU_RT = 1 << 9,     /* cpu.realtimeRuntime / realtimePeriod */
	SPEC_RES_CPUSET_MEMS = 1 << 10,
	SPEC_RES_BLKIO = 1 << 11,
	SPEC_RES_HUGETLB = 1 << 12,
	SPEC_RES_NET_CLS = 1 << 13,
	SPEC_RES_NET_PRIO = 1 << 14,
	SPEC_RES_UNIFIED = 1 << 15,
	SPEC_RES_CPU_IDLE = 1 << 16,
	SPEC_RES_CPU_BURST = 1 << 17,
	SPEC_RES_RDMA = 1 << 18,
};

/* which of linux.resources.memory's other fields are given */
enum spec_mem_flags {
	SPEC_MEM_RESERVATION = 1 << 0,
	SPEC_MEM_SWAPPINESS = 1 << 1,
	SPEC_MEM_NO_OOM_KILL = 1 << 2,
	SPEC_MEM_KERNEL = 1 << 3,
	SPEC_MEM_KERNEL_TCP = 1 << 4,
	SPEC_MEM_USE_HIERARCHY = 1 << 5,       /* v1 memory.use_hierarchy: use_hierarchy */
	SPEC_MEM_CHECK_BEFORE_UPDATE = 1 << 6, /* no limit below the usage (update) */
};

/* linux.resources.blockIO's per-device entries (weightDevice, throttle*Device) */
enum spec_blkio_kind {
	SPEC_BLKIO_WEIGHT,
	SPEC_BLKIO_READ_BPS,
	SPEC_BLKIO_WRITE_BPS,
	SPEC_BLKIO_READ_IOPS,
	SPEC_BLKIO_WRITE_IOPS,
};

struct spec_blkio_dev {
	enum spec_blkio_kind kind;
	unsigned int major, minor;
	uint64_t value;	      /* weight or rate; UINT64_MAX: not given (a leafWeight-only entry) */
	uint64_t leaf_weight; /* weightDevice's leafWeight, or 0 */
};

/* linux.resources.hugepageLimits[] and network.priorities[] */
struct spec_res_entry {
	char *name; /* a page size ("2MB") or an interface name */
	uint64_t value;
};
struct spec_resources {
	unsigned int set;	/* enum spec_res_flags */
	uint64_t memory;	/* bytes (--memory) */
	int64_t memory_swap;	/* bytes of memory+swap (--memory-swap); -1 = unlimited */
	int64_t pids;		/* --pids-limit; -1 = unlimited */
	uint64_t cpu_quota_us;	/* --cpus N: quota = N * period */
	uint64_t cpu_period_us; /* 100000 unless given */
	uint64_t cpu_shares;	/* --cpu-shares (v1 scale, 2..262144) */
	uint64_t cpu_weight;	/* --cpu-weight (v2 scale, 1..10000) */
	char *cpuset_cpus;	/* --cpuset-cpus "0-2,4" */
	/* the device cgroup's rules, in order (devcg.h): Docker's defaults for `ward
	 * run`, linux.resources.devices and the nodes the container gets for a config */
	struct devcg_rule *devices;
	size_t ndevices;
	bool devices_default; /* ward's own defaults: where they cannot be applied, warn */
	bool ignore_missing;  /* --ignore-missing-limits: warn instead of failing */
	/* config.json's other fields of linux.resources (each behind its `set` bit) */
	unsigned int mem;			  /* enum spec_mem_flags */
	int64_t memory_reservation;		  /* bytes; -1: unlimited */
	uint64_t swappiness;			  /* 0..100 */
	int64_t kernel_tcp;			  /* bytes; -1: unlimited */
	bool use_hierarchy;			  /* SPEC_MEM_USE_HIERARCHY's value */
	int64_t cpu_rt_runtime;			  /* us */
	uint64_t cpu_rt_period;			  /* us, or 0 */
	char *cpuset_mems;			  /* "0-1" */
	uint64_t blkio_weight, blkio_leaf_weight; /* 10..1000, or 0 */
	struct spec_blkio_dev *blkio_devs;
	size_t nblkio_devs;
	struct spec_res_entry *hugepages; /* pageSize, limit */
	size_t nhugepages;
	uint32_t net_classid;
	struct spec_res_entry *net_prios; /* interface, priority */
	size_t nnet_prios;
	struct strv unified; /* key, value, key, value, ... */
	int64_t cpu_idle;    /* 0 or 1 */
	uint64_t cpu_burst;  /* us */
	struct strv rdma;    /* device, "hca_handle=N hca_object=M", ... */
};

/* process.rlimits[] of config.json */
struct spec_rlimit {
	int resource; /* RLIMIT_* */
	uint64_t soft, hard;
};

/* A namespace from linux.namespaces: a new one, or joined through @path. */
struct spec_namespace {
	int type;   /* CLONE_NEW* */
	char *path; /* NULL: create a new one */
};

/* One line of linux.uidMappings / gidMappings. */
struct spec_idmap {
	uint32_t container_id, host_id, size;
};

/* A hook of config.json (hooks.prestart, createRuntime, ...). */
struct spec_hook {
	char *path;
	struct strv args;
	struct strv env;
	int timeout; /* seconds; 0: none */
};

enum spec_hook_kind {
	SPEC_HOOK_PRESTART,
	SPEC_HOOK_CREATE_RUNTIME,
	SPEC_HOOK_CREATE_CONTAINER,
	SPEC_HOOK_START_CONTAINER,
	SPEC_HOOK_POSTSTART,
	SPEC_HOOK_POSTSTOP,
	SPEC_NR_HOOKS,
};

/*
 * What only an OCI bundle can say. Flags-built specs leave it zeroed and
 * get Docker's behaviour; `oci` tells the launcher these fields are in force.
 */
/* linux.devices: a node made in the container's /dev */
struct spec_device {
	char *path;  /* absolute, no ".." (usually below /dev) */
	mode_t type; /* S_IFCHR, S_IFBLK or S_IFIFO */
	unsigned int major, minor;
	mode_t mode; /* permission bits; 0666 when the config gives none */
	uid_t uid;
	gid_t gid;
};

/* process.ioPriority, scheduler and execCPUAffinity (src/launch/sched.c applies them) */
struct spec_sched {
	bool ioprio_set;
	int ioprio; /* ioprio_set(2)'s value: class << 13 | level */
	bool policy_set;
	uint32_t policy; /* SCHED_* */
	int32_t nice;
	uint32_t priority;
	uint64_t flags;			    /* SCHED_FLAG_* */
	uint64_t runtime, deadline, period; /* ns, SCHED_DEADLINE */
	bool cpus_initial_set, cpus_final_set;
	cpu_set_t cpus_initial, cpus_final;
	bool personality_set; /* linux.personality: the execution domain */
	unsigned long personality;
};

/* linux.intelRdt (src/launch/resctrl.c) */
struct spec_rdt {
	bool set;
	char *clos_id; /* NULL: the container's id */
	char *l3_cache_schema, *mem_bw_schema, *schemata;
	bool enable_cmt, enable_mbm;
};

struct spec_oci {
	bool oci;		 /* the spec came from config.json */
	uint64_t caps_effective; /* container_spec.caps is the bounding set */
	uint64_t caps_permitted;
	uint64_t caps_inheritable;
	uint64_t caps_ambient;
	struct spec_rlimit *rlimits;
	size_t nrlimits;
	bool oom_score_adj_set;
	int oom_score_adj;
	bool umask_set;
	mode_t umask;
	bool terminal;
	bool hostname_set; /* config.json names a hostname (else the host's is kept) */
	char *domainname;  /* config.json's domainname (NIS), or NULL: the namespace's is kept */
	struct spec_namespace *namespaces; /* linux.namespaces, as given */
	size_t nnamespaces;
	struct spec_idmap *uid_mappings;
	size_t nuid_mappings;
	struct spec_idmap *gid_mappings;
	size_t ngid_mappings;
	/* linux.timeOffsets, for a new time namespace: [0] monotonic, [1] boottime */
	struct {
		int64_t secs;
		uint32_t nanosecs;
	} time_offsets[2];
	struct strv sysctl; /* "key=value" */
	bool masked_set;    /* maskedPaths given: replaces Docker's list */
	struct strv masked_paths;
	bool readonly_set; /* readonlyPaths given: replaces Docker's list */
	struct strv readonly_paths;
	unsigned long rootfs_propagation; /* MS_PRIVATE, MS_SLAVE, ... or 0 */
	bool no_pivot; /* create/run --no-pivot: move the rootfs onto / and chroot */
	char *cgroups_path;
	char *cgroup_parent; /* ward run --cgroup-parent: where its cgroup ward-... is made */
	struct spec_device *devices;
	size_t ndevices;
	struct spec_hook *hooks[SPEC_NR_HOOKS];
	size_t nhooks[SPEC_NR_HOOKS];
	struct strv annotations; /* key, value, key, value, ... */
	struct spec_sched sched;
	struct strv netdevs; /* linux.netDevices: host name, name inside, host name, ... */
	struct spec_rdt rdt;
};

/* Every pointer here is owned: spec_release() frees it and spec_copy() copies it. */
struct container_spec {
	char *rootfs;	  /* absolute, canonical host path of the root filesystem */
	struct strv argv; /* the command; never empty once validated */
	struct strv env;  /* KEY=VALUE, PATH and HOSTNAME always present */
	char *cwd;	  /* absolute path inside the container */
	char *hostname;
	uid_t uid;
	gid_t gid;
	gid_t *groups; /* supplementary groups */
	size_t ngroups;
	uint64_t caps; /* bit N set: capability N is kept (bounding, permitted, effective) */
	bool no_new_privs;
	bool readonly_root;
	bool sys_rw; /* --privileged: /sys and /sys/fs/cgroup read-write, as Docker mounts them */
	enum spec_network network;
	struct spec_mount *mounts;
	size_t nmounts;
	enum spec_seccomp_mode seccomp_mode;
	char *seccomp_path;
	char *seccomp_json; /* SPEC_SECCOMP_INLINE: the profile's JSON text */
	size_t seccomp_json_len;
	struct spec_resources resources;
	/* ward runs unprivileged: a user namespace maps ward's uid and gid to 0 (oci.*_mappings) */
	bool rootless;
	/* ward run --pid/--ipc/--uts/--cgroupns host: the CLONE_NEW* namespaces kept from the host
	 */
	int shared_ns;
	struct spec_oci oci;
};

/** spec_init() - an empty spec with Docker's defaults (caps, network, root user). */
void spec_init(struct container_spec *spec) __attribute__((nonnull));
/** spec_copy() - a deep copy of @src into @dst (release both). */
void spec_copy(struct container_spec *dst, const struct container_spec *src)
    __attribute__((nonnull));

/** spec_resources_release() - free what @res owns; it is left zeroed. */
void spec_resources_release(struct spec_resources *res) __attribute__((nonnull));

/** spec_release() - free everything the spec owns; it is left empty. */
void spec_release(struct container_spec *spec) __attribute__((nonnull));

/** spec_add_mount() - a new, zeroed mount at the end of @spec's list, for the caller to fill. */
struct spec_mount *spec_add_mount(struct container_spec *spec)
    __attribute__((nonnull, returns_nonnull));

/**
 * spec_parse_volume() - add a bind mount from Docker's -v syntax SRC:DST[:ro|rw].
 *
 * SRC must be an absolute path that exists; DST absolute.
 * Return: 0, or -EINVAL with @err naming the spec.
 */
int spec_parse_volume(struct container_spec *spec, const char *arg, struct ward_err *err)
    __attribute__((nonnull));

/**
 * spec_parse_tmpfs() - add a tmpfs from Docker's --tmpfs syntax DST[:OPTIONS].
 *
 * OPTIONS is a comma list of ro, rw, nosuid, suid, nodev, dev, exec, noexec and
 * size=/mode= (passed to tmpfs). Docker's defaults are noexec,nosuid,nodev.
 * Return: 0, or -EINVAL with @err naming the argument.
 */
int spec_parse_tmpfs(struct container_spec *spec, const char *arg, struct ward_err *err)
    __attribute__((nonnull));

/** spec_clean_path() - @path with one '/' between components and no ".", ".." or trailing '/' (Go's
 * path.Clean). */
char *spec_clean_path(const char *path) __attribute__((nonnull, malloc, returns_nonnull));

/** spec_proc_mount_allowed() - @dst (cleaned) is inside /proc and one of the files lxcfs emulates
 * (runc's list). */
bool spec_proc_mount_allowed(const char *dst) __attribute__((nonnull));

/**
 * spec_check_mount_at() - refuse what would replace the container's /proc or /sys,
 * as runc does: on /proc only a proc filesystem (a bind of one included), inside
 * /proc only the files lxcfs emulates, and on /sys no bind but of a sysfs.
 * @dst:    the destination, cleaned (spec_clean_path())
 * @source: a bind's host path, or NULL for another kind of mount
 *
 * Return: 0, or -EINVAL with @err saying why (the caller names the input).
 */
int spec_check_mount_at(const char *dst, const char *source, struct ward_err *err)
    __attribute__((nonnull(1, 3)));

/**
 * spec_finalize() - validate the whole spec against the rootfs and fill in what
 * depends on it: the user (-u NAME[:GROUP], UID[:GID], resolved against the
 * rootfs's /etc/passwd and /etc/group, as Docker does), HOME, PATH, HOSTNAME,
 * the default command (/bin/sh) and working directory (/).
 * @user: the -u argument, or NULL for root
 *
 * Return: 0, or a negative errno with @err naming the input at fault.
 */
int spec_finalize(struct container_spec *spec, const char *user, struct ward_err *err)
    __attribute__((nonnull(1, 3)));

/**
 * spec_default_home() - for a config.json whose process.env has no HOME: HOME set
 * to the home directory of the process's uid in the rootfs's /etc/passwd, or "/"
 * when no entry has that uid (runc's rule).
 */
void spec_default_home(struct container_spec *spec) __attribute__((nonnull));

/**
 * spec_getenv() - the value of @key in the container's environment, or NULL.
 */
const char *spec_getenv(const struct container_spec *spec, const char *key)
    __attribute__((nonnull));

/**
 * spec_setenv() - set KEY=VALUE in the container's environment, replacing an
 * earlier value of KEY (the last -e wins, as in Docker).
 */
void spec_setenv(struct container_spec *spec, const char *kv) __attribute__((nonnull));

/**
 * spec_make_rootless() - for `ward run` by an unprivileged user: a user
 * namespace whose only ids are 0, mapped to ward's own uid and gid. The
 * container's user must then be root, and it gets no supplementary groups.
 *
 * Return: 0, or a negative errno with @err saying why not.
 */
int spec_make_rootless(struct container_spec *spec, struct ward_err *err) __attribute__((nonnull));

/**
 * spec_finalize_run() - a spec built from `ward run` (or `ward compare`) flags,
 * made ready to run: Docker's default capabilities changed by --cap-add and
 * --cap-drop (caps_tweak()), spec_finalize() with @user, and spec_make_rootless()
 * when ward is not root.
 * @cap_add, @cap_drop: NULL-terminated capability names, or NULL for none
 *
 * Return: 0, or a negative errno with @err naming the input at fault.
 */
int spec_finalize_run(struct container_spec *spec, const char *user, char *const *cap_add,
		      char *const *cap_drop, struct ward_err *err) __attribute__((nonnull(1, 5)));

/**
 * spec_add_groups() - `ward run --group-add`: each of @names (a number, or a group
 * of the rootfs's /etc/group) joins the supplementary groups. After spec_finalize().
 * Return: 0, or -EINVAL with @err naming a group that does not exist.
 */
int spec_add_groups(struct container_spec *spec, char *const *names, struct ward_err *err)
    __attribute__((nonnull(1, 3)));

/**
 * spec_map_id() - the host id of container id @id under the mappings @map
 * (linux.uidMappings or gidMappings).
 * Return: true with *@host set, or false when no mapping covers @id.
 */
bool spec_map_id(const struct spec_idmap *map, size_t n, uint32_t id, uint32_t *host)
    __attribute__((nonnull(4)));

/**
 * spec_user_name() - the name of @uid in the host's /etc/passwd into @name
 * (@size bytes), as `ward list` shows a container's owner: read by ward itself,
 * not through NSS, which a static glibc can only load from the glibc it was built with.
 * Return: true, or false when no entry has that uid (or its name does not fit).
 */
bool spec_user_name(uid_t uid, char *name, size_t size) __attribute__((nonnull));
