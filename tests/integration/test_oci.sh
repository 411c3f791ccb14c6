#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The OCI runtime command line: spec, features, --version, list, state, create,
# start, kill, delete, run --bundle; the lifecycle across separate invocations,
# the state JSON, the pid file, the errors the runtime spec asks for, and nothing
# left behind (no state directory, process, mount or cgroup) after a failure.
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

need_root
setup_rootfs
new_tmpdir T
ROOT=$T/state # --root of every ward here: the host's /run/ward is not touched
snapshot_state

# wo ARGS...: ward with this test's --root
wo() {
	run_ward --root "$ROOT" "$@"
}

# json_field FIELD: a top-level field of the JSON in $OUT
json_field() {
	python3 -c 'import json,sys; v=json.loads(sys.stdin.read())[sys.argv[1]]; print(json.dumps(v) if isinstance(v,(dict,list)) else v)' "$1" <<<"$OUT" 2>/dev/null
}

# ---- spec, features, --version ----------------------------------------------------

mkdir "$T/spec"
run_ward spec --bundle "$T/spec"
assert_status "spec: writes config.json" 0
python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); assert c["root"]["path"]=="rootfs"; assert "CAP_KILL" in c["process"]["capabilities"]["bounding"]; assert "/proc/kcore" in c["linux"]["maskedPaths"]' \
	"$T/spec/config.json" && pass "spec: root, capabilities, masked paths" ||
	fail "spec: root, capabilities, masked paths" "$(cat "$T/spec/config.json")"
cd "$T/spec" || bail_out "cd"
run_ward spec
cd - >/dev/null || bail_out "cd"
assert_status "spec: refuses to overwrite, exit 1" 1
assert_eq "spec: the message" "ward: spec: './config.json' exists already: not overwriting it" "$ERR"
run_ward spec --bundle "$T/spec"
assert_status "spec --bundle: refuses too" 1

run_ward features
assert_status "features: exit 0" 0
assert_eq "features: ociVersionMax" "1.0.2" "$(json_field ociVersionMax)"
run_ward --version
assert_line "--version: the spec version" "spec: 1.0.2" "$OUT"

# ---- errors before anything exists ----------------------------------------------------

wo list
assert_status "list: no containers, exit 0" 0
assert_eq "list: only the header" "ID                   PID      STATUS     BUNDLE                                   CREATED" "$OUT"
wo list --format json
assert_eq "list --format json: []" "[]" "$OUT"
wo state nope
assert_status "state of an unknown id: exit 1" 1
assert_eq "state of an unknown id: the message" "ward: container 'nope' does not exist" "$ERR"
wo start nope
assert_eq "start of an unknown id" "ward: container 'nope' does not exist" "$ERR"
wo kill nope KILL
assert_eq "kill of an unknown id" "ward: container 'nope' does not exist" "$ERR"
wo delete nope
assert_eq "delete of an unknown id" "ward: container 'nope' does not exist" "$ERR"

make_bundle "$T/ok" '["/usr/bin/ward-testhelper", "sleep", "30"]'

# bad DESC EXPECTED_STDERR WARD_ARGS...: exit 1, that message, no state, nothing left
bad() {
	local desc=$1 msg=$2
	shift 2
	wo "$@"
	assert_status "$desc: exit 1" 1
	assert_eq "$desc: the message" "$msg" "$ERR"
	if [ -z "$(ls -A "$ROOT" 2>/dev/null)" ]; then
		pass "$desc: no state left"
	else
		fail "$desc: no state left" "$(ls -la "$ROOT")"
	fi
	assert_nothing_left "$desc: nothing started or left"
}

bad "id with a slash" \
	"ward: invalid container id 'a/b': use 1 to 64 of A-Z a-z 0-9 _ . -, not starting with . or -" \
	create --bundle "$T/ok" a/b
bad "missing bundle" "ward: bundle '$T/none' does not exist" create --bundle "$T/none" c1
mkdir "$T/empty"
bad "no config.json" "ward: config.json: '$T/empty/config.json' does not exist" \
	create --bundle "$T/empty" c1
mkdir "$T/notjson" && echo '{"ociVersion":' >"$T/notjson/config.json"
wo create --bundle "$T/notjson" c1
assert_status "invalid JSON: exit 1" 1
assert_match "invalid JSON: the message" "^ward: config.json: invalid JSON: " "$ERR"
make_bundle "$T/noroot" '["/bin/true"]' 'c["root"]["path"] = "/nonexistent-ward-root"'
bad "missing root" "ward: config.json: root.path: '/nonexistent-ward-root' does not exist" \
	create --bundle "$T/noroot" c1
make_bundle "$T/badns" '["/bin/true"]' 'c["linux"]["namespaces"].append({"type": "foo"})'
bad "unknown namespace" "ward: config.json: linux.namespaces[6].type: unknown namespace type 'foo'" \
	create --bundle "$T/badns" c1
make_bundle "$T/noargs" '[]'
bad "empty args" "ward: config.json: process.args: must be a non-empty array of strings" \
	create --bundle "$T/noargs" c1
make_bundle "$T/badcap" '["/bin/true"]' 'c["process"]["capabilities"]["bounding"].append("CAP_NOPE")'
bad "unknown capability" \
	"ward: config.json: process.capabilities.bounding: unknown capability 'CAP_NOPE'" \
	create --bundle "$T/badcap" c1
make_bundle "$T/badrl" '["/bin/true"]' 'c["process"]["rlimits"] = [{"type": "RLIMIT_NOPE", "soft": 1, "hard": 1}]'
bad "unknown rlimit" "ward: config.json: process.rlimits[0].type: unknown rlimit 'RLIMIT_NOPE'" \
	create --bundle "$T/badrl" c1
bad "start of nothing" "ward: container 'c1' does not exist" start c1

# ---- the lifecycle ------------------------------------------------------------------------

wo create --bundle "$T/ok" --pid-file "$T/pid" c1
if [[ $ERR == *"create mode is not merged yet"* ]]; then
	skip "create, start, state, kill, delete, run --bundle" \
		"the launcher's create mode (process.c proc_create) is not merged yet"
	wo delete c1
	finish
fi
assert_status "create: exit 0" 0
assert_eq "create: nothing on stdout" "" "$OUT"
pid=$(cat "$T/pid" 2>/dev/null)
assert_match "create: --pid-file holds a pid" '^[0-9]+$' "$pid"
wo state c1
assert_status "state: exit 0" 0
assert_eq "state: created" "created" "$(json_field status)"
assert_eq "state: id" "c1" "$(json_field id)"
assert_eq "state: pid as in the pid file" "$pid" "$(json_field pid)"
assert_eq "state: bundle" "$T/ok" "$(json_field bundle)"
assert_eq "state: ociVersion" "1.0.2" "$(json_field ociVersion)"
assert_eq "created: the process has not executed yet" "" "$(host_pids_of "$H sleep 30")"
bad_dup() {
	wo create --bundle "$T/ok" c1
	assert_status "duplicate id: exit 1" 1
	assert_eq "duplicate id: the message" "ward: container 'c1' already exists" "$ERR"
}
bad_dup
wo list
assert_match "list: c1 created" "^c1 +$pid +created +$T/ok " "$(sed -n 2p <<<"$OUT")"
# the owner as runc shows it: the state directory's uid named by the host's /etc/passwd
wo list --format json
assert_eq "list --format json: the owner, root by name" "root" \
	"$(python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["owner"])' <<<"$OUT")"

