/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sysnames.h - syscall names and numbers per ABI (x86_64, its i386 and x32
 * sub-ABIs), from libseccomp's tables: which ABI a seccomp_data's (arch, nr)
 * belongs to, and the name a profile would use for it.
 */
#pragma once

#include <stdint.h>

/* The ABIs a Docker profile's x86_64 archMap entry covers, in profile order. */
enum sys_abi {
	SYS_ABI_NATIVE, /* the host's own (x86_64 on x86_64) */
	SYS_ABI_X86,	/* i386: int $0x80, sysenter, 32-bit programs */
	SYS_ABI_X32,	/* x32: x86_64 calls with bit 30 set */
	SYS_ABI_OTHER,	/* anything else the filter let through */
	SYS_ABI_COUNT,
};

/* The x32 flag in a syscall number (__X32_SYSCALL_BIT). */
#define SYS_X32_BIT 0x40000000

/** sysnames_abi() - the ABI of a call with AUDIT_ARCH_* @arch and number @nr. */
enum sys_abi sysnames_abi(uint32_t arch, int nr);

/**
 * sysnames_name() - the name of @nr in @abi (x32 numbers with or without the
 * x32 bit). Return: a malloc'd name, or NULL when libseccomp does not know it.
 */
char *sysnames_name(enum sys_abi abi, int nr);

/**
 * sysnames_nr() - the number of @name in @abi (x32 with the x32 bit).
 * Return: the number, or -1 when @abi has no such call.
 */
int sysnames_nr(enum sys_abi abi, const char *name) __attribute__((nonnull));

/** sysnames_abi_label() - "x86_64", "x86", "x32", "other". */
const char *sysnames_abi_label(enum sys_abi abi);
