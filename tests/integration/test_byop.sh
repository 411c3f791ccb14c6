#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Bring your own profile: a short allowlist (defaultAction SCMP_ACT_ERRNO) as the
# hardening guides print it runs a busybox command under ward; after its filter
# ward makes no system call but execve, so profiles that deny what ward does in
# the child (sendmsg, sendto, setresuid, close_range, umask, ...) still start the
# container; umask is 0022 under every profile; a profile that denies execve or
# exit_group gets a message naming the syscall and 125, never 139 or silence;
# --report-denied ends within seconds whatever the profile denies.
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

need_root
setup_rootfs
new_tmpdir T
snapshot_state

allowlist "$T/guide.json"
run_ward run --security-opt seccomp="$T/guide.json" "$ROOTFS" /bin/sh -c 'echo ok'
assert_status "the guide's allowlist: the shell runs" 0
assert_eq "the guide's allowlist: its output" "ok" "$OUT"
assert_eq "the guide's allowlist: nothing on stderr" "" "$ERR"

# umask: 0022 under every profile, set before the filter (the guide does not allow umask)
for p in default unconfined "$T/guide.json"; do
	for nnp in "" "--security-opt no-new-privileges"; do
		# shellcheck disable=SC2086 # $nnp is one option or none
		run_ward run $nnp --security-opt seccomp="$p" "$ROOTFS" /bin/grep Umask /proc/self/status
		assert_eq "umask under ${p##*/}${nnp:+ with no-new-privileges}" "Umask:	0022" "$OUT"
	done
done

# what ward itself does in the child, denied: the container starts all the same
for name in sendmsg sendto setresuid setresgid close_range umask fstatfs capset prctl; do
	without "$T/no-$name.json" "$name"
	run_ward run --security-opt seccomp="$T/no-$name.json" "$ROOTFS" /bin/sh -c 'echo ok'
	assert_eq "default without $name: the container runs" "0 ok" "$STATUS $OUT"
	run_ward run -u 1000 --security-opt seccomp="$T/no-$name.json" "$ROOTFS" /bin/sh -c 'echo ok'
	assert_eq "default without $name, as uid 1000: the container runs" "0 ok" "$STATUS $OUT"
done
without "$T/no-exit_group.json" exit_group
run_ward run --security-opt seccomp="$T/no-exit_group.json" "$ROOTFS" /bin/sh -c 'echo ok'
assert_eq "default without exit_group: the shell runs (libc falls back to exit)" "0 ok" "$STATUS $OUT"

# what ward needs after its filter, denied: a message naming it, 125
allowlist "$T/no-execve.json" execve
run_ward run --security-opt seccomp="$T/no-execve.json" "$ROOTFS" /bin/sh -c 'echo ok'
assert_status "no execve: 125" 125
assert_eq "no execve: the message names execve" \
	"ward: the seccomp profile denies execve, which ward needs after loading it (add it to the profile)" "$ERR"
run_ward run --security-opt no-new-privileges --security-opt seccomp="$T/no-execve.json" "$ROOTFS" /bin/true
assert_status "no execve, no-new-privileges: 125" 125
assert_contains "no execve, no-new-privileges: the message" "$ERR" "denies execve"

allowlist "$T/no-exit.json" execve exit_group exit
run_ward run --security-opt seccomp="$T/no-exit.json" "$ROOTFS" /bin/true
assert_status "no execve, exit_group or exit: still 125 (not 139)" 125
assert_contains "no execve, exit_group or exit: the message names both" "$ERR" \
	"denies execve and exit_group"

# execve allowed only for 5,000 values of an argument: the program is split into stacked
# filters, the one that owns execve denies it for the call ward makes (every filter of the
# stack interpreted, as the kernel runs them: issue 19)
allowlist "$T/execve-set.json" execve
python3 - "$T/execve-set.json" <<'EOF'
import json, sys
p = json.load(open(sys.argv[1]))
p["syscalls"] += [{"names": ["execve"], "action": "SCMP_ACT_ALLOW",
                   "args": [{"index": 2, "value": 4096 * (i + 1), "op": "SCMP_CMP_EQ"}]}
                  for i in range(5000)]
json.dump(p, open(sys.argv[1], "w"))
EOF
run_ward seccomp bench "$T/execve-set.json"
assert_contains "execve for 5,000 values: stacked filters" "$OUT" "stacked filters"
run_ward run --security-opt seccomp="$T/execve-set.json" "$ROOTFS" /bin/true
assert_status "execve for 5,000 values, none ward's: 125" 125
assert_eq "execve for 5,000 values, none ward's: the stacked filter's decision names execve" \
	"ward: the seccomp profile denies execve, which ward needs after loading it (add it to the profile)" "$ERR"

# seccomp check: what each runtime needs after its filter, before launching
run_ward seccomp check "$T/guide.json"
assert_status "check of the guide's allowlist: 0" 0
assert_line "check: ward can start under the guide's allowlist" \
	"$T/guide.json: ward (ward run, podman --runtime ward) can start a container under it" "$OUT"
