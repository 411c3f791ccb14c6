// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_probe.c - probe_calls.c, the embedded ward-probe and what it reports.
 *
 * The table is checked against libseccomp's own numbering and against the list of
 * calls Docker's default profile blocks. The probe is then run the way ward runs it,
 * from a memfd holding the embedded blob: once with no filter, once under a tiny
 * hand-written filter that answers EPERM to mount alone, and the two reports must
 * differ in that one row.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "ward/probe_calls.h"
#include "ward/syscalls_extra.h"

extern char **environ;

/* Every system call Docker's default profile (moby, 2025) blocks on x86_64. */
static const char *const docker_blocked[] = {
    "syslog", "uselib", "ustat", "sysfs", "vhangup", "pivot_root", "_sysctl", "acct",
    "settimeofday", "mount", "umount2", "swapon", "swapoff", "reboot", "sethostname",
    "setdomainname", "iopl", "ioperm", "create_module", "init_module", "delete_module",
    "get_kernel_syms", "query_module", "quotactl", "nfsservctl", "getpmsg", "putpmsg",
    "afs_syscall", "tuxcall", "security", "lookup_dcookie", "clock_settime", "vserver", "mbind",
    "set_mempolicy", "get_mempolicy", "kexec_load", "add_key", "request_key", "keyctl",
    "migrate_pages", "unshare", "move_pages", "perf_event_open", "fanotify_init",
    "open_by_handle_at", "setns", "kcmp", "finit_module", "kexec_file_load", "bpf", "userfaultfd",
    "io_uring_setup", "io_uring_enter", "io_uring_register", "open_tree", "move_mount", "fsopen",
    "fsconfig", "fsmount", "fspick", "clone3", "pidfd_getfd", "process_madvise", "mount_setattr",
    "quotactl_fd", "set_mempolicy_home_node",
    /* filtered by argument or capability in that profile */
    "ptrace", "personality", "clone", "socket", "chroot"};

static const struct probe_call *find_call(const char *name)
{
	size_t i;

	for (i = 0; i < probe_ncalls; i++)
		if (strcmp(probe_calls[i].name, name) == 0)
			return &probe_calls[i];
	return NULL;
}

START_TEST(test_table_entries)
{
	size_t i, j;

	ck_assert_uint_gt(probe_ncalls, 80);
	for (i = 0; i < probe_ncalls; i++) {
		const struct probe_call *c = &probe_calls[i];
		int nr;

		ck_assert_ptr_nonnull(c->name);
		ck_assert_ptr_nonnull(c->syscall);
		ck_assert_msg(c->name[0] && c->syscall[0], "entry %zu has an empty name", i);
		ck_assert_msg(c->nr >= 0, "%s: nr %ld", c->name, c->nr);
		for (j = i + 1; j < probe_ncalls; j++)
			ck_assert_msg(strcmp(c->name, probe_calls[j].name) != 0,
				      "label '%s' appears twice", c->name);
		/* the number must be the one seccomp filters see for that name */
		nr = seccomp_syscall_resolve_name(c->syscall);
		if (nr == __NR_SCMP_ERROR)
			nr = syscall_extra_resolve(c->syscall, AUDIT_ARCH_X86_64);
		ck_assert_msg(nr == c->nr, "%s: table says %ld, libseccomp says %d", c->name, c->nr,
			      nr);
	}
}
END_TEST

START_TEST(test_table_covers_docker)
{
	const struct probe_call *vhangup;
	size_t i, j;

	for (i = 0; i < sizeof(docker_blocked) / sizeof(docker_blocked[0]); i++) {
		bool found = false;

		for (j = 0; j < probe_ncalls && !found; j++)
			found = strcmp(probe_calls[j].syscall, docker_blocked[i]) == 0;
		ck_assert_msg(found, "no probe for '%s'", docker_blocked[i]);
	}
	vhangup = find_call("vhangup");
	ck_assert(vhangup && (vhangup->flags & PROBE_SETSID));
	ck_assert_ptr_nonnull(find_call("mount"));
}
END_TEST

