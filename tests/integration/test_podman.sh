#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Podman drives ward as its OCI runtime: run --rm, the exit status passed through,
# run -d + stop + rm, kill, a seccomp profile's denial, --cap-add, --memory, -t; and
# nothing left behind (ward state, processes, mounts, cgroups). Podman's own storage
# is kept in a temporary directory. Skipped when podman is not installed.
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

need_root
if ! command -v podman >/dev/null 2>&1; then
	echo "1..0 # SKIP podman is not installed (apt-get install podman)"
	exit 77
fi
setup_rootfs
new_tmpdir T
fresh_rootfs RFS # podman creates mount points (/run/.containerenv, ...) in it
WROOT=/run/ward  # podman runs the runtime with its default --root

# On this machine podman needs cgroupfs, and rlimits it does not raise.
P=(podman --root "$T/storage" --runroot "$T/run" --runtime "$WARD"
	--cgroup-manager cgroupfs --events-backend file)
U=(--ulimit nofile=1024:1024 --ulimit nproc=1024:1024)

# pm ARGS...: run podman, bounded; OUT, ERR and STATUS as run_ward sets them
pm() {
	local o e
	o=$(mktemp -p "$T") e=$(mktemp -p "$T")
	timeout 60 "${P[@]}" "$@" >"$o" 2>"$e"
	STATUS=$?
	OUT=$(cat "$o") ERR=$(cat "$e")
	rm -f "$o" "$e"
}

# ok_if NAME CMD...: pass when CMD succeeds
ok_if() {
	local name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name" "$(_last_run)" "stdout: $OUT" "stderr: $ERR"; fi
}

# net_admin HEX: CAP_NET_ADMIN (bit 12) is in the capability mask HEX
# shellcheck disable=SC2317 # called through ok_if
net_admin() {
	[ -n "$1" ] && (((0x$1 >> 12) & 1))
}

# shellcheck disable=SC2317 # called through ok_if
no_net_admin() {
	[ -n "$1" ] && ! net_admin "$1"
}

# ward_cgroups ID: the container's cgroups, wherever ward made them
ward_cgroups() {
	find /sys/fs/cgroup -maxdepth 6 -type d \( -name "ward-oci-$1*" -o -name "libpod-$1*" \) 2>/dev/null
}

# Is podman itself usable here? `podman create` builds the container (storage,
# spec, network config) without calling any runtime: if that fails, the machine's
# podman is broken, which is not ward's doing. (Its default runtime is no help:
# crun refuses this project's hybrid cgroup host.)
if ! own_err=$(timeout 60 "${P[@]}" create --name ward-pm-probe "${U[@]}" --rootfs "$RFS" /bin/true 2>&1); then
	skip "podman drives ward" "podman cannot even create a container here: $(tail -1 <<<"$own_err")"
	finish
fi
timeout 60 "${P[@]}" rm ward-pm-probe >/dev/null 2>&1 || true # a stored container only

# podman's first run sets up its storage, network and cgroups (its own, kept)
pm run --rm "${U[@]}" --rootfs "$RFS" /bin/echo hi
assert_status "run --rm echo: status 0" 0
assert_eq "run --rm echo: output" "hi" "$OUT"
snapshot_state

pm run --rm "${U[@]}" --rootfs "$RFS" /bin/sh -c 'exit 7'
assert_status "exit status passes through" 7

pm run -d --name ward-pm-d "${U[@]}" --rootfs "$RFS" /bin/sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done'
assert_status "run -d" 0
id=$OUT
pm inspect -f '{{.State.Running}}' ward-pm-d
assert_eq "run -d: running" "true" "$OUT"
ok_if "run -d: ward's state exists" test -d "$WROOT/$id"
pm stop -t 5 ward-pm-d
assert_status "stop" 0
# podman removes the network namespace before it runs ward delete
assert_not_contains "stop: no warning from ward's delete" "$ERR" "ward:"
pm inspect -f '{{.State.Status}} {{.State.ExitCode}}' ward-pm-d
assert_eq "stop: exited 0 (the TERM trap)" "exited 0" "$OUT"
pm rm ward-pm-d
assert_status "rm" 0
assert_not_contains "rm: no warning from ward" "$ERR" "ward:"
ok_if "rm: ward's state removed" test ! -e "$WROOT/$id"
assert_eq "rm: no cgroup left" "" "$(ward_cgroups "$id")"

