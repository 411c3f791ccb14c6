/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_profile.c - the profile engine: parsing (every field, Go's JSON rules,
 * every rejected input with its exact message), the resolver's tables (caps,
 * arches, kernel versions, archMap), and agreement with Docker's own default
 * profile through a model of the filter's decision, as libseccomp builds it.
 */
#include <dirent.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "ward/cleanup.h"
#include "ward/error.h"
#include "ward/profile.h"
#include "ward/util.h"

#define FIXTURES   UNIT_DATA_DIR "/profiles"
#define DOCKER_REF WARD_SOURCE_DIR "/../shared/reference/docker-default-seccomp.json"
#define PODMAN_REF WARD_SOURCE_DIR "/../shared/reference/podman-default-seccomp.json"
#define BIT(n)	   (UINT64_C(1) << (n))
#define NELEM(a)   (sizeof(a) / sizeof((a)[0]))

static const uint64_t docker_caps =
    BIT(CAP_CHOWN) | BIT(CAP_DAC_OVERRIDE) | BIT(CAP_FSETID) | BIT(CAP_FOWNER) | BIT(CAP_MKNOD) |
    BIT(CAP_NET_RAW) | BIT(CAP_SETGID) | BIT(CAP_SETUID) | BIT(CAP_SETFCAP) | BIT(CAP_SETPCAP) |
    BIT(CAP_NET_BIND_SERVICE) | BIT(CAP_SYS_CHROOT) | BIT(CAP_KILL) | BIT(CAP_AUDIT_WRITE);
static const uint64_t all_caps = BIT(CAP_LAST_CAP + 1) - 1;

static struct profile *parse_ok(const char *json)
{
	struct ward_err err = {0};
	struct profile *p = NULL;
	int r = profile_parse(json, strlen(json), &p, &err);

	ck_assert_msg(r == 0, "parse failed: %s", err.msg);
	ck_assert_ptr_nonnull(p);
	return p;
}

static struct profile *load_ok(const char *path)
{
	struct ward_err err = {0};
	struct profile *p = NULL;
	int r = profile_load_file(path, &p, &err);

	ck_assert_msg(r == 0, "load failed: %s", err.msg);
	ck_assert_ptr_nonnull(p);
	return p;
}

static void expect_parse_error(const char *json, const char *msg)
{
	struct ward_err err = {0};
	struct profile *p = (struct profile *)1;

	ck_assert_int_eq(profile_parse(json, strlen(json), &p, &err), -EINVAL);
	ck_assert_ptr_null(p);
	ck_assert_str_eq(err.msg, msg);
	ck_assert_int_eq(err.code, 0);
}

static struct resolve_ctx ctx_for(const char *arch, uint64_t caps, unsigned int maj,
				  unsigned int min)
{
	static const struct {
		const char *go, *scmp;
	} arches[] = {
	    {"amd64", "SCMP_ARCH_X86_64"},
	    {"arm64", "SCMP_ARCH_AARCH64"},
	    {"s390x", "SCMP_ARCH_S390X"},
	    {"ppc64le", "SCMP_ARCH_PPC64LE"},
	    {"riscv64", "SCMP_ARCH_RISCV64"},
	    {"mips64", "SCMP_ARCH_MIPS64"},
	    {"x86", "SCMP_ARCH_X86"},
	    {"arm", "SCMP_ARCH_ARM"},
	    {"loongarch64", "SCMP_ARCH_LOONGARCH64"},
	};
	struct resolve_ctx c = {.native_arch = arch, .caps = caps};

	for (size_t i = 0; i < NELEM(arches); i++)
		if (strcmp(arches[i].go, arch) == 0)
			c.native_scmp = arches[i].scmp;
	ck_assert_msg(c.native_scmp, "no SCMP name for %s", arch);
	c.kernel_major = maj;
	c.kernel_minor = min;
	return c;
}

/* "a,b,c": the first name of every kept rule, or the arches */
static void join(char *const *v, size_t n, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i)
			strncat(buf, ",", len - strlen(buf) - 1);
		strncat(buf, v[i], len - strlen(buf) - 1);
	}
}

static void kept_names(const struct rule_set *rs, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < rs->nrules; i++) {
		if (i)
			strncat(buf, ",", len - strlen(buf) - 1);
		strncat(buf, rs->rules[i]->names[0], len - strlen(buf) - 1);
	}
}

/* ---- parsing ---------------------------------------------------------------- */

START_TEST(test_parse_docker_all)
{
	cleanup_profile struct profile *p = load_ok(FIXTURES "/valid/docker-all.json");
	static const enum prof_action actions[] = {
	    PROF_ACT_ALLOW,  PROF_ACT_KILL_THREAD, PROF_ACT_KILL_THREAD, PROF_ACT_KILL_PROCESS,
	    PROF_ACT_TRAP,   PROF_ACT_ERRNO,	   PROF_ACT_TRACE,	 PROF_ACT_LOG,
	    PROF_ACT_NOTIFY, PROF_ACT_ERRNO,
	};
	const struct prof_rule *r;

	ck_assert(p->has_default_action);
	ck_assert_int_eq(p->default_action, PROF_ACT_ERRNO);
	ck_assert(p->has_default_errno);
	ck_assert_uint_eq(p->default_errno, 1);
	ck_assert_uint_eq(p->narchitectures, 0);
	ck_assert_uint_eq(p->narch_map, 3);
	ck_assert_str_eq(p->arch_map[0].architecture, "SCMP_ARCH_X86_64");
	ck_assert_uint_eq(p->arch_map[0].nsub, 2);
	ck_assert_str_eq(p->arch_map[0].sub_architectures[1], "SCMP_ARCH_X32");
	ck_assert_ptr_null(p->arch_map[0].sub_architectures[2]);
	ck_assert_uint_eq(p->arch_map[2].nsub, 0); /* null */
	ck_assert(p->has_flags);
	ck_assert_uint_eq(p->flags, PROF_FLAG_TSYNC | PROF_FLAG_LOG | PROF_FLAG_SPEC_ALLOW |
					PROF_FLAG_WAIT_KILLABLE_RECV);
	ck_assert_str_eq(p->listener_path, "/run/agent.sock");
	ck_assert_str_eq(p->listener_metadata, "hello");
	ck_assert_uint_eq(p->nrules, 13);

	for (size_t i = 0; i < NELEM(actions); i++) {
		ck_assert_int_eq(p->rules[i].action, actions[i]);
		ck_assert_uint_eq(p->rules[i].position, i);
	}
	r = &p->rules[0];
	ck_assert_uint_eq(r->nnames, 2);
	ck_assert_str_eq(r->names[1], "write");
	ck_assert_ptr_null(r->names[2]);
	ck_assert_str_eq(r->comment, "basic I/O");
	ck_assert(!r->has_errno_ret);
	/* the deprecated single-name form becomes names[] */
	ck_assert_uint_eq(p->rules[1].nnames, 1);
	ck_assert_str_eq(p->rules[1].names[0], "getpid");
	ck_assert(p->rules[5].has_errno_ret);
	ck_assert_uint_eq(p->rules[5].errno_ret, 38);
	ck_assert_uint_eq(p->rules[6].errno_ret, 1234);
	ck_assert(!p->rules[9].has_errno_ret);
	ck_assert_uint_eq(p->rules[9].errno_ret, EPERM);

	r = &p->rules[10];
	ck_assert_uint_eq(r->nargs, 7);
	for (unsigned int i = 0; i < 6; i++) {
		ck_assert_uint_eq(r->args[i].index, i);
		ck_assert_int_eq(r->args[i].op, (int)(PROF_OP_NE + i));
	}
	ck_assert_uint_eq(r->args[0].value, 1);
	ck_assert(r->args[5].value == UINT64_MAX);
	ck_assert_int_eq(r->args[6].op, PROF_OP_MASKED_EQ);
	ck_assert_uint_eq(r->args[6].value, 0x7E020000);
	ck_assert_uint_eq(r->args[6].value_two, 0x20000);

	r = &p->rules[11];
	ck_assert_uint_eq(r->includes.ncaps, 2);
	ck_assert_str_eq(r->includes.caps[1], "CAP_NET_ADMIN");
	ck_assert_ptr_null(r->includes.caps[2]);
	ck_assert_uint_eq(r->includes.narches, 2);
	ck_assert_str_eq(r->includes.arches[0], "amd64");
	ck_assert(r->includes.has_min_kernel);
	ck_assert_uint_eq(r->includes.min_kernel_major, 4);
	ck_assert_uint_eq(r->includes.min_kernel_minor, 8);
	ck_assert_str_eq(r->excludes.caps[0], "CAP_SYS_BOOT");
	ck_assert_str_eq(r->excludes.arches[0], "s390x");
	ck_assert_uint_eq(r->excludes.min_kernel_major, 255);
	ck_assert_uint_eq(r->excludes.min_kernel_minor, 255);

	/* name "" is unset, comment "" is none, minKernel "" is set and means 0.0 */
	r = &p->rules[12];
	ck_assert_str_eq(r->names[0], "emptyname");
	ck_assert_ptr_null(r->comment);
	ck_assert(r->includes.has_min_kernel);
	ck_assert_uint_eq(r->includes.min_kernel_major, 0);
	ck_assert(!r->excludes.has_min_kernel);
}
END_TEST

