#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The walk-throughs in examples/ run and say what their comments promise.
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

need_root
setup_rootfs
snapshot_state
tmp=""
new_tmpdir tmp
export WARD_CACHE_DIR="$tmp/cache"

run_example() {
	local out
	out=$(WARD="$WARD" ROOTFS="$ROOTFS" timeout 120 bash "$WARD_SOURCE_DIR/examples/$1" 2>&1)
	STATUS=$?
	OUT=$out
	_last_cmd="examples/$1"
}

run_example hardened-vs-unconfined.sh
assert_eq "hardened-vs-unconfined.sh: exit 0" 0 "$STATUS"
assert_contains "it shows the differences" "$OUT" "calls differ"
assert_contains "it explains mount" "$OUT" "rule 36 needs CAP_SYS_ADMIN"
assert_contains "it reports the denied mount" "$OUT" "ward: seccomp denied 1 call:"

run_example custom-profile.sh
assert_eq "custom-profile.sh: exit 0" 0 "$STATUS"
assert_contains "the profile checks clean" "$OUT" "no-inet.json: ok: 3 rules"
assert_contains "an IPv4 socket is refused with EACCES" "$OUT" "nc: socket: Permission denied"
assert_contains "the report names socket and EACCES" "$OUT" "EACCES"

run_example record-stage-enforce.sh
assert_eq "record-stage-enforce.sh: exit 0" 0 "$STATUS"
assert_match "it records a profile" "ward: seccomp record: [0-9]+ syscalls" "$OUT"
assert_contains "staging logs what the profile would deny" "$OUT" \
	"ward: seccomp denied 0 calls and logged 1:"
assert_contains "enforced, nothing is denied" "$OUT" "ward: seccomp denied no syscalls"
assert_contains "diff shows the widening" "$OUT" "  + statfs"
assert_contains "CI sees exit 1" "$OUT" "ci: the profile allows more than before"
assert_contains "and no wider than the default" "$OUT" "ci: no wider than the default"

assert_nothing_left "nothing left behind (processes, mounts, cgroups)"
finish