START_TEST(test_blob_is_the_probe)
{
	size_t len = (size_t)(ward_probe_bin_end - ward_probe_bin);
	struct stat st;

	ck_assert_uint_gt(len, 4);
	ck_assert_mem_eq(ward_probe_bin,
			 "\x7f"
			 "ELF",
			 4);
	ck_assert_int_eq(stat(WARD_BINARY_DIR "/ward-probe", &st), 0);
	ck_assert_uint_eq(len, (size_t)st.st_size);
}
END_TEST

/* ---- running the probe ---------------------------------------------------------------- */

struct report {
	char *out;
	const char *result[256]; /* per table entry, pointing into out */
	int count[256];
	int extra_calls; /* call lines naming no table entry */
	const char *seccomp, *filters, *nnp;
	int ncaps, nns, nids;
};

/* Install "mount -> EPERM, everything else allowed" (NO_NEW_PRIVS first). */
static int deny_mount(void)
{
	struct sock_filter insns[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_mount, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = sizeof(insns) / sizeof(insns[0]), .filter = insns};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

/* Run the embedded probe from a memfd, as ward does; its stdout is returned in r->out. */
static void run_probe(bool filtered, struct report *r)
{
	size_t len = (size_t)(ward_probe_bin_end - ward_probe_bin), off = 0, cap = 65536;
	int mfd = memfd_create("ward-probe", MFD_CLOEXEC), pfd[2], st = 0;
	char *argv[] = {"ward-probe", NULL};
	pid_t pid;

	ck_assert_int_ge(mfd, 0);
	while (off < len) {
		ssize_t n = write(mfd, ward_probe_bin + off, len - off);

		ck_assert_int_gt(n, 0);
		off += (size_t)n;
	}
	ck_assert_int_eq(pipe2(pfd, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (dup2(pfd[1], STDOUT_FILENO) < 0)
			_exit(126);
		if (filtered && deny_mount() < 0)
			_exit(125);
		fexecve(mfd, argv, environ);
		_exit(127);
	}
	close(pfd[1]);
	close(mfd);
	memset(r, 0, sizeof(*r));
	r->out = malloc(cap);
	ck_assert_ptr_nonnull(r->out);
	off = 0;
	for (;;) {
		ssize_t n;

		if (off + 1 == cap) {
			cap *= 2;
			r->out = realloc(r->out, cap);
			ck_assert_ptr_nonnull(r->out);
		}
		n = read(pfd[0], r->out + off, cap - off - 1);
		if (n < 0 && errno == EINTR)
			continue;
		ck_assert_int_ge(n, 0);
		if (n == 0)
			break;
		off += (size_t)n;
	}
	r->out[off] = '\0';
	close(pfd[0]);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "probe status %#x", st);
}

/* Split r->out into lines and tab-separated fields, in place. */
static void parse_report(struct report *r)
{
	char *save = NULL, *line;

	ck_assert_uint_le(probe_ncalls, 256);
	for (line = strtok_r(r->out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[5] = {NULL};
		int n = 0;
		char *p = line;

		while (n < 5) {
			f[n++] = p;
			p = strchr(p, '\t');
			if (!p)
				break;
			*p++ = '\0';
		}
		if (strcmp(f[0], "call") == 0) {
			const struct probe_call *c;

			ck_assert_int_eq(n, 5);
			c = find_call(f[1]);
			if (!c) {
				r->extra_calls++;
				continue;
			}
			ck_assert_str_eq(f[2], c->syscall);
			ck_assert_int_eq(atol(f[3]), c->nr);
			r->result[c - probe_calls] = f[4];
			r->count[c - probe_calls]++;
		} else if (strcmp(f[0], "status") == 0 && n == 3) {
			if (strcmp(f[1], "Seccomp") == 0)
				r->seccomp = f[2];
			else if (strcmp(f[1], "Seccomp_filters") == 0)
				r->filters = f[2];
			else if (strcmp(f[1], "NoNewPrivs") == 0)
				r->nnp = f[2];
		} else if (strcmp(f[0], "cap") == 0 && n == 3) {
			r->ncaps++;
		} else if (strcmp(f[0], "ns") == 0 && n == 3) {
			r->nns++;
		} else if (strcmp(f[0], "id") == 0 && n == 3) {
			r->nids++;
		} else {
			ck_abort_msg("unexpected line '%s'", line);
		}
	}
}

static const char *result_of(const struct report *r, const char *name)
{
	const struct probe_call *c = find_call(name);

	ck_assert_ptr_nonnull(c);
	return r->result[c - probe_calls];
}

/* Our own Seccomp mode: the probe inherits it, and a CI job may already run under one. */
static long own_seccomp(void)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/self/status", "re");

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "Seccomp:", 8) == 0)
			v = strtol(line + 8, NULL, 10);
	fclose(f);
	return v;
}

