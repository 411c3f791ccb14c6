#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `cmake --install` into a temporary prefix installs the binary, a manual page per
# command (each rendered by `man -l` without a warning), the bash, zsh and fish
# completions, the default profile and the examples; `cpack -G DEB` makes a package
# with them; every verb has a help text (`ward VERB --help`, `ward help VERB`).
# Needs no root.
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

new_tmpdir T
prefix=$T/prefix
if cmake --install "$WARD_BINARY_DIR" --prefix "$prefix" >"$T/log" 2>&1; then
	pass "cmake --install into a temporary prefix"
else
	fail "cmake --install into a temporary prefix" "$(cat "$T/log")"
fi
for f in bin/ward share/bash-completion/completions/ward share/zsh/vendor-completions/_ward \
	share/fish/vendor_completions.d/ward.fish share/ward/profiles/default.json \
	share/doc/ward/examples/README.md share/doc/ward/examples/custom-profile.sh; do
	if [ -e "$prefix/$f" ]; then pass "installed: $f"; else fail "installed: $f"; fi
done
assert_eq "the installed binary runs" "ward version" "$("$prefix/bin/ward" --version | head -1 | cut -d' ' -f1,2)"

# a page for ward, each of its own commands and each OCI verb
for page in ward ward-run ward-seccomp ward-compare ward-cleanup ward-create ward-start \
	ward-state ward-kill ward-stop ward-delete ward-exec ward-list ward-ps ward-pause ward-resume \
	ward-update ward-spec ward-features; do
	f=$prefix/share/man/man1/$page.1
	if [ ! -f "$f" ]; then
		fail "man page $page(1) installed"
		continue
	fi
	if ! command -v man >/dev/null; then
		skip "man -l $page.1" "man is not installed"
		continue
	fi
	out=$(MANWIDTH=80 man --warnings -l "$f" 2>"$T/err")
	if [[ $out == *NAME*"$page "*SYNOPSIS*DESCRIPTION* ]] && [ ! -s "$T/err" ]; then
		pass "man -l $page.1 renders, without warnings"
	else
		fail "man -l $page.1 renders, without warnings" "$out" "$(cat "$T/err")"
	fi
done
assert_contains "ward-run(1) has run's help text" "$(MANWIDTH=200 man -l "$prefix/share/man/man1/ward-run.1" 2>/dev/null)" "--security-opt OPT"

