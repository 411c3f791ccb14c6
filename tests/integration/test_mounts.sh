#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Mounts: masked and read-only paths under /proc and /sys, the /dev tmpfs, --read-only,
# -v binds (rw, ro, files), --tmpfs, and that nothing of the host outside the rootfs is
# reachable: no host file, and no trace of the old root in the mount table.
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

need_root
setup_rootfs
snapshot_state

# mountpoint_opts MOUNTINFO PATH: the per-mount options of the topmost mount at PATH
mountpoint_opts() {
	awk -v p="$2" '$5 == p { o = $6 } END { print o }' <<<"$1"
}
# mountpoint_fstype MOUNTINFO PATH
mountpoint_fstype() {
	awk -v p="$2" '$5 == p { for (i = 7; $i != "-"; i++); t = $(i + 1) } END { print t }' <<<"$1"
}
has_opt() { [[ ,$1, == *,$2,* ]]; }

run_in "$ROOTFS" "$H" mounts
assert_status "mountinfo: exit 0" 0
mi=$OUT

# --- masked paths ----------------------------------------------------------------------
for p in /proc/kcore /proc/keys /proc/timer_list; do
	if [ ! -e "$p" ]; then
		skip "$p is masked" "$p does not exist on this kernel"
		skip "$p reads as empty or not at all" "$p does not exist on this kernel"
		continue
	fi
	if awk -v p="$p" '$5 == p { f = 1 } END { exit !f }' <<<"$mi"; then
		pass "$p is masked (a mount covers it)"
	else
		fail "$p is masked (a mount covers it)" "no mount at $p in:" "$mi"
	fi
	run_in "$ROOTFS" /bin/sh -c "cat $p 2>/dev/null | wc -c"
	assert_eq "$p reads as empty or not at all" "0" "$(tr -d ' ' <<<"$OUT")"
done

run_in "$ROOTFS" "$H" ls /sys/firmware
assert_eq "/sys/firmware is empty" "" "$OUT"
if [ -n "$(ls -A /sys/firmware 2>/dev/null)" ]; then
	pass "(the host's /sys/firmware is not empty)"
else
	skip "(the host's /sys/firmware is not empty)" "empty on this host too"
fi

# --- read-only paths -------------------------------------------------------------------
run_in "$ROOTFS" "$H" write /proc/sys/kernel/domainname ""
assert_eq "/proc/sys is read-only" "Read-only file system" "$OUT"
if [ -e /proc/sysrq-trigger ]; then
	run_in "$ROOTFS" "$H" write /proc/sysrq-trigger ""
	assert_eq "/proc/sysrq-trigger is read-only" "Read-only file system" "$OUT"
else
	skip "/proc/sysrq-trigger is read-only" "no /proc/sysrq-trigger on this kernel"
fi
for p in /proc/bus /proc/fs /proc/irq; do
	if [ ! -e "$p" ]; then
		skip "$p is mounted read-only" "$p does not exist on this kernel"
		continue
	fi
	o=$(mountpoint_opts "$mi" "$p")
	if has_opt "$o" ro; then pass "$p is mounted read-only"; else
		fail "$p is mounted read-only" "mount options at $p: '$o'"
	fi
done
# Docker's /proc paths are covered right after /proc is mounted, unless a mount of the
# container's is in /proc (lxcfs's files): then after the mounts, as runc orders them
new_tmpdir PM
echo "MemTotal: 1 kB" >"$PM/meminfo"
run_in -v "$PM/meminfo:/proc/meminfo:ro" "$ROOTFS" /bin/sh -c \
	'head -n1 /proc/meminfo; cat /proc/self/mountinfo'
assert_eq "a file bound over /proc/meminfo: the container reads it" "MemTotal: 1 kB" \
	"$(head -n1 <<<"$OUT")"
for p in /proc/keys /proc/timer_list /proc/bus /proc/irq; do
	if [ ! -e "$p" ]; then
		skip "with a mount in /proc: $p is still covered" "$p does not exist on this kernel"
	elif awk -v p="$p" '$5 == p { f = 1 } END { exit !f }' <<<"$OUT"; then
		pass "with a mount in /proc: $p is still covered"
	else
		fail "with a mount in /proc: $p is still covered" "no mount at $p in:" "$OUT"
	fi
done

