#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `ward run` containers are containers like any other: registered under --root while
# they run (--name, else a generated id), reachable by list, state, exec, ps, pause,
# kill and delete; -d prints the id and leaves it running; removed at exit unless
# --keep (--rm accepted); --cidfile; a name in use is refused.
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

need_root
setup_rootfs
snapshot_state
new_tmpdir T
root=$T/state

# wait_listed ID: until `ward list` shows ID running (or 10 s)
wait_listed() {
	for _ in $(seq 1 100); do
		"$WARD" --root "$root" list | grep -q "^$1 .* running " && return 0
		sleep 0.1
	done
	return 1
}
# wait_gone ID: until `ward list -q` no longer shows ID (or 10 s)
wait_gone() {
	for _ in $(seq 1 100); do
		"$WARD" --root "$root" list -q | grep -qx "$1" || return 0
		sleep 0.1
	done
	return 1
}

# a foreground container, named: listed, reachable, gone at its end
start_ward --root "$root" run --name web "$ROOTFS" "$H" sleep 30
if wait_listed web; then pass "a running 'ward run --name web' is listed"; else fail "a running 'ward run --name web' is listed"; fi
run_ward --root "$root" state web
assert_contains "state: running" "$OUT" '"status": "running"'
# its record was written again with the pid: the old one swapped out and removed
assert_eq "a rewritten record leaves nothing of the old one" "config.json state.json" \
	"$(cd "$root/web" && ls -A | tr '\n' ' ' | sed 's/ $//')"
run_ward --root "$root" exec web /bin/sh -c 'echo in; grep -c . /proc/self/status >/dev/null && grep Seccomp: /proc/self/status'
assert_eq "exec: a process in it, under its seccomp filter" "in
Seccomp:	2" "$OUT"
run_ward --root "$root" ps web
assert_contains "ps: its process" "$OUT" "sleep 30"
run_ward --root "$root" exec web /bin/cat /proc/1/cgroup /proc/self/cgroup
assert_eq "exec: in the init's cgroups (born there where the clone can)" \
	"$(sed -n '1,/^$/p' <<<"$OUT" | head -n $(($(wc -l <<<"$OUT") / 2)))" \
	"$(tail -n $(($(wc -l <<<"$OUT") / 2)) <<<"$OUT")"
run_ward --root "$root" pause web
run_ward --root "$root" state web
assert_contains "pause: paused" "$OUT" '"status": "paused"'
run_ward --root "$root" resume web
# the name is taken while the child mounts: refused, it ran nothing and left no cgroup
cgs_before=$(find /sys/fs/cgroup -mindepth 1 -maxdepth 8 -type d -name 'ward-*' | sort)
mkdir -p "$T/mk"
run_ward --root "$root" run --name web -v "$T/mk:/mk" "$ROOTFS" /bin/touch /mk/ran
assert_status "a name in use: 125" 125
assert_eq "a name in use: the message" "ward: the container name 'web' is already in use (see 'ward list'; 'ward delete web' removes a stopped one)" "$ERR"
assert_eq "a name in use: its command did not run" "" "$(ls "$T/mk")"
assert_eq "a name in use: no cgroup left" "$cgs_before" \
	"$(find /sys/fs/cgroup -mindepth 1 -maxdepth 8 -type d -name 'ward-*' | sort)"
run_ward --root "$root" kill web KILL
wait_bg 20
assert_status "kill KILL: the foreground ward exits 137" 137
run_ward --root "$root" list -q
assert_eq "removed at exit" "" "$OUT"