START_TEST(test_parse_oci)
{
	cleanup_profile struct profile *p = load_ok(FIXTURES "/valid/oci.json");

	ck_assert_int_eq(p->default_action, PROF_ACT_KILL_PROCESS);
	ck_assert(!p->has_default_errno);
	ck_assert_uint_eq(p->default_errno, EPERM);
	ck_assert_uint_eq(p->narchitectures, 2);
	ck_assert_str_eq(p->architectures[1], "SCMP_ARCH_X86");
	ck_assert_uint_eq(p->narch_map, 0);
	ck_assert(p->has_flags); /* [] is present: no flags at all */
	ck_assert_uint_eq(p->flags, 0);
	ck_assert_ptr_null(p->listener_path);
	ck_assert_uint_eq(p->nrules, 2);
	ck_assert_uint_eq(p->rules[0].nnames, 3);
	ck_assert_uint_eq(p->rules[1].errno_ret, 2);
	ck_assert_uint_eq(p->rules[1].args[0].index, 1);
	ck_assert_int_eq(p->rules[1].args[0].op, PROF_OP_MASKED_EQ);
	ck_assert_uint_eq(p->rules[1].includes.ncaps, 0);
	ck_assert(!p->rules[1].includes.has_min_kernel);
}
END_TEST

START_TEST(test_parse_podman_errno)
{
	cleanup_profile struct profile *p = load_ok(FIXTURES "/valid/podman-errno.json");

	/* the names win over the numbers */
	ck_assert(p->has_default_errno);
	ck_assert_uint_eq(p->default_errno, ENOSYS);
	ck_assert_uint_eq(p->rules[0].errno_ret, EINVAL);
	ck_assert(p->rules[1].has_errno_ret);
	ck_assert_uint_eq(p->rules[1].errno_ret, EAGAIN);
	/* an empty name is no name */
	ck_assert_uint_eq(p->rules[2].errno_ret, EACCES);
}
END_TEST

START_TEST(test_parse_case_keys)
{
	cleanup_profile struct profile *p = load_ok(FIXTURES "/valid/case-keys.json");
	const struct prof_rule *r;

	ck_assert_int_eq(p->default_action, PROF_ACT_ERRNO);
	ck_assert_uint_eq(p->default_errno, 5);
	ck_assert_uint_eq(p->narch_map, 1);
	ck_assert_str_eq(p->arch_map[0].sub_architectures[0], "SCMP_ARCH_X86");
	ck_assert_uint_eq(p->flags, PROF_FLAG_LOG);
	ck_assert_str_eq(p->listener_path, "/x");
	ck_assert_uint_eq(p->nrules, 2);
	r = &p->rules[0];
	ck_assert_str_eq(r->names[0], "read");
	ck_assert_uint_eq(r->args[0].index, 2);
	ck_assert_uint_eq(r->args[0].value, 7);
	ck_assert_uint_eq(r->args[0].value_two, 9);
	ck_assert_str_eq(r->includes.caps[0], "CAP_SYS_ADMIN");
	ck_assert_str_eq(r->includes.arches[0], "amd64");
	ck_assert_uint_eq(r->includes.min_kernel_major, 5);
	ck_assert_uint_eq(r->includes.min_kernel_minor, 10);
	ck_assert_str_eq(r->excludes.caps[0], "CAP_BPF");
	ck_assert_str_eq(r->comment, "keys in any case");
	ck_assert(!r->has_errno_ret);
	/* a repeated key: the last one wins, as with Go */
	ck_assert_int_eq(p->rules[1].action, PROF_ACT_TRAP);
}
END_TEST

START_TEST(test_parse_nulls)
{
	cleanup_profile struct profile *p = load_ok(FIXTURES "/valid/nulls.json");
	const struct prof_rule *r = &p->rules[0];

	ck_assert_int_eq(p->default_action, PROF_ACT_ALLOW);
	ck_assert(!p->has_default_errno);
	ck_assert_uint_eq(p->narchitectures + p->narch_map, 0);
	ck_assert(!p->has_flags); /* null is absent: the runtime's default flags apply */
	ck_assert_ptr_null(p->listener_path);
	ck_assert_ptr_null(p->listener_metadata);
	ck_assert_uint_eq(p->nrules, 1);
	ck_assert_str_eq(r->names[0], "kexec_load");
	ck_assert_uint_eq(r->nargs, 0);
	ck_assert_ptr_null(r->args);
	ck_assert_ptr_null(r->comment);
	ck_assert_uint_eq(r->includes.ncaps + r->excludes.ncaps + r->excludes.narches, 0);
	ck_assert(!r->excludes.has_min_kernel);
}
END_TEST

START_TEST(test_parse_flags_absent_vs_empty)
{
	cleanup_profile struct profile *absent =
	    parse_ok("{\"defaultAction\": \"SCMP_ACT_ALLOW\"}");
	cleanup_profile struct profile *empty =
	    parse_ok("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": []}");
	cleanup_profile struct profile *spec =
	    parse_ok("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": "
		     "[\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"]}");

	ck_assert(!absent->has_flags);
	ck_assert(empty->has_flags);
	ck_assert_uint_eq(empty->flags, 0);
	ck_assert(spec->has_flags);
	ck_assert_uint_eq(spec->flags, PROF_FLAG_SPEC_ALLOW);
}
END_TEST

START_TEST(test_parse_every_action_and_op)
{
	static const char *const acts[] = {
	    "SCMP_ACT_KILL",  "SCMP_ACT_KILL_THREAD", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_TRAP",
	    "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE",	      "SCMP_ACT_ALLOW",	       "SCMP_ACT_LOG",
	};
	static const enum prof_action want[] = {
	    PROF_ACT_KILL_THREAD, PROF_ACT_KILL_THREAD, PROF_ACT_KILL_PROCESS, PROF_ACT_TRAP,
	    PROF_ACT_ERRNO,	  PROF_ACT_TRACE,	PROF_ACT_ALLOW,	       PROF_ACT_LOG,
	};
	static const char *const ops[] = {
	    "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",	"SCMP_CMP_EQ",
	    "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ",
	};
	char buf[512];

	for (size_t i = 0; i < NELEM(acts); i++) {
		snprintf(buf, sizeof(buf), "{\"defaultAction\": \"%s\"}", acts[i]);
		cleanup_profile struct profile *p = parse_ok(buf);

		ck_assert_int_eq(p->default_action, want[i]);
		if (i > 0)
			ck_assert_str_eq(prof_action_name(want[i]), acts[i]);
	}
	ck_assert_str_eq(prof_action_name(PROF_ACT_NOTIFY), "SCMP_ACT_NOTIFY");
	ck_assert_str_eq(prof_action_name((enum prof_action)99), "?");
	for (size_t i = 0; i < NELEM(ops); i++) {
		snprintf(buf, sizeof(buf),
			 "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
			 "[\"x\"], \"action\": \"SCMP_ACT_LOG\", \"args\": [{\"index\": 5, "
			 "\"value\": 3, \"valueTwo\": 2, \"op\": \"%s\"}]}]}",
			 ops[i]);
		cleanup_profile struct profile *p = parse_ok(buf);

		ck_assert_int_eq(p->rules[0].args[0].op, (int)i);
		ck_assert_str_eq(prof_op_name((enum prof_op)i), ops[i]);
	}
	ck_assert_str_eq(prof_op_name((enum prof_op)99), "?");
}
END_TEST

