#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Resource limits through cgroups (v2, v1 or hybrid, whatever the host has): the limits
# land in the container's cgroup, --pids-limit stops a fork loop, --memory gets a hog
# OOM-killed (137 and ward's message), bad values fail before anything starts, and no
# ward-* cgroup is left behind: not after a run, not after a failed start, and not after
# ward itself was SIGKILLed (the next `ward run` removes the stale cgroup).
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

need_root
setup_rootfs
snapshot_state

# Every ward-* cgroup directory, at any depth a container's cgroup can be (on this
# project's CI host the memory cgroup is /sys/fs/cgroup/memory/<a>/<b>/ward-...).
ward_cgroups() {
	find /sys/fs/cgroup -mindepth 1 -maxdepth 8 -type d -name 'ward-*' 2>/dev/null | LC_ALL=C sort
}
cg_before=$(ward_cgroups)

# The ward-* cgroups that did not exist when the script started.
new_cgroups() {
	comm -13 <(echo "$cg_before") <(ward_cgroups) | sed '/^$/d'
}

# knob NAME: the value of NAME in the first new ward-* cgroup that has it
knob() {
	local d
	for d in $(new_cgroups); do
		if [ -f "$d/$1" ]; then
			tr '\n' ' ' <"$d/$1" | sed 's/ $//'
			return 0
		fi
	done
	echo "<no $1>"
}

# wait_for_cgroup: until the running container's cgroup holds a process (10 s at most)
wait_for_cgroup() {
	local i d
	for i in $(seq 1 100); do
		for d in $(new_cgroups); do
			# cgroupfs files report size 0: read them
			grep -q . "$d/cgroup.procs" 2>/dev/null && return 0
		done
		sleep 0.1
	done
	return 1
}