# -d: the id on stdout, running in the background; --cidfile
run_ward --root "$root" run -d --cidfile "$T/cid" "$ROOTFS" "$H" sleep 30
assert_status "-d: exits 0" 0
id=$OUT
assert_match "-d: prints a 64-digit id" '^[0-9a-f]{64}$' "$id"
assert_eq "--cidfile: the id" "$id" "$(cat "$T/cid" 2>/dev/null)"
run_ward --root "$root" exec "$id" hostname
assert_eq "a generated id: the hostname is its first 12 digits" "${id:0:12}" "$OUT"
run_ward --root "$root" run --cidfile "$T/cid" "$ROOTFS" true
assert_eq "--cidfile that exists: refused" "ward: container ID file found, make sure the other container isn't running or delete $T/cid" "$ERR"
run_ward --root "$root" delete "$id"
assert_status "delete of a running one needs --force" 1
run_ward --root "$root" kill "$id" KILL
if wait_gone "$id"; then pass "-d: removed once it ends"; else fail "-d: removed once it ends"; fi

# -d whose command cannot run: the error and its status, nothing registered
run_ward --root "$root" run -d "$ROOTFS" /nonexistent
assert_status "-d with a missing command: 127" 127
assert_eq "-d with a missing command: the message" "ward: exec '/nonexistent': No such file or directory" "$ERR"
run_ward --root "$root" list -q
assert_eq "-d with a missing command: nothing left" "" "$OUT"

# --keep: stays, stopped, until deleted; --rm is accepted
run_ward --root "$root" run --name kept --keep "$ROOTFS" "$H" exit 3
assert_status "--keep: the command's status" 3
run_ward --root "$root" state kept
assert_contains "--keep: stopped, still there" "$OUT" '"status": "stopped"'
run_ward --root "$root" delete kept
assert_status "--keep: delete removes it" 0
run_ward --root "$root" run --rm --name rm "$ROOTFS" true
assert_status "--rm: accepted" 0
run_ward --root "$root" list -q
assert_eq "nothing registered at the end" "" "$OUT"
run_ward --root "$root" run --rm --keep "$ROOTFS" true
assert_eq "--rm with --keep: refused" "ward: --rm and --keep cannot be used together" "$ERR"

# A run SIGKILLed cannot remove its record (its container dies with it): the next
# run does, and a registration a killed ward never finished; not a record kept on
# purpose (--keep), nor an OCI container
start_ward --root "$root" run --name killedrun "$ROOTFS" "$H" sleep 30
wait_listed killedrun && kill -KILL "$BG_PID"
wait "$BG_PID" 2>/dev/null
for _ in $(seq 1 50); do
	"$WARD" --root "$root" list | grep -q "^killedrun .* stopped " && break
	sleep 0.1
done
run_ward --root "$root" list
assert_match "a killed run's record: stopped" '(^|
)killedrun +0 +stopped ' "$OUT"
dead=$(sh -c 'echo $$')
mkdir "$root/.new-$dead-1-ghost"
# a symlink in a registration's place is not followed (ward never makes one)
mkdir "$T/outside"
echo keep >"$T/outside/state.json"
ln -s "$T/outside" "$root/.new-$dead-1-link"
run_ward --root "$root" run --name kept2 --keep "$ROOTFS" true
make_bundle "$T/b0" '["true"]'
run_ward --root "$root" create --bundle "$T/b0" oci0
run_ward --root "$root" run "$ROOTFS" true
assert_status "the next run: 0" 0
run_ward --root "$root" list -q
assert_eq "the next run removed the killed run's record, kept the others" "kept2
oci0" "$OUT"
assert_eq "... and the registration a killed ward never finished" "" \
	"$(find "$root" -mindepth 1 -maxdepth 1 -name '.new-*' ! -type l)"
assert_eq "... not following a symlink in a registration's place" "keep" \
	"$(cat "$T/outside/state.json" 2>&1)"