START_TEST(test_parse_not_nul_terminated)
{
	static const char text[] = "{\"defaultAction\": \"SCMP_ACT_ALLOW\"}garbage";
	cleanup_profile struct profile *p = NULL;
	struct ward_err err = {0};

	ck_assert_int_eq(profile_parse(text, strlen(text) - 7, &p, &err), 0);
	ck_assert_int_eq(p->default_action, PROF_ACT_ALLOW);
	profile_free(steal_ptr(&p));
	expect_parse_error("{\"defaultAction\": \"SCMP_ACT_ALLOW\"}garbage",
			   "not valid JSON: line 1, column 37: parse error: trailing garbage");
	ck_assert_int_eq(profile_parse(NULL, 0, &p, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "not valid JSON: empty input");
	/* nesting is bounded (yajl frees trees recursively) */
	{
		char deep[256];

		memset(deep, '[', 65);
		memset(deep + 65, ']', 65);
		deep[130] = '\0';
		expect_parse_error(
		    deep, "not valid JSON: line 1, column 65: nested deeper than 64 levels");
		deep[0] = '{';
		strcpy(deep + 1, "\"x\": ");
		memset(deep + 6, '[', 63);
		memset(deep + 69, ']', 63);
		strcpy(deep + 132, "}");
		profile_free(parse_ok(deep)); /* exactly 64 levels, an unknown key */
	}
	/* a NUL inside the text is not JSON, and not the end of it either */
	ck_assert_int_eq(profile_parse("{}\0{}", 5, &p, &err), -EINVAL);
	ck_assert(str_has_prefix(err.msg, "not valid JSON: line 1, column "));
}
END_TEST

START_TEST(test_parse_more_errors)
{
	expect_parse_error("{\"defaultAction\": 1}",
			   "defaultAction: expected a string, got a number");
	expect_parse_error("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 1.5}",
			   "defaultErrnoRet: expected an unsigned integer, got 1.5");
	expect_parse_error("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": true}",
			   "defaultErrnoRet: expected an unsigned integer, got a boolean");
	expect_parse_error("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": \"x\"}",
			   "flags: expected an array, got a string");
	expect_parse_error("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [1]}",
			   "flags[0]: expected a string, got a number");
	expect_parse_error("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"archMap\": [\"x\"]}",
			   "archMap[0]: expected an object, got a string");
	expect_parse_error(
	    "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"archMap\": [{\"architecture\": "
	    "\"SCMP_ARCH_X86_64\", \"subArchitectures\": \"SCMP_ARCH_X86\"}]}",
	    "archMap[0].subArchitectures: expected an array of strings, got a string");
	expect_parse_error(
	    "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
	    "[\"x\"], \"action\": \"SCMP_ACT_LOG\", \"args\": [{\"index\": "
	    "99999999999999999999, \"op\": \"SCMP_CMP_EQ\"}]}]}",
	    "syscalls[0].args[0].index: 99999999999999999999 is out of range (0 to 5)");
	expect_parse_error("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
			   "[\"x\"], \"action\": \"SCMP_ACT_LOG\", \"args\": [{\"index\": 0, "
			   "\"value\": 18446744073709551616, \"op\": \"SCMP_CMP_EQ\"}]}]}",
			   "syscalls[0].args[0].value: 18446744073709551616 is out of range (0 to "
			   "18446744073709551615)");
	expect_parse_error("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
			   "[\"x\"], \"action\": \"SCMP_ACT_LOG\", \"args\": [null]}]}",
			   "syscalls[0].args[0]: expected an object, got null");
	expect_parse_error("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
			   "[\"x\"], \"action\": \"SCMP_ACT_LOG\", \"comment\": 3}]}",
			   "syscalls[0].comment: expected a string, got a number");
	expect_parse_error("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
			   "[\"x\"], \"action\": \"SCMP_ACT_LOG\", \"excludes\": {\"caps\": "
			   "\"CAP_SYS_ADMIN\"}}]}",
			   "syscalls[0].excludes.caps: expected an array of strings, got a string");
	expect_parse_error("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
			   "[\"x\"], \"action\": \"SCMP_ACT_LOG\", \"includes\": {\"minKernel\": "
			   "\"4.\"}}]}",
			   "syscalls[0].includes.minKernel: invalid kernel version '4.'");
	expect_parse_error("\"just a string\"",
			   "expected a JSON object at the top level, got a string");
	expect_parse_error("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": 5}",
			   "listenerPath: expected a string, got a number");
}
END_TEST

/* every invalid fixture, with the exact message (tests/data/profiles/README.md) */
static const struct {
	const char *file;
	const char *msg;
} invalid[] = {
    {"not-json.json",
     "not valid JSON: line 3, column 2: parse error: invalid object key (must be a string)"},
    {"comment.json", "not valid JSON: line 1, column 1: lexical error: probable comment found in "
		     "input text, comments are not enabled"},
    {"truncated.json", "not valid JSON: line 2, column 1: parse error: premature EOF"},
    {"empty.json", "file is empty"},
    {"blank.json", "not valid JSON: empty input"},
    {"top-array.json", "expected a JSON object at the top level, got an array"},
    {"type-errnoret.json", "syscalls[0].errnoRet: expected an unsigned integer, got a string"},
    {"type-negative.json", "syscalls[0].args[0].value: expected an unsigned integer, got -1"},
    {"type-names.json", "syscalls[0].names: expected an array of strings, got a string"},
    {"type-names-elem.json", "syscalls[0].names[1]: expected a string, got a number"},
    {"type-minkernel.json", "syscalls[0].includes.minKernel: expected a string, got a number"},
    {"type-syscalls.json", "syscalls: expected an array, got an object"},
    {"type-rule.json", "syscalls[1]: expected an object, got a string"},
    {"type-includes.json", "syscalls[0].includes: expected an object, got an array"},
    {"unknown-action.json", "syscalls[2].action: unknown action 'SCMP_ACT_FOO'"},
    {"unknown-default-action.json", "defaultAction: unknown action 'scmp_act_errno'"},
    {"notify-default.json", "defaultAction: SCMP_ACT_NOTIFY cannot be the default action"},
    {"unknown-op.json", "syscalls[0].args[0].op: unknown operator 'SCMP_CMP_FOO'"},
    {"missing-op.json", "syscalls[0].args[0]: missing 'op'"},
    {"arg-index-6.json", "syscalls[3].args[0].index: 6 is out of range (0 to 5)"},
    {"arch-both.json", "both 'architectures' and 'archMap' are set"},
    {"archmap-no-arch.json", "archMap[0]: missing 'architecture'"},
    {"name-and-names.json", "syscalls[0]: both 'name' and 'names' are set"},
    {"no-names.json", "syscalls[0]: no syscall names ('names' is empty and 'name' is not set)"},
    {"empty-name.json", "syscalls[0].names[1]: empty syscall name"},
    {"missing-action.json", "syscalls[0]: missing 'action'"},
    {"minkernel-3part.json", "syscalls[1].includes.minKernel: invalid kernel version '4.8.1'"},
    {"minkernel-zero.json", "syscalls[0].excludes.minKernel: invalid kernel version '0.0'"},
    {"minkernel-xy.json", "syscalls[0].includes.minKernel: invalid kernel version 'x.y'"},
    {"minkernel-256.json", "syscalls[0].includes.minKernel: invalid kernel version '4.256'"},
    {"notify-no-listener.json", "syscalls[4]: action SCMP_ACT_NOTIFY needs 'listenerPath'"},
    {"notify-write.json", "syscalls[0]: action SCMP_ACT_NOTIFY cannot be used on 'write'"},
    {"metadata-no-listener.json", "'listenerMetadata' is set but 'listenerPath' is not"},
    {"errnoret-on-allow.json", "syscalls[1]: 'errnoRet' is set but action SCMP_ACT_ALLOW takes no "
			       "errno (only SCMP_ACT_ERRNO and SCMP_ACT_TRACE do)"},
    {"errno-on-kill.json", "syscalls[0]: 'errno' is set but action SCMP_ACT_KILL takes no errno "
			   "(only SCMP_ACT_ERRNO and SCMP_ACT_TRACE do)"},
    {"default-errnoret-on-allow.json",
     "'defaultErrnoRet' is set but default action SCMP_ACT_ALLOW takes no errno (only "
     "SCMP_ACT_ERRNO and SCMP_ACT_TRACE do)"},
    {"errnoret-too-big.json", "syscalls[0].errnoRet: 65536 is out of range (0 to 65535)"},
    {"unknown-errno.json", "syscalls[0].errno: unknown errno name 'EFOO'"},
    {"unknown-default-errno.json", "defaultErrno: unknown errno name 'enosys'"},
    {"unknown-flag.json", "flags[1]: unknown flag 'SECCOMP_FILTER_FLAG_NEW_LISTENER'"},
    {"syscalls-no-default.json", "'syscalls' is set but 'defaultAction' is not"},
};

START_TEST(test_invalid_fixture)
{
	char path[512], want[1024];
	struct ward_err err = {0};
	struct profile *p = (struct profile *)1;

	snprintf(path, sizeof(path), FIXTURES "/invalid/%s", invalid[_i].file);
	snprintf(want, sizeof(want), "profile '%s': %s", path, invalid[_i].msg);
	ck_assert_int_eq(profile_load_file(path, &p, &err), -EINVAL);
	ck_assert_ptr_null(p);
	ck_assert_str_eq(err.msg, want);
	ck_assert_int_eq(err.code, 0);
}
END_TEST

