/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_record.c - seccomp record: the recording filter, and the profile it writes. */
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"
#include "ward/profile.h"
#include "ward/record.h"
#include "ward/recprofile.h"

#define RET(k)                                                                                     \
	{                                                                                          \
		BPF_RET | BPF_K, 0, 0, (k)                                                         \
	}

START_TEST(test_filter_unconfined)
{
	struct filter_prog in = {0}, out;
	struct ward_err err = {0};

	ck_assert_int_eq(record_filter(&in, &out, &err), 0);
	ck_assert(out.enabled);
	ck_assert_uint_eq(out.len, 1);
	ck_assert_uint_eq(out.insns[0].k, SECCOMP_RET_USER_NOTIF); /* every call, every ABI */
	ck_assert(out.flags & SECCOMP_FILTER_FLAG_NEW_LISTENER);
	filter_prog_release(&out);
}
END_TEST

START_TEST(test_filter_stacked)
{
	struct sock_filter insns[] = {
	    {BPF_LD | BPF_W | BPF_ABS, 0, 0, 0},
	    {BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 165},
	    RET(SECCOMP_RET_ERRNO | 1),
	    RET(SECCOMP_RET_LOG),
	    RET(SECCOMP_RET_ALLOW),
	};
	struct filter_prog in = {.insns = insns, .len = 5, .enabled = true}, out;
	struct ward_err err = {0};

	ck_assert_int_eq(record_filter(&in, &out, &err), 0);
	/* what the profile denies stays denied: it never reaches the recorder */
	ck_assert_uint_eq(out.insns[2].k, SECCOMP_RET_ERRNO | 1);
	ck_assert_uint_eq(out.insns[3].k, SECCOMP_RET_USER_NOTIF);
	ck_assert_uint_eq(out.insns[4].k, SECCOMP_RET_USER_NOTIF);
	ck_assert_uint_eq(insns[4].k, SECCOMP_RET_ALLOW);
	filter_prog_release(&out);
	in.flags = SECCOMP_FILTER_FLAG_NEW_LISTENER;
	ck_assert_int_lt(record_filter(&in, &out, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "SCMP_ACT_NOTIFY"));
}
END_TEST

static char *write_profile(const struct record_log *log, const struct profile *merge)
{
	struct recprofile_stats st;
	struct ward_err err = {0};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_int_eq(recprofile_write(log, merge, f, &st, &err), 0);
	fclose(f);
	return buf;
}

static const struct prof_rule *rule_named(const struct profile *p, const char *name, size_t nth)
{
	for (size_t i = 0; i < p->nrules; i++)
		for (size_t j = 0; j < p->rules[i].nnames; j++)
			if (strcmp(p->rules[i].names[j], name) == 0 && nth-- == 0)
				return &p->rules[i];
	return NULL;
}

static void a_workload(struct record_log *log)
{
	const uint64_t none[6] = {0}, clone_flags[6] = {0x11}, inet[6] = {2, 1}, unix_[6] = {1, 1};

	record_add(log, AUDIT_ARCH_X86_64, 1, none); /* write */
	record_add(log, AUDIT_ARCH_X86_64, 0, none); /* read */
	record_add(log, AUDIT_ARCH_X86_64, 0, none); /* read */
	record_add(log, AUDIT_ARCH_X86_64, 56, clone_flags);
	record_add(log, AUDIT_ARCH_X86_64, 41, inet);		   /* socket(AF_INET) */
	record_add(log, AUDIT_ARCH_I386, 359, unix_);		   /* i386 socket(AF_UNIX) */
	record_add(log, AUDIT_ARCH_I386, 20, none);		   /* i386 getpid */
	record_add(log, AUDIT_ARCH_X86_64, 0x40000000 | 39, none); /* x32 getpid */
}

START_TEST(test_profile)
{
	struct record_log log;
	cleanup_profile struct profile *p = NULL;
	struct ward_err err = {0};
	const struct prof_rule *r;
	char *json;

	record_log_init(&log);
	a_workload(&log);
	json = write_profile(&log, NULL);
	ck_assert_int_eq(profile_parse(json, strlen(json), &p, &err), 0);
	ck_assert_int_eq(p->default_action, PROF_ACT_ERRNO);
	ck_assert_uint_eq(p->default_errno, 1);
	ck_assert_uint_eq(p->narch_map, 1);
	ck_assert_str_eq(p->arch_map[0].architecture, "SCMP_ARCH_X86_64");
	ck_assert_uint_eq(p->arch_map[0].nsub, 2);
	/* the x86_64 group, sorted, counted */
	ck_assert_uint_eq(p->rules[0].nnames, 2);
	ck_assert_str_eq(p->rules[0].names[0], "read");
	ck_assert_str_eq(p->rules[0].names[1], "write");
	ck_assert_ptr_nonnull(strstr(p->rules[0].comment, "2 syscalls"));
	/* i386 and x32 on their own */
	ck_assert_str_eq(p->rules[1].names[0], "getpid");
	ck_assert_ptr_nonnull(strstr(p->rules[1].comment, "x86 (i386"));
	ck_assert_ptr_nonnull(strstr(p->rules[2].comment, "x32 ABI"));
	/* clone: Docker's namespace mask */
	r = rule_named(p, "clone", 0);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->nargs, 1);
	ck_assert_int_eq(r->args[0].op, PROF_OP_MASKED_EQ);
	ck_assert_uint_eq(r->args[0].value, 0x7E020000);
	/* socket: one rule per family, both ABIs' */
	r = rule_named(p, "socket", 0);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->args[0].value, 1);
	ck_assert_int_eq(r->args[0].op, PROF_OP_EQ);
	r = rule_named(p, "socket", 1);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->args[0].value, 2);
	ck_assert_ptr_null(rule_named(p, "socket", 2));
	/* clone3 not called: ENOSYS; the runtimes' calls in a rule of their own */
	r = rule_named(p, "clone3", 0);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r->action, PROF_ACT_ERRNO);
	ck_assert_uint_eq(r->errno_ret, 38);
	r = rule_named(p, "capset", 0);
	ck_assert_ptr_nonnull(r);
	ck_assert_ptr_nonnull(strstr(r->comment, RECPROFILE_RUNTIME_COMMENT));
	free(json);
	record_log_release(&log);
}
END_TEST

