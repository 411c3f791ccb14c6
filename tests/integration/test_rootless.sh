#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Rootless `ward run`: run by an unprivileged user (nobody, through setpriv), the
# container gets a user namespace mapping that user to its root, every other namespace,
# Docker's capabilities inside it and the seccomp filter; what it writes to the host is
# the user's, limits (which need cgroups) and other users are refused with a message,
# and the OCI verbs that need root say so (exec and delete work on the user's own
# containers; pause, resume and update need a cgroup, which it has none of). Skipped when this kernel refuses unprivileged
# user namespaces (on Ubuntu 24.04: kernel.apparmor_restrict_unprivileged_userns=1).
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

need_root
setup_rootfs
NOBODY=65534
if ! setpriv --reuid "$NOBODY" --regid "$NOBODY" --clear-groups unshare -U -r true 2>/dev/null; then
	echo "1..0 # SKIP this kernel refuses unprivileged user namespaces (sysctl)"
	exit 77
fi
snapshot_state

# ward, its rootfs and its cache where nobody can reach them (the build directory may
# sit below a home directory nobody cannot enter); the rootfs is the user's, as a
# rootless user's own is
new_tmpdir T
fresh_rootfs RFS
cp -- "$WARD" "$T/ward"
mkdir "$T/cache" "$T/data"
chown -R "$NOBODY:$NOBODY" "$T/cache" "$T/data" "$RFS"
cat >"$T/ward-nobody" <<EOF
#!/bin/sh
exec setpriv --reuid $NOBODY --regid $NOBODY --clear-groups env WARD_CACHE_DIR=$T/cache $T/ward "\$@"
EOF
chmod 755 "$T/ward" "$T/ward-nobody"
WARD=$T/ward-nobody

run_ward run "$RFS" /bin/sh -c 'id -u; cat /proc/self/uid_map; grep -E "^(CapEff|Seccomp):" /proc/self/status; echo $$; hostname'
assert_status "rootless: the container runs" 0
assert_eq "rootless: root inside" 0 "$(echo "$OUT" | sed -n 1p)"
assert_match "rootless: nobody's uid is the namespace's root, alone" "^ *0 +$NOBODY +1$" \
	"$(echo "$OUT" | sed -n 2p)"
assert_match "rootless: Docker's capabilities, inside the namespace" '^CapEff:.*a80425fb$' \
	"$(echo "$OUT" | sed -n 3p)"
assert_match "rootless: the seccomp filter" '^Seccomp:[[:space:]]+2$' "$(echo "$OUT" | sed -n 4p)"
assert_eq "rootless: pid 1 of its own pid namespace" 1 "$(echo "$OUT" | sed -n 5p)"
assert_ne "rootless: a hostname of its own" "$(hostname)" "$(echo "$OUT" | sed -n 6p)"

# the filter refuses what Docker's profile refuses; the capabilities do not reach the host
run_ward run "$RFS" /usr/bin/ward-testhelper syscall mount unshare
assert_contains "rootless: mount refused by the profile" "$OUT" "mount: EPERM"
run_ward run -v /etc/shadow:/tmp/shadow:ro "$RFS" /bin/sh -c 'head -c1 /tmp/shadow'
assert_contains "rootless: a host root-only file stays unreadable" "$ERR" "Permission denied"

# what the container writes to a volume belongs to the user on the host
run_ward run -v "$T/data:/data" "$RFS" /bin/sh -c 'echo hi >/data/f'
assert_status "rootless: writes to a volume" 0
assert_eq "rootless: the file is nobody's on the host" "$NOBODY:$NOBODY" "$(stat -c %u:%g "$T/data/f")"

# refused, each with its reason, nothing started
run_ward run --memory 64m "$RFS" /bin/true
assert_status "rootless --memory: exit 125" 125
assert_eq "rootless --memory: the message" \
	"ward: rootless: resource limits need cgroups, which ward writes only as root" "$ERR"
run_ward run -u 1000 "$RFS" /bin/true
assert_status "rootless -u 1000: exit 125" 125
assert_eq "rootless -u 1000: the message" \
	"ward: rootless: the container's user must be root (1000:1000 asked): only ward's own uid and gid are mapped into its user namespace" \
	"$ERR"
run_ward --root "$T/state" list
assert_status "rootless: list (no root needed)" 0
run_ward --root "$T/state" create --bundle "$T" c1
assert_eq "rootless: the OCI verbs need root" \
	"ward: create: needs root (rootless: \`ward run\`, and list, state, ps, exec, kill, stop and delete of its containers)" "$ERR"
