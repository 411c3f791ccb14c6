#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Namespaces: the command is pid 1 and sees only its own processes; the hostname is
# --hostname or a 12-hex-digit id; the network is loopback only (up) unless
# --network host; every namespace but the user namespace differs from the host's.
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

need_root
setup_rootfs
snapshot_state

run_in "$ROOTFS" "$H" pid
assert_status "pid: exit 0" 0
assert_eq "the command is pid 1" "1" "$OUT"

run_in "$ROOTFS" /bin/ps -o pid,args
assert_status "ps: exit 0" 0
procs=$(sed 1d <<<"$OUT")
assert_eq "ps sees only the container's one process" "1" "$(wc -l <<<"$procs")"
assert_match "that process is pid 1, ps itself" '^ *1 +/bin/ps' "$procs"

run_in "$ROOTFS" /bin/sh -c "$H sleep 30 & a=\$!; $H sleep 31 & b=\$!; /bin/ps -o pid,args; kill \$a \$b"
assert_status "ps with two background processes: exit 0" 0
assert_not_contains "no host process is visible" "$OUT" "ward run"
assert_eq "ps sees exactly sh, two sleepers and ps" "4" "$(sed 1d <<<"$OUT" | wc -l)"

run_in --hostname ward-test "$ROOTFS" /bin/hostname
assert_status "--hostname: exit 0" 0
assert_eq "--hostname sets the hostname" "ward-test" "$OUT"

run_in -h short "$ROOTFS" "$H" cat /proc/sys/kernel/hostname
assert_eq "-h sets the hostname" "short" "$OUT"

run_in "$ROOTFS" /bin/hostname
assert_status "default hostname: exit 0" 0
assert_match "the default hostname is 12 hex digits" '^[0-9a-f]{12}$' "$OUT"
assert_ne "the default hostname is not the host's" "$(hostname)" "$OUT"

run_in "$ROOTFS" "$H" cat /proc/net/dev
assert_status "/proc/net/dev: exit 0" 0
ifaces=$(sed '1,2d; s/:.*//; s/^ *//' <<<"$OUT" | LC_ALL=C sort | tr '\n' ' ')
assert_eq "--network none (default): only lo" "lo " "$ifaces"

run_in "$ROOTFS" "$H" cat /sys/class/net/lo/operstate
assert_eq "lo is up (operstate unknown)" "unknown" "$OUT"

# ward makes the network namespace while the child mounts /proc and /dev, and the
# child joins it before /sys: sysfs shows the container's interfaces, not the
# host's, and ward itself is back in the host's namespace meanwhile
run_in "$ROOTFS" /bin/ls /sys/class/net
assert_eq "/sys/class/net: only lo (sysfs mounted in the container's namespace)" "lo" "$OUT"
start_ward run "$ROOTFS" "$H" sleep 30
for _ in $(seq 1 50); do
	kid=$(pgrep -P "$BG_PID" | head -n1)
	[ -n "$kid" ] && [ "$(readlink "/proc/$kid/exe" 2>/dev/null)" != "$WARD" ] && break
	sleep 0.1
done
assert_eq "ward stays in the host's network namespace" "$(readlink /proc/self/ns/net)" \
	"$(readlink "/proc/$BG_PID/ns/net")"
kidnet=$(readlink "/proc/$kid/ns/net" 2>/dev/null)
if [ -z "$kid" ] || [ -z "$kidnet" ]; then
	fail "while its container has one of its own" "no container process found under ward $BG_PID"
else
	assert_ne "while its container has one of its own" "$(readlink /proc/self/ns/net)" "$kidnet"
fi
kill -KILL "$BG_PID"
wait "$BG_PID" 2>/dev/null
# where clone3 is refused (strace says ENOSYS), the clone makes the namespace itself
if command -v strace >/dev/null; then
	out=$(strace -qq -o /dev/null -e trace=clone3 -e inject=clone3:error=ENOSYS "$WARD" run \
		"$ROOTFS" /bin/sh -c 'ls /sys/class/net; readlink /proc/self/ns/net' 2>&1)
	assert_eq "without clone3: only lo" "lo" "$(head -n1 <<<"$out")"
	assert_ne "without clone3: a network namespace of its own" "$(readlink /proc/self/ns/net)" \
		"$(sed -n 2p <<<"$out")"
else
	skip "without clone3: the network namespace" "strace is not installed (apt-get install strace)"
fi

run_in "$ROOTFS" /sbin/ip link show lo
assert_match "lo is up (ip link flags)" '<[^>]*[<,]UP[,>]' "$OUT"

run_in "$ROOTFS" /sbin/ip -4 addr show lo
assert_contains "lo has 127.0.0.1" "$OUT" "inet 127.0.0.1/8"

host_ifaces=$(sed '1,2d; s/:.*//; s/^ *//' /proc/net/dev | LC_ALL=C sort | tr '\n' ' ')
run_in --network host "$ROOTFS" "$H" cat /proc/net/dev
assert_status "--network host: exit 0" 0
ifaces=$(sed '1,2d; s/:.*//; s/^ *//' <<<"$OUT" | LC_ALL=C sort | tr '\n' ' ')
assert_eq "--network host sees the host's interfaces" "$host_ifaces" "$ifaces"

run_in --network none "$ROOTFS" "$H" cat /proc/net/dev
ifaces=$(sed '1,2d; s/:.*//; s/^ *//' <<<"$OUT" | LC_ALL=C sort | tr '\n' ' ')
assert_eq "--network none: only lo" "lo " "$ifaces"

nslist="ipc uts mnt pid net cgroup user"
# shellcheck disable=SC2016
script='for n in '"$nslist"'; do echo "$n $(readlink /proc/self/ns/$n)"; done'
run_in "$ROOTFS" /bin/sh -c "$script"
assert_status "readlink /proc/self/ns/*: exit 0" 0
inside=$OUT
run_in --network host "$ROOTFS" /bin/sh -c "$script"
inside_hostnet=$OUT
for n in $nslist; do
	host=$(readlink "/proc/self/ns/$n")
	mine=$(awk -v n="$n" '$1 == n { print $2 }' <<<"$inside")
	if [ "$n" = user ]; then
		assert_eq "as root, no user namespace (same as the host's)" "$host" "$mine"
	else
		if [ -z "$mine" ]; then
			fail "$n namespace differs from the host's" "no $n line in: $inside"
		else
			assert_ne "$n namespace differs from the host's" "$host" "$mine"
		fi
	fi
done
assert_eq "--network host: the host's net namespace" "$(readlink /proc/self/ns/net)" \
	"$(awk '$1 == "net" { print $2 }' <<<"$inside_hostnet")"
assert_ne "--network host: still a private uts namespace" "$(readlink /proc/self/ns/uts)" \
	"$(awk '$1 == "uts" { print $2 }' <<<"$inside_hostnet")"

assert_nothing_left "nothing left behind"
finish
