#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Escape attempts from a container under ward's defaults (the built-in profile and
# Docker's 14 capabilities): namespace creation, io_uring, bpf, perf_event_open,
# userfaultfd, open_by_handle_at, the keyring, kexec, the old and the new mount API,
# personality, x32 numbers, i386 numbers (int $0x80), host descriptors, ptrace and
# signals to a process outside, /proc/1/root, the chroot escape, /proc/sysrq-trigger
# and /sys.
#
# Each syscall case is checked three ways:
#   live       what the container sees (ward-testhelper sys/int80 in the container)
#   filter     what ward's compiled filter (`ward seccomp export --format bpf`) decides,
#              run through ward's own BPF interpreter (src/seccomp/bpf_interp.c)
#   reference  what Docker's default profile decides: ../shared/reference (next to the
#              repository) is resolved here, independently of ward, for Docker's
#              default capabilities on x86_64; absent, those points skip loudly, or
#              fail with WARD_REQUIRE_REFERENCE=1.
# The expected decision of every case is written in the table below with the reason;
# the reference check makes sure the table says what Docker's profile says.
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

need_root
setup_rootfs
snapshot_state

if [ "$(uname -m)" != x86_64 ]; then
	echo "1..0 # SKIP the syscall numbers here are x86_64's (this is $(uname -m))"
	exit 77
fi
if ! grep -q '^Seccomp:' /proc/self/status; then
	echo "1..0 # SKIP this kernel has no seccomp"
	exit 77
fi

T=""
new_tmpdir T
export WARD_CACHE_DIR="$T/cache"
REF=$WARD_SOURCE_DIR/../shared/reference/docker-default-seccomp.json
X32=0x40000000
# these case numbers are defined by the kernel: x86_64 syscall table
CLONE_NEWTIME=0x80 CLONE_NEWNS=0x20000 CLONE_NEWCGROUP=0x2000000 CLONE_NEWUTS=0x4000000
CLONE_NEWIPC=0x8000000 CLONE_NEWUSER=0x10000000 CLONE_NEWPID=0x20000000 CLONE_NEWNET=0x40000000
SIGCHLD=17

# ---- the host: what the kernel offers -------------------------------------------------

# A process outside the container, for ptrace, kill and pidfd_open from inside.
sleep 300 &
OUTSIDE=$!

# i386: int $0x80 on the host, outside any filter. Without IA-32 emulation the gate
# is not there and the helper dies of SIGSEGV.
IA32=$("$WARD_TESTHELPER" int80 20)
if [ "$IA32" = ok ]; then
	diag "IA-32 emulation: on (int \$0x80 works on the host): i386 cases also run live"
else
	diag "################################################################################" \
		"IA-32 emulation is OFF on this kernel (int \$0x80 getpid on the host: $IA32):" \
		"the i386 cases cannot run live and are SKIPPED live; their decisions are still" \
		"checked through ward's compiled filter and ward's BPF interpreter." \
		"################################################################################"
fi
# x32: a kernel without CONFIG_X86_X32_ABI says ENOSYS to every call the filter lets by.
X32_ABI=$("$WARD_TESTHELPER" sys $((39 | X32)))
diag "x32 ABI: getpid|0x40000000 on the host says '$X32_ABI'"

