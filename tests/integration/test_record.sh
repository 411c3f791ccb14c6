#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `ward seccomp record`: a workload recorded (shell applets, forks, i386 and x32
# calls) runs under its recorded profile with no denial; one call more is denied;
# every syscall strace sees after the entrypoint's execve is in the profile; the
# profile of /bin/true is small; --merge is idempotent; bad input exits 125 with
# one line naming it and leaves nothing behind; rootless recording works; the OCI
# annotation io.containers.trace-syscall records a bundle's container.
# `ward seccomp diff`: exit 0, 1 and 125, and its JSON.
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

need_root
setup_rootfs
new_tmpdir T
snapshot_state

# names PROFILE [x86|x32]: the names a profile allows, one per line (all rules, or
# the rule of one ABI group)
names() {
	python3 - "$@" <<'EOF'
import json, sys
p = json.load(open(sys.argv[1]))
abi = sys.argv[2] if len(sys.argv) > 2 else None
out = set()
for r in p["syscalls"]:
    if r["action"] != "SCMP_ACT_ALLOW":
        continue
    if abi and not r.get("comment", "").startswith(abi + " "):
        continue
    out.update(r["names"])
print("\n".join(sorted(out)))
EOF
}

# the workload: many applets, pipelines, subshells and background jobs (forks), the
# helper for a unix socket; "extra" adds one call of each kind the recording lacks
mkdir "$T/w"
cat >"$T/w/work.sh" <<EOF
cd /tmp
echo hello >/tmp/f; cat /tmp/f | grep hello | wc -l >/dev/null
ls -l / >/dev/null; mkdir -p /tmp/d/e; touch /tmp/d/e/x; rm -r /tmp/d
for i in 1 2 3; do (echo \$i | sed s/1/x/ | sort -r >/dev/null) & wait; done
date >/dev/null; id >/dev/null; uname -a >/dev/null; hostname >/dev/null
head -c 64 /dev/urandom | base64 >/dev/null; stat / >/dev/null; sleep 0.1
$H syscall getpid socket:unix
if [ "\${1:-}" = mount ]; then $H syscall mount; fi
if [ "\${1:-}" = packet ]; then $H syscall socket:17; fi
echo done
EOF
RUN=(-v "$T/w:/w:ro" --tmpfs /tmp)

# record_work ARGS...: run_ward seccomp record ARGS, again (up to 3 times) when a call of
# the workload failed with EINTR: a signal without SA_RESTART (ash's SIGCHLD) that comes
# while a call waits for ward to receive it interrupts it (README: the limits of record).
# An interrupted fork or close can leave ash's background pipeline waiting for ever on a
# pipe (the workload's own hang, not ward's: the workload is killed after 30 s, and
# recorded again).
record_work() {
	local i
	for i in 1 2 3; do
		WARD_TIMEOUT=30 run_ward seccomp record "$@"
		if [ "$STATUS" -eq 124 ]; then
			diag "the workload hung after an interrupted call (try $i): recording again"
			continue
		fi
		[[ $ERR == *"Interrupted system call"* ]] || return 0
		diag "the workload saw EINTR (try $i): recording again"
	done
}

record_work -o "$T/work.json" "${RUN[@]}" "$ROOTFS" /bin/sh /w/work.sh
assert_status "record: the workload's status" 0
assert_contains "record: its output" "$OUT" "done"
assert_match "record: a one-line summary" \
	"^ward: seccomp record: [0-9]+ syscalls, [0-9]+ calls recorded, [0-9]+ rules written to $T/work.json$" "$ERR"
run_ward seccomp check "$T/work.json"
assert_status "record: the profile passes ward seccomp check" 0
assert_contains "record: runc and crun can start it too" "$OUT" \
	"runc 1.1 (Docker, containerd, Kubernetes) can start a container under it"
python3 - "$T/work.json" >"$T/shape" <<'EOF'
import json, sys
p = json.load(open(sys.argv[1]))
print(p["defaultAction"], p["defaultErrnoRet"], json.dumps(p["archMap"]))
for r in p["syscalls"]:
    assert r["names"] == sorted(r["names"]), r
    assert r.get("comment"), r
    if r["names"] == ["clone"]:
        print("clone", json.dumps(r.get("args")))
    if r["names"] == ["socket"]:
        print("socket", json.dumps(r.get("args")))