# Before Linux 5.12 (no mount_setattr) and 5.2 (no open_tree, move_mount): the masks,
# read-only paths and read-only remounts by mount(2) of /proc/self/fd/N, the same
# mount table (ids and anonymous device numbers aside); strace makes the calls ENOSYS
mount_table() { awk '{ $1 = ""; $2 = ""; $3 = ""; print }' | sort; }
if command -v strace >/dev/null; then
	for calls in mount_setattr:ENOSYS open_tree,move_mount,mount_setattr:ENOSYS \
		open_tree,mount_setattr:EPERM; do
		out=$(timeout -k 5 60 strace -f -qq -o /dev/null -e trace="${calls%:*}" \
			-e inject="${calls%:*}":error="${calls#*:}" "$WARD" run "$ROOTFS" "$H" mounts 2>&1)
		assert_eq "${calls%:*} failing with ${calls#*:} (older kernels, an engine's older filter): the same mount table" \
			"$(mount_table <<<"$mi")" "$(mount_table <<<"$out")"
	done
else
	skip "without mount_setattr, open_tree (older kernels): the same mount table" \
		"strace is not installed (apt-get install strace)"
fi

o=$(mountpoint_opts "$mi" /sys)
if has_opt "$o" ro; then pass "/sys is mounted read-only"; else
	fail "/sys is mounted read-only" "mount options at /sys: '$o'"
fi
run_in "$ROOTFS" "$H" write /sys/class/net/lo/mtu ""
assert_eq "a /sys file cannot be opened for writing" "Read-only file system" "$OUT"
assert_eq "/proc is procfs" "proc" "$(mountpoint_fstype "$mi" /proc)"
assert_eq "/sys is sysfs" "sysfs" "$(mountpoint_fstype "$mi" /sys)"

# --- /dev ---------------------------------------------------------------------------------
assert_eq "/dev is a tmpfs" "tmpfs" "$(mountpoint_fstype "$mi" /dev)"
assert_eq "/dev/pts is a devpts" "devpts" "$(mountpoint_fstype "$mi" /dev/pts)"
assert_eq "/dev/mqueue is an mqueue" "mqueue" "$(mountpoint_fstype "$mi" /dev/mqueue)"
assert_eq "/dev/shm is a tmpfs" "tmpfs" "$(mountpoint_fstype "$mi" /dev/shm)"
run_in "$ROOTFS" "$H" ls /dev
devls=$OUT
for f in null zero full random urandom tty ptmx pts shm mqueue fd stdin stdout stderr; do
	assert_line "/dev/$f exists" "$f" "$devls"
done
# shellcheck disable=SC2016
run_in "$ROOTFS" /bin/sh -c 'for f in null zero full random urandom tty; do
	[ -c /dev/$f ] && echo "$f char"; done
	for f in ptmx fd stdin stdout stderr; do echo "$f -> $(readlink /dev/$f)"; done
	find /dev -type b | sed "s/^/block /"'
for f in null zero full random urandom tty; do
	assert_line "/dev/$f is a character device" "$f char" "$OUT"
done
assert_line "/dev/ptmx -> pts/ptmx" "ptmx -> pts/ptmx" "$OUT"
assert_line "/dev/fd -> /proc/self/fd" "fd -> /proc/self/fd" "$OUT"
assert_line "/dev/stdin -> /proc/self/fd/0" "stdin -> /proc/self/fd/0" "$OUT"
assert_line "/dev/stdout -> /proc/self/fd/1" "stdout -> /proc/self/fd/1" "$OUT"
assert_line "/dev/stderr -> /proc/self/fd/2" "stderr -> /proc/self/fd/2" "$OUT"
assert_not_contains "no block device in /dev" "$OUT" "block "
run_in "$ROOTFS" "$H" write /dev/full x
assert_eq "/dev/full is the real full device" "No space left on device" "$OUT"
run_in "$ROOTFS" /bin/sh -c 'head -c 3 /dev/zero | od -An -tx1 | tr -s " \n" " "'
assert_eq "/dev/zero reads zeros" " 00 00 00 " "$OUT"

