#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The one test command: install what is missing, configure, build, run every test.
#
#   scripts/test.sh              # gcc build with -Werror, all unit and integration tests
#   WARD_SANITIZE=address,undefined scripts/test.sh   # also run the unit tests under ASan/UBSan
#
# Integration tests need root; without it they report SKIP (exit 77), never a pass.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
build=${WARD_BUILD_DIR:-$here/build}
jobs=$(nproc 2>/dev/null || echo 2)

"$here/scripts/deps.sh"

cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWARD_WERROR=ON
cmake --build "$build" -j"$jobs"

status=0
(cd "$build" && ctest --output-on-failure --timeout 600) || status=$?

if [ -n "${WARD_SANITIZE:-}" ]; then
	cmake -S "$here" -B "$build-san" -DCMAKE_BUILD_TYPE=Debug -DWARD_WERROR=ON \
		-DWARD_SANITIZE="$WARD_SANITIZE"
	cmake --build "$build-san" -j"$jobs"
	(cd "$build-san" && ASAN_OPTIONS=detect_leaks=1 ctest -L unit --output-on-failure) || status=$?
fi
exit "$status"
