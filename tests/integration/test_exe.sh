#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The CVE-2019-5736 class: a process in the container watches /proc/*/exe while
# `ward exec` puts 60 processes into it, holds an O_PATH handle on every foreign
# executable it can open and tries to reopen each for writing once the exec is
# done. ward's binary (a copy, so a successful attack breaks nothing else) must be
# byte for byte the same afterwards, with Docker's capabilities and with
# CAP_SYS_PTRACE added (which passes the non-dumpable check: only the sealed copy
# stops it then).
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

need_root
setup_rootfs
new_tmpdir T
ROOT=$T/state
EXEWATCH=${WARD_EXEWATCH:-$WARD_BINARY_DIR/ward-exewatch}
[ -x "$EXEWATCH" ] || bail_out "no $EXEWATCH (build the ward-exewatch target)"
snapshot_state

cp "$WARD" "$T/ward"
chmod 0755 "$T/ward"
before=$(sha256sum <"$T/ward")

# bundle DIR EDIT: the watcher as init, /w bound read-write from $T/w-DIR
bundle() {
	mkdir -p "$1" "$1.w"
	cp "$EXEWATCH" "$1.w/exewatch"
	(cd "$1" && "$T/ward" spec) || bail_out "ward spec failed"
	python3 - "$1/config.json" "$ROOTFS" "$1.w" "$2" <<'EOF' || bail_out "cannot edit config.json"
import json, sys
path, rootfs, w, edit = sys.argv[1:5]
c = json.load(open(path))
c["root"]["path"] = rootfs
c["process"]["args"] = ["/w/exewatch", "/w/stop", "50"]
c["process"]["terminal"] = False  # ward spec writes runc's terminal: true
c["mounts"].append({"destination": "/w", "type": "bind", "source": w, "options": ["rbind", "rw"]})
exec(edit)
json.dump(c, open(path, "w"), indent=1)
EOF
}

# attack NAME EDIT: create and start the watcher, 60 execs, then stop it; prints
# the watcher's line. No ward process stays between the execs (ward create and
# start exit), so a handle on ward's binary could be reopened for writing then.
attack() {
	local b=$T/$1 id=exe-$1-$$ i
	bundle "$b" "$2"
	timeout 30 "$T/ward" --root "$ROOT" create --bundle "$b" "$id" >"$b.out" 2>"$b.err" ||
		echo "create failed" >>"$b.err"
	timeout 30 "$T/ward" --root "$ROOT" start "$id" 2>>"$b.err" || echo "start failed" >>"$b.err"
	for i in $(seq 60); do
		timeout 20 "$T/ward" --root "$ROOT" exec "$id" /bin/true 2>>"$b.err" ||
			echo "exec $i failed" >>"$b.err"
	done
	touch "$b.w/stop"
	for i in $(seq 100); do
		"$T/ward" --root "$ROOT" state "$id" 2>/dev/null | grep -q '"stopped"' && break
		sleep 0.1
	done
	"$T/ward" --root "$ROOT" delete --force "$id" 2>>"$b.err" || echo "delete failed" >>"$b.err"
	echo "$(cat "$b.out")"
	[ ! -s "$b.err" ] || diag "stderr: $(cat "$b.err")"
	return 0
}

r=$(attack docker '')
diag "Docker's capabilities: $r"
assert_match "the watcher ran to the end" '^opened=[0-9]+ reopened=[0-9]+ written=[0-9]+$' "$r"
assert_match "no foreign exe reopened for writing" 'reopened=0 written=0' "$r"
assert_match "ward's processes in the container are not dumpable: no exe opened" '^opened=0 ' "$r"
assert_eq "ward's binary unchanged" "$before" "$(sha256sum <"$T/ward")"

r=$(attack ptrace 'for s in ("bounding", "effective", "permitted"): c["process"]["capabilities"][s].append("CAP_SYS_PTRACE")')
diag "with CAP_SYS_PTRACE: $r"
assert_match "CAP_SYS_PTRACE: the watcher ran to the end" '^opened=[0-9]+ reopened=[0-9]+ written=[0-9]+$' "$r"
assert_match "CAP_SYS_PTRACE: nothing written through a foreign exe" 'written=0' "$r"
assert_eq "CAP_SYS_PTRACE: ward's binary unchanged" "$before" "$(sha256sum <"$T/ward")"

assert_nothing_left "nothing left"
finish
