// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * probe_calls.c - the table of system calls ward-probe makes: at least every call
 * Docker's default profile blocks on x86_64, plus the calls profiles filter by argument
 * (clone and unshare with namespace flags, socket families, personality) and a few that
 * every profile allows. Pure data, compiled into libward and into the static probe.
 *
 * The arguments are the whole safety argument, so each was checked against the kernel
 * source (v6.x): the first check the kernel makes on them must fail before anything
 * is changed, even as root with every capability and no filter. The rules used:
 * pointers are 1 (EFAULT at the first copy from user space, never NULL, which means
 * "off" to acct and "sync all" to quotactl), file descriptors are -1 (EBADF), pids are
 * 0x7fffffff (above PID_MAX_LIMIT: ESRCH), flags carry a bit the kernel does not know
 * (EINVAL), and what cannot be made to fail (personality, unshare) only changes the
 * forked child the probe throws away. Calls the x86_64 kernel never implemented, or
 * has removed, answer ENOSYS from the kernel.
 */
#include "ward/probe_calls.h"

#include <sched.h>
#include <sys/syscall.h>

#define BAD_PTR 1UL
/* as an int argument: -1 */
#define BAD_FD (~0UL)
/* above PID_MAX_LIMIT (4194304): no such process, ever */
#define NO_PID 0x7fffffffUL
/* an int flag bit no call below defines */
#define BAD_FLAG 0x80000000UL
/* above any fs.nr_open (at most 0x7fffffc0): never an open descriptor, and not -1 */
#define NEVER_FD 0x7fffffffUL

#define AF_UNIX_   1UL
#define AF_ALG_	   38UL
#define AF_VSOCK_  40UL
#define SOCK_BAD   15UL /* >= SOCK_MAX: EINVAL before the family's module is requested */
#define SOCK_STRM  1UL
#define PTRACE_ATT 16UL /* PTRACE_ATTACH */

#define NI_NOTE "not implemented on x86_64: ENOSYS from the kernel"

#define CALL(label, sys, fl, why, ...)                                                             \
	{                                                                                          \
		.name = label, .syscall = #sys, .nr = __NR_##sys, .args = {__VA_ARGS__},           \
		.flags = fl, .note = why                                                           \
	}

