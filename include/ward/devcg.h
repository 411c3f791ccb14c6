/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * devcg.h - the device cgroup: which device nodes a container may open or
 * mknod, on cgroup v1 (devices.allow / devices.deny) and on cgroup v2 (an eBPF
 * BPF_PROG_TYPE_CGROUP_DEVICE program attached to the cgroup), as runc and
 * crun do it.
 *
 * A rule list means what cgroup v1's list means when written in order, "last
 * matching rule wins":
 *  - the starting point is "allow";
 *  - a rule of type 'a' with major and minor both any ("a *:*") is a reset:
 *    every rule before it is dropped and the default becomes its @allow (its
 *    access bits do not matter);
 *  - a request (type, major, minor, access bits; an open for reading and
 *    writing asks DEVCG_READ | DEVCG_WRITE) is checked against the remaining
 *    rules from the last to the first. A rule matches when its type is the
 *    request's or 'a' and its major and minor are the request's or any; an
 *    allow rule then decides "allow" when it grants every requested bit, a deny
 *    rule decides "deny" when it covers any requested bit; a matching rule that
 *    decides nothing is passed over. No decision: the default.
 *
 * devcg_allows() is that definition in C; devcg_bpf_build() compiles it to
 * eBPF, and the unit tests check that the two, and the kernel, agree.
 *
 * What the kernel adds on top: a new v1 cgroup starts from its parent's list
 * and v2 programs of ancestors keep running (BPF_F_ALLOW_MULTI), so a list
 * that does not start with a reset can only narrow what the parent allows.
 */
#pragma once

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ward/error.h"

/* Access bits: the values of BPF_DEVCG_ACC_* in <linux/bpf.h>. */
#define DEVCG_MKNOD 1u
#define DEVCG_READ  2u
#define DEVCG_WRITE 4u
#define DEVCG_RWM   (DEVCG_MKNOD | DEVCG_READ | DEVCG_WRITE)

/* A major or minor that matches any number ("*"). */
#define DEVCG_ANY (-1)

struct devcg_rule {
	bool allow;
	char type;	      /* 'a' (all), 'c' (char), 'b' (block) */
	int64_t major, minor; /* 0..INT32_MAX, or DEVCG_ANY */
	unsigned int access;  /* DEVCG_* bits */
};

/*
 * What Docker gets from runc for a container without --privileged or
 * --device: "a *:* rwm" denied, then runc's AllowedDevices
 * (libcontainer/specconv): mknod of any char and block node, and rwm on
 * /dev/null (c 1:3), random (1:8), full (1:7), tty (5:0), zero (1:5),
 * urandom (1:9), the pty slaves (136:*), ptmx (5:2) and /dev/net/tun (10:200),
 * in that order. /dev/console (5:1) is not among them: a container's console
 * is a pty slave.
 */
extern const struct devcg_rule devcg_default_rules[];
extern const size_t devcg_ndefault_rules;

/**
 * devcg_parse_access() - parse an access string such as "rwm".
 * @s:   'r', 'w' and 'm' in any order, each at most once; "" is no access
 * @out: the DEVCG_* bits
 *
 * Return: 0, or -EINVAL for another letter or a repeated one.
 */
int devcg_parse_access(const char *s, unsigned int *out) __attribute__((nonnull));

/**
 * devcg_format_v1() - the line cgroup v1 takes for a rule, "c 1:3 rwm",
 * "b 8:* r", "a *:* rwm", without a newline; it goes to devices.allow or
 * devices.deny as @r->allow says.
 * @buf: destination, NUL-terminated on success
 *
 * Return: 0; -EINVAL for an invalid rule, for a c or b rule with no access
 * (the kernel refuses such a line) and for an 'a' rule naming a major or minor
 * (v1 would take it for a reset: devcg_apply_v1() writes it as a c and a b
 * line); -ENOSPC when @buf is too small.
 */
int devcg_format_v1(const struct devcg_rule *r, char *buf, size_t len) __attribute__((nonnull));

/**
 * devcg_apply_v1() - write the rules, in order, to @dir/devices.deny and
 * @dir/devices.allow of a v1 devices cgroup, one write per rule.
 * @dir: the cgroup's directory
 *
 * Rules that decide nothing (c or b with no access) are not written; an 'a'
 * rule with a major or minor is written as a 'c' line and a 'b' line. The
 * list is checked before anything is written.
 *
 * v1 is coarser than the semantics above: a rule removes an exception of the
 * other kind only when type, major and minor are the same, so a list that
 * narrows a wildcard rule with a later, more specific one of the other kind
 * ("c 1:* rw" allowed, then "c 1:5 w" denied) is not enforced exactly. Lists of one kind after a
 * reset, such as the defaults, are exact.
 *
 * Return: 0, or a negative errno with @err naming the rule or the file.
 */
int devcg_apply_v1(const char *dir, const struct devcg_rule *rules, size_t n, struct ward_err *err)
    __attribute__((nonnull(1, 4)));

/**
 * devcg_apply_v2() - enforce the rules in a cgroup v2 cgroup: build the eBPF
 * program, load it, attach it to @dirfd (BPF_CGROUP_DEVICE,
 * BPF_F_ALLOW_MULTI) and close it (the attachment keeps it alive).
 * @dirfd: the cgroup's directory, opened O_RDONLY | O_DIRECTORY
 *
 * Each call attaches one more program and every program must allow an access,
 * so calling it again on a cgroup can only narrow access. Needs CAP_SYS_ADMIN
 * and a kernel of 4.15 or later.
 *
 * Return: 0, or a negative errno with @err set; a verifier refusal is
 * reported with the verifier's error line.
 */
int devcg_apply_v2(int dirfd, const struct devcg_rule *rules, size_t n, struct ward_err *err)
    __attribute__((nonnull(4)));

/**
 * devcg_bpf_build() - the BPF_PROG_TYPE_CGROUP_DEVICE program for the rules
 * (exposed for tests).
 * @rules: may be NULL when @n is 0
 * @out:   the instructions, to free()
 * @ninsn: their count
 *
 * The program returns 1 (allow) or 0 (deny). Request bits beyond DEVCG_RWM
 * are ignored, as by devcg_allows().
 *
 * Return: 0, or -EINVAL for an invalid rule (type not a, b or c, a major or
 * minor outside DEVCG_ANY..INT32_MAX, access bits beyond DEVCG_RWM), -E2BIG
 * for a list too long for one program.
 */
int devcg_bpf_build(const struct devcg_rule *rules, size_t n, struct bpf_insn **out, size_t *ninsn)
    __attribute__((nonnull(3, 4)));

/**
 * devcg_bpf_load() - load a BPF_PROG_TYPE_CGROUP_DEVICE program (exposed for
 * tests; devcg_apply_v2() uses it).
 *
 * Return: the program's fd (O_CLOEXEC), or a negative errno with @err set;
 * when the verifier refuses the program, @err carries the line of its log
 * that says why.
 */
int devcg_bpf_load(const struct bpf_insn *insns, size_t ninsn, struct ward_err *err)
    __attribute__((nonnull(1, 3)));

/**
 * devcg_allows() - the decision in plain C, to compare with the kernel's
 * (exposed for tests).
 * @rules:  valid rules (devcg_bpf_build() checks them); NULL when @n is 0
 * @type:   'c' or 'b'
 * @access: DEVCG_* bits asked; bits beyond DEVCG_RWM are ignored
 */
bool devcg_allows(const struct devcg_rule *rules, size_t n, char type, uint32_t major,
		  uint32_t minor, unsigned int access);