# ---- the cases -------------------------------------------------------------------------
#
# One line a case: ID ARCH NR DECISION LIVE [ARG...]
#   ARCH      x86_64, x32 (NR already has bit 30) or i386
#   DECISION  what Docker's default profile decides: allow, or errno:N (EPERM = 1 is the
#             profile's defaultErrnoRet; ENOSYS = 38 where a rule says so or where runc,
#             which Docker uses, answers for a number above every syscall the profile
#             names)
#   LIVE      what the container then sees: the errno's name or ok; "x32" for an
#             allowed x32 call, which is ENOSYS on a kernel without the x32 ABI
#   ARG       a number, s:TEXT (a string), b:N (N zeroed bytes), fd:PATH
# A line "#= TEXT" documents the cases after it and is printed with a failure.
# The ID's first word is the syscall's name, for the reference resolver ("-" for a
# number no syscall has).
#
# Where the decision is errno, the arguments are chosen, where the kernel allows it, so
# that without the filter the kernel would answer something else (EINVAL, EBADF, ok),
# and the live check fails if the filter lets the call by.
CASES=$(
	cat <<EOF
#= Namespaces. unshare and setns are allowed only with CAP_SYS_ADMIN (rule 17), which
#= Docker's default set lacks: defaultErrnoRet, EPERM, for every flag. Without the filter
#= unshare(CLONE_NEWUSER) would succeed, and any flag with bit 0 set is EINVAL.
unshare:newns x86_64 272 errno:1 EPERM $CLONE_NEWNS
unshare:newcgroup x86_64 272 errno:1 EPERM $CLONE_NEWCGROUP
unshare:newuts x86_64 272 errno:1 EPERM $CLONE_NEWUTS
unshare:newipc x86_64 272 errno:1 EPERM $CLONE_NEWIPC
unshare:newuser x86_64 272 errno:1 EPERM $CLONE_NEWUSER
unshare:newpid x86_64 272 errno:1 EPERM $CLONE_NEWPID
unshare:newnet x86_64 272 errno:1 EPERM $CLONE_NEWNET
unshare:newtime x86_64 272 errno:1 EPERM $CLONE_NEWTIME
unshare:newuser|1 x86_64 272 errno:1 EPERM $((CLONE_NEWUSER | 1))
unshare:newns|1 x86_64 272 errno:1 EPERM $((CLONE_NEWNS | 1))
unshare:0 x86_64 272 errno:1 EPERM 0
#= clone without CAP_SYS_ADMIN: allowed only when (flags & 0x7E020000) == 0 (rule 18,
#= SCMP_CMP_MASKED_EQ), i.e. with none of CLONE_NEWNS, NEWUTS, NEWIPC, NEWUSER, NEWPID,
#= NEWNET, NEWCGROUP. With CLONE_SIGHAND but not CLONE_VM the kernel says EINVAL before
#= looking at anything else, so an allowed clone is EINVAL, a denied one EPERM.
#= (CLONE_NEWTIME is 0x80, inside clone's exit-signal byte: only unshare and clone3
#= take it.) A plain fork-like clone is allowed and succeeds.
clone:newns x86_64 56 errno:1 EPERM $((CLONE_NEWNS | 0x800))
clone:newcgroup x86_64 56 errno:1 EPERM $((CLONE_NEWCGROUP | 0x800))
clone:newuts x86_64 56 errno:1 EPERM $((CLONE_NEWUTS | 0x800))
clone:newipc x86_64 56 errno:1 EPERM $((CLONE_NEWIPC | 0x800))
clone:newuser x86_64 56 errno:1 EPERM $((CLONE_NEWUSER | 0x800))
clone:newpid x86_64 56 errno:1 EPERM $((CLONE_NEWPID | 0x800))
clone:newnet x86_64 56 errno:1 EPERM $((CLONE_NEWNET | 0x800))
clone:newuser+sigchld x86_64 56 errno:1 EPERM $((CLONE_NEWUSER | SIGCHLD))
clone:sighand x86_64 56 allow EINVAL 0x800
clone:fork x86_64 56 allow ok $SIGCHLD
clone:upper-bits x86_64 56 allow EINVAL 0x100000800
#= clone3: its flags are in memory, out of the filter's sight: ENOSYS (rule 20, errnoRet
#= 38) so that libc falls back to clone. Without the filter, size 0 is EINVAL.
clone3 x86_64 435 errno:38 ENOSYS 0 0
#= setns into any namespace type: EPERM (rule 17 needs CAP_SYS_ADMIN); without the
#= filter fd -1 is EBADF.
setns:any x86_64 308 errno:1 EPERM -1 0
setns:newns x86_64 308 errno:1 EPERM -1 $CLONE_NEWNS
setns:newuser x86_64 308 errno:1 EPERM -1 $CLONE_NEWUSER
setns:newpid x86_64 308 errno:1 EPERM -1 $CLONE_NEWPID
setns:newnet x86_64 308 errno:1 EPERM -1 $CLONE_NEWNET
setns:pid1-mnt x86_64 308 errno:1 EPERM fd:/proc/1/ns/mnt 0
#= io_uring is in none of the profile's rules: EPERM. Without the filter: EFAULT, EBADF.
io_uring_setup x86_64 425 errno:1 EPERM 1 0
io_uring_enter x86_64 426 errno:1 EPERM -1 0 0 0 0 0
io_uring_register x86_64 427 errno:1 EPERM -1 0 0 0
#= bpf needs CAP_SYS_ADMIN or CAP_BPF (rules 17, 31); perf_event_open CAP_SYS_ADMIN or
#= CAP_PERFMON (17, 32); userfaultfd is in no rule; open_by_handle_at needs
#= CAP_DAC_READ_SEARCH (rule 16, the "shocker" escape), while name_to_handle_at is
#= allowed (rule 0) and reaches the path lookup.
bpf x86_64 321 errno:1 EPERM -1 0 0
perf_event_open x86_64 298 errno:1 EPERM 0 0 -1 -1 0
userfaultfd x86_64 323 errno:1 EPERM 1
open_by_handle_at x86_64 304 errno:1 EPERM -1 0 0
name_to_handle_at x86_64 303 allow ENOENT -100 s:/nonexistent-ward b:128 b:8 0
#= The keyring is in no rule: EPERM (without the filter: EOPNOTSUPP, EFAULT).
keyctl x86_64 250 errno:1 EPERM 0xffff 0 0 0 0
add_key x86_64 248 errno:1 EPERM 0 0 0 0 0
request_key x86_64 249 errno:1 EPERM 0 0 0 0
#= kexec needs CAP_SYS_BOOT in no rule at all: EPERM (without the filter: ENOSYS on a
#= kernel without kexec, EPERM from the capability check otherwise).
kexec_load x86_64 246 errno:1 EPERM 0 0 0 0
kexec_file_load x86_64 320 errno:1 EPERM -1 -1 0 0 0
#= The new mount API, like mount and umount2, needs CAP_SYS_ADMIN (rule 17): EPERM.
#= Without the filter open_tree without OPEN_TREE_CLONE succeeds, and bad flags make
#= mount_setattr and fsconfig EINVAL; mount with a NULL target is EFAULT.
fsopen x86_64 430 errno:1 EPERM s:tmpfs 0
fsconfig x86_64 431 errno:1 EPERM -1 0 0 0 0
fsmount x86_64 432 errno:1 EPERM -1 0 0
fspick x86_64 433 errno:1 EPERM -100 s:/ 0
open_tree x86_64 428 errno:1 EPERM -100 s:/ 0
move_mount x86_64 429 errno:1 EPERM -1 s: -100 s:/tmp 4
mount_setattr x86_64 442 errno:1 EPERM -100 s:/ 0xffffffff 0 0
mount:null x86_64 165 errno:1 EPERM 0 0 0 0 0
mount:tmpfs x86_64 165 errno:1 EPERM s:none s:/tmp s:tmpfs 0 0
mount:remount-proc x86_64 165 errno:1 EPERM s:none s:/proc 0 0x20 0
umount2:proc x86_64 166 errno:1 EPERM s:/proc 2
umount2:badflag x86_64 166 errno:1 EPERM 0 0x80000000
#= pivot_root is in no rule, not even with CAP_SYS_ADMIN: EPERM.
pivot_root x86_64 155 errno:1 EPERM s:/ s:/
#= chroot is allowed with CAP_SYS_CHROOT (rule 22), which Docker grants: the kernel
#= answers (ENOENT here). The escape through it is tried further down.
chroot x86_64 161 allow ENOENT s:/nonexistent-ward
#= personality: only PER_LINUX (0), PER_LINUX32 (8), UNAME26 (0x20000), both (0x20008)
#= and the query 0xffffffff (rules 5-9, SCMP_CMP_EQ on all 64 bits). ADDR_NO_RANDOMIZE
#= (0x40000) would switch off ASLR, READ_IMPLIES_EXEC (0x400000) makes data
#= executable: EPERM. 0x100000000 is 0 to the kernel but not to the filter: EPERM.
personality:0 x86_64 135 allow ok 0
personality:8 x86_64 135 allow ok 8
personality:0x20000 x86_64 135 allow ok 0x20000
personality:0x20008 x86_64 135 allow ok 0x20008
personality:0xffffffff x86_64 135 allow ok 0xffffffff
personality:addr_no_randomize x86_64 135 errno:1 EPERM 0x40000
personality:read_implies_exec x86_64 135 errno:1 EPERM 0x400000
personality:1 x86_64 135 errno:1 EPERM 1
personality:upper x86_64 135 errno:1 EPERM 0x100000000
#= A process outside the container (a host sleep, pid $OUTSIDE): ptrace, kill and
#= pidfd_open are allowed (ptrace on Linux >= 4.8, rule 1) but the pid is not in the
#= container's pid namespace: ESRCH.
ptrace:attach-outside x86_64 101 allow ESRCH 16 $OUTSIDE 0 0
ptrace:seize-outside x86_64 101 allow ESRCH 0x4206 $OUTSIDE 0 0
kill:outside x86_64 62 allow ESRCH $OUTSIDE 0
pidfd_open:outside x86_64 434 allow ESRCH $OUTSIDE 0
#= Numbers: 1000 is above every syscall the profile names: ENOSYS (runc's stub, which
#= ward has too). 400 is an unassigned number below that: defaultErrnoRet, EPERM.
- x86_64 1000 errno:38 ENOSYS
- x86_64 400 errno:1 EPERM
getpid x86_64 39 allow ok
#= x32: the profile's archMap adds SCMP_ARCH_X32 to x86_64, so x32 numbers (bit 30) get
#= the same rules by name: denied ones EPERM; allowed ones reach the kernel (ENOSYS
#= without the x32 ABI). x32's kexec_load is 528; 246|bit 30 is no x32 syscall (the
#= 64-bit number of kexec_load): default EPERM, never mistaken for the 64-bit call.
getpid:x32 x32 $((39 | X32)) allow x32
personality:x32-0 x32 $((135 | X32)) allow x32 0
mount:x32 x32 $((165 | X32)) errno:1 EPERM 0 0 0 0 0
unshare:x32 x32 $((272 | X32)) errno:1 EPERM $CLONE_NEWUSER
clone:x32-newuser x32 $((56 | X32)) errno:1 EPERM $((CLONE_NEWUSER | 0x800))
keyctl:x32 x32 $((250 | X32)) errno:1 EPERM 0xffff 0 0 0 0
bpf:x32 x32 $((321 | X32)) errno:1 EPERM -1 0 0
personality:x32-addr_no_randomize x32 $((135 | X32)) errno:1 EPERM 0x40000
kexec_load:x32 x32 $((528 | X32)) errno:1 EPERM 0 0 0 0
- x32 $((246 | X32)) errno:1 EPERM 0 0 0 0
- x32 $((1000 | X32)) errno:38 ENOSYS
#= i386 (int \$0x80): SCMP_ARCH_X86 is in the archMap too, with i386's own numbers and
#= the same rules by name. socketcall, the i386 multiplexer, is allowed (rule 0): its
#= arguments are in memory, so the socket family rules cannot apply there, in Docker
#= as in ward; socket(AF_VSOCK) by its own number is denied.
getpid:i386 i386 20 allow ok
mount:i386 i386 21 errno:1 EPERM 0 0 0 0 0
umount2:i386 i386 52 errno:1 EPERM 0 0x80000000
unshare:i386 i386 310 errno:1 EPERM $CLONE_NEWUSER
clone:i386-newuser i386 120 errno:1 EPERM $((CLONE_NEWUSER | 0x800))
clone:i386-sighand i386 120 allow EINVAL 0x800
clone3:i386 i386 435 errno:38 ENOSYS 0 0
setns:i386 i386 346 errno:1 EPERM -1 0
personality:i386-0 i386 136 allow ok 0
personality:i386-0xffffffff i386 136 allow ok 0xffffffff
personality:i386-addr_no_randomize i386 136 errno:1 EPERM 0x40000
keyctl:i386 i386 288 errno:1 EPERM 0xffff 0 0 0 0
add_key:i386 i386 286 errno:1 EPERM 0 0 0 0 0
request_key:i386 i386 287 errno:1 EPERM 0 0 0 0
kexec_load:i386 i386 283 errno:1 EPERM 0 0 0 0
bpf:i386 i386 357 errno:1 EPERM -1 0 0
perf_event_open:i386 i386 336 errno:1 EPERM 0 0 -1 -1 0
userfaultfd:i386 i386 374 errno:1 EPERM 1
open_by_handle_at:i386 i386 342 errno:1 EPERM -1 0 0
pivot_root:i386 i386 217 errno:1 EPERM s:/ s:/
chroot:i386 i386 61 allow ENOENT s:/nonexistent-ward
io_uring_setup:i386 i386 425 errno:1 EPERM 1 0
fsopen:i386 i386 430 errno:1 EPERM s:tmpfs 0
open_tree:i386 i386 428 errno:1 EPERM -100 s:/ 0
mount_setattr:i386 i386 442 errno:1 EPERM -100 s:/ 0xffffffff 0 0
socketcall:i386 i386 102 allow EAFNOSUPPORT 1 b:12
socket:i386-vsock i386 359 errno:1 EPERM 40 1 0
socket:i386-unix i386 359 allow ok 1 1 0
- i386 1000 errno:38 ENOSYS
EOF
)

