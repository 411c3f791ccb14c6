/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * profile.c - the seccomp profile engine, apart from the JSON reader
 * (profile_parse.c): the names of actions, operators, capabilities and errno
 * values; freeing; loading a profile from a file or the built-in one; and
 * profile_resolve(), which is Docker's setupSeccomp(): a pure function of the
 * profile, the capability bounding set, the native architecture and the kernel
 * version. Only resolve_ctx_host() asks the system.
 */
#include "ward/profile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "ward/cleanup.h"
#include "ward/util.h"

/* generated from profiles/default.json by scripts/embed.cmake */
extern const char ward_default_profile[];
extern const size_t ward_default_profile_len;

#define PROFILE_MAX_SIZE (4u << 20)

/* ---- names ---------------------------------------------------------------- */

static const char *const op_names[] = {
    [PROF_OP_NE] = "SCMP_CMP_NE",
    [PROF_OP_LT] = "SCMP_CMP_LT",
    [PROF_OP_LE] = "SCMP_CMP_LE",
    [PROF_OP_EQ] = "SCMP_CMP_EQ",
    [PROF_OP_GE] = "SCMP_CMP_GE",
    [PROF_OP_GT] = "SCMP_CMP_GT",
    [PROF_OP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

static const char *const cap_names[] = {
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};

/* Every Linux errno name, canonical name first where two share a value. */
#define E(n)                                                                                       \
	{                                                                                          \
#n, n                                                                              \
	}
static const struct {
	const char *name;
	int value;
} errno_names[] = {
    E(EPERM),		E(ENOENT),	 E(ESRCH),
    E(EINTR),		E(EIO),		 E(ENXIO),
    E(E2BIG),		E(ENOEXEC),	 E(EBADF),
    E(ECHILD),		E(EAGAIN),	 E(ENOMEM),
    E(EACCES),		E(EFAULT),	 E(ENOTBLK),
    E(EBUSY),		E(EEXIST),	 E(EXDEV),
    E(ENODEV),		E(ENOTDIR),	 E(EISDIR),
    E(EINVAL),		E(ENFILE),	 E(EMFILE),
    E(ENOTTY),		E(ETXTBSY),	 E(EFBIG),
    E(ENOSPC),		E(ESPIPE),	 E(EROFS),
    E(EMLINK),		E(EPIPE),	 E(EDOM),
    E(ERANGE),		E(EDEADLK),	 E(ENAMETOOLONG),
    E(ENOLCK),		E(ENOSYS),	 E(ENOTEMPTY),
    E(ELOOP),		E(EWOULDBLOCK),	 E(ENOMSG),
    E(EIDRM),		E(ECHRNG),	 E(EL2NSYNC),
    E(EL3HLT),		E(EL3RST),	 E(ELNRNG),
    E(EUNATCH),		E(ENOCSI),	 E(EL2HLT),
    E(EBADE),		E(EBADR),	 E(EXFULL),
    E(ENOANO),		E(EBADRQC),	 E(EBADSLT),
    E(EDEADLOCK),	E(EBFONT),	 E(ENOSTR),
    E(ENODATA),		E(ETIME),	 E(ENOSR),
    E(ENONET),		E(ENOPKG),	 E(EREMOTE),
    E(ENOLINK),		E(EADV),	 E(ESRMNT),
    E(ECOMM),		E(EPROTO),	 E(EMULTIHOP),
    E(EDOTDOT),		E(EBADMSG),	 E(EOVERFLOW),
    E(ENOTUNIQ),	E(EBADFD),	 E(EREMCHG),
    E(ELIBACC),		E(ELIBBAD),	 E(ELIBSCN),
    E(ELIBMAX),		E(ELIBEXEC),	 E(EILSEQ),
    E(ERESTART),	E(ESTRPIPE),	 E(EUSERS),
    E(ENOTSOCK),	E(EDESTADDRREQ), E(EMSGSIZE),
    E(EPROTOTYPE),	E(ENOPROTOOPT),	 E(EPROTONOSUPPORT),
    E(ESOCKTNOSUPPORT), E(EOPNOTSUPP),	 E(ENOTSUP),
    E(EPFNOSUPPORT),	E(EAFNOSUPPORT), E(EADDRINUSE),
    E(EADDRNOTAVAIL),	E(ENETDOWN),	 E(ENETUNREACH),
    E(ENETRESET),	E(ECONNABORTED), E(ECONNRESET),
    E(ENOBUFS),		E(EISCONN),	 E(ENOTCONN),
    E(ESHUTDOWN),	E(ETOOMANYREFS), E(ETIMEDOUT),
    E(ECONNREFUSED),	E(EHOSTDOWN),	 E(EHOSTUNREACH),
    E(EALREADY),	E(EINPROGRESS),	 E(ESTALE),
    E(EUCLEAN),		E(ENOTNAM),	 E(ENAVAIL),
    E(EISNAM),		E(EREMOTEIO),	 E(EDQUOT),
    E(ENOMEDIUM),	E(EMEDIUMTYPE),	 E(ECANCELED),
    E(ENOKEY),		E(EKEYEXPIRED),	 E(EKEYREVOKED),
    E(EKEYREJECTED),	E(EOWNERDEAD),	 E(ENOTRECOVERABLE),
    E(ERFKILL),		E(EHWPOISON),
};
#undef E

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

const char *prof_action_name(enum prof_action a)
{
	switch (a) {
	case PROF_ACT_KILL_THREAD:
		return "SCMP_ACT_KILL_THREAD";
	case PROF_ACT_KILL_PROCESS:
		return "SCMP_ACT_KILL_PROCESS";
	case PROF_ACT_TRAP:
		return "SCMP_ACT_TRAP";
	case PROF_ACT_ERRNO:
		return "SCMP_ACT_ERRNO";
	case PROF_ACT_TRACE:
		return "SCMP_ACT_TRACE";
	case PROF_ACT_ALLOW:
		return "SCMP_ACT_ALLOW";
	case PROF_ACT_LOG:
		return "SCMP_ACT_LOG";
	case PROF_ACT_NOTIFY:
		return "SCMP_ACT_NOTIFY";
	}
	return "?";
}

const char *prof_op_name(enum prof_op op)
{
	if ((unsigned int)op >= ARRAY_SIZE(op_names))
		return "?";
	return op_names[op];
}

int errno_from_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(errno_names); i++)
		if (strcmp(errno_names[i].name, name) == 0)
			return errno_names[i].value;
	return -1;
}

