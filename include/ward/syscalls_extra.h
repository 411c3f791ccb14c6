/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * syscalls_extra.h - system calls the kernel has but libseccomp 2.5.4 cannot
 * name, with their numbers per ABI, read from the kernel's syscall tables
 * (arch/x86/entry/syscalls/syscall_{32,64}.tbl, scripts/syscall.tbl for the
 * asm-generic ABIs). filter.c consults this table only for names libseccomp
 * does not resolve on the native ABI, and filters them in its own BPF stub.
 *
 * ABIs are named by their seccomp_data.arch value (AUDIT_ARCH_*), except x32,
 * which shares AUDIT_ARCH_X86_64 and is told apart by bit 30 of the number:
 * use SYSCALL_EXTRA_ARCH_X32, the value libseccomp uses for SCMP_ARCH_X32.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* libseccomp's SCMP_ARCH_X32 token: EM_X86_64 | __AUDIT_ARCH_LE. */
#define SYSCALL_EXTRA_ARCH_X32 0x4000003eU
/* x32 numbers carry this bit (__X32_SYSCALL_BIT) in seccomp_data.nr. */
#define SYSCALL_EXTRA_X32_BIT 0x40000000U

/**
 * syscall_extra_known() - whether @name is in the table at all, on any ABI.
 *
 * Return: true when the table has an entry for @name.
 */
bool syscall_extra_known(const char *name) __attribute__((nonnull));

/**
 * syscall_extra_resolve() - the number of @name on one ABI.
 * @name: syscall name, e.g. "mseal"
 * @arch: AUDIT_ARCH_* value, or SYSCALL_EXTRA_ARCH_X32
 *
 * Return: the number as it appears in seccomp_data.nr (x32 numbers include
 * SYSCALL_EXTRA_X32_BIT), or -1 when @name is unknown or does not exist on @arch.
 */
int syscall_extra_resolve(const char *name, uint32_t arch) __attribute__((nonnull));

/**
 * syscall_extra_name() - the name of syscall @nr on @arch (an AUDIT_ARCH_*
 * value, or SYSCALL_EXTRA_ARCH_X32 with the x32 bit in @nr) from our table.
 *
 * Return: the name, or NULL when the table does not have it.
 */
const char *syscall_extra_name(int nr, uint32_t arch);
