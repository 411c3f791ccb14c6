/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cgroup.h - the container's own cgroup: find the hierarchies (cgroup v2, v1 or
 * hybrid, decided at run time from mountinfo and /proc/self/cgroup), create the
 * container's cgroup beneath ward's own before clone, write the resource limits,
 * attach the child, tell whether the OOM killer struck, and remove it all again,
 * including cgroups left behind by a ward that was killed.
 *
 * Every cgroup ward creates is named ward-<pid>-<starttime>-<id>: the owning
 * ward's pid and its start time (field 22 of /proc/<pid>/stat), so that a later
 * ward can tell a stale cgroup from a live one even after pid reuse. The two
 * exceptions outlive their ward and are removed by `ward delete`:
 * cg_create_detached()'s ward-oci-<id>, and cg_create_path()'s, placed where a
 * config.json's linux.cgroupsPath says.
 *
 * Nothing here allocates on the heap: the layout and the handle are fixed-size
 * structs owned by the caller.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "ward/error.h"
#include "ward/spec.h"

#define CG_PATH_MAX 1024
#define CG_ID_MAX   64

enum cg_mode {
	CG_NONE = 0, /* no cgroup filesystem mounted */
	CG_V1,	     /* only v1 hierarchies */
	CG_V2,	     /* only cgroup2 (the unified hierarchy) */
	CG_HYBRID,   /* v1 controllers plus a cgroup2 mount (systemd's "hybrid") */
};

/* The controllers ward may set limits with. */
enum cg_controller {
	CG_MEMORY,
	CG_PIDS,
	CG_CPU,
	CG_CPUSET,
	CG_DEVICES, /* v1's devices controller; on cgroup v2 an eBPF program (devcg.h) */
	CG_BLKIO,   /* v1's blkio, cgroup v2's io */
	CG_HUGETLB,
	CG_NET_CLS,  /* v1 only */
	CG_NET_PRIO, /* v1 only */
	CG_RDMA,
	CG_NR_CONTROLLERS,
};

/*
 * cg_populate_fn - test hook: called right after each mkdir() of a cgroup with
 * its path, so a fake tree can create the knob files the kernel would have.
 */
typedef void (*cg_populate_fn)(const char *dir, void *arg);

/*
 * Where the hierarchies are and where ward sits in each. A mount point is ""
 * when that hierarchy is not mounted (or not usable); own paths are relative
 * to their mount point and start with '/'.
 */
struct cg_layout {
	enum cg_mode mode;
	char v2_mount[CG_PATH_MAX];
	char v2_own[CG_PATH_MAX];
	char v1_mount[CG_NR_CONTROLLERS][CG_PATH_MAX];
	char v1_own[CG_NR_CONTROLLERS][CG_PATH_MAX];
	/* set by the caller before creating: the cgroup2 device program is loaded by
	 * cg_apply_devices() later (ward run: after the clone, while the child mounts) */
	bool devices_later;
	/* tests only (set by cg_layout_rebase()): a fake tree stands in for the kernel */
	bool fake;
	cg_populate_fn populate;
	void *populate_arg;
};

#define CG_MAX_DIRS (CG_NR_CONTROLLERS + 1)

struct cg_dir {
	char path[CG_PATH_MAX]; /* absolute path of a cgroup ward created */
	bool v2;
	unsigned int controllers; /* bit (1 << enum cg_controller) per controller limited here */
};

/* The cgroups of one container; owned by the parent, zeroed by cg_handle_release(). */
struct cg_handle {
	struct cg_dir dirs[CG_MAX_DIRS];
	size_t ndirs;
	/* cgroup v2's shared <mount>/ward when used: removed with the last container in it */
	char shared_parent[CG_PATH_MAX];
	bool fake;
	/* cg_layout.devices_later: the device program still to load (cg_apply_devices()) */
	enum {
		CG_DEVICES_DONE,
		CG_DEVICES_PENDING,    /* a v2 host: as at create, where it cannot be loaded */
		CG_DEVICES_PENDING_V1, /* a hybrid host: v1's devices is the way where it cannot */
	} devices;
};

/**
 * cg_apply_devices() - the device program cg_create*() left for later
 * (cg_layout.devices_later), on the container's cgroup2 cgroup; nothing when
 * none is pending. Where it cannot be loaded, as cg_create*() would have done:
 * on a v2 host Docker's default rules go without one (a warning), rules of the
 * caller's are an error; on a hybrid host, whose fallback is a cgroup in v1's
 * devices hierarchy that a process must be in before its cgroup namespace is
 * made, -EAGAIN: the caller starts over without devices_later.
 *
 * Return: 0, -EAGAIN, or a negative errno with @err set.
 */