rm -f "$root/.new-$dead-1-link"
run_ward --root "$root" delete kept2
run_ward --root "$root" delete --force oci0
# ten runs at once, each sweeping while the others register and run: none takes
# another's live record for an abandoned one (each would fail or warn at its end),
# and the abandoned record goes
start_ward --root "$root" run --name killed2 "$ROOTFS" "$H" sleep 30
wait_listed killed2 && kill -KILL "$BG_PID"
wait "$BG_PID" 2>/dev/null
sleep 0.5
for i in $(seq 1 10); do
	(
		timeout 30 "$WARD" --root "$root" run "$ROOTFS" "$H" sleep 0.3 2>"$T/par$i.err"
		echo $? >"$T/par$i.rc"
	) &
done
wait
assert_eq "ten runs at once, sweeping: all exit 0" "0 0 0 0 0 0 0 0 0 0" "$(cat "$T"/par*.rc | xargs)"
assert_eq "ten runs at once, sweeping: no message" "" "$(cat "$T"/par*.err)"
run_ward --root "$root" list -q
assert_eq "ten runs at once, sweeping: the abandoned record is gone, nothing else left" "" "$OUT"

# ward stop: the recorded --stop-signal, which the command traps; one that ignores it
# is killed once --stop-timeout (or -t) has passed
start_ward --root "$root" run --name trap --stop-signal USR1 --stop-timeout 20 "$ROOTFS" \
	/bin/sh -c 'trap "exit 3" USR1; while :; do sleep 0.1; done'
wait_listed trap || fail "the trapping container runs"
run_ward --root "$root" state trap
assert_contains "--stop-signal: recorded" "$OUT" '"org.opencontainers.image.stopSignal": "SIGUSR1"'
assert_contains "--stop-timeout: recorded" "$OUT" '"org.ward.stopTimeout": "20"'
t0=$(date +%s)
run_ward --root "$root" stop trap
assert_status "stop: exit 0" 0
assert_eq "stop: prints the id" "trap" "$OUT"
wait_bg 10
assert_status "stop: the trap ran (exit 3): USR1 was sent, not TERM" 3
[ $(($(date +%s) - t0)) -lt 10 ] && pass "stop: no wait for the timeout" || fail "stop: no wait for the timeout"
start_ward --root "$root" run --name deaf "$ROOTFS" /bin/sh -c 'trap "" TERM; while :; do sleep 0.1; done'
wait_listed deaf || fail "the deaf container runs"
t0=$(date +%s)
run_ward --root "$root" stop -t 1 deaf
assert_status "stop -t 1: exit 0 once killed" 0
wait_bg 10
assert_status "stop -t 1: SIGTERM ignored, SIGKILLed after the timeout (137)" 137
el=$(($(date +%s) - t0))
[ "$el" -ge 1 ] && [ "$el" -lt 8 ] && pass "stop -t 1: about a second" || fail "stop -t 1: about a second" "$el s"
# an OCI container: SIGTERM by default (its shell traps it), or a config's annotation
make_bundle "$T/b" '["/bin/sh", "-c", "trap \"exit 4\" TERM; while :; do sleep 0.1; done"]'
run_ward --root "$root" create --bundle "$T/b" oci1
run_ward --root "$root" start oci1
run_ward --root "$root" stop oci1
assert_status "stop of an OCI container (SIGTERM): exit 0" 0
run_ward --root "$root" state oci1
assert_contains "stop of an OCI container: stopped" "$OUT" '"status": "stopped"'
run_ward --root "$root" delete oci1
make_bundle "$T/b2" '["/bin/sh", "-c", "trap \"\" TERM; while :; do sleep 0.1; done"]' \
	'c["annotations"] = {"org.ward.stopTimeout": "1"}'
