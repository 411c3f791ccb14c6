#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs one libFuzzer target for a while:
#
#   scripts/fuzz.sh TARGET SECONDS     # TARGET: profile, oci or cli
#
# Installs clang and its fuzzer runtime if missing, configures build-fuzz (or
# $WARD_FUZZ_BUILD_DIR) with -DWARD_FUZZ=ON, builds fuzz_TARGET, and runs it, with
# the dictionary tests/fuzz/TARGET.dict, on a copy of tests/fuzz/corpus/TARGET and
# tests/data/fuzz-regressions/TARGET (the repository's corpus is never written).
# A crash, sanitizer report, leak, timeout or out-of-memory input is copied into
# tests/data/fuzz-regressions/TARGET/ (commit it: ctest fuzz.TARGET replays it in
# every build) and the script exits 1.
# Extra arguments after SECONDS go to libFuzzer (e.g. -jobs=2, -dict=FILE).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
usage="usage: scripts/fuzz.sh profile|oci|cli SECONDS [LIBFUZZER OPTION...]"
[ $# -ge 2 ] || { echo "$usage" >&2; exit 2; }
target=$1 seconds=$2
shift 2
case $target in profile | oci | cli) ;; *) echo "$usage" >&2; exit 2 ;; esac
case $seconds in '' | *[!0-9]*) echo "$usage" >&2; exit 2 ;; esac

build=${WARD_FUZZ_BUILD_DIR:-$here/build-fuzz}
regress=$here/tests/data/fuzz-regressions/$target

# clang, then the fuzzer runtime of that clang's version (libclang-rt-14-dev on Debian 12)
"$here/scripts/deps.sh" clang
major=$(clang -dumpversion | cut -d. -f1)
"$here/scripts/deps.sh" "libclang-rt-$major-dev"

CC=clang cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DWARD_WERROR=ON -DWARD_FUZZ=ON \
	-DWARD_SANITIZE= >/dev/null
cmake --build "$build" -j"$(nproc 2>/dev/null || echo 2)" --target "fuzz_$target" >/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/ward-fuzz-$target.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus" "$work/artifacts"
cp "$here/tests/fuzz/corpus/$target/"* "$work/corpus/"
[ -d "$regress" ] && find "$regress" -maxdepth 1 -type f ! -name '.*' -exec cp {} "$work/corpus/" \;

# leaks are findings too; a single input taking 10 s is a hang; ward's own
# inputs are bounded (profiles and configs a few MiB), 64 KiB is plenty to find bugs
dict=()
[ -f "$here/tests/fuzz/$target.dict" ] && dict=(-dict="$here/tests/fuzz/$target.dict")
status=0
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
	"$build/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
	-max_len=65536 -print_final_stats=1 -artifact_prefix="$work/artifacts/" "${dict[@]}" "$@" \
	"$work/corpus" || status=$?

shopt -s nullglob
found=("$work/artifacts/"*)
if [ "$status" -ne 0 ] || [ ${#found[@]} -gt 0 ]; then
	mkdir -p "$regress"
	for f in "${found[@]}"; do
		cp "$f" "$regress/"
		echo "fuzz.sh: $target: new regression input tests/data/fuzz-regressions/$target/$(basename "$f")" >&2
	done
	[ ${#found[@]} -gt 0 ] || echo "fuzz.sh: $target: fuzzer exited $status without an input" >&2
	exit 1
fi
echo "fuzz.sh: $target: no finding in $seconds s"