START_TEST(test_merge_idempotent)
{
	struct record_log log;
	cleanup_profile struct profile *p = NULL;
	struct ward_err err = {0};
	char *once, *twice;

	record_log_init(&log);
	a_workload(&log);
	once = write_profile(&log, NULL);
	ck_assert_int_eq(profile_parse(once, strlen(once), &p, &err), 0);
	a_workload(&log); /* the counts change, the calls do not */
	twice = write_profile(&log, p);
	if (strcmp(once, twice) != 0)
		fprintf(stderr, "%s\n----\n%s\n", once, twice);
	ck_assert_msg(strcmp(once, twice) == 0, "merged again: changed");
	free(once);
	free(twice);
	record_log_release(&log);
}
END_TEST

START_TEST(test_clone_namespace_flag)
{
	struct record_log log;
	cleanup_profile struct profile *p = NULL;
	struct ward_err err = {0};
	const uint64_t newns[6] = {0x20000 | 0x11};
	const struct prof_rule *r;
	char *json;

	record_log_init(&log);
	record_add(&log, AUDIT_ARCH_X86_64, 59, newns); /* execve */
	record_add(&log, AUDIT_ARCH_X86_64, 56, newns); /* clone(CLONE_NEWNS) */
	json = write_profile(&log, NULL);
	ck_assert_int_eq(profile_parse(json, strlen(json), &p, &err), 0);
	/* the flag used is let through, every other namespace flag is not */
	r = rule_named(p, "clone", 0);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->args[0].value, 0x7E000000);
	free(json);
	record_log_release(&log);
}
END_TEST

/* the threads of this process */
static int threads(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* A child whose getppid(2) goes to a listener ward receives; its listener into *@fd. */
static pid_t notified_child(int *fd, int go[2])
{
	struct sock_filter insns[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog fp = {.len = 4, .filter = insns};
	int pipefd[2];
	pid_t pid;
	char c;

	ck_assert_int_eq(pipe(pipefd), 0);
	ck_assert_int_eq(pipe(go), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int l;

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			_exit(2);
		l = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
				 SECCOMP_FILTER_FLAG_NEW_LISTENER, &fp);
		if (l < 0 || write(pipefd[1], &l, sizeof(l)) != sizeof(l) ||
		    read(go[0], &c, 1) != 1)
			_exit(3);
		(void)getppid(); /* received and answered by the receivers */
		_exit(0);
	}
	ck_assert_int_eq(read(pipefd[0], fd, sizeof(*fd)), sizeof(*fd));
	close(pipefd[0]);
	close(pipefd[1]);
	*fd = (int)syscall(SYS_pidfd_getfd, (int)syscall(SYS_pidfd_open, pid, 0), *fd, 0);
	return pid;
}

/*
 * The receivers end once the filter has no task left: the kernel then answers a
 * receive with ENOENT at once, and receivers that went on spun on both CPUs
 * while ward wrote the profile.
 */
START_TEST(test_receivers_end_with_the_filter)
{
	struct record_log log;
	struct ward_err err = {0};
	int listener, go[2], ws = 0, n = threads();
	struct timespec pause = {.tv_nsec = 10 * 1000 * 1000};
	pid_t pid = notified_child(&listener, go);

	if (listener < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		UNIT_SKIP("pidfd_getfd(2) is not available (Linux 5.6)");
	}
	record_log_init(&log);
	ck_assert_int_eq(record_handle(&log, listener, &err), 1); /* the threads serve it */
	ck_assert_int_gt(threads(), n);
	ck_assert_int_eq(write(go[1], "g", 1), 1);
	ck_assert_int_eq(waitpid(pid, &ws, 0), pid);
	ck_assert(WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
	close(listener);
	for (int i = 0; i < 300 && threads() > n; i++)
		nanosleep(&pause, NULL);
	ck_assert_int_eq(threads(), n);
	record_log_release(&log);
}
END_TEST

Suite *record_suite(void)
{
	Suite *s = suite_create("record");
	TCase *tc = tcase_create("record");

	tcase_set_timeout(tc, UNIT_TIMEOUT);
	tcase_add_test(tc, test_filter_unconfined);
	tcase_add_test(tc, test_filter_stacked);
	tcase_add_test(tc, test_profile);
	tcase_add_test(tc, test_merge_idempotent);
	tcase_add_test(tc, test_clone_namespace_flag);
	tcase_add_test(tc, test_receivers_end_with_the_filter);
	suite_add_tcase(s, tc);
	return s;
}
