#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fault tests: ward SIGKILLed at a random moment (0-50 ms after it started) during
# `ward run`, `ward create`, `ward start` and `ward exec`, ten times each. After each:
#   - nothing of the container outlives the ward that was killed, after a grace period
#     (processes are found by a marker unique to the iteration, which is in ward's
#     argv, in its children's and in the container's command line, and by the
#     cgroup's cgroup.procs); except what the OCI verbs mean to leave: a container
#     that `create` finished stays created, and one that `start` started runs, each
#     then exactly the process its state names;
#   - the next `ward run` (for run: it removes what the killed one left) or `ward
#     delete --force` (for the OCI verbs) leaves nothing: no process, no state
#     directory under --root, no cgroup, no mount;
#   - no ward hangs (each is bounded by a timeout and 124 is a failure).
# WARD_FAULT_ITERATIONS changes the number of iterations per verb.
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

need_root
setup_rootfs
snapshot_state

T=""
new_tmpdir T
ROOT=$T/state
export WARD_CACHE_DIR="$T/cache"
WARD_TIMEOUT=20 # a follow-up ward that takes this long hangs
ITER=${WARD_FAULT_ITERATIONS:-10}
GRACE=3 # seconds for what the kill leaves to go

# rand_delay: 0 to 50 ms, as sleep's argument
rand_delay() {
	printf '0.%03d' $((RANDOM % 51))
}

