# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Shared harness for ward's integration tests: TAP output, a busybox rootfs built once
# per build directory, a `ward` runner that captures its output, assertions, and checks
# that a test left no process, mount or cgroup behind.
#
# A test script does:
#     . "$(dirname "$0")/lib.sh"
#     need_root
#     setup_rootfs                       # sets ROOTFS (shared; do not write to it)
#     snapshot_state
#     run_ward run "$ROOTFS" /usr/bin/ward-testhelper pid
#     assert_eq "pid 1 inside" "1" "$OUT"
#     assert_nothing_left "nothing left"
#     finish
#
# Environment (set by ctest; defaults for running a script by hand from the source
# tree): WARD, WARD_TESTHELPER, WARD_SOURCE_DIR, WARD_BINARY_DIR; WARD_KEEP_TMP=1 keeps
# the temporary directories; WARD_TIMEOUT (seconds, default 60) bounds each ward run.

set -uo pipefail

WARD_SOURCE_DIR=${WARD_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
WARD_BINARY_DIR=${WARD_BINARY_DIR:-$WARD_SOURCE_DIR/build}
WARD=${WARD:-$WARD_BINARY_DIR/ward}
WARD_TESTHELPER=${WARD_TESTHELPER:-$WARD_BINARY_DIR/ward-testhelper}
WARD_TIMEOUT=${WARD_TIMEOUT:-60}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}

# The helper's path inside the rootfs.
# shellcheck disable=SC2034 # used by the test scripts
H=/usr/bin/ward-testhelper

_tap_n=0
_tap_pass=0
_tap_fail=0
_tap_skip=0
_tap_plan=""
_tmpdirs=()

# Outputs of the last run_ward.
OUT=""
ERR=""
STATUS=0
ROOTFS=""

# ---- TAP -------------------------------------------------------------------------

# diag MSG...: each argument on its own line(s), as TAP comments
diag() {
	local arg line
	for arg in "$@"; do
		while IFS= read -r line; do
			printf '# %s\n' "$line"
		done <<<"$arg"
	done
}

plan() {
	_tap_plan=$1
	echo "1..$1"
}

pass() {
	_tap_n=$((_tap_n + 1))
	_tap_pass=$((_tap_pass + 1))
	echo "ok $_tap_n - $1"
}

# fail DESC [DIAG...]
fail() {
	_tap_n=$((_tap_n + 1))
	_tap_fail=$((_tap_fail + 1))
	echo "not ok $_tap_n - $1"
	shift
	[ $# -eq 0 ] || diag "$@"
}

# skip DESC REASON
skip() {
	_tap_n=$((_tap_n + 1))
	_tap_skip=$((_tap_skip + 1))
	echo "ok $_tap_n - $1 # SKIP ${2:-}"
}

# Context printed under a failed assertion about a ward run.
_last_run() {
	printf 'last run: %s\nstatus: %s\nstdout: %s\nstderr: %s' \
		"${_last_cmd:-none}" "$STATUS" "$OUT" "$ERR"
}

finish() {
	if [ -z "$_tap_plan" ]; then
		echo "1..$_tap_n"
	elif [ "$_tap_plan" != "$_tap_n" ]; then
		_tap_fail=$((_tap_fail + 1))
		diag "planned $_tap_plan tests but ran $_tap_n"
	fi
	local summary="$_tap_pass passed, $_tap_fail failed"
	[ "$_tap_skip" -eq 0 ] || summary+=", $_tap_skip skipped"
	echo "$summary"
	[ "$_tap_fail" -eq 0 ] || exit 1
	if [ "$_tap_n" -gt 0 ] && [ "$_tap_skip" -eq "$_tap_n" ]; then
		exit 77
	fi
	exit 0
}

bail_out() {
	echo "Bail out! $*"
	exit 1
}

need_root() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "1..0 # SKIP needs root"
		exit 77
	fi
}

# ---- assertions (each one is one TAP test point) ------------------------------------