run_ward --root "$root" create --bundle "$T/b2" oci2
run_ward --root "$root" start oci2
t0=$(date +%s)
run_ward --root "$root" stop oci2
assert_status "stop of an OCI container ignoring TERM: exit 0" 0
[ $(($(date +%s) - t0)) -lt 8 ] && pass "stop: the config's org.ward.stopTimeout (1 s)" || fail "stop: the config's org.ward.stopTimeout (1 s)"
run_ward --root "$root" delete oci2
run_ward --root "$root" stop nosuch
assert_status "stop: an unknown id: 1" 1
assert_eq "stop: an unknown id: the message" "ward: container 'nosuch' does not exist" "$ERR"
run_ward --root "$root" stop --time x nosuch
assert_eq "stop --time x: refused" "ward: stop: invalid --time 'x': a number of seconds up to 86400 (-1: no SIGKILL)" "$ERR"
run_ward --root "$root" run --stop-signal BOGUS "$ROOTFS" true
assert_eq "--stop-signal BOGUS: refused" "ward: invalid --stop-signal 'BOGUS': not a signal" "$ERR"

# A run killed after it made its cgroup, before its container ran (held at clone3
# by strace). With -d the foreground ward registered the name first: the record
# names no cgroup yet; delete finds it by name (ward-<creator pid>-<start>-...).
# In the foreground the name is taken only once the child is cloned: nothing is
# listed, and `ward cleanup` removes the cgroup of the dead ward.
# held_at_clone3 NAME RUN-OPTION...: $wpid and $cgs, the held ward and its cgroups
held_at_clone3() {
	local name=$1 p
	shift
	strace -f -qq -o /dev/null -e trace=clone3 -e inject=clone3:delay_enter=20000000 \
		"$WARD" --root "$root" run "$@" --name "$name" "$ROOTFS" true >/dev/null 2>&1 &
	spid=$!
	wpid="" cgs=""
	for _ in $(seq 1 100); do
		for p in $(pgrep -x ward); do
			cgs=$(find /sys/fs/cgroup -mindepth 1 -maxdepth 8 -type d -name "ward-$p-*" \
				2>/dev/null)
			[ -n "$cgs" ] && wpid=$p && break 2
		done
		sleep 0.1
	done
	[ -n "$wpid" ] && kill -KILL "$wpid"
	wait "$spid" 2>/dev/null
}
if ! command -v strace >/dev/null; then
	skip "a run killed before its container ran: delete removes its cgroup" \
		"strace is not installed (apt-get install strace)"
