#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Seccomp in real containers: the built-in profile denies what Docker's denies and
# ordinary programs still work; unconfined reaches the kernel; capabilities unlock
# their syscalls; custom profiles; bad profiles fail before anything starts;
# --report-denied counts what the filter denied; the cache; the seccomp tools.
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

need_root
setup_rootfs
snapshot_state

if ! grep -q '^Seccomp:' /proc/self/status; then
	skip "seccomp" "this kernel has no seccomp"
	finish
fi
tmp=""
new_tmpdir tmp

# line_matches DESC ERE TEXT: some line of TEXT matches ERE
line_matches() {
	if grep -qE -- "$2" <<<"$3"; then
		pass "$1"
	else
		fail "$1" "expected a line matching: $2" "actual: $3" "$(_last_run)"
	fi
}
export WARD_CACHE_DIR="$tmp/cache"

# the helper prints "NAME: ok" when a call reached the kernel, "NAME: EPERM", ...
BLOCKED=(mount umount2 unshare keyctl add_key request_key kexec_load reboot bpf
	perf_event_open userfaultfd setns pivot_root swapon init_module open_by_handle_at)

run_in "$ROOTFS" "$H" status Seccomp
assert_status "default profile: the command runs" 0
assert_eq "default profile: a filter is on" "Seccomp:	2" "$OUT"

run_in "$ROOTFS" "$H" syscall "${BLOCKED[@]}"
assert_status "default profile: probing runs" 0
for s in "${BLOCKED[@]}"; do
	assert_line "default profile: $s is denied" "$s: EPERM" "$OUT"
done
run_in "$ROOTFS" "$H" syscall clone3 socket:alg socket:vsock socket:unix getpid personality
assert_line "default profile: clone3 gets ENOSYS (libc falls back to clone)" "clone3: ENOSYS" "$OUT"
assert_line "default profile: socket(AF_ALG) is denied" "socket:alg: EPERM" "$OUT"
assert_line "default profile: socket(AF_VSOCK) is denied" "socket:vsock: EPERM" "$OUT"
assert_line "default profile: socket(AF_UNIX) is allowed" "socket:unix: ok" "$OUT"
assert_line "default profile: getpid is allowed" "getpid: ok" "$OUT"
assert_line "default profile: personality query is allowed" "personality: ok" "$OUT"
run_in "$ROOTFS" "$H" syscall nr:1000
assert_line "default profile: a syscall newer than the profile gets ENOSYS" "nr:1000: ENOSYS" "$OUT"

run_in "$ROOTFS" /bin/sh -c 'ls / >/dev/null && ps >/dev/null && wget -h 2>&1 | grep -q Usage && echo fine'
assert_status "default profile: busybox sh, ls, ps, wget work" 0
assert_eq "default profile: busybox output" "fine" "$OUT"

# unconfined, with every capability so that the kernel's own checks pass too
run_in --security-opt seccomp=unconfined --cap-add ALL "$ROOTFS" "$H" syscall "${BLOCKED[@]}" clone3
assert_status "unconfined: probing runs" 0
for s in "${BLOCKED[@]}" clone3; do
	assert_not_contains "unconfined: $s reaches the kernel" "$OUT" "$s: EPERM"
done
run_in --security-opt seccomp=unconfined "$ROOTFS" "$H" status Seccomp
assert_eq "unconfined: no filter" "Seccomp:	0" "$OUT"

# the profile follows the capabilities
run_in --cap-add SYS_ADMIN "$ROOTFS" "$H" syscall mount unshare clone3 keyctl
assert_line "+SYS_ADMIN: mount reaches the kernel" "mount: ok" "$OUT"
assert_line "+SYS_ADMIN: clone3 is allowed" "clone3: ok" "$OUT"
assert_line "+SYS_ADMIN: keyctl stays denied" "keyctl: EPERM" "$OUT"
run_in --cap-add SYS_ADMIN "$ROOTFS" /bin/sh -c 'mount -t tmpfs x /mnt && echo mounted'
assert_eq "+SYS_ADMIN: mount -t tmpfs works in the container" "mounted" "$OUT"
run_in "$ROOTFS" /bin/sh -c 'mount -t tmpfs x /mnt 2>/dev/null || echo refused'
assert_eq "default: mount -t tmpfs is refused" "refused" "$OUT"

# no_new_privs: the filter is installed last; a non-root user gets it too
run_in --security-opt no-new-privileges -u 1000 "$ROOTFS" "$H" syscall mount getpid
assert_line "no-new-privileges, uid 1000: mount is denied" "mount: EPERM" "$OUT"
assert_line "no-new-privileges, uid 1000: getpid works" "getpid: ok" "$OUT"