wo start c1
assert_status "start: exit 0" 0
wo state c1
assert_eq "state after start: running" "running" "$(json_field status)"
for _ in $(seq 50); do [ -n "$(host_pids_of "$H sleep 30")" ] && break; sleep 0.1; done
assert_eq "running: the command runs as the init" "$pid" "$(host_pids_of "$H sleep 30")"
wo start c1
assert_status "start twice: exit 1" 1
assert_eq "start twice: the message" \
	"ward: cannot start container 'c1': it is running, not created" "$ERR"
wo delete c1
assert_status "delete running without --force: exit 1" 1
assert_eq "delete running: the message" \
	"ward: cannot delete container 'c1': it is running (stop it, or use --force)" "$ERR"
wo kill c1 BOGUS
assert_eq "kill: unknown signal" "ward: unknown signal 'BOGUS'" "$ERR"
# SIGTERM has no default action for a pid namespace's init: KILL it
wo kill c1 KILL
assert_status "kill KILL: exit 0" 0
for _ in $(seq 50); do
	wo state c1
	[ "$(json_field status)" = stopped ] && break
	sleep 0.1
done
assert_eq "state after kill: stopped" "stopped" "$(json_field status)"
wo kill c1 KILL
assert_status "kill a stopped container: exit 1" 1
assert_eq "kill a stopped container: the message" "ward: cannot kill container 'c1': it is stopped" "$ERR"
wo delete c1
assert_status "delete: exit 0" 0
assert_eq "delete: the state is gone" "" "$(ls -A "$ROOT")"
assert_nothing_left "create/start/kill/delete: nothing left"

# created, then deleted without start; and delete --force of a running one
wo create --bundle "$T/ok" c2
wo delete c2
assert_status "delete a created container: exit 0" 0
assert_nothing_left "delete of a created container: nothing left"
wo create --bundle "$T/ok" c3
wo start c3
wo delete --force c3
assert_status "delete --force a running container: exit 0" 0
assert_nothing_left "delete --force: nothing left"

# kill by number
wo create --bundle "$T/ok" c4
wo kill c4 9
assert_status "kill by number: exit 0" 0
wo delete c4

# run --bundle: foreground, the container's status, state gone afterwards
make_bundle "$T/exit3" '["/usr/bin/ward-testhelper", "exit", "3"]'
wo run --bundle "$T/exit3" r1
assert_status "run --bundle: the container's status" 3
wo run -b "$T/exit3" r1
assert_status "run -b: the same" 3
assert_eq "run: no state left" "" "$(ls -A "$ROOT")"
make_bundle "$T/echo" '["/usr/bin/ward-testhelper", "pid"]'
wo run --bundle "$T/echo" r2
assert_eq "run: pid 1 in the container" "1" "$OUT"
assert_nothing_left "run --bundle: nothing left"

# hooks: poststart and poststop, with the state on stdin
make_bundle "$T/hooks" '["/usr/bin/ward-testhelper", "sleep", "30"]' "
c['hooks'] = {'poststart': [{'path': '/bin/sh', 'args': ['sh', '-c', 'cat > $T/poststart.json']}],
              'poststop': [{'path': '/bin/sh', 'args': ['sh', '-c', 'cat > $T/poststop.json']}]}"
wo create --bundle "$T/hooks" h1
wo start h1
OUT=$(cat "$T/poststart.json" 2>/dev/null)
assert_eq "poststart: the state on stdin, running" "running" "$(json_field status)"
wo delete --force h1
OUT=$(cat "$T/poststop.json" 2>/dev/null)
assert_eq "poststop: the state on stdin, stopped" "stopped" "$(json_field status)"
assert_nothing_left "hooks: nothing left"

# The set-up hooks, where the runtime spec puts them. prestart and createRuntime run in
# ward's namespaces once the container's exist and before pivot_root: prestart mounts a
# tmpfs on the rootfs's /tmp inside the container's mount namespace (what GPU and network
# hooks do), which only works before pivot_root. createContainer runs in the container's
# mount namespace, still before pivot_root (it writes through the host path of the
# rootfs); startContainer runs in the container after `start` (its path is the rootfs's
# /bin/sh). The order shows in /tmp/order, and in $T/order.log on the host.
cat >"$T/hook-prestart" <<HOOK
#!/bin/sh
set -- \$(python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["pid"], s["status"])')
echo "prestart \$1 \$2" >>"$T/order.log"
nsenter -t "\$1" -m mount -t tmpfs hooked "$ROOTFS/tmp" &&
	nsenter -t "\$1" -m sh -c 'echo prestart >"$ROOTFS/tmp/order"'
HOOK
cat >"$T/hook-createruntime" <<HOOK
#!/bin/sh
python3 -c 'import json,sys; s=json.load(sys.stdin); print("createRuntime", s["status"], s["id"])' >>"$T/order.log"
HOOK
cat >"$T/hook-createcontainer" <<HOOK
#!/bin/sh
echo createContainer >>"$ROOTFS/tmp/order" && readlink /proc/self/ns/mnt >"$ROOTFS/tmp/cc-mntns" &&
	echo "createContainer \$HOOK_VAR" >>"$T/order.log"
HOOK
chmod +x "$T/hook-prestart" "$T/hook-createruntime" "$T/hook-createcontainer"
make_bundle "$T/sethooks" '["/bin/sh", "-c", "cat /tmp/order; cat /tmp/cc-mntns; readlink /proc/self/ns/mnt"]' "
env = ['PATH=/usr/sbin:/usr/bin:/sbin:/bin']
c['hooks'] = {'prestart': [{'path': '$T/hook-prestart', 'env': env}],
              'createRuntime': [{'path': '$T/hook-createruntime', 'env': env}],
              'createContainer': [{'path': '$T/hook-createcontainer', 'env': env + ['HOOK_VAR=set']}],
              'startContainer': [{'path': '/bin/sh', 'args': ['sh', '-c', 'echo startContainer >>/tmp/order']}]}"
wo run --bundle "$T/sethooks" sh1
assert_status "set-up hooks: run --bundle succeeds" 0
assert_eq "set-up hooks: prestart, createContainer, startContainer, in the container's view" \
	"prestart createContainer startContainer" "$(echo "$OUT" | head -3 | tr '\n' ' ' | sed 's/ $//')"
mnt_cc=$(echo "$OUT" | sed -n 4p)
mnt_ct=$(echo "$OUT" | sed -n 5p)
assert_match "createContainer: in a mount namespace" '^mnt:\[[0-9]+\]$' "$mnt_cc"
assert_eq "createContainer: in the container's mount namespace" "$mnt_ct" "$mnt_cc"
assert_ne "createContainer: not in ward's mount namespace" "$(readlink /proc/self/ns/mnt)" "$mnt_cc"
log=$(cat "$T/order.log" 2>/dev/null)
assert_match "set-up hooks: prestart first, with the init's pid, creating" \
	'^prestart [0-9]+ creating$' "$(echo "$log" | sed -n 1p)"
assert_eq "set-up hooks: createRuntime after prestart, creating" "createRuntime creating sh1" \
	"$(echo "$log" | sed -n 2p)"
assert_eq "set-up hooks: createContainer last, with its env" "createContainer set" \
	"$(echo "$log" | sed -n 3p)"
if mountpoint -q "$ROOTFS/tmp" || [ -e "$ROOTFS/tmp/order" ]; then
	fail "set-up hooks: the hook's mount stayed in the container" "$(ls -la "$ROOTFS/tmp")"
else
	pass "set-up hooks: the hook's mount stayed in the container"
fi
assert_nothing_left "set-up hooks: nothing left"

