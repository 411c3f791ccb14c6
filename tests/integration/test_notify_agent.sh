#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# SCMP_ACT_NOTIFY: the listener goes to the agent at the profile's listenerPath
# with the container process state (runtime spec), for ward run and for a
# bundle's create; --report-denied refuses such a profile; an agent that is not
# there is a one-line error and nothing is left.
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

need_root
setup_rootfs
new_tmpdir T
ROOT=$T/state
AGENT=$WARD_SOURCE_DIR/tests/helper/seccomp_agent.py
snapshot_state

# profile FILE SOCKET: Docker's default, with mkdir notified to the agent at SOCKET
profile() {
	python3 - "$WARD_SOURCE_DIR/profiles/default.json" "$1" "$2" <<'PY' || bail_out "cannot write $1"
import json, sys
p = json.load(open(sys.argv[1]))
for r in p["syscalls"]:
    r["names"] = [n for n in r["names"] if n not in ("mkdir", "mkdirat")]
p["syscalls"] = [r for r in p["syscalls"] if r["names"]]
p["syscalls"].append({"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"})
p["listenerPath"] = sys.argv[3]
p["listenerMetadata"] = "ward-test"
json.dump(p, open(sys.argv[2], "w"))
PY
}

# agent NAME: start one, answering EROFS; sets AGENT_PID, SOCK, STATE
agent() {
	SOCK=$T/$1.sock
	STATE=$T/$1.state
	python3 "$AGENT" "$SOCK" "$STATE" 30 &
	AGENT_PID=$!
	for _ in $(seq 50); do [ -e "$SOCK.ready" ] && return 0; sleep 0.1; done
	bail_out "the seccomp agent did not start"
}

field() {
	python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); v=eval("s"+sys.argv[2]); print(v)' "$STATE" "$1" 2>/dev/null
}

agent run
profile "$T/run.json" "$SOCK"
run_ward run --security-opt seccomp="$T/run.json" "$ROOTFS" /bin/mkdir /tmp/x
assert_status "ward run: mkdir answered by the agent fails" 1
assert_contains "ward run: with the agent's errno (EROFS)" "$ERR" "Read-only file system"
wait "$AGENT_PID"
assert_eq "the agent got the listener" "anon_inode:seccomp notify" "$(field '["listener"]')"
assert_eq "the state names the descriptor" "['seccompFd']" "$(field '["fds"]')"
assert_eq "the state carries listenerMetadata" "ward-test" "$(field '["metadata"]')"
assert_match "the state has the container's pid" '^[0-9]+$' "$(field '["pid"]')"
assert_eq "the state's ociVersion" "1.0.2" "$(field '["ociVersion"]')"
assert_eq "the inner state's status" "creating" "$(field '["state"]["status"]')"

run_ward run --report-denied --security-opt seccomp="$T/run.json" "$ROOTFS" /bin/true
assert_status "--report-denied with an agent's profile: 125" 125
assert_contains "--report-denied with an agent's profile: why" "$ERR" \
	"--report-denied cannot be used with a profile that has SCMP_ACT_NOTIFY rules"

profile "$T/absent.json" "$T/nobody.sock"
run_ward run --security-opt seccomp="$T/absent.json" "$ROOTFS" /bin/true
assert_status "no agent listening: 125" 125
assert_eq "no agent listening: the message" \
	"ward: cannot connect to the seccomp agent at '$T/nobody.sock': No such file or directory" "$ERR"

# a bundle: ward create hands the listener over before it exits
agent bundle
profile "$T/bundle.json" "$SOCK"
mkdir -p "$T/b"
(cd "$T/b" && "$WARD" spec) || bail_out "ward spec failed"
python3 - "$T/b/config.json" "$ROOTFS" "$T/bundle.json" <<'PY' || bail_out "cannot edit config.json"
import json, sys
c = json.load(open(sys.argv[1]))
c["root"] = {"path": sys.argv[2], "readonly": True}
c["process"]["args"] = ["/bin/mkdir", "/tmp/y"]
c["process"]["terminal"] = False
c["linux"]["seccomp"] = json.load(open(sys.argv[3]))
json.dump(c, open(sys.argv[1], "w"))
PY
run_ward --root "$ROOT" run --bundle "$T/b" agent-b-$$
assert_status "run --bundle: mkdir answered by the agent fails" 1
assert_contains "run --bundle: the agent's errno" "$ERR" "Read-only file system"
wait "$AGENT_PID"
assert_eq "run --bundle: the state's id" "agent-b-$$" "$(field '["state"]["id"]')"
assert_eq "run --bundle: the state's bundle" "$T/b" "$(field '["state"]["bundle"]')"

assert_nothing_left "nothing left"
finish
