#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every command the integration scripts (and test.sh, demo.sh, mkrootfs.sh) run is
# installed by `scripts/deps.sh test`: each word in a command position that is a
# program on this machine must come from a package deps.sh installs (or one of their
# dependencies), or from an Essential or required package (what debootstrap --variant
# minbase gives). A fresh machine then has what the tests call (python3 was missing).
# Needs no root; skips without dpkg and apt-cache.
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

if ! command -v dpkg >/dev/null || ! command -v apt-cache >/dev/null; then
	echo "1..0 # SKIP needs dpkg and apt-cache (a Debian or Ubuntu machine)"
	exit 77
fi
new_tmpdir T
src=$WARD_SOURCE_DIR
scripts=("$src"/tests/integration/*.sh "$src/scripts/test.sh" "$src/scripts/demo.sh" "$src/scripts/mkrootfs.sh")

# the packages deps.sh installs, with everything they depend on
mapfile -t want < <(bash "$src/scripts/deps.sh" --list test)
{
	printf '%s\n' "${want[@]}"
	apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
		--no-replaces --no-enhances "${want[@]}" 2>/dev/null | grep -v '^ ' | tr -d '<>'
	dpkg-query -W -f='${Package} ${Essential} ${Priority}\n' | awk '$2 == "yes" || $3 == "required" {print $1}'
} | sed 's/:.*//' | sort -u >"$T/allowed"

# words in a command position: line starts, after | ; && || $( ( ! and the keywords
# that take a command, and after timeout's arguments; not in single quotes, where the
# scripts give the container's shell its commands (busybox's)
# (heredocs are other programs' text: dropped)
strip_heredocs() {
	awk '{ if (end != "") { if ($0 ~ "^[[:space:]]*" end "$") end = ""; next }
	       if (match($0, /(^|[^<])<<-?[[:space:]]*[\x27"]?[A-Za-z_]+/)) {
		       end = substr($0, RSTART, RLENGTH); gsub(/^[^<]?<<-?[[:space:]]*[\x27"]?/, "", end) }
	       print }' "$@"
}
words=$(strip_heredocs "${scripts[@]}" | grep -v '^[[:space:]]*#' | sed "s/'[^']*'//g" |
	grep -oE '(^|[|;&(!]|\$\(|\bthen|\bdo|\bif|\belse|\belif|\bwhile|\buntil|\bexec|\btimeout( -k [0-9]+)? [0-9]+|\bcommand -v|\benv( --default-signal)?)[[:space:]]*[a-z][a-z0-9_.+-]*' |
	grep -oE '[a-z][a-z0-9_.+-]*$' | sort -u)
# the scripts' own functions are not programs
funcs=$(cat "${scripts[@]}" | grep -oE '^[a-z_][a-z0-9_]*\(\)' | tr -d '()' | sort -u)

# Python statements inside double-quoted strings the scripts hand to python3
not_commands="import from print"
n=0
for w in $words; do
	grep -qx -- "$w" <<<"$funcs" && continue
	[[ " $not_commands " == *" $w "* ]] && continue
	[ "$(env -i bash -c "type -t '$w'" 2>/dev/null)" = file ] || continue
	path=$(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin bash -c "command -v '$w'")
	[ -n "$path" ] || continue
	# merged /usr: dpkg may know /usr/bin/cat as /bin/cat
	# (a diverted file, /bin/sh, is listed with its diversions first: skip those lines)
	pkg=$({ dpkg -S "$path" 2>/dev/null || dpkg -S "${path#/usr}" 2>/dev/null ||
		dpkg -S "$(readlink -f "$path")" 2>/dev/null || true; } | grep -v '^diversion by ' | head -1)
	pkg=${pkg%%:*}
	n=$((n + 1))
	if [ -z "$pkg" ]; then
		skip "$w ($path)" "not from a package on this machine"
	elif grep -qx -- "$pkg" "$T/allowed"; then
		pass "$w ($pkg) is installed by deps.sh test"
	else
		fail "$w ($pkg) is installed by deps.sh test" "add $pkg to test_pkgs in scripts/deps.sh"
	fi
done
[ "$n" -gt 10 ] && pass "found $n commands to check" || fail "found $n commands to check"
finish
