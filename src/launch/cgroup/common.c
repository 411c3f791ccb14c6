/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * common.c - the small helpers every file of the cgroup module uses: controller
 * names, token lists, bounded path formatting, reading a knob into a fixed
 * buffer, the clock and the poll pause, and a process's start time (the part of
 * a cgroup's name that tells a live ward from a reused pid).
 */
#include "cgroup_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/util.h"

#define CG_POLL_NS 10000000L

static const char *const ctrl_names[CG_NR_CONTROLLERS] = {
    [CG_MEMORY] = "memory",   [CG_PIDS] = "pids",	[CG_CPU] = "cpu",
    [CG_CPUSET] = "cpuset",   [CG_DEVICES] = "devices", [CG_BLKIO] = "blkio",
    [CG_HUGETLB] = "hugetlb", [CG_NET_CLS] = "net_cls", [CG_NET_PRIO] = "net_prio",
    [CG_RDMA] = "rdma",
};

const char *cg_controller_name(enum cg_controller c)
{
	return c < CG_NR_CONTROLLERS ? ctrl_names[c] : "?";
}

const char *cg_controller_v2_name(enum cg_controller c)
{
	if (c == CG_BLKIO)
		return "io";
	if (c == CG_NET_CLS || c == CG_NET_PRIO || c >= CG_NR_CONTROLLERS)
		return NULL;
	return ctrl_names[c];
}

bool cg_has_token(const char *list, const char *name, const char *seps)
{
	size_t len = strlen(name);

	for (const char *p = list; *p;) {
		size_t n = strcspn(p, seps);

		if (n == len && strncmp(p, name, len) == 0)
			return true;
		p += n;
		p += strspn(p, seps);
	}
	return false;
}

int cg_path_fmt(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* Read a small knob into @buf (NUL-terminated, truncated to fit). Return: length or -errno. */
ssize_t cg_read_knob(const char *path, char *buf, size_t len)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	size_t used = 0;

	if (fd < 0)
		return -errno;
	while (used + 1 < len) {
		ssize_t n = read(fd, buf + used, len - used - 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		used += (size_t)n;
	}
	buf[used] = '\0';
	return (ssize_t)used;
}

int cg_copy_str(char *dst, size_t len, const char *src)
{
	return cg_path_fmt(dst, len, "%s", src);
}

unsigned long long cg_now_ns(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts); /* cannot fail for CLOCK_MONOTONIC */
	return (unsigned long long)ts.tv_sec * 1000000000ULL + (unsigned long long)ts.tv_nsec;
}

void cg_pause_briefly(void)
{
	struct timespec ts = {.tv_sec = 0, .tv_nsec = CG_POLL_NS};

	(void)nanosleep(&ts, NULL); /* an early wake-up only shortens one poll */
}

/* Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot. */
int cg_proc_starttime(pid_t pid, unsigned long long *out)
{
	char path[64], buf[1024], *p, *save = NULL, *tok;
	ssize_t n;
	int field = 2;

	(void)snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid); /* always fits */
	n = cg_read_knob(path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	/* comm (field 2) may hold spaces and parentheses: start after the last ')' */
	p = strrchr(buf, ')');
	if (!p)
		return -EINVAL;
	for (tok = strtok_r(p + 1, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		if (++field == 22) {
			uint64_t v;

			if (!parse_u64(tok, UINT64_MAX, &v))
				return -EINVAL;
			*out = v;
			return 0;
		}
	}
	return -EINVAL;
}

int cg_read_token_file(const char *dir, const char *knob, char *buf, size_t len)
{
	char path[CG_PATH_MAX + 32];
	ssize_t n;

	if (cg_path_fmt(path, sizeof(path), "%s/%s", dir, knob) < 0)
		return -ENAMETOOLONG;
	n = cg_read_knob(path, buf, len);
	return n < 0 ? (int)n : 0;
}