# assert_eq DESC EXPECTED ACTUAL
assert_eq() {
	if [ "$2" == "$3" ]; then
		pass "$1"
	else
		fail "$1" "expected: $2" "actual:   $3" "$(_last_run)"
	fi
}

# assert_ne DESC UNEXPECTED ACTUAL
assert_ne() {
	if [ "$2" != "$3" ]; then
		pass "$1"
	else
		fail "$1" "expected anything but: $2" "$(_last_run)"
	fi
}

# assert_contains DESC HAYSTACK NEEDLE
assert_contains() {
	if [[ $2 == *"$3"* ]]; then
		pass "$1"
	else
		fail "$1" "expected to contain: $3" "actual: $2" "$(_last_run)"
	fi
}

# assert_not_contains DESC HAYSTACK NEEDLE
assert_not_contains() {
	if [[ $2 != *"$3"* ]]; then
		pass "$1"
	else
		fail "$1" "expected not to contain: $3" "actual: $2" "$(_last_run)"
	fi
}

# assert_match DESC ERE ACTUAL
assert_match() {
	if [[ $3 =~ $2 ]]; then
		pass "$1"
	else
		fail "$1" "expected to match: $2" "actual: $3" "$(_last_run)"
	fi
}

# assert_status DESC EXPECTED: the status of the last run_ward
assert_status() {
	assert_eq "$1" "$2" "$STATUS"
}

# assert_line DESC EXPECTED_LINE TEXT: TEXT has a line exactly equal to EXPECTED_LINE
assert_line() {
	if grep -qxF -- "$2" <<<"$3"; then
		pass "$1"
	else
		fail "$1" "expected a line: $2" "actual: $3" "$(_last_run)"
	fi
}

# ---- temporary directories ------------------------------------------------------------

_cleanup() {
	local d
	[ "${#_tmpdirs[@]}" -gt 0 ] || return 0
	for d in "${_tmpdirs[@]}"; do
		[ -d "$d" ] || continue
		if [ "${WARD_KEEP_TMP:-0}" = 1 ]; then
			echo "# kept $d" >&2
			continue
		fi
		# never delete through a mount a broken run left behind (it may be the host's /)
		if grep -qF -- " $d" /proc/self/mountinfo; then
			echo "# not removing $d: something is still mounted under it" >&2
			continue
		fi
		rm -rf --one-file-system -- "$d"
	done
}
trap _cleanup EXIT

# make_tmpdir: prints a new temporary directory, removed at exit
make_tmpdir() {
	local d
	d=$(mktemp -d "${TMPDIR:-/tmp}/ward-it.XXXXXX") || bail_out "mktemp failed"
	chmod 755 "$d"
	_tmpdirs+=("$d")
	echo "$d"
}

# new_tmpdir VAR: like make_tmpdir, but in the current shell so the cleanup list is kept
new_tmpdir() {
	local _nt_dir
	_nt_dir=$(mktemp -d "${TMPDIR:-/tmp}/ward-it.XXXXXX") || bail_out "mktemp failed"
	chmod 755 "$_nt_dir"
	_tmpdirs+=("$_nt_dir")
	printf -v "$1" '%s' "$_nt_dir"
}

# ---- the rootfs ----------------------------------------------------------------------

# setup_rootfs: builds (once per build directory, again when the helper or the script
# changed) the shared busybox rootfs and sets ROOTFS. Tests must not write into it;
# use fresh_rootfs for a private copy.
setup_rootfs() {
	[ -x "$WARD" ] || bail_out "WARD '$WARD' is not an executable (build ward first)"
	[ -x "$WARD_TESTHELPER" ] || bail_out "WARD_TESTHELPER '$WARD_TESTHELPER' is not an executable"
	ROOTFS=$WARD_BINARY_DIR/test-rootfs
	local stamp=$WARD_BINARY_DIR/test-rootfs.stamp
	local mk=$WARD_SOURCE_DIR/scripts/mkrootfs.sh
	local log
	(
		flock 9
		if [ ! -e "$stamp" ] || [ ! -d "$ROOTFS" ] || [ "$WARD_TESTHELPER" -nt "$stamp" ] ||
			[ "$mk" -nt "$stamp" ]; then
			if ! log=$(bash "$mk" "$ROOTFS" --helper "$WARD_TESTHELPER" 2>&1); then
				echo "$log"
				exit 1
			fi
			touch "$stamp"
		fi
	) 9>"$WARD_BINARY_DIR/test-rootfs.lock" || bail_out "scripts/mkrootfs.sh failed"
}