# a rootless `ward run` is registered in the user's own state directory
# ($XDG_RUNTIME_DIR/ward, made 0700), where list, state, ps, kill and stop by the same
# user reach it; what needs root is still refused; no other user's directory is used
mkdir -m 700 "$T/xdg" "$T/roots"
chown "$NOBODY:$NOBODY" "$T/xdg"
# nobody_with_xdg NAME DIR: a ward for nobody with XDG_RUNTIME_DIR=DIR
nobody_with_xdg() {
	printf '#!/bin/sh\nexec setpriv --reuid %s --regid %s --clear-groups env WARD_CACHE_DIR=%s XDG_RUNTIME_DIR=%s %s "$@"\n' \
		"$NOBODY" "$NOBODY" "$T/cache" "$2" "$T/ward" >"$T/$1"
	chmod 755 "$T/$1"
}
nobody_with_xdg ward-xdg "$T/xdg"
nobody_with_xdg ward-rootxdg "$T/roots"
WARD=$T/ward-xdg
run_ward run -d --name web --hostname rl-box "$RFS" /bin/sh -c 'echo made >/tmp/mark; trap "exit 0" TERM; sleep 30 & wait'
assert_eq "rootless -d --name: the id" "web" "$OUT"
assert_eq "rootless: the state directory is the user's, 0700" "$NOBODY 700" "$(stat -c '%u %a' "$T/xdg/ward")"
run_ward list
assert_match "rootless: list shows it running" $'\nweb +[0-9]+ +running ' "$OUT"
run_ward list --format json
assert_eq "rootless: list names the owner from /etc/passwd" "$(id -nu "$NOBODY")" \
	"$(python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["owner"])' <<<"$OUT")"
run_ward state web
assert_contains "rootless: state" "$OUT" '"status": "running"'
run_ward ps web
assert_contains "rootless: ps lists its processes (no cgroup: the init's tree)" "$OUT" "sleep 30"
run_ward kill web 0
assert_status "rootless: kill (signal 0)" 0
# exec: into the container's user namespace first, then its others and its root, with
# its capabilities and seccomp filter
init=$("$WARD" state web | sed -n 's/^ *"pid": \([0-9]*\),*$/\1/p')
run_ward exec web /bin/sh -c 'hostname; cat /tmp/mark; readlink /proc/self/ns/pid; readlink /proc/self/ns/user; readlink /proc/self/ns/mnt; echo $$; id -u; grep -E "^(CapEff|Seccomp):" /proc/self/status'
assert_status "rootless exec: runs" 0
assert_eq "rootless exec: the container's hostname" "rl-box" "$(echo "$OUT" | sed -n 1p)"
assert_eq "rootless exec: the file the container wrote in its /tmp" "made" "$(echo "$OUT" | sed -n 2p)"
assert_eq "rootless exec: the container's pid namespace" "$(readlink "/proc/$init/ns/pid")" "$(echo "$OUT" | sed -n 3p)"
assert_eq "rootless exec: the container's user namespace" "$(readlink "/proc/$init/ns/user")" "$(echo "$OUT" | sed -n 4p)"
assert_eq "rootless exec: the container's mount namespace" "$(readlink "/proc/$init/ns/mnt")" "$(echo "$OUT" | sed -n 5p)"
assert_match "rootless exec: a pid of the container's namespace" '^[0-9]{1,2}$' "$(echo "$OUT" | sed -n 6p)"
assert_eq "rootless exec: root inside" 0 "$(echo "$OUT" | sed -n 7p)"
assert_match "rootless exec: Docker's capabilities" '^CapEff:.*a80425fb$' "$(echo "$OUT" | sed -n 8p)"
assert_match "rootless exec: the seccomp filter" '^Seccomp:[[:space:]]+2$' "$(echo "$OUT" | sed -n 9p)"
# shellcheck disable=SC2016 # expanded in the container
run_ward exec -e GREETING=hi -w /tmp web /bin/sh -c 'echo "$GREETING $(pwd)"; exit 7'
assert_status "rootless exec: the command's status passes through" 7
assert_eq "rootless exec -e -w" "hi /tmp" "$OUT"
if command -v script >/dev/null; then
	OUT=$(timeout 60 script -qefc "$WARD exec -t web /bin/sh -c 'tty; [ -t 0 ] && echo stdin-is-a-tty; exit 3'" /dev/null </dev/null | tr -d '\r' | sed 's/\^@//g')
	STATUS=$?
	assert_eq "rootless exec -t: a terminal of the container's devpts, the status through" \
		$'/dev/pts/0\nstdin-is-a-tty 3' "$(echo "$OUT" | sed -n 1p; echo "$(echo "$OUT" | sed -n 2p) $STATUS")"