# --- the root, --read-only ----------------------------------------------------------------
fresh_rootfs FR
run_in "$FR" "$H" write /etc/ward-it-rw hello
assert_eq "the root is writable by default" "ok" "$OUT"
assert_eq "the write landed in the rootfs" "hello" "$(cat "$FR/etc/ward-it-rw" 2>&1)"
run_in --read-only "$FR" "$H" write /etc/ward-it-ro x
assert_eq "--read-only: writing /etc/x fails" "Read-only file system" "$OUT"
assert_eq "--read-only: exit status of the failed write" "1" "$STATUS"
run_in --read-only "$FR" "$H" write /tmp/ward-it-ro x
assert_eq "--read-only: /tmp is read-only too (as Docker)" "Read-only file system" "$OUT"
run_in --read-only "$FR" "$H" write /dev/null x
assert_eq "--read-only: /dev/null is still writable" "ok" "$OUT"
run_in --read-only --tmpfs /tmp "$FR" "$H" write /tmp/ward-it-ro x
assert_eq "--read-only --tmpfs /tmp: /tmp is writable" "ok" "$OUT"
[ ! -e "$FR/tmp/ward-it-ro" ]
assert_eq "the --tmpfs write did not reach the rootfs" "0" "$?"

# --- volumes ------------------------------------------------------------------------------
new_tmpdir T
mkdir "$T/vol"
echo "hi-from-host" >"$T/vol/hello"
echo "a file" >"$T/file.txt"
run_in -v "$T/vol:/mnt/vol" "$FR" "$H" cat /mnt/vol/hello
assert_status "-v SRC:DST: exit 0" 0
assert_eq "-v SRC:DST shows the host directory" "hi-from-host" "$OUT"
run_in -v "$T/vol:/mnt/vol" "$FR" "$H" write /mnt/vol/from-container yes
assert_eq "-v SRC:DST is writable" "ok" "$OUT"
assert_eq "the write reached the host directory" "yes" "$(cat "$T/vol/from-container" 2>&1)"
run_in -v "$T/vol:/mnt/vol:rw" "$FR" "$H" write /mnt/vol/rw yes
assert_eq "-v SRC:DST:rw is writable" "ok" "$OUT"
run_in --volume "$T/vol:/mnt/vol:ro" "$FR" /bin/sh -c "cat /mnt/vol/hello; $H write /mnt/vol/ro x"
assert_eq "-v SRC:DST:ro: readable, writes fail with EROFS" \
	"hi-from-host
Read-only file system" "$OUT"
[ ! -e "$T/vol/ro" ]
assert_eq "the :ro write did not reach the host" "0" "$?"
run_in -v "$T/vol:/data/deep/vol" "$FR" "$H" cat /data/deep/vol/hello
assert_eq "-v creates a missing destination directory" "hi-from-host" "$OUT"
run_in -v "$T/file.txt:/etc/motd:ro" "$FR" "$H" cat /etc/motd
assert_eq "-v binds a single file" "a file" "$OUT"
run_in -v "$T/vol:/mnt/a" -v "$T/vol:/mnt/b:ro" "$FR" /bin/sh -c \
	"cat /mnt/a/hello /mnt/b/hello; $H write /mnt/a/two x; $H write /mnt/b/two x"
assert_eq "two -v of one source, rw and ro" "hi-from-host
hi-from-host
ok
Read-only file system" "$OUT"

# --- --tmpfs ------------------------------------------------------------------------------
run_in --tmpfs /scratch "$FR" /bin/sh -c "$H write /scratch/f x && $H mounts"
assert_status "--tmpfs /scratch: exit 0" 0
assert_eq "--tmpfs /scratch is a writable tmpfs" "tmpfs" "$(mountpoint_fstype "$OUT" /scratch)"
assert_eq "the tmpfs write did not reach the rootfs" "" "$(ls -A "$FR/scratch" 2>/dev/null)"

# --- nothing of the host ---------------------------------------------------------------------
echo secret >"$T/marker"
run_in "$ROOTFS" "$H" cat "$T/marker"
assert_ne "a host file outside the rootfs is not reachable" "secret" "$OUT"
assert_contains "... and the path does not exist inside" "$ERR" "No such file or directory"
run_in "$ROOTFS" "$H" ls /
assert_eq "/ inside lists the rootfs" \
	"$(find "$ROOTFS" -mindepth 1 -maxdepth 1 -printf '%f\n' | LC_ALL=C sort)" "$OUT"

host_root_dev=$(awk '$5 == "/" { d = $3 } END { print d }' /proc/self/mountinfo)
host_root_in=$(awk -v d="$host_root_dev" '$3 == d && $4 == "/"' <<<"$mi")
assert_eq "the host's / is not mounted inside (old root detached)" "" "$host_root_in"
assert_eq "no mount point inside names the rootfs's host path" "" \
	"$(awk -v r="$ROOTFS" 'index($5, r) == 1' <<<"$mi")"
assert_eq "exactly one mount at /" "1" "$(awk '$5 == "/"' <<<"$mi" | wc -l)"

assert_nothing_left "nothing left behind"
finish
