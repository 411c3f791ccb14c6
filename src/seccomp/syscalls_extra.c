// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * syscalls_extra.c - numbers of system calls newer than libseccomp 2.5.4's tables.
 *
 * Sources (checked against the kernel tables, not guessed):
 * - x86_64 and x32: arch/x86/entry/syscalls/syscall_64.tbl ("common" entries
 *   exist on both; x32 adds __X32_SYSCALL_BIT);
 * - i386: arch/x86/entry/syscalls/syscall_32.tbl, which since 424 uses the
 *   same numbers as x86_64 for the calls below;
 * - aarch64, arm, riscv64: scripts/syscall.tbl / arch/arm/tools/syscall.tbl,
 *   the asm-generic numbering, identical to x86_64's from 451 on.
 *
 * uretprobe (335) and uprobe (336) exist only on x86_64 ("common", so x32 too);
 * map_shadow_stack is left out of x32, as libseccomp's own table does.
 * riscv_hwprobe exists only on riscv64 (258).
 */
#include "ward/syscalls_extra.h"

#include <linux/audit.h>
#include <stddef.h>
#include <string.h>

enum { SX_X86_64, SX_X86, SX_X32, SX_AARCH64, SX_ARM, SX_RISCV64, SX_NARCH };

struct syscall_extra {
	const char *name;
	int nr[SX_NARCH]; /* -1: not on this ABI; x32 without the x32 bit */
};

/* The same number on every ABI listed: the asm-generic era (424 and up). */
#define ALL(n)                                                                                     \
	{                                                                                          \
		n, n, n, n, n, n                                                                   \
	}

static const struct syscall_extra extras[] = {
    {"uretprobe", {335, -1, 335, -1, -1, -1}},
    {"uprobe", {336, -1, 336, -1, -1, -1}},
    {"riscv_hwprobe", {-1, -1, -1, -1, -1, 258}},
    {"cachestat", ALL(451)},
    {"fchmodat2", ALL(452)},
    {"map_shadow_stack", {453, 453, -1, 453, 453, 453}},
    {"futex_wake", ALL(454)},
    {"futex_wait", ALL(455)},
    {"futex_requeue", ALL(456)},
    {"statmount", ALL(457)},
    {"listmount", ALL(458)},
    {"lsm_get_self_attr", ALL(459)},
    {"lsm_set_self_attr", ALL(460)},
    {"lsm_list_modules", ALL(461)},
    {"mseal", ALL(462)},
    {"setxattrat", ALL(463)},
    {"getxattrat", ALL(464)},
    {"listxattrat", ALL(465)},
    {"removexattrat", ALL(466)},
    {"open_tree_attr", ALL(467)},
    {"file_getattr", ALL(468)},
    {"file_setattr", ALL(469)},
    {"listns", ALL(470)},
};

static const struct syscall_extra *find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(extras) / sizeof(extras[0]); i++)
		if (strcmp(extras[i].name, name) == 0)
			return &extras[i];
	return NULL;
}

bool syscall_extra_known(const char *name)
{
	return find(name) != NULL;
}

int syscall_extra_resolve(const char *name, uint32_t arch)
{
	const struct syscall_extra *e = find(name);
	int nr;

	if (!e)
		return -1;
	switch (arch) {
	case AUDIT_ARCH_X86_64:
		return e->nr[SX_X86_64];
	case AUDIT_ARCH_I386:
		return e->nr[SX_X86];
	case SYSCALL_EXTRA_ARCH_X32:
		nr = e->nr[SX_X32];
		return nr < 0 ? -1 : (int)((unsigned int)nr | SYSCALL_EXTRA_X32_BIT);
	case AUDIT_ARCH_AARCH64:
		return e->nr[SX_AARCH64];
	case AUDIT_ARCH_ARM:
		return e->nr[SX_ARM];
	case AUDIT_ARCH_RISCV64:
		return e->nr[SX_RISCV64];
	default:
		return -1;
	}
}

const char *syscall_extra_name(int nr, uint32_t arch)
{
	size_t i;

	for (i = 0; i < sizeof(extras) / sizeof(extras[0]); i++)
		if (syscall_extra_resolve(extras[i].name, arch) == nr && nr >= 0)
			return extras[i].name;
	return NULL;
}
