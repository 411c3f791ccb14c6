#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Write a profile, check it, see what it decides, run with it. Needs root for the
# run; WARD and ROOTFS may be set as in hardened-vs-unconfined.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
ward=${WARD:-$here/build/ward}
rootfs=${ROOTFS:-/tmp/ward-demo-rootfs}
profile=$here/examples/profiles/no-inet.json
[ -d "$rootfs" ] || "$here/scripts/mkrootfs.sh" "$rootfs" >/dev/null

echo "# 1. check it: exit 1 and the place of the first error if it is wrong"
"$ward" seccomp check "$profile"

echo
echo "# 2. what it decides for socket and keyctl, and why"
"$ward" seccomp explain "$profile" | grep -E '^[0-9]+ +(socket|keyctl) '

echo
echo "# 3. run with it: an IPv4 socket fails with EACCES, everything else works"
"$ward" run --security-opt "seccomp=$profile" --report-denied "$rootfs" /bin/sh -c \
	'nc 127.0.0.1 80 </dev/null 2>&1 | head -1; ls / | wc -l'