assert_line "check: runc cannot, and why" \
	"$T/guide.json: warning: runc 1.1 (Docker, containerd, Kubernetes) cannot start a container: it calls fstatfs close_range after loading the filter" "$OUT"
run_ward seccomp check "$T/no-execve.json"
assert_status "check of a profile without execve: 1" 1
assert_contains "check without execve: the error" "$OUT" "error: denies execve: no program can start under it"
run_ward seccomp check
assert_not_contains "check of the default: no warning" "$OUT" "warning"

# compare under the guide's allowlist: the probe runs (it needs only execve after
# the filter, like any command), and a command that cannot start is a row, not a failure
run_ward compare --security-opt seccomp="$T/guide.json" "$ROOTFS" /nonexistent
assert_status "compare with the guide's allowlist and a missing command: 0" 0
assert_contains "compare: the probe's table" "$OUT" "CALL                           A"
assert_contains "compare: the command could not start under A" "$OUT" \
	"A: could not start: exec '/nonexistent': No such file or directory"
run_ward compare --security-opt seccomp="$T/no-execve.json" "$ROOTFS"
assert_status "compare with a profile without execve: 125" 125
assert_contains "compare without execve: the cause" "$ERR" "the seccomp profile denies execve"

# --report-denied: never hangs, whatever the profile denies
for p in guide no-sendmsg no-sendto no-setresuid no-close_range no-umask; do
	f=$T/$p.json
	[ -e "$f" ] || allowlist "$f"
	WARD_TIMEOUT=20 run_ward run --report-denied --security-opt seccomp="$f" "$ROOTFS" /bin/sh -c 'echo ok; /bin/ls /nonexistent-dir'
	assert_eq "--report-denied with $p: the command ran" "ok" "$OUT"
	assert_contains "--report-denied with $p: the report" "$ERR" "ward: seccomp denied"
done
WARD_TIMEOUT=20 run_ward run --report-denied --security-opt seccomp="$T/no-execve.json" "$ROOTFS" /bin/true
assert_status "--report-denied, no execve: 125" 125
assert_contains "--report-denied, no execve: the cause" "$ERR" "denies execve"

# a staging profile (SCMP_ACT_LOG for what the allowlist does not name): the calls
# go on, and --report-denied lists them as logged
python3 - "$T/guide.json" "$T/stage.json" <<'EOF'
import json, sys
p = json.load(open(sys.argv[1])); p["defaultAction"] = "SCMP_ACT_LOG"
p["syscalls"][0]["names"].remove("getcwd")
json.dump(p, open(sys.argv[2], "w"))
EOF
run_ward run --report-denied --security-opt seccomp="$T/stage.json" "$ROOTFS" /bin/sh -c 'cd /etc && pwd'
assert_eq "staging: the logged call went on" "0 /etc" "$STATUS $OUT"
assert_match "staging: the report lists it as logged" 'getcwd +[0-9]+  logged ' "$ERR"
assert_contains "staging: the total" "$ERR" "ward: seccomp denied 0 calls and logged"

# SIGTERM to ward reaches a --report-denied container and ends it (a shell as pid 1
# ends on SIGTERM only with a handler: the kernel drops it otherwise)
"$WARD" run --report-denied --security-opt seccomp="$T/no-sendmsg.json" "$ROOTFS" \
	/bin/sh -c 'trap "exit 143" TERM; sleep 100 & wait' >/dev/null 2>&1 &
pid=$!
sleep 0.5
if kill -0 "$pid" 2>/dev/null; then
	pass "a --report-denied run is running"
else
	fail "a --report-denied run is running"
fi
kill -TERM "$pid"
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then
	fail "SIGTERM ends a --report-denied run"
	kill -KILL "$pid"
else
	pass "SIGTERM ends a --report-denied run"
fi
wait "$pid" 2>/dev/null

# ward create (an engine's way in) with a profile that denies execve: refused before
# anything starts, with the same message, runc's status 1, no state left
B=$T/bundle
mkdir -p "$B"
(cd "$B" && "$WARD" spec) || bail_out "ward spec failed"
python3 - "$B/config.json" "$ROOTFS" "$T/no-execve.json" <<'EOF' || bail_out "cannot edit config.json"
import json, sys
path, rootfs, sec = sys.argv[1:4]
c = json.load(open(path))
c["root"] = {"path": rootfs, "readonly": True}
c["process"]["args"] = ["/bin/true"]
c["process"]["terminal"] = False
c["linux"]["seccomp"] = json.load(open(sec))
json.dump(c, open(path, "w"))
EOF
run_ward --root "$T/state" create --bundle "$B" byop-noexec
assert_status "create, no execve: 1" 1
assert_eq "create, no execve: the message" \
	"ward: the seccomp profile denies execve, which ward needs after loading it (add it to the profile)" "$ERR"
assert_eq "create, no execve: no state left" "" "$(ls -A "$T/state" 2>/dev/null)"

assert_nothing_left "nothing left"
finish
