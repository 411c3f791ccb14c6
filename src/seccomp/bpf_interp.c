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

/* The machine: accumulator, index register, scratch memory and the input. */
struct vm {
	uint32_t a, x;
	uint32_t mem[BPF_MEMWORDS];
	uint32_t mem_valid; /* bit i: mem[i] was stored */
	unsigned char raw[sizeof(struct seccomp_data)];
};

/* What one instruction did. */
enum step {
	STEP_NEXT, /* go on at the (possibly updated) pc */
	STEP_RET,  /* the program returned */
	STEP_BAD,  /* not a program the kernel would accept */
};

/* Loads, stores and register moves: classes LD, LDX, ST, STX and MISC. */
static enum step exec_ld_st(struct vm *m, const struct sock_filter *f)
{
	uint32_t k = f->k;

	switch (f->code) {
	case BPF_LD | BPF_W | BPF_ABS:
		if (k >= sizeof(m->raw) || (k & 3) != 0)
			return STEP_BAD;
		memcpy(&m->a, m->raw + k, sizeof(m->a));
		return STEP_NEXT;
	case BPF_LD | BPF_W | BPF_LEN:
		m->a = sizeof(m->raw);
		return STEP_NEXT;
	case BPF_LDX | BPF_W | BPF_LEN:
		m->x = sizeof(m->raw);
		return STEP_NEXT;
	case BPF_LD | BPF_IMM:
		m->a = k;
		return STEP_NEXT;
	case BPF_LDX | BPF_IMM:
		m->x = k;
		return STEP_NEXT;
	case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_MEM:
		if (k >= BPF_MEMWORDS || !(m->mem_valid & (1U << k)))
			return STEP_BAD;
		if (BPF_CLASS(f->code) == BPF_LD)
			m->a = m->mem[k];
		else
			m->x = m->mem[k];
		return STEP_NEXT;
	case BPF_ST:
	case BPF_STX:
		if (k >= BPF_MEMWORDS)
			return STEP_BAD;
		m->mem[k] = f->code == BPF_ST ? m->a : m->x;
		m->mem_valid |= 1U << k;
		return STEP_NEXT;
	case BPF_MISC | BPF_TAX:
		m->x = m->a;
		return STEP_NEXT;
	case BPF_MISC | BPF_TXA:
		m->a = m->x;
		return STEP_NEXT;
	default:
		return STEP_BAD;
	}
}

/* Arithmetic on A; a division by zero ends the program with 0 in *@ret. */
static enum step exec_alu(struct vm *m, const struct sock_filter *f, uint32_t *ret)
{
	uint32_t src = BPF_SRC(f->code) == BPF_X ? m->x : f->k;

	switch (f->code & (uint16_t)~BPF_X) {
	case BPF_ALU | BPF_ADD:
		m->a += src;
		return STEP_NEXT;
	case BPF_ALU | BPF_SUB:
		m->a -= src;
		return STEP_NEXT;
	case BPF_ALU | BPF_MUL:
		m->a *= src;
		return STEP_NEXT;
	case BPF_ALU | BPF_DIV:
		if (src == 0) {
			*ret = 0;
			return STEP_RET;
		}
		m->a /= src;
		return STEP_NEXT;
	case BPF_ALU | BPF_AND:
		m->a &= src;
		return STEP_NEXT;
	case BPF_ALU | BPF_OR:
		m->a |= src;
		return STEP_NEXT;
	case BPF_ALU | BPF_XOR:
		m->a ^= src;
		return STEP_NEXT;
	case BPF_ALU | BPF_LSH:
		m->a = src >= 32 ? 0 : m->a << src;
		return STEP_NEXT;
	case BPF_ALU | BPF_RSH:
		m->a = src >= 32 ? 0 : m->a >> src;
		return STEP_NEXT;
	default:
		break;
	}
	if (f->code != (BPF_ALU | BPF_NEG))
		return STEP_BAD;
	m->a = -m->a;
	return STEP_NEXT;
}

/* Jumps: *@pc (already past the jump) moves on, within the @len instructions. */
static enum step exec_jmp(const struct vm *m, const struct sock_filter *f, size_t len, size_t *pc)
{
	uint32_t src = BPF_SRC(f->code) == BPF_X ? m->x : f->k;
	size_t off;

	switch (f->code & (uint16_t)~BPF_X) {
	case BPF_JMP | BPF_JA:
		if (f->code != (BPF_JMP | BPF_JA))
			return STEP_BAD;
		off = f->k;
		break;
	case BPF_JMP | BPF_JEQ:
		off = m->a == src ? f->jt : f->jf;
		break;
	case BPF_JMP | BPF_JGT:
		off = m->a > src ? f->jt : f->jf;
		break;
	case BPF_JMP | BPF_JGE:
		off = m->a >= src ? f->jt : f->jf;
		break;
	case BPF_JMP | BPF_JSET:
		off = (m->a & src) != 0 ? f->jt : f->jf;
		break;
	default:
		return STEP_BAD;
	}
	if (off >= len - *pc)
		return STEP_BAD;
	*pc += off;
	return STEP_NEXT;
}

int bpf_interp_run(const struct sock_filter *insns, size_t len, const struct seccomp_data *data,
		   struct bpf_interp_result *res)
{
	struct vm m;
	size_t pc = 0, executed = 0;
	uint32_t ret = 0;
	enum step s;

	if (len == 0 || len > BPF_MAXINSNS)
		return -EINVAL;
	memset(&m, 0, sizeof(m));
	memcpy(m.raw, data, sizeof(m.raw));
	while (pc < len) {
		const struct sock_filter *f = &insns[pc++];

		executed++;
		switch (BPF_CLASS(f->code)) {
		case BPF_RET:
			if (f->code != (BPF_RET | BPF_K) && f->code != (BPF_RET | BPF_A))
				return -EINVAL;
			ret = f->code == (BPF_RET | BPF_K) ? f->k : m.a;
			s = STEP_RET;
			break;
		case BPF_ALU:
			s = exec_alu(&m, f, &ret);
			break;
		case BPF_JMP:
			s = exec_jmp(&m, f, len, &pc);
			break;
		default:
			s = exec_ld_st(&m, f);
			break;
		}
		if (s == STEP_BAD)
			return -EINVAL;
		if (s == STEP_RET) {
			res->ret = ret;
			res->executed = executed;
			return 0;
		}
	}
	return -EINVAL; /* fell off the end: the kernel rejects such programs */
}