declare -a C_ID C_ARCH C_NR C_DEC C_LIVE C_ARGS C_DOC
doc=""
while IFS= read -r line; do
	[ -n "$line" ] || continue
	if [[ $line == "#= "* ]]; then
		# a new block of documentation after cases resets it
		[ "${last:-}" = case ] && doc=""
		doc+="${line#\#= } "
		last=doc
		continue
	fi
	last=case
	read -r id arch nr dec live args <<<"$line"
	C_ID+=("$id")
	C_ARCH+=("$arch")
	C_NR+=("$nr")
	C_DEC+=("$dec")
	C_LIVE+=("$live")
	C_ARGS+=("${args:-}")
	C_DOC+=("$doc")
done <<<"$CASES"
N=${#C_ID[@]}

# ---- the reference: Docker's decision from ../shared/reference ------------------------

# resolve_reference (the script is $T/resolve.py): reads "ID NR ARG..." lines, prints "ID DECISION" for each, from
# Docker's profile as Docker applies it: a rule counts when the default capability set
# holds all of includes.caps and none of excludes.caps, the native arch (amd64) is in
# includes.arches and not in excludes.arches, and the running kernel is at least
# includes.minKernel; a call matches a counted rule of its name when every argument
# condition holds (libseccomp's 64-bit comparisons); no match: the default action.
cat >"$T/resolve.py" <<'PYEOF'
import json, re, sys

prof = json.load(open(sys.argv[1]))
kernel = tuple(int(x) for x in re.match(r"(\d+)\.(\d+)", sys.argv[2]).groups())
caps = {"CAP_" + c for c in ("CHOWN DAC_OVERRIDE FSETID FOWNER MKNOD NET_RAW SETGID "
                             "SETUID SETFCAP SETPCAP NET_BIND_SERVICE SYS_CHROOT KILL "
                             "AUDIT_WRITE").split()}
arch = "amd64"
M = (1 << 64) - 1

def counts(r):
    inc, exc = r.get("includes") or {}, r.get("excludes") or {}
    if not set(inc.get("caps") or []) <= caps:
        return False
    if set(exc.get("caps") or []) & caps:
        return False
    if inc.get("arches") and arch not in inc["arches"]:
        return False
    if arch in (exc.get("arches") or []):
        return False
    if inc.get("minKernel"):
        if kernel < tuple(int(x) for x in inc["minKernel"].split(".")[:2]):
            return False
    return True

def holds(c, args):
    a, v, op = args[c["index"]] & M, c["value"] & M, c["op"]
    v2 = c.get("valueTwo", 0) & M
    return {"SCMP_CMP_EQ": a == v, "SCMP_CMP_NE": a != v, "SCMP_CMP_LT": a < v,
            "SCMP_CMP_LE": a <= v, "SCMP_CMP_GT": a > v, "SCMP_CMP_GE": a >= v,
            "SCMP_CMP_MASKED_EQ": (a & v) == v2}[op]

def action(r, default_errno):
    if r["action"] == "SCMP_ACT_ALLOW":
        return "allow"
    if r["action"] == "SCMP_ACT_ERRNO":
        return "errno:%d" % r.get("errnoRet", default_errno)
    return r["action"]

rules = [r for r in prof["syscalls"] if counts(r)]
derr = prof.get("defaultErrnoRet", 1)
dflt = action({"action": prof["defaultAction"], "errnoRet": derr}, derr)
for line in sys.stdin:
    f = line.split()
    ident, args = f[0], [int(x, 0) & M for x in f[1:]] + [0] * 6
    name = ident.split(":")[0]
    if name == "-":
        print(ident, "unnamed")
        continue
    found = [action(r, derr) for r in rules if name in r["names"]
             and all(holds(c, args) for c in (r.get("args") or []))]
    print(ident, found[0] if found else dflt)
PYEOF
resolve_reference() {
	python3 "$T/resolve.py" "$REF" "$(uname -r)"
}

ref_ok=""
if [ -r "$REF" ] && command -v python3 >/dev/null; then
	ref_ok=1
	# the file is Docker's: the default action and the archMap this test relies on
	if python3 - "$REF" <<'EOF'; then
import json, sys
p = json.load(open(sys.argv[1]))
assert p["defaultAction"] == "SCMP_ACT_ERRNO" and p["defaultErrnoRet"] == 1
m = {a["architecture"]: a["subArchitectures"] for a in p["archMap"]}
assert set(m["SCMP_ARCH_X86_64"]) == {"SCMP_ARCH_X86", "SCMP_ARCH_X32"}
EOF
		pass "reference: $REF is Docker's default profile (ERRNO, EPERM, x86_64 with X86 and X32)"
	else
		fail "reference: $REF is Docker's default profile" "the file does not look like Docker's default profile"
	fi
elif [ "${WARD_REQUIRE_REFERENCE:-0}" = 1 ]; then
	fail "reference: Docker's default profile at $REF" \
		"WARD_REQUIRE_REFERENCE=1 but $REF is missing (or python3 is): the agreement with Docker is not checked"
else
	diag "################################################################################" \
		"Docker's default profile is not at $REF:" \
		"the agreement of each case with Docker's own decision is SKIPPED" \
		"(WARD_REQUIRE_REFERENCE=1 makes this a failure)" \
		"################################################################################"
	skip "reference: Docker's default profile" "no $REF"
fi

declare -A REF_DEC=()
if [ -n "$ref_ok" ]; then
	while read -r id dec; do
		REF_DEC[$id]=$dec
	done < <(for ((i = 0; i < N; i++)); do
		# shellcheck disable=SC2086 # the arguments are words
		echo "${C_ID[i]} $(sed -E 's/(^| )(s|b|fd):[^ ]*/\1 0/g' <<<"${C_ARGS[i]}")"
	done | resolve_reference)
	for ((i = 0; i < N; i++)); do
		id=${C_ID[i]}
		got=${REF_DEC[${C_ID[i]}]:-}
		if [ "$id" = - ]; then
			# no name: only that no rule could name it; the expected decision is the
			# profile's default, or runc's ENOSYS above the last number it names
			assert_eq "reference: ${C_ARCH[i]} nr ${C_NR[i]} is no syscall of the profile" unnamed "$got"
			continue
		fi
		if [ "$got" = "${C_DEC[i]}" ]; then
			pass "reference: $id (${C_ARCH[i]}) is ${C_DEC[i]} in Docker's profile"
		else
			fail "reference: $id (${C_ARCH[i]}) is ${C_DEC[i]} in Docker's profile" \
				"Docker's profile says: $got" "the case's reason: ${C_DOC[i]}"
		fi
	done
fi

# ---- the filter: ward's compiled program through ward's interpreter --------------------

# A driver for src/seccomp/bpf_interp.c: reads the raw program, then "ARCH NR ARG..." lines.
cat >"$T/bpfrun.c" <<'EOF'
#include <linux/audit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ward/bpf_interp.h"

int main(int argc, char **argv)
{
	static struct sock_filter prog[BPF_MAXINSNS];
	FILE *f = argc == 2 ? fopen(argv[1], "rb") : NULL;
	size_t len = f ? fread(prog, sizeof(prog[0]), BPF_MAXINSNS, f) : 0;
	char line[512], arch[16];
	if (!len)
		return 2;
	while (fgets(line, sizeof(line), stdin)) {
		struct seccomp_data d;
		struct bpf_interp_result res;
		unsigned long long a[6] = {0};
		long long nr;
		memset(&d, 0, sizeof(d));
		if (sscanf(line, "%15s %lli %lli %lli %lli %lli %lli %lli", arch, &nr,
			   (long long *)&a[0], (long long *)&a[1], (long long *)&a[2],
			   (long long *)&a[3], (long long *)&a[4], (long long *)&a[5]) < 2)
			return 2;
		d.nr = (int)nr;
		d.arch = strcmp(arch, "i386") == 0 ? AUDIT_ARCH_I386 : AUDIT_ARCH_X86_64;
		for (int i = 0; i < 6; i++) /* the i386 ABI's registers are 32 bits */
			d.args[i] = d.arch == AUDIT_ARCH_I386 ? (unsigned int)a[i] : a[i];
		if (bpf_interp_run(prog, len, &d, &res) < 0) {
			puts("invalid-program");
			continue;
		}
		unsigned act = res.ret & SECCOMP_RET_ACTION_FULL;
		if (act == SECCOMP_RET_ALLOW)
			puts("allow");
		else if (act == SECCOMP_RET_ERRNO)
			printf("errno:%u\n", res.ret & SECCOMP_RET_DATA);
		else
			printf("action:0x%08x\n", res.ret);
	}
	return 0;
}
EOF
filter_ok=""
if ! "$WARD" seccomp export --format bpf >"$T/default.bpf" 2>"$T/export.err"; then
	fail "filter: ward seccomp export --format bpf to a file" "$(cat "$T/export.err")"
elif ! command -v "${CC:-cc}" >/dev/null; then
	skip "filter: decisions through ward's interpreter" "no C compiler (${CC:-cc}) to build the driver"
elif ! "${CC:-cc}" -O1 -I"$WARD_SOURCE_DIR/include" -o "$T/bpfrun" "$T/bpfrun.c" \
	"$WARD_SOURCE_DIR/src/seccomp/bpf_interp.c" 2>"$T/cc.err"; then
	fail "filter: build the interpreter driver" "$(cat "$T/cc.err")"
else
	filter_ok=1
	pass "filter: the default profile exported ($(($(stat -c %s "$T/default.bpf") / 8)) instructions)"
fi
if [ -n "$filter_ok" ]; then
	mapfile -t F_DEC < <(for ((i = 0; i < N; i++)); do
		echo "${C_ARCH[i]} ${C_NR[i]} $(sed -E 's/(^| )(s|b|fd):[^ ]*/\1 0/g' <<<"${C_ARGS[i]}")"
	done | "$T/bpfrun" "$T/default.bpf")
	for ((i = 0; i < N; i++)); do
		d="filter: ${C_ID[i]} (${C_ARCH[i]} nr ${C_NR[i]}${C_ARGS[i]:+ ${C_ARGS[i]}}) is ${C_DEC[i]}"
		if [ "${F_DEC[i]:-}" = "${C_DEC[i]}" ]; then
			pass "$d"
		else
			fail "$d" "ward's filter says: ${F_DEC[i]:-nothing}" "why ${C_DEC[i]}: ${C_DOC[i]}"
		fi
	done
fi

# ---- live: what the container sees ------------------------------------------------------

# live_run KIND(x86_64+x32 | i386): all the cases of that kind in one container
live_run() {
	local kind=$1 i words=() first=1
	LIVE_IDX=()
	for ((i = 0; i < N; i++)); do
		if [ "$kind" = i386 ]; then [ "${C_ARCH[i]}" = i386 ] || continue; else
			[ "${C_ARCH[i]}" != i386 ] || continue
		fi
		[ -n "$first" ] || words+=(--)
		first=""
		# shellcheck disable=SC2206 # the arguments are words
		words+=("${C_NR[i]}" ${C_ARGS[i]})
		LIVE_IDX+=("$i")
	done
	run_in "$ROOTFS" "$H" "$([ "$kind" = i386 ] && echo int80 || echo sys)" "${words[@]}"
	mapfile -t LIVE_OUT <<<"$OUT"
}

live_check() {
	local k i want got d
	assert_status "live ($1): the probes ran" 0
	for k in "${!LIVE_IDX[@]}"; do
		i=${LIVE_IDX[k]}
		want=${C_LIVE[i]}
		if [ "$want" = x32 ]; then
			# the call reached the kernel: the host's answer for x32 (ok with the ABI)
			want=ENOSYS
			[ "$X32_ABI" = ENOSYS ] || want=ok
		fi
		got=${LIVE_OUT[k]:-nothing}
		d="live: ${C_ID[i]} (${C_ARCH[i]} nr ${C_NR[i]}${C_ARGS[i]:+ ${C_ARGS[i]}}) gives $want"
		if [ "$got" = "$want" ]; then
			pass "$d"
		else
			fail "$d" "the container saw: $got" "expected decision ${C_DEC[i]}: ${C_DOC[i]}" \
				"$(_last_run)"
		fi
	done
}

live_run native
live_check "x86_64 and x32"
if [ "$IA32" = ok ]; then
	live_run i386
	live_check i386
else
	skip "live: i386 int \$0x80 cases" "NO IA-32 EMULATION on this kernel (int \$0x80 on the host: $IA32); decisions checked through the filter above"
fi

# seccomp itself: the container's process has a filter and cannot add a looser one's
# escape hatch (prctl(PR_SET_SECCOMP) stacking is allowed but only narrows)
run_in "$ROOTFS" "$H" status Seccomp
assert_eq "live: the container runs under a filter" "Seccomp:	2" "$OUT"

# ---- the process outside is untouched -------------------------------------------------

assert_eq "outside: the host process is alive" 0 "$(kill -0 "$OUTSIDE" 2>/dev/null && echo 0 || echo 1)"
assert_eq "outside: the host process is not traced" "TracerPid:	0" "$(grep TracerPid "/proc/$OUTSIDE/status")"
run_in "$ROOTFS" "$H" status PPid
assert_eq "outside: ward and the host are invisible (the container's init has PPid 0)" "PPid:	0" "$OUT"
run_in "$ROOTFS" "$H" ls /proc
procs=$(grep -cE '^[0-9]+$' <<<"$OUT")
assert_eq "outside: /proc shows the container's one process" 1 "$procs"

# ---- /proc/1/root, the chroot escape ---------------------------------------------------

run_in "$ROOTFS" "$H" ls /
root_ls=$OUT
run_in "$ROOTFS" "$H" ls /proc/1/root
assert_eq "/proc/1/root: the container's own root" "$root_ls" "$OUT"
run_in "$ROOTFS" "$H" ls /proc/1/root/../../..
assert_eq "/proc/1/root/../../..: still the container's root" "$root_ls" "$OUT"
run_in "$ROOTFS" /bin/sh -c 'readlink /proc/1/root; readlink /proc/self/root; readlink /proc/1/cwd'
assert_eq "/proc/1/root, /proc/self/root and cwd are /" "/
/
/" "$OUT"
# the host's root holds this test's own temporary directory; the container's does not
hostmark=${T#/}
hostmark=${hostmark%%/*}
run_in --tmpfs /mnt "$ROOTFS" "$H" escape-chroot /mnt /
assert_status "chroot escape: CAP_SYS_CHROOT lets chroot run (the classic climb)" 0
assert_eq "chroot escape: the climb ends at the container's root" "$root_ls" "$OUT"
run_in --tmpfs /mnt "$ROOTFS" "$H" escape-chroot /mnt "/$hostmark"
assert_ne "chroot escape: the host's /$hostmark is out of reach" "$(ls "/$hostmark")" "$OUT"
run_in --tmpfs /mnt "$ROOTFS" "$H" escape-chroot /mnt /proc/1/root/..
assert_eq "chroot escape through /proc/1/root/..: the container's root" "$root_ls" "$OUT"

# ---- /proc/sysrq-trigger, /proc/sys, /sys -----------------------------------------------

# Docker's readonlyPaths and a read-only sysfs: every open for writing is EROFS, and
# the writes never reach the kernel (sysrq "h" would only print help, but still).
# The cgroup files include cgroup v1's notify_on_release and release_agent (the
# CVE-2022-0492 escape), wherever the container's view of the hierarchies has them.
candidates=(/proc/sysrq-trigger /proc/sys/kernel/core_pattern /proc/sys/kernel/modprobe
	/proc/sys/kernel/sysrq /proc/sys/vm/drop_caches /sys/kernel/uevent_helper
	/sys/kernel/mm/ksm/run /sys/kernel/profiling /sys/class/net/lo/mtu /sys/power/state
	/sys/fs/cgroup/cgroup.procs /sys/fs/cgroup/cgroup.subtree_control
	/sys/fs/cgroup/unified/cgroup.procs /sys/fs/cgroup/pids/cgroup.procs
	/sys/fs/cgroup/memory/notify_on_release /sys/fs/cgroup/memory/release_agent
	/sys/fs/cgroup/devices/devices.allow)
# shellcheck disable=SC2016 # expanded by the container's shell
run_in "$ROOTFS" /bin/sh -c 'for p; do [ -e "$p" ] && echo "$p"; done; true' sh "${candidates[@]}"
present=$OUT
for p in "${candidates[@]}"; do
	if ! grep -qxF -- "$p" <<<"$present"; then
		if [ "$p" = /proc/sysrq-trigger ]; then
			# the kernel has no sysrq: then the container cannot create one either
			run_in "$ROOTFS" "$H" write "$p" "h"
			assert_ne "write $p (absent on this kernel): refused, not created" ok "$OUT"
		else
			skip "write $p: EROFS" "no $p in the container on this host"
		fi
		continue
	fi
	run_in "$ROOTFS" "$H" write "$p" "h"
	assert_eq "write $p: EROFS" "Read-only file system" "$OUT"
done
run_in "$ROOTFS" /bin/sh -c 'mkdir /sys/fs/cgroup/escape 2>&1; mkdir /sys/escape 2>&1'
assert_eq "mkdir in /sys and /sys/fs/cgroup: EROFS" "mkdir: can't create directory '/sys/fs/cgroup/escape': Read-only file system
mkdir: can't create directory '/sys/escape': Read-only file system" "$OUT"
run_in "$ROOTFS" "$H" cat /proc/kcore
assert_eq "/proc/kcore is masked (empty)" "" "$OUT"

# ---- host descriptors -------------------------------------------------------------------

# Docker passes the container 0, 1 and 2 only. ward is run here with descriptors 5 (a
# host file) and 7 (a directory, the kind that leaks the host's root) open: neither
# may reach the container, nor any descriptor of ward's own.
std="0 /dev/null"
# fd_numbers: the first word of each line, on one line
fd_numbers() {
	cut -d' ' -f1 | tr -d '\r' | paste -sd' ' -
}
run_in "$ROOTFS" "$H" fds -l 5</etc/hostname 7<"$T"
assert_status "fds: ward run" 0
assert_eq "fds: ward run: the container has 0, 1, 2 only" "0 1 2" "$(fd_numbers <<<"$OUT")"
assert_line "fds: stdin is the caller's /dev/null" "$std" "$OUT"
run_in -t "$ROOTFS" "$H" fds 5</etc/hostname 7<"$T"
assert_eq "fds: ward run -t: 0, 1, 2 only" "0 1 2" "$(fd_numbers <<<"$OUT")"

# the OCI verbs: create, start, exec
B=$T/bundle
ROOT=$T/state
mkdir -p "$B"
(cd "$B" && "$WARD" spec) || bail_out "ward spec failed"
# as `ward run` would: Docker's 14 capabilities and the default profile (resolved for
# them by `ward seccomp export --format json`) as linux.seccomp
"$WARD" seccomp export --format json >"$T/default-oci.json" || bail_out "seccomp export --format json failed"
python3 - "$B/config.json" "$ROOTFS" "$H" "$T/default-oci.json" <<'EOF' || bail_out "cannot edit config.json"
import json, sys
path, rootfs, h, sec = sys.argv[1:5]
c = json.load(open(path))
c["root"] = {"path": rootfs, "readonly": True}
c["process"]["args"] = [h, "sleep", "30"]
c["process"]["terminal"] = False
caps = ["CAP_" + x for x in ("CHOWN DAC_OVERRIDE FSETID FOWNER MKNOD NET_RAW SETGID SETUID "
                             "SETFCAP SETPCAP NET_BIND_SERVICE SYS_CHROOT KILL AUDIT_WRITE").split()]
c["process"]["capabilities"] = {k: caps for k in ("bounding", "effective", "permitted")}
c["linux"]["seccomp"] = json.load(open(sec))
json.dump(c, open(path, "w"), indent=1)
EOF
id=escape-fds-$$
run_ward --root "$ROOT" create --bundle "$B" "$id" 5</etc/hostname 7<"$T"
if [ "$STATUS" -ne 0 ]; then
	fail "fds: ward create" "$(_last_run)"
else
	pid=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])' \
		<<<"$("$WARD" --root "$ROOT" state "$id")")
	fds_created=$(for f in /proc/"$pid"/fd/*; do echo "${f##*/} $(readlink "$f")"; done | sort -n)
	# While it waits for start, the created process is still ward's (non-dumpable, so
	# a process exec'd into the container cannot follow its /proc/1/fd links). The
	# caller's descriptors must not be among them: runc's init never has them.
	held=$(grep -E " (/etc/hostname|$T)\$" <<<"$fds_created")
	assert_eq "fds: created container's process holds none of the caller's descriptors" "" "$held"
	only=$(awk '$1 > 2 && $2 !~ /exec\.fifo$|^socket:|^\/memfd:/ {print}' <<<"$fds_created")
	assert_eq "fds: created: beyond stdio, only ward's exec fifo, sync socket and sealed copy" "" "$only"
	# the waiting process is ward's, not dumpable: its descriptors are out of reach
	sock=$(awk '$2 ~ /^socket:/ {print $1; exit}' <<<"$fds_created")
	fifo=$(awk '$2 ~ /exec\.fifo$/ {print $1; exit}' <<<"$fds_created")
	run_ward --root "$ROOT" exec "$id" /bin/sh -c "$H cat /proc/1/fd/$sock; $H cat /proc/1/fd/$fifo"
	assert_eq "fds: created: a process in the container cannot follow ward's socket or fifo" "" "$OUT"
	assert_eq "fds: created: both refused (EACCES)" "ward-testhelper: /proc/1/fd/$sock: Permission denied
ward-testhelper: /proc/1/fd/$fifo: Permission denied" "$ERR"
	run_ward --root "$ROOT" start "$id" 5</etc/hostname 7<"$T"
	assert_status "fds: ward start" 0
	fds_started=""
	for _ in $(seq 50); do
		fds_started=$(find "/proc/$pid/fd" -mindepth 1 -printf '%f\n' 2>/dev/null | sort -n | paste -sd' ' -)
		[ "$(readlink "/proc/$pid/exe")" != "$(readlink -f "$ROOTFS$H")" ] || break
		sleep 0.05
	done
	assert_eq "fds: started container's process: 0, 1, 2 only" "0 1 2" "$fds_started"
	links=$(for f in /proc/"$pid"/fd/*; do readlink "$f"; done)
	assert_not_contains "fds: none of them is the host file or directory" "$links" "$T"
	run_ward --root "$ROOT" exec "$id" "$H" fds -l 5</etc/hostname 7<"$T"
	assert_status "fds: ward exec" 0
	assert_eq "fds: ward exec: 0, 1, 2 only" "0 1 2" "$(fd_numbers <<<"$OUT")"
	run_ward --root "$ROOT" exec "$id" "$H" syscall mount unshare
	assert_eq "ward exec: the same filter (mount, unshare denied)" "mount: EPERM
unshare: EPERM" "$OUT"
	run_ward --root "$ROOT" exec "$id" "$H" sys 135 0x40000 -- 425 1 0 -- $((165 | X32)) 0 0 0 0 0
	assert_eq "ward exec: personality, io_uring, x32 mount denied" "EPERM
EPERM
EPERM" "$OUT"
	run_ward --root "$ROOT" kill "$id" KILL
	for _ in $(seq 50); do
		[ "$("$WARD" --root "$ROOT" state "$id" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])' 2>/dev/null)" = stopped ] && break
		sleep 0.1
	done
	run_ward --root "$ROOT" delete "$id"
	assert_status "fds: delete the container" 0
fi

kill "$OUTSIDE" 2>/dev/null
wait "$OUTSIDE" 2>/dev/null
assert_nothing_left "nothing left behind"
finish