int cg_apply_devices(struct cg_handle *h, const struct spec_resources *res, struct ward_err *err)
    __attribute__((nonnull));

/** cg_controller_name() - "memory", "pids", "cpu", "cpuset", ... as cgroup v1 names them. */
const char *cg_controller_name(enum cg_controller c);

/** cg_controller_v2_name() - the name on cgroup v2 ("io" for blkio), or NULL: v1 only. */
const char *cg_controller_v2_name(enum cg_controller c);

/**
 * cg_detect() - find the cgroup hierarchies and ward's place in them.
 * @mountinfo_path:   "/proc/self/mountinfo" (or a fixture)
 * @proc_cgroup_path: "/proc/self/cgroup" (or a fixture)
 *
 * Co-mounted v1 controllers ("cpu,cpuacct") are recognised; a hierarchy ward
 * is not listed in, or whose mount shows a subtree that does not contain ward's
 * cgroup, is treated as not mounted. No cgroup filesystem at all is not an
 * error: @out->mode is then CG_NONE.
 *
 * Return: 0, or a negative errno with @err naming the file that could not be read.
 */
int cg_detect(const char *mountinfo_path, const char *proc_cgroup_path, struct cg_layout *out,
	      struct ward_err *err) __attribute__((nonnull));

/**
 * cg_layout_rebase() - for tests: put every mount point under @fake_root and
 * treat the tree as fake (rmdir removes regular files first, since a fake
 * cgroup directory holds real files).
 *
 * Return: 0, or -ENAMETOOLONG.
 */
int cg_layout_rebase(struct cg_layout *l, const char *fake_root) __attribute__((nonnull));

/**
 * cg_make_id() - a random 12-hex-digit id for cg_create() when the caller has
 * no container id of its own.
 * @len: at least 13
 */
void cg_make_id(char *buf, size_t len) __attribute__((nonnull));

/**
 * cg_create() - create the container's cgroup(s) and write the limits; call in
 * the parent before clone.
 * @id:  the container id ([A-Za-z0-9_.-], at most CG_ID_MAX bytes); cg_create()
 *       itself builds the name ward-<getpid()>-<starttime>-<id>
 * @res: the limits; none asked still creates a cgroup (v2: always; v1: in the
 *       pids hierarchy, else memory, else cpu), so the container can be killed
 *       and cleaned up as a whole
 * @h:   filled in; release with cg_destroy() and then cg_handle_release()
 *
 * On cgroup v2 the cgroup goes beneath ward's own cgroup when the controllers
 * it needs can be used there, else beneath <mount>/ward (see cgroup/create.c). A
 * limit the host cannot provide fails with "cannot apply --FLAG: the X
 * controller is not available", or with a warning when @res->ignore_missing.
 * On failure nothing created is left behind.
 *
 * Return: 0, or a negative errno with @err set.
 */
int cg_create(const struct cg_layout *l, const char *id, const struct spec_resources *res,
	      struct cg_handle *h, struct ward_err *err) __attribute__((nonnull));

/**
 * cg_create_detached() - cg_create() for a container that outlives the ward
 * that created it (`ward create`): named ward-oci-<id>, with no owner pid, so
 * cg_cleanup_stale() never takes it for stale. `ward delete` removes it with
 * cg_destroy() on a handle rebuilt from the paths it stored (the fields of
 * struct cg_handle are the whole handle).
 *
 * Return: 0, or a negative errno with @err set; -EEXIST when a container of
 * that id already has a cgroup.
 */
int cg_create_detached(const struct cg_layout *l, const char *id, const struct spec_resources *res,
		       struct cg_handle *h, struct ward_err *err) __attribute__((nonnull));

