#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Signals: what ward receives it forwards to the container's init; SIGKILL of the
# container's init gives 137; SIGKILL of ward takes the container down with it.
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

need_root
setup_rootfs
snapshot_state

for sig in TERM INT HUP USR1 USR2 QUIT; do
	start_ward run "$ROOTFS" "$H" trap "$sig"
	if ! wait_for_output "$BG_OUT" ready 15; then
		wait_bg 1
		fail "SIG$sig: the container got ready" "$(_last_run)"
		continue
	fi
	kill -s "$sig" "$BG_PID"
	wait_bg 20
	assert_status "SIG$sig to ward reaches the container (its exit 42)" 42
	assert_eq "SIG$sig: the container saw it" "ready
got SIG$sig" "$OUT"
done

# SIGKILL from the host to the container's init: ward reports 128+9.
start_ward run "$ROOTFS" "$H" sleep 61.25
pids=""
for _ in $(seq 1 100); do
	pids=$(host_pids_of "$H sleep 61.25")
	[ -z "$pids" ] || break
	sleep 0.1
done
if [ -z "$pids" ]; then
	fail "the container's init is visible from the host" "$(_last_run)"
else
	pass "the container's init is visible from the host"
	# shellcheck disable=SC2086 # one pid per word
	kill -KILL $pids
fi
wait_bg 20
assert_status "SIGKILL of the container's init -> 137" 137

assert_nothing_left "nothing left behind (processes, mounts, cgroups)"

# SIGKILL of ward: nothing can be forwarded, the container must still go. ward cannot
# remove its cgroup then, so only processes and mounts are checked after it.
snapshot_state
start_ward run "$ROOTFS" "$H" sleep 62.5
pids=""
for _ in $(seq 1 100); do
	pids=$(host_pids_of "$H sleep 62.5")
	[ -z "$pids" ] || break
	sleep 0.1
done
if [ -z "$pids" ]; then
	fail "the container started" "$(_last_run)"
else
	pass "the container started"
fi
kill -KILL "$BG_PID"
wait_bg 5 2>/dev/null # bash's "Killed" job notice
assert_status "ward itself died of the SIGKILL" 137
left=""
for _ in $(seq 1 50); do
	left=$(host_pids_of "$H sleep 62.5")
	[ -n "$left" ] || break
	sleep 0.1
done
assert_eq "SIGKILL of ward kills the container within 5s" "" "$left"
if [ -n "$left" ]; then
	# shellcheck disable=SC2086
	kill -KILL $left 2>/dev/null
fi
assert_nothing_left "after SIGKILL of ward: no process left" procs
assert_nothing_left "after SIGKILL of ward: no mount left" mounts
remove_new_cgroups
finish
