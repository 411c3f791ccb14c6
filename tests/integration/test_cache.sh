#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The seccomp cache cannot be used to turn the filter off (issue 13, item 2). The
# entry format and its checksum are public, so anyone can forge a valid entry for
# the exact key; ward must take entries only from a cache nobody else can write,
# and never one that says "no filter". Here: a forged entry is shown to be valid
# (in a trusted cache, a forged allow-all program is loaded), then the attack: a
# world-writable WARD_CACHE_DIR holding a forged "disabled" entry for the key; the
# container still runs with Seccomp: 2, and ward says once why it ignored the cache.
# Then, a rootless ward caches in the user's own $HOME/.cache/ward/seccomp. Last, a
# ward rebuilt (another build id) does not load what this one compiled.
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

need_root
setup_rootfs
snapshot_state

if ! grep -q '^Seccomp:' /proc/self/status; then
	skip "seccomp" "this kernel has no seccomp"
	finish
fi
if ! command -v python3 >/dev/null; then
	skip "forging entries" "python3 is missing"
	finish
fi
tmp=""
new_tmpdir tmp

# forge SRC DST ENABLED: DST is SRC (a cache entry ward wrote) with the header's
# enabled field set to ENABLED; ENABLED=0 drops the program, ENABLED=allow replaces
# it with one instruction returning SECCOMP_RET_ALLOW; the checksum is recomputed
# (FNV-1a 64 over the header with checksum 0, then the program, as filter.c does).
forge() {
	python3 - "$1" "$2" "$3" <<'PY'
import struct, sys
src, dst, how = sys.argv[1:]
data = open(src, "rb").read()
# magic, version, flags, enabled, len, nparts, part_len[8], padding, key[2], checksum
F = "<8s5I8I4xQQQ"
magic, version, flags, enabled, n, nparts, *rest = struct.unpack(F, data[:struct.calcsize(F)])
parts, (k0, k1, _) = rest[:8], rest[8:]
assert magic == b"WARDBPF\n", magic
if how == "0":
    enabled, prog = 0, b""
else:
    enabled, prog = 1, struct.pack("<HBBI", 0x06, 0, 0, 0x7FFF0000)  # BPF_RET|BPF_K, ALLOW
n = len(prog) // 8
def fnv(b):
    h = 0xCBF29CE484222325
    for c in b:
        h = ((h ^ c) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h
hdr = struct.pack(F, magic, version, flags, enabled, n, 0, *[0] * 8, k0, k1, 0)
hdr = struct.pack(F, magic, version, flags, enabled, n, 0, *[0] * 8, k0, k1, fnv(hdr + prog))
open(dst, "wb").write(hdr + prog)
PY
}

# 1. ward's own entry gives the key (what an attacker computes: the inputs are public)
good=$tmp/good
WARD_CACHE_DIR=$good run_in "$ROOTFS" "$H" status Seccomp
assert_eq "a trusted cache: the filter is on" "Seccomp:	2" "$OUT"
assert_eq "a trusted cache: no warning" "" "$ERR"
entry=$(find "$good" -name '*.bpf')
key=$(basename "$entry")
assert_match "a trusted cache: one entry, named by its key" '^[0-9a-f]{32}\.bpf$' "$key"
WARD_CACHE_DIR=$good run_in "$ROOTFS" "$H" syscall mount
assert_line "a trusted cache: the cached filter denies mount" "mount: EPERM" "$OUT"

# 2. the forgery is right: in a cache ward trusts, a forged allow-all entry is taken
forge "$entry" "$good/$key" allow
WARD_CACHE_DIR=$good run_in "$ROOTFS" "$H" syscall mount
assert_line "control: a forged allow-all entry in a trusted cache is loaded" "mount: ok" "$OUT"

# ... but a forged "no filter" entry never is, even there
forge "$entry" "$good/$key.tmp" 0
mv "$good/$key.tmp" "$good/$key"
WARD_CACHE_DIR=$good run_in "$ROOTFS" "$H" status Seccomp
assert_status "forged disabled entry, trusted cache: the container runs" 0
assert_eq "forged disabled entry, trusted cache: still Seccomp: 2" "Seccomp:	2" "$OUT"
assert_eq "forged disabled entry, trusted cache: said once" \
	"ward: warning: seccomp cache entry '$good/$key' ignored: it would turn the filter off" "$ERR"
WARD_CACHE_DIR=$good run_in "$ROOTFS" "$H" status Seccomp
assert_eq "forged disabled entry, trusted cache: replaced by ward's own" "Seccomp:	2 " "$OUT $ERR"

# 3. the attack: a world-writable cache directory, the attacker's forged entry in it
evil=$tmp/evil
mkdir "$evil"
chmod 0777 "$evil"
cp "$good/$key" "$tmp/real.bpf"
forge "$tmp/real.bpf" "$evil/$key" 0
chown 65534:65534 "$evil/$key"
WARD_CACHE_DIR=$evil run_in "$ROOTFS" "$H" status Seccomp
assert_status "world-writable cache, forged disabled entry: the container runs" 0
assert_eq "world-writable cache, forged disabled entry: Seccomp: 2" "Seccomp:	2" "$OUT"
assert_eq "world-writable cache: the warning, once, naming the directory and why" \
	"ward: warning: seccomp cache '$evil' ignored: world writable (mode 0777)" "$ERR"
assert_eq "world-writable cache: nothing written there" "$key" "$(ls -A "$evil")"

# even a forged entry that is a real (allow-all) program is not taken from there
forge "$tmp/real.bpf" "$evil/$key" allow
chown 65534:65534 "$evil/$key"
WARD_CACHE_DIR=$evil run_in "$ROOTFS" "$H" syscall mount
assert_line "world-writable cache, forged allow-all entry: mount still denied" "mount: EPERM" "$OUT"
assert_eq "world-writable cache, forged allow-all entry: one warning" \
	"ward: warning: seccomp cache '$evil' ignored: world writable (mode 0777)" "$ERR"

# sticky does not make the cache directory itself safe; nor does an owner other than ward's
chmod 1777 "$evil"
WARD_CACHE_DIR=$evil run_in "$ROOTFS" "$H" syscall mount
assert_line "sticky world-writable cache: mount still denied" "mount: EPERM" "$OUT"
assert_eq "sticky world-writable cache: the warning" \
	"ward: warning: seccomp cache '$evil' ignored: world writable (mode 1777)" "$ERR"
chmod 0755 "$evil"
chown 65534:65534 "$evil"
WARD_CACHE_DIR=$evil run_in "$ROOTFS" "$H" syscall mount
assert_line "someone else's cache: mount still denied" "mount: EPERM" "$OUT"
assert_eq "someone else's cache: the warning" \
	"ward: warning: seccomp cache '$evil' ignored: owned by uid 65534, not 0" "$ERR"

# 4. rootless: the user's own cache below $HOME, with nothing set
NOBODY=65534
if setpriv --reuid "$NOBODY" --regid "$NOBODY" --clear-groups unshare -U -r true 2>/dev/null; then
	new_tmpdir T
	fresh_rootfs RFS
	cp -- "$WARD" "$T/ward"
	mkdir "$T/home"
	chown -R "$NOBODY:$NOBODY" "$T/home" "$RFS"
	cat >"$T/ward-nobody" <<EOF
#!/bin/sh
exec setpriv --reuid $NOBODY --regid $NOBODY --clear-groups env -u WARD_CACHE_DIR -u XDG_CACHE_HOME HOME=$T/home $T/ward "\$@"
EOF
	chmod 755 "$T/ward" "$T/ward-nobody"
	WARD=$T/ward-nobody run_in "$RFS" /bin/sh -c 'grep "^Seccomp:" /proc/self/status'
	assert_match "rootless: the filter is on" '^Seccomp:[[:space:]]+2$' "$OUT"
	assert_eq "rootless: no warning" "" "$ERR"
	n=$(find "$T/home/.cache/ward/seccomp" -name '*.bpf' -user "$NOBODY" 2>/dev/null | wc -l)
	assert_eq "rootless: the entry is in \$HOME/.cache/ward/seccomp, the user's" 1 "$n"
	assert_eq "rootless: the cache directory is the user's, 0700" "$NOBODY 700" \
		"$(stat -c '%u %a' "$T/home/.cache/ward/seccomp" 2>&1)"
else
	skip "rootless cache directory" "this kernel refuses unprivileged user namespaces"
fi

# 5. a rebuilt ward does not take what this one compiled: the key holds ward's build id.
# The rebuild is simulated: a copy of ward with one byte of its build id changed.
build_id=$(readelf -n "$WARD" 2>/dev/null | sed -n 's/^ *Build ID: *//p')
if [ -n "$build_id" ]; then
	new_tmpdir R
	WARD_CACHE_DIR=$R/cache run_in "$ROOTFS" "$H" status Seccomp
	assert_eq "this build: one entry" 1 "$(find "$R/cache" -name '*.bpf' | wc -l)"
	cp -- "$WARD" "$R/ward"
	python3 - "$R/ward" "$build_id" <<'PY'
import sys
path, old = sys.argv[1], bytes.fromhex(sys.argv[2])
data = open(path, "rb").read()
assert data.count(old) == 1, "the build id is not in ward exactly once"
open(path, "wb").write(data.replace(old, bytes([old[0] ^ 0xFF]) + old[1:]))
PY
	assert_ne "the rebuilt ward has another build id" "$build_id" \
		"$(readelf -n "$R/ward" | sed -n 's/^ *Build ID: *//p')"
	WARD=$R/ward WARD_CACHE_DIR=$R/cache run_in "$ROOTFS" "$H" syscall mount
	assert_line "rebuilt ward: its own filter denies mount" "mount: EPERM" "$OUT"
	assert_eq "rebuilt ward: no warning" "" "$ERR"
	assert_eq "rebuilt ward: it compiled and stored its own entry" 2 \
		"$(find "$R/cache" -name '*.bpf' | wc -l)"
	WARD_CACHE_DIR=$R/cache run_in "$ROOTFS" "$H" status Seccomp
	assert_eq "this build again: it takes its own entry, none added" "Seccomp:	2 2" \
		"$OUT $(find "$R/cache" -name '*.bpf' | wc -l)"
else
	skip "rebuilt ward" "readelf is missing or ward has no build id"
fi

assert_nothing_left "nothing left behind (processes, mounts, cgroups)"
finish
