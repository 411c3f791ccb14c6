#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Bad input: each case exits 125 before anything starts, prints exactly one line (the
# message of the contract) on stderr and nothing on stdout, and leaves no process,
# mount or cgroup behind.
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

need_root
setup_rootfs
new_tmpdir T
mkdir "$T/src"
snapshot_state

# bad DESC EXPECTED_STDERR WARD_ARGS...
bad() {
	local desc=$1 msg=$2
	shift 2
	run_ward "$@"
	assert_status "$desc: exit 125" 125
	assert_eq "$desc: the message" "$msg" "$ERR"
	assert_eq "$desc: nothing on stdout" "" "$OUT"
	assert_nothing_left "$desc: nothing started or left"
}

bad "missing rootfs" "ward: cannot use rootfs '/nope': No such file or directory" \
	run /nope "$H" true
bad "rootfs is a file" "ward: cannot use rootfs '/etc/passwd': Not a directory" \
	run /etc/passwd "$H" true
bad "unknown option" "ward: run: unknown option '--bogus'" \
	run --bogus "$ROOTFS" "$H" true
# the fuzzer's: a device rule of a type alone, and an empty one (read past the end before)
bad "--device-cgroup-rule a" \
	"ward: invalid --device-cgroup-rule 'a': TYPE MAJOR:MINOR ACCESS" \
	run --device-cgroup-rule a "$ROOTFS" "$H" true
bad "--device-cgroup-rule ''" \
	"ward: invalid --device-cgroup-rule '': TYPE MAJOR:MINOR ACCESS" \
	run --device-cgroup-rule "" "$ROOTFS" "$H" true
bad "unknown capability (--cap-add)" "ward: unknown capability 'FOO'" \
	run --cap-add FOO "$ROOTFS" "$H" true
bad "unknown capability (--cap-drop, as typed)" "ward: unknown capability 'cap_bogus'" \
	run --cap-drop cap_bogus "$ROOTFS" "$H" true
# a capability the host withholds from ward itself (this project's CI machine has no
# CAP_SYS_RESOURCE in its bounding set): refused before anything starts
bnd=$((16#$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)))
if [ $((bnd & (1 << 24))) -eq 0 ]; then
	bad "a capability ward does not have" \
		"ward: cannot give the container 'CAP_SYS_RESOURCE': ward itself does not have it (it is not in ward's capability bounding set)" \
		run --cap-add SYS_RESOURCE "$ROOTFS" "$H" true
else
	skip "a capability ward does not have" "CAP_SYS_RESOURCE is in this host's bounding set"
fi
bad "-v without a colon" "ward: invalid volume specification 'nocolon': no destination (SRC:DST[:ro|rw])" \
	run -v nocolon "$ROOTFS" "$H" true
bad "-v relative source" "ward: invalid volume specification 'relative:/x': the source 'relative' must be an absolute path (ward has no named volumes)" \
	run -v relative:/x "$ROOTFS" "$H" true
bad "-v relative destination" "ward: invalid volume specification '$T/src:relative': the destination 'relative' must be an absolute path" \
	run -v "$T/src:relative" "$ROOTFS" "$H" true
bad "-v unknown mode" "ward: invalid volume specification '$T/src:/dst:bogus': unknown mode 'bogus' (use ro or rw)" \
	run -v "$T/src:/dst:bogus" "$ROOTFS" "$H" true
bad "-v missing source" "ward: volume source '/nonexistent': No such file or directory" \
	run -v /nonexistent:/x "$ROOTFS" "$H" true
bad "-u a:b:c" "ward: invalid user 'a:b:c'" \
	run -u a:b:c "$ROOTFS" "$H" true
bad "-u unknown name" "ward: unable to find user 'nosuchuser': no matching entries in passwd file" \
	run -u nosuchuser "$ROOTFS" "$H" true
bad "-w relative" "ward: working directory 'rel' is not an absolute path" \
	run -w rel "$ROOTFS" "$H" true
bad "--network bridge" "ward: unsupported network mode 'bridge' (use none or host)" \
	run --network bridge "$ROOTFS" "$H" true
bad "--security-opt bogus" "ward: unsupported security option 'bogus'" \
	run --security-opt bogus "$ROOTFS" "$H" true

# No exact message in the contract for these: 125, one line naming the input.
run_ward run -u 99999999999 "$ROOTFS" "$H" true
assert_status "-u 99999999999 (out of range): exit 125" 125
assert_match "-u 99999999999: one ward: line naming it" "^ward: [^
]*'99999999999'" "$ERR"
assert_eq "-u 99999999999: one line" "1" "$(wc -l <<<"$ERR")"
assert_nothing_left "-u 99999999999: nothing started or left"

run_ward run
assert_status "run without a rootfs: exit 125" 125
assert_match "run without a rootfs: a ward: message" "^ward: " "$ERR"

# The command's own failure to exec is not a ward input error: 126/127, nothing left.
run_ward run "$ROOTFS" /nonexistent
assert_status "exec not found: 127, not 125" 127
assert_nothing_left "exec not found: nothing left"

assert_nothing_left "nothing left behind"
finish
