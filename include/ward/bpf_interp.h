/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bpf_interp.h - a classic-BPF interpreter for seccomp filters.
 *
 * Pure: runs a struct sock_filter program over one struct seccomp_data and
 * reports the 32-bit return value (SECCOMP_RET_*) and how many instructions
 * ran. It accepts exactly the instruction set the kernel's
 * seccomp_check_filter() accepts, so a program it runs is one the kernel would
 * run the same way. Used by the unit tests and by `ward seccomp bench`.
 */
#pragma once

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>

struct bpf_interp_result {
	uint32_t ret;	 /* the program's return value, SECCOMP_RET_* | data */
	size_t executed; /* instructions executed, including the final RET */
};

/**
 * bpf_interp_run() - evaluate a seccomp program.
 * @insns: the program
 * @len:   number of instructions, 1..BPF_MAXINSNS
 * @data:  the system call to evaluate
 * @res:   where the result goes
 *
 * Return: 0, or -EINVAL when the program is not one the kernel would accept
 * (unknown opcode, jump out of range, load outside seccomp_data or unaligned,
 * falling off the end, scratch memory read before it was written).
 */
int bpf_interp_run(const struct sock_filter *insns, size_t len, const struct seccomp_data *data,
		   struct bpf_interp_result *res) __attribute__((nonnull));