# a custom profile: allow everything but getcwd (79 on x86_64), which gets errno 42
if [ "$(uname -m)" = x86_64 ]; then
	cat >"$tmp/custom.json" <<'JSON'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["getcwd"], "action": "SCMP_ACT_ERRNO", "errnoRet": 42}]}
JSON
	run_in --security-opt "seccomp=$tmp/custom.json" "$ROOTFS" "$H" syscall nr:79 mount
	assert_line "custom profile: getcwd gets its errno" "nr:79: errno 42" "$OUT"
	assert_line "custom profile: mount is allowed" "mount: ok" "$OUT"
else
	skip "custom profile" "the getcwd number is x86_64's"
fi

# bad profiles: 125, one line naming the profile, nothing started
D=$WARD_SOURCE_DIR/tests/data/profiles/invalid
bad() {
	run_in --security-opt "seccomp=$1" "$ROOTFS" "$H" true
	assert_status "bad profile $1: 125" 125
	assert_eq "bad profile $1: the message" "$2" "$ERR"
	assert_eq "bad profile $1: nothing ran" "" "$OUT"
}
bad "$D/not-json.json" "ward: seccomp profile '$D/not-json.json': not valid JSON: line 3, column 2: parse error: invalid object key (must be a string)"
bad "$D/unknown-op.json" "ward: seccomp profile '$D/unknown-op.json': syscalls[0].args[0].op: unknown operator 'SCMP_CMP_FOO'"
bad "$D/empty.json" "ward: seccomp profile '$D/empty.json': the file is empty"
bad /nonexistent.json "ward: cannot read seccomp profile '/nonexistent.json': No such file or directory"
bad "$tmp" "ward: cannot read seccomp profile '$tmp': Is a directory"

# --report-denied: every denied call counted, the program still sees the errno
script="$H syscall mount; $H syscall mount; $H syscall mount"
run_in --report-denied "$ROOTFS" /bin/sh -c "$script"
assert_status "--report-denied: the script runs" 0
assert_eq "--report-denied: the script saw EPERM three times" \
	"$(printf 'mount: EPERM\nmount: EPERM\nmount: EPERM')" "$OUT"
assert_contains "--report-denied: the total" "$ERR" "ward: seccomp denied 3 calls:"
line_matches "--report-denied: mount counted three times" '^  mount +3  EPERM +pid [0-9]+' "$ERR"
run_in --report-denied "$ROOTFS" "$H" true
assert_eq "--report-denied: nothing denied" "ward: seccomp denied no syscalls" "$ERR"
run_in --report-denied --security-opt seccomp=unconfined "$ROOTFS" "$H" true
assert_status "--report-denied with unconfined: 125" 125
assert_eq "--report-denied with unconfined: the message" \
	"ward: --report-denied needs a seccomp filter (not unconfined)" "$ERR"

# the cache: written once, used, a corrupt entry ignored
rm -rf "$WARD_CACHE_DIR"
run_in "$ROOTFS" "$H" status Seccomp
entries=$(find "$WARD_CACHE_DIR" -name '*.bpf' 2>/dev/null | wc -l)
assert_eq "cache: one compiled filter stored" 1 "$entries"
for f in "$WARD_CACHE_DIR"/*.bpf; do printf 'garbage' >"$f"; done
run_in "$ROOTFS" "$H" syscall mount
assert_line "cache: a corrupt entry is ignored, the filter still applies" "mount: EPERM" "$OUT"

# the tools
run_ward seccomp check
assert_status "seccomp check: the built-in profile is clean" 0
run_ward seccomp check "$D/unknown-op.json"
assert_status "seccomp check: a bad profile exits 1" 1
assert_eq "seccomp check: the error names where" \
	"ward: seccomp profile '$D/unknown-op.json': syscalls[0].args[0].op: unknown operator 'SCMP_CMP_FOO'" "$ERR"
run_ward seccomp explain
line_matches "seccomp explain: mount is denied, and why" \
	'^165 +mount +errno 1 \(EPERM\) +default action; rule [0-9]+ needs CAP_SYS_ADMIN' "$OUT"
run_ward seccomp explain --json
if python3 -c 'import json,sys; d=json.load(sys.stdin); assert any(s["name"]=="mount" for s in d["syscalls"])' <<<"$OUT"; then
	pass "seccomp explain --json parses and has mount"
else
	fail "seccomp explain --json parses and has mount" "$(_last_run)"
fi
run_ward seccomp export --format bpf
bytes=$(wc -c <<<"$OUT")
assert_ne "seccomp export --format bpf writes a program" 0 "$bytes"

assert_nothing_left "nothing left behind (processes, mounts, cgroups)"
finish