START_TEST(test_run_unfiltered)
{
	struct report r;
	size_t i;

	run_probe(false, &r);
	parse_report(&r);
	for (i = 0; i < probe_ncalls; i++) {
		ck_assert_msg(r.count[i] == 1, "%s reported %d times", probe_calls[i].name,
			      r.count[i]);
		ck_assert_msg(strcmp(r.result[i], "ok") == 0 ||
				  strncmp(r.result[i], "errno ", 6) == 0,
			      "%s: %s", probe_calls[i].name, r.result[i]);
	}
	ck_assert_int_eq(r.extra_calls, 0);
	ck_assert_ptr_nonnull(r.seccomp);
	ck_assert_int_eq(atol(r.seccomp), own_seccomp());
	ck_assert_ptr_nonnull(r.filters);
	ck_assert_ptr_nonnull(r.nnp);
	ck_assert_int_eq(r.ncaps, 5);
	ck_assert_int_eq(r.nns, 7);
	ck_assert_int_eq(r.nids, 2);
	ck_assert_str_eq(result_of(&r, "getpid"), "ok");
	ck_assert_str_eq(result_of(&r, "read"), "errno 9 EBADF");
	ck_assert_str_eq(result_of(&r, "ptrace"), "errno 3 ESRCH");
	if (own_seccomp() == 0) {
		ck_assert_str_eq(r.seccomp, "0");
		/* the type string is copied before any capability check: EFAULT for anyone */
		ck_assert_str_eq(result_of(&r, "mount"), "errno 14 EFAULT");
	}
	free(r.out);
}
END_TEST

START_TEST(test_run_filtered_differs_in_mount_only)
{
	struct report plain, filt;
	size_t i, mount_idx;

#ifndef __x86_64__
	UNIT_SKIP("the hand-written filter checks for AUDIT_ARCH_X86_64");
#endif
	if (own_seccomp() != 0)
		UNIT_SKIP("already running under seccomp");
	run_probe(false, &plain);
	parse_report(&plain);
	run_probe(true, &filt);
	parse_report(&filt);

	ck_assert_str_eq(plain.seccomp, "0");
	ck_assert_str_eq(filt.seccomp, "2");
	ck_assert_str_eq(filt.filters, "1");
	ck_assert_str_eq(filt.nnp, "1");
	ck_assert_str_eq(result_of(&plain, "mount"), "errno 14 EFAULT");
	ck_assert_str_eq(result_of(&filt, "mount"), "errno 1 EPERM");
	mount_idx = (size_t)(find_call("mount") - probe_calls);
	for (i = 0; i < probe_ncalls; i++) {
		ck_assert_int_eq(filt.count[i], 1);
		if (i == mount_idx)
			continue;
		ck_assert_msg(strcmp(plain.result[i], filt.result[i]) == 0,
			      "%s: '%s' unfiltered, '%s' filtered", probe_calls[i].name,
			      plain.result[i], filt.result[i]);
	}
	free(plain.out);
	free(filt.out);
}
END_TEST

Suite *probe_suite(void)
{
	Suite *s = suite_create("probe");
	TCase *tc;

	tc = tcase_create("table");
	tcase_set_timeout(tc, UNIT_TIMEOUT);
	tcase_add_test(tc, test_table_entries);
	tcase_add_test(tc, test_table_covers_docker);
	tcase_add_test(tc, test_blob_is_the_probe);
	suite_add_tcase(s, tc);

	tc = tcase_create("run");
	tcase_set_timeout(tc, UNIT_TIMEOUT);
	tcase_add_test(tc, test_run_unfiltered);
	tcase_add_test(tc, test_run_filtered_differs_in_mount_only);
	suite_add_tcase(s, tc);
	return s;
}
