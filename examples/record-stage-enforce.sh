#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A profile made for one workload, the way a CI pipeline would keep it:
#   1. record:  run the workload once, write the profile it needs
#   2. stage:   the same profile with defaultAction SCMP_ACT_LOG: nothing is denied,
#               --report-denied lists what it would deny; record those paths too (--merge)
#   3. enforce: run with the profile; --report-denied shows zero denials
#   4. diff:    in CI, fail when a change widens the profile (exit 1) until reviewed
# Needs root (or a rootless `ward run` setup); WARD and ROOTFS may be set as in
# hardened-vs-unconfined.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
ward=${WARD:-$here/build/ward}
rootfs=${ROOTFS:-/tmp/ward-demo-rootfs}
[ -d "$rootfs" ] || "$here/scripts/mkrootfs.sh" "$rootfs" >/dev/null
work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT

# the workload: a script; "full" is a code path the first recording does not take
mkdir "$work/app"
cat >"$work/app/run.sh" <<'EOF'
ls / | wc -l
if [ "${1:-}" = full ]; then stat -f / >/dev/null && echo "full: statfs ok"; fi
EOF
app=(-v "$work/app:/app:ro" "$rootfs" /bin/sh /app/run.sh)

echo "# 1. record the workload"
"$ward" seccomp record -o "$work/app.json" "${app[@]}"
cp "$work/app.json" "$work/app-v1.json" # what CI has committed

echo
echo "# 2. stage: log instead of deny, and see what the profile would deny"
sed -e 's/"defaultAction": "SCMP_ACT_ERRNO"/"defaultAction": "SCMP_ACT_LOG"/' \
	-e '/"defaultErrnoRet"/d' "$work/app.json" >"$work/stage.json"
"$ward" run --security-opt "seccomp=$work/stage.json" --report-denied "${app[@]}" full
echo "# ... so record that path too, into the same profile"
"$ward" seccomp record -o "$work/app.json" --merge "$work/app.json" "${app[@]}" full

echo
echo "# 3. enforce: both paths run, nothing is denied"
"$ward" run --security-opt "seccomp=$work/app.json" --report-denied "${app[@]}"
"$ward" run --security-opt "seccomp=$work/app.json" --report-denied "${app[@]}" full

echo
echo "# 4. CI: the new profile is wider than the committed one: exit 1 until reviewed"
if "$ward" seccomp diff "$work/app-v1.json" "$work/app.json"; then
	echo "ci: profile unchanged or narrower"
else
	echo "ci: the profile allows more than before: review the lines marked +"
fi
echo "# and it stays narrower than Docker's default"
"$ward" seccomp diff default "$work/app.json" >/dev/null && echo "ci: no wider than the default"
