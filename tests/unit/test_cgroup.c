/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_cgroup.c - cgroup detection from mountinfo fixtures (v2, hybrid, v1) and
 * the real writer run against fake cgroup trees in a temporary directory; on a
 * root host also one create/attach/destroy round on the real kernel.
 */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "unit.h"
#include "ward/cgroup.h"

static char tmp[256];

/* ------------------------------------------------------------------ fixture helpers */

static void put(const char *content, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(const char *content, const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	f = fopen(path, "w");
	ck_assert_msg(f, "cannot create %s", path);
	fputs(content, f);
	fclose(f);
}

/* The file's contents without the trailing newline ("<missing>" when absent). */
static const char *get(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static const char *get(const char *fmt, ...)
{
	static char buf[4096];
	char path[PATH_MAX];
	va_list ap;
	FILE *f;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	f = fopen(path, "r");
	if (!f)
		return "<missing>";
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return buf;
}

static void mkdirs(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void mkdirs(const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		(void)mkdir(path, 0755);
		*p = '/';
	}
	ck_assert_msg(mkdir(path, 0755) == 0 || errno == EEXIST, "mkdir %s", path);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void setup(void)
{
	snprintf(tmp, sizeof(tmp), "/tmp/ward-cg-unit-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmp));
}

static void teardown(void)
{
	nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* How many entries named ward-* are in a directory (0 when it does not exist). */
static int count_ward_dirs(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int count_ward_dirs(const char *fmt, ...)
{
	char path[PATH_MAX];
	struct dirent *de;
	va_list ap;
	DIR *d;
	int n = 0;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	d = opendir(path);
	if (!d)
		return 0;
	while ((de = readdir(d)))
		n += strncmp(de->d_name, "ward-", 5) == 0;
	closedir(d);
	return n;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static unsigned long long self_starttime(void)
{
	const char *stat = get("/proc/self/stat");
	const char *p = strrchr(stat, ')');
	unsigned long long v = 0;
	int field = 2;

	for (p = p + 1; *p; p++) {
		if (*p == ' ' && ++field == 22) {
			v = strtoull(p + 1, NULL, 10);
			break;
		}
	}
	return v;
}

/* ------------------------------------------------------------------ fixtures */

/* A GitHub Ubuntu runner: pure cgroup v2, ward inside a systemd service. */
static const char mountinfo_v2[] =
    "22 28 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n"
    "23 28 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:2 - sysfs sysfs rw\n"
    "26 23 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 "
    "rw,nsdelegate,memory_recursiveprot\n"
    "28 1 8:1 / / rw,relatime shared:1 - ext4 /dev/root rw,discard,errors=remount-ro\n";
static const char cgroup_v2[] = "0::/system.slice/foo.service\n";

/* This project's CI machine, copied from its /proc/self/mountinfo. */
static const char mountinfo_hybrid[] =
    "30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "32 30 0:29 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
    "33 30 0:30 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
    "34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "35 30 0:32 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices\n"
    "36 30 0:33 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer\n"
    "37 30 0:34 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio\n"
    "38 30 0:35 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
    "39 30 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
    "40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
static const char cgroup_hybrid[] = "9:name=systemd:/\n8:pids:/\n7:blkio:/\n6:freezer:/\n"
				    "5:devices:/\n4:memory:/process_api/e95e4debe75b\n3:cpuset:/\n"
				    "2:cpuacct:/\n1:cpu:/\n0::/\n";

/* A pure v1 host (systemd's legacy mode): cpu,cpuacct co-mounted, no cgroup2. */
static const char mountinfo_v1[] =
    "25 23 0:22 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:5 - tmpfs tmpfs ro,mode=755\n"
    "27 25 0:24 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:7 - cgroup "
    "cgroup rw,xattr,name=systemd\n"
    "30 25 0:27 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:10 - "
    "cgroup cgroup rw,cpu,cpuacct\n"
    "31 25 0:28 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:11 - cgroup "
    "cgroup rw,memory\n"
    "32 25 0:29 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime shared:12 - cgroup "
    "cgroup rw,pids\n"
    "33 25 0:30 / /sys/fs/cgroup/cpuset rw,nosuid,nodev,noexec,relatime shared:13 - cgroup "
    "cgroup rw,cpuset\n"
    "34 25 0:31 / /sys/fs/cgroup/net\\040cls rw,nosuid,nodev,noexec,relatime shared:14 - "
    "cgroup cgroup rw,net_cls\n";
static const char cgroup_v1[] = "12:cpuset:/\n11:pids:/user.slice/user-1000.slice/session-2.scope\n"
				"10:net_cls:/\n4:memory:/user.slice\n3:cpu,cpuacct:/user.slice\n"
				"1:name=systemd:/user.slice/user-1000.slice/session-2.scope\n";

static void detect(const char *mountinfo, const char *cgroup, struct cg_layout *l)
{
	struct ward_err err = {0};
	char mi[PATH_MAX], cg[PATH_MAX];

	snprintf(mi, sizeof(mi), "%s/mountinfo", tmp);
	snprintf(cg, sizeof(cg), "%s/cgroup", tmp);
	put(mountinfo, "%s", mi);
	put(cgroup, "%s", cg);
	ck_assert_msg(cg_detect(mi, cg, l, &err) == 0, "%s", err.msg);
}

/* ------------------------------------------------------------------ detection */

START_TEST(test_detect_v2)
{
	struct cg_layout l;

	detect(mountinfo_v2, cgroup_v2, &l);
	ck_assert_int_eq(l.mode, CG_V2);
	ck_assert_str_eq(l.v2_mount, "/sys/fs/cgroup");
	ck_assert_str_eq(l.v2_own, "/system.slice/foo.service");
	for (int c = 0; c < CG_NR_CONTROLLERS; c++)
		ck_assert_str_eq(l.v1_mount[c], "");
}
END_TEST

START_TEST(test_detect_hybrid)
{
	struct cg_layout l;

	detect(mountinfo_hybrid, cgroup_hybrid, &l);
	ck_assert_int_eq(l.mode, CG_HYBRID);
	ck_assert_str_eq(l.v2_mount, "/sys/fs/cgroup/unified");
	ck_assert_str_eq(l.v2_own, "/");
	ck_assert_str_eq(l.v1_mount[CG_MEMORY], "/sys/fs/cgroup/memory");
	ck_assert_str_eq(l.v1_own[CG_MEMORY], "/process_api/e95e4debe75b");
	ck_assert_str_eq(l.v1_mount[CG_PIDS], "/sys/fs/cgroup/pids");
	ck_assert_str_eq(l.v1_own[CG_PIDS], "/");
	ck_assert_str_eq(l.v1_mount[CG_CPU], "/sys/fs/cgroup/cpu");
	ck_assert_str_eq(l.v1_mount[CG_CPUSET], "/sys/fs/cgroup/cpuset");
}
END_TEST

START_TEST(test_detect_v1)
{
	struct cg_layout l;

	detect(mountinfo_v1, cgroup_v1, &l);
	ck_assert_int_eq(l.mode, CG_V1);
	ck_assert_str_eq(l.v2_mount, "");
	ck_assert_str_eq(l.v1_mount[CG_CPU], "/sys/fs/cgroup/cpu,cpuacct");
	ck_assert_str_eq(l.v1_own[CG_CPU], "/user.slice");
	ck_assert_str_eq(l.v1_mount[CG_MEMORY], "/sys/fs/cgroup/memory");
	ck_assert_str_eq(l.v1_own[CG_MEMORY], "/user.slice");
	ck_assert_str_eq(l.v1_own[CG_PIDS], "/user.slice/user-1000.slice/session-2.scope");
	ck_assert_str_eq(l.v1_own[CG_CPUSET], "/");
}
END_TEST

START_TEST(test_detect_edge_cases)
{
	struct ward_err err = {0};
	struct cg_layout l;

	/* a cgroup namespace: the mount shows a subtree, ward's path is inside it */
	detect("40 30 0:37 /ns/root /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n", "0::/ns/root/x\n",
	       &l);
	ck_assert_int_eq(l.mode, CG_V2);
	ck_assert_str_eq(l.v2_own, "/x");
	/* ward's cgroup outside what the mount shows: unusable */
	detect("40 30 0:37 /other /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n", "0::/x\n", &l);
	ck_assert_int_eq(l.mode, CG_NONE);
	/* no cgroup filesystem at all */
	detect("28 1 8:1 / / rw,relatime shared:1 - ext4 /dev/root rw\n", "0::/\n", &l);
	ck_assert_int_eq(l.mode, CG_NONE);
	/* escaped mount points */
	detect(mountinfo_v1, cgroup_v1, &l);
	ck_assert_int_lt(cg_detect("/nonexistent/mountinfo", "/proc/self/cgroup", &l, &err), 0);
	ck_assert_str_eq(err.msg, "cannot open '/nonexistent/mountinfo'");
}
END_TEST

/* ------------------------------------------------------------------ fake trees */

struct fake {
	bool v2;
	const char *omit[4]; /* knob files the fake kernel does not create */
};

static bool omitted(const struct fake *f, const char *knob)
{
	for (size_t i = 0; i < 4 && f->omit[i]; i++)
		if (strcmp(f->omit[i], knob) == 0)
			return true;
	return false;
}

static void knob(const struct fake *f, const char *dir, const char *name, const char *value)
{
	if (!omitted(f, name))
		put(value, "%s/%s", dir, name);
}

/*
 * What the kernel puts in a new cgroup directory. The limit knobs start empty:
 * a write to a regular file does not replace its contents as a knob write does.
 */
static void populate(const char *dir, void *arg)
{
	const struct fake *f = arg;

	knob(f, dir, "cgroup.procs", "");
	if (f->v2 || strstr(dir, "/unified")) {
		knob(f, dir, "cgroup.controllers", "cpuset cpu io memory pids");
		knob(f, dir, "cgroup.subtree_control", "");
		knob(f, dir, "cgroup.kill", "");
		knob(f, dir, "cgroup.freeze", "0");
		knob(f, dir, "cgroup.events", "populated 0\nfrozen 0\n");
		knob(f, dir, "memory.max", "");
		knob(f, dir, "memory.swap.max", "");
		knob(f, dir, "memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n");
		knob(f, dir, "pids.max", "");
		knob(f, dir, "cpu.max", "");
		knob(f, dir, "cpu.weight", "");
		knob(f, dir, "cpuset.cpus", "");
		knob(f, dir, "cpuset.mems", "");
		knob(f, dir, "memory.low", "");
		knob(f, dir, "memory.high", "");
		knob(f, dir, "io.weight", "");
		knob(f, dir, "io.max", "");
		knob(f, dir, "hugetlb.2MB.max", "");
		knob(f, dir, "cpu.idle", "");
		knob(f, dir, "cpu.max.burst", "");
		knob(f, dir, "rdma.max", "");
		return;
	}
	knob(f, dir, "tasks", "");
	if (strstr(dir, "/memory/")) {
		knob(f, dir, "memory.limit_in_bytes", "");
		knob(f, dir, "memory.memsw.limit_in_bytes", "");
		knob(f, dir, "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
		knob(f, dir, "memory.failcnt", "0\n");
		knob(f, dir, "memory.soft_limit_in_bytes", "");
		knob(f, dir, "memory.swappiness", "");
	} else if (strstr(dir, "/blkio/")) {
		knob(f, dir, "blkio.weight", "");
		knob(f, dir, "blkio.throttle.read_bps_device", "");
		knob(f, dir, "blkio.throttle.write_iops_device", "");
	} else if (strstr(dir, "/net cls/")) {
		knob(f, dir, "net_cls.classid", "");
	} else if (strstr(dir, "/pids/")) {
		knob(f, dir, "pids.max", "");
	} else if (strstr(dir, "/devices/")) {
		knob(f, dir, "devices.allow", "");
		knob(f, dir, "devices.deny", "");
	} else if (strstr(dir, "/cpuset/")) {
		knob(f, dir, "cpuset.cpus", "");
		knob(f, dir, "cpuset.mems", "");
	} else if (strstr(dir, "/cpu")) {
		knob(f, dir, "cpu.cfs_quota_us", "");
		knob(f, dir, "cpu.cfs_period_us", "");
		knob(f, dir, "cpu.shares", "");
	}
}

/* A fake v2 tree like a GitHub runner's, and the layout pointing at it. */
static void fake_v2(struct cg_layout *l, struct fake *f, const char *own_cgroup)
{
	char cg[256];

	snprintf(cg, sizeof(cg), "0::%s\n", own_cgroup);
	detect(mountinfo_v2, cg, l);
	ck_assert_int_eq(cg_layout_rebase(l, tmp), 0);
	l->populate = populate;
	l->populate_arg = f;
	f->v2 = true;
	mkdirs("%s/sys/fs/cgroup%s", tmp, own_cgroup);
	put("cpuset cpu io memory hugetlb pids rdma misc\n", "%s/sys/fs/cgroup/cgroup.controllers",
	    tmp);
	put("", "%s/sys/fs/cgroup/cgroup.subtree_control", tmp);
	put("", "%s/sys/fs/cgroup/cgroup.procs", tmp);
	if (strcmp(own_cgroup, "/") != 0) {
		put("cpuset cpu io memory pids\n", "%s/sys/fs/cgroup%s/cgroup.controllers", tmp,
		    own_cgroup);
		put("", "%s/sys/fs/cgroup%s/cgroup.subtree_control", tmp, own_cgroup);
		put("4242\n", "%s/sys/fs/cgroup%s/cgroup.procs", tmp, own_cgroup);
	}
}

static void fake_hybrid(struct cg_layout *l, struct fake *f)
{
	static const char *const hier[] = {"cpu",     "cpuacct", "cpuset", "memory", "devices",
					   "freezer", "blkio",	 "pids",   "systemd"};

	detect(mountinfo_hybrid, cgroup_hybrid, l);
	ck_assert_int_eq(cg_layout_rebase(l, tmp), 0);
	l->populate = populate;
	l->populate_arg = f;
	for (size_t i = 0; i < sizeof(hier) / sizeof(hier[0]); i++)
		mkdirs("%s/sys/fs/cgroup/%s", tmp, hier[i]);
	mkdirs("%s/sys/fs/cgroup/memory/process_api/e95e4debe75b", tmp);
	mkdirs("%s/sys/fs/cgroup/unified", tmp);
	put("hugetlb\n", "%s/sys/fs/cgroup/unified/cgroup.controllers", tmp);
	put("", "%s/sys/fs/cgroup/unified/cgroup.subtree_control", tmp);
	put("0\n", "%s/sys/fs/cgroup/cpuset/cpuset.mems", tmp);
	put("0-3\n", "%s/sys/fs/cgroup/cpuset/cpuset.cpus", tmp);
}

static void fake_v1(struct cg_layout *l, struct fake *f)
{
	detect(mountinfo_v1, cgroup_v1, l);
	ck_assert_int_eq(cg_layout_rebase(l, tmp), 0);
	l->populate = populate;
	l->populate_arg = f;
	mkdirs("%s/sys/fs/cgroup/cpu,cpuacct/user.slice", tmp);
	mkdirs("%s/sys/fs/cgroup/memory/user.slice", tmp);
	mkdirs("%s/sys/fs/cgroup/pids/user.slice/user-1000.slice/session-2.scope", tmp);
	mkdirs("%s/sys/fs/cgroup/cpuset", tmp);
	put("0\n", "%s/sys/fs/cgroup/cpuset/cpuset.mems", tmp);
}

/* --memory 64m --memory-swap 128m --pids-limit 50 --cpus 0.5 --cpu-shares 1024 */
static struct spec_resources limits(void)
{
	struct spec_resources r = {0};

	r.set = SPEC_RES_MEMORY | SPEC_RES_MEMORY_SWAP | SPEC_RES_PIDS | SPEC_RES_CPUS |
		SPEC_RES_CPU_SHARES;
	r.memory = 64ULL << 20;
	r.memory_swap = 128LL << 20;
	r.pids = 50;
	r.cpu_quota_us = 50000;
	r.cpu_period_us = 100000;
	r.cpu_shares = 1024;
	return r;
}

/* Empty the fake cgroup.procs files so cg_destroy() finds nothing to kill. */
static void empty_procs(const struct cg_handle *h)
{
	for (size_t i = 0; i < h->ndirs; i++)
		put("", "%s/cgroup.procs", h->dirs[i].path);
}

START_TEST(test_v2_limits_below_fallback_parent)
{
	struct fake f = {0};
	struct cg_layout l;
	struct cg_handle h;
	struct spec_resources res = limits();
	struct ward_err err = {0};
	char suffix[128];
	const char *d;

	fake_v2(&l, &f, "/system.slice/foo.service");
	ck_assert_msg(cg_create(&l, "c1", &res, &h, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(h.ndirs, 1);
	d = h.dirs[0].path;
	snprintf(suffix, sizeof(suffix), "/sys/fs/cgroup/ward/ward-%d-%llu-c1", (int)getpid(),
		 self_starttime());
	ck_assert_msg(ends_with(d, suffix), "%s", d);
	/* ward's own cgroup holds processes: enabled in the root and in /ward instead */
	ck_assert_str_eq(get("%s/sys/fs/cgroup/cgroup.subtree_control", tmp), "+memory +pids +cpu");
	ck_assert_str_eq(get("%s/sys/fs/cgroup/ward/cgroup.subtree_control", tmp),
			 "+memory +pids +cpu");
	ck_assert_str_eq(
	    get("%s/sys/fs/cgroup/system.slice/foo.service/cgroup.subtree_control", tmp), "");
	ck_assert_str_eq(get("%s/memory.max", d), "67108864");
	ck_assert_str_eq(get("%s/memory.swap.max", d), "67108864"); /* 128m - 64m */
	ck_assert_str_eq(get("%s/pids.max", d), "50");
	ck_assert_str_eq(get("%s/cpu.max", d), "50000 100000");
	ck_assert_str_eq(get("%s/cpu.weight", d), "39"); /* 1 + (1022 * 9999) / 262142 */

	ck_assert_int_eq(cg_attach(&h, 4321, &err), 0);
	ck_assert_str_eq(get("%s/cgroup.procs", d), "4321");
	ck_assert(!cg_oom_killed(&h));
	put("low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\n", "%s/memory.events", d);
	ck_assert(cg_oom_killed(&h));

	empty_procs(&h);
	ck_assert_msg(cg_destroy(&h, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(h.ndirs, 0);
	/* the shared parent goes with its last container */
	ck_assert_str_eq(get("%s/sys/fs/cgroup/ward/cgroup.procs", tmp), "<missing>");
	ck_assert_int_eq(cg_destroy(&h, &err), 0); /* idempotent */
	cg_handle_release(&h);
}
END_TEST

START_TEST(test_v2_no_limits_below_own)
{
	struct fake f = {0};
	struct cg_layout l;
	struct cg_handle h;
	struct spec_resources res = {0};
	struct ward_err err = {0};

	fake_v2(&l, &f, "/system.slice/foo.service");
	ck_assert_msg(cg_create(&l, "c2", &res, &h, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(h.ndirs, 1);
	ck_assert_int_eq(count_ward_dirs("%s/sys/fs/cgroup/system.slice/foo.service", tmp), 1);
	ck_assert_str_eq(get("%s/sys/fs/cgroup/cgroup.subtree_control", tmp), "");
	ck_assert(!cg_oom_killed(&h));
	ck_assert_int_eq(cg_destroy(&h, &err), 0);
	ck_assert_int_eq(count_ward_dirs("%s/sys/fs/cgroup/system.slice/foo.service", tmp), 0);
}
END_TEST

START_TEST(test_v2_root_cgroup)
{
	struct fake f = {0};
	struct cg_layout l;
	struct cg_handle h;
	struct spec_resources res = {0};
	struct ward_err err = {0};

	fake_v2(&l, &f, "/");
	res.set = SPEC_RES_PIDS | SPEC_RES_CPU_WEIGHT | SPEC_RES_CPUSET_CPUS;
	res.pids = -1;
	res.cpu_weight = 500;
	res.cpuset_cpus = "0-1";
	ck_assert_msg(cg_create(&l, "c3", &res, &h, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(get("%s/sys/fs/cgroup/cgroup.subtree_control", tmp), "+pids +cpu +cpuset");
	ck_assert_int_eq(count_ward_dirs("%s/sys/fs/cgroup", tmp), 1);
	ck_assert_str_eq(get("%s/pids.max", h.dirs[0].path), "max");
	ck_assert_str_eq(get("%s/cpu.weight", h.dirs[0].path), "500");
	ck_assert_str_eq(get("%s/cpuset.cpus", h.dirs[0].path), "0-1");
	ck_assert_int_eq(cg_destroy(&h, &err), 0);
	ck_assert_int_eq(count_ward_dirs("%s/sys/fs/cgroup", tmp), 0);
}
END_TEST

START_TEST(test_v2_missing_controller)
{
	struct fake f = {0};
	struct cg_layout l;
	struct cg_handle h;
	struct spec_resources res = limits();
	struct ward_err err = {0};

	fake_v2(&l, &f, "/system.slice/foo.service");
	put("cpuset cpu io memory\n", "%s/sys/fs/cgroup/cgroup.controllers", tmp);
	ck_assert_int_lt(cg_create(&l, "c4", &res, &h, &err), 0);
	ck_assert_str_eq(err.msg,
			 "cannot apply --pids-limit: the pids controller is not available");
	ck_assert_int_eq(err.code, 0);
	ck_assert_uint_eq(h.ndirs, 0);
	ck_assert_int_eq(count_ward_dirs("%s/sys/fs/cgroup/ward", tmp), 0);
	ck_assert_int_eq(count_ward_dirs("%s/sys/fs/cgroup/system.slice/foo.service", tmp), 0);

	/* --ignore-missing-limits: a warning, the rest applied */
	res.ignore_missing = true;
	ck_assert_msg(cg_create(&l, "c4", &res, &h, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(get("%s/pids.max", h.dirs[0].path), ""); /* untouched */
	ck_assert_str_eq(get("%s/memory.max", h.dirs[0].path), "67108864");
	ck_assert_int_eq(cg_destroy(&h, &err), 0);
}
END_TEST

START_TEST(test_v2_cannot_enable)
{
	struct fake f = {0};
	struct cg_layout l;
	struct cg_handle h;
	struct spec_resources res = {0};
	struct ward_err err = {0};
	char want[PATH_MAX + 128];

	fake_v2(&l, &f, "/system.slice/foo.service");
	/* a subtree_control that cannot be written, as with EBUSY from the kernel */
	{
		char p[PATH_MAX];

		snprintf(p, sizeof(p), "%s/sys/fs/cgroup/cgroup.subtree_control", tmp);
		unlink(p);
		mkdirs("%s", p);
	}
	res.set = SPEC_RES_MEMORY;
	res.memory = 1 << 20;
	ck_assert_int_lt(cg_create(&l, "c5", &res, &h, &err), 0);
	snprintf(want, sizeof(want),
		 "cannot apply --memory: the memory controller cannot be enabled in "
		 "'%s/sys/fs/cgroup/cgroup.subtree_control'",
		 tmp);
	ck_assert_str_eq(err.msg, want);
	ck_assert_int_eq(err.code, EISDIR);
	ck_assert_int_eq(count_ward_dirs("%s/sys/fs/cgroup/ward", tmp), 0);
}
END_TEST

START_TEST(test_v2_missing_knobs)
{
	struct fake f = {.omit = {"memory.swap.max", "cpu.max"}};
	struct cg_layout l;
	struct cg_handle h;
	struct spec_resources res = limits();
	struct ward_err err = {0};

	fake_v2(&l, &f, "/system.slice/foo.service");
	ck_assert_int_lt(cg_create(&l, "c6", &res, &h, &err), 0);
	ck_assert_str_eq(err.msg, "cannot apply --memory-swap: swap accounting is not enabled (no "
				  "'memory.swap.max'; boot with swapaccount=1)");
	ck_assert_int_eq(count_ward_dirs("%s/sys/fs/cgroup/ward", tmp), 0);

	res.set &= ~(unsigned int)SPEC_RES_MEMORY_SWAP;
	ck_assert_int_lt(cg_create(&l, "c6", &res, &h, &err), 0);
	ck_assert_msg(strncmp(err.msg, "cannot apply --cpus: cannot open '", 34) == 0, "%s",
		      err.msg);
	ck_assert_msg(ends_with(err.msg, "-c6/cpu.max'"), "%s", err.msg);
	ck_assert_int_eq(err.code, ENOENT);
	ck_assert_int_eq(count_ward_dirs("%s/sys/fs/cgroup/ward", tmp), 0);
}
END_TEST

/* The device cgroup's rules: v1's devices hierarchy gets them in writing order. */
START_TEST(test_devices_v1)
{
	struct fake f = {0};
	struct cg_layout l;
	struct cg_handle h;
	struct spec_resources res = {0};
	struct ward_err err = {0};
	const char *dev = NULL;

	fake_hybrid(&l, &f);
	res.set = SPEC_RES_DEVICES;
	res.devices = (struct devcg_rule *)devcg_default_rules;
	res.ndevices = devcg_ndefault_rules;
	ck_assert_msg(cg_create(&l, "d1", &res, &h, &err) == 0, "%s", err.msg);
	for (size_t i = 0; i < h.ndirs; i++)
		if (strstr(h.dirs[i].path, "/sys/fs/cgroup/devices/"))
			dev = h.dirs[i].path;
	ck_assert_msg(dev, "no cgroup in the devices hierarchy");
	ck_assert(strstr(get("%s/devices.deny", dev), "a *:* rwm"));
	ck_assert(strstr(get("%s/devices.allow", dev), "c 10:200 rwm"));
	empty_procs(&h);
	ck_assert_msg(cg_destroy(&h, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(count_ward_dirs("%s/sys/fs/cgroup/devices", tmp), 0);
}
END_TEST

/*
 * On cgroup v2 the rules are an eBPF program, which a fake directory refuses:
 * ward's own defaults then only warn, rules a config asked for fail the create
 * and leave nothing.
 */
START_TEST(test_devices_v2_refused)
{
	struct fake f = {0};
	struct cg_layout l;
	struct cg_handle h;
	struct spec_resources res = {0};
	struct ward_err err = {0};

	fake_v2(&l, &f, "/");
	res.set = SPEC_RES_DEVICES;
	res.devices = (struct devcg_rule *)devcg_default_rules;
	res.ndevices = devcg_ndefault_rules;
	res.devices_default = true;
	ck_assert_msg(cg_create(&l, "d2", &res, &h, &err) == 0, "%s", err.msg);
	empty_procs(&h);
	ck_assert_msg(cg_destroy(&h, &err) == 0, "%s", err.msg);
	res.devices_default = false;
	ck_assert_int_lt(cg_create(&l, "d3", &res, &h, &err), 0);
	ck_assert_msg(strstr(err.msg, "sys/fs/cgroup"), "%s", err.msg);
	ck_assert_int_eq(count_ward_dirs("%s/sys/fs/cgroup", tmp), 0);
}
END_TEST

/*
 * cg_layout.devices_later: the create loads no program, cg_apply_devices() does,
 * failing as the create would have (a fake directory refuses it): on a v2 host
 * ward's defaults warn and rules asked for fail; on a hybrid host, whose
 * fallback is v1's devices hierarchy, -EAGAIN, and no v1 devices cgroup was made.
 */
START_TEST(test_devices_later)
{
	struct fake f = {0};
	struct cg_layout l;
	struct cg_handle h;
	struct spec_resources res = {0};
	struct ward_err err = {0};

	res.set = SPEC_RES_DEVICES;
	res.devices = (struct devcg_rule *)devcg_default_rules;
	res.ndevices = devcg_ndefault_rules;
	res.devices_default = true;
	fake_v2(&l, &f, "/");
	l.devices_later = true;
	ck_assert_msg(cg_create(&l, "dl1", &res, &h, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(h.devices, CG_DEVICES_PENDING);
	ck_assert_msg(cg_apply_devices(&h, &res, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(h.devices, CG_DEVICES_DONE);
	ck_assert_int_eq(cg_apply_devices(&h, &res, &err), 0); /* nothing pending */
	empty_procs(&h);
	ck_assert_msg(cg_destroy(&h, &err) == 0, "%s", err.msg);
	res.devices_default = false;
	ck_assert_msg(cg_create(&l, "dl2", &res, &h, &err) == 0, "%s", err.msg);
	err.msg[0] = '\0';
	ck_assert_int_lt(cg_apply_devices(&h, &res, &err), 0);
	ck_assert_msg(strstr(err.msg, "BPF"), "%s", err.msg);
	empty_procs(&h);
	ck_assert_msg(cg_destroy(&h, &err) == 0, "%s", err.msg);

	res.devices_default = true;
	fake_hybrid(&l, &f);
	l.devices_later = true;
	ck_assert_msg(cg_create(&l, "dl3", &res, &h, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(h.devices, CG_DEVICES_PENDING_V1);
	for (size_t i = 0; i < h.ndirs; i++)
		ck_assert_msg(h.dirs[i].v2, "a v1 cgroup: %s", h.dirs[i].path);
	ck_assert_int_eq(cg_apply_devices(&h, &res, &err), -EAGAIN);
	empty_procs(&h);
	ck_assert_msg(cg_destroy(&h, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(count_ward_dirs("%s/sys/fs/cgroup", tmp), 0);
}
END_TEST

/* pause/resume: cgroup.freeze asked, cgroup.events awaited; v1 alone cannot */
START_TEST(test_freeze)
{
	struct fake f = {0};
	struct cg_layout l;
	struct cg_handle h;
	struct spec_resources res = {0};
	struct ward_err err = {0};

	fake_v2(&l, &f, "/");
	ck_assert_msg(cg_create(&l, "z1", &res, &h, &err) == 0, "%s", err.msg);
	ck_assert(!cg_frozen(&h));
	/* the kernel would say frozen once every task stopped: the fake says it at once */
	put("populated 1\nfrozen 1\n", "%s/cgroup.events", h.dirs[0].path);
	ck_assert_msg(cg_freeze(&h, true, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(get("%s/cgroup.freeze", h.dirs[0].path), "1");
	ck_assert(cg_frozen(&h));
	/* the events never say thawed: a timeout naming the cgroup */
	ck_assert_int_eq(cg_freeze(&h, false, &err), -ETIMEDOUT);
	ck_assert_msg(strstr(err.msg, "did not thaw"), "%s", err.msg);
	put("populated 1\nfrozen 0\n", "%s/cgroup.events", h.dirs[0].path);
	ck_assert_msg(cg_freeze(&h, false, &err) == 0, "%s", err.msg);
	ck_assert(!cg_frozen(&h));
	empty_procs(&h);
	ck_assert_msg(cg_destroy(&h, &err) == 0, "%s", err.msg);

	fake_v1(&l, &f);
	ck_assert_msg(cg_create(&l, "z2", &res, &h, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(cg_freeze(&h, true, &err), -ENOTSUP);
	ck_assert(!cg_frozen(&h));
	empty_procs(&h);
	ck_assert_msg(cg_destroy(&h, &err) == 0, "%s", err.msg);
}
END_TEST

/* ward update: limits into the controllers the container's cgroups have */
START_TEST(test_update)
{
	struct fake f = {0};
	struct cg_layout l;
	struct cg_handle h;
	struct spec_resources res = limits();
	struct spec_resources up = {0};
	struct ward_err err = {0};
	const char *mem = NULL, *pids = NULL;

	fake_hybrid(&l, &f);
	res.set = SPEC_RES_MEMORY | SPEC_RES_PIDS;
	ck_assert_msg(cg_create(&l, "u1", &res, &h, &err) == 0, "%s", err.msg);
	for (size_t i = 0; i < h.ndirs; i++) {
		if (strstr(h.dirs[i].path, "/memory/"))
			mem = h.dirs[i].path;
		if (strstr(h.dirs[i].path, "/pids/"))
			pids = h.dirs[i].path;
	}
	ck_assert(mem && pids);
	up.set = SPEC_RES_MEMORY | SPEC_RES_PIDS;
	up.memory = 128ULL << 20;
	up.pids = 77;
	ck_assert_msg(cg_update(&l, &h, &up, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(get("%s/memory.limit_in_bytes", mem), "134217728");
	ck_assert_str_eq(get("%s/pids.max", pids), "77");
	/* no cpu cgroup was made: the update names the flag and the controller */
	up.set = SPEC_RES_CPU_SHARES;
	up.cpu_shares = 512;
	ck_assert_int_lt(cg_update(&l, &h, &up, &err), 0);
	ck_assert_str_eq(err.msg, "cannot update --cpu-shares: the container's cgroup has no cpu "
				  "controller (it was created without such a limit)");
	empty_procs(&h);
	ck_assert_msg(cg_destroy(&h, &err) == 0, "%s", err.msg);

	/* v2: the controller must be in the cgroup's cgroup.controllers */
	fake_v2(&l, &f, "/");
	res.set = SPEC_RES_PIDS;
	ck_assert_msg(cg_create(&l, "u2", &res, &h, &err) == 0, "%s", err.msg);
	up.set = SPEC_RES_PIDS;
	up.pids = -1;
	ck_assert_msg(cg_update(&l, &h, &up, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(get("%s/pids.max", h.dirs[0].path), "max");
	put("cpuset cpu io memory\n", "%s/cgroup.controllers", h.dirs[0].path);
	ck_assert_int_lt(cg_update(&l, &h, &up, &err), 0);
	ck_assert_msg(strstr(err.msg, "no pids controller"), "%s", err.msg);
	empty_procs(&h);
	ck_assert_msg(cg_destroy(&h, &err) == 0, "%s", err.msg);
}
END_TEST

START_TEST(test_hybrid_limits)
{
	struct fake f = {0};
	struct cg_layout l;
	struct cg_handle h;
	struct spec_resources res = limits();
	struct ward_err err = {0};
	const char *mem = NULL, *pids = NULL, *cpu = NULL, *cpuset = NULL, *v2 = NULL;

	fake_hybrid(&l, &f);
	res.set |= SPEC_RES_CPUSET_CPUS;
	res.cpuset_cpus = "1";
	ck_assert_msg(cg_create(&l, "h1", &res, &h, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(h.ndirs, 5);
	for (size_t i = 0; i < h.ndirs; i++) {
		const char *p = h.dirs[i].path;

		if (h.dirs[i].v2)
			v2 = p;
		else if (strstr(p, "/memory/process_api/e95e4debe75b/ward-"))
			mem = p;
		else if (strstr(p, "/pids/ward-"))
			pids = p;
		else if (strstr(p, "/cpu/ward-"))
			cpu = p;
		else if (strstr(p, "/cpuset/ward-"))
			cpuset = p;
	}
	ck_assert(mem && pids && cpu && cpuset && v2);
	ck_assert_msg(strstr(v2, "/sys/fs/cgroup/unified/ward-"), "%s", v2);
	ck_assert_str_eq(get("%s/memory.limit_in_bytes", mem), "67108864");
	ck_assert_str_eq(get("%s/memory.memsw.limit_in_bytes", mem), "134217728");
	ck_assert_str_eq(get("%s/pids.max", pids), "50");
	ck_assert_str_eq(get("%s/cpu.cfs_quota_us", cpu), "50000");
	ck_assert_str_eq(get("%s/cpu.cfs_period_us", cpu), "100000");
	ck_assert_str_eq(get("%s/cpu.shares", cpu), "1024");
	ck_assert_str_eq(get("%s/cpuset.mems", cpuset), "0");
	ck_assert_str_eq(get("%s/cpuset.cpus", cpuset), "1");
	ck_assert_str_eq(get("%s/sys/fs/cgroup/unified/cgroup.subtree_control", tmp), "");

	ck_assert_int_eq(cg_attach(&h, 777, &err), 0);
	for (size_t i = 0; i < h.ndirs; i++)
		ck_assert_str_eq(get("%s/cgroup.procs", h.dirs[i].path), "777");
	ck_assert(!cg_oom_killed(&h));
	put("oom_kill_disable 0\nunder_oom 0\noom_kill 2\n", "%s/memory.oom_control", mem);
	ck_assert(cg_oom_killed(&h));
	/* before 4.13 there is no oom_kill line: memory.failcnt tells instead */
	put("oom_kill_disable 0\nunder_oom 0\n", "%s/memory.oom_control", mem);
	ck_assert(!cg_oom_killed(&h));
	put("3\n", "%s/memory.failcnt", mem);
	ck_assert(cg_oom_killed(&h));

	empty_procs(&h);
	ck_assert_msg(cg_destroy(&h, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(count_ward_dirs("%s/sys/fs/cgroup/memory/process_api/e95e4debe75b", tmp),
			 0);
	ck_assert_int_eq(count_ward_dirs("%s/sys/fs/cgroup/pids", tmp), 0);
	ck_assert_int_eq(count_ward_dirs("%s/sys/fs/cgroup/cpu", tmp), 0);
	ck_assert_int_eq(count_ward_dirs("%s/sys/fs/cgroup/cpuset", tmp), 0);
	ck_assert_int_eq(count_ward_dirs("%s/sys/fs/cgroup/unified", tmp), 0);
}
END_TEST

START_TEST(test_hybrid_no_limits_and_v2_only_controller)
{
	struct fake f = {0};
	struct cg_layout l;
	struct cg_handle h;
	struct spec_resources res = {0};
	struct ward_err err = {0};

	fake_hybrid(&l, &f);
	ck_assert_msg(cg_create(&l, "h2", &res, &h, &err) == 0, "%s", err.msg);
	/* a pids cgroup for the container, and the cgroup2 one for cgroup.kill */
	ck_assert_uint_eq(h.ndirs, 2);
	ck_assert_int_eq(count_ward_dirs("%s/sys/fs/cgroup/pids", tmp), 1);
	ck_assert_int_eq(count_ward_dirs("%s/sys/fs/cgroup/unified", tmp), 1);
	ck_assert_int_eq(cg_destroy(&h, &err), 0);

	/* pids not on v1 and not on the cgroup2 mount either */
	l.v1_mount[CG_PIDS][0] = '\0';
	res.set = SPEC_RES_PIDS;
	res.pids = 10;
	ck_assert_int_lt(cg_create(&l, "h2", &res, &h, &err), 0);
	ck_assert_str_eq(err.msg,
			 "cannot apply --pids-limit: the pids controller is not available");
	ck_assert_int_eq(count_ward_dirs("%s/sys/fs/cgroup/unified", tmp), 0);
	ck_assert_int_eq(count_ward_dirs("%s/sys/fs/cgroup/memory/process_api/e95e4debe75b", tmp),
			 0);
}
END_TEST

START_TEST(test_v1_limits_and_errors)
{
	struct fake f = {.omit = {"memory.memsw.limit_in_bytes"}};
	struct cg_layout l;
	struct cg_handle h;
	struct spec_resources res = limits();
	struct ward_err err = {0};

	fake_v1(&l, &f);
	ck_assert_int_lt(cg_create(&l, "v1", &res, &h, &err), 0);
	ck_assert_str_eq(err.msg, "cannot apply --memory-swap: swap accounting is not enabled (no "
				  "'memory.memsw.limit_in_bytes'; boot with swapaccount=1)");
	ck_assert_int_eq(count_ward_dirs("%s/sys/fs/cgroup/memory/user.slice", tmp), 0);
	ck_assert_int_eq(count_ward_dirs("%s/sys/fs/cgroup/cpu,cpuacct/user.slice", tmp), 0);
	ck_assert_int_eq(
	    count_ward_dirs("%s/sys/fs/cgroup/pids/user.slice/user-1000.slice/session-2.scope",
			    tmp),
	    0);

	/* swap ignored with --ignore-missing-limits; cpu-weight converted back to shares */
	res.ignore_missing = true;
	res.set = (res.set & ~(unsigned int)SPEC_RES_CPU_SHARES) | SPEC_RES_CPU_WEIGHT;
	res.cpu_weight = 39;
	ck_assert_msg(cg_create(&l, "v1", &res, &h, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(h.ndirs, 3);
	for (size_t i = 0; i < h.ndirs; i++) {
		const char *p = h.dirs[i].path;

		if (strstr(p, "/memory/user.slice/ward-"))
			ck_assert_str_eq(get("%s/memory.limit_in_bytes", p), "67108864");
		else if (strstr(p, "/cpu,cpuacct/user.slice/ward-"))
			ck_assert_str_eq(get("%s/cpu.shares", p), "998");
		else
			ck_assert_str_eq(get("%s/pids.max", p), "50");
	}
	ck_assert_int_eq(cg_destroy(&h, &err), 0);
	ck_assert_int_eq(count_ward_dirs("%s/sys/fs/cgroup/memory/user.slice", tmp), 0);

	/* no limits: one cgroup, in the pids hierarchy */
	memset(&res, 0, sizeof(res));
	ck_assert_msg(cg_create(&l, "v1", &res, &h, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(h.ndirs, 1);
	ck_assert_ptr_nonnull(strstr(h.dirs[0].path, "/pids/user.slice/"));
	ck_assert_int_eq(cg_destroy(&h, &err), 0);

	/* a controller that is not mounted */
	l.v1_mount[CG_MEMORY][0] = '\0';
	res.set = SPEC_RES_MEMORY;
	res.memory = 1 << 20;
	ck_assert_int_lt(cg_create(&l, "v1", &res, &h, &err), 0);
	ck_assert_str_eq(err.msg, "cannot apply --memory: the memory controller is not available");
	ck_assert_int_lt(cg_create(&l, "bad/id", &res, &h, &err), 0);
	ck_assert_str_eq(err.msg, "invalid container id 'bad/id'");
}
END_TEST

START_TEST(test_destroy_kills_what_is_left)
{
	struct fake f = {0};
	struct cg_layout l;
	struct cg_handle h;
	struct spec_resources res = {0};
	struct ward_err err = {0};
	int ws = 0;
	pid_t pid;

	fake_v2(&l, &f, "/system.slice/foo.service");
	ck_assert_int_eq(cg_create(&l, "k", &res, &h, &err), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		pause();
		_exit(0);
	}
	ck_assert_int_eq(cg_attach(&h, pid, &err), 0);
	/* the fake cgroup.procs never empties: the process is killed, the wait times out */
	ck_assert_int_lt(cg_destroy(&h, &err), 0);
	ck_assert_msg(strstr(err.msg, "processes are still in it"), "%s", err.msg);
	ck_assert_int_eq(waitpid(pid, &ws, 0), pid);
	ck_assert(WIFSIGNALED(ws) && WTERMSIG(ws) == SIGKILL);
	ck_assert_uint_eq(h.ndirs, 1); /* kept, so a later call can finish */
	empty_procs(&h);
	ck_assert_int_eq(cg_destroy(&h, &err), 0);
	ck_assert_uint_eq(h.ndirs, 0);
}
END_TEST

START_TEST(test_cleanup_stale)
{
	struct fake f = {0};
	struct cg_layout l;
	struct ward_err err = {0};
	unsigned long long start = self_starttime();
	const char *own = "/system.slice/foo.service";

	fake_v2(&l, &f, own);
	mkdirs("%s/sys/fs/cgroup/ward", tmp);
	/* ours and alive; our pid with another start time (reused); a pid that cannot exist */
	mkdirs("%s/sys/fs/cgroup%s/ward-%d-%llu-live", tmp, own, (int)getpid(), start);
	mkdirs("%s/sys/fs/cgroup%s/ward-%d-%llu-reused", tmp, own, (int)getpid(), start + 1);
	mkdirs("%s/sys/fs/cgroup/ward/ward-999999999-1-gone", tmp);
	mkdirs("%s/sys/fs/cgroup/ward/ward-999999999-1-gone/sub", tmp);
	put("", "%s/sys/fs/cgroup/ward/ward-999999999-1-gone/sub/cgroup.procs", tmp);
	mkdirs("%s/sys/fs/cgroup%s/other", tmp, own);
	mkdirs("%s/sys/fs/cgroup%s/ward-notanumber", tmp, own);
	put("", "%s/sys/fs/cgroup%s/ward-%d-%llu-reused/cgroup.procs", tmp, own, (int)getpid(),
	    start + 1);
	ck_assert_msg(cg_cleanup_stale(&l, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(count_ward_dirs("%s/sys/fs/cgroup%s", tmp, own), 2);
	{
		char p[PATH_MAX];
		struct stat st;

		snprintf(p, sizeof(p), "%s/sys/fs/cgroup%s/ward-%d-%llu-live", tmp, own,
			 (int)getpid(), start);
		ck_assert_int_eq(stat(p, &st), 0);
		snprintf(p, sizeof(p), "%s/sys/fs/cgroup%s/other", tmp, own);
		ck_assert_int_eq(stat(p, &st), 0);
	}
	ck_assert_int_eq(count_ward_dirs("%s/sys/fs/cgroup/ward", tmp), 0);
	ck_assert_str_eq(get("%s/sys/fs/cgroup/ward", tmp), "<missing>"); /* removed, empty */
}
END_TEST

START_TEST(test_make_id)
{
	char a[16], b[16];

	cg_make_id(a, sizeof(a));
	cg_make_id(b, sizeof(b));
	ck_assert_uint_eq(strlen(a), 12);
	ck_assert_str_ne(a, b);
}
END_TEST

/* ------------------------------------------------------------------ linux.cgroupsPath */

static bool exists(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static bool exists(const char *fmt, ...)
{
	char path[PATH_MAX];
	struct stat st;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	return stat(path, &st) == 0;
}

/* The handle's dir beneath @mount_suffix ("/sys/fs/cgroup/pids"), or NULL. */
static const char *dir_in(const struct cg_handle *h, const char *mount_suffix, const char *leaf)
{
	char want[PATH_MAX];

	snprintf(want, sizeof(want), "%s%s%s", tmp, mount_suffix, leaf);
	for (size_t i = 0; i < h->ndirs; i++)
		if (strcmp(h->dirs[i].path, want) == 0)
			return h->dirs[i].path;
	return NULL;
}

/*
 * A child that sleeps until a signal ends it, with SIGTERM's default action (the
 * test process has Check's handler, which would pass the signal on to the group).
 */
static pid_t fork_sleeper(void)
{
	void (*old)(int) = signal(SIGTERM, SIG_DFL);
	pid_t pid;

	ck_assert(old != SIG_ERR);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		for (;;)
			pause();
	}
	ck_assert(signal(SIGTERM, old) != SIG_ERR);
	return pid;
}

START_TEST(test_path_v2_absolute)
{
	struct fake f = {0};
	struct cg_layout l;
	struct cg_handle h;
	struct spec_resources res = {0};
	struct ward_err err = {0};
	const char *d;

	fake_v2(&l, &f, "/system.slice/foo.service");
	res.set = SPEC_RES_MEMORY | SPEC_RES_PIDS;
	res.memory = 64ULL << 20;
	res.pids = 50;
	ck_assert_msg(cg_create_path(&l, "/a/b//./leaf/", &res, &h, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(h.ndirs, 1);
	d = dir_in(&h, "/sys/fs/cgroup", "/a/b/leaf");
	ck_assert_msg(d, "%s", h.dirs[0].path);
	ck_assert(h.dirs[0].v2);
	ck_assert_str_eq(h.shared_parent, "");
	/* enabled from the root down to the leaf's parent; no shared parent, ward's own untouched
	 */
	ck_assert_str_eq(get("%s/sys/fs/cgroup/cgroup.subtree_control", tmp), "+memory +pids");
	ck_assert_str_eq(get("%s/sys/fs/cgroup/a/cgroup.subtree_control", tmp), "+memory +pids");
	ck_assert_str_eq(get("%s/sys/fs/cgroup/a/b/cgroup.subtree_control", tmp), "+memory +pids");
	ck_assert_str_eq(get("%s/cgroup.subtree_control", d), "");
	ck_assert_str_eq(
	    get("%s/sys/fs/cgroup/system.slice/foo.service/cgroup.subtree_control", tmp), "");
	ck_assert(!exists("%s/sys/fs/cgroup/ward", tmp));
	ck_assert_str_eq(get("%s/memory.max", d), "67108864");
	ck_assert_str_eq(get("%s/pids.max", d), "50");

	/* cg_destroy() removes the leaf only: the ancestors stay, as with runc */
	ck_assert_msg(cg_destroy(&h, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(h.ndirs, 0);
	ck_assert(!exists("%s/sys/fs/cgroup/a/b/leaf", tmp));
	ck_assert(exists("%s/sys/fs/cgroup/a/b/cgroup.subtree_control", tmp));

	/* existing ancestors are fine; no limits: nothing more enabled */
	memset(&res, 0, sizeof(res));
	ck_assert_msg(cg_create_path(&l, "/a/b/other", &res, &h, &err) == 0, "%s", err.msg);
	ck_assert_ptr_nonnull(dir_in(&h, "/sys/fs/cgroup", "/a/b/other"));
	ck_assert_int_eq(cg_destroy(&h, &err), 0);
	ck_assert(!exists("%s/sys/fs/cgroup/a/b/other", tmp));
}
END_TEST

START_TEST(test_path_relative)
{
	struct fake f = {0};
	struct cg_layout l;
	struct cg_handle h;
	struct spec_resources res = {0};
	struct ward_err err = {0};

	/* v2: beneath ward's own cgroup */
	fake_v2(&l, &f, "/system.slice/foo.service");
	ck_assert_msg(cg_create_path(&l, "x/y", &res, &h, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(h.ndirs, 1);
	ck_assert_ptr_nonnull(dir_in(&h, "/sys/fs/cgroup", "/system.slice/foo.service/x/y"));
	ck_assert_int_eq(cg_destroy(&h, &err), 0);
	ck_assert(exists("%s/sys/fs/cgroup/system.slice/foo.service/x", tmp));
	teardown();
	setup();

	/* v1: beneath ward's own cgroup of each hierarchy, pids, memory and cpu without limits */
	fake_v1(&l, &f);
	ck_assert_msg(cg_create_path(&l, "x/y", &res, &h, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(h.ndirs, 3);
	ck_assert_ptr_nonnull(dir_in(&h, "/sys/fs/cgroup/memory", "/user.slice/x/y"));
	ck_assert_ptr_nonnull(dir_in(&h, "/sys/fs/cgroup/cpu,cpuacct", "/user.slice/x/y"));
	ck_assert_ptr_nonnull(
	    dir_in(&h, "/sys/fs/cgroup/pids", "/user.slice/user-1000.slice/session-2.scope/x/y"));
	ck_assert(!exists("%s/sys/fs/cgroup/cpuset/x", tmp));
	for (size_t i = 0; i < h.ndirs; i++)
		ck_assert_uint_eq(h.dirs[i].controllers, 0);
	ck_assert_int_eq(cg_destroy(&h, &err), 0);
	ck_assert(!exists("%s/sys/fs/cgroup/memory/user.slice/x/y", tmp));
	ck_assert(exists("%s/sys/fs/cgroup/memory/user.slice/x", tmp));
}
END_TEST

START_TEST(test_path_systemd_form)
{
	static const struct {
		const char *in, *leaf;
	} ok[] = {
	    {"machine.slice:libpod:abc", "/machine.slice/libpod-abc.scope"},
	    {"user-1000.slice:crio:x", "/user.slice/user-1000.slice/crio-x.scope"},
	    {"a-b-c.slice:p:n", "/a.slice/a-b.slice/a-b-c.slice/p-n.scope"},
	    {"machine.slice::ctr", "/machine.slice/ctr"},
	    {":docker:id", "/docker-id.scope"},
	    {"-.slice::bare", "/bare"},
	    /* not the systemd form: a path with colons */
	    {"/a:b:c", "/a:b:c"},
	    {"/one:two", "/one:two"},
	};
	static const struct {
		const char *in, *msg;
	} bad[] = {
	    {"foo:bar:baz",
	     "invalid linux.cgroupsPath 'foo:bar:baz': 'foo' is not a systemd slice"},
	    {"a--b.slice:p:n",
	     "invalid linux.cgroupsPath 'a--b.slice:p:n': 'a--b.slice' is not a systemd slice"},
	    {"-a.slice:p:n",
	     "invalid linux.cgroupsPath '-a.slice:p:n': '-a.slice' is not a systemd slice"},
	    {"machine.slice:p:", "invalid linux.cgroupsPath 'machine.slice:p:': no name after "
				 "'machine.slice:p:'"},
	    {"machine.slice::..",
	     "invalid linux.cgroupsPath 'machine.slice::..': it has a '..' component"},
	};
	struct fake f = {0};
	struct cg_layout l;
	struct cg_handle h;
	struct spec_resources res = {0};
	struct ward_err err = {0};

	fake_v2(&l, &f, "/");
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		ck_assert_msg(cg_create_path(&l, ok[i].in, &res, &h, &err) == 0, "%s: %s", ok[i].in,
			      err.msg);
		ck_assert_uint_eq(h.ndirs, 1);
		ck_assert_msg(dir_in(&h, "/sys/fs/cgroup", ok[i].leaf), "%s: %s", ok[i].in,
			      h.dirs[0].path);
		ck_assert_int_eq(cg_destroy(&h, &err), 0);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(cg_create_path(&l, bad[i].in, &res, &h, &err), -EINVAL);
		ck_assert_str_eq(err.msg, bad[i].msg);
		ck_assert_uint_eq(h.ndirs, 0);
	}
}
END_TEST

START_TEST(test_path_hybrid)
{
	struct fake f = {0};
	struct cg_layout l;
	struct cg_handle h;
	struct spec_resources res = limits();
	struct ward_err err = {0};
	const char *mem, *pids, *cpu, *cpuset;

	fake_hybrid(&l, &f);
	ck_assert_msg(cg_create_path(&l, "/ctr/x", &res, &h, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(h.ndirs, 4);
	mem = dir_in(&h, "/sys/fs/cgroup/memory", "/ctr/x");
	pids = dir_in(&h, "/sys/fs/cgroup/pids", "/ctr/x");
	cpu = dir_in(&h, "/sys/fs/cgroup/cpu", "/ctr/x");
	ck_assert(mem && pids && cpu);
	ck_assert_ptr_nonnull(dir_in(&h, "/sys/fs/cgroup/unified", "/ctr/x"));
	ck_assert(!exists("%s/sys/fs/cgroup/cpuset/ctr", tmp)); /* no cpuset limit */
	ck_assert_str_eq(get("%s/memory.limit_in_bytes", mem), "67108864");
	ck_assert_str_eq(get("%s/pids.max", pids), "50");
	ck_assert_str_eq(get("%s/cpu.cfs_quota_us", cpu), "50000");
	ck_assert_int_eq(cg_destroy(&h, &err), 0);
	ck_assert(!exists("%s/sys/fs/cgroup/pids/ctr/x", tmp));

	/* no limits: still pids, memory and cpu (podman stats reads them), and cgroup2 */
	memset(&res, 0, sizeof(res));
	ck_assert_msg(cg_create_path(&l, "/ctr/y", &res, &h, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(h.ndirs, 4);
	ck_assert_ptr_nonnull(dir_in(&h, "/sys/fs/cgroup/memory", "/ctr/y"));
	ck_assert_ptr_nonnull(dir_in(&h, "/sys/fs/cgroup/pids", "/ctr/y"));
	ck_assert_ptr_nonnull(dir_in(&h, "/sys/fs/cgroup/cpu", "/ctr/y"));
	ck_assert_int_eq(cg_destroy(&h, &err), 0);

	/* a cpuset limit: a new ancestor gets its parent's cpus and mems first */
	res.set = SPEC_RES_CPUSET_CPUS;
	res.cpuset_cpus = "1";
	ck_assert_msg(cg_create_path(&l, "/ctr/z", &res, &h, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(h.ndirs, 5);
	cpuset = dir_in(&h, "/sys/fs/cgroup/cpuset", "/ctr/z");
	ck_assert_ptr_nonnull(cpuset);
	ck_assert_str_eq(get("%s/sys/fs/cgroup/cpuset/ctr/cpuset.cpus", tmp), "0-3");
	ck_assert_str_eq(get("%s/sys/fs/cgroup/cpuset/ctr/cpuset.mems", tmp), "0");
	ck_assert_str_eq(get("%s/cpuset.cpus", cpuset), "1");
	ck_assert_str_eq(get("%s/cpuset.mems", cpuset), "0");
	ck_assert_int_eq(cg_destroy(&h, &err), 0);
	ck_assert(!exists("%s/sys/fs/cgroup/cpuset/ctr/z", tmp));
	ck_assert(exists("%s/sys/fs/cgroup/cpuset/ctr", tmp));
}
END_TEST

START_TEST(test_path_rejected)
{
	static const struct {
		const char *in, *why;
		int code;
	} bad[] = {
	    {"/a/../b", "it has a '..' component", -EINVAL},
	    {"..", "it has a '..' component", -EINVAL},
	    {"a/b/..", "it has a '..' component", -EINVAL},
	    {"", "it names no cgroup", -EINVAL},
	    {"/", "it names no cgroup", -EINVAL},
	    {"//./", "it names no cgroup", -EINVAL},
	};
	struct fake f = {0};
	struct cg_layout l;
	struct cg_handle h;
	struct spec_resources res = {0};
	struct ward_err err = {0};
	char want[PATH_MAX], longpath[CG_PATH_MAX + 64];

	fake_v2(&l, &f, "/system.slice/foo.service");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(cg_create_path(&l, bad[i].in, &res, &h, &err), bad[i].code);
		snprintf(want, sizeof(want), "invalid linux.cgroupsPath '%s': %s", bad[i].in,
			 bad[i].why);
		ck_assert_str_eq(err.msg, want);
	}
	ck_assert(!exists("%s/sys/fs/cgroup/a", tmp));
	ck_assert(!exists("%s/sys/fs/cgroup/b", tmp));

	/* longer than CG_PATH_MAX, and too long once beneath the mount */
	longpath[0] = '/';
	memset(longpath + 1, 'a', sizeof(longpath) - 2);
	longpath[sizeof(longpath) - 1] = '\0';
	ck_assert_int_eq(cg_create_path(&l, longpath, &res, &h, &err), -ENAMETOOLONG);
	ck_assert(strncmp(err.msg, "invalid linux.cgroupsPath '/aaa", 31) == 0);
	longpath[CG_PATH_MAX - 8] = '\0';
	ck_assert_int_eq(cg_create_path(&l, longpath, &res, &h, &err), -ENAMETOOLONG);
	ck_assert_uint_eq(h.ndirs, 0);
}
END_TEST

/* an existing cgroup at cgroupsPath is joined, as runc does (issue 17) */
START_TEST(test_path_exists)
{
	struct fake f = {0};
	struct cg_layout l;
	struct cg_handle h;
	struct spec_resources res = limits();
	struct ward_err err = {0};
	char want[PATH_MAX];

	res.set = SPEC_RES_MEMORY | SPEC_RES_PIDS;
	fake_v2(&l, &f, "/system.slice/foo.service");
	mkdirs("%s/sys/fs/cgroup/taken/leaf", tmp);
	put("", "%s/sys/fs/cgroup/taken/cgroup.subtree_control", tmp);
	put("", "%s/sys/fs/cgroup/taken/leaf/memory.max", tmp);
	put("", "%s/sys/fs/cgroup/taken/leaf/pids.max", tmp);
	ck_assert_msg(cg_create_path(&l, "/taken/leaf", &res, &h, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(h.ndirs, 1);
	snprintf(want, sizeof(want), "%s/sys/fs/cgroup/taken/leaf", tmp);
	ck_assert_str_eq(h.dirs[0].path, want);
	ck_assert_str_eq(get("%s/sys/fs/cgroup/taken/leaf/memory.max", tmp), "67108864");
	ck_assert_str_eq(get("%s/sys/fs/cgroup/taken/leaf/pids.max", tmp), "50");
	/* the controllers are enabled on its way, as for a new one */
	ck_assert_ptr_nonnull(
	    strstr(get("%s/sys/fs/cgroup/taken/cgroup.subtree_control", tmp), "memory"));
	ck_assert_int_eq(cg_destroy(&h, &err), 0);
	teardown();
	setup();

	/* hybrid: the existing pids cgroup is joined, the others are made */
	memset(&res, 0, sizeof(res));
	fake_hybrid(&l, &f);
	mkdirs("%s/sys/fs/cgroup/pids/new/leaf", tmp);
	ck_assert_msg(cg_create_path(&l, "/new/leaf", &res, &h, &err) == 0, "%s", err.msg);
	ck_assert(exists("%s/sys/fs/cgroup/memory/new/leaf", tmp));
	ck_assert(exists("%s/sys/fs/cgroup/pids/new/leaf", tmp));
	ck_assert_int_eq(cg_destroy(&h, &err), 0);
}
END_TEST

/* linux.resources' other fields (issue 17): the knobs runc writes, v2 and v1 */
static struct spec_resources oci_limits(void)
{
	static struct spec_blkio_dev devs[] = {
	    {SPEC_BLKIO_READ_BPS, 8, 0, 1048576, 0},
	    {SPEC_BLKIO_WRITE_IOPS, 8, 16, 100, 0},
	};
	static struct spec_res_entry huge[] = {{(char *)"2MB", 4194304}};
	struct spec_resources r = {0};

	r.set = SPEC_RES_MEMORY_OCI | SPEC_RES_CPUSET_MEMS | SPEC_RES_BLKIO | SPEC_RES_HUGETLB;
	r.mem = SPEC_MEM_RESERVATION;
	r.memory_reservation = 32 << 20;
	r.cpuset_mems = (char *)"0";
	r.blkio_weight = 500;
	r.blkio_devs = devs;
	r.nblkio_devs = 2;
	r.hugepages = huge;
	r.nhugepages = 1;
	return r;
}

START_TEST(test_oci_resources_v2)
{
	struct fake f = {0};
	struct cg_layout l;
	struct cg_handle h;
	struct spec_resources res = oci_limits();
	struct ward_err err = {0};
	const char *dir;

	fake_v2(&l, &f, "/");
	strv_push(&res.unified, "memory.high");
	strv_push(&res.unified, "1073741824");
	strv_push(&res.rdma, "mlx5_1");
	strv_push(&res.rdma, "hca_handle=3 hca_object=10000");
	res.set |= SPEC_RES_UNIFIED | SPEC_RES_CPU_IDLE | SPEC_RES_CPU_BURST | SPEC_RES_RDMA;
	res.cpu_idle = 1;
	res.cpu_burst = 20000;
	ck_assert_msg(cg_create(&l, "u1", &res, &h, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(h.ndirs, 1);
	dir = h.dirs[0].path;
	ck_assert_str_eq(get("%s/memory.low", dir), "33554432");
	ck_assert_str_eq(get("%s/cpuset.mems", dir), "0");
	ck_assert_str_eq(get("%s/io.weight", dir),
			 "default 4950"); /* 1 + (500 - 10) * 9999 / 990 */
	/* a fake knob is a file: the last write lands over the first one's start */
	ck_assert_int_eq(strncmp(get("%s/io.max", dir), "8:16 wiops=100", 14), 0);
	ck_assert_str_eq(get("%s/hugetlb.2MB.max", dir), "4194304");
	ck_assert_str_eq(get("%s/memory.high", dir), "1073741824");
	ck_assert_str_eq(get("%s/cpu.idle", dir), "1");
	ck_assert_str_eq(get("%s/cpu.max.burst", dir), "20000");
	ck_assert_str_eq(get("%s/rdma.max", dir), "mlx5_1 hca_handle=3 hca_object=10000");
	/* ward update -r with unified alone */
	{
		struct spec_resources u = {0};

		strv_push(&u.unified, "memory.high");
		strv_push(&u.unified, "2048");
		u.set = SPEC_RES_UNIFIED;
		ck_assert_msg(cg_update(&l, &h, &u, &err) == 0, "%s", err.msg);
		ck_assert_int_eq(strncmp(get("%s/memory.high", dir), "2048", 4), 0);
		strv_release(&u.unified);
	}
	strv_release(&res.rdma);
	strv_release(&res.unified);
	ck_assert_int_eq(cg_destroy(&h, &err), 0);

	/* what cgroup v2 has no knob for: an error naming the field, or a warning */
	res = oci_limits();
	res.set = SPEC_RES_MEMORY_OCI;
	res.mem = SPEC_MEM_SWAPPINESS;
	ck_assert_int_lt(cg_create(&l, "u2", &res, &h, &err), 0);
	ck_assert_str_eq(err.msg, "cannot apply linux.resources.memory.swappiness: cgroup v2 has "
				  "no per-cgroup swappiness");
	res.ignore_missing = true;
	ck_assert_msg(cg_create(&l, "u3", &res, &h, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(cg_destroy(&h, &err), 0);
	/* net_cls has no cgroup v2 controller */
	memset(&res, 0, sizeof(res));
	res.set = SPEC_RES_NET_CLS;
	res.net_classid = 0x100001;
	ck_assert_int_lt(cg_create(&l, "u4", &res, &h, &err), 0);
	ck_assert_str_eq(err.msg, "cannot apply linux.resources.network.classID: the net_cls "
				  "controller is not available");
	strv_release(&res.unified);
}
END_TEST

START_TEST(test_oci_resources_v1)
{
	struct fake f = {0};
	struct cg_layout l;
	struct cg_handle h;
	struct spec_resources res = oci_limits();
	struct ward_err err = {0};
	const char *mem = NULL, *blkio = NULL, *cpuset = NULL;

	fake_hybrid(&l, &f);
	res.mem |= SPEC_MEM_SWAPPINESS;
	res.swappiness = 10;
	ck_assert_msg(cg_create(&l, "v1", &res, &h, &err) == 0, "%s", err.msg);
	for (size_t i = 0; i < h.ndirs; i++) {
		if (strstr(h.dirs[i].path, "/memory/"))
			mem = h.dirs[i].path;
		if (strstr(h.dirs[i].path, "/blkio/"))
			blkio = h.dirs[i].path;
		if (strstr(h.dirs[i].path, "/cpuset/"))
			cpuset = h.dirs[i].path;
	}
	ck_assert_ptr_nonnull(mem);
	ck_assert_ptr_nonnull(blkio);
	ck_assert_ptr_nonnull(cpuset);
	ck_assert_str_eq(get("%s/memory.soft_limit_in_bytes", mem), "33554432");
	ck_assert_str_eq(get("%s/memory.swappiness", mem), "10");
	ck_assert_str_eq(get("%s/blkio.weight", blkio), "500");
	ck_assert_str_eq(get("%s/blkio.throttle.read_bps_device", blkio), "8:0 1048576");
	ck_assert_str_eq(get("%s/blkio.throttle.write_iops_device", blkio), "8:16 100");
	/* cpu.mems alone: the cpus come from the parent */
	ck_assert_str_eq(get("%s/cpuset.mems", cpuset), "0");
	ck_assert_str_eq(get("%s/cpuset.cpus", cpuset), "0-3");
	ck_assert_int_eq(cg_destroy(&h, &err), 0);

	/* unified on a host whose container has no cgroup2 cgroup (pure v1) */
	teardown();
	setup();
	fake_v1(&l, &f);
	memset(&res, 0, sizeof(res));
	strv_push(&res.unified, "memory.high");
	strv_push(&res.unified, "1");
	res.set = SPEC_RES_UNIFIED;
	ck_assert_int_lt(cg_create(&l, "v2", &res, &h, &err), 0);
	ck_assert_str_eq(err.msg, "cannot apply linux.resources.unified: the container has no "
				  "cgroup2 cgroup (cgroup v2 is not mounted)");
	strv_release(&res.unified);
}
END_TEST

START_TEST(test_signal_all)
{
	struct fake f = {0};
	struct cg_layout l;
	struct cg_handle h, none = {0};
	struct spec_resources res = {0};
	struct ward_err err = {0};
	int ws = 0;
	pid_t pid, gone;

	fake_hybrid(&l, &f);
	ck_assert_msg(cg_create_path(&l, "/sig/leaf", &res, &h, &err) == 0, "%s", err.msg);
	ck_assert_uint_gt(h.ndirs, 1);
	pid = fork_sleeper();
	gone = fork();
	ck_assert_int_ge(gone, 0);
	if (gone == 0)
		_exit(0);
	ck_assert_int_eq(waitpid(gone, &ws, 0), gone);
	/* in every dir (signalled once); one that has exited (ESRCH); one from another pid ns */
	ck_assert_int_eq(cg_attach(&h, pid, &err), 0);
	{
		char buf[64];

		snprintf(buf, sizeof(buf), "0\n%d\n%d\n", (int)gone, (int)pid);
		put(buf, "%s/cgroup.procs", h.dirs[0].path);
	}
	ck_assert_msg(cg_signal_all(&h, SIGTERM, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(waitpid(pid, &ws, 0), pid);
	ck_assert(WIFSIGNALED(ws) && WTERMSIG(ws) == SIGTERM);

	/* a cgroup.procs that cannot be read */
	{
		char p[PATH_MAX], want[PATH_MAX * 2];

		snprintf(p, sizeof(p), "%s/cgroup.procs", h.dirs[1].path);
		ck_assert_int_eq(unlink(p), 0);
		ck_assert_int_eq(cg_signal_all(&h, SIGTERM, &err), -ENOENT);
		snprintf(want, sizeof(want),
			 "cannot list the processes of cgroup '%s': cannot open '%s'",
			 h.dirs[1].path, p);
		ck_assert_str_eq(err.msg, want);
	}
	empty_procs(&h);
	ck_assert_int_eq(cg_destroy(&h, &err), 0);

	/* no cgroup at all */
	ck_assert_int_eq(cg_signal_all(&none, SIGTERM, &err), -ENOENT);
	ck_assert_str_eq(err.msg, "cannot signal the container's processes: it has no cgroup");
}
END_TEST

/* The real kernel, when we are root: create, attach a child, read back, destroy. */
START_TEST(test_real_host)
{
	struct cg_layout l;
	struct cg_handle h;
	struct spec_resources res = {0};
	struct ward_err err = {0};
	char id[16];
	int ws = 0;
	pid_t pid;

	if (!unit_is_root())
		UNIT_SKIP("needs root");
	ck_assert_msg(cg_detect("/proc/self/mountinfo", "/proc/self/cgroup", &l, &err) == 0, "%s",
		      err.msg);
	if (l.mode == CG_NONE)
		UNIT_SKIP("no cgroup filesystem");
	res.set = SPEC_RES_PIDS | SPEC_RES_MEMORY;
	res.pids = 50;
	res.memory = 64ULL << 20;
	cg_make_id(id, sizeof(id));
	if (cg_create(&l, id, &res, &h, &err) < 0) {
		fprintf(stderr, "SKIP %s: %s\n", __func__, err.msg);
		return;
	}
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		pause();
		_exit(0);
	}
	ck_assert_msg(cg_attach(&h, pid, &err) == 0, "%s", err.msg);
	for (size_t i = 0; i < h.ndirs; i++) {
		ck_assert_int_eq(atoi(get("%s/cgroup.procs", h.dirs[i].path)), pid);
		if (h.dirs[i].controllers & (1U << CG_PIDS))
			ck_assert_str_eq(get("%s/pids.max", h.dirs[i].path), "50");
		if ((h.dirs[i].controllers & (1U << CG_MEMORY)) && !h.dirs[i].v2)
			ck_assert_str_eq(get("%s/memory.limit_in_bytes", h.dirs[i].path),
					 "67108864");
		if ((h.dirs[i].controllers & (1U << CG_MEMORY)) && h.dirs[i].v2)
			ck_assert_str_eq(get("%s/memory.max", h.dirs[i].path), "67108864");
	}
	ck_assert(!cg_oom_killed(&h));
	ck_assert_msg(cg_destroy(&h, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(waitpid(pid, &ws, 0), pid);
	ck_assert(WIFSIGNALED(ws) && WTERMSIG(ws) == SIGKILL);
	ck_assert_uint_eq(h.ndirs, 0);
	ck_assert_int_eq(cg_cleanup_stale(&l, &err), 0);
}
END_TEST

/* The real kernel, when we are root: an explicit path, signalled, removed, its ancestor too. */
START_TEST(test_real_host_path)
{
	struct cg_layout l;
	struct cg_handle h;
	struct spec_resources res = {0};
	struct ward_err err = {0};
	char path[64];
	int ws = 0, r;
	pid_t pid;

	if (!unit_is_root())
		UNIT_SKIP("needs root");
	ck_assert_msg(cg_detect("/proc/self/mountinfo", "/proc/self/cgroup", &l, &err) == 0, "%s",
		      err.msg);
	if (l.mode == CG_NONE)
		UNIT_SKIP("no cgroup filesystem");
	res.set = SPEC_RES_PIDS | SPEC_RES_MEMORY;
	res.pids = 50;
	res.memory = 64ULL << 20;
	snprintf(path, sizeof(path), "/ward-test-%d/leaf", (int)getpid());
	r = cg_create_path(&l, path, &res, &h, &err);
	if (r < 0) {
		fprintf(stderr, "SKIP %s: %s\n", __func__, err.msg);
		return;
	}
	ck_assert_uint_gt(h.ndirs, 0);
	pid = fork_sleeper();
	ck_assert_msg(cg_attach(&h, pid, &err) == 0, "%s", err.msg);
	for (size_t i = 0; i < h.ndirs; i++) {
		ck_assert_msg(ends_with(h.dirs[i].path, path), "%s", h.dirs[i].path);
		ck_assert_int_eq(atoi(get("%s/cgroup.procs", h.dirs[i].path)), pid);
		if (h.dirs[i].controllers & (1U << CG_PIDS))
			ck_assert_str_eq(get("%s/pids.max", h.dirs[i].path), "50");
	}
	ck_assert_msg(cg_signal_all(&h, SIGTERM, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(waitpid(pid, &ws, 0), pid);
	ck_assert(WIFSIGNALED(ws) && WTERMSIG(ws) == SIGTERM);
	ck_assert_msg(cg_destroy(&h, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(h.ndirs, 0);
	/* the ancestor stays (as with runc): the test removes it from every hierarchy */
	for (int c = 0; c <= CG_NR_CONTROLLERS; c++) {
		const char *m = c < CG_NR_CONTROLLERS ? l.v1_mount[c] : l.v2_mount;
		char dir[PATH_MAX];

		if (!m[0])
			continue;
		snprintf(dir, sizeof(dir), "%s/ward-test-%d", m, (int)getpid());
		ck_assert_msg(rmdir(dir) == 0 || errno == ENOENT, "rmdir %s: %s", dir,
			      strerror(errno));
		ck_assert(!exists("%s", dir));
	}
}
END_TEST

Suite *cgroup_suite(void)
{
	Suite *s = suite_create("cgroup");
	struct {
		const char *name;
		const TTest *test;
	} cases[] = {
	    {"detect_v2", test_detect_v2},
	    {"detect_hybrid", test_detect_hybrid},
	    {"detect_v1", test_detect_v1},
	    {"detect_edge_cases", test_detect_edge_cases},
	    {"v2_limits_below_fallback_parent", test_v2_limits_below_fallback_parent},
	    {"v2_no_limits_below_own", test_v2_no_limits_below_own},
	    {"v2_root_cgroup", test_v2_root_cgroup},
	    {"v2_missing_controller", test_v2_missing_controller},
	    {"v2_cannot_enable", test_v2_cannot_enable},
	    {"v2_missing_knobs", test_v2_missing_knobs},
	    {"hybrid_limits", test_hybrid_limits},
	    {"devices_v1", test_devices_v1},
	    {"freeze", test_freeze},
	    {"update", test_update},
	    {"devices_v2_refused", test_devices_v2_refused},
	    {"devices_later", test_devices_later},
	    {"hybrid_no_limits_and_v2_only_controller",
	     test_hybrid_no_limits_and_v2_only_controller},
	    {"v1_limits_and_errors", test_v1_limits_and_errors},
	    {"destroy_kills_what_is_left", test_destroy_kills_what_is_left},
	    {"cleanup_stale", test_cleanup_stale},
	    {"make_id", test_make_id},
	    {"path_v2_absolute", test_path_v2_absolute},
	    {"path_relative", test_path_relative},
	    {"path_systemd_form", test_path_systemd_form},
	    {"path_hybrid", test_path_hybrid},
	    {"path_rejected", test_path_rejected},
	    {"path_exists", test_path_exists},
	    {"oci_resources_v2", test_oci_resources_v2},
	    {"oci_resources_v1", test_oci_resources_v1},
	    {"signal_all", test_signal_all},
	    {"real_host", test_real_host},
	    {"real_host_path", test_real_host_path},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		TCase *tc = tcase_create(cases[i].name);

		tcase_add_checked_fixture(tc, setup, teardown);
		tcase_set_timeout(tc, UNIT_TIMEOUT);
		tcase_add_test(tc, cases[i].test);
		suite_add_tcase(s, tc);
	}
	return s;
}
