#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Docker's run flags take effect in the container: --ulimit, --sysctl, --oom-score-adj,
# --group-add, --pid/--ipc/--uts/--cgroupns host, --mount, --entrypoint, --env-file,
# --cpu-quota; a bad one fails before anything starts.
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

need_root
setup_rootfs
snapshot_state
new_tmpdir T

run_in --ulimit nofile=100:200 "$ROOTFS" /bin/sh -c 'ulimit -n; ulimit -Hn'
assert_eq "--ulimit nofile=100:200" "100
200" "$OUT"
run_in --sysctl kernel.shmmax=1048576 --sysctl net.ipv4.ip_default_ttl=42 "$ROOTFS" \
	/bin/sh -c 'cat /proc/sys/kernel/shmmax /proc/sys/net/ipv4/ip_default_ttl'
assert_eq "--sysctl: namespaced values set" "1048576
42" "$OUT"
assert_eq "--sysctl: the host's untouched" "64" "$(cat /proc/sys/net/ipv4/ip_default_ttl)"
run_in --oom-score-adj 500 "$ROOTFS" cat /proc/self/oom_score_adj
assert_eq "--oom-score-adj 500" "500" "$OUT"
run_in --group-add 1234 --group-add extra "$ROOTFS" "$H" id
assert_contains "--group-add 1234 and a rootfs group name" "$OUT" "1234"
assert_contains "--group-add extra (gid 2000)" "$OUT" "2000"
run_in --pid host "$ROOTFS" /bin/sh -c 'test -d /proc/1 && test "$$" != 1 && echo host'
assert_eq "--pid host: the host's processes" "host" "$OUT"
# no pid namespace: what the command leaves behind outlives it, and ward kills it
# with the cgroup (its rmdir is refused while anything is in it)
cgs_before=$(find /sys/fs/cgroup -mindepth 1 -maxdepth 8 -type d -name 'ward-*' | sort)
run_in --pid host "$ROOTFS" /bin/sh -c "$H sleep 300 & echo \$!"
left=$OUT
assert_match "--pid host: the command started a process of its own" '^[0-9]+$' "$left"
# killed by then; a zombie until the host's init reaps it
assert_eq "--pid host: a process left behind is killed at the end" "" \
	"$(ps -o stat= -p "$left" 2>/dev/null | grep -v '^Z')"
assert_eq "--pid host: its cgroup removed" "$cgs_before" \
	"$(find /sys/fs/cgroup -mindepth 1 -maxdepth 8 -type d -name 'ward-*' | sort)"
run_in --uts host "$ROOTFS" /bin/sh -c 'hostname; echo $HOSTNAME'
assert_eq "--uts host: the host's name, in HOSTNAME too" "$(hostname)
$(hostname)" "$OUT"
run_in --ipc host "$ROOTFS" readlink /proc/self/ns/ipc
assert_eq "--ipc host" "$(readlink /proc/self/ns/ipc)" "$OUT"
run_in --cgroupns host "$ROOTFS" readlink /proc/self/ns/cgroup
assert_eq "--cgroupns host" "$(readlink /proc/self/ns/cgroup)" "$OUT"
run_in "$ROOTFS" readlink /proc/self/ns/ipc
assert_ne "without --ipc host: one of its own" "$(readlink /proc/self/ns/ipc)" "$OUT"
echo data >"$T/file"
run_in --mount "type=bind,source=$T,target=/mnt,readonly" "$ROOTFS" \
	/bin/sh -c 'cat /mnt/file; touch /mnt/x 2>/dev/null || echo read-only'
assert_eq "--mount type=bind,readonly" "data
read-only" "$OUT"
run_in --mount type=tmpfs,target=/t,tmpfs-size=1m "$ROOTFS" /bin/sh -c 'df -k /t | tail -1'
assert_match "--mount type=tmpfs,tmpfs-size=1m" '^tmpfs +1024 ' "$OUT"
run_in --entrypoint /bin/echo "$ROOTFS" a b
assert_eq "--entrypoint: the command's first word" "a b" "$OUT"
printf '# comment\n\nA=1\nB=two words\n' >"$T/env"
run_in --env-file "$T/env" "$ROOTFS" /bin/sh -c 'echo "$A/$B"'
assert_eq "--env-file" "1/two words" "$OUT"
run_in --cpu-quota 50000 --cpu-period 100000 "$ROOTFS" /bin/sh -c \
	'cat /sys/fs/cgroup/cpu.max 2>/dev/null || cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us'