START_TEST(test_load_directory_and_missing)
{
	struct ward_err err = {0};
	struct profile *p = NULL;
	char buf[1024];

	ck_assert_int_eq(profile_load_file(FIXTURES, &p, &err), -EISDIR);
	ck_assert_ptr_null(p);
	ck_assert_str_eq(err.msg, "profile '" FIXTURES "': cannot read file");
	ck_assert_int_eq(err.code, EISDIR);
	err_format(&err, buf, sizeof(buf));
	ck_assert_str_eq(buf, "profile '" FIXTURES "': cannot read file: Is a directory");

	ck_assert_int_eq(profile_load_file(FIXTURES "/nope.json", &p, &err), -ENOENT);
	ck_assert_str_eq(err.msg, "profile '" FIXTURES "/nope.json': cannot read file");
	ck_assert_int_eq(err.code, ENOENT);

	ck_assert_int_eq(profile_load_file("/dev/null", &p, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "profile '/dev/null': not a regular file");
}
END_TEST

START_TEST(test_load_unreadable)
{
	char dir[] = "/tmp/ward-profile-XXXXXX", path[64], want[128];
	struct ward_err err = {0};
	struct profile *p = NULL;
	bool dropped = false;
	FILE *f;
	int r;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/p.json", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("{}", f);
	fclose(f);
	ck_assert_int_eq(chmod(path, 0), 0);
	/* root reads any file: test as nobody, and come back (the saved uid stays 0) */
	if (unit_is_root()) {
		if (seteuid(65534) < 0)
			UNIT_SKIP("cannot switch to uid 65534");
		dropped = true;
	}
	r = profile_load_file(path, &p, &err);
	if (dropped)
		ck_assert_int_eq(seteuid(0), 0);
	unlink(path);
	rmdir(dir);
	ck_assert_int_eq(r, -EACCES);
	ck_assert_ptr_null(p);
	snprintf(want, sizeof(want), "profile '%s': cannot read file", path);
	ck_assert_str_eq(err.msg, want);
	ck_assert_int_eq(err.code, EACCES);
}
END_TEST

START_TEST(test_kernel_version)
{
	static const struct {
		const char *s;
		int ok;
		unsigned int maj, min;
	} t[] = {
	    {"4.8", 1, 4, 8},	      {"0.1", 1, 0, 1},
	    {"255.255", 1, 255, 255}, {"04.08", 1, 4, 8},
	    {"1.0", 1, 1, 0},	      {"0.0", 0, 0, 0},
	    {"4.8.1", 0, 0, 0},	      {"x.y", 0, 0, 0},
	    {"4", 0, 0, 0},	      {"", 0, 0, 0},
	    {"4.", 0, 0, 0},	      {".8", 0, 0, 0},
	    {"256.0", 0, 0, 0},	      {"4.256", 0, 0, 0},
	    {"-4.8", 0, 0, 0},	      {"+4.8", 0, 0, 0},
	    {" 4.8", 0, 0, 0},	      {"4.8 ", 0, 0, 0},
	    {"4.8-rc1", 0, 0, 0},     {"99999999999.1", 0, 0, 0},
	};

	for (size_t i = 0; i < NELEM(t); i++) {
		unsigned int maj = 77, min = 77;
		int r = prof_parse_kernel_version(t[i].s, &maj, &min);

		ck_assert_msg((r == 0) == t[i].ok, "'%s': got %d", t[i].s, r);
		if (t[i].ok) {
			ck_assert_uint_eq(maj, t[i].maj);
			ck_assert_uint_eq(min, t[i].min);
		} else {
			ck_assert_int_eq(r, -EINVAL);
		}
	}
}
END_TEST

START_TEST(test_errno_names)
{
	static const char *const names[] = {
	    "EPERM",	       "ENOENT",    "EINVAL",	  "ENOSYS",  "EAGAIN",	  "EWOULDBLOCK",
	    "EDEADLK",	       "EDEADLOCK", "EOPNOTSUPP", "ENOTSUP", "EHWPOISON", "ERFKILL",
	    "ENOTRECOVERABLE", "ECANCELED", "E2BIG",	  "ETXTBSY"};

	ck_assert_int_eq(errno_from_name("EPERM"), EPERM);
	ck_assert_int_eq(errno_from_name("ENOSYS"), ENOSYS);
	ck_assert_int_eq(errno_from_name("EWOULDBLOCK"), EAGAIN);
	ck_assert_int_eq(errno_from_name("ENOTSUP"), EOPNOTSUPP);
	ck_assert_int_eq(errno_from_name("EHWPOISON"), EHWPOISON);
	ck_assert_int_eq(errno_from_name("enosys"), -1);
	ck_assert_int_eq(errno_from_name("EFOO"), -1);
	ck_assert_int_eq(errno_from_name(""), -1);
	ck_assert_str_eq(errno_name(EAGAIN), "EAGAIN");
	ck_assert_str_eq(errno_name(EDEADLK), "EDEADLK");
	ck_assert_str_eq(errno_name(EOPNOTSUPP), "EOPNOTSUPP");
	ck_assert_str_eq(errno_name(ENOSYS), "ENOSYS");
	ck_assert_ptr_null(errno_name(0));
	ck_assert_ptr_null(errno_name(4000));
	for (size_t i = 0; i < NELEM(names); i++) {
		int e = errno_from_name(names[i]);

		ck_assert_msg(e > 0, "%s unknown", names[i]);
		ck_assert_int_eq(errno_from_name(errno_name(e)), e);
	}
	/* every errno value Linux has (1..133) has a name */
	for (int e = 1; e <= EHWPOISON; e++)
		if (e != 41 && e != 58) /* never assigned */
			ck_assert_msg(errno_name(e) != NULL, "errno %d has no name", e);
}
END_TEST

/* ---- resolving -------------------------------------------------------------- */

static const char resolve_json[] =
    "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 1, \"archMap\": ["
    "{\"architecture\": \"SCMP_ARCH_X86_64\", \"subArchitectures\": [\"SCMP_ARCH_X86\", "
    "\"SCMP_ARCH_X32\"]},"
    "{\"architecture\": \"SCMP_ARCH_AARCH64\", \"subArchitectures\": [\"SCMP_ARCH_ARM\"]},"
    "{\"architecture\": \"SCMP_ARCH_S390X\", \"subArchitectures\": [\"SCMP_ARCH_S390\"]},"
    "{\"architecture\": \"SCMP_ARCH_X86_64\", \"subArchitectures\": [\"SCMP_ARCH_NEVER\"]},"
    "{\"architecture\": \"SCMP_ARCH_RISCV64\", \"subArchitectures\": null}],"
    "\"syscalls\": ["
    "{\"names\": [\"always\"], \"action\": \"SCMP_ACT_ALLOW\"},"
    "{\"names\": [\"admin\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"caps\": "
    "[\"CAP_SYS_ADMIN\"]}},"
    "{\"names\": [\"noadmin\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 38, \"excludes\": "
    "{\"caps\": [\"CAP_SYS_ADMIN\"]}},"
    "{\"names\": [\"ptrace\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"caps\": "
    "[\"CAP_SYS_PTRACE\"]}},"
    "{\"names\": [\"nice\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"caps\": "
    "[\"CAP_SYS_NICE\"]}},"
    "{\"names\": [\"k48\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"minKernel\": "
    "\"4.8\"}},"
    "{\"names\": [\"below48\"], \"action\": \"SCMP_ACT_ALLOW\", \"excludes\": {\"minKernel\": "
    "\"4.8\"}},"
    "{\"names\": [\"both\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"caps\": "
    "[\"CAP_SYS_ADMIN\", \"CAP_NET_ADMIN\"]}},"
    "{\"names\": [\"neither\"], \"action\": \"SCMP_ACT_ALLOW\", \"excludes\": {\"caps\": "
    "[\"CAP_SYS_ADMIN\", \"CAP_BPF\"]}},"
    "{\"names\": [\"x86ish\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"arches\": "
    "[\"amd64\", \"x32\", \"x86\"]}},"
    "{\"names\": [\"not_s390\"], \"action\": \"SCMP_ACT_ALLOW\", \"excludes\": {\"arches\": "
    "[\"s390\", \"s390x\"]}},"
    "{\"names\": [\"arm_admin\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"arches\": "
    "[\"arm64\"], \"caps\": [\"CAP_SYS_ADMIN\"]}},"
    "{\"names\": [\"x_wins\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"caps\": "
    "[\"CAP_SYS_ADMIN\"]}, \"excludes\": {\"caps\": [\"CAP_SYS_ADMIN\"]}},"
    "{\"names\": [\"mk_in_empty\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": "
    "{\"minKernel\": \"\"}},"
    "{\"names\": [\"mk_ex_empty\"], \"action\": \"SCMP_ACT_ALLOW\", \"excludes\": "
    "{\"minKernel\": \"\"}},"
    "{\"names\": [\"lowercase_cap\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"caps\": "
    "[\"cap_sys_admin\"]}},"
    "{\"names\": [\"unknown_cap\"], \"action\": \"SCMP_ACT_ALLOW\", \"excludes\": {\"caps\": "
    "[\"CAP_NO_SUCH_THING\"]}},"
    "{\"names\": [\"k5_10\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"minKernel\": "
    "\"5.10\"}}"
    "]}";

START_TEST(test_resolve_table)
{
	static const struct {
		const char *arch;
		uint64_t caps;
		unsigned int maj, min;
		const char *rules;
	} t[] = {
	    /* Docker's default caps, modern kernel */
	    {"amd64", docker_caps, 6, 8,
	     "always,noadmin,k48,neither,x86ish,not_s390,mk_in_empty,unknown_cap,k5_10"},
	    /* CAP_SYS_ADMIN unlocks, and switches off the excludes */
	    {"amd64", docker_caps | BIT(CAP_SYS_ADMIN), 6, 8,
	     "always,admin,k48,x86ish,not_s390,mk_in_empty,unknown_cap,k5_10"},
	    {"amd64", docker_caps | BIT(CAP_SYS_PTRACE), 6, 8,
	     "always,noadmin,ptrace,k48,neither,x86ish,not_s390,mk_in_empty,unknown_cap,k5_10"},
	    {"amd64", docker_caps | BIT(CAP_SYS_NICE), 6, 8,
	     "always,noadmin,nice,k48,neither,x86ish,not_s390,mk_in_empty,unknown_cap,k5_10"},
	    /* includes are all-of */
	    {"amd64", BIT(CAP_SYS_ADMIN) | BIT(CAP_NET_ADMIN), 6, 8,
	     "always,admin,k48,both,x86ish,not_s390,mk_in_empty,unknown_cap,k5_10"},
	    /* excludes are any-of */
	    {"amd64", BIT(CAP_BPF), 6, 8,
	     "always,noadmin,k48,x86ish,not_s390,mk_in_empty,unknown_cap,k5_10"},
	    /* minKernel both ways, and the minor number compares as a number */
	    {"amd64", 0, 4, 7,
	     "always,noadmin,below48,neither,x86ish,not_s390,mk_in_empty,unknown_cap"},
	    {"amd64", 0, 4, 8,
	     "always,noadmin,k48,neither,x86ish,not_s390,mk_in_empty,unknown_cap"},
	    {"amd64", 0, 5, 9,
	     "always,noadmin,k48,neither,x86ish,not_s390,mk_in_empty,unknown_cap"},
	    {"amd64", 0, 5, 10,
	     "always,noadmin,k48,neither,x86ish,not_s390,mk_in_empty,unknown_cap,k5_10"},
	    {"amd64", 0, 3, 99,
	     "always,noadmin,below48,neither,x86ish,not_s390,mk_in_empty,unknown_cap"},
	    /* arches: the native one only */
	    {"arm64", BIT(CAP_SYS_ADMIN), 6, 8,
	     "always,admin,k48,not_s390,arm_admin,mk_in_empty,unknown_cap,k5_10"},
	    {"s390x", 0, 6, 8, "always,noadmin,k48,neither,mk_in_empty,unknown_cap,k5_10"},
	    {"x86", 0, 6, 8,
	     "always,noadmin,k48,neither,x86ish,not_s390,mk_in_empty,unknown_cap,k5_10"},
	    {"ppc64le", all_caps, 6, 8,
	     "always,admin,ptrace,nice,k48,both,not_s390,mk_in_empty,unknown_cap,k5_10"},
	};
	cleanup_profile struct profile *p = parse_ok(resolve_json);

	for (size_t i = 0; i < NELEM(t); i++) {
		struct resolve_ctx c = ctx_for(t[i].arch, t[i].caps, t[i].maj, t[i].min);
		struct ward_err err = {0};
		struct rule_set rs;
		char got[1024];

		ck_assert_int_eq(profile_resolve(p, &c, &rs, &err), 0);
		ck_assert(rs.enabled);
		kept_names(&rs, got, sizeof(got));
		ck_assert_msg(strcmp(got, t[i].rules) == 0, "case %zu: got '%s', want '%s'", i, got,
			      t[i].rules);
		/* borrowed, in file order */
		for (size_t j = 1; j < rs.nrules; j++)
			ck_assert(rs.rules[j - 1]->position < rs.rules[j]->position);
		rule_set_release(&rs);
		ck_assert_ptr_null(rs.rules);
	}
}
END_TEST

START_TEST(test_resolve_arch_map)
{
	static const struct {
		const char *arch, *want;
	} t[] = {
	    /* the first matching entry only */
	    {"amd64", "SCMP_ARCH_X86_64,SCMP_ARCH_X86,SCMP_ARCH_X32"},
	    {"arm64", "SCMP_ARCH_AARCH64,SCMP_ARCH_ARM"},
	    {"s390x", "SCMP_ARCH_S390X,SCMP_ARCH_S390"},
	    {"riscv64", "SCMP_ARCH_RISCV64"},
	    {"ppc64le", ""},
	    {"x86", ""},
	};
	cleanup_profile struct profile *p = parse_ok(resolve_json);
	cleanup_profile struct profile *def = NULL;
	struct ward_err err = {0};

	ck_assert_int_eq(profile_load_default(&def, &err), 0);
	for (size_t i = 0; i < NELEM(t); i++) {
		struct resolve_ctx c = ctx_for(t[i].arch, docker_caps, 6, 8);
		struct rule_set rs;
		char got[512];

		ck_assert_int_eq(profile_resolve(p, &c, &rs, &err), 0);
		join(rs.arches, rs.narches, got, sizeof(got));
		ck_assert_str_eq(got, t[i].want);
		if (rs.narches)
			ck_assert_ptr_null(rs.arches[rs.narches]);
		rule_set_release(&rs);

		/* ward's default has Docker's archMap */
		ck_assert_int_eq(profile_resolve(def, &c, &rs, &err), 0);
		join(rs.arches, rs.narches, got, sizeof(got));
		ck_assert_str_eq(got, t[i].want);
		rule_set_release(&rs);
	}
}
END_TEST

START_TEST(test_resolve_passthrough)
{
	cleanup_profile struct profile *oci = load_ok(FIXTURES "/valid/oci.json");
	cleanup_profile struct profile *all = load_ok(FIXTURES "/valid/docker-all.json");
	struct resolve_ctx c = ctx_for("arm64", 0, 6, 8);
	struct ward_err err = {0};
	struct rule_set rs;
	char got[512];

	/* flat architectures pass through whatever the native arch is */
	ck_assert_int_eq(profile_resolve(oci, &c, &rs, &err), 0);
	join(rs.arches, rs.narches, got, sizeof(got));
	ck_assert_str_eq(got, "SCMP_ARCH_X86_64,SCMP_ARCH_X86");
	ck_assert_int_eq(rs.default_action, PROF_ACT_KILL_PROCESS);
	ck_assert_uint_eq(rs.default_errno, EPERM); /* absent */
	ck_assert(rs.has_flags);
	ck_assert_uint_eq(rs.flags, 0);
	ck_assert_ptr_null(rs.listener_path);
	ck_assert_uint_eq(rs.nrules, 2);
	rule_set_release(&rs);

	ck_assert_int_eq(profile_resolve(all, &c, &rs, &err), 0);
	ck_assert_uint_eq(rs.default_errno, 1);
	ck_assert_uint_eq(rs.flags, PROF_FLAG_TSYNC | PROF_FLAG_LOG | PROF_FLAG_SPEC_ALLOW |
					PROF_FLAG_WAIT_KILLABLE_RECV);
	ck_assert_str_eq(rs.listener_path, "/run/agent.sock");
	ck_assert_str_eq(rs.listener_metadata, "hello");
	ck_assert_ptr_ne(rs.listener_path, all->listener_path);
	rule_set_release(&rs);
}
END_TEST

START_TEST(test_resolve_disabled)
{
	static const char *const files[] = {"empty-object.json", "no-default-action.json"};
	struct resolve_ctx c = ctx_for("amd64", docker_caps, 6, 8);
	struct ward_err err = {0};

	for (size_t i = 0; i < NELEM(files); i++) {
		char path[512];

		snprintf(path, sizeof(path), FIXTURES "/valid/%s", files[i]);
		cleanup_profile struct profile *p = load_ok(path);
		struct rule_set rs;

		ck_assert(!p->has_default_action);
		ck_assert_int_eq(profile_resolve(p, &c, &rs, &err), 0);
		ck_assert(!rs.enabled);
		ck_assert_uint_eq(rs.nrules, 0);
		ck_assert_uint_eq(rs.narches, 0);
		rule_set_release(&rs);
	}
}
END_TEST

START_TEST(test_resolve_hand_built_errors)
{
	char *arches[] = {"SCMP_ARCH_X86_64", NULL};
	struct prof_arch_map map = {.architecture = "SCMP_ARCH_X86_64"};
	struct prof_rule rule = {.action = PROF_ACT_ALLOW};
	struct profile p = {.has_default_action = true,
			    .default_action = PROF_ACT_ERRNO,
			    .architectures = arches,
			    .narchitectures = 1,
			    .arch_map = &map,
			    .narch_map = 1};
	struct resolve_ctx c = ctx_for("amd64", 0, 6, 8);
	struct ward_err err = {0};
	struct rule_set rs;

	ck_assert_int_eq(profile_resolve(&p, &c, &rs, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "both 'architectures' and 'archMap' are set");
	rule_set_release(&rs);
	p.narch_map = 0;
	p.has_default_action = false;
	p.rules = &rule;
	p.nrules = 1;
	ck_assert_int_eq(profile_resolve(&p, &c, &rs, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "'syscalls' is set but 'defaultAction' is not");
	rule_set_release(&rs);
}
END_TEST

/* Our name table against libcap's: every capability it knows selects its own rule. */
START_TEST(test_resolve_cap_names)
{
	for (int cap = 0; cap <= CAP_LAST_CAP; cap++) {
		char *lower = cap_to_name((cap_value_t)cap);
		char json[512], name[64];
		struct ward_err err = {0};
		struct rule_set rs;
		size_t i;

		ck_assert_ptr_nonnull(lower);
		for (i = 0; lower[i] && i < sizeof(name) - 1; i++)
			name[i] = (char)toupper((unsigned char)lower[i]);
		name[i] = '\0';
		cap_free(lower);
		snprintf(json, sizeof(json),
			 "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
			 "[\"x\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"caps\": "
			 "[\"%s\"]}}]}",
			 name);
		cleanup_profile struct profile *p = parse_ok(json);
		struct resolve_ctx c = ctx_for("amd64", BIT(cap), 6, 8);

		ck_assert_int_eq(profile_resolve(p, &c, &rs, &err), 0);
		ck_assert_msg(rs.nrules == 1, "%s (%d) not recognised", name, cap);
		rule_set_release(&rs);
		c.caps = all_caps & ~BIT(cap);
		ck_assert_int_eq(profile_resolve(p, &c, &rs, &err), 0);
		ck_assert_msg(rs.nrules == 0, "%s (%d) matched another cap", name, cap);
		rule_set_release(&rs);
	}
}
END_TEST

START_TEST(test_resolve_ctx_host)
{
	struct ward_err err = {0};
	struct resolve_ctx c;

	ck_assert_int_eq(resolve_ctx_host(&c, docker_caps, &err), 0);
	ck_assert_ptr_nonnull(c.native_arch);
	ck_assert_ptr_nonnull(c.native_scmp);
	ck_assert(c.caps == docker_caps);
	ck_assert_uint_ge(c.kernel_major, 3);
#if defined(__x86_64__) && !defined(__ILP32__)
	ck_assert_str_eq(c.native_arch, "amd64");
	ck_assert_str_eq(c.native_scmp, "SCMP_ARCH_X86_64");
#elif defined(__aarch64__)
	ck_assert_str_eq(c.native_arch, "arm64");
	ck_assert_str_eq(c.native_scmp, "SCMP_ARCH_AARCH64");
#endif
}
END_TEST

/* ---- the decision a filter built from a rule set makes -------------------------
 *
 * A model of what filter.c and libseccomp do with a rule set, used to compare two
 * profiles by behaviour rather than by text:
 *   - a rule whose action (and errno) equals the default is skipped (runc/crun);
 *   - the first unconditional rule for a name decides, whatever comes before or
 *     after it (libseccomp 2.5.4: a later unconditional rule replaces conditional
 *     ones, and later rules are dropped once an unconditional one exists);
 *   - otherwise conditional rules in file order: conditions on distinct indices
 *     AND; once an index repeats, every condition is a rule of its own (OR);
 *   - otherwise the default action.
 */

struct decision {
	enum prof_action action;
	uint32_t errno_ret;
};

static bool takes_errno(enum prof_action a)
{
	return a == PROF_ACT_ERRNO || a == PROF_ACT_TRACE;
}

static struct decision rule_decision(const struct prof_rule *r)
{
	struct decision d = {r->action, takes_errno(r->action) ? r->errno_ret : 0};

	return d;
}

static bool same_decision(struct decision a, struct decision b)
{
	return a.action == b.action && a.errno_ret == b.errno_ret;
}

static bool arg_matches(const struct prof_arg *a, const uint64_t *args)
{
	uint64_t v = args[a->index];

	switch (a->op) {
	case PROF_OP_NE:
		return v != a->value;
	case PROF_OP_LT:
		return v < a->value;
	case PROF_OP_LE:
		return v <= a->value;
	case PROF_OP_EQ:
		return v == a->value;
	case PROF_OP_GE:
		return v >= a->value;
	case PROF_OP_GT:
		return v > a->value;
	case PROF_OP_MASKED_EQ:
		return (v & a->value) == a->value_two;
	}
	ck_abort_msg("bad op %d", a->op);
	return false;
}

static bool conditions_match(const struct prof_rule *r, const uint64_t *args)
{
	bool repeated = false;

	for (size_t i = 0; i < r->nargs; i++)
		for (size_t j = i + 1; j < r->nargs; j++)
			if (r->args[i].index == r->args[j].index)
				repeated = true;
	for (size_t i = 0; i < r->nargs; i++) {
		bool m = arg_matches(&r->args[i], args);

		if (repeated && m)
			return true;
		if (!repeated && !m)
			return false;
	}
	return !repeated;
}

/* the rules of one rule set that name one syscall, in order */
struct name_rules {
	const struct prof_rule **v;
	size_t n;
};

static struct decision decide(const struct rule_set *rs, const struct name_rules *nr,
			      const uint64_t *args)
{
	struct decision def = {rs->default_action,
			       takes_errno(rs->default_action) ? rs->default_errno : 0};

	for (size_t i = 0; i < nr->n; i++)
		if (nr->v[i]->nargs == 0 && !same_decision(rule_decision(nr->v[i]), def))
			return rule_decision(nr->v[i]);
	for (size_t i = 0; i < nr->n; i++)
		if (nr->v[i]->nargs && !same_decision(rule_decision(nr->v[i]), def) &&
		    conditions_match(nr->v[i], args))
			return rule_decision(nr->v[i]);
	return def;
}

struct name_index {
	char **names; /* sorted, unique; borrowed from the profiles */
	size_t n;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void index_add(struct name_index *ix, const struct profile *p)
{
	for (size_t i = 0; i < p->nrules; i++) {
		ix->names = xrealloc(ix->names, (ix->n + p->rules[i].nnames) * sizeof(char *));
		for (size_t j = 0; j < p->rules[i].nnames; j++)
			ix->names[ix->n++] = p->rules[i].names[j];
	}
}

static void index_finish(struct name_index *ix)
{
	size_t out = 0;

	qsort(ix->names, ix->n, sizeof(char *), cmp_str);
	for (size_t i = 0; i < ix->n; i++)
		if (!out || strcmp(ix->names[out - 1], ix->names[i]) != 0)
			ix->names[out++] = ix->names[i];
	ix->n = out;
}

static size_t index_of(const struct name_index *ix, const char *name)
{
	char **hit = bsearch(&name, ix->names, ix->n, sizeof(char *), cmp_str);

	ck_assert_ptr_nonnull(hit);
	return (size_t)(hit - ix->names);
}

/* per name id, the rules of @rs naming it; free with free_by_name() */
static struct name_rules *by_name(const struct name_index *ix, const struct rule_set *rs)
{
	struct name_rules *nr = xcalloc(ix->n, sizeof(*nr));

	for (size_t i = 0; i < rs->nrules; i++) {
		for (size_t j = 0; j < rs->rules[i]->nnames; j++) {
			struct name_rules *e = &nr[index_of(ix, rs->rules[i]->names[j])];

			e->v = xrealloc(e->v, (e->n + 1) * sizeof(*e->v));
			e->v[e->n++] = rs->rules[i];
		}
	}
	return nr;
}

static void free_by_name(struct name_rules *nr, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(nr[i].v);
	free(nr);
}

static const uint64_t probe_values[] = {
    0,
    8,
    38,
    39,
    40,
    41,
    0x20000,
    0x20008,
    0xffffffff,
    0x7E020000,
    0x10000000,
    0x10000000 /* CLONE_NEWUSER */ | 0x11 /* SIGCHLD */,
    0x00010000 /* CLONE_THREAD */,
    0x0040000 /* ADDR_NO_RANDOMIZE */,
    16 /* AF_NETLINK */,
    UINT64_MAX,
};

static const char *decision_str(struct decision d, char *buf, size_t len)
{
	snprintf(buf, len, "%s(%u)", prof_action_name(d.action), d.errno_ret);
	return buf;
}

/*
 * Compare the decisions of two profiles for one context, over every name either
 * profile mentions and every probe vector (each probe value at argument 0, 1
 * and 2, the others 0). Return: the number of comparisons made.
 */
static size_t compare_profiles(const struct profile *a, const struct profile *b,
			       const struct name_index *ix, const struct resolve_ctx *c,
			       const char *label)
{
	struct rule_set ra, rb;
	struct ward_err err = {0};
	struct name_rules *na, *nb;
	char sa[512], sb[512];
	size_t count = 0;

	ck_assert_int_eq(profile_resolve(a, c, &ra, &err), 0);
	ck_assert_int_eq(profile_resolve(b, c, &rb, &err), 0);
	ck_assert(ra.enabled && rb.enabled);
	join(ra.arches, ra.narches, sa, sizeof(sa));
	join(rb.arches, rb.narches, sb, sizeof(sb));
	ck_assert_msg(strcmp(sa, sb) == 0, "%s: arches '%s' vs '%s'", label, sa, sb);
	na = by_name(ix, &ra);
	nb = by_name(ix, &rb);
	for (size_t i = 0; i < ix->n; i++) {
		for (size_t pos = 0; pos < 3; pos++) {
			for (size_t v = 0; v < NELEM(probe_values); v++) {
				uint64_t args[6] = {0};
				struct decision da, db;

				args[pos] = probe_values[v];
				da = decide(&ra, &na[i], args);
				db = decide(&rb, &nb[i], args);
				count++;
				if (!same_decision(da, db))
					ck_abort_msg("%s: %s(arg%zu=0x%llx): %s vs %s", label,
						     ix->names[i], pos,
						     (unsigned long long)probe_values[v],
						     decision_str(da, sa, sizeof(sa)),
						     decision_str(db, sb, sizeof(sb)));
			}
		}
	}
	free_by_name(na, ix->n);
	free_by_name(nb, ix->n);
	rule_set_release(&ra);
	rule_set_release(&rb);
	return count;
}

/* @path, or the file of that name in $WARD_REFERENCE_DIR (CI fetches Docker's profile there) */
static struct profile *load_reference(const char *path)
{
	const char *dir = getenv("WARD_REFERENCE_DIR");
	cleanup_free char *alt = NULL;
	struct stat st;

	if (dir && *dir)
		path = alt = xasprintf("%s/%s", dir, strrchr(path, '/') + 1);
	if (stat(path, &st) < 0) {
		fprintf(stderr, "SKIP *** reference profile '%s' is missing: cannot compare ***\n",
			path);
		return NULL;
	}
	return load_ok(path);
}

START_TEST(test_agreement_with_docker)
{
	/* every capability set on the two arches that matter most, with the kernels on
	 * both sides of the ptrace minKernel; a few sets on the other archMap arches */
	static const struct {
		const char *arch;
		bool all_capsets;
		unsigned int kernels[3][2];
	} plan[] = {
	    {"amd64", true, {{6, 8}, {4, 7}, {4, 8}}},
	    {"arm64", true, {{6, 8}, {4, 7}}},
	    {"s390x", false, {{6, 8}, {4, 7}}},
	    {"ppc64le", false, {{6, 8}}},
	    {"riscv64", false, {{6, 8}}},
	    {"mips64", false, {{6, 8}}},
	    {"x86", false, {{6, 8}}},
	    {"loongarch64", false, {{6, 8}}},
	};
	cleanup_profile struct profile *docker = load_reference(DOCKER_REF);
	cleanup_profile struct profile *ours = NULL;
	struct name_index ix = {0};
	struct ward_err err = {0};
	uint64_t capsets[4 + 2 * (CAP_LAST_CAP + 1) + 2];
	size_t ncaps = 0, total = 0, contexts = 0;

	if (!docker) {
		/* CI runs this test or fails: a skip would look like agreement */
		const char *req = getenv("WARD_REQUIRE_REFERENCE");

		ck_assert_msg(!req || strcmp(req, "1") != 0,
			      "WARD_REQUIRE_REFERENCE=1, but there is no docker reference profile "
			      "(set WARD_REFERENCE_DIR to a directory holding "
			      "docker-default-seccomp.json)");
		UNIT_SKIP("no docker reference profile (see WARD_REFERENCE_DIR)");
	}
	ck_assert_int_eq(profile_load_default(&ours, &err), 0);
	index_add(&ix, docker);
	index_add(&ix, ours);
	index_finish(&ix);

	/* the first three are the sets used on every arch */
	capsets[ncaps++] = docker_caps;
	capsets[ncaps++] = 0;	     /* --cap-drop ALL */
	capsets[ncaps++] = all_caps; /* --privileged with an explicit profile */
	capsets[ncaps++] = docker_caps | BIT(CAP_SYS_ADMIN);
	capsets[ncaps++] = docker_caps | BIT(CAP_SYS_PTRACE);
	capsets[ncaps++] = docker_caps | BIT(CAP_SYS_NICE);
	for (int cap = 0; cap <= CAP_LAST_CAP; cap++) {
		if (!(docker_caps & BIT(cap)))
			capsets[ncaps++] = docker_caps | BIT(cap); /* --cap-add of one */
		else
			capsets[ncaps++] = docker_caps & ~BIT(cap); /* --cap-drop of one */
		capsets[ncaps++] = BIT(cap);			    /* that cap alone */
	}
	ck_assert_uint_le(ncaps, NELEM(capsets));

	for (size_t a = 0; a < NELEM(plan); a++) {
		for (size_t k = 0; k < 3 && plan[a].kernels[k][0]; k++) {
			for (size_t i = 0; i < (plan[a].all_capsets ? ncaps : 3); i++) {
				const unsigned int *kv = plan[a].kernels[k];
				struct resolve_ctx c =
				    ctx_for(plan[a].arch, capsets[i], kv[0], kv[1]);
				char label[128];

				snprintf(label, sizeof(label), "%s kernel %u.%u caps 0x%llx",
					 plan[a].arch, kv[0], kv[1],
					 (unsigned long long)capsets[i]);
				total += compare_profiles(docker, ours, &ix, &c, label);
				contexts++;
			}
		}
	}
	fprintf(stderr,
		"agreement with Docker's default profile: %zu decisions compared, all equal "
		"(%zu syscall names x %zu argument vectors x %zu contexts of arch, kernel "
		"and capability set; %zu capability sets on amd64 and arm64)\n",
		total, ix.n, 3 * NELEM(probe_values), contexts, ncaps);
	free(ix.names);
}
END_TEST

/* what the built-in profile decides for a few well-known calls, on its own */
START_TEST(test_default_profile_pins)
{
	static const struct {
		uint64_t caps;
		unsigned int maj, min;
		const char *name;
		uint64_t arg0;
		enum prof_action action;
		uint32_t errno_ret;
	} t[] = {
	    {0, 6, 8, "read", 0, PROF_ACT_ALLOW, 0},
	    {0, 6, 8, "mount", 0, PROF_ACT_ERRNO, EPERM},
	    {BIT(CAP_SYS_ADMIN), 6, 8, "mount", 0, PROF_ACT_ALLOW, 0},
	    {0, 6, 8, "clone3", 0, PROF_ACT_ERRNO, ENOSYS},
	    {BIT(CAP_SYS_ADMIN), 6, 8, "clone3", 0, PROF_ACT_ALLOW, 0},
	    {0, 6, 8, "clone", 0x11, PROF_ACT_ALLOW, 0},
	    {0, 6, 8, "clone", 0x10000011, PROF_ACT_ERRNO, EPERM},
	    {BIT(CAP_SYS_ADMIN), 6, 8, "clone", 0x10000011, PROF_ACT_ALLOW, 0},
	    {0, 6, 8, "socket", 2, PROF_ACT_ALLOW, 0},
	    {0, 6, 8, "socket", 38, PROF_ACT_ERRNO, EPERM},
	    {0, 6, 8, "socket", 39, PROF_ACT_ALLOW, 0},
	    {0, 6, 8, "socket", 40, PROF_ACT_ERRNO, EPERM},
	    {0, 6, 8, "socket", 41, PROF_ACT_ALLOW, 0},
	    {0, 6, 8, "personality", 0xffffffff, PROF_ACT_ALLOW, 0},
	    {0, 6, 8, "personality", 0x0040000, PROF_ACT_ERRNO, EPERM},
	    {0, 6, 8, "ptrace", 0, PROF_ACT_ALLOW, 0},
	    {0, 4, 7, "ptrace", 0, PROF_ACT_ERRNO, EPERM},
	    {BIT(CAP_SYS_PTRACE), 4, 7, "ptrace", 0, PROF_ACT_ALLOW, 0},
	    {0, 6, 8, "keyctl", 0, PROF_ACT_ERRNO, EPERM},
	    {all_caps, 6, 8, "kexec_load", 0, PROF_ACT_ERRNO, EPERM},
	    {all_caps, 6, 8, "io_uring_setup", 0, PROF_ACT_ERRNO, EPERM},
	    {BIT(CAP_SYS_NICE), 6, 8, "mbind", 0, PROF_ACT_ALLOW, 0},
	    {0, 6, 8, "chroot", 0, PROF_ACT_ERRNO, EPERM},
	    {BIT(CAP_SYS_CHROOT), 6, 8, "chroot", 0, PROF_ACT_ALLOW, 0},
	    {0, 6, 8, "arch_prctl", 0, PROF_ACT_ALLOW, 0},
	};
	cleanup_profile struct profile *p = NULL;
	struct name_index ix = {0};
	struct ward_err err = {0};

	ck_assert_int_eq(profile_load_default(&p, &err), 0);
	ck_assert_int_eq(p->default_action, PROF_ACT_ERRNO);
	ck_assert_uint_eq(p->default_errno, EPERM);
	for (size_t i = 0; i < p->nrules; i++)
		ck_assert_msg(p->rules[i].comment, "rule %zu has no comment", i);
	index_add(&ix, p);
	index_finish(&ix);
	for (size_t i = 0; i < NELEM(t); i++) {
		struct resolve_ctx c = ctx_for("amd64", t[i].caps, t[i].maj, t[i].min);
		uint64_t args[6] = {t[i].arg0};
		struct decision want = {t[i].action, t[i].errno_ret}, got;
		struct name_rules *nr;
		struct rule_set rs;
		char a[64], b[64];

		ck_assert_int_eq(profile_resolve(p, &c, &rs, &err), 0);
		nr = by_name(&ix, &rs);
		got = decide(&rs, &nr[index_of(&ix, t[i].name)], args);
		ck_assert_msg(same_decision(got, want), "%s(0x%llx): got %s, want %s", t[i].name,
			      (unsigned long long)t[i].arg0, decision_str(got, a, sizeof(a)),
			      decision_str(want, b, sizeof(b)));
		free_by_name(nr, ix.n);
		rule_set_release(&rs);
	}
	free(ix.names);
}
END_TEST

START_TEST(test_podman_reference)
{
	cleanup_profile struct profile *p = load_reference(PODMAN_REF);
	struct name_index ix = {0};
	struct ward_err err = {0};
	uint64_t nl_audit[6] = {16 /* AF_NETLINK */, 3, 9 /* NETLINK_AUDIT */};
	uint64_t nl_route[6] = {16, 3, 0};

	if (!p)
		UNIT_SKIP("no podman reference profile");
	ck_assert_uint_eq(p->default_errno, ENOSYS);
	index_add(&ix, p);
	index_finish(&ix);
	for (int with_audit = 0; with_audit < 2; with_audit++) {
		uint64_t caps = docker_caps & ~BIT(CAP_AUDIT_WRITE);
		struct resolve_ctx c;
		struct name_rules *nr;
		struct rule_set rs;
		struct decision d;
		size_t sock;

		if (with_audit)
			caps |= BIT(CAP_AUDIT_WRITE);
		c = ctx_for("amd64", caps, 6, 8);
		ck_assert_int_eq(profile_resolve(p, &c, &rs, &err), 0);
		ck_assert_uint_eq(rs.default_errno, 38);
		nr = by_name(&ix, &rs);
		sock = index_of(&ix, "socket");
		d = decide(&rs, &nr[sock], nl_audit);
		if (with_audit) {
			ck_assert_int_eq(d.action, PROF_ACT_ALLOW);
		} else {
			ck_assert_int_eq(d.action, PROF_ACT_ERRNO);
			ck_assert_uint_eq(d.errno_ret, EINVAL);
		}
		d = decide(&rs, &nr[sock], nl_route);
		ck_assert_int_eq(d.action, PROF_ACT_ALLOW);
		/* the explicit EPERM list, and ENOSYS for what is not listed */
		d = decide(&rs, &nr[index_of(&ix, "kexec_load")], nl_route);
		ck_assert_int_eq(d.action, PROF_ACT_ERRNO);
		ck_assert_uint_eq(d.errno_ret, EPERM);
		d = decide(&rs, &nr[index_of(&ix, "acct")], nl_route);
		ck_assert_uint_eq(d.errno_ret, EPERM);
		free_by_name(nr, ix.n);
		rule_set_release(&rs);
	}
	free(ix.names);
}
END_TEST

/* hostile input (issue 13): fixtures that were cut short, or that hung or crashed ward */
static const struct {
	const char *file;
	const char *msg;
} hostile[] = {
    {"nul-default-action.json", "defaultAction: contains a NUL byte"},
    {"nul-name.json", "syscalls[3].names[0]: contains a NUL byte"},
    {"nul-rule-action.json", "syscalls[1].action: contains a NUL byte"},
    {"nul-key.json", "syscalls[1]: a key contains a NUL byte"},
    {"nul-byte.json",
     "not valid JSON: line 1, column 36: lexical error: invalid char in json text"},
    {"deep.json", "not valid JSON: line 1, column 105: nested deeper than 64 levels"},
    {"huge-errnoret.json", "defaultErrnoRet: 184467440737095516150 is out of range (0 to 65535)"},
    {"huge-index.json", "syscalls[0].args[0].index: 18446744073709551616 is out of range (0 to 5)"},
};

START_TEST(test_hostile_fixture)
{
	char path[512], want[1024];
	struct ward_err err = {0};
	struct profile *p = (struct profile *)1;

	snprintf(path, sizeof(path), FIXTURES "/invalid/%s", hostile[_i].file);
	snprintf(want, sizeof(want), "profile '%s': %s", path, hostile[_i].msg);
	ck_assert_int_lt(profile_load_file(path, &p, &err), 0);
	ck_assert_ptr_null(p);
	ck_assert_str_eq(err.msg, want);
	ck_assert_int_eq(err.code, 0);
}
END_TEST

/* every file in invalid/ is in one of the two tables, so none is left untested */
START_TEST(test_invalid_all_listed)
{
	DIR *d = opendir(FIXTURES "/invalid");
	struct dirent *e;
	size_t files = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d))) {
		bool found = false;

		if (e->d_name[0] == '.')
			continue;
		files++;
		for (size_t i = 0; i < NELEM(invalid) && !found; i++)
			found = strcmp(invalid[i].file, e->d_name) == 0;
		for (size_t i = 0; i < NELEM(hostile) && !found; i++)
			found = strcmp(hostile[i].file, e->d_name) == 0;
		ck_assert_msg(found,
			      "tests/data/profiles/invalid/%s is in no table of test_profile.c",
			      e->d_name);
	}
	closedir(d);
	ck_assert_uint_eq(files, NELEM(invalid) + NELEM(hostile));
}
END_TEST

/* a FIFO (nobody writes it), a device, a symlink loop: refused at once, never read */
START_TEST(test_load_not_regular)
{
	char dir[] = "/tmp/ward-unit-prof-XXXXXX", fifo[64], loop[64];
	struct ward_err err = {0};
	struct profile *p = NULL;
	char want[256];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	snprintf(loop, sizeof(loop), "%s/loop", dir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	ck_assert_int_eq(symlink("loop", loop), 0);

	ck_assert_int_lt(profile_load_file(fifo, &p, &err), 0);
	snprintf(want, sizeof(want), "profile '%s': not a regular file", fifo);
	ck_assert_str_eq(err.msg, want);
	ck_assert_int_lt(profile_load_file("/dev/zero", &p, &err), 0);
	ck_assert_str_eq(err.msg, "profile '/dev/zero': not a regular file");
	ck_assert_int_lt(profile_load_file(loop, &p, &err), 0);
	ck_assert_int_eq(err.code, ELOOP);
	ck_assert_ptr_null(p);

	ck_assert_int_eq(unlink(fifo), 0);
	ck_assert_int_eq(unlink(loop), 0);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/* in memory: a NUL inside a string names the place, wherever it is */
START_TEST(test_parse_nul_in_strings)
{
	static const struct {
		const char *json, *msg;
	} cases[] = {
	    {"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"archMap\": [{\"architecture\": "
	     "\"SCMP_ARCH_X86_64\", \"subArchitectures\": [\"SCMP_ARCH_X86\\u0000\"]}]}",
	     "archMap[0].subArchitectures[0]: contains a NUL byte"},
	    {"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"read\"], "
	     "\"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"caps\": [\"CAP_\\u0000X\"]}}]}",
	     "syscalls[0].includes.caps[0]: contains a NUL byte"},
	    {"{\"\\u0000\": 1}", "a key of the top-level object contains a NUL byte"},
	    {"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"listenerMetadata\": \"\\u0000\"}",
	     "listenerMetadata: contains a NUL byte"},
	};

	for (size_t i = 0; i < NELEM(cases); i++) {
		struct ward_err err = {0};
		struct profile *p = NULL;

		ck_assert_int_lt(profile_parse(cases[i].json, strlen(cases[i].json), &p, &err), 0);
		ck_assert_ptr_null(p);
		ck_assert_str_eq(err.msg, cases[i].msg);
	}
}
END_TEST

Suite *profile_suite(void)
{
	Suite *s = suite_create("profile");
	TCase *tc;

	tc = tcase_create("parse");
	tcase_set_timeout(tc, UNIT_TIMEOUT);
	tcase_add_test(tc, test_parse_docker_all);
	tcase_add_test(tc, test_parse_oci);
	tcase_add_test(tc, test_parse_podman_errno);
	tcase_add_test(tc, test_parse_case_keys);
	tcase_add_test(tc, test_parse_nulls);
	tcase_add_test(tc, test_parse_flags_absent_vs_empty);
	tcase_add_test(tc, test_parse_every_action_and_op);
	tcase_add_test(tc, test_parse_not_nul_terminated);
	tcase_add_test(tc, test_kernel_version);
	tcase_add_test(tc, test_errno_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_set_timeout(tc, UNIT_TIMEOUT);
	tcase_add_loop_test(tc, test_invalid_fixture, 0, (int)NELEM(invalid));
	tcase_add_test(tc, test_parse_more_errors);
	tcase_add_test(tc, test_load_directory_and_missing);
	tcase_add_test(tc, test_load_unreadable);
	tcase_add_loop_test(tc, test_hostile_fixture, 0, (int)NELEM(hostile));
	tcase_add_test(tc, test_invalid_all_listed);
	tcase_add_test(tc, test_load_not_regular);
	tcase_add_test(tc, test_parse_nul_in_strings);
	suite_add_tcase(s, tc);

	tc = tcase_create("resolve");
	tcase_set_timeout(tc, UNIT_TIMEOUT);
	tcase_add_test(tc, test_resolve_table);
	tcase_add_test(tc, test_resolve_arch_map);
	tcase_add_test(tc, test_resolve_passthrough);
	tcase_add_test(tc, test_resolve_disabled);
	tcase_add_test(tc, test_resolve_hand_built_errors);
	tcase_add_test(tc, test_resolve_cap_names);
	tcase_add_test(tc, test_resolve_ctx_host);
	suite_add_tcase(s, tc);

	tc = tcase_create("agreement");
	tcase_set_timeout(tc, UNIT_TIMEOUT);
	tcase_add_test(tc, test_agreement_with_docker);
	tcase_add_test(tc, test_default_profile_pins);
	tcase_add_test(tc, test_podman_reference);
	suite_add_tcase(s, tc);
	return s;
}
