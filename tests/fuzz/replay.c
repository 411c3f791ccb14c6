/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * replay.c - ward-fuzz-replay TARGET PATH...: feeds every file named, and every
 * file in every directory named (not recursive; dot files skipped; a missing
 * directory holds nothing), to the fuzz entry point of TARGET (profile, oci,
 * cli). The normal build runs the seed corpus and tests/data/fuzz-regressions
 * through it (ctest fuzz.<target>), so a crash found once stays fixed without
 * clang; under WARD_SANITIZE it is the sanitizers that report. Exit status 0
 * when every input ran, 1 when a file could not be read, 2 for usage.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "ward/cleanup.h"
#include "ward/util.h"

typedef int (*fuzz_fn)(const uint8_t *data, size_t size);

static const struct {
	const char *name;
	fuzz_fn fn;
} targets[] = {
    {"profile", ward_fuzz_profile},
    {"oci", ward_fuzz_oci},
    {"cli", ward_fuzz_cli},
};

static fuzz_fn find_target(const char *name)
{
	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
		if (strcmp(targets[i].name, name) == 0)
			return targets[i].fn;
	return NULL;
}

/* the whole of a regular file; O_NONBLOCK so that a FIFO put here cannot hang us */
static int slurp(const char *path, uint8_t **out, size_t *len)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	uint8_t *buf;
	size_t got = 0;

	if (fd < 0 || fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	buf = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;

			free(buf);
			return -e;
		}
		got += (size_t)n;
	}
	*out = buf;
	*len = got;
	return 0;
}

static int replay_file(fuzz_fn fn, const char *path)
{
	cleanup_free uint8_t *data = NULL;
	size_t len = 0;
	int r = slurp(path, &data, &len);

	if (r < 0) {
		fprintf(stderr, "replay: cannot read '%s': %s\n", path, strerror(-r));
		return -1;
	}
	fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
	/* a copy of exactly len bytes, so ASan sees any read past the end */
	fn(data, len);
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* every regular entry of @dir in name order; returns the count replayed, or -1 */
static int replay_dir(fuzz_fn fn, const char *dir)
{
	DIR *d = opendir(dir);
	struct strv names = {0};
	struct dirent *e;
	int count = 0, bad = 0;

	if (!d) {
		if (errno == ENOENT)
			return 0;
		fprintf(stderr, "replay: cannot open '%s': %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			strv_push(&names, e->d_name);
	closedir(d);
	if (names.n)
		qsort(names.v, names.n, sizeof(*names.v), name_cmp);
	for (size_t i = 0; i < names.n; i++) {
		cleanup_free char *path = xasprintf("%s/%s", dir, names.v[i]);

		if (replay_file(fn, path) < 0)
			bad = 1;
		else
			count++;
	}
	strv_release(&names);
	return bad ? -1 : count;
}

int main(int argc, char **argv)
{
	struct stat st;
	fuzz_fn fn;
	int total = 0, status = 0;

	if (argc < 2 || !(fn = find_target(argv[1]))) {
		fprintf(stderr, "usage: ward-fuzz-replay profile|oci|cli PATH...\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		int n;

		if (stat(argv[i], &st) == 0 && !S_ISDIR(st.st_mode))
			n = replay_file(fn, argv[i]) < 0 ? -1 : 1;
		else
			n = replay_dir(fn, argv[i]);
		if (n < 0)
			status = 1;
		else
			total += n;
	}
	printf("replay %s: %d inputs ran\n", argv[1], total);
	return status;
}