# fresh_rootfs VAR: a private, writable copy of the test rootfs in a temporary directory
fresh_rootfs() {
	local _fr_dir
	new_tmpdir _fr_dir
	cp -a -- "$ROOTFS" "$_fr_dir/rootfs" || bail_out "cannot copy the rootfs"
	printf -v "$1" '%s' "$_fr_dir/rootfs"
}

# ---- running ward ----------------------------------------------------------------------

# run_ward ARGS...: runs "$WARD" ARGS with a timeout; sets OUT, ERR (trailing newlines
# stripped) and STATUS. stdin is $WARD_STDIN when set, else /dev/null.
run_ward() {
	local d
	d=$(mktemp -d "${TMPDIR:-/tmp}/ward-run.XXXXXX") || bail_out "mktemp failed"
	_last_cmd="ward $*"
	if [ -n "${WARD_STDIN+x}" ]; then
		timeout -k 5 "$WARD_TIMEOUT" "$WARD" "$@" >"$d/out" 2>"$d/err" <<<"$WARD_STDIN"
	else
		timeout -k 5 "$WARD_TIMEOUT" "$WARD" "$@" >"$d/out" 2>"$d/err" </dev/null
	fi
	STATUS=$?
	OUT=$(<"$d/out")
	ERR=$(<"$d/err")
	rm -rf -- "$d"
	if [ "$STATUS" -eq 124 ]; then
		diag "ward timed out after ${WARD_TIMEOUT}s: $_last_cmd"
	fi
	return 0
}

# run_in ARGS...: run_ward run ARGS
run_in() {
	run_ward run "$@"
}

# ---- leak checks -----------------------------------------------------------------------

# Processes that belong to this test's containers or to its ward: the executable is
# this ward, or the helper or busybox of this test's rootfs (or of a private copy),
# compared by inode so that another build's tests running at the same time do not
# count; or the command line names this test's rootfs or temporary directories.
_mine_init() {
	local d
	_mine_exes=("$WARD")
	_mine_names=()
	for d in "$ROOTFS" "${_tmpdirs[@]}" "${_tmpdirs[@]/%//rootfs}"; do
		[ -n "$d" ] || continue
		_mine_names+=("$d")
		[ -e "$d/usr/bin/ward-testhelper" ] && _mine_exes+=("$d/usr/bin/ward-testhelper")
		[ -e "$d/bin/busybox" ] && _mine_exes+=("$d/bin/busybox")
	done
}

# _is_mine PID: sets _mine_cmd; true when the process is one of ours (after _mine_init)
_is_mine() {
	local d args
	_mine_cmd=""
	# builtins only: this runs for every process on the host, several times a test
	mapfile -d '' -t args 2>/dev/null <"/proc/$1/cmdline" || return 1
	_mine_cmd="${args[*]}"
	for d in "${_mine_exes[@]}"; do
		[ "/proc/$1/exe" -ef "$d" ] && return 0
	done
	for d in "${_mine_names[@]}"; do
		[[ $_mine_cmd == *"$d"* ]] && return 0
	done
	return 1
}