else
	held_at_clone3 halfway -d
	assert_ne "-d, held at clone3: its cgroup was made" "" "$cgs"
	run_ward --root "$root" list
	assert_match "-d, killed before its container ran: listed as stopped" \
		'(^|
)halfway +0 +stopped ' "$OUT"
	run_ward --root "$root" delete halfway
	assert_status "delete of it: 0" 0
	left=$(find /sys/fs/cgroup -mindepth 1 -maxdepth 8 -type d -name "ward-$wpid-*" 2>/dev/null)
	assert_eq "delete removed its cgroup" "" "$left"
	[ -z "$left" ] || rmdir $left 2>/dev/null

	# the child fails in its set-up while ward is still registering it (held at
	# renameat2 half a second): the child's error, exit 125, nothing registered
	cgs_before=$(find /sys/fs/cgroup -mindepth 1 -maxdepth 8 -type d -name 'ward-*' | sort)
	err=$(strace -qq -o /dev/null -e trace=renameat2 \
		-e inject=renameat2:delay_enter=500000 "$WARD" --root "$root" run --name early \
		-v /etc/hostname:/etc/hostname/sub "$ROOTFS" true 2>&1)
	assert_eq "fails before its go: exit 125" 125 "$?"
	assert_eq "fails before its go: the child's message" \
		"ward: cannot open mount point '/etc/hostname/sub': Not a directory" "$err"
	run_ward --root "$root" list -q
	assert_eq "fails before its go: nothing registered" "" "$OUT"
	# ... and after ward sent its go, unread (each process's first recvmsg held: the
	# child's for its network namespace, ward's for the child's answer): the child
	# ends with ward's messages unread, ward's socket says ECONNRESET once, then the
	# child's error
	err=$(strace -f -qq -o /dev/null -e trace=recvmsg \
		-e inject=recvmsg:delay_enter=300000:when=1 "$WARD" --root "$root" run \
		-v /etc/hostname:/etc/hostname/sub "$ROOTFS" true 2>&1)
	assert_eq "fails with its go unread: exit 125" 125 "$?"
	assert_eq "fails with its go unread: the child's message" \
		"ward: cannot open mount point '/etc/hostname/sub': Not a directory" "$err"
	# ... and before ward could send its network namespace (ward held at unshare; the
	# rootfs's /proc a file): the child's error, not the send's
	fresh_rootfs noproc
	rm -rf "$noproc/proc" && touch "$noproc/proc"
	err=$(strace -qq -o /dev/null -e trace=unshare -e inject=unshare:delay_enter=300000 \
		"$WARD" --root "$root" run "$noproc" /usr/bin/ward-testhelper true 2>&1)
	assert_eq "fails before its network namespace came: exit 125" 125 "$?"
	assert_eq "fails before its network namespace came: the child's message" \
		"ward: cannot create mount point '/proc': Not a directory" "$err"
	assert_eq "fails before its go: no cgroup left" "$cgs_before" \
		"$(find /sys/fs/cgroup -mindepth 1 -maxdepth 8 -type d -name 'ward-*' | sort)"

	# a filesystem without RENAME_EXCHANGE (EINVAL for the third renameat2: the
	# first two make the record and take the name): the record is rewritten with
	# the pid by a rename
	strace -qq -o /dev/null -e trace=renameat2 -e inject=renameat2:error=EINVAL:when=3 \
		"$WARD" --root "$root" run --name noexch "$ROOTFS" "$H" sleep 30 >/dev/null 2>&1 &
	spid=$!
	if wait_listed noexch; then
		pass "without RENAME_EXCHANGE: the record is rewritten (running, its pid)"
	else
		fail "without RENAME_EXCHANGE: the record is rewritten (running, its pid)"
	fi
	assert_eq "without RENAME_EXCHANGE: nothing but the record and its config" \
		"config.json state.json" "$(cd "$root/noexch" && ls -A | tr '\n' ' ' | sed 's/ $//')"
	run_ward --root "$root" kill noexch KILL
	wait "$spid"

	# a run's end against `delete` and a new container of its name, which come in
	# while its ward waits for the lock (held at flock two seconds): the new
	# container is not the ended run's to delete
	strace -qq -o /dev/null -e trace=flock -e inject=flock:delay_enter=2000000 \
		"$WARD" --root "$root" run --name again "$ROOTFS" true >/dev/null 2>&1 &
	spid=$!
	for _ in $(seq 1 100); do
		run_ward --root "$root" list
		[[ $OUT =~ (^|$'\n')again\ +[0-9]+\ +stopped ]] && break
		sleep 0.05
	done
	run_ward --root "$root" delete again
	assert_status "the ended run's record deleted meanwhile" 0
	run_ward --root "$root" run -d --name again "$ROOTFS" "$H" sleep 30
	assert_status "a new container takes the name" 0
	wait "$spid"
	run_ward --root "$root" list
	assert_match "the ended run's ward left the new container alone" \
		'(^|
)again +[0-9]+ +running ' "$OUT"
	run_ward --root "$root" delete -f again

	held_at_clone3 halfway2
	assert_ne "held at clone3: its cgroup was made" "" "$cgs"
	run_ward --root "$root" list
	if [[ $OUT =~ (^|$'\n')halfway2\  ]]; then
		fail "killed before its child was cloned: the name was not taken" "$OUT"
	else
		pass "killed before its child was cloned: the name was not taken"
	fi
	run_ward cleanup
	left=$(find /sys/fs/cgroup -mindepth 1 -maxdepth 8 -type d -name "ward-$wpid-*" 2>/dev/null)
	assert_eq "ward cleanup removed its cgroup" "" "$left"
	[ -z "$left" ] || rmdir $left 2>/dev/null
fi

assert_nothing_left "nothing left"
finish
