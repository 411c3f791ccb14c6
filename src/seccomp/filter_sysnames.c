/* SPDX-License-Identifier: GPL-2.0-or-later */
/* filter_sysnames.c - syscall names per ABI, read from libseccomp's per-arch tables. */
#include "ward/sysnames.h"

#include <linux/audit.h>
#include <seccomp.h>
#include <stdlib.h>

/* libseccomp's token for @abi (its SCMP_ARCH_* values are the AUDIT_ARCH_* ones). */
static uint32_t abi_token(enum sys_abi abi)
{
	switch (abi) {
	case SYS_ABI_NATIVE:
		return seccomp_arch_native();
	case SYS_ABI_X86:
		return SCMP_ARCH_X86;
	case SYS_ABI_X32:
		return SCMP_ARCH_X32;
	case SYS_ABI_OTHER:
	case SYS_ABI_COUNT:
		break;
	}
	return 0;
}

enum sys_abi sysnames_abi(uint32_t arch, int nr)
{
	uint32_t native = seccomp_arch_native();

	if (arch == AUDIT_ARCH_X86_64 && native == SCMP_ARCH_X86_64 && (nr & SYS_X32_BIT))
		return SYS_ABI_X32;
	if (arch == native)
		return SYS_ABI_NATIVE;
	if (arch == AUDIT_ARCH_I386 && native == SCMP_ARCH_X86_64)
		return SYS_ABI_X86;
	return SYS_ABI_OTHER;
}

char *sysnames_name(enum sys_abi abi, int nr)
{
	uint32_t token = abi_token(abi);
	char *name;

	if (!token)
		return NULL;
	if (abi == SYS_ABI_X32)
		nr |= SYS_X32_BIT;
	name = seccomp_syscall_resolve_num_arch(token, nr);
	return name; /* malloc'd by libseccomp */
}

int sysnames_nr(enum sys_abi abi, const char *name)
{
	uint32_t token = abi_token(abi);
	int nr;

	if (!token)
		return -1;
	nr = seccomp_syscall_resolve_name_arch(token, name);
	return nr < 0 ? -1 : nr; /* negative: a pseudo-syscall, absent on @abi */
}

const char *sysnames_abi_label(enum sys_abi abi)
{
	static const char *const labels[] = {"x86_64", "x86", "x32", "other"};

	if (abi == SYS_ABI_NATIVE && seccomp_arch_native() != SCMP_ARCH_X86_64)
		return "native";
	return abi < SYS_ABI_COUNT ? labels[abi] : "other";
}