# the completions at least parse
if bash -n "$prefix/share/bash-completion/completions/ward"; then pass "bash completion parses"; else fail "bash completion parses"; fi
out=$(bash -c ". '$prefix/share/bash-completion/completions/ward'; PATH='$prefix/bin':\$PATH
	COMP_WORDS=(ward run --cap-a); COMP_CWORD=2; _ward; echo \${COMPREPLY[*]}
	COMP_WORDS=(ward run --cap-add NET_B); COMP_CWORD=3; _ward; echo \${COMPREPLY[*]}
	COMP_WORDS=(ward pa); COMP_CWORD=1; _ward; echo \${COMPREPLY[*]}
	cd '$T' && COMP_WORDS=(ward seccomp explain clone); COMP_CWORD=3; _ward; echo \${COMPREPLY[*]}")
assert_eq "bash completion: flags, capabilities, verbs, syscall names" "--cap-add
NET_BIND_SERVICE NET_BROADCAST
pause
clone clone3" "$out"
assert_eq "seccomp explain SYSCALL...: only those rows" "openat
clone3" "$("$WARD" seccomp explain openat clone3 | tail -n +3 | awk '{print $2}')"
assert_eq "seccomp explain: an unknown syscall" "ward: seccomp explain: 'nosuch' is no syscall of this architecture (nor a profile file)" "$("$WARD" seccomp explain nosuch 2>&1)"
assert_contains "ward seccomp syscalls: the names explain takes" "$("$WARD" seccomp syscalls)" "openat"
if command -v fish >/dev/null; then
	out=$(PATH="$prefix/bin:$PATH" fish -c "source '$prefix/share/fish/vendor_completions.d/ward.fish'; cd '$T'; complete -C 'ward seccomp explain clone'" | cut -f1 | sort | tr '\n' ' ')
	assert_eq "fish completion: syscall names for seccomp explain" "clone clone3 " "$out"
else
	skip "fish completion: syscall names" "fish is not installed"
fi
for sh in zsh fish; do
	if command -v "$sh" >/dev/null; then
		f=$prefix/share/zsh/vendor-completions/_ward
		[ "$sh" = fish ] && f=$prefix/share/fish/vendor_completions.d/ward.fish
		if "$sh" -n "$f"; then pass "$sh completion parses"; else fail "$sh completion parses"; fi
	else
		skip "$sh completion parses" "$sh is not installed"
	fi
done

# help for every verb, both ways
for verb in run compare seccomp cleanup create start state kill stop delete exec list ps pause resume update spec features; do
	a=$("$WARD" "$verb" --help 2>&1)
	b=$("$WARD" help "$verb" 2>&1)
	if [[ $a == Usage:* ]] && [ "$a" = "$b" ]; then
		pass "ward $verb --help = ward help $verb"
	else
		fail "ward $verb --help = ward help $verb" "$a" "$b"
	fi
done
out=$("$WARD" --help)
for verb in ps pause resume update exec stop version help; do
	assert_contains "ward --help lists $verb" "$out" "$verb"
done

# libseccomp, libcap and yajl: linked in where the build found their archives
# (WARD_STATIC_DEPS), loaded otherwise; the binary's dynamic section says which
cache=$WARD_BINARY_DIR/CMakeCache.txt
needed=$(readelf -d "$WARD" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p')
static=$(sed -n 's/^WARD_STATIC_DEPS:BOOL=//p' "$cache")
static_pie=$(sed -n 's/^WARD_STATIC_PIE_LINKED:INTERNAL=//p' "$cache")
# WARD_STATIC_PIE: glibc linked in too, no dynamic loader; still position-independent,
# with full RELRO
if [ "$static_pie" = ON ]; then
	headers=$(readelf -lW "$WARD")
	if [ -z "$needed" ] && [[ $headers != *INTERP* ]]; then
		pass "a static PIE: no NEEDED, no interpreter"
	else
		fail "a static PIE: no NEEDED, no interpreter" "$needed" "$headers"
	fi
	assert_contains "a static PIE: position-independent (DYN)" "$(readelf -hW "$WARD")" "DYN ("
	assert_contains "a static PIE: RELRO" "$headers" "GNU_RELRO"
	assert_contains "a static PIE: bound now" "$(readelf -dW "$WARD")" "BIND_NOW"
else
	assert_contains "not a static PIE (WARD_STATIC_PIE_LINKED=$static_pie): libc loaded" \
		"$needed" "libc.so"
fi
for pair in SECCOMP:libseccomp.so LIBCAP:libcap.so YAJL:libyajl.so; do
	dep=${pair%%:*} so=${pair#*:}
	archive=$(sed -n "s/^WARD_${dep}_ARCHIVE:FILEPATH=//p" "$cache")
	if [ "$static" = ON ] && [ -f "$archive" ]; then
		if [[ $'\n'$needed$'\n' != *$'\n'$so* ]]; then
			pass "$so linked in ($archive): not among the binary's NEEDED"
		else
			fail "$so linked in ($archive): not among the binary's NEEDED" "$needed"
		fi
	else
		assert_contains "$so loaded (WARD_STATIC_DEPS=$static, archive '$archive')" "$needed" "$so"
	fi
done

# a Debian package from the tree
if command -v cpack >/dev/null && command -v dpkg-deb >/dev/null; then
	if (cd "$T" && cpack -G DEB --config "$WARD_BINARY_DIR/CPackConfig.cmake" >"$T/cpack.log" 2>&1); then
		deb=$(ls "$T"/ward_*.deb 2>/dev/null | head -1)
		assert_contains "cpack -G DEB: /usr/bin/ward in the package" "$(dpkg-deb -c "$deb")" "./usr/bin/ward"
		assert_contains "cpack -G DEB: the man pages" "$(dpkg-deb -c "$deb")" "./usr/share/man/man1/ward-run.1"
		# it depends on libc and on each library the binary loads, on no other
		depends=$(dpkg-deb -f "$deb" Depends)
		if [ "$static_pie" = ON ]; then
			assert_eq "cpack -G DEB: a static PIE depends on nothing" "" "$depends"
		else
			assert_contains "cpack -G DEB: depends on libc6" "$depends" "libc6"
		fi
		for pair in libseccomp.so:libseccomp2 libcap.so:libcap2 libyajl.so:libyajl2; do
			if [[ $needed == *"${pair%%:*}"* ]]; then
				assert_contains "cpack -G DEB: depends on ${pair#*:}, which ward loads" "$depends" "${pair#*:}"
			elif [[ $depends == *"${pair#*:}"* ]]; then
				fail "cpack -G DEB: no dependency on ${pair#*:}, linked in" "$depends"
			else
				pass "cpack -G DEB: no dependency on ${pair#*:}, linked in"
			fi
		done
	else
		fail "cpack -G DEB" "$(cat "$T/cpack.log")"
	fi
else
	skip "cpack -G DEB" "cpack or dpkg-deb is not installed"
fi
finish
