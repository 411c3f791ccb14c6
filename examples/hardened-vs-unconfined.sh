#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What does Docker's default seccomp profile block for a container, compared with no
# profile at all, and why? Needs root. WARD and ROOTFS may be set; otherwise the
# build in ./build and a busybox rootfs in /tmp are used (scripts/demo.sh makes both).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
ward=${WARD:-$here/build/ward}
rootfs=${ROOTFS:-/tmp/ward-demo-rootfs}
[ -d "$rootfs" ] || "$here/scripts/mkrootfs.sh" "$rootfs" >/dev/null

echo "# the built-in profile against unconfined: what differs, and which rule decided"
table=$("$ward" compare "$rootfs")
head -20 <<<"$table"
echo "..."
grep -E 'calls differ' <<<"$table"

echo
echo "# why is mount denied, and what would allow it?"
"$ward" seccomp explain | grep -E '^165 '
"$ward" seccomp explain --cap-add SYS_ADMIN | grep -E '^165 '

echo
echo "# the same question for a command: what did seccomp deny it?"
"$ward" run --report-denied "$rootfs" /bin/sh -c 'mount -t tmpfs x /mnt 2>/dev/null; echo exit $?'