pm run -d --name ward-pm-k "${U[@]}" --rootfs "$RFS" /bin/sleep 100
id=$OUT
pm kill ward-pm-k
assert_status "kill" 0
pm wait ward-pm-k
assert_eq "kill: status 137" "137" "$OUT"
pm rm ward-pm-k
assert_status "rm after kill" 0
ok_if "kill + rm: ward's state removed" test ! -e "$WROOT/$id"

cat >"$T/deny-mkdir.json" <<'EOF'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
EOF
pm run --rm --security-opt seccomp="$T/deny-mkdir.json" "${U[@]}" --rootfs "$RFS" /bin/mkdir /tmp/d
assert_status "seccomp=PROFILE: mkdir denied" 1
assert_contains "seccomp=PROFILE: EPERM" "$ERR" "Operation not permitted"
pm run --rm "${U[@]}" --rootfs "$RFS" /bin/mkdir /tmp/d
assert_status "default profile: mkdir allowed" 0

# Bring your own profile through podman: the guide's allowlist runs a shell as
# printed, umask stays 0022, and profiles that deny what ward does in the child
# (but a program does not need) start the container as under `ward run`.
allowlist "$T/guide.json"
pm run --rm --security-opt seccomp="$T/guide.json" "${U[@]}" --rootfs "$RFS" /bin/sh -c 'echo ok'
assert_eq "the guide's allowlist: the shell runs" "0 ok" "$STATUS $OUT"
pm run --rm --security-opt seccomp="$T/guide.json" "${U[@]}" --rootfs "$RFS" /bin/grep Umask /proc/self/status
assert_eq "the guide's allowlist: umask 0022" "Umask:	0022" "$OUT"
for name in sendmsg sendto setresuid close_range umask fstatfs; do
	without "$T/no-$name.json" "$name"
	pm run --rm --security-opt seccomp="$T/no-$name.json" "${U[@]}" --rootfs "$RFS" /bin/sh -c 'echo ok'
	assert_eq "default without $name: the container runs" "0 ok" "$STATUS $OUT"
done
allowlist "$T/no-execve.json" execve
pm run --rm --security-opt seccomp="$T/no-execve.json" "${U[@]}" --rootfs "$RFS" /bin/true
assert_status "no execve: the run fails" 126
assert_contains "no execve: podman shows ward's message naming execve" "$ERR" \
	"the seccomp profile denies execve, which ward needs after loading it"

# CAP_NET_ADMIN is bit 12
pm run --rm --cap-add NET_ADMIN "${U[@]}" --rootfs "$RFS" /bin/sh -c 'grep CapEff /proc/self/status'
eff=$(awk '{print $2}' <<<"$OUT")
ok_if "--cap-add NET_ADMIN: in CapEff" net_admin "$eff"
pm run --rm "${U[@]}" --rootfs "$RFS" /bin/sh -c 'grep CapEff /proc/self/status'
eff=$(awk '{print $2}' <<<"$OUT")
ok_if "no --cap-add: no NET_ADMIN" no_net_admin "$eff"

# --memory: the limit on the container's cgroup, read from the host
pm run -d --name ward-pm-m --memory 64m "${U[@]}" --rootfs "$RFS" /bin/sleep 100
id=$OUT
pm inspect -f '{{.State.Pid}}' ward-pm-m
pid=$OUT
limit=""
if [ -n "$pid" ] && [ -r "/proc/$pid/cgroup" ]; then
	cg=$(awk -F: '$2 == "memory" {print $3}' "/proc/$pid/cgroup")
	if [ -n "$cg" ]; then
		limit=$(cat "/sys/fs/cgroup/memory$cg/memory.limit_in_bytes" 2>/dev/null)
	else
		cg=$(awk -F: '$1 == "0" {print $3}' "/proc/$pid/cgroup")
		limit=$(cat "/sys/fs/cgroup$cg/memory.max" /sys/fs/cgroup/unified"$cg"/memory.max 2>/dev/null | head -1)
	fi
fi
assert_eq "--memory 64m: the cgroup's limit" "67108864" "$limit"
# inside, without a cgroup namespace (podman's default on v1), /sys/fs/cgroup still shows
# the container's own cgroup: it reads its limit where tools look
if [ -n "$cg" ] && [ "$(awk -F: '$2 == "memory" {print $3}' "/proc/$pid/cgroup")" ]; then
	pm exec ward-pm-m cat /sys/fs/cgroup/memory/memory.limit_in_bytes