const struct probe_call probe_calls[] = {
/* ordinary calls every profile allows: the baseline */
#ifdef __NR_getpid
    CALL("getpid", getpid, 0, "succeeds", 0),
#endif
#ifdef __NR_read
    CALL("read", read, 0, "fd -1: EBADF", BAD_FD, BAD_PTR, 0),
#endif
#ifdef __NR_uname
    CALL("uname", uname, 0, "bad pointer: EFAULT", BAD_PTR),
#endif
#ifdef __NR_socket
    CALL("socket(AF_UNIX)", socket, 0, "SOCK_STREAM: succeeds, the socket dies with the child",
	 AF_UNIX_, SOCK_STRM, 0),
    CALL("socket(AF_ALG)", socket, 0,
	 "type 15 >= SOCK_MAX: EINVAL, checked before the kernel would load af_alg", AF_ALG_,
	 SOCK_BAD, 0),
    CALL("socket(AF_VSOCK)", socket, 0,
	 "type 15 >= SOCK_MAX: EINVAL, checked before the kernel would load vsock", AF_VSOCK_,
	 SOCK_BAD, 0),
#endif

/* processes and namespaces */
#ifdef __NR_clone
    /* x86_64 clone(flags, stack, parent_tid, child_tid, tls) */
    CALL("clone(CLONE_NEWNS)", clone, 0,
	 "with CLONE_FS: EINVAL, the first check in copy_process, before any namespace",
	 CLONE_NEWNS | CLONE_FS, 0, 0, 0, 0),
    CALL("clone(CLONE_NEWUSER)", clone, 0,
	 "with CLONE_FS: EINVAL, the first checks in copy_process", CLONE_NEWUSER | CLONE_FS, 0, 0,
	 0, 0),
    CALL("clone(CLONE_NEWPID)", clone, 0,
	 "with CLONE_THREAD but not CLONE_SIGHAND: EINVAL in copy_process before any namespace",
	 CLONE_NEWPID | CLONE_THREAD, 0, 0, 0, 0),
    CALL("clone(CLONE_NEWNET)", clone, 0, "with CLONE_THREAD but not CLONE_SIGHAND: EINVAL",
	 CLONE_NEWNET | CLONE_THREAD, 0, 0, 0, 0),
    CALL("clone(CLONE_NEWUTS)", clone, 0, "with CLONE_THREAD but not CLONE_SIGHAND: EINVAL",
	 CLONE_NEWUTS | CLONE_THREAD, 0, 0, 0, 0),
    CALL("clone(CLONE_NEWIPC)", clone, 0, "with CLONE_THREAD but not CLONE_SIGHAND: EINVAL",
	 CLONE_NEWIPC | CLONE_THREAD, 0, 0, 0, 0),
    CALL("clone(CLONE_NEWCGROUP)", clone, 0, "with CLONE_THREAD but not CLONE_SIGHAND: EINVAL",
	 CLONE_NEWCGROUP | CLONE_THREAD, 0, 0, 0, 0),
#endif
#ifdef __NR_clone3
    CALL("clone3", clone3, 0, "size 0 < CLONE_ARGS_SIZE_VER0: EINVAL", BAD_PTR, 0),
#endif
#ifdef __NR_unshare
    CALL("unshare", unshare, 0, "CLONE_VFORK cannot be unshared: EINVAL", CLONE_VFORK),
    CALL("unshare(CLONE_NEWUSER)", unshare, 0,
	 "succeeds when user namespaces are available; only the probe's child enters it",
	 CLONE_NEWUSER),
    CALL("unshare(CLONE_NEWNS)", unshare, 0,
	 "CAP_SYS_ADMIN checked by the kernel; succeeds as root, only for the probe's child",
	 CLONE_NEWNS),
#endif
#ifdef __NR_setns
    CALL("setns", setns, 0, "fd -1: EBADF", BAD_FD, 0),
#endif
#ifdef __NR_ptrace
    CALL("ptrace", ptrace, 0, "PTRACE_ATTACH to pid 0x7fffffff: ESRCH", PTRACE_ATT, NO_PID, 0, 0),
#endif
#ifdef __NR_kcmp
    CALL("kcmp", kcmp, 0, "pids 0x7fffffff: ESRCH", NO_PID, NO_PID, 0, 0, 0),
#endif
#ifdef __NR_process_vm_readv
    CALL("process_vm_readv", process_vm_readv, 0, "flags != 0: EINVAL first", NO_PID, BAD_PTR, 1,
	 BAD_PTR, 1, 1),
#endif
#ifdef __NR_process_vm_writev
    CALL("process_vm_writev", process_vm_writev, 0, "flags != 0: EINVAL first", NO_PID, BAD_PTR, 1,
	 BAD_PTR, 1, 1),
#endif
#ifdef __NR_pidfd_getfd
    CALL("pidfd_getfd", pidfd_getfd, 0, "flags != 0: EINVAL first", BAD_FD, BAD_FD, 1),
#endif
#ifdef __NR_process_madvise
    CALL("process_madvise", process_madvise, 0, "flags != 0: EINVAL first", BAD_FD, BAD_PTR, 1, 0,
	 1),
#endif
#ifdef __NR_personality
    CALL("personality(0xffffffff)", personality, 0, "query only: returns the persona",
	 0xffffffffUL),
    CALL("personality(PER_LINUX)", personality, 0, "succeeds, in the probe's child only", 0),
    CALL("personality(ADDR_NO_RANDOMIZE)", personality, 0,
	 "succeeds, in the probe's child only; Docker allows only 0, 8, 0x20000, 0x20008 and "
	 "0xffffffff",
	 0x0040000UL),
#endif
#ifdef __NR_vhangup
    CALL("vhangup", vhangup, PROBE_SETSID,
	 "CAP_SYS_TTY_CONFIG checked first; after setsid() there is no controlling tty to hang "
	 "up: succeeds",
	 0),
#endif
#ifdef __NR_chroot
    CALL("chroot", chroot, 0, "bad pointer: EFAULT in the path lookup, before CAP_SYS_CHROOT",
	 BAD_PTR),
#endif

/* mounts */
#ifdef __NR_mount
    CALL("mount", mount, 0,
	 "bad pointers: EFAULT copying the type string, before any capability check", BAD_PTR,
	 BAD_PTR, BAD_PTR, 0, 0),
#endif
#ifdef __NR_umount2
    CALL("umount2", umount2, 0, "unknown flag: EINVAL before the lookup or capability check",
	 BAD_PTR, BAD_FLAG),
#endif
#ifdef __NR_pivot_root
    CALL("pivot_root", pivot_root, 0, "CAP_SYS_ADMIN checked first; then bad pointer: EFAULT",
	 BAD_PTR, BAD_PTR),
#endif
#ifdef __NR_open_tree
    CALL("open_tree", open_tree, 0, "unknown flag: EINVAL first", BAD_FD, BAD_PTR, BAD_FLAG),
#endif
#ifdef __NR_move_mount
    CALL("move_mount", move_mount, 0, "CAP_SYS_ADMIN checked first; then unknown flag: EINVAL",
	 BAD_FD, BAD_PTR, BAD_FD, BAD_PTR, BAD_FLAG),
#endif
#ifdef __NR_fsopen
    CALL("fsopen", fsopen, 0, "CAP_SYS_ADMIN checked first; then unknown flag: EINVAL", BAD_PTR,
	 BAD_FLAG),
#endif
#ifdef __NR_fsconfig
    CALL("fsconfig", fsconfig, 0, "fd < 0: EINVAL first", BAD_FD, 0xffffffffUL, BAD_PTR, BAD_PTR,
	 0),
#endif
#ifdef __NR_fsmount
    CALL("fsmount", fsmount, 0, "CAP_SYS_ADMIN checked first; then unknown flag: EINVAL", BAD_FD,
	 BAD_FLAG, 0),
#endif
#ifdef __NR_fspick
    CALL("fspick", fspick, 0, "CAP_SYS_ADMIN checked first; then unknown flag: EINVAL", BAD_FD,
	 BAD_PTR, BAD_FLAG),
#endif
#ifdef __NR_mount_setattr
    CALL("mount_setattr", mount_setattr, 0, "unknown flag: EINVAL first", BAD_FD, BAD_PTR, BAD_FLAG,
	 BAD_PTR, 0),
#endif
#ifdef __NR_open_by_handle_at
    CALL("open_by_handle_at", open_by_handle_at, 0,
	 "bad handle pointer, fd -1: EFAULT or EBADF; kernels before 6.10 check "
	 "CAP_DAC_READ_SEARCH first",
	 BAD_FD, BAD_PTR, 0),
#endif
#ifdef __NR_fanotify_init
    CALL("fanotify_init", fanotify_init, 0,
	 "FAN_REPORT_FID plus an unknown flag: EINVAL; without CAP_SYS_ADMIN kernels before 5.13 "
	 "say EPERM",
	 BAD_FLAG | 0x200UL, 0),
#endif
#ifdef __NR_quotactl
    CALL("quotactl", quotactl, 0, "quota type 0xff >= MAXQUOTAS: EINVAL first", 0xffUL, BAD_PTR, 0,
	 BAD_PTR),
#endif
#ifdef __NR_quotactl_fd
    CALL("quotactl_fd", quotactl_fd, 0, "fd -1 and quota type 0xff >= MAXQUOTAS: EBADF or EINVAL",
	 BAD_FD, 0xffUL, 0, BAD_PTR),
#endif
#ifdef __NR_swapon
    CALL("swapon", swapon, 0,
	 "unknown flags: EINVAL before CAP_SYS_ADMIN; the path is a bad pointer too", BAD_PTR,
	 0xffffffffUL),
#endif
#ifdef __NR_swapoff
    CALL("swapoff", swapoff, 0, "CAP_SYS_ADMIN checked first; then bad pointer: EFAULT", BAD_PTR),
#endif

/* the system as a whole: time, names, power, accounting, logs */
#ifdef __NR_settimeofday
    CALL("settimeofday", settimeofday, 0, "bad pointer: EFAULT before CAP_SYS_TIME", BAD_PTR,
	 BAD_PTR),
#endif
#ifdef __NR_clock_settime
    CALL("clock_settime", clock_settime, 0,
	 "CLOCK_REALTIME, bad pointer: EFAULT before CAP_SYS_TIME", 0, BAD_PTR),
#endif
#ifdef __NR_sethostname
    CALL("sethostname", sethostname, 0,
	 "CAP_SYS_ADMIN checked first; then length 65 > __NEW_UTS_LEN: EINVAL", BAD_PTR, 65),
#endif
#ifdef __NR_setdomainname
    CALL("setdomainname", setdomainname, 0,
	 "CAP_SYS_ADMIN checked first; then length 65 > __NEW_UTS_LEN: EINVAL", BAD_PTR, 65),
#endif
#ifdef __NR_reboot
    CALL("reboot", reboot, 0,
	 "CAP_SYS_BOOT checked first; then bad magic (and an unknown command): EINVAL", 0, 0,
	 0xffffffffUL, BAD_PTR),
#endif
#ifdef __NR_kexec_load
    CALL("kexec_load", kexec_load, 0,
	 "CAP_SYS_BOOT checked first (and kernel.kexec_load_limit_reboot decremented if set); "
	 "then unknown flag, foreign arch and too many segments: EINVAL",
	 0, 0xffffffffUL, BAD_PTR, 0x00ff8000UL),
#endif
#ifdef __NR_kexec_file_load
    CALL("kexec_file_load", kexec_file_load, 0,
	 "CAP_SYS_BOOT checked first (and kernel.kexec_load_limit_reboot decremented if set); "
	 "then unknown flag: EINVAL",
	 BAD_FD, BAD_FD, 0, 0, BAD_FLAG),
#endif
#ifdef __NR_acct
    CALL("acct", acct, 0,
	 "CAP_SYS_PACCT checked first; then bad pointer: EFAULT (NULL would turn accounting off)",
	 BAD_PTR),
#endif
#ifdef __NR_syslog
    CALL("syslog", syslog, 0, "CAP_SYSLOG checked first; then unknown action -1: EINVAL", BAD_FD, 0,
	 0),
#endif
#ifdef __NR_iopl
    CALL("iopl", iopl, 0, "level 4 > 3: EINVAL first", 4),
#endif
#ifdef __NR_ioperm
    CALL("ioperm", ioperm, 0, "range beyond port 65535: EINVAL first; turn_on 0", 65536, 1, 0),
#endif

/* kernel modules */
#ifdef __NR_init_module
    CALL("init_module", init_module, 0,
	 "CAP_SYS_MODULE checked first; then length 0: ENOEXEC before anything is read", BAD_PTR, 0,
	 BAD_PTR),
#endif
#ifdef __NR_finit_module
    CALL("finit_module", finit_module, 0,
	 "CAP_SYS_MODULE checked first; then unknown flags: EINVAL", BAD_FD, BAD_PTR, 0xffffffffUL),
#endif
#ifdef __NR_delete_module
    CALL("delete_module", delete_module, 0,
	 "CAP_SYS_MODULE checked first; then bad name pointer: EFAULT", BAD_PTR, 0),
#endif

/* keys, bpf, perf, io_uring, userfaultfd */
#ifdef __NR_add_key
    CALL("add_key", add_key, 0, "bad type pointer: EFAULT", BAD_PTR, BAD_PTR, BAD_PTR, 0, 0),
#endif
#ifdef __NR_request_key
    CALL("request_key", request_key, 0, "bad type pointer: EFAULT", BAD_PTR, BAD_PTR, BAD_PTR, 0),
#endif
#ifdef __NR_keyctl
    CALL("keyctl", keyctl, 0, "unknown operation: EOPNOTSUPP", 0xffffUL, 0, 0, 0, 0),
#endif
#ifdef __NR_bpf
    CALL("bpf", bpf, 0, "unknown command: EINVAL", BAD_FD, 0, 0),
#endif
#ifdef __NR_perf_event_open
    CALL("perf_event_open", perf_event_open, 0, "unknown flags: EINVAL first", BAD_PTR, 0, BAD_FD,
	 BAD_FD, 0xffffffffUL),
#endif
#ifdef __NR_userfaultfd
    CALL("userfaultfd", userfaultfd, 0,
	 "UFFD_USER_MODE_ONLY passes the sysctl gate; O_RDWR is not a valid flag: EINVAL", 3UL),
#endif
#ifdef __NR_io_uring_setup
    CALL("io_uring_setup", io_uring_setup, 0,
	 "bad params pointer: EFAULT; kernel.io_uring_disabled makes the kernel say EPERM", 1,
	 BAD_PTR),
#endif
#ifdef __NR_io_uring_enter
    CALL("io_uring_enter", io_uring_enter, 0, "fd -1: EBADF", BAD_FD, 0, 0, 0, 0, 0),
#endif
#ifdef __NR_io_uring_register
    CALL("io_uring_register", io_uring_register, 0,
	 "unknown opcode, fd 0x7fffffff: EINVAL or EBADF (fd -1 would select the "
	 "ring-less opcodes)",
	 NEVER_FD, 0xffffUL, 0, 0),
#endif

/* memory policy */
#ifdef __NR_mbind
    CALL("mbind", mbind, 0, "unknown mode: EINVAL first", 0, 0, 0xffffUL, 0, 0, 0),
#endif
#ifdef __NR_set_mempolicy
    CALL("set_mempolicy", set_mempolicy, 0, "unknown mode: EINVAL first", 0xffffUL, 0, 0),
#endif
#ifdef __NR_get_mempolicy
    CALL("get_mempolicy", get_mempolicy, 0, "unknown flags: EINVAL", BAD_PTR, 0, 0, 0,
	 0xffffffffUL),
#endif
#ifdef __NR_set_mempolicy_home_node
    CALL("set_mempolicy_home_node", set_mempolicy_home_node, 0, "unaligned start: EINVAL first", 1,
	 0, 0, 0),
#endif
#ifdef __NR_migrate_pages
    CALL("migrate_pages", migrate_pages, 0, "empty node masks, pid 0x7fffffff: ESRCH", NO_PID, 0, 0,
	 0),
#endif
#ifdef __NR_move_pages
    CALL("move_pages", move_pages, 0, "unknown flag: EINVAL first; pid 0x7fffffff", NO_PID, 0, 0, 0,
	 0, 0x100UL),
#endif

/* old or never-implemented calls */
#ifdef __NR_uselib
    CALL("uselib", uselib, 0, "bad pointer: EFAULT; removed from recent kernels: ENOSYS", BAD_PTR),
#endif
#ifdef __NR_ustat
    CALL("ustat", ustat, 0, "device 0 has no superblock: EINVAL", 0, BAD_PTR),
#endif
#ifdef __NR_sysfs
    CALL("sysfs", sysfs, 0, "option 0: EINVAL; ENOSYS without CONFIG_SYSFS_SYSCALL", 0, 0, 0),
#endif
#ifdef __NR__sysctl
    CALL("_sysctl", _sysctl, 0, "removed in Linux 5.5: ENOSYS; bad pointer otherwise", BAD_PTR),
#endif
#ifdef __NR_lookup_dcookie
    CALL("lookup_dcookie", lookup_dcookie, 0,
	 "removed in Linux 6.8: ENOSYS; CAP_SYS_ADMIN first, then cookie 0 before that", 0, BAD_PTR,
	 0),
#endif
#ifdef __NR_create_module
    CALL("create_module", create_module, 0, NI_NOTE, BAD_PTR, 0),
#endif
#ifdef __NR_get_kernel_syms
    CALL("get_kernel_syms", get_kernel_syms, 0, NI_NOTE, BAD_PTR),
#endif
#ifdef __NR_query_module
    CALL("query_module", query_module, 0, NI_NOTE, BAD_PTR, 0, BAD_PTR, 0, BAD_PTR),
#endif
#ifdef __NR_nfsservctl
    CALL("nfsservctl", nfsservctl, 0, NI_NOTE, 0, BAD_PTR, BAD_PTR),
#endif
#ifdef __NR_getpmsg
    CALL("getpmsg", getpmsg, 0, NI_NOTE, BAD_FD, BAD_PTR, BAD_PTR, BAD_PTR, BAD_PTR),
#endif
#ifdef __NR_putpmsg
    CALL("putpmsg", putpmsg, 0, NI_NOTE, BAD_FD, BAD_PTR, BAD_PTR, 0, 0),
#endif
#ifdef __NR_afs_syscall
    CALL("afs_syscall", afs_syscall, 0, NI_NOTE, 0),
#endif
#ifdef __NR_tuxcall
    CALL("tuxcall", tuxcall, 0, NI_NOTE, 0),
#endif
#ifdef __NR_security
    CALL("security", security, 0, NI_NOTE, 0),
#endif
#ifdef __NR_vserver
    CALL("vserver", vserver, 0, NI_NOTE, 0),
#endif
};

const size_t probe_ncalls = sizeof(probe_calls) / sizeof(probe_calls[0]);