# a failing createContainer hook fails the create: exit 1, its status named, nothing left
make_bundle "$T/badhook" '["/bin/true"]' "
c['hooks'] = {'createContainer': [{'path': '/bin/sh', 'args': ['sh', '-c', 'exit 3']}]}"
bad "createContainer hook fails" "ward: createContainer: hook '/bin/sh' exited with status 3" \
	create --bundle "$T/badhook" bh1
# a failing startContainer hook: the process does not run; the hook's error on stderr
make_bundle "$T/badstart" '["/bin/sh", "-c", "echo ran"]' "
c['hooks'] = {'startContainer': [{'path': '/bin/sh', 'args': ['sh', '-c', 'exit 4']}]}"
wo run --bundle "$T/badstart" bs1
assert_ne "startContainer hook fails: the run fails" "0" "$STATUS"
assert_not_contains "startContainer hook fails: the process did not run" "$OUT" "ran"
assert_contains "startContainer hook fails: the error on stderr" "$ERR" \
	"startContainer: hook '/bin/sh' exited with status 4"
assert_nothing_left "failing hooks: nothing left"

# --no-pivot: the host's mounts outside the rootfs detached, the rootfs moved onto / and
# chrooted into. A process with CAP_SYS_CHROOT (in Docker's default set) can leave a plain
# chroot by climbing "..": here the climb ends on the rootfs mounted over /, and no host
# path or mount is reachable (a test mount beside the rootfs, on the file system that
# holds it, stands for the host's).
hostonly=$(dirname "$ROOTFS")/.ward-hostonly.$$
mkdir -p "$hostonly"
mount -t tmpfs ward-hostonly "$hostonly" || bail_out "cannot mount a tmpfs"
echo secret >"$hostonly/marker"
make_bundle "$T/nopivot" '["/usr/bin/ward-testhelper", "escape-chroot", "/dev/shm", "/"]'
wo run --no-pivot --bundle "$T/nopivot" np1
assert_status "--no-pivot: a chroot escape runs" 0
assert_eq "--no-pivot: the escape ends in the container's root" \
	"$("$ROOTFS/usr/bin/ward-testhelper" ls "$ROOTFS")" "$OUT"
make_bundle "$T/nopivot1" '["/usr/bin/ward-testhelper", "escape-chroot", "/dev/shm", "'"$hostonly"'"]'
for mode in --no-pivot ""; do
	# shellcheck disable=SC2086 # $mode: one flag or none
	wo run $mode --bundle "$T/nopivot1" np1
	assert_status "${mode:-pivot_root}: the escape does not reach a host mount" 1
	assert_contains "${mode:-pivot_root}: the host path is not there" "$ERR" \
		"$hostonly: No such file or directory"
done
make_bundle "$T/nopivot2" '["/bin/sh", "-c", "ls /bin/busybox; cat /proc/self/mountinfo"]'
wo run --no-pivot --bundle "$T/nopivot2" np2
assert_status "--no-pivot: the container's root is its rootfs" 0
assert_contains "--no-pivot: its rootfs's files" "$OUT" "/bin/busybox"
umount "$hostonly" && rmdir "$hostonly"
assert_nothing_left "--no-pivot: nothing left"

# ---- linux.cgroupsPath and kill --all --------------------------------------------------------

# init_cgroup ID: the cgroup lines of the container's init, as the host sees them
init_cgroup() {
	local pid
	wo state "$1"
	pid=$(json_field pid)
	cat "/proc/$pid/cgroup" 2>/dev/null
}
# cgroupfs dirs named $1 at any depth (the leaves of the cgroupsPath tests)
cg_dirs() {
	find /sys/fs/cgroup -mindepth 1 -maxdepth 6 -type d -path "*/$1" 2>/dev/null
}

cgp=ward-it-$$
make_bundle "$T/cgpath" '["/usr/bin/ward-testhelper", "sleep", "30"]' "
c['linux']['cgroupsPath'] = '/$cgp/box'
c['linux']['resources'] = {'pids': {'limit': 40}}"
wo create --bundle "$T/cgpath" cg1
assert_status "cgroupsPath absolute: create" 0
assert_contains "cgroupsPath absolute: the init is in <hierarchy root>/$cgp/box" \
	"$(init_cgroup cg1)" ":/$cgp/box"
pids_max=""
for d in $(cg_dirs "$cgp/box"); do
	[ -f "$d/pids.max" ] && pids_max=$(cat "$d/pids.max") && break
done
assert_eq "cgroupsPath absolute: the limit is written there" 40 "$pids_max"
wo delete --force cg1
assert_eq "cgroupsPath: delete removes the leaf" "" "$(cg_dirs "$cgp/box")"
# the ancestors stay, as with runc; the test removes them
cg_dirs "$cgp" | xargs -r rmdir

# relative: below ward's own cgroup
make_bundle "$T/cgrel" '["/usr/bin/ward-testhelper", "sleep", "30"]' "
c['linux']['cgroupsPath'] = '$cgp-rel/box'"
wo create --bundle "$T/cgrel" cg2
assert_match "cgroupsPath relative: below ward's own cgroup" ".*:/.*$cgp-rel/box$" \
	"$(init_cgroup cg2 | grep -m1 "$cgp-rel")"
wo delete --force cg2
cg_dirs "$cgp-rel" | xargs -r rmdir

make_bundle "$T/cgbad" '["/bin/true"]' "c['linux']['cgroupsPath'] = '/a/../b'"
bad "cgroupsPath with .." "ward: invalid linux.cgroupsPath '/a/../b': it has a '..' component" \
	create --bundle "$T/cgbad" cg3
assert_nothing_left "cgroupsPath: nothing left"

# kill --all: every process of the container's cgroups. pid 1 (the shell) ignores SIGTERM
# (no handler in a pid namespace); its children do not. Without --all only pid 1 gets the
# signal and the container runs on; with --all the children die and the shell's wait ends.
make_bundle "$T/killall" '["/bin/sh", "-c", "sleep 60 & sleep 60 & wait; echo waited"]'
wo create --bundle "$T/killall" ka1
wo start ka1
sleep 0.3
wo kill ka1 TERM
sleep 0.3
wo state ka1
assert_eq "kill TERM: only pid 1 gets it, the container runs on" running "$(json_field status)"
wo kill --all ka1 TERM
assert_status "kill --all: succeeds" 0
for _ in $(seq 1 50); do
	wo state ka1
	[ "$(json_field status)" = stopped ] && break
	sleep 0.1
done
assert_eq "kill --all TERM: the children died, the container stopped" stopped "$(json_field status)"
wo delete ka1
assert_nothing_left "kill --all: nothing left"

# ---- exec: a process in a running container -------------------------------------------------

# The container runs a sleep under a seccomp profile that refuses mkdir, with no_new_privs
# and Docker's capabilities; what exec starts is in all its namespaces and cgroups, under the
# same filter, capabilities and root.
cat >"$T/exec-seccomp.json" <<'EOF'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
EOF
make_bundle "$T/exec" '["/usr/bin/ward-testhelper", "sleep", "60"]' "
import json as j
c['linux']['seccomp'] = j.load(open('$T/exec-seccomp.json'))
c['linux']['seccomp']['defaultAction'] = 'SCMP_ACT_ALLOW'
c['process']['noNewPrivileges'] = True
c['process']['env'].append('FROM_CONFIG=yes')"
wo create --bundle "$T/exec" ex1
wo start ex1
wo state ex1
init=$(json_field pid)
wo exec -d --pid-file "$T/exec.pid" ex1 /usr/bin/ward-testhelper sleep 30
assert_status "exec -d: exit 0 once it runs" 0
epid=$(cat "$T/exec.pid" 2>/dev/null)
if [ -n "$epid" ] && [ -d "/proc/$epid" ]; then
	pass "exec -d --pid-file: the pid of a live process"
	same=yes
	for n in mnt pid net ipc uts cgroup; do
		[ "$(readlink "/proc/$epid/ns/$n")" = "$(readlink "/proc/$init/ns/$n")" ] || same="no ($n)"
	done
	assert_eq "exec: in every namespace of the init" yes "$same"
	assert_eq "exec: in the init's cgroups" "$(cat "/proc/$init/cgroup")" "$(cat "/proc/$epid/cgroup")"
	assert_eq "exec: the init's root" "$(stat -Lc %d:%i "/proc/$init/root/")" \
		"$(stat -Lc %d:%i "/proc/$epid/root/")"
	for f in CapEff CapBnd NoNewPrivs Seccomp; do
		assert_eq "exec: $f as the init's" "$(grep "^$f:" "/proc/$init/status")" \
			"$(grep "^$f:" "/proc/$epid/status")"
	done