else
	skip "rootless exec -t" "no script(1)"
fi
echo '{"args": ["/bin/sh", "-c", "echo from-process; exit 4"], "cwd": "/", "user": {"uid": 0, "gid": 0}}' >"$T/process.json"
echo '{"args": ["true"], "cwd": "/", "user": {"uid": 0, "gid": 0, "additionalGids": [5]}}' >"$T/groups.json"
chmod 644 "$T/process.json" "$T/groups.json"
run_ward exec --process "$T/process.json" web
assert_eq "rootless exec --process: runs, its status through" "from-process 4" "$OUT $STATUS"
run_ward exec --process "$T/groups.json" web
assert_eq "rootless exec --process with additionalGids: refused" \
	"ward: exec: additional gids (-g, user.additionalGids): a rootless container has no supplementary groups (setgroups is denied in its user namespace)" \
	"$ERR"
run_ward exec web /usr/bin/ward-testhelper syscall mount
assert_contains "rootless exec: mount refused by the profile" "$OUT" "mount: EPERM"
run_ward exec -u 1000 web true
assert_eq "rootless exec -u 1000: refused" \
	"ward: rootless: the container's user must be root (1000:0 asked): only ward's own uid and gid are mapped into its user namespace" \
	"$ERR"
run_ward exec --additional-gids 10 web true
assert_eq "rootless exec --additional-gids: refused" \
	"ward: exec: additional gids (-g, user.additionalGids): a rootless container has no supplementary groups (setgroups is denied in its user namespace)" \
	"$ERR"
for verb in pause resume update; do
	run_ward $verb web
	assert_eq "rootless $verb: refused, with the reason" \
		"ward: $verb: a rootless container has no cgroup of its own, which $verb needs (ward makes cgroups only as root)" \
		"$ERR"
done
run_ward delete web
assert_status "rootless delete of a running one: needs --force" 1
# another user's process is not reached, whatever a record in the user's own directory
# says: a copy of web's record naming a process of root's
sleep 60 &
rootpid=$!
rootstart=$(sed 's/.*) //' "/proc/$rootpid/stat" | cut -d' ' -f20)
setpriv --reuid "$NOBODY" --regid "$NOBODY" --clear-groups sh -c \
	"mkdir '$T/xdg/ward/stolen' && cp '$T/xdg/ward/web/config.json' '$T/xdg/ward/stolen/' &&
	 sed -e 's/\"pid\":[0-9]*/\"pid\":$rootpid/' -e 's/\"pidStart\":[0-9]*/\"pidStart\":$rootstart/' \
	 -e 's/\"id\":\"web\"/\"id\":\"stolen\"/' '$T/xdg/ward/web/state.json' >'$T/xdg/ward/stolen/state.json'"
run_ward exec stolen true
assert_eq "rootless exec: a process of another user's refused" \
	"ward: the container's process $rootpid is not yours (uid 0's)" "$ERR"
run_ward delete -f stolen
assert_status "rootless delete -f of a record naming root's process" 0
assert_eq "rootless delete -f: another user's process untouched" "" "$(kill -0 "$rootpid" 2>&1)"
# a pid whose start time is not the recorded one (reused since): not the container
setpriv --reuid "$NOBODY" --regid "$NOBODY" --clear-groups sh -c \
	"mkdir '$T/xdg/ward/stale' && cp '$T/xdg/ward/web/config.json' '$T/xdg/ward/stale/' &&
	 sed -e 's/\"pidStart\":\([0-9]*\)/\"pidStart\":1\1/' -e 's/\"id\":\"web\"/\"id\":\"stale\"/' \
	 '$T/xdg/ward/web/state.json' >'$T/xdg/ward/stale/state.json'"
run_ward exec stale true
assert_eq "rootless exec: a recorded pid that is another process now refused" \
	"ward: cannot exec in container 'stale': it is stopped" "$ERR"