_state_procs() {
	local p
	_mine_init
	for p in /proc/[0-9]*; do
		p=${p#/proc/}
		[ "$p" != "$$" ] || continue
		[ "$p" != "${BASHPID:-}" ] || continue
		_is_mine "$p" || continue
		echo "process $p: $_mine_cmd"
	done
}

_state_mounts() {
	local d
	local -a pats=()
	for d in "$ROOTFS" "${_tmpdirs[@]}"; do
		[ -z "$d" ] || pats+=(-e "$d")
	done
	[ "${#pats[@]}" -gt 0 ] || return 0
	grep -F "${pats[@]}" /proc/self/mountinfo | sed 's/^/mount: /'
}

# ward* cgroups (v1 controllers, the v2 unified mount, or a pure v2 root), except those
# holding only another run's live processes (a concurrent test run from another build).
_state_cgroups() {
	local d p procs mine
	_mine_init
	for d in /sys/fs/cgroup/ward* /sys/fs/cgroup/*/ward* /sys/fs/cgroup/*/*/ward*; do
		[ -d "$d" ] || continue
		procs=$(cat "$d/cgroup.procs" 2>/dev/null)
		if [ -n "$procs" ]; then
			mine=""
			for p in $procs; do
				if _is_mine "$p"; then
					mine=1
					break
				fi
			done
			[ -n "$mine" ] || continue
		fi
		echo "cgroup: $d"
	done
	return 0
}

# remove_new_cgroups: removes the empty ward* cgroups that appeared since
# snapshot_state (after a test that SIGKILLs ward, which cannot clean up then)
remove_new_cgroups() {
	local line d
	while IFS= read -r line; do
		d=${line#cgroup: }
		[ "$d" != "$line" ] || continue
		if rmdir -- "$d" 2>/dev/null; then
			diag "removed $d"
		fi
	done < <(comm -13 <(echo "${_state_before:-}") <(_state_cgroups | LC_ALL=C sort))
}

_state() {
	case ${1:-all} in
	procs) _state_procs ;;
	mounts) _state_mounts ;;
	all)
		_state_procs
		_state_mounts
		_state_cgroups
		;;
	esac | LC_ALL=C sort
}

# snapshot_state: remember what exists now, for assert_nothing_left
snapshot_state() {
	_state_before=$(_state all)
}

# assert_nothing_left DESC [procs|mounts|all]: nothing that the snapshot lacked exists now. A
# container that is on its way out gets a few seconds to go.
assert_nothing_left() {
	local what=${2:-all} now new="" i
	for i in $(seq 1 50); do
		now=$(_state "$what")
		new=$(comm -13 <(echo "${_state_before:-}") <(echo "$now") | sed '/^$/d')
		[ -n "$new" ] || break
		sleep 0.1
	done
	if [ -z "$new" ]; then
		pass "$1"
	else
		fail "$1" "left behind:" "$new"
	fi
}

# ---- background runs (signal tests) ---------------------------------------------------------

# start_ward ARGS...: runs "$WARD" ARGS in the background with default signal
# dispositions (a non-interactive shell would start it with SIGINT ignored); sets
# BG_PID, BG_OUT and BG_ERR (files).
start_ward() {
	local _sw_dir
	new_tmpdir _sw_dir
	BG_OUT=$_sw_dir/out
	BG_ERR=$_sw_dir/err
	_last_cmd="ward $*"
	env --default-signal "$WARD" "$@" >"$BG_OUT" 2>"$BG_ERR" </dev/null &
	BG_PID=$!
}

