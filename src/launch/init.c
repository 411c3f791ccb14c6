/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * init.c - `ward run --init` (init.h): the embedded ward-init into a memfd that
 * the child executes, in front of the command.
 */
#include "ward/init.h"

#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ward/util.h"

extern const char ward_init_bin[];
extern const char ward_init_bin_end[];

int init_prepare(struct container_spec *spec, struct ward_err *err)
{
	size_t size = (size_t)(ward_init_bin_end - ward_init_bin);
	struct strv argv = {0};
	int fd = memfd_create("ward-init", MFD_CLOEXEC);

	if (fd < 0)
		return err_set(err, errno, "--init: cannot create a memfd");
	if (fd_write_all(fd, ward_init_bin, size) < 0) {
		int e = errno;

		close(fd);
		return err_set(err, e, "--init: cannot write ward-init");
	}
	strv_push(&argv, "ward-init");
	strv_push(&argv, "--");
	for (size_t i = 0; i < spec->argv.n; i++)
		strv_push(&argv, spec->argv.v[i]);
	strv_release(&spec->argv);
	spec->argv = argv;
	return fd;
}
