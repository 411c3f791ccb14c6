#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The one test command: install what is missing, configure, build, run every test.
#
#   scripts/test.sh              # gcc build with -Werror, all unit and integration tests
#   WARD_SANITIZE=address,undefined scripts/test.sh   # also run the unit tests under ASan/UBSan
#   WARD_FUZZ_SECONDS=20 scripts/test.sh              # also run each fuzz target 20 s (clang)
#
# Integration tests need root; without it they report SKIP (exit 77), never a pass.
# Every skip is listed at the end: whole ctest entries (integration scripts that
# exit 77), unit checks (UNIT_SKIP) and TAP cases ("ok N - ... # SKIP"). Names in
# WARD_NO_SKIP (comma or space separated; ctest names such as integration.podman,
# unit test names such as test_podman_reference, globs such as integration.*, or
# "all") must not skip: a skip of one is a failure. WARD_REQUIRE_REFERENCE=1 makes
# the Docker-agreement unit test fail without a reference profile
# (../shared/reference, or the directory $WARD_REFERENCE_DIR).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
build=${WARD_BUILD_DIR:-$here/build}
jobs=$(nproc 2>/dev/null || echo 2)

"$here/scripts/deps.sh" test

# whether a word of WARD_NO_SKIP (a name, a glob such as integration.*, or "all") matches $1
must_run() {
	local w list=${WARD_NO_SKIP:-}
	local -a words
	read -r -a words <<<"${list//,/ }"
	for w in "${words[@]}"; do
		# shellcheck disable=SC2053 # $w is a glob
		[[ $w == all || $1 == $w ]] && return 0
	done
	return 1
}

# the skips of the ctest run in build dir $1 ($2: its captured output); 1 if one must not be
report_skips() {
	local dir=$1 out=$2 log=$1/Testing/Temporary/LastTest.log bad=0 name
	local -a tests=() cases=()

	mapfile -t tests < <(sed -n 's/^ *[0-9]*\/[0-9]* Test *#[0-9]*: \([^ ]*\) .*\*\*\*Skipped.*/\1/p' "$out")
	if [ -f "$log" ]; then
		mapfile -t cases < <(grep -E '^SKIP: |^ok [0-9]+ .*# SKIP' "$log" | sort | uniq -c |
			sed 's/^ *1 //; s/^ *\([0-9]*\) \(.*\)/\2 (x\1)/')
	fi
	echo "== skipped in $(basename "$dir"): ${#tests[@]} ctest entries, ${#cases[@]} checks and TAP cases"
	for name in "${tests[@]}"; do
		if must_run "$name"; then
			echo "FAIL (WARD_NO_SKIP): $name skipped"
			bad=1
		else
			echo "SKIP: $name"
		fi
	done
	[ ${#cases[@]} -eq 0 ] || printf '  %s\n' "${cases[@]}"
	return "$bad"
}

cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWARD_WERROR=ON
cmake --build "$build" -j"$jobs"

status=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT
(cd "$build" && ctest --output-on-failure --timeout 600) | tee "$out" || status=1
report_skips "$build" "$out" || status=1

if [ -n "${WARD_SANITIZE:-}" ]; then
	cmake -S "$here" -B "$build-san" -DCMAKE_BUILD_TYPE=Debug -DWARD_WERROR=ON \
		-DWARD_SANITIZE="$WARD_SANITIZE"
	cmake --build "$build-san" -j"$jobs"
	(cd "$build-san" && ASAN_OPTIONS=detect_leaks=1 ctest -L unit --output-on-failure) |
		tee "$out" || status=1
	report_skips "$build-san" "$out" || status=1
fi

# each fuzz target for a short while (about 25 s of clang build, then the seconds
# asked each); a finding lands in tests/data/fuzz-regressions and fails the run
if [ "${WARD_FUZZ_SECONDS:-0}" != 0 ]; then
	for target in profile oci cli; do
		WARD_FUZZ_BUILD_DIR="$build-fuzz" "$here/scripts/fuzz.sh" "$target" \
			"$WARD_FUZZ_SECONDS" || status=1
	done
fi
exit "$status"