# wait_for_output FILE TEXT [SECONDS]: until FILE contains TEXT
wait_for_output() {
	local i max=$((${3:-10} * 10))
	for ((i = 0; i < max; i++)); do
		grep -qF -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# wait_bg [SECONDS]: waits for BG_PID; sets STATUS, OUT, ERR. Kills it after SECONDS.
wait_bg() {
	local i max=$((${1:-20} * 10))
	for ((i = 0; i < max; i++)); do
		kill -0 "$BG_PID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$BG_PID" 2>/dev/null; then
		diag "ward (pid $BG_PID) still running after ${1:-20}s: killing it"
		kill -KILL "$BG_PID" 2>/dev/null
	fi
	wait "$BG_PID"
	STATUS=$?
	OUT=$(<"$BG_OUT")
	ERR=$(<"$BG_ERR")
}

# host_pids_of PREFIX: host pids whose command line (arguments joined by spaces)
# starts with PREFIX; so "$H sleep 5" finds the container's process, not ward's.
host_pids_of() {
	local p args
	for p in /proc/[0-9]*; do
		mapfile -d '' -t args 2>/dev/null <"$p/cmdline" || continue
		[[ "${args[*]}" == "$1"* ]] || continue
		[ "${p#/proc/}" != "$$" ] || continue
		[ "${p#/proc/}" != "${BASHPID:-}" ] || continue
		echo "${p#/proc/}"
	done
}

# known_bug DESC OK REASON [DIAG...]: a check of a bug that is known and reported but
# not fixed yet: "ok" when OK is non-empty (and a note that the bug is gone, so that the
# check becomes an assertion), else "not ok ... # TODO REASON", which TAP does not
# count as a failure but every run shows
known_bug() {
	if [ -n "$2" ]; then
		pass "$1"
		diag "known bug no longer seen: make this an assertion ($3)"
		return 0
	fi
	_tap_n=$((_tap_n + 1))
	echo "not ok $_tap_n - $1 # TODO known bug: $3"
	shift 3
	[ $# -eq 0 ] || diag "$@"
}

# ---- bring-your-own profiles (test_byop.sh, test_podman.sh) ---------------------------

# The guide's allowlist. The busybox shell of the test rootfs needs nothing more;
# it has none of fstatfs, close_range, sendmsg, setresuid, setresgid or umask.
GUIDE="accept4 access arch_prctl bind brk capget capset chdir clone close connect dup dup2
dup3 epoll_create1 epoll_ctl epoll_pwait epoll_wait execve exit exit_group fchdir fchown fcntl
fstat futex getcwd getdents64 getegid geteuid getgid getpid getppid getrandom getsockname
getsockopt gettid getuid ioctl listen lseek madvise mmap mprotect munmap nanosleep newfstatat
open openat pipe pipe2 poll prctl pread64 read readlink recvfrom rt_sigaction rt_sigprocmask
rt_sigreturn sched_yield select sendto set_robust_list set_tid_address setgid setgroups
setsockopt setuid socket stat statfs tgkill uname wait4 write writev"

# allowlist FILE [NAME...]: the guide's profile without NAMEs
allowlist() {
	local f=$1
	shift
	python3 - "$f" "$GUIDE" "$@" <<'EOF' || bail_out "cannot write $f"
import json, sys
path, names, drop = sys.argv[1], sys.argv[2].split(), set(sys.argv[3:])
json.dump({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
           "syscalls": [{"names": sorted(n for n in names if n not in drop),
                         "action": "SCMP_ACT_ALLOW"}]}, open(path, "w"), indent=1)
EOF
}

# without FILE NAME...: ward's default profile with NAMEs allowed nowhere
without() {
	local f=$1
	shift
	python3 - "$WARD_SOURCE_DIR/profiles/default.json" "$f" "$@" <<'EOF' || bail_out "cannot write $f"
import json, sys
src, path, drop = sys.argv[1], sys.argv[2], set(sys.argv[3:])
p = json.load(open(src))
for r in p["syscalls"]:
    r["names"] = [n for n in r["names"] if n not in drop]
p["syscalls"] = [r for r in p["syscalls"] if r["names"]]
json.dump(p, open(path, "w"))
EOF
}

# ---- OCI bundles (test_oci.sh, test_oci_spec.sh) --------------------------------------

# make_bundle DIR ARGS_JSON [PYTHON_EDIT]: a bundle whose root is the shared rootfs,
# read-only, running ARGS_JSON; PYTHON_EDIT may change the dict `c` further
make_bundle() {
	mkdir -p "$1"
	(cd "$1" && "$WARD" spec) || bail_out "ward spec failed"
	python3 - "$1/config.json" "$ROOTFS" "$2" "${3:-}" <<'EOF' || bail_out "cannot edit config.json"
import json, sys
path, rootfs, args, edit = sys.argv[1:5]
c = json.load(open(path))
c["root"]["path"] = rootfs
c["process"]["args"] = json.loads(args)
c["process"]["terminal"] = False  # ward spec writes runc's terminal: true
exec(edit)
json.dump(c, open(path, "w"), indent=1)
EOF
}