const char *errno_name(int e)
{
	for (size_t i = 0; i < ARRAY_SIZE(errno_names); i++)
		if (errno_names[i].value == e)
			return errno_names[i].name;
	return NULL;
}

static int cap_number(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(cap_names); i++)
		if (strcmp(cap_names[i], name) == 0)
			return (int)i;
	return -1;
}

static bool parse_u8(const char *s, size_t len, unsigned int *out)
{
	unsigned int v = 0;

	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned int)(s[i] - '0');
		if (v > 255)
			return false;
	}
	*out = v;
	return true;
}

int prof_parse_kernel_version(const char *s, unsigned int *maj, unsigned int *min)
{
	const char *dot = strchr(s, '.');
	unsigned int a, b;

	if (!dot || strchr(dot + 1, '.'))
		return -EINVAL;
	if (!parse_u8(s, (size_t)(dot - s), &a) || !parse_u8(dot + 1, strlen(dot + 1), &b))
		return -EINVAL;
	if (a == 0 && b == 0)
		return -EINVAL;
	*maj = a;
	*min = b;
	return 0;
}

/* ---- freeing -------------------------------------------------------------- */

static void free_strv(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

static void filter_release(struct prof_filter *f)
{
	free_strv(f->caps);
	free_strv(f->arches);
}

static void rule_release(struct prof_rule *r)
{
	free_strv(r->names);
	free(r->args);
	free(r->comment);
	filter_release(&r->includes);
	filter_release(&r->excludes);
}

void profile_free(struct profile *p)
{
	if (!p)
		return;
	free_strv(p->architectures);
	for (size_t i = 0; i < p->narch_map; i++) {
		free(p->arch_map[i].architecture);
		free_strv(p->arch_map[i].sub_architectures);
	}
	free(p->arch_map);
	free(p->listener_path);
	free(p->listener_metadata);
	for (size_t i = 0; i < p->nrules; i++)
		rule_release(&p->rules[i]);
	free(p->rules);
	free(p);
}

/* ---- loading ---------------------------------------------------------------- */

int profile_load_file(const char *path, struct profile **out, struct ward_err *err)
{
	cleanup_free char *buf = NULL;
	size_t len = 0;
	int r;

	*out = NULL;
	r = read_file(path, PROFILE_MAX_SIZE, &buf, &len, err);
	if (r < 0) {
		/* read_file() names the file too; say it once */
		int code = err->code;

		if (code == 0)
			err_set(err, 0, "not a regular file");
		else if (code == EFBIG)
			err_set(err, EFBIG, "larger than %u bytes", PROFILE_MAX_SIZE);
		else
			err_set(err, code, "cannot read file");
		return err_prefix(err, "profile '%s'", path);
	}
	if (len == 0) {
		err_set(err, 0, "file is empty");
		return err_prefix(err, "profile '%s'", path);
	}
	r = profile_parse(buf, len, out, err);
	if (r < 0)
		return err_prefix(err, "profile '%s'", path);
	return 0;
}

int profile_load_default(struct profile **out, struct ward_err *err)
{
	int r = profile_parse(ward_default_profile, ward_default_profile_len, out, err);

	if (r < 0)
		return err_prefix(err, "built-in default profile");
	return 0;
}

/* ---- resolution ----------------------------------------------------------- */

static bool strv_has(char *const *v, size_t n, const char *s)
{
	if (!s)
		return false;
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

static bool has_cap(const struct resolve_ctx *ctx, const char *name)
{
	int c = cap_number(name);

	return c >= 0 && c < 64 && (ctx->caps & (UINT64_C(1) << c));
}

static bool kernel_at_least(const struct resolve_ctx *ctx, unsigned int maj, unsigned int min)
{
	return ctx->kernel_major > maj || (ctx->kernel_major == maj && ctx->kernel_minor >= min);
}

/* Docker's order: any exclude drops the rule, then every include must hold. */
static bool rule_applies(const struct prof_rule *r, const struct resolve_ctx *ctx)
{
	const struct prof_filter *x = &r->excludes, *in = &r->includes;

	if (x->narches && strv_has(x->arches, x->narches, ctx->native_arch))
		return false;
	for (size_t i = 0; i < x->ncaps; i++)
		if (has_cap(ctx, x->caps[i]))
			return false;
	if (x->has_min_kernel && kernel_at_least(ctx, x->min_kernel_major, x->min_kernel_minor))
		return false;
	if (in->narches && !strv_has(in->arches, in->narches, ctx->native_arch))
		return false;
	for (size_t i = 0; i < in->ncaps; i++)
		if (!has_cap(ctx, in->caps[i]))
			return false;
	if (in->has_min_kernel && !kernel_at_least(ctx, in->min_kernel_major, in->min_kernel_minor))
		return false;
	return true;
}

void rule_set_release(struct rule_set *rs)
{
	free_strv(rs->arches);
	free(rs->listener_path);
	free(rs->listener_metadata);
	free(rs->rules);
	memset(rs, 0, sizeof(*rs));
}

int profile_resolve(const struct profile *p, const struct resolve_ctx *ctx, struct rule_set *out,
		    struct ward_err *err)
{
	struct strv arches = {0};

	memset(out, 0, sizeof(*out));
	if (!p->has_default_action && p->nrules == 0)
		return 0; /* Docker: no default action and no rules means no seccomp */
	if (p->narchitectures && p->narch_map)
		return err_set(err, 0, "both 'architectures' and 'archMap' are set");
	if (!p->has_default_action)
		return err_set(err, 0, "'syscalls' is set but 'defaultAction' is not");
	out->enabled = true;
	out->default_action = p->default_action;
	out->default_errno = p->has_default_errno ? p->default_errno : EPERM;
	out->has_flags = p->has_flags;
	out->flags = p->flags;
	if (p->listener_path)
		out->listener_path = xstrdup(p->listener_path);
	if (p->listener_metadata)
		out->listener_metadata = xstrdup(p->listener_metadata);
	for (size_t i = 0; i < p->narchitectures; i++)
		strv_push(&arches, p->architectures[i]);
	for (size_t i = 0; i < p->narch_map && ctx->native_scmp; i++) {
		const struct prof_arch_map *m = &p->arch_map[i];

		if (strcmp(m->architecture, ctx->native_scmp) != 0)
			continue;
		strv_push(&arches, m->architecture);
		for (size_t j = 0; j < m->nsub; j++)
			strv_push(&arches, m->sub_architectures[j]);
		break;
	}
	out->arches = arches.v;
	out->narches = arches.n;
	out->rules = xcalloc(p->nrules, sizeof(*out->rules));
	for (size_t i = 0; i < p->nrules; i++)
		if (rule_applies(&p->rules[i], ctx))
			out->rules[out->nrules++] = &p->rules[i];
	return 0;
}

int resolve_ctx_host(struct resolve_ctx *ctx, uint64_t caps, struct ward_err *err)
{
	struct utsname u;

	memset(ctx, 0, sizeof(*ctx));
	/* Docker uses the Go build architecture of dockerd; ours is the C build's */
#if defined(__x86_64__) && !defined(__ILP32__)
	ctx->native_arch = "amd64";
	ctx->native_scmp = "SCMP_ARCH_X86_64";
#elif defined(__x86_64__)
	ctx->native_arch = "x32";
	ctx->native_scmp = "SCMP_ARCH_X32";
#elif defined(__i386__)
	ctx->native_arch = "x86";
	ctx->native_scmp = "SCMP_ARCH_X86";
#elif defined(__aarch64__)
	ctx->native_arch = "arm64";
	ctx->native_scmp = "SCMP_ARCH_AARCH64";
#elif defined(__arm__)
	ctx->native_arch = "arm";
	ctx->native_scmp = "SCMP_ARCH_ARM";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	ctx->native_arch = "ppc64le";
	ctx->native_scmp = "SCMP_ARCH_PPC64LE";
#elif defined(__powerpc64__)
	ctx->native_arch = "ppc64";
	ctx->native_scmp = "SCMP_ARCH_PPC64";
#elif defined(__s390x__)
	ctx->native_arch = "s390x";
	ctx->native_scmp = "SCMP_ARCH_S390X";
#elif defined(__riscv) && __riscv_xlen == 64
	ctx->native_arch = "riscv64";
	ctx->native_scmp = "SCMP_ARCH_RISCV64";
#elif defined(__loongarch64)
	ctx->native_arch = "loongarch64";
	ctx->native_scmp = "SCMP_ARCH_LOONGARCH64";
#else
	return err_set(err, 0, "seccomp profiles are not supported on this architecture");
#endif
	ctx->caps = caps;
	if (uname(&u) < 0)
		return err_set(err, errno, "cannot read the kernel version");
	/* "6.8.0-45-generic" is 6.8: Docker reads "%d.%d" and ignores the rest */
	if (sscanf(u.release, "%u.%u", &ctx->kernel_major, &ctx->kernel_minor) != 2)
		return err_set(err, 0, "cannot parse kernel release '%s'", u.release);
	return 0;
}
