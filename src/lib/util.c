/* SPDX-License-Identifier: GPL-2.0-or-later */
/* util.c - allocation, string vectors, strict parsing, whole-file I/O, full writes. */
#include "ward/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ward/cleanup.h"

static void oom(void)
{
	static const char msg[] = "ward: out of memory\n";

	(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		oom();
	return q;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		oom();
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	char *p = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (r < 0)
		oom();
	return p;
}

void strv_push_owned(struct strv *sv, char *s)
{
	if (sv->n + 2 > sv->cap) {
		sv->cap = sv->cap ? sv->cap * 2 : 8;
		sv->v = xrealloc(sv->v, sv->cap * sizeof(*sv->v));
	}
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
}

void strv_push(struct strv *sv, const char *s)
{
	strv_push_owned(sv, xstrdup(s));
}

void strv_release(struct strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = sv->cap = 0;
}

bool parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end = NULL;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

bool parse_size(const char *s, uint64_t *out)
{
	uint64_t mult = 1, v;
	char num[32];
	size_t len = strlen(s);

	if (len == 0 || len >= sizeof(num))
		return false;
	memcpy(num, s, len + 1);
	switch (num[len - 1]) {
	case 'b':
	case 'B':
		mult = 1;
		break;
	case 'k':
	case 'K':
		mult = 1ULL << 10;
		break;
	case 'm':
	case 'M':
		mult = 1ULL << 20;
		break;
	case 'g':
	case 'G':
		mult = 1ULL << 30;
		break;
	default:
		len++;
		break;
	}
	num[len - 1] = num[len - 1] >= '0' && num[len - 1] <= '9' ? num[len - 1] : '\0';
	if (!parse_u64(num, UINT64_MAX / mult, &v))
		return false;
	*out = v * mult;
	return true;
}

bool str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

void str_unescape_octal(char *s)
{
	char *out = s;

	for (char *p = s; *p; p++) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' &&
		    p[3] >= '0' && p[3] <= '7') {
			*out++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
			p += 3;
		} else {
			*out++ = *p;
		}
	}
	*out = '\0';
}

int read_file(const char *path, size_t max, char **out, size_t *len, struct ward_err *err)
{
	/* O_NONBLOCK: opening a FIFO for reading would wait for a writer */
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	cleanup_free char *buf = NULL;
	struct stat st;
	size_t used = 0, cap;
	int fl;

	if (fd < 0)
		return err_set(err, errno, "cannot open '%s'", path);
	if (fstat(fd, &st) < 0)
		return err_set(err, errno, "cannot stat '%s'", path);
	if (S_ISDIR(st.st_mode))
		return err_set(err, EISDIR, "cannot read '%s'", path);
	if (!S_ISREG(st.st_mode))
		return err_set(err, 0, "'%s' is not a regular file", path);
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
		return err_set(err, errno, "cannot read '%s'", path);
	if ((uint64_t)st.st_size > max)
		return err_set(err, EFBIG, "cannot read '%s' (larger than %zu bytes)", path, max);
	/* /proc files report size 0: read until EOF in any case */
	cap = (size_t)st.st_size + 1 > 4096 ? (size_t)st.st_size + 1 : 4096;
	buf = xmalloc(cap);
	for (;;) {
		ssize_t n;

		if (used + 1 >= cap) {
			if (cap > max + 1)
				return err_set(err, EFBIG,
					       "cannot read '%s' (larger than %zu bytes)", path,
					       max);
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		n = read(fd, buf + used, cap - used - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err_set(err, errno, "cannot read '%s'", path);
		if (n == 0)
			break;
		used += (size_t)n;
	}
	if (used > max)
		return err_set(err, EFBIG, "cannot read '%s' (larger than %zu bytes)", path, max);
	buf[used] = '\0';
	if (len)
		*len = used;
	*out = steal_ptr(&buf);
	return 0;
}

int write_file(const char *path, const char *data, struct ward_err *err)
{
	cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	size_t len = strlen(data);
	ssize_t n;

	if (fd < 0)
		return err_set(err, errno, "cannot open '%s'", path);
	do
		n = write(fd, data, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return err_set(err, errno, "cannot write '%s' to '%s'", data, path);
	if ((size_t)n != len)
		return err_set(err, EIO, "short write of '%s' to '%s'", data, path);
	return 0;
}

int fd_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
