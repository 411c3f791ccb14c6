#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Terminals: `ward run -t` gives the container a pty from its own devpts instance,
# as its controlling terminal, with ward's window size, input and output proxied and
# the exit status passed through; `create --console-socket` hands the pty master to
# the engine's socket, as runc does.
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

need_root
setup_rootfs
snapshot_state
tmp=""
new_tmpdir tmp
export WARD_CACHE_DIR="$tmp/cache"

if ! command -v script >/dev/null; then
	skip "ward run -t" "no 'script' (util-linux) to give ward a terminal"
	finish
fi

# in_pty CMD: run CMD with a pseudo-terminal as stdin/stdout (util-linux script; at
# the end of its own stdin, script types a NUL, which the terminal echoes as ^@)
in_pty() {
	OUT=$(timeout 60 script -qefc "$1" /dev/null </dev/null | tr -d '\r' | sed 's/\^@//g')
	STATUS=${PIPESTATUS[0]}
}

in_pty "stty cols 123 rows 45; $WARD run -t $ROOTFS /bin/sh -c 'tty; stty size; [ -t 0 ] && echo stdin-is-a-tty; echo TERM=\$TERM; exit 7'"
assert_eq "run -t: the exit status passes through" 7 "$STATUS"
assert_line "run -t: the container has a terminal of its own devpts" "/dev/pts/0" "$OUT"
assert_line "run -t: ward's window size" "45 123" "$OUT"
assert_line "run -t: stdin is the terminal" "stdin-is-a-tty" "$OUT"
assert_line "run -t: TERM is set, as Docker does" "TERM=xterm" "$OUT"

in_pty "$WARD run -t $ROOTFS /bin/sh -c 'ps -o pid,tty,comm | sed -n 2p'"
assert_match "run -t: the terminal is pid 1's controlling terminal" "^ *1 +(pts/0|136,0) +" "$OUT"

OUT=$(printf 'echo typed-input; exit 3\n' | timeout 60 script -qefc "$WARD run -t $ROOTFS /bin/sh" /dev/null | tr -d '\r')
assert_contains "run -t: input typed at ward reaches the container" "$OUT" "typed-input"

run_in -t "$ROOTFS" /bin/sh -c 'tty'
assert_status "run -t without a terminal: still runs" 0
assert_eq "run -t without a terminal: the container still gets one" "/dev/pts/0" "$(tr -d '\r' <<<"$OUT")"

# --console-socket: the engine receives the master and talks to the container through it
mkdir -p "$tmp/bundle"
cp -a "$ROOTFS" "$tmp/bundle/rootfs"
(cd "$tmp/bundle" && "$WARD" spec)
python3 - "$tmp/bundle/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["terminal"] = True
c["process"]["args"] = ["/bin/sh", "-c", "tty; echo from-container; exit 5"]
json.dump(c, open(sys.argv[1], "w"))
PY
python3 - "$tmp/console.sock" "$tmp/console.out" <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(1)
c, _ = s.accept()
msg, fds, _, _ = socket.recv_fds(c, 1024, 1)
out = b""
while True:
    try:
        b = os.read(fds[0], 4096)
    except OSError:
        break
    if not b:
        break
    out += b
open(sys.argv[2], "wb").write(out)
PY
receiver=$!
for _ in $(seq 1 50); do [ -S "$tmp/console.sock" ] && break; sleep 0.1; done
run_ward --root "$tmp/state" create --bundle "$tmp/bundle" --console-socket "$tmp/console.sock" ttybox
assert_status "create --console-socket: exit 0" 0
run_ward --root "$tmp/state" start ttybox
assert_status "start: exit 0" 0
wait "$receiver"
out=$(tr -d '\r' <"$tmp/console.out" 2>/dev/null)
assert_line "console socket: the engine got the container's terminal" "/dev/pts/0" "$out"
assert_line "console socket: and its output" "from-container" "$out"
for _ in $(seq 1 50); do
	run_ward --root "$tmp/state" state ttybox
	[[ $OUT == *'"stopped"'* ]] && break
	sleep 0.1
done
run_ward --root "$tmp/state" delete ttybox
assert_status "delete: exit 0" 0

run_ward --root "$tmp/state" create --bundle "$tmp/bundle" --console-socket "$tmp/nonexistent.sock" ttybox2
assert_status "create with a console socket nobody listens on: fails" 1
assert_contains "create with a bad console socket: the message names it" "$ERR" "console socket '$tmp/nonexistent.sock'"
run_ward --root "$tmp/state" state ttybox2
assert_status "create with a bad console socket: no state left" 1

assert_nothing_left "nothing left behind (processes, mounts, cgroups)"
finish