assert_match "--cpu-quota 50000" '^50000' "$OUT"
# --memory-reservation, --cpuset-mems: the container's own cgroup files, as it reads them
run_in -m 64m --memory-reservation 32m --cpuset-mems 0 "$ROOTFS" /bin/sh -c \
	'cat /sys/fs/cgroup/memory.low 2>/dev/null || cat /sys/fs/cgroup/memory/memory.soft_limit_in_bytes
	cat /sys/fs/cgroup/cpuset.mems 2>/dev/null || cat /sys/fs/cgroup/cpuset/cpuset.mems'
assert_eq "--memory-reservation 32m, --cpuset-mems 0" "33554432
0" "$OUT"
run_in --cpuset-mems 63 "$ROOTFS" true
assert_eq "--cpuset-mems: a node this host does not have" "ward: invalid --cpuset-mems '63': requested memory nodes are not available (this host has $(cat /sys/devices/system/node/online))" "$ERR"
run_in -m 64m --memory-reservation 128m "$ROOTFS" true
assert_status "--memory-reservation above --memory: 125" 125
# --init: ward-init is pid 1, reaps the orphans, forwards signals, passes statuses on
run_in --init "$ROOTFS" /bin/sh -c 'cat /proc/1/cmdline | tr "\0" " "'
assert_eq "--init: ward-init is process 1" "ward-init -- /bin/sh -c cat /proc/1/cmdline | tr \"\\0\" \" \" " "$OUT"
run_in --init "$ROOTFS" /bin/sh -c '(sleep 0.2 &); sleep 1; ps -o stat,comm | grep -c "^Z"'
assert_eq "--init: an orphan is reaped (no zombie)" "0" "$OUT"
run_in --init "$ROOTFS" /bin/sh -c 'exit 7'
assert_status "--init: the command's status" 7
run_in --init "$ROOTFS" /nonexistent
assert_status "--init: a missing command: 127" 127
start_ward run --init "$ROOTFS" "$H" sleep 30
sleep 1
kill -TERM "$BG_PID"
wait_bg 10
assert_status "--init: SIGTERM reaches the command (143), as it does not a bare pid 1" 143

# --add-host and the DNS flags: /etc/hosts, /etc/hostname and /etc/resolv.conf as Docker
# writes them, bound over the rootfs's (which stays as it was)
run_in --add-host db:10.0.0.5 --add-host v6:fe80::1 -h box "$ROOTFS" /bin/sh -c 'cat /etc/hosts; cat /etc/hostname'
assert_eq "--add-host: /etc/hosts and /etc/hostname" "127.0.0.1	localhost
::1	localhost ip6-localhost ip6-loopback
fe00::0	ip6-localnet
ff00::0	ip6-mcastprefix
ff02::1	ip6-allnodes
ff02::2	ip6-allrouters
10.0.0.5	db
fe80::1	v6
127.0.0.1	box
box" "$OUT"
run_in --dns 192.0.2.53 --dns-search example.com --dns-option ndots:2 "$ROOTFS" cat /etc/resolv.conf
assert_eq "--dns, --dns-search, --dns-option: /etc/resolv.conf" "nameserver 192.0.2.53
search example.com
options ndots:2" "$OUT"
assert_eq "the rootfs's own files are untouched" "" "$(ls "$ROOTFS/etc/resolv.conf" "$ROOTFS/etc/hostname" 2>/dev/null | grep -v . || true)"
assert_eq "the files' directory is gone after the run" "" "$(find "${TMPDIR:-/tmp}" -maxdepth 1 -name 'ward-etc-*' -newer "$T/env" 2>/dev/null)"

# --device: the node, and the device cgroup lets it be opened; --device-cgroup-rule;
# --privileged: every capability, no filter, no masked path, the host's devices
loopdev=$(ls /dev/loop[0-9]* 2>/dev/null | head -1)
if [ -n "$loopdev" ]; then
	run_in "$ROOTFS" /bin/sh -c "mknod /dev/l b $(stat -c '%t %T' "$loopdev" | awk '{printf "%d %d", strtonum("0x"$1), strtonum("0x"$2)}'); head -c1 /dev/l >/dev/null 2>&1 || echo refused"
	assert_eq "a block device without --device: refused by the device cgroup" "refused" "$OUT"
	run_in --device "$loopdev:/dev/xloop" "$ROOTFS" /bin/sh -c 'head -c1 /dev/xloop >/dev/null && echo readable'
	assert_eq "--device: the node, usable" "readable" "$OUT"
	run_in --device-cgroup-rule "b 7:* rwm" "$ROOTFS" /bin/sh -c "mknod /dev/l b 7 0; head -c1 /dev/l >/dev/null && echo readable"
	assert_eq "--device-cgroup-rule 'b 7:* rwm': a loop device opens" "readable" "$OUT"
	run_in --privileged "$ROOTFS" /bin/sh -c "grep Seccomp: /proc/self/status; head -c1 $loopdev >/dev/null && echo dev; head -c1 /proc/keys | wc -c"
	assert_eq "--privileged: no filter, the host's devices, /proc/keys not masked" "Seccomp:	0