if [ "$(stat -fc %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ]; then
	mode=v2
else
	mode=v1 # v1 or hybrid: the limits are in the v1 hierarchies
fi
diag "cgroup mode of this host: $mode"

assert_no_cgroup_left() {
	local left
	left=$(new_cgroups)
	assert_eq "$1" "" "$left"
}

# ---- can this host apply the limits at all? -------------------------------------------

run_in --memory 64m --pids-limit 50 --cpus 0.5 "$ROOTFS" "$H" true
if [ "$STATUS" -eq 125 ] && [[ $ERR == *"cannot apply"* ]]; then
	skip "limits: --memory 64m --pids-limit 50 --cpus 0.5" "host cannot: $ERR"
	assert_nothing_left "nothing left behind"
	finish
fi
assert_status "--memory 64m --pids-limit 50 --cpus 0.5: the command runs" 0
assert_eq "--memory 64m --pids-limit 50 --cpus 0.5: ward prints nothing" "" "$ERR"
assert_no_cgroup_left "no ward-* cgroup after a run with limits"

# ---- the limits are in the container's cgroup, seen from the host ---------------------

# (the helper's trap: pid 1 of a pid namespace ignores signals it has no handler for)
start_ward run --memory 64m --pids-limit 50 --cpus 0.5 "$ROOTFS" "$H" trap TERM
if wait_for_output "$BG_OUT" ready 15 && wait_for_cgroup; then
	pass "the container is in a ward-* cgroup while it runs"
	if [ "$mode" = v2 ]; then
		assert_eq "memory.max is 64m" 67108864 "$(knob memory.max)"
		assert_eq "cpu.max is '50000 100000'" "50000 100000" "$(knob cpu.max)"
	else
		assert_eq "memory.limit_in_bytes is 64m" 67108864 "$(knob memory.limit_in_bytes)"
		assert_eq "cpu.cfs_quota_us is 50000" 50000 "$(knob cpu.cfs_quota_us)"
		assert_eq "cpu.cfs_period_us is 100000" 100000 "$(knob cpu.cfs_period_us)"
	fi
	assert_eq "pids.max is 50" 50 "$(knob pids.max)"
else
	fail "the container is in a ward-* cgroup while it runs" "cgroups: $(new_cgroups)" \
		"stderr: $(cat "$BG_ERR")"
fi
kill -TERM "$BG_PID" 2>/dev/null
wait_bg 20
assert_status "SIGTERM to ward ends the limited container (its exit 42)" 42
assert_no_cgroup_left "no ward-* cgroup after a container was stopped"

# ---- the container's own /sys/fs/cgroup ------------------------------------------------------

# Read-only, laid out as the host's, rooted at the container's own cgroup (its cgroup
# namespace): the limits are where tools inside read them, and cgroup.procs lists only
# the container's processes.
if [ "$mode" = v2 ]; then
	mem=/sys/fs/cgroup/memory.max procs=/sys/fs/cgroup/cgroup.procs
	pids=/sys/fs/cgroup/pids.max
else
	mem=/sys/fs/cgroup/memory/memory.limit_in_bytes procs=/sys/fs/cgroup/pids/cgroup.procs
	pids=/sys/fs/cgroup/pids/pids.max
fi
# shellcheck disable=SC2016 # expanded by the container's shell
run_in --memory 64m --pids-limit 50 "$ROOTFS" /bin/sh -c \
	"cat $mem $pids; cat $procs | wc -l; echo 1 >$pids && echo written; grep ' /sys/fs/cgroup' /proc/self/mountinfo"
assert_status "/sys/fs/cgroup: the container runs" 0
assert_eq "/sys/fs/cgroup: the container reads its memory limit" 67108864 "$(echo "$OUT" | sed -n 1p)"
assert_eq "/sys/fs/cgroup: the container reads its pids limit" 50 "$(echo "$OUT" | sed -n 2p)"
# the shell, cat and wc: its own processes only, not the host's
assert_match "/sys/fs/cgroup: cgroup.procs lists the container's processes only" '^[1-4]$' \
	"$(echo "$OUT" | sed -n 3p)"
assert_not_contains "/sys/fs/cgroup: read-only" "$OUT" "written"
assert_contains "/sys/fs/cgroup: the write is refused" "$ERR" "Read-only file system"
assert_match "/sys/fs/cgroup: mounted read-only" ' /sys/fs/cgroup[^ ]* ro,' \
	"$(echo "$OUT" | grep ' /sys/fs/cgroup')"

# ---- the device cgroup: Docker's rules ------------------------------------------------------

# CAP_MKNOD is in Docker's default set, so the container can make any node; the device
# cgroup (v1's devices controller, or an eBPF program on cgroup v2) refuses to open one
# that is not among Docker's (the null, zero, tty, pty ... nodes). 7:0 is a loop device:
# without the cgroup, opening it says ENXIO or works, never EPERM.
run_in "$ROOTFS" /bin/sh -c \
	'mknod /dev/blk b 7 0 && echo made; head -c1 /dev/blk >/dev/null; echo x >/dev/null && echo null-ok'
assert_contains "device cgroup: mknod of a block node is allowed" "$OUT" "made"
assert_contains "device cgroup: opening it is refused" "$ERR" "/dev/blk: Operation not permitted"
assert_contains "device cgroup: /dev/null is open to the container" "$OUT" "null-ok"
# a hybrid host: Docker's rules alone are ward's eBPF program on the container's cgroup2
# cgroup, which it is born in (no v1 devices cgroup, no move: issue 19); with a v1 limit
# too, or on a v1-only host, v1's devices controller with runc's list
hybrid=0
[ "$mode" = v1 ] && [ -f /sys/fs/cgroup/unified/cgroup.controllers ] && hybrid=1
if [ "$hybrid" = 1 ]; then
	start_ward run "$ROOTFS" "$H" sleep 30
	wait_for_cgroup
	assert_status "device cgroup (hybrid): the container's cgroup holds it" 0 $?
	made=$(new_cgroups)
	kill -KILL "$BG_PID"
	wait "$BG_PID" 2>/dev/null
	assert_eq "device cgroup (hybrid): no v1 devices cgroup of the container's own" "" \
		"$(grep '^/sys/fs/cgroup/devices/' <<<"$made")"
	assert_contains "device cgroup (hybrid): a cgroup2 cgroup of its own" "$made" "/sys/fs/cgroup/unified/ward-"
	# the program is loaded while the child mounts; where it cannot be (bpf(2) refused
	# here by strace), ward starts again with v1's devices cgroup, joined before the
	# child's cgroup namespace is made: the node is still refused, nothing is left
	if command -v strace >/dev/null; then
		out=$(strace -qq -o /dev/null -e trace=bpf -e inject=bpf:error=EPERM "$WARD" run \
			"$ROOTFS" /bin/sh -c 'grep :devices: /proc/self/cgroup; head -n1 \
			/sys/fs/cgroup/devices/devices.list; mknod /dev/blk b 7 0; head -c1 /dev/blk' 2>&1)
		assert_contains "device cgroup (hybrid, no eBPF): the block node is refused" "$out" \
			"/dev/blk: Operation not permitted"
		assert_contains "device cgroup (hybrid, no eBPF): v1's devices cgroup, its namespace's root" \
			"$out" ":devices:/
c *:* m"
		assert_no_cgroup_left "device cgroup (hybrid, no eBPF): no cgroup left"
	else
		skip "device cgroup (hybrid, no eBPF)" "strace is not installed (apt-get install strace)"
	fi
fi
if [ "$mode" = v1 ] && [ -d /sys/fs/cgroup/devices ]; then
	limit=()
	[ "$hybrid" = 0 ] || limit=(--pids-limit 100) # a v1 cgroup anyway: the rules go there
	run_in "${limit[@]}" "$ROOTFS" /bin/cat /sys/fs/cgroup/devices/devices.list
	assert_eq "device cgroup (v1): runc's list, in its order" \
		"c *:* m b *:* m c 1:3 rwm c 1:8 rwm c 1:7 rwm c 5:0 rwm c 1:5 rwm c 1:9 rwm c 136:* rwm c 5:2 rwm c 10:200 rwm" \
		"$(echo "$OUT" | tr '\n' ' ' | sed 's/ $//')"
	run_in "${limit[@]}" "$ROOTFS" /bin/sh -c 'mknod /dev/blk b 7 0; head -c1 /dev/blk >/dev/null'
	assert_contains "device cgroup (v1): opening a block node is refused" "$ERR" "/dev/blk: Operation not permitted"
fi

# ---- --pids-limit stops a fork loop ------------------------------------------------------

# 40 background sleeps cannot fit in 20 pids; busybox sh reports "can't fork" and exits.
# shellcheck disable=SC2016 # expanded by the container's shell
run_in --pids-limit 20 "$ROOTFS" /bin/sh -c \
	'for i in $(seq 1 40); do sleep 2 & done; wait; echo all-forked'
assert_not_contains "--pids-limit 20: the fork loop does not complete" "$OUT" all-forked
assert_contains "--pids-limit 20: fork fails" "$ERR" "can't fork"
assert_ne "--pids-limit 20: the shell fails" 0 "$STATUS"
assert_no_cgroup_left "no ward-* cgroup after the fork loop"

# ---- --memory: a hog is OOM-killed ---------------------------------------------------------

# The shell keeps the whole command substitution in its own memory: 200 MB of RSS.
if [ "$(wc -l </proc/swaps)" -gt 1 ]; then
	diag "this host has swap: without --memory-swap the hog may swap before the OOM killer acts"
fi
# shellcheck disable=SC2016 # expanded by the container's shell
run_in --memory 32m "$ROOTFS" /bin/sh -c \
	'x=$(head -c 200000000 /dev/zero | tr "\0" x); echo survived ${#x}'
assert_status "--memory 32m: the hog is killed (137)" 137
assert_line "--memory 32m: ward says why" \
	"ward: container killed: out of memory (--memory limit reached)" "$ERR"
assert_not_contains "--memory 32m: the hog did not finish" "$OUT" survived
assert_no_cgroup_left "no ward-* cgroup after the OOM kill"

# A container that exits by itself under a limit is not reported as OOM-killed.
run_in --memory 32m "$ROOTFS" "$H" exit 3
assert_status "--memory 32m: a normal exit status passes through" 3
assert_not_contains "--memory 32m: no OOM message for a normal exit" "$ERR" "out of memory"

# ---- bad values fail before anything starts -------------------------------------------------

run_in --memory 12x "$ROOTFS" "$H" true
assert_status "--memory 12x: 125" 125
assert_eq "--memory 12x: the message" "ward: invalid --memory '12x'" "$ERR"
run_in --cpus -1 "$ROOTFS" "$H" true
assert_status "--cpus -1: 125" 125
assert_eq "--cpus -1: the message" "ward: invalid --cpus '-1'" "$ERR"
run_in --pids-limit 0 "$ROOTFS" "$H" true
assert_status "--pids-limit 0: 125" 125
assert_eq "--pids-limit 0: the message" "ward: invalid --pids-limit '0'" "$ERR"
assert_no_cgroup_left "no ward-* cgroup after the failed starts"

# ---- ward SIGKILLed: the next run removes the stale cgroup ------------------------------------

start_ward run --memory 64m --pids-limit 50 "$ROOTFS" "$H" sleep 30
if wait_for_cgroup; then
	kill -KILL "$BG_PID"
	wait_bg 5
	stale=$(new_cgroups)
	assert_ne "after SIGKILL of ward its cgroup is still there (stale)" "" "$stale"
	# the container dies with ward (parent-death signal); give it a moment
	for _ in $(seq 1 50); do
		[ -z "$(host_pids_of "$H sleep 30")" ] && break
		sleep 0.1
	done
	run_in "$ROOTFS" "$H" true
	assert_status "the next ward run works" 0
	assert_no_cgroup_left "the next ward run removed the stale cgroup"
else
	wait_bg 1
	fail "SIGKILL of ward: the container got a cgroup" "stderr: $(cat "$BG_ERR")"
fi

# ---- ward SIGKILLed: `ward cleanup` removes the stale cgroup, runs nothing ------------------

start_ward run --pids-limit 50 "$ROOTFS" "$H" sleep 30
if wait_for_cgroup; then
	kill -KILL "$BG_PID"
	wait_bg 5
	for _ in $(seq 1 50); do
		[ -z "$(host_pids_of "$H sleep 30")" ] && break
		sleep 0.1
	done
	assert_ne "after SIGKILL of ward its cgroup is still there" "" "$(new_cgroups)"
	run_ward cleanup
	assert_status "ward cleanup: exit 0" 0
	assert_no_cgroup_left "ward cleanup removed the stale cgroup"
else
	wait_bg 1
	fail "ward cleanup: the container got a cgroup" "stderr: $(cat "$BG_ERR")"
fi
run_ward cleanup extra
assert_status "ward cleanup with an argument: 125" 125
assert_eq "ward cleanup with an argument: the message" "ward: cleanup: unexpected argument 'extra'" "$ERR"

assert_nothing_left "nothing left behind (processes, mounts, cgroups)"
finish
