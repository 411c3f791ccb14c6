/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * selfexe.c - ward's own executable out of a container's reach: the sealed
 * memfd copy ward re-executes itself from, and the non-dumpable flag (see
 * selfexe.h for why both).
 */
#include "ward/selfexe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ward/cleanup.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U /* Linux 6.3: refused as EINVAL before, and not needed there */
#endif

#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010 /* Linux 5.1 */
#endif

/*
 * What a sealed copy must carry: no resize, no further change of the seals, and
 * no write: F_SEAL_WRITE, or F_SEAL_FUTURE_WRITE where the kernel still counts
 * a reference to a page of the copy (a per-CPU LRU batch, briefly) and refuses
 * F_SEAL_WRITE with EBUSY. No one ever had the copy mapped writable, so both
 * leave it unwritable for good.
 */
#define SELFEXE_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW)
#define SELFEXE_WRITE (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)

extern char **environ;

bool selfexe_sealed(void)
{
	cleanup_close int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	int seals;

	if (fd < 0)
		return false;
	seals = fcntl(fd, F_GET_SEALS);
	return seals >= 0 && (seals & SELFEXE_SEALS) == SELFEXE_SEALS && (seals & SELFEXE_WRITE);
}

/* F_SEAL_WRITE, retried for a moment while pages are still referenced; else the future-write seal.
 */
static int seal(int fd)
{
	const struct timespec pause = {.tv_nsec = 1000 * 1000};

	for (int i = 0; i < 10; i++) {
		if (fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE) == 0)
			return fcntl(fd, F_ADD_SEALS, SELFEXE_SEALS);
		if (errno != EBUSY)
			return -1;
		(void)nanosleep(&pause, NULL);
	}
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE) < 0)
		return -1;
	return fcntl(fd, F_ADD_SEALS, SELFEXE_SEALS);
}

static int memfd_exec(void)
{
	int fd = memfd_create("ward", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);

	if (fd < 0 && errno == EINVAL)
		fd = memfd_create("ward", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	return fd;
}

static int copy_all(int to, int from, off_t size)
{
	off_t done = 0;

	while (done < size) {
		ssize_t n = sendfile(to, from, NULL, (size_t)(size - done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO; /* the binary shrank while ward copied it */
		done += n;
	}
	return 0;
}

int selfexe_seal(char *const argv[], struct ward_err *err)
{
	cleanup_close int self = -1;
	cleanup_close int copy = -1;
	struct stat st;
	int r;

	if (selfexe_sealed())
		return 0;
	self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return err_set(err, errno, "cannot open ward's own executable (/proc/self/exe)");
	if (fstat(self, &st) < 0)
		return err_set(err, errno, "cannot stat ward's own executable");
	copy = memfd_exec();
	if (copy < 0)
		return err_set(err, errno, "cannot create a memfd for ward's sealed copy");
	r = copy_all(copy, self, st.st_size);
	if (r < 0)
		return err_set(err, -r, "cannot copy ward's executable into a memfd");
	if (seal(copy) < 0)
		return err_set(err, errno, "cannot seal ward's copy of itself");
	fexecve(copy, argv, environ);
	return err_set(err, errno, "cannot execute ward's sealed copy of itself");
}

int selfexe_undumpable(struct ward_err *err)
{
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return err_set(err, errno, "cannot make ward's process non-dumpable");
	return 0;
}