else
	fail "exec -d --pid-file: the pid of a live process" "pid file: '$epid'"
fi
# foreground: its output, status and signal; the config's env; the profile's errno
wo exec ex1 /bin/sh -c 'echo "$FROM_CONFIG $$"; mkdir /tmp/x; exit 3'
assert_status "exec: the command's status" 3
assert_match "exec: the config's environment, a pid of the container's namespace" \
	'^yes [0-9]+$' "$OUT"
assert_contains "exec: the seccomp profile applies (mkdir refused)" "$ERR" \
	"Operation not permitted"
wo exec ex1 /bin/sh -c 'kill -TERM $$'
assert_status "exec: killed by SIGTERM: 143" 143
# the flags: env, cwd, user, an extra capability (CAP_NET_ADMIN is bit 12)
wo exec -e FOO=bar --env BAZ=qux --cwd /tmp -u 1000:1000 --cap CAP_NET_ADMIN ex1 \
	/bin/sh -c 'echo "$FOO $BAZ $(pwd) $(id -u):$(id -g)"; grep CapBnd /proc/self/status'
assert_eq "exec -e --cwd -u: env, cwd and ids" "bar qux /tmp 1000:1000" "$(echo "$OUT" | sed -n 1p)"
assert_match "exec --cap: NET_ADMIN in the bounding set" '^CapBnd:[[:space:]]+0*a80435fb$' \
	"$(echo "$OUT" | sed -n 2p)"
# --process: the OCI process object replaces the config's
cat >"$T/exec-process.json" <<'EOF'
{"args": ["/bin/sh", "-c", "echo \"$ONLY $(pwd) $(id -u)\"; env | grep -c FROM_CONFIG"],
 "env": ["PATH=/bin:/usr/bin", "ONLY=this"], "cwd": "/etc", "user": {"uid": 65534, "gid": 65534}}
EOF
wo exec --process "$T/exec-process.json" ex1
assert_eq "exec --process: its args, env, cwd and user" "this /etc 65534"$'\n'"0" "$OUT"
# a terminal of the container's devpts
if command -v script >/dev/null 2>&1; then
	OUT=$(timeout 20 script -eqc "$WARD --root $ROOT exec -t ex1 /bin/sh -c 'tty; exit 4'" /dev/null </dev/null)
	STATUS=$?
	assert_eq "exec -t: a pty of the container" "/dev/pts/0" "$(echo "$OUT" | tr -d '\r' | sed 's/\^@//g' | head -1)"
	assert_eq "exec -t: its status" 4 "$STATUS"
else
	skip "exec -t" "no script(1) to give ward a terminal"
fi
# the errors: a failed exec exits 255 as runc's and crun's (never a status the
# command could have), with the message; nothing started
wo exec ex1 /nonexistent
assert_status "exec of a missing command: 255" 255
assert_eq "exec of a missing command: the message" \
	"ward: exec '/nonexistent': No such file or directory" "$ERR"
wo exec ex1 /etc
assert_status "exec of a directory: 255" 255
wo exec ex1
assert_status "exec without a command: 255" 255
assert_eq "exec without a command: the message" \
	"ward: exec: no command given (or --process FILE)" "$ERR"
wo exec -u nobody ex1 /bin/true
assert_eq "exec -u with a name: the message" "ward: exec: --user 'nobody' is not UID[:GID]" "$ERR"
wo exec nosuch /bin/true
assert_status "exec in an unknown container: 255" 255
wo kill ex1 KILL
for _ in $(seq 1 50); do
	wo state ex1
	[ "$(json_field status)" = stopped ] && break
	sleep 0.1
done
wo exec ex1 /bin/true
assert_status "exec in a stopped container: 255" 255
assert_eq "exec in a stopped container: the message" \
	"ward: cannot exec in container 'ex1': it is stopped" "$ERR"
wo delete ex1
# one rule for ward's own failures in the OCI verbs: 1, as runc's (run --bundle too)
wo run --bundle "$T/none" rb-missing
assert_status "run --bundle of a missing bundle: 1" 1
wo create --no-such-flag x
assert_status "create with an unknown option: 1" 1
wo delete
assert_status "delete without an id: 1" 1
assert_nothing_left "exec: nothing left"

# ---- pause and resume: cgroup v2's freezer (also on a hybrid host's cgroup2 cgroup) ----------

# cpu_ticks PID: user plus system time of a process, in clock ticks
cpu_ticks() {
	awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null
}
make_bundle "$T/pause" '["/bin/sh", "-c", "while :; do :; done"]'
wo create --bundle "$T/pause" pz1
wo start pz1
wo state pz1
ppid=$(json_field pid)
wo pause pz1
assert_status "pause: exit 0" 0
wo state pz1
assert_eq "pause: the state says paused" paused "$(json_field status)"
a=$(cpu_ticks "$ppid")
sleep 0.5
b=$(cpu_ticks "$ppid")
assert_eq "pause: a busy loop gets no CPU while paused" "$a" "$b"
wo pause pz1
assert_eq "pause twice: the message" "ward: cannot pause container 'pz1': it is paused, not running" "$ERR"
wo exec pz1 /bin/true
assert_eq "exec in a paused container: refused" "ward: cannot exec in container 'pz1': it is paused" "$ERR"
wo delete pz1
assert_eq "delete a paused container without --force: refused" \
	"ward: cannot delete container 'pz1': it is paused (stop it, or use --force)" "$ERR"
wo resume pz1
assert_status "resume: exit 0" 0
wo state pz1
assert_eq "resume: running again" running "$(json_field status)"
a=$(cpu_ticks "$ppid")
sleep 0.5
b=$(cpu_ticks "$ppid")
assert_eq "resume: the loop runs again" 1 "$([ "${b:-0}" -gt "${a:-0}" ] && echo 1)"
wo resume pz1
assert_eq "resume a running container: the message" \
	"ward: cannot resume container 'pz1': it is running, not paused" "$ERR"
wo pause pz1
wo delete --force pz1
assert_status "delete --force a paused container: exit 0" 0
assert_nothing_left "pause and resume: nothing left"

# run --keep: the stopped container stays for state and delete
make_bundle "$T/keep" '["/bin/sh", "-c", "exit 4"]'
wo run --keep --bundle "$T/keep" kp1
assert_status "run --keep: the container's status" 4
wo state kp1
assert_eq "run --keep: it stays, stopped" stopped "$(json_field status)"
wo delete kp1
assert_status "run --keep: then delete" 0
make_bundle "$T/igp" '["/bin/true"]'
wo create --keep --bundle "$T/igp" ip2
assert_eq "create --keep: an option of run only" "ward: create: unknown option '--keep'" "$ERR"
assert_nothing_left "--keep: nothing left"

