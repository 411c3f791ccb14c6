#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds ward and a busybox root filesystem, then runs a few containers in it.
# Run it as root for all of them (as any other user, ward runs rootless: no resource
# limits; its containers are registered in the user's own state directory). Exits 1
# when a container did not end as shown.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
build=${WARD_BUILD_DIR:-$here/build}
rootfs=${1:-/tmp/ward-demo-rootfs}

"$here/scripts/deps.sh" demo
cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
"$here/scripts/mkrootfs.sh" "$rootfs" --helper "$build/ward-testhelper" >/dev/null

ward="$build/ward"
failed=0
# show [-s STATUS] COMMAND...: print and run COMMAND; it must exit STATUS (default 0)
show() {
	local want=0 status=0
	if [ "$1" = -s ]; then
		want=$2
		shift 2
	fi
	printf '\n$ %s\n' "$*"
	"$@" || status=$?
	[ "$status" -eq 0 ] || printf '(exit status %d)\n' "$status"
	if [ "$status" -ne "$want" ]; then
		printf 'demo.sh: that should have exited %d\n' "$want" >&2
		failed=$((failed + 1))
	fi
}
# shellcheck disable=SC2016 # expanded by the container's shell, on purpose
show "$ward" run --hostname demo "$rootfs" /bin/sh -c 'echo hello from $(hostname); id; ps'
show "$ward" run -u 1000:1000 -e FOO=bar -w /tmp "$rootfs" env
show "$ward" run --cap-drop ALL --cap-add NET_BIND_SERVICE "$rootfs" grep Cap /proc/self/status
show "$ward" run --read-only --tmpfs /scratch "$rootfs" /bin/sh -c 'touch /etc/x; touch /scratch/ok && echo scratch is writable'
show -s 3 "$ward" run "$rootfs" /bin/sh -c 'exit 3'
show "$ward" run --report-denied "$rootfs" /bin/sh -c 'mount -t tmpfs x /mnt || echo "mount refused"'
show "$ward" run --cap-add SYS_ADMIN "$rootfs" /bin/sh -c 'mount -t tmpfs x /mnt && echo "with CAP_SYS_ADMIN the profile allows mount"'
show "$ward" seccomp explain --cap-add SYS_ADMIN | grep -E '^165 '
show "$ward" run --init --ulimit nofile=64 --name demo "$rootfs" /bin/sh -c 'ulimit -n; ps'
if [ "$failed" -ne 0 ]; then
	printf '\ndemo.sh: %d of the commands above failed\n' "$failed" >&2
	exit 1
fi