/**
 * cg_create_path() - cg_create_detached() for a config.json that names the
 * cgroup in linux.cgroupsPath: the cgroup goes where runc's and crun's cgroupfs
 * drivers put it, in each hierarchy used (the cgroup2 mount, v1 controller
 * mounts), with the same limits and the same choice of hierarchies.
 * @cgpath: "/a/b": <mount>/a/b; "a/b": beneath ward's own cgroup,
 *          <mount><own>/a/b; systemd's "slice:prefix:name" (exactly two ':',
 *          no '/'), as podman and CRI-O pass it with the systemd cgroup
 *          manager: "<slice's path>/<prefix>-<name>.scope", e.g.
 *          "user-1000.slice:crio:x" is "/user.slice/user-1000.slice/crio-x.scope"
 *          ("<name>" alone with no prefix; "" and "-.slice" are the root)
 *
 * Missing ancestors are created; they stay at cg_destroy(), which removes only
 * the leaves, as runc leaves them (a failed create removes those it made). On
 * cgroup v2 the controllers the limits need are enabled in every ancestor from
 * the root down (no shared <mount>/ward here). On v1 the cgroup is made in the
 * pids, memory and cpu hierarchies whenever they are mounted, limit or not, so
 * that engines reading stats at <mount>/<cgroupsPath> find it; in cpuset only
 * for a cpuset limit.
 *
 * Return: 0, or a negative errno with @err set: -EINVAL for a path with a ".."
 * component, naming no cgroup or an invalid slice, -ENAMETOOLONG beyond
 * CG_PATH_MAX. A leaf that exists already is joined (runc's way): the limits are
 * written into it and it is removed with the container.
 */
int cg_create_path(const struct cg_layout *l, const char *cgpath, const struct spec_resources *res,
		   struct cg_handle *h, struct ward_err *err) __attribute__((nonnull));

/**
 * cg_create_under() - cg_create() beneath @parent (`ward run --cgroup-parent`),
 * in every hierarchy used, as cg_create_path() places it: "/a/b" from each
 * hierarchy's root, "a/b" beneath ward's own cgroup. The leaf is named as
 * cg_create()'s (ward-<pid>-<starttime>-<id>) and removed by cg_destroy(); the
 * missing ancestors are created and stay, as runc leaves them (a failed create
 * removes those it made). cg_cleanup_stale() does not look beneath @parent.
 * @parent: checked by the caller (no ".." component)
 *
 * Return: 0, or a negative errno with @err set.
 */
int cg_create_under(const struct cg_layout *l, const char *parent, const char *id,
		    const struct spec_resources *res, struct cg_handle *h, struct ward_err *err)
    __attribute__((nonnull));

/* One knob and the value to write there (cg_update_knob()). */
struct cg_knob {
	const char *name;
	const char *value;
};

/**
 * cg_update_knob() - `ward update`: write one limit into the container's cgroup
 * of controller @v1_ctrl (on a v1 hierarchy, any controller mounted) or else
 * @v2_ctrl on cgroup v2 (enabled in the cgroup's parent when missing): the first
 * knob of @v1 or @v2 (each ended by a NULL name) that the cgroup has.
 *
 * Return: 0, or a negative errno with @err naming @flag.
 */
int cg_update_knob(const struct cg_layout *l, const struct cg_handle *h, const char *v1_ctrl,
		   const struct cg_knob *v1, const char *v2_ctrl, const struct cg_knob *v2,
		   const char *flag, struct ward_err *err) __attribute__((nonnull));

/* `ward update --cpu-quota/--cpu-period`: each alone, or both (cg_update_cpu()). */
struct cg_cpu_update {
	bool set_quota;
	long long quota_us; /* -1: no limit */
	bool set_period;
	unsigned long long period_us;
};

/**
 * cg_update_cpu() - the container's CPU bandwidth: the quota, the period or
 * both; the one not given keeps its value (v2's cpu.max is read back first).
 *
 * Return: 0, or a negative errno with @err naming the flag.
 */
int cg_update_cpu(const struct cg_layout *l, const struct cg_handle *h,
		  const struct cg_cpu_update *u, struct ward_err *err) __attribute__((nonnull));

/**
 * cg_memory_usage() - the container's memory usage in bytes (v1's
 * memory.usage_in_bytes, v2's memory.current): for memory.checkBeforeUpdate.
 *
 * Return: 0, or a negative errno with @err saying which file.
 */
int cg_memory_usage(const struct cg_layout *l, const struct cg_handle *h, uint64_t *usage,
		    struct ward_err *err) __attribute__((nonnull));

/**
 * cg_attach() - move @pid into every cgroup of @h (the parent, after clone and
 * before releasing the child).
 *
 * Return: 0, or a negative errno with @err naming the cgroup.
 */
int cg_attach(const struct cg_handle *h, pid_t pid, struct ward_err *err) __attribute__((nonnull));

/**
 * cg_open_v2() - a descriptor of @h's cgroup2 cgroup, for clone3(2)'s
 * CLONE_INTO_CGROUP (the child is born there: no migration, whose write lock
 * costs an RCU grace period), or -1 when @h has none.
 */
int cg_open_v2(const struct cg_handle *h) __attribute__((nonnull));