run_ward delete -f stale
assert_eq "rootless delete -f of a stale record: the process with that pid untouched" "" "$(kill -0 "$init" 2>&1)"
kill "$rootpid"
wait "$rootpid" 2>/dev/null
run_ward stop web
assert_status "rootless: stop" 0
for _ in $(seq 1 50); do [ -z "$("$WARD" list -q)" ] && break; sleep 0.1; done
assert_eq "rootless: removed when it ended" "" "$("$WARD" list -q)"
# delete: a kept (stopped) one's record removed; -f kills a running one first (its init:
# no cgroup, its pid namespace takes the rest)
run_ward run --keep --name kept "$RFS" true
run_ward delete kept
assert_status "rootless delete of a stopped one" 0
assert_eq "rootless delete: the record removed" "" "$(ls -A "$T/xdg/ward")"
run_ward run -d --name doomed "$RFS" /bin/sh -c 'sleep 300 & sleep 301 & wait'
init=$("$WARD" state doomed | sed -n 's/^ *"pid": \([0-9]*\),*$/\1/p')
run_ward delete -f doomed
assert_status "rootless delete -f of a running one" 0
assert_eq "rootless delete -f: its init is gone" "" "$(kill -0 "$init" 2>/dev/null && echo "$init alive")"
assert_eq "rootless delete -f: the record removed" "" "$("$WARD" list -q)"
assert_nothing_left "rootless delete -f: no process of it left" procs
# a foreground run deleted from elsewhere: its ward ends with the container's status and
# leaves the record (gone, or another container's by then) alone, saying nothing
start_ward run --name fg "$RFS" /bin/sh -c 'sleep 300'
for _ in $(seq 1 50); do "$WARD" list 2>/dev/null | grep -q '^fg .*running' && break; sleep 0.1; done
run_ward delete -f fg
assert_status "rootless delete -f of a foreground run" 0
wait_bg 20
assert_eq "rootless delete -f: the foreground ward ends as its container did, quietly" "137:" "$STATUS:$ERR"
# the name taken again before the first container's ward ended (held stopped here):
# that ward leaves the new container alone
run_ward run -d --name again "$RFS" /bin/sh -c 'sleep 300'
init=$("$WARD" state again | sed -n 's/^ *"pid": \([0-9]*\),*$/\1/p')
bgward=$(cut -d' ' -f4 "/proc/$init/stat")
kill -STOP "$bgward"
run_ward delete -f again
run_ward run -d --name again "$RFS" /bin/sh -c 'sleep 300'
assert_status "rootless: the name taken again" 0
kill -CONT "$bgward"
for _ in $(seq 1 50); do kill -0 "$bgward" 2>/dev/null || break; sleep 0.1; done
run_ward state again
assert_contains "rootless: the first ward left the new container running" "$OUT" '"status": "running"'
run_ward delete -f again
assert_status "rootless: the new one deleted" 0
# another user's directory is never used: root's, a symlink, an XDG_RUNTIME_DIR not its own
run_ward --root "$T/roots" list
assert_eq "rootless: root's state directory refused" "ward: the state directory '$T/roots' is not yours to use: it is another user's" "$ERR"
mkdir -m 700 "$T/roots/c1"
run_ward --root "$T/roots" exec c1 true
assert_eq "rootless exec: a container in root's state directory unreachable" "ward: the state directory '$T/roots' is not yours to use: it is another user's" "$ERR"
run_ward --root "$T/roots" delete -f c1
assert_eq "rootless delete: a container in root's state directory unreachable" "ward: the state directory '$T/roots' is not yours to use: it is another user's" "$ERR"
assert_eq "rootless delete: root's record left alone" "c1" "$(ls -A "$T/roots")"
rmdir "$T/roots/c1"
ln -s "$T/xdg/ward" "$T/link"
run_ward --root "$T/link" list
assert_eq "rootless: a symlink refused" "ward: the state directory '$T/link' is not yours to use: it is a symbolic link" "$ERR"
run_ward --root "$T/roots" run --name x "$RFS" true
assert_eq "rootless run --root: another user's refused" "ward: the state directory '$T/roots' is not yours to use: it is another user's" "$ERR"
WARD=$T/ward-rootxdg
run_ward run --name x "$RFS" true
assert_eq "rootless: an XDG_RUNTIME_DIR not the user's is not used" "ward: --name, -d and --cidfile need a state directory: rootless, ward uses \$XDG_RUNTIME_DIR/ward or /run/user/$NOBODY/ward, and neither is there (or give --root DIR)" "$ERR"
assert_eq "rootless: nothing written to another's directory" "" "$(ls -A "$T/roots")"

assert_nothing_left "rootless: nothing left"
finish