# ps: every process of the container's cgroups, as runc prints them (--format json: pids)
make_bundle "$T/ps" '["/bin/sh", "-c", "sleep 30 & sleep 31 & wait"]'
wo create --bundle "$T/ps" ps1
wo start ps1
wo state ps1
pspid=$(json_field pid)
sleep 0.3
wo ps --format json ps1
assert_status "ps --format json: exit 0" 0
assert_eq "ps --format json: the init and its two sleeps" 3 \
	"$(python3 -c 'import json,sys; print(len(json.loads(sys.stdin.read())))' <<<"$OUT" 2>/dev/null)"
assert_contains "ps --format json: the init's host pid" "$OUT" "$pspid"
wo ps ps1
assert_eq "ps: a header" "PID      CMD" "$(echo "$OUT" | head -1)"
assert_contains "ps: the sleeps' command lines" "$OUT" "sleep 31"
wo delete --force ps1
wo ps ps1
assert_eq "ps of a deleted container: the message" "ward: container 'ps1' does not exist" "$ERR"
assert_nothing_left "ps: nothing left"

# update: new limits in the container's cgroups, from flags or runc's -r JSON (stdin);
# the container reads them in its own /sys/fs/cgroup
if [ "$(stat -fc %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ]; then
	mem_knob=/sys/fs/cgroup/memory.max pids_knob=/sys/fs/cgroup/pids.max
else
	mem_knob=/sys/fs/cgroup/memory/memory.limit_in_bytes pids_knob=/sys/fs/cgroup/pids/pids.max
fi
make_bundle "$T/update" '["/usr/bin/ward-testhelper", "sleep", "30"]' "
c['linux']['resources'] = {'memory': {'limit': 67108864}, 'pids': {'limit': 50}}"
wo create --bundle "$T/update" up1
wo start up1
wo update --memory 128m --pids-limit 77 up1
assert_status "update --memory --pids-limit: exit 0" 0
wo exec up1 /bin/sh -c "cat $mem_knob $pids_knob"
assert_eq "update: the container reads its new limits" "134217728 77" "$(echo $OUT)"
WARD_STDIN='{"memory": {"limit": 100007936}, "pids": {"limit": 33}, "devices": [{"allow": false, "access": "rwm"}]}' \
	wo update -r - up1
assert_status "update -r -: exit 0" 0
wo exec up1 /bin/sh -c "cat $mem_knob $pids_knob"
assert_eq "update -r -: the limits of the JSON" "100007936 33" "$(echo $OUT)"
# cpu: on v1 ward create makes a cgroup in every hierarchy (issue 17, as runc); on v2 update
# enables a missing controller in the parent, which a parent holding processes refuses
has_cpu=yes
if [ "$(stat -fc %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ]; then
	wo exec up1 cat /sys/fs/cgroup/cgroup.controllers
	[[ " $OUT " == *" cpu "* ]] || has_cpu=maybe
fi
wo update --cpu-shares 512 up1
if [ "$has_cpu" = yes ] || [ "$STATUS" -eq 0 ]; then
	assert_status "update of the cpu controller the container has: exit 0" 0
else
	assert_eq "update of a controller the container lacks: the message" \
		"ward: cannot update --cpu-shares: the container's cgroup has no cpu controller (it was created without such a limit)" \
		"$ERR"
fi
wo update up1
assert_eq "update without a limit: the message" "ward: update: no limit given" "$ERR"
wo update --memory lots up1
assert_eq "update with a bad value: the message" "ward: update: invalid value 'lots'" "$ERR"
wo delete --force up1
wo update --memory 1g up1
assert_eq "update of a deleted container: the message" "ward: container 'up1' does not exist" "$ERR"
assert_nothing_left "update: nothing left"
# without a cgroup namespace of its own the container's /sys/fs/cgroup is its cgroup,
# bound from the host (as runc does), not the whole hierarchy
make_bundle "$T/nocgns" "[\"/bin/cat\", \"$mem_knob\"]" "
c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'cgroup']
c['linux']['resources'] = {'memory': {'limit': 67108864}}"
wo run --bundle "$T/nocgns" ncg1
assert_eq "no cgroup namespace: the container still reads its own limit" 67108864 "$OUT"
assert_nothing_left "no cgroup namespace: nothing left"

# --preserve-fds N: the engine's descriptors 3..3+N-1 reach the process (socket activation);
# without it, nothing past stderr does. run --detach returns once the container runs.
echo preserved-content >"$T/pfd.txt"
make_bundle "$T/pfd" '["/bin/sh", "-c", "cat <&3"]'
OUT=$("$WARD" --root "$ROOT" run --preserve-fds 1 --bundle "$T/pfd" pf1 3<"$T/pfd.txt" 2>&1)
assert_eq "--preserve-fds 1: fd 3 reaches the process" preserved-content "$OUT"
OUT=$("$WARD" --root "$ROOT" run --bundle "$T/pfd" pf2 3<"$T/pfd.txt" 2>&1)
assert_contains "no --preserve-fds: fd 3 does not" "$OUT" "Bad file descriptor"
ERR=$("$WARD" --root "$ROOT" run --preserve-fds 2 --bundle "$T/pfd" pf3 3<&- 4<&- 2>&1 >/dev/null)
assert_eq "--preserve-fds past ward's open descriptors: the message" \
	"ward: --preserve-fds 2: descriptor 3 is not open: Bad file descriptor" "$ERR"
make_bundle "$T/detach" '["/usr/bin/ward-testhelper", "sleep", "30"]'
wo run --detach --bundle "$T/detach" rd1
assert_status "run --detach: returns at once, exit 0" 0
wo state rd1
assert_eq "run --detach: the container runs" running "$(json_field status)"
wo delete --force rd1
assert_nothing_left "--preserve-fds, run --detach: nothing left"


# ---- config.json fields that take effect in the container ---------------------------------

# st FIELD: the value of FIELD in the /proc/self/status text in $OUT
st() {
	sed -n "s/^$1:[[:space:]]*//p" <<<"$OUT" | sed 's/[[:space:]]*$//'
}

# capabilities, root: bounding, inheritable and permitted as given, ambient raised (with
# no_new_privs, execve adds nothing to permitted; as root it makes all of it effective)
make_bundle "$T/caps" '["/bin/cat", "/proc/self/status"]' '
c["process"]["capabilities"] = {"bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW"],
  "effective": ["CAP_KILL"], "permitted": ["CAP_KILL", "CAP_CHOWN"],
  "inheritable": ["CAP_KILL", "CAP_NET_BIND_SERVICE"], "ambient": ["CAP_KILL"]}'
wo run --bundle "$T/caps" caps1
assert_status "capabilities, root: exit 0" 0
assert_eq "capabilities, root: bounding" "0000000000002421" "$(st CapBnd)"
assert_eq "capabilities, root: inheritable" "0000000000000420" "$(st CapInh)"
assert_eq "capabilities, root: ambient" "0000000000000020" "$(st CapAmb)"
assert_eq "capabilities, root: permitted" "0000000000000021" "$(st CapPrm)"
assert_eq "capabilities, root: effective (all permitted, as root)" "0000000000000021" "$(st CapEff)"

# capabilities, uid 1000: only the ambient set survives execve into permitted and effective;
# the user's groups are process.user.additionalGids
make_bundle "$T/capsu" '["/bin/cat", "/proc/self/status"]' '
c["process"]["user"] = {"uid": 1000, "gid": 1000, "additionalGids": [2000, 3000]}
c["process"]["capabilities"] = {"bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SETUID", "CAP_SETGID"],
  "effective": ["CAP_KILL"], "permitted": ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_CHOWN"],
  "inheritable": ["CAP_KILL", "CAP_NET_BIND_SERVICE"], "ambient": ["CAP_NET_BIND_SERVICE"]}'