EOF
assert_eq "record: Docker's format, names sorted, every rule commented" \
	'SCMP_ACT_ERRNO 1 [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]}]
clone [{"index": 0, "value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}]
socket [{"index": 0, "value": 1, "valueTwo": 0, "op": "SCMP_CMP_EQ"}]' "$(cat "$T/shape")"

run_ward run --report-denied --security-opt seccomp="$T/work.json" "${RUN[@]}" "$ROOTFS" /bin/sh /w/work.sh
assert_eq "enforced: the same workload runs" "0" "$STATUS"
assert_contains "enforced: its output" "$OUT" "done"
assert_contains "enforced: zero denials" "$ERR" "ward: seccomp denied no syscalls"

run_ward run --report-denied --security-opt seccomp="$T/work.json" "${RUN[@]}" "$ROOTFS" /bin/sh /w/work.sh mount
assert_contains "enforced, plus mount: the helper sees EPERM" "$OUT" "mount: EPERM"
assert_match "enforced, plus mount: reported denied" " mount +1 +EPERM" "$ERR"
run_ward run --report-denied --security-opt seccomp="$T/work.json" "${RUN[@]}" "$ROOTFS" /bin/sh /w/work.sh packet
assert_contains "enforced, plus socket(AF_PACKET): EPERM" "$OUT" "socket:17: EPERM"
assert_match "enforced, plus socket(AF_PACKET): reported denied" " socket +1 +EPERM" "$ERR"
run_ward run --report-denied --security-opt seccomp="$T/work.json" "$ROOTFS" $H sys 56 0x04000011
assert_contains "enforced: clone with CLONE_NEWUTS is denied by the profile" "$ERR" " clone "

# a program that starts threads (glibc's pthread_create: clone3, or clone with CLONE_THREAD)
record_work -o "$T/threads.json" "$ROOTFS" $H threads 8
assert_eq "record: a threaded workload runs" "0 threads: 8" "$STATUS $OUT"
run_ward run --report-denied --security-opt seccomp="$T/threads.json" "$ROOTFS" $H threads 8
assert_eq "record: the threaded workload enforced runs" "0 threads: 8" "$STATUS $OUT"
assert_contains "record: the threaded workload enforced, zero denials" "$ERR" \
	"ward: seccomp denied no syscalls"

# the i386 (int $0x80) and x32 ABIs: their own groups
run_ward seccomp record -o "$T/abi.json" "$ROOTFS" $H int80 20 -- 359 1 1 0
assert_status "record i386 calls" 0
assert_eq "record: i386's getpid in the x86 group" "getpid" "$(names "$T/abi.json" x86)"
assert_contains "record: i386's socket(AF_UNIX) as an argument rule" \
	"$(python3 -c 'import json,sys; print([r["args"][0]["value"] for r in json.load(open(sys.argv[1]))["syscalls"] if r["names"]==["socket"]])' "$T/abi.json")" "[1]"
run_ward run --report-denied --security-opt seccomp="$T/abi.json" "$ROOTFS" $H int80 20 -- 359 1 1 0 -- 64
assert_eq "enforced i386: recorded calls pass, getppid does not" "ok
ok
EPERM" "$OUT"
run_ward seccomp record -o "$T/x32.json" "$ROOTFS" $H sys 0x40000027
assert_status "record an x32 call" 0
assert_eq "record: x32's getpid in the x32 group" "getpid" "$(names "$T/x32.json" x32)"

# completeness: what strace -f sees after the entrypoint's execve
if ! command -v strace >/dev/null; then
	skip "completeness against strace -f" "strace is not installed (apt-get install strace)"
else
	strace -f -qq -o "$T/strace" "$WARD" run --security-opt seccomp=unconfined "${RUN[@]}" \
		"$ROOTFS" /bin/sh /w/work.sh >/dev/null 2>&1
	python3 - "$T/strace" >"$T/traced" <<'EOF'
import re, sys
lines = open(sys.argv[1]).read().splitlines()
main = lines[0].split()[0]
init, seen = None, set()
for l in lines:
    pid, rest = l.split(None, 1)
    if pid == main:
        continue
    if init is None:
        if rest.startswith('execve("/bin/sh"'):
            init = pid
        else:
            continue  # ward's child before the entrypoint
    m = re.match(r'(?:<\.\.\. )?([a-z_0-9]+)(?:\(| resumed>)', rest)
    if m:
        seen.add(m.group(1))
print("\n".join(sorted(seen)))
EOF
	names "$T/work.json" >"$T/recorded"
	missing=$(comm -23 "$T/traced" "$T/recorded" | tr '\n' ' ')
	assert_eq "completeness: every syscall strace -f sees after the execve is recorded" "" "$missing"
	diag "strace saw $(wc -l <"$T/traced") syscalls, the profile allows $(wc -l <"$T/recorded")"
fi

# the profile of /bin/true is small
run_ward seccomp record -o "$T/true.json" "$ROOTFS" /bin/true
n=$(names "$T/true.json" | wc -l)
d=$(names "$WARD_SOURCE_DIR/profiles/default.json" | wc -l)
diag "/bin/true: $n names allowed (with the runtimes' calls), Docker's default: $d"
assert_eq "/bin/true: fewer than 40 names allowed" "yes" "$([ "$n" -lt 40 ] && echo yes)"

# after ward's global options, as every other verb takes them (runc's: --root, --log, --debug)
run_ward --root "$T/state" --debug --log "$T/ward.log" seccomp record -o "$T/true-g.json" "$ROOTFS" /bin/true
assert_status "seccomp record after global options" 0
assert_eq "seccomp record after global options: the same profile" "" "$(cmp "$T/true.json" "$T/true-g.json" 2>&1)"
run_ward --log "$T/ward.log" seccomp record -o "$T/none.json" "$T/no-rootfs" /bin/true
assert_status "seccomp record after --log, a bad rootfs" 125
assert_contains "seccomp record after --log: the error, in the log too" "$(cat "$T/ward.log" 2>/dev/null)" "$T/no-rootfs"
assert_eq "seccomp record after --log, a bad rootfs: no output file" "" "$(ls "$T/none.json" 2>/dev/null)"
run_ward --root=/nowhere seccomp diff default default
assert_status "seccomp diff after --root=DIR" 0

# --merge: the same run twice changes nothing; a union otherwise
record_work -o "$T/merged.json" --merge "$T/work.json" "${RUN[@]}" "$ROOTFS" /bin/sh /w/work.sh
assert_status "--merge: the same workload again" 0
assert_eq "--merge: idempotent (byte for byte)" "" "$(cmp "$T/work.json" "$T/merged.json" 2>&1)"
cp "$T/true.json" "$T/union.json"
run_ward seccomp record -o "$T/union.json" --merge "$T/union.json" "$ROOTFS" $H int80 20
assert_eq "--merge into itself: the union keeps /bin/true's names" "" \
	"$(comm -23 <(names "$T/true.json") <(names "$T/union.json"))"
assert_eq "--merge into itself: and adds the new run's" "getpid" "$(names "$T/union.json" x86)"
run_ward seccomp record -o "$T/docker.json" --merge "$WARD_SOURCE_DIR/profiles/default.json" "$ROOTFS" /bin/true
run_ward seccomp diff "$WARD_SOURCE_DIR/profiles/default.json" "$T/docker.json"
assert_eq "--merge with Docker's default: allows exactly what it did" "0" "$STATUS"

# stacked on an enforcing profile: what it denies never reaches the recorder
run_ward seccomp record -o "$T/stacked.json" --security-opt seccomp=default "$ROOTFS" $H syscall mount getpid
assert_contains "stacked on the default profile: mount is denied" "$OUT" "mount: EPERM"
assert_eq "stacked: mount is not recorded, getpid is" "getpid" \
	"$(names "$T/stacked.json" | grep -xE 'mount|getpid')"

# bad input: 125, one line naming it, nothing left behind
mkdir "$T/out"
run_ward seccomp record -o "$T/missing/p.json" "$ROOTFS" /bin/true
assert_eq "-o into a missing directory: 125, one line naming it" \
	"125 ward: seccomp record: cannot write '$T/missing/p.json': No such file or directory" "$STATUS $ERR"
mkdir "$T/ro" && mount -t tmpfs -o ro tmpfs "$T/ro"
run_ward seccomp record -o "$T/ro/p.json" "$ROOTFS" /bin/true
umount "$T/ro"
assert_eq "-o into a read-only place: 125, one line naming it" \
	"125 ward: seccomp record: cannot write '$T/ro/p.json': Read-only file system" "$STATUS $ERR"
echo '{"defaultAction": 5}' >"$T/bad.json"
run_ward seccomp record -o "$T/out/p.json" --merge "$T/bad.json" "$ROOTFS" /bin/true
assert_status "--merge of an invalid profile: 125" 125
assert_match "--merge of an invalid profile: one line naming it" "^ward: seccomp record: --merge '$T/bad.json': [^
]*$" "$ERR"
run_ward seccomp record -o "$T/out/p.json" "$ROOTFS" /nonexistent
assert_eq "a workload that never starts: 125, one line naming it" \
	"125 ward: exec '/nonexistent': No such file or directory" "$STATUS $ERR"
run_ward seccomp record "$ROOTFS" /bin/true
assert_status "no -o: 125" 125
assert_eq "bad input: no output file, no temporary file" "" "$(ls -A "$T/out")"
run_ward seccomp record -o "$T/out/p.json" "$ROOTFS" /bin/sh -c 'exit 3'
assert_status "the command's own status passes through" 3
assert_eq "a failing command still gets its profile" "p.json" "$(ls -A "$T/out")"
assert_nothing_left "record: nothing left behind"

# rootless: as nobody, when this kernel lets it have a user namespace
NOBODY=65534
if ! setpriv --reuid "$NOBODY" --regid "$NOBODY" --clear-groups unshare -U -r true 2>/dev/null; then
	skip "rootless record" "this kernel refuses unprivileged user namespaces (sysctl)"
else
	new_tmpdir U
	fresh_rootfs RFS
	cp -- "$WARD" "$U/ward"
	mkdir "$U/cache" "$U/data"
	chown -R "$NOBODY:$NOBODY" "$U/cache" "$U/data" "$RFS"
	chmod 755 "$U/ward"
	as_nobody() {
		setpriv --reuid $NOBODY --regid $NOBODY --clear-groups env WARD_CACHE_DIR="$U/cache" "$U/ward" "$@"
	}
	as_nobody seccomp record -o "$U/data/p.json" "$RFS" /bin/sh -c 'ls / >/dev/null; echo ok' \
		>"$U/out" 2>"$U/err"
	assert_eq "rootless record: the workload runs and the profile is written" "ok yes" \
		"$(cat "$U/out") $([ -s "$U/data/p.json" ] && echo yes)"
	as_nobody run --report-denied --security-opt seccomp="$U/data/p.json" "$RFS" \
		/bin/sh -c 'ls / >/dev/null; echo ok' >"$U/out" 2>"$U/err"
	assert_eq "rootless: enforced, zero denials" "ok
ward: seccomp denied no syscalls" "$(cat "$U/out" "$U/err")"
fi

# the OCI path: io.containers.trace-syscall, as podman's oci-seccomp-bpf-hook takes it
mkdir "$T/bundle" "$T/state"
"$WARD" spec --bundle "$T/bundle"
ln -s "$ROOTFS" "$T/bundle/rootfs"
# bundle VALUE: config.json with the annotation (none for "") and a shell command
bundle() {
	python3 - "$T/bundle/config.json" "$1" <<'EOF'
import json, sys
p = json.load(open(sys.argv[1]))
p["process"]["args"] = ["/bin/sh", "-c", "ls / | wc -l"]
p["process"]["terminal"] = False
p["annotations"] = {"io.containers.trace-syscall": sys.argv[2]} if sys.argv[2] else {}
json.dump(p, open(sys.argv[1], "w"))
EOF
}
# wait_file F: the recorder writes when the container is gone, a moment after run returns
wait_file() {
	local i
	for i in $(seq 1 50); do
		[ -s "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
bundle "of:$T/oci.json"
run_ward --root "$T/state" run --bundle "$T/bundle" rec1
# (the shared test rootfs holds the mount points other tests made, so count them now)
assert_eq "OCI run --bundle with the annotation: the container runs" "0 $(ls "$ROOTFS" | wc -l)" "$STATUS $OUT"
wait_file "$T/oci.json"
assert_contains "OCI: the profile is written at exit" "$(names "$T/oci.json")" "getdents64"
bundle "if:$T/abi.json;of:$T/oci2.json"
run_ward --root "$T/state" run --bundle "$T/bundle" rec2
wait_file "$T/oci2.json"
assert_eq "OCI: if: merges an existing profile" "getpid" "$(names "$T/oci2.json" x86)"
run_ward run --report-denied --security-opt seccomp="$T/oci.json" "$ROOTFS" /bin/sh -c 'ls / | wc -l'
assert_contains "OCI: the recorded profile enforced, zero denials" "$ERR" "ward: seccomp denied no syscalls"
for v in "of:rel.json" "xx:/tmp/x" "if:$T/abi.json" "of:$T/missing/o.json" "if:$T/bad.json;of:$T/o.json"; do
	bundle "$v"
	run_ward --root "$T/state" run --bundle "$T/bundle" bad
	assert_eq "OCI: bad annotation '$v': exit 1, an error naming it" \
		"1 ward: annotation io.containers.trace-syscall '$v': " "$STATUS ${ERR%%"$v': "*}$v': "
done
assert_eq "OCI: bad annotations start nothing, leave no state or file" "" \
	"$(ls -A "$T/state"; ls -A "$T" | grep -E '^\.?o\.json')"
assert_nothing_left "OCI: nothing left behind"

# ward seccomp diff
run_ward seccomp diff default "$T/work.json"
assert_status "diff: a recorded profile is no wider than the default: 0" 0
run_ward seccomp diff "$T/work.json" default
assert_status "diff: the default is wider than a recorded profile: 1" 1
assert_match "diff: io_setup is among what NEW allows" "
  \+ io_setup" "$OUT"
run_ward seccomp diff default default --cap-add SYS_ADMIN
assert_eq "diff: a profile against itself, with --cap-add: 0, no rows" "0 NEW allows, OLD denies (0):
OLD allows, NEW denies (0):" "$STATUS $OUT"
run_ward seccomp diff "$T/true.json" "$T/work.json" --json
python3 - "$OUT" >"$T/json" <<'EOF'
import json, sys
d = json.loads(sys.argv[1])
assert sorted(d) == ["added", "new", "old", "removed", "wider"], sorted(d)
assert d["wider"] is True
for c in d["added"] + d["removed"]:
    assert sorted(c) == ["args", "syscall"], c
    assert c["args"] is None or all(sorted(a) == ["index", "value"] for a in c["args"])
socket = [c for c in d["added"] if c["syscall"] == "socket"]
print(json.dumps(socket))
EOF
assert_eq "diff --json: its shape; socket(AF_UNIX) is what NEW adds for socket" \
	'[{"syscall": "socket", "args": [{"index": 0, "value": 1}]}]' "$(cat "$T/json")"
run_ward seccomp diff default "$T/missing.json"
assert_eq "diff: a missing profile: 125, naming it" \
	"125 ward: seccomp diff: cannot read seccomp profile '$T/missing.json': No such file or directory" \
	"$STATUS $ERR"
run_ward seccomp diff default "$T/bad.json"
assert_status "diff: an invalid profile: 125" 125
run_ward seccomp diff default
assert_status "diff: one profile only: 125" 125
run_ward seccomp record --help
assert_contains "record --help" "$OUT" "Usage: ward seccomp record -o PROFILE"
run_ward seccomp diff --help
assert_contains "diff --help" "$OUT" "Usage: ward seccomp diff OLD NEW"

finish
