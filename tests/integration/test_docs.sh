#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The README's `ward run` table and `ward run --help` list the same options, short
# forms included; the README stands alone (nothing it links to is outside the
# repository); docs/DESIGN.md's map of the source tree and the tree agree, file for
# file. Needs no root.
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

readme=$WARD_SOURCE_DIR/README.md
# the first column of the table under "## Usage"
readme_opts=$(sed -n '/^## Usage/,/^## /p' "$readme" | grep '^| `' | sed 's/\\|/ /g' |
	awk -F'|' '{print $2}' | grep -oE -- '(^|[^a-z-])--?[a-z][a-z-]*' | grep -oE -- '--?[a-z][a-z-]*' | sort -u)
# the option column of the help (up to the description)
help_opts=$("$WARD" run --help | grep -E '^ +(-[a-z], )?--' | cut -c1-31 |
	grep -oE -- '--?[a-z][a-z-]*' | grep -vx -- '--help' | sort -u)
missing=$(comm -13 <(echo "$readme_opts") <(echo "$help_opts"))
extra=$(comm -23 <(echo "$readme_opts") <(echo "$help_opts"))
assert_eq "every option of 'ward run --help' is in the README's table" "" "$missing"
assert_eq "every option of the README's table is in 'ward run --help'" "" "$extra"
n=$(echo "$help_opts" | wc -l)
[ "$n" -gt 40 ] && pass "compared $n options" || fail "compared $n options" "$help_opts"

# links and paths out of the repository
out=$(grep -nE '\]\(\.\./|\.\./shared' "$readme" || true)
assert_eq "the README links nothing outside the repository" "" "$out"
for f in $(grep -oE '\]\([^)#:]+\)' "$readme" | sed 's/^](//; s/)$//' | sort -u); do
	if [ -e "$WARD_SOURCE_DIR/$f" ]; then pass "README link $f exists"; else fail "README link $f exists"; fi
done

# docs/DESIGN.md's map: a "    src/DIR/" line, then "      FILE  what it owns" lines
design=$WARD_SOURCE_DIR/docs/DESIGN.md
mapped=$(awk '/^    src(\/[a-z0-9_]+)*\/$/ {dir=$1; next} dir && /^      [A-Za-z0-9_.-]+ / {print dir $1; next} !/^      / {dir=""}' "$design" | sort)
tree=$(cd "$WARD_SOURCE_DIR" && find src -type f | sort)
assert_eq "every file under src/ is on docs/DESIGN.md's map" "" "$(comm -13 <(echo "$mapped") <(echo "$tree"))"
assert_eq "every file on docs/DESIGN.md's map exists" "" "$(comm -23 <(echo "$mapped") <(echo "$tree"))"
n=$(echo "$mapped" | wc -l)
[ "$n" -gt 80 ] && pass "the map lists $n files" || fail "the map lists $n files"
finish