wo run --bundle "$T/capsu" caps2
assert_status "capabilities, uid 1000: exit 0" 0
assert_eq "capabilities, uid 1000: bounding" "00000000000024e1" "$(st CapBnd)"
assert_eq "capabilities, uid 1000: inheritable" "0000000000000420" "$(st CapInh)"
assert_eq "capabilities, uid 1000: ambient" "0000000000000400" "$(st CapAmb)"
assert_eq "capabilities, uid 1000: permitted is the ambient set" "0000000000000400" "$(st CapPrm)"
assert_eq "capabilities, uid 1000: effective is the ambient set" "0000000000000400" "$(st CapEff)"
assert_eq "process.user: uid" "1000	1000	1000	1000" "$(st Uid)"
assert_eq "process.user.additionalGids" "2000 3000" "$(st Groups)"

# an ambient capability that is not inheritable is left out, silently, as runc 1.1 does
# (issue 17: runc's own `runc spec` asks for that, so every run would warn)
make_bundle "$T/capsw" '["/bin/cat", "/proc/self/status"]' '
c["process"]["capabilities"] = {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"],
  "permitted": ["CAP_KILL"], "ambient": ["CAP_KILL"]}'
wo run --bundle "$T/capsw" caps3
assert_status "ambient, not inheritable: still runs" 0
assert_eq "ambient, not inheritable: not raised" "0000000000000000" "$(st CapAmb)"
assert_eq "ambient, not inheritable: nothing on stderr" "" "$ERR"

# rlimits, oomScoreAdj, umask, noNewPrivileges
make_bundle "$T/proc" '["/bin/sh", "-c", "cat /proc/self/limits; echo oom=$(cat /proc/self/oom_score_adj); echo umask=$(umask); grep NoNewPrivs /proc/self/status"]' '
c["process"]["rlimits"] = [{"type": "RLIMIT_NOFILE", "soft": 100, "hard": 200},
                           {"type": "RLIMIT_CORE", "soft": 0, "hard": 0}]
c["process"]["oomScoreAdj"] = 500
c["process"]["user"]["umask"] = 0o077
c["process"]["noNewPrivileges"] = True'
wo run --bundle "$T/proc" p1
assert_status "process fields: exit 0" 0
assert_match "process.rlimits: RLIMIT_NOFILE 100:200" $'(^|\n)Max open files +100 +200 +files' "$OUT"
assert_match "process.rlimits: RLIMIT_CORE 0:0" $'(^|\n)Max core file size +0 +0 +bytes' "$OUT"
assert_line "process.oomScoreAdj" "oom=500" "$OUT"
assert_line "process.user.umask" "umask=0077" "$OUT"
assert_line "process.noNewPrivileges: true" "NoNewPrivs:	1" "$OUT"
make_bundle "$T/proc2" '["/bin/sh", "-c", "echo umask=$(umask); grep NoNewPrivs /proc/self/status"]' '
c["process"]["noNewPrivileges"] = False'
wo run --bundle "$T/proc2" p2
assert_line "umask: 0022 by default" "umask=0022" "$OUT"
assert_line "process.noNewPrivileges: false" "NoNewPrivs:	0" "$OUT"

