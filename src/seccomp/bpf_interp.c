// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bpf_interp.c - a classic-BPF interpreter restricted to what seccomp allows
 * (kernel/seccomp.c: seccomp_check_filter()). Loads read 32-bit words of
 * struct seccomp_data in host byte order, as the kernel's do; all arithmetic is
 * on 32-bit unsigned values, and division by zero ends the program with 0,
 * as classic BPF defines it.
 */
#include "ward/bpf_interp.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

int bpf_interp_run(const struct sock_filter *insns, size_t len, const struct seccomp_data *data,
		   struct bpf_interp_result *res)
{
	uint32_t mem[BPF_MEMWORDS];
	uint32_t mem_valid = 0; /* bit i: mem[i] was stored */
	unsigned char raw[sizeof(*data)];
	uint32_t a = 0, x = 0;
	size_t pc = 0, executed = 0;

	if (len == 0 || len > BPF_MAXINSNS)
		return -EINVAL;
	memcpy(raw, data, sizeof(raw));
	memset(mem, 0, sizeof(mem));

	while (pc < len) {
		const struct sock_filter *f = &insns[pc];
		uint32_t k = f->k;
		uint32_t src;
		bool cond;

		executed++;
		pc++;
		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (k >= sizeof(raw) || (k & 3) != 0)
				return -EINVAL;
			memcpy(&a, raw + k, sizeof(a));
			continue;
		case BPF_LD | BPF_W | BPF_LEN:
			a = sizeof(raw);
			continue;
		case BPF_LDX | BPF_W | BPF_LEN:
			x = sizeof(raw);
			continue;
		case BPF_LD | BPF_IMM:
			a = k;
			continue;
		case BPF_LDX | BPF_IMM:
			x = k;
			continue;
		case BPF_LD | BPF_MEM:
		case BPF_LDX | BPF_MEM:
			if (k >= BPF_MEMWORDS || !(mem_valid & (1U << k)))
				return -EINVAL;
			if (BPF_CLASS(f->code) == BPF_LD)
				a = mem[k];
			else
				x = mem[k];
			continue;
		case BPF_ST:
		case BPF_STX:
			if (k >= BPF_MEMWORDS)
				return -EINVAL;
			mem[k] = f->code == BPF_ST ? a : x;
			mem_valid |= 1U << k;
			continue;
		case BPF_MISC | BPF_TAX:
			x = a;
			continue;
		case BPF_MISC | BPF_TXA:
			a = x;
			continue;
		case BPF_RET | BPF_K:
			res->ret = k;
			res->executed = executed;
			return 0;
		case BPF_RET | BPF_A:
			res->ret = a;
			res->executed = executed;
			return 0;
		case BPF_JMP | BPF_JA:
			if (k >= len - pc)
				return -EINVAL;
			pc += k;
			continue;
		default:
			break;
		}

		src = BPF_SRC(f->code) == BPF_X ? x : k;
		switch (f->code) {
		case BPF_ALU | BPF_ADD | BPF_K:
		case BPF_ALU | BPF_ADD | BPF_X:
			a += src;
			continue;
		case BPF_ALU | BPF_SUB | BPF_K:
		case BPF_ALU | BPF_SUB | BPF_X:
			a -= src;
			continue;
		case BPF_ALU | BPF_MUL | BPF_K:
		case BPF_ALU | BPF_MUL | BPF_X:
			a *= src;
			continue;
		case BPF_ALU | BPF_DIV | BPF_K:
		case BPF_ALU | BPF_DIV | BPF_X:
			if (src == 0) {
				res->ret = 0;
				res->executed = executed;
				return 0;
			}
			a /= src;
			continue;
		case BPF_ALU | BPF_AND | BPF_K:
		case BPF_ALU | BPF_AND | BPF_X:
			a &= src;
			continue;
		case BPF_ALU | BPF_OR | BPF_K:
		case BPF_ALU | BPF_OR | BPF_X:
			a |= src;
			continue;
		case BPF_ALU | BPF_XOR | BPF_K:
		case BPF_ALU | BPF_XOR | BPF_X:
			a ^= src;
			continue;
		case BPF_ALU | BPF_LSH | BPF_K:
		case BPF_ALU | BPF_LSH | BPF_X:
			a = src >= 32 ? 0 : a << src;
			continue;
		case BPF_ALU | BPF_RSH | BPF_K:
		case BPF_ALU | BPF_RSH | BPF_X:
			a = src >= 32 ? 0 : a >> src;
			continue;
		case BPF_ALU | BPF_NEG:
			a = -a;
			continue;
		case BPF_JMP | BPF_JEQ | BPF_K:
		case BPF_JMP | BPF_JEQ | BPF_X:
			cond = a == src;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
		case BPF_JMP | BPF_JGT | BPF_X:
			cond = a > src;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
		case BPF_JMP | BPF_JGE | BPF_X:
			cond = a >= src;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
		case BPF_JMP | BPF_JSET | BPF_X:
			cond = (a & src) != 0;
			break;
		default:
			return -EINVAL;
		}
		/* only conditional jumps get here */
		if ((size_t)(cond ? f->jt : f->jf) >= len - pc)
			return -EINVAL;
		pc += cond ? f->jt : f->jf;
	}
	return -EINVAL; /* fell off the end: the kernel rejects such programs */
}