else
	pm exec ward-pm-m cat /sys/fs/cgroup/memory.max
fi
assert_eq "--memory 64m: the container reads its own limit" 67108864 "$OUT"
# podman update: ward update -r FILE (raising memory above memory+swap on v1: swap first)
pm update --memory 256m ward-pm-m
assert_status "update --memory 256m" 0
assert_not_contains "update: no error" "$ERR" "ward:"
# the cgroup is where podman's config.json put it (linux.cgroupsPath), so podman finds it
assert_contains "--memory: the cgroup is podman's cgroupsPath" "$cg" "libpod-$id"
pm stats --no-stream --format '{{.MemUsage}}' ward-pm-m
assert_status "stats: podman reads the container's cgroup" 0
assert_match "stats: the memory limit" '/ 67\.1[0-9]*MB$' "$OUT"
pm top ward-pm-m
assert_status "top: podman lists the container's processes" 0
assert_contains "top: the container's sleep" "$OUT" "sleep 100"
# podman exec: ward exec through conmon (--detach, --pid-file, --process)
pm exec ward-pm-m /bin/sh -c 'echo "in $$"; cat /proc/1/cmdline | tr "\0" " "'
assert_status "exec: runs" 0
assert_match "exec: in the container's pid namespace, beside its init" '^in [0-9]+$' \
	"$(echo "$OUT" | sed -n 1p)"
assert_contains "exec: the init is the container's" "$OUT" "/bin/sleep 100"
pm pause ward-pm-m
assert_status "pause" 0
pm inspect -f '{{.State.Status}}' ward-pm-m
assert_eq "pause: podman says paused" paused "$OUT"
pm unpause ward-pm-m
assert_status "unpause" 0
pm inspect -f '{{.State.Status}}' ward-pm-m
assert_eq "unpause: running again" running "$OUT"
pm exec ward-pm-m /bin/sh -c 'exit 6'
assert_status "exec: the status passes through" 6
pm exec ward-pm-m /nonexistent
assert_status "exec: a missing command is 127" 127
pm exec -u 1000 ward-pm-m /bin/sh -c 'id -u'
assert_eq "exec -u: the user" 1000 "$OUT"
if command -v script >/dev/null 2>&1; then
	out=$(timeout 60 script -eqc "${P[*]} exec -t ward-pm-m /bin/sh -c tty" /dev/null </dev/null)
	assert_eq "exec -t: a pty (through conmon's console socket)" /dev/pts/0 \
		"$(echo "$out" | tr -d '\r' | sed 's/\^@//g' | head -1)"
fi
pm rm -f -t 0 ward-pm-m
assert_status "rm -f a running container" 0
# --uidmap: a user namespace; the container's root is host uid 100000
pm run --rm --uidmap 0:100000:65536 --gidmap 0:100000:65536 "${U[@]}" --rootfs "$RFS" \
	/bin/sh -c 'id -u; cat /proc/self/uid_map; cat /sys/fs/cgroup/pids/cgroup.procs /sys/fs/cgroup/cgroup.procs 2>/dev/null | head -1'
assert_status "--uidmap: runs" 0
assert_eq "--uidmap: root inside" 0 "$(echo "$OUT" | sed -n 1p)"
assert_match "--uidmap: the mapping" '^ *0 +100000 +65536$' "$(echo "$OUT" | sed -n 2p)"
assert_eq "--uidmap: its own cgroup in /sys/fs/cgroup" 1 "$(echo "$OUT" | sed -n 3p)"
ok_if "rm -f: ward's state removed" test ! -e "$WROOT/$id"
assert_eq "rm -f: no cgroup left" "" "$(ward_cgroups "$id")"

# -t: a terminal inside, through script(1)'s pty
if command -v script >/dev/null 2>&1; then
	cmd=$(printf '%q ' "${P[@]}" run --rm -t "${U[@]}" --rootfs "$RFS" /bin/sh -c 'tty')
	OUT=$(timeout 60 script -qec "$cmd" /dev/null </dev/null 2>&1)
	assert_contains "-t: a pty inside" "$OUT" "/dev/pts/"
else
	skip "-t: a pty inside" "script(1) is not installed"
fi

pm ps -aq
assert_eq "no container left in podman" "" "$OUT"
assert_nothing_left "nothing left behind"
rm -rf "$T/storage" 2>/dev/null || true
finish