# marker_pids M: the host pids whose command line contains M (not this shell's)
marker_pids() {
	local p args
	for p in /proc/[0-9]*; do
		p=${p#/proc/}
		if [ "$p" = "$$" ] || [ "$p" = "${BASHPID:-}" ]; then continue; fi
		mapfile -d '' -t args 2>/dev/null <"/proc/$p/cmdline" || continue
		[[ " ${args[*]} " == *" $1 "* ]] && echo "$p"
	done
}

# cgroups_named GLOB: the cgroup directories (any hierarchy, any depth) named GLOB
cgroups_named() {
	find /sys/fs/cgroup -mindepth 1 -maxdepth 8 -type d -name "$1" 2>/dev/null
}

# cgroup_procs DIRS...: the pids in those cgroups (and their children)
cgroup_procs() {
	local d
	for d in "$@"; do
		find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null
	done | sort -un
}

# describe PIDS...: a line per process, for diagnostics
describe() {
	local p
	for p in "$@"; do
		[ -r "/proc/$p/status" ] || continue
		printf 'pid %s ppid %s state %s exe %s cmd %s cgroup %s\n' "$p" \
			"$(awk '/^PPid:/ {print $2}' "/proc/$p/status")" \
			"$(awk '/^State:/ {print $2}' "/proc/$p/status")" \
			"$(readlink "/proc/$p/exe")" "$(tr '\0' ' ' <"/proc/$p/cmdline")" \
			"$(tr '\n' ' ' <"/proc/$p/cgroup")"
	done
}

# wait_gone M SECONDS [CGROUP...]: until no process has marker M and the cgroups
# hold no process; sets LEFT (pids) when it gives up
wait_gone() {
	local m=$1 max=$(($2 * 20)) i
	shift 2
	LEFT=""
	for ((i = 0; i < max; i++)); do
		LEFT=$( (
			marker_pids "$m"
			[ $# -eq 0 ] || cgroup_procs "$@"
		) | sort -un)
		[ -n "$LEFT" ] || return 0
		sleep 0.05
	done
	return 1
}

# kill_left PIDS...: end what a failed check found, so the next iterations start clean
kill_left() {
	local p
	for p in "$@"; do
		kill -KILL "$p" 2>/dev/null
	done
}

# kill_ward_at DELAY: SIGKILL the background ward after DELAY; sets KILLED_AFTER
# ("after N ms" or "after it exited")
kill_ward_at() {
	sleep "$1"
	if kill -KILL "$BG_PID" 2>/dev/null; then
		KILLED_AFTER="SIGKILL after ${1#0.} ms"
	else
		KILLED_AFTER="exited before the SIGKILL at ${1#0.} ms"
	fi
	wait "$BG_PID" 2>/dev/null
}

# no_mounts DESC: no mount under this test's directories or the rootfs appeared
no_mounts() {
	local new
	new=$(comm -13 <(grep '^mount: ' <<<"${_state_before:-}") <(_state mounts) | sed '/^$/d')
	if [ -z "$new" ]; then
		pass "$1"
	else
		fail "$1" "mounts left:" "$new"
	fi
}

# The config of every bundle: the shared rootfs, read-only, the helper's sleep tagged
# with the iteration's marker (python once: it is slow to start here).
mkdir -p "$T/template"
(cd "$T/template" && "$WARD" spec) || bail_out "ward spec failed"
python3 - "$T/template/config.json" "$ROOTFS" "$H" <<'EOF' || bail_out "cannot edit config.json"
import json, sys
path, rootfs, h = sys.argv[1:4]
c = json.load(open(path))
c["root"] = {"path": rootfs, "readonly": True}
c["process"]["args"] = [h, "sleep", "30", "@MARKER@"]
c["process"]["terminal"] = False
json.dump(c, open(path, "w"), indent=1)
EOF

# make_bundle DIR MARKER: a bundle running the helper's sleep tagged MARKER
make_bundle() {
	mkdir -p "$1"
	sed "s/@MARKER@/$2/" "$T/template/config.json" >"$1/config.json" || bail_out "cannot write $1"
}

# state_of ID: "STATUS PID" of a container under $ROOT, or "none"
state_of() {
	local s
	s=$("$WARD" --root "$ROOT" state "$1" 2>/dev/null | tr -d ' \n' |
		sed -nE 's/.*"status":"([a-z]+)".*"pid":([0-9]+).*/\1 \2/p')
	echo "${s:-none}"
}

# after_oci DESC ID: `ward delete --force ID` (when the container exists)
# leaves nothing of ID: no process with the marker ID, no state directory, no cgroup.
after_oci() {
	local desc=$1 id=$2 st left cgs
	st=$(state_of "$id")
	if [ "$st" != none ]; then
		run_ward --root "$ROOT" delete --force "$id"
		if [ "$STATUS" -ne 0 ]; then
			fail "$desc: delete --force" "$(_last_run)"
		fi
	else
		run_ward --root "$ROOT" delete --force "$id"
		if [ "$STATUS" -eq 124 ]; then
			fail "$desc: delete --force hangs" "$(_last_run)"
		fi
	fi
	cgs=$(cgroups_named "ward-oci-$id")
	# shellcheck disable=SC2086 # a list of directories
	wait_gone "$id" "$GRACE" $cgs
	left=$LEFT
	local what=""
	# shellcheck disable=SC2086 # a list of pids
	[ -z "$left" ] || what+="processes: $(describe $left)"$'\n'
	[ ! -e "$ROOT/$id" ] || what+="state directory: $ROOT/$id ($(find "$ROOT/$id" -mindepth 1 -printf '%f '))"$'\n'
	cgs=$(cgroups_named "ward-oci-$id")
	[ -z "$cgs" ] || what+="cgroups: $cgs"$'\n'
	if [ -z "$what" ]; then
		pass "$desc: then delete leaves nothing (process, state, cgroup)"
	else
		fail "$desc: then delete leaves nothing (process, state, cgroup)" \
			"state before delete: $st" "delete: status $STATUS: $ERR" "$what"
		# shellcheck disable=SC2086
		kill_left $left
		# shellcheck disable=SC2086
		[ -z "$left" ] || wait_gone "$id" "$GRACE" $cgs
		# shellcheck disable=SC2086
		[ -z "$cgs" ] || rmdir $cgs 2>/dev/null
		rm -rf -- "${ROOT:?}/$id"
	fi
}

# ---- ward run -------------------------------------------------------------------------

for ((i = 1; i <= ITER; i++)); do
	m=wardfault-$$-run-$i
	delay=$(rand_delay)
	start_ward --root "$ROOT" run "$ROOTFS" "$H" sleep 30 "$m"
	kill_ward_at "$delay"
	wpid=$BG_PID
	cgs=$(cgroups_named "ward-$wpid-*")
	# shellcheck disable=SC2086 # a list of directories
	if wait_gone "$m" "$GRACE" $cgs; then
		pass "run #$i ($KILLED_AFTER): nothing of the container survives"
	else
		# shellcheck disable=SC2086
		fail "run #$i ($KILLED_AFTER): nothing of the container survives" \
			"after ${GRACE}s still there:" "$(describe $LEFT)" "ward's cgroups: $cgs"
		# shellcheck disable=SC2086
		kill_left $LEFT
	fi
	# the next run removes the killed ward's cgroup and record (their owner is dead)
	run_ward --root "$ROOT" run "$ROOTFS" "$H" true
	left=$(cgroups_named "ward-$wpid-*")
	records=$(find "$ROOT" -mindepth 1 -maxdepth 1 2>/dev/null)
	if [ "$STATUS" -eq 0 ] && [ -z "$left" ] && [ -z "$records" ]; then
		pass "run #$i: the next ward run succeeds and removed the killed one's cgroup and record"
	else
		fail "run #$i: the next ward run succeeds and removed the killed one's cgroup and record" \
			"cgroups of ward $wpid left: ${left:-none}" "under --root: ${records:-nothing}" \
			"$(_last_run)"
		# shellcheck disable=SC2086
		[ -z "$left" ] || rmdir $left 2>/dev/null
		rm -rf "${ROOT:?}"/* "$ROOT"/.new-* 2>/dev/null
	fi
done
no_mounts "run: no mount left"

# ---- ward create ----------------------------------------------------------------------

mkdir -p "$ROOT"
for ((i = 1; i <= ITER; i++)); do
	id=wardfault-$$-create-$i
	make_bundle "$T/b-$id" "$id"
	delay=$(rand_delay)
	start_ward --root "$ROOT" create --bundle "$T/b-$id" "$id"
	kill_ward_at "$delay"
	# a container that create had finished stays (created, waiting for start): then
	# the only process with the marker is the one its state names; anything else,
	# or a process with no state to name it, is an orphan
	cgs=$(cgroups_named "ward-oci-$id")
	sleep 0.2
	st=$(state_of "$id")
	left=$(marker_pids "$id" | sort -un | paste -sd' ')
	if ! [[ $st == created\ * && $left == "${st#created }" ]]; then
		# shellcheck disable=SC2086
		wait_gone "$id" 1 $cgs
		left=$(paste -sd' ' <<<"$LEFT")
	fi
	if [ -z "$left" ]; then
		pass "create #$i ($KILLED_AFTER): nothing survives (state: $st)"
	elif [[ $st == created\ * ]] && [ "$left" = "${st#created }" ]; then
		pass "create #$i ($KILLED_AFTER): only the created container's process stays"
	else
		# shellcheck disable=SC2086
		fail "create #$i ($KILLED_AFTER): no orphan (nothing, or only the created container's process)" \
			"state: $st" "$(describe $left)" "cgroups: ${cgs:-none}" \
			"state directory: $(find "$ROOT/$id" -mindepth 1 -printf '%f ' 2>/dev/null)"
	fi
	after_oci "create #$i" "$id"
done

# ---- ward start -----------------------------------------------------------------------

for ((i = 1; i <= ITER; i++)); do
	id=wardfault-$$-start-$i
	make_bundle "$T/b-$id" "$id"
	run_ward --root "$ROOT" create --bundle "$T/b-$id" "$id"
	if [ "$STATUS" -ne 0 ]; then
		fail "start #$i: create" "$(_last_run)"
		after_oci "start #$i" "$id"
		continue
	fi
	cpid=$(state_of "$id")
	cpid=${cpid#created }
	delay=$(rand_delay)
	start_ward --root "$ROOT" start "$id"
	kill_ward_at "$delay"
	sleep 0.2
	st=$(state_of "$id")
	left=$(marker_pids "$id" | sort -un | paste -sd' ')
	# created or running, the same process either way, and nothing else
	if [[ $st =~ ^(created|running)\ $cpid$ ]] && [ "$left" = "$cpid" ]; then
		pass "start #$i ($KILLED_AFTER): the container is ${st% *}, its one process the state's"
	else
		# shellcheck disable=SC2086
		fail "start #$i ($KILLED_AFTER): the container is created or running, its one process the state's" \
			"state: $st (created with pid $cpid)" "$(describe $left)"
	fi
	after_oci "start #$i" "$id"
done

# ---- ward exec ------------------------------------------------------------------------

for ((i = 1; i <= ITER; i++)); do
	id=wardfault-$$-exec-$i
	m=wardfault-$$-exec-$i-process
	make_bundle "$T/b-$id" "$id"
	run_ward --root "$ROOT" create --bundle "$T/b-$id" "$id"
	[ "$STATUS" -ne 0 ] || run_ward --root "$ROOT" start "$id"
	if [ "$STATUS" -ne 0 ]; then
		fail "exec #$i: create and start" "$(_last_run)"
		after_oci "exec #$i" "$id"
		continue
	fi
	st0=$(state_of "$id")
	delay=$(rand_delay)
	start_ward --root "$ROOT" exec "$id" "$H" sleep 30 "$m"
	kill_ward_at "$delay"
	if wait_gone "$m" "$GRACE"; then
		pass "exec #$i ($KILLED_AFTER): the exec'd process does not survive"
	else
		# shellcheck disable=SC2086
		fail "exec #$i ($KILLED_AFTER): the exec'd process does not survive" \
			"after ${GRACE}s still there:" "$(describe $LEFT)"
		# shellcheck disable=SC2086
		kill_left $LEFT
	fi
	assert_eq "exec #$i: the container still runs, the same process" "$st0" "$(state_of "$id")"
	after_oci "exec #$i" "$id"
done

# ---- at the end -------------------------------------------------------------------------

leftover=$(find "$ROOT" -mindepth 1 -maxdepth 1 2>/dev/null)
assert_eq "no state directory left under --root" "" "$leftover"
assert_eq "no ward-oci cgroup of this test left" "" "$(cgroups_named "ward-oci-wardfault-$$-*")"
no_mounts "no mount left"
assert_nothing_left "nothing left behind"
finish