# a hard limit above ward's own: refused before anything exists, naming the rlimit
hard=$(ulimit -Hn)
caps_eff=$(sed -n 's/^CapEff:[[:space:]]*//p' /proc/self/status)
if [ "$hard" = unlimited ] || (((16#$caps_eff >> 24) & 1)); then
	skip "rlimit above the hard limit" "ward may raise it here (CAP_SYS_RESOURCE, or no limit)"
else
	make_bundle "$T/rlhard" '["/bin/true"]' "
c['process']['rlimits'] = [{'type': 'RLIMIT_NOFILE', 'soft': $hard, 'hard': $((hard + 1))}]"
	bad "rlimit above the hard limit" \
		"ward: config.json: process.rlimits: RLIMIT_NOFILE: the hard limit $((hard + 1)) is above ward's own ($hard), and raising it needs CAP_SYS_RESOURCE" \
		create --bundle "$T/rlhard" c1
fi

# maskedPaths and readonlyPaths replace Docker's lists
make_bundle "$T/masks" '["/usr/bin/ward-testhelper", "mounts"]' '
c["linux"]["maskedPaths"] = ["/proc/version"]
c["linux"]["readonlyPaths"] = ["/proc/driver"]'
wo run --bundle "$T/masks" m1
assert_status "masked paths: exit 0" 0
assert_match "linux.maskedPaths: /proc/version masked" ' /proc/version ' "$OUT"
assert_not_contains "linux.maskedPaths: Docker's /proc/kcore not masked" "$OUT" " /proc/kcore "
assert_match "linux.readonlyPaths: /proc/driver read-only" ' /proc/driver ro[, ]' "$OUT"
assert_not_contains "linux.readonlyPaths: Docker's /proc/bus not" "$OUT" " /proc/bus "
make_bundle "$T/masks2" '["/bin/cat", "/proc/version"]' 'c["linux"]["maskedPaths"] = ["/proc/version"]'
wo run --bundle "$T/masks2" m2
assert_eq "linux.maskedPaths: reads as empty" "" "$OUT"

# linux.namespaces: only the listed ones are created (a mount namespace always is)
ns_links='for n in pid net ipc uts cgroup mnt; do echo $n=$(readlink /proc/self/ns/$n); done; echo pid=$$'
host_ns() {
	local n
	for n in pid net ipc uts cgroup mnt; do echo "$n=$(readlink "/proc/$1/ns/$n")"; done
}
make_bundle "$T/nsnone" "$(python3 -c 'import json,sys; print(json.dumps(["/bin/sh", "-c", sys.argv[1]]))' "$ns_links")" '
c["linux"]["namespaces"] = [{"type": "mount"}]
del c["hostname"]'
wo run --bundle "$T/nsnone" n1
assert_status "no namespaces listed: exit 0" 0
hostns=$(host_ns $$)
for n in pid net ipc uts cgroup; do
	assert_line "no $n namespace listed: the host's" "$(grep "^$n=" <<<"$hostns")" "$OUT"
done
assert_not_contains "a mount namespace all the same" "$OUT" "$(grep "^mnt=" <<<"$hostns")"
if grep -qx 'pid=1' <<<"$OUT"; then
	fail "no pid namespace: not pid 1" "$OUT"
else
	pass "no pid namespace: not pid 1"
fi
make_bundle "$T/nsuts" '["/bin/true"]' 'c["linux"]["namespaces"] = [{"type": "mount"}]'
bad "hostname without a uts namespace" \
	"ward: config.json: hostname: setting it needs a uts namespace (it would change the host's)" \
	create --bundle "$T/nsuts" c1

# joining the namespaces of a running container by path
wo create --bundle "$T/ok" target
wo start target
wo state target
tpid=$(json_field pid)
make_bundle "$T/nsjoin" "$(python3 -c 'import json,sys; print(json.dumps(["/bin/sh", "-c", sys.argv[1]]))' "$ns_links")" "
c['linux']['namespaces'] = [{'type': 'mount'}] + [{'type': t, 'path': '/proc/$tpid/ns/' + f}
  for t, f in [('pid', 'pid'), ('network', 'net'), ('ipc', 'ipc'), ('uts', 'uts'), ('cgroup', 'cgroup')]]
del c['hostname']"
wo run --bundle "$T/nsjoin" j1
assert_status "join by path: exit 0" 0
targetns=$(host_ns "$tpid")
for n in pid net ipc uts cgroup; do
	assert_line "join by path: the target's $n namespace" "$(grep "^$n=" <<<"$targetns")" "$OUT"
done
assert_not_contains "join by path: a mount namespace of its own" "$OUT" "$(grep "^mnt=" <<<"$targetns")"
assert_not_contains "join a pid namespace: not its init" "$OUT" "pid=1"
wo delete --force target
make_bundle "$T/nsmnt" '["/bin/true"]' 'c["linux"]["namespaces"][4]["path"] = "/proc/self/ns/mnt"'
bad "join a mount namespace" \
	"ward: config.json: linux.namespaces: joining the mount namespace '/proc/self/ns/mnt' by path (ward joins pid, network, ipc, uts and cgroup namespaces)" \
	create --bundle "$T/nsmnt" c1
make_bundle "$T/nswrong" '["/bin/true"]' 'c["linux"]["namespaces"][0]["path"] = "/proc/self/ns/net"'
bad "join: a path of the wrong type" "ward: '/proc/self/ns/net' is not a pid namespace" \
	create --bundle "$T/nswrong" c1
assert_nothing_left "namespaces: nothing left"

# ---- user and time namespaces -----------------------------------------------------------------

# A user namespace mapping the container's ids 0-65535 onto the host's 100000-165535: the
# container is root inside (all its capabilities) and uid 100000 to the host, so a host
# file only the host's root may read stays unreadable: the same bind of /etc/shadow is
# readable without the user namespace.
# (the bind's mount point goes in a tmpfs: the shared rootfs gets no file of the test's,
# and the container's root could not create one in it)
shadow_def="shadow_mounts = [{'destination': '/tmp', 'type': 'tmpfs', 'source': 'tmpfs'},
  {'destination': '/tmp/shadow', 'type': 'bind', 'source': '/etc/shadow', 'options': ['bind', 'ro']}]"
userns_edit="$shadow_def
c['linux']['namespaces'].append({'type': 'user'})
c['linux']['uidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]
c['linux']['gidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]
c['mounts'] += shadow_mounts"
shadow_cmd='["/bin/sh", "-c", "id -u; cat /proc/self/uid_map; grep CapEff /proc/self/status; head -c 5 /tmp/shadow >/dev/null && echo read-shadow"]'
make_bundle "$T/userns" "$shadow_cmd" "$userns_edit"
wo run --bundle "$T/userns" un1
assert_status "user namespace: the container runs (its head fails: status 1)" 1
assert_eq "user namespace: uid 0 inside" 0 "$(echo "$OUT" | sed -n 1p)"
assert_match "user namespace: the mapping" '^ *0 +100000 +65536$' "$(echo "$OUT" | sed -n 2p)"
assert_match "user namespace: its capabilities, inside" '^CapEff:.*a80425fb$' \
	"$(echo "$OUT" | sed -n 3p)"
assert_not_contains "user namespace: a host root-only file stays unreadable" "$OUT" "read-shadow"
assert_contains "user namespace: permission denied" "$ERR" "Permission denied"
make_bundle "$T/nouserns" "$shadow_cmd" "$shadow_def
c['mounts'] += shadow_mounts"
wo run --bundle "$T/nouserns" un2
assert_contains "no user namespace: the same file is readable (the check can fail)" "$OUT" \
	"read-shadow"

# seen from the host: the init runs as the mapped ids; process.user maps too
make_bundle "$T/userns2" '["/usr/bin/ward-testhelper", "sleep", "30"]' "$userns_edit
c['process']['user'] = {'uid': 1000, 'gid': 1000}"
wo create --bundle "$T/userns2" un3
assert_status "user namespace: create" 0
wo state un3
pid=$(json_field pid)
wo start un3
assert_match "user namespace: process.user 1000 is host uid 101000" '^Uid:[[:space:]]+101000' \
	"$(grep '^Uid:' "/proc/$pid/status" 2>/dev/null)"
assert_match "user namespace: and host gid 101000" '^Gid:[[:space:]]+101000' \
	"$(grep '^Gid:' "/proc/$pid/status" 2>/dev/null)"
# exec joins the user namespace first, then runs as the config's user
wo exec -d --pid-file "$T/un3.pid" un3 /usr/bin/ward-testhelper sleep 10
assert_eq "user namespace: exec is in the init's user namespace" \
	"$(readlink "/proc/$pid/ns/user")" "$(readlink "/proc/$(cat "$T/un3.pid")/ns/user" 2>/dev/null)"
assert_match "user namespace: exec runs as host uid 101000" '^Uid:[[:space:]]+101000' \
	"$(grep '^Uid:' "/proc/$(cat "$T/un3.pid")/status" 2>/dev/null)"
wo delete --force un3
assert_nothing_left "user namespace: nothing left"

# the errors: named, nothing started or left
make_bundle "$T/un-nomap" '["/bin/true"]' "c['linux']['namespaces'].append({'type': 'user'})"
bad "user namespace without mappings" \
	"ward: config.json: linux.namespaces: a user namespace needs linux.uidMappings and linux.gidMappings" \
	create --bundle "$T/un-nomap" un4
make_bundle "$T/un-nons" '["/bin/true"]' \
	"c['linux']['uidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 10}]"
bad "mappings without a user namespace" \
	"ward: config.json: linux.uidMappings/gidMappings: given without a user namespace in linux.namespaces" \
	create --bundle "$T/un-nons" un5
make_bundle "$T/un-unmapped" '["/bin/true"]' "$userns_edit
c['process']['user'] = {'uid': 70000, 'gid': 0}"
bad "user namespace: process.user.uid not mapped" \
	"ward: config.json: process.user.uid: 70000 is not mapped by linux.uidMappings" \
	create --bundle "$T/un-unmapped" un6
make_bundle "$T/un-noroot" '["/bin/true"]' "$userns_edit
c['linux']['uidMappings'] = [{'containerID': 1, 'hostID': 100001, 'size': 100}]"
bad "user namespace: uid 0 not mapped" \
	"ward: config.json: linux.uidMappings/gidMappings: container uid and gid 0 must be mapped (ward sets the container up as its root)" \
	create --bundle "$T/un-noroot" un7

# A time namespace: the container's boottime and monotonic clocks run ahead by the offsets
make_bundle "$T/timens" '["/bin/sh", "-c", "cat /proc/self/timens_offsets; cut -d. -f1 /proc/uptime"]' "
c['linux']['namespaces'].append({'type': 'time'})
c['linux']['timeOffsets'] = {'boottime': {'secs': 1000000, 'nanosecs': 0}, 'monotonic': {'secs': 500, 'nanosecs': 7}}"
wo run --bundle "$T/timens" tn1
assert_status "time namespace: the container runs" 0
assert_match "time namespace: its monotonic offset" '^monotonic +500 +7$' "$(echo "$OUT" | sed -n 1p)"
assert_match "time namespace: its boottime offset" '^boottime +1000000 +0$' "$(echo "$OUT" | sed -n 2p)"
up=$(echo "$OUT" | tail -1)
host_up=$(cut -d. -f1 /proc/uptime)
assert_eq "time namespace: uptime is the host's plus a million seconds" 1 \
	"$([ "$up" -ge $((host_up + 1000000 - 5)) ] && [ "$up" -le $((host_up + 1000000 + 5)) ] && echo 1)"
make_bundle "$T/timens-bad" '["/bin/true"]' \
	"c['linux']['timeOffsets'] = {'boottime': {'secs': 1, 'nanosecs': 0}}"
bad "time offsets without a time namespace" \
	"ward: config.json: linux.timeOffsets: given without a time namespace in linux.namespaces" \
	create --bundle "$T/timens-bad" tn2
assert_nothing_left "user and time namespaces: nothing left"

# linux.sysctl: namespaced ones set in the container, the host's untouched
host_fwd=$(cat /proc/sys/net/ipv4/ip_forward)
host_shm=$(cat /proc/sys/kernel/shmmni)
make_bundle "$T/sysctl" '["/bin/cat", "/proc/sys/net/ipv4/ip_forward", "/proc/sys/kernel/shmmni"]' "
c['linux']['sysctl'] = {'net.ipv4.ip_forward': '$((1 - host_fwd))', 'kernel.shmmni': '1234'}"
wo run --bundle "$T/sysctl" s1
assert_status "linux.sysctl: exit 0" 0
assert_eq "linux.sysctl: set in the container" "$((1 - host_fwd))"$'\n'"1234" "$OUT"
assert_eq "linux.sysctl: the host's untouched" "$host_fwd $host_shm" \
	"$(cat /proc/sys/net/ipv4/ip_forward) $(cat /proc/sys/kernel/shmmni)"
make_bundle "$T/sysctlbad" '["/bin/true"]' 'c["linux"]["sysctl"] = {"kernel.panic": "1"}'
bad "sysctl: not namespaced" \
	"ward: config.json: linux.sysctl: 'kernel.panic' is not namespaced (ward sets only net.*, kernel.shm*, kernel.msg*, kernel.sem and fs.mqueue.*)" \
	create --bundle "$T/sysctlbad" c1
make_bundle "$T/sysctlnet" '["/bin/true"]' '
c["linux"]["sysctl"] = {"net.ipv4.ip_forward": "1"}
c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "network"]'
bad "sysctl: net.* without a network namespace" \
	"ward: config.json: linux.sysctl: 'net.ipv4.ip_forward' needs a network namespace of the container's own (it would change the host's)" \
	create --bundle "$T/sysctlnet" c1

# rootfsPropagation and a mount's propagation option, seen on a bind of a shared mount
mkdir -p "$T/shared"
if mount -t tmpfs ward-shared "$T/shared" && mount --make-shared "$T/shared"; then
	prop_of_mnt() { grep ' /mnt ' <<<"$OUT" | grep -o 'shared:[0-9]*\|master:[0-9]*' | tr '\n' ' '; }
	make_bundle "$T/prop1" '["/usr/bin/ward-testhelper", "mounts"]' "
c['mounts'].append({'destination': '/mnt', 'type': 'bind', 'source': '$T/shared', 'options': ['rbind']})"
	wo run --bundle "$T/prop1" pr1
	assert_match "propagation: by default a slave of the host's mount" '^master:[0-9]+ $' "$(prop_of_mnt)"
	make_bundle "$T/prop2" '["/usr/bin/ward-testhelper", "mounts"]' "
c['mounts'].append({'destination': '/mnt', 'type': 'bind', 'source': '$T/shared', 'options': ['rbind', 'rprivate']})"
	wo run --bundle "$T/prop2" pr2
	assert_eq "mounts[].options rprivate: private" "" "$(prop_of_mnt)"
	make_bundle "$T/prop3" '["/usr/bin/ward-testhelper", "mounts"]' "
c['mounts'].append({'destination': '/mnt', 'type': 'bind', 'source': '$T/shared', 'options': ['rbind']})
c['linux']['rootfsPropagation'] = 'rprivate'"
	wo run --bundle "$T/prop3" pr3
	assert_eq "linux.rootfsPropagation rprivate: private" "" "$(prop_of_mnt)"
	umount "$T/shared"
else
	skip "propagation" "cannot mount a shared tmpfs here"
fi
# rootfsPropagation shared is taken since issue 17 (test_oci_spec.sh checks each value)
make_bundle "$T/prop4" '["/bin/true"]' 'c["linux"]["rootfsPropagation"] = "rshared"'
wo run --bundle "$T/prop4" c1
assert_status "rootfsPropagation shared: runs" 0
assert_nothing_left "config.json fields: nothing left"

# ---- linux.devices ------------------------------------------------------------------

make_bundle "$T/dev" '["/bin/sh", "-c", "stat -c \"%F %t,%T %a %u:%g\" /dev/ward-null; stat -c \"%F %a\" /dev/sub/ward-fifo; echo x >/dev/ward-null && echo wrote"]' \
	'c["linux"]["devices"] = [{"path": "/dev/ward-null", "type": "c", "major": 1, "minor": 3, "fileMode": 384, "uid": 1000, "gid": 1000}, {"path": "/dev/sub/ward-fifo", "type": "p", "fileMode": 420}]'
wo run --bundle "$T/dev" d1
assert_status "linux.devices: the container runs" 0
assert_line "linux.devices: a character device with its numbers, mode and owner" \
	"character special file 1,3 600 1000:1000" "$OUT"
assert_line "linux.devices: a fifo in a new directory" "fifo 644" "$OUT"
assert_line "linux.devices: the node works" "wrote" "$OUT"
# a device may be anywhere in the container since issue 17 (test_oci_spec.sh), never through ..
make_bundle "$T/dev2" '["/bin/true"]' 'c["linux"]["devices"] = [{"path": "/dev/../etc/evil", "type": "c", "major": 1, "minor": 3}]'
bad "a device path with .." "ward: config.json: linux.devices[0].path: must be an absolute path without '..'" \
	create --bundle "$T/dev2" d2
make_bundle "$T/dev3" '["/bin/true"]' 'c["linux"]["devices"] = [{"path": "/dev/x", "type": "c"}]'
bad "a device without numbers" "ward: config.json: linux.devices[0]: a character or block device needs major and minor" \
	create --bundle "$T/dev3" d3
make_bundle "$T/dev4" '["/bin/true"]' 'c["linux"]["devices"] = [{"path": "/dev/x", "type": "q", "major": 1, "minor": 1}]'
bad "a device of an unknown type" "ward: config.json: linux.devices[0].type: must be c, u, b or p" \
	create --bundle "$T/dev4" d4
assert_nothing_left "linux.devices: nothing left"

# linux.resources.devices: the config's rules, then the nodes every container gets, then
# each node of linux.devices. A node the container makes itself (loop1, 7:1) stays closed;
# the one linux.devices lists (loop0, 7:0) is open: ENXIO or success, never EPERM.
devcg_cmd='["/bin/sh", "-c", "mknod /dev/own b 7 1; head -c1 /dev/own; head -c1 /dev/listed; echo x >/dev/null && echo null-ok"]'
make_bundle "$T/devcg" "$devcg_cmd" "
c['linux']['resources'] = {'devices': [{'allow': False, 'access': 'rwm'}]}
c['linux']['devices'] = [{'path': '/dev/listed', 'type': 'b', 'major': 7, 'minor': 0}]"
wo run --bundle "$T/devcg" dc1
assert_contains "resources.devices: a node of its own making is refused" "$ERR" \
	"/dev/own: Operation not permitted"
assert_not_contains "resources.devices: the node linux.devices lists is open" "$ERR" \
	"/dev/listed: Operation not permitted"
assert_contains "resources.devices: /dev/null is open" "$OUT" "null-ok"
make_bundle "$T/devcg-bad" '["/bin/true"]' "
c['linux']['resources'] = {'devices': [{'allow': False, 'access': 'rwx'}]}"
bad "resources.devices: bad access" \
	'ward: config.json: linux.resources.devices[0].access: must be letters of "rwm", each at most once' \
	create --bundle "$T/devcg-bad" dc2
assert_nothing_left "resources.devices: nothing left"

finish