/**
 * cg_attach_v1() - cg_attach() but for the cgroup2 cgroup, which @pid was born
 * in (clone3 with CLONE_INTO_CGROUP of cg_open_v2()'s descriptor).
 */
int cg_attach_v1(const struct cg_handle *h, pid_t pid, struct ward_err *err)
    __attribute__((nonnull));

/**
 * cg_update() - `ward update`: write @res's limits into the container's
 * existing cgroups (the device rules are left as create set them). A limit
 * needs its controller there already: on v1 a cgroup in that hierarchy, on v2
 * the controller in the cgroup's cgroup.controllers.
 *
 * Return: 0, or a negative errno with @err naming the flag and the controller.
 */
int cg_update(const struct cg_layout *l, const struct cg_handle *h,
	      const struct spec_resources *res, struct ward_err *err) __attribute__((nonnull));

/**
 * cg_freeze() - freeze (`ward pause`) or thaw (`ward resume`) every process of
 * the container, through cgroup v2's cgroup.freeze (present in the container's
 * cgroup2 cgroup on v2 and hybrid hosts), waiting up to 2 s for cgroup.events
 * to say it is done.
 *
 * Return: 0, or a negative errno with @err set (-ENOTSUP without a cgroup2
 * cgroup, -ETIMEDOUT).
 */
int cg_freeze(const struct cg_handle *h, bool frozen, struct ward_err *err)
    __attribute__((nonnull));

/** cg_frozen() - whether the container's cgroup is asked to be frozen. */
bool cg_frozen(const struct cg_handle *h) __attribute__((nonnull));

/**
 * cg_pids() - the pids of every process in the container's cgroups (`ward ps`),
 * ascending, each once, as the host numbers them.
 * @out: allocated; the caller frees it
 *
 * Return: 0; -ENOENT when @h has no cgroup; or a negative errno with @err naming
 * the cgroup.procs that could not be read.
 */
int cg_pids(const struct cg_handle *h, pid_t **out, size_t *n, struct ward_err *err)
    __attribute__((nonnull));

/**
 * cg_signal_all() - send @sig to every process in the container's cgroups
 * (`ward kill --all`): the pids of each cgroup.procs of @h, each once. A process
 * that exits meanwhile (ESRCH) is not an error.
 *
 * Return: 0; -ENOENT when @h has no cgroup; or a negative errno with @err naming
 * the cgroup.procs that could not be read (nothing is signalled then) or the
 * first process that could not be signalled (the others still are).
 */
int cg_signal_all(const struct cg_handle *h, int sig, struct ward_err *err)
    __attribute__((nonnull));

/**
 * cg_oom_killed() - whether the OOM killer killed a process of the container
 * (v2 memory.events "oom_kill"; v1 memory.oom_control "oom_kill", or
 * memory.failcnt on kernels before 4.13). Call after the container exited and
 * before cg_destroy(); false when no memory limit was set.
 */
bool cg_oom_killed(const struct cg_handle *h) __attribute__((nonnull));

/**
 * cg_destroy() - kill whatever is left in the container's cgroups (v2:
 * cgroup.kill when the kernel has it, else SIGKILL to each pid of cgroup.procs
 * until it is empty), wait up to 2 s for them to go, and remove the cgroups.
 * Idempotent: removed cgroups are forgotten, so it may be called again.
 *
 * Return: 0, or a negative errno with @err naming a cgroup that would not go.
 */
int cg_destroy(struct cg_handle *h, struct ward_err *err) __attribute__((nonnull));

/**
 * cg_cleanup_stale() - remove the ward-<pid>-<starttime>-<id> cgroups whose
 * ward is gone (no such pid, or a pid with another start time), killing what
 * is still inside. Looks beneath ward's own cgroup in every hierarchy and in
 * <cgroup2 mount>/ward. Call at the start of `ward run` and from `ward cleanup`.
 *
 * Return: 0, or a negative errno with @err naming the first cgroup that could
 * not be removed (the others are still tried).
 */
int cg_cleanup_stale(const struct cg_layout *l, struct ward_err *err) __attribute__((nonnull));

/**
 * cg_sweep_stale() - cg_cleanup_stale() on this process's own cgroup layout.
 *
 * Return: 0, or a negative errno with @err set (the first failure).
 */
int cg_sweep_stale(struct ward_err *err) __attribute__((nonnull));

/** cg_handle_release() - forget @h without touching the cgroups. */
void cg_handle_release(struct cg_handle *h) __attribute__((nonnull));
