#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Exit status, as Docker: the command's own status; 128+N when it dies of signal N;
# 127 when the command is not found, 126 when it cannot be executed (each with its exact
# message); no command runs /bin/sh; stdin, stdout and stderr pass through.
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

need_root
setup_rootfs
snapshot_state

for n in 0 1 3 42 255; do
	run_in "$ROOTFS" "$H" exit "$n"
	assert_status "exit $n -> $n" "$n"
done

run_in "$ROOTFS" /bin/sh -c 'exit 7'
assert_status "sh -c 'exit 7' -> 7" 7

run_in "$ROOTFS" "$H" true
assert_status "true -> 0" 0
assert_eq "a successful run prints nothing of ward's on stderr" "" "$ERR"

# A container cannot kill its own pid 1 with a signal it has no handler for (the
# kernel protects a namespace's init), so `sh -c 'kill -9 $$'` would exit 0; a real
# fault is delivered, though.
run_in "$ROOTFS" "$H" segv
assert_status "killed by SIGSEGV -> 139" 139

run_in "$ROOTFS" /nonexistent
assert_status "/nonexistent -> 127" 127
assert_eq "/nonexistent: the message" "ward: exec '/nonexistent': No such file or directory" "$ERR"
assert_eq "/nonexistent: no output" "" "$OUT"

run_in "$ROOTFS" /etc/passwd
assert_status "a non-executable file -> 126" 126
assert_eq "a non-executable file: the message" "ward: exec '/etc/passwd': Permission denied" "$ERR"

run_in "$ROOTFS" /tmp
assert_status "a directory -> 126" 126

run_in "$ROOTFS" ward-no-such-command
assert_status "a name not found in PATH -> 127" 127
assert_contains "a name not found in PATH: the message names it" "$ERR" "ward-no-such-command"

fresh_rootfs FR
printf '#!/bin/sh\nexit 5\n' >"$FR/usr/bin/script5"
printf '#!/no/such/interpreter\nexit 5\n' >"$FR/usr/bin/badinterp"
chmod 755 "$FR/usr/bin/script5" "$FR/usr/bin/badinterp"
run_in "$FR" script5
assert_status "a #! script runs (exit 5)" 5
run_in "$FR" /usr/bin/badinterp
assert_status "a #! script with a missing interpreter -> 127" 127

WARD_STDIN="echo hi" run_in "$ROOTFS"
assert_status "no command: /bin/sh reads stdin, exit 0" 0
assert_eq "no command: /bin/sh ran 'echo hi'" "hi" "$OUT"
WARD_STDIN="exit 9" run_in "$ROOTFS"
assert_status "no command: /bin/sh's status passes through" 9

WARD_STDIN="from stdin" run_in "$ROOTFS" /bin/cat
assert_eq "stdin reaches the command" "from stdin" "$OUT"
run_in "$ROOTFS" /bin/sh -c 'echo to-stdout; echo to-stderr >&2; exit 4'
assert_eq "stdout passes through" "to-stdout" "$OUT"
assert_eq "stderr passes through" "to-stderr" "$ERR"
assert_status "... with the status" 4

run_in "$ROOTFS" "$H" fds
assert_eq "the command inherits only fds 0, 1 and 2" "0
1
2" "$OUT"

assert_nothing_left "nothing left behind"
finish