dev
1" "$OUT"
else
	skip "--device, --device-cgroup-rule, --privileged" "no /dev/loop* on this host"
fi

# --privileged: /sys and /sys/fs/cgroup mounted read-write, as Docker does; without it,
# read-only (the mount's options, as the kernel shows them)
sysopts='awk '"'"'$5 == "/sys" || $5 == "/sys/fs/cgroup" || $5 ~ "^/sys/fs/cgroup/(memory|unified)$" {split($6, o, ","); print $5, o[1]}'"'"' /proc/self/mountinfo'
run_in --privileged "$ROOTFS" /bin/sh -c "$sysopts"
assert_eq "--privileged: /sys read-write" "/sys rw" "$(echo "$OUT" | grep '^/sys ')"
assert_eq "--privileged: /sys/fs/cgroup read-write" "/sys/fs/cgroup rw" "$(echo "$OUT" | grep '^/sys/fs/cgroup ')"
assert_eq "--privileged: nothing under /sys/fs/cgroup read-only" "" "$(echo "$OUT" | grep -v ' rw$' || true)"
run_in "$ROOTFS" /bin/sh -c "$sysopts"
assert_eq "without --privileged: /sys read-only" "/sys ro" "$(echo "$OUT" | grep '^/sys ')"
assert_eq "without --privileged: all of /sys/fs/cgroup read-only" "" "$(echo "$OUT" | grep -v ' ro$' || true)"

# --cgroup-parent: the container's cgroup made beneath it, in every hierarchy ward uses
# (absolute: from each root; relative: beneath ward's own); the parents ward made stay,
# as runc leaves them, and only the container's own cgroup is removed
cgp=wardcgp-$$
cg_line() { echo "$1" | grep -E '^(0::|[0-9]+:pids:)' | head -1 | cut -d: -f3; }
run_in --cgroup-parent "/$cgp/sub" --cgroupns host "$ROOTFS" cat /proc/self/cgroup
assert_match "--cgroup-parent /$cgp/sub: the container's cgroup" "^/$cgp/sub/ward-[0-9]+-[0-9]+-[0-9a-f]+$" "$(cg_line "$OUT")"
assert_eq "--cgroup-parent: in each hierarchy of the container's own cgroup" "" \
	"$(echo "$OUT" | grep '/ward-[0-9]' | grep -v ":/$cgp/sub/ward-" || true)"
assert_eq "--cgroup-parent: the parent stays, the container's cgroup is gone" "yes
" "$(test -d "/sys/fs/cgroup/pids/$cgp/sub" -o -d "/sys/fs/cgroup/$cgp/sub" && echo yes)
$(find /sys/fs/cgroup -type d -path "*/$cgp/sub/ward-*" 2>/dev/null)"
start_ward --root "$T/state" run --name cgp --cgroup-parent "$cgp-rel" "$ROOTFS" "$H" sleep 30
for _ in $(seq 1 100); do "$WARD" --root "$T/state" list | grep -q '^cgp .* running ' && break; sleep 0.1; done
pid=$("$WARD" --root "$T/state" state cgp | sed -n 's/.*"pid": \([0-9]*\).*/\1/p')
own=$(cg_line "$(cat /proc/self/cgroup)")
assert_match "--cgroup-parent $cgp-rel: beneath ward's own cgroup (/proc/<pid>/cgroup)" \
	"^${own%/}/$cgp-rel/ward-[0-9]+-" "$(cg_line "$(cat "/proc/$pid/cgroup" 2>/dev/null)")"
"$WARD" --root "$T/state" kill cgp KILL
wait_bg 10
find /sys/fs/cgroup -depth -type d -path "*/$cgp*" -exec rmdir {} + 2>/dev/null
run_in --cgroup-parent ../up "$ROOTFS" true
assert_eq "--cgroup-parent with '..': refused" "ward: invalid --cgroup-parent '../up': it has a '..' component" "$ERR"

run_in --shm-size 2m "$ROOTFS" /bin/sh -c 'df -k /dev/shm | tail -1'
assert_match "--shm-size 2m: /dev/shm's size" '^shm +2048 ' "$OUT"

run_in --sysctl vm.swappiness=1 "$ROOTFS" true
assert_status "a host sysctl: 125" 125
assert_eq "a host sysctl: the message" "ward: sysctl 'vm.swappiness' is not allowed (not namespaced: it would change the host)" "$ERR"

assert_nothing_left "nothing left"
finish
