#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# config.json fields of the runtime spec (issue 17), each in a real container:
# namespaces left out (the mount namespace too), the UTS sysctls and domainname, rootfsPropagation shared,
# HOME from /etc/passwd, startContainer hooks resolved in the container, hook
# environments, mounts of any filesystem type and podman's tmpfs options,
# /dev/core, linux.resources, process.ioPriority, scheduler and execCPUAffinity,
# memory.useHierarchy and checkBeforeUpdate, linux.netDevices, linux.intelRdt, and
# nothing left behind.
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

need_root
setup_rootfs
new_tmpdir T
ROOT=$T/state
snapshot_state

wo() {
	run_ward --root "$ROOT" "$@"
}

# sh_args SCRIPT: the JSON args of /bin/sh -c SCRIPT
sh_args() {
	python3 -c 'import json,sys; print(json.dumps(["/bin/sh", "-c", sys.argv[1]]))' "$1"
}

# bad DESC EXPECTED_STDERR WARD_ARGS...: exit 1, that message, nothing left
bad() {
	local desc=$1 msg=$2
	shift 2
	wo "$@"
	assert_status "$desc: exit 1" 1
	assert_eq "$desc: the message" "$msg" "$ERR"
	assert_nothing_left "$desc: nothing started or left"
}

# ---- /dev/core ------------------------------------------------------------------------

make_bundle "$T/core" "$(sh_args 'readlink /dev/core || echo none')"
wo run --bundle "$T/core" core1
if [ -e /proc/kcore ]; then
	assert_eq "/dev/core: a link to /proc/kcore where the host has one" "/proc/kcore" "$OUT"
else
	assert_eq "/dev/core: none where the host has no /proc/kcore" "none" "$OUT"
fi

# ---- kernel.hostname, kernel.domainname, domainname ------------------------------------

host_domain=$(cat /proc/sys/kernel/domainname)
make_bundle "$T/uts" "$(sh_args 'cat /proc/sys/kernel/hostname /proc/sys/kernel/domainname')" '
c["linux"]["sysctl"] = {"kernel.hostname": "from-sysctl"}
c["domainname"] = "example.org"'
wo run --bundle "$T/uts" uts1
assert_status "uts sysctls: exit 0" 0
assert_eq "kernel.hostname sysctl and domainname applied" "from-sysctl"$'\n'"example.org" "$OUT"
make_bundle "$T/uts2" "$(sh_args 'cat /proc/sys/kernel/domainname')" '
c["linux"]["sysctl"] = {"kernel.domainname": "by-sysctl"}'
wo run --bundle "$T/uts2" uts2
assert_eq "kernel.domainname sysctl applied" "by-sysctl" "$OUT"
assert_eq "the host's domainname untouched" "$host_domain" "$(cat /proc/sys/kernel/domainname)"
make_bundle "$T/uts3" '["/bin/true"]' '
c["domainname"] = "example.org"
c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "uts"]
del c["hostname"]'
bad "domainname without a uts namespace" \
	"ward: config.json: domainname: setting it needs a uts namespace (it would change the host's)" \
	create --bundle "$T/uts3" u3

# ---- rootfsPropagation ----------------------------------------------------------------

for p in shared rshared slave rslave private rprivate unbindable runbindable; do
	make_bundle "$T/prop-$p" '["/usr/bin/ward-testhelper", "mounts"]' "c['linux']['rootfsPropagation'] = '$p'"
	wo run --bundle "$T/prop-$p" "prop-$p"
	assert_status "rootfsPropagation $p: runs" 0
	rootline=$(awk '$5 == "/"' <<<"$OUT")
	case $p in
	*shared) assert_match "rootfsPropagation $p: the root is shared" 'shared:[0-9]+' "$rootline" ;;
	*unbindable) assert_contains "rootfsPropagation $p: the root is unbindable" "$rootline" "unbindable" ;;
	*) assert_not_contains "rootfsPropagation $p: the root is not shared" "$rootline" "shared:" ;;
	esac
done
assert_nothing_left "rootfsPropagation: nothing left"

# ---- HOME -----------------------------------------------------------------------------

make_bundle "$T/home" "$(sh_args 'echo $HOME')" 'c["process"]["env"] = ["PATH=/bin:/usr/bin"]'
wo run --bundle "$T/home" home1
assert_eq "no HOME in process.env: root's from /etc/passwd" "/root" "$OUT"
make_bundle "$T/home2" "$(sh_args 'echo $HOME')" '
c["process"]["env"] = ["PATH=/bin:/usr/bin"]
c["process"]["user"] = {"uid": 4242, "gid": 4242}'
wo run --bundle "$T/home2" home2
assert_eq "no HOME, a uid /etc/passwd lacks: /" "/" "$OUT"
make_bundle "$T/home3" "$(sh_args 'echo $HOME')" 'c["process"]["env"] = ["HOME=/given"]'
wo run --bundle "$T/home3" home3
assert_eq "HOME given: kept" "/given" "$OUT"

# ---- hooks ----------------------------------------------------------------------------

# a startContainer hook's path is the container's: the helper is in the rootfs only
make_bundle "$T/shook" "$(sh_args 'cat /tmp/hooked 2>/dev/null; echo ran')" "
c['mounts'].append({'destination': '/tmp', 'type': 'tmpfs', 'source': 'tmpfs', 'options': ['nosuid']})
c['hooks'] = {'startContainer': [{'path': '/usr/bin/ward-testhelper', 'args': ['ward-testhelper', 'write', '/tmp/hooked', 'in-container']}]}"
if [ -e /usr/bin/ward-testhelper ]; then
	skip "startContainer path in the container" "the host has /usr/bin/ward-testhelper"
else
	wo run --bundle "$T/shook" sh1
	assert_status "startContainer: a path only the container has: exit 0" 0
	assert_contains "startContainer: the hook ran in the container" "$OUT" "ran"
fi
# hooks without env: the runtime's environment on the host, the process's in the container
cat >"$T/hook-env" <<HOOK
#!/bin/sh
echo "\${WARD_TEST_ENV:-unset}" >"$T/hook-env.out"
HOOK
chmod +x "$T/hook-env"
make_bundle "$T/henv" "$(sh_args 'cat /tmp/startenv')" "
c['process']['env'] = ['PATH=/bin:/usr/bin', 'PROC_VAR=proc']
c['mounts'].append({'destination': '/tmp', 'type': 'tmpfs', 'source': 'tmpfs'})
c['hooks'] = {'prestart': [{'path': '$T/hook-env'}],
              'startContainer': [{'path': '/bin/sh', 'args': ['sh', '-c', 'echo \$PROC_VAR \$HOME >/tmp/startenv']}]}"
WARD_TEST_ENV=from-ward wo run --bundle "$T/henv" he1
assert_eq "a host hook without env: ward's environment" "from-ward" "$(cat "$T/hook-env.out" 2>/dev/null)"
assert_eq "a startContainer hook without env: the process's" "proc /root" "$OUT"
assert_nothing_left "hooks: nothing left"

# ---- mounts ---------------------------------------------------------------------------

# every mount below a tmpfs on /mnt: the shared rootfs gets no mount point of the test's
MNT="c['mounts'].append({'destination': '/mnt', 'type': 'tmpfs', 'source': 'tmpfs', 'options': ['nosuid']})"
mkdir -p "$T/lower" "$T/upper" "$T/work" "$T/rsrc"
echo lower-file >"$T/lower/f"
make_bundle "$T/ovl" "$(sh_args 'cat /mnt/ovl/f; echo new >/mnt/ovl/g && echo wrote; stat -c %a /mnt/tmp')" "$MNT
c['mounts'].append({'destination': '/mnt/ovl', 'type': 'overlay', 'source': 'overlay',
  'options': ['lowerdir=$T/lower', 'upperdir=$T/upper', 'workdir=$T/work']})
c['mounts'].append({'destination': '/mnt/tmp', 'type': 'tmpfs', 'source': 'tmpfs'})"
wo run --bundle "$T/ovl" ovl1
assert_status "overlay: exit 0" 0
assert_line "overlay: the lower layer" "lower-file" "$OUT"
assert_line "overlay: writable" "wrote" "$OUT"
assert_eq "overlay: the write went to the upper layer" "new" "$(cat "$T/upper/g" 2>/dev/null)"
assert_line "tmpfs without mode=: the kernel's 1777, as runc" "1777" "$OUT"

# tmpcopyup: the rootfs's /etc in a writable tmpfs over a read-only root
make_bundle "$T/copyup" "$(sh_args 'grep -c ^root: /etc/passwd; echo x >/etc/new && echo writable; stat -c %a /etc/passwd')" "
c['mounts'].append({'destination': '/etc', 'type': 'tmpfs', 'source': 'tmpfs', 'options': ['rw', 'rprivate', 'nosuid', 'nodev', 'tmpcopyup']})"
wo run --bundle "$T/copyup" cu1
assert_status "tmpcopyup: exit 0" 0
assert_eq "tmpcopyup: the rootfs's files copied in, writable, modes kept" \
	"1"$'\n'"writable"$'\n'"$(stat -c %a "$ROOTFS/etc/passwd")" "$OUT"
make_bundle "$T/nocopyup" "$(sh_args 'ls /etc | wc -l')" "
c['mounts'].append({'destination': '/etc', 'type': 'tmpfs', 'source': 'tmpfs', 'options': ['notmpcopyup']})"
wo run --bundle "$T/nocopyup" cu2
assert_eq "notmpcopyup: an empty tmpfs" "0" "$OUT"

# options ward does not know are errors naming them, never mount data
make_bundle "$T/badopt" '["/bin/true"]' "
c['mounts'].append({'destination': '/run', 'type': 'tmpfs', 'source': 'tmpfs', 'options': ['nosuid', 'bogus']})"
wo create --bundle "$T/badopt" bo1
assert_status "an unknown tmpfs option: exit 1" 1
assert_match "an unknown tmpfs option: named" "^ward: config.json: mounts\[[0-9]+\]\.options: unknown tmpfs option 'bogus'$" "$ERR"
make_bundle "$T/badopt2" '["/bin/true"]' "
c['mounts'].append({'destination': '/mnt', 'type': 'bind', 'source': '$T/rsrc', 'options': ['rbind', 'size=1k']})"
wo create --bundle "$T/badopt2" bo2
assert_match "a filesystem option on a bind: named" "unknown option 'size=1k' \(a bind mount takes none of a filesystem's own\)$" "$ERR"
make_bundle "$T/idmap" '["/bin/true"]' "
c['mounts'].append({'destination': '/mnt', 'type': 'bind', 'source': '$T/rsrc', 'options': ['rbind', 'idmap']})"
wo create --bundle "$T/idmap" id1
assert_match "idmap: refused, named" "'idmap': ward does not make idmapped mounts" "$ERR"
assert_nothing_left "bad mount options: nothing left"

# rro: read-only, recursively
make_bundle "$T/rro" "$(sh_args 'echo x >/mnt/r/f 2>&1 || echo refused')" "$MNT
c['mounts'].append({'destination': '/mnt/r', 'type': 'bind', 'source': '$T/rsrc', 'options': ['rbind', 'rro']})"
wo run --bundle "$T/rro" rro1
assert_contains "rro: the bind is read-only" "$OUT" "refused"
assert_eq "rro: nothing written" "" "$(ls -A "$T/rsrc")"

# copy-symlink: a bind of a symlink becomes the same link
ln -s /etc/hostname "$T/link"
make_bundle "$T/csl" "$(sh_args 'readlink /mnt/l')" "$MNT
c['mounts'].append({'destination': '/mnt/l', 'type': 'bind', 'source': '$T/link', 'options': ['rbind', 'copy-symlink']})"
wo run --bundle "$T/csl" csl1
assert_eq "copy-symlink: the link itself" "/etc/hostname" "$OUT"

# a destination through a dangling symlink: created inside the rootfs, never outside
fresh_rootfs R
ln -s "$T/outside/dir" "$R/dangling"
ln -s ../rel-target "$R/etc/dangling-rel"
make_bundle "$T/dangle" "$(sh_args 'ls -d /tmp/wt-*/outside/dir/sub /rel-target/sub')" "
c['root']['path'] = '$R'
c['mounts'].append({'destination': '/dangling/sub', 'type': 'tmpfs', 'source': 'tmpfs'})
c['mounts'].append({'destination': '/etc/dangling-rel/sub', 'type': 'tmpfs', 'source': 'tmpfs'})"
sed -i "s|/tmp/wt-\*|$T|" "$T/dangle/config.json"
wo run --bundle "$T/dangle" dg1
assert_status "dangling symlink destination: exit 0" 0
if [ -e "$T/outside" ]; then
	fail "dangling symlink destination: nothing made outside the rootfs" "$(ls -la "$T/outside")"
else
	pass "dangling symlink destination: nothing made outside the rootfs"
fi
assert_eq "dangling symlinks: the mount points made inside the rootfs" \
	"yes yes" "$([ -d "$R$T/outside/dir/sub" ] && echo yes) $([ -d "$R/rel-target/sub" ] && echo yes)"

# linux.devices outside /dev
make_bundle "$T/devout" "$(sh_args 'stat -c "%F %t,%T" /mnt/sub/null; echo x >/mnt/sub/null && echo wrote')" "
c['mounts'].append({'destination': '/mnt', 'type': 'tmpfs', 'source': 'tmpfs'})
c['linux']['devices'] = [{'path': '/mnt/sub/null', 'type': 'c', 'major': 1, 'minor': 3, 'fileMode': 438}]"
wo run --bundle "$T/devout" dv1
assert_status "linux.devices outside /dev: exit 0" 0
assert_line "linux.devices outside /dev: the node" "character special file 1,3" "$OUT"
assert_line "linux.devices outside /dev: it works" "wrote" "$OUT"
assert_nothing_left "mounts: nothing left"

# ---- linux.resources ---------------------------------------------------------------------

# read in the container, through its own view of /sys/fs/cgroup (a cgroup namespace)
# a block device of the host's, for the throttle (a char device is refused by the kernel)
blkdev=$(cat "$(ls -d /sys/block/*/dev | grep -v '/loop\|/ram' | head -1)" 2>/dev/null || echo 254:0)
cg_read='for f in memory/memory.soft_limit_in_bytes memory/memory.swappiness cpuset/cpuset.mems blkio/blkio.throttle.read_bps_device unified/cgroup.max.depth; do [ -e /sys/fs/cgroup/$f ] && echo "$f=$(cat /sys/fs/cgroup/$f)"; done; grep oom_kill_disable /sys/fs/cgroup/memory/memory.oom_control 2>/dev/null'
make_bundle "$T/res" "$(sh_args "$cg_read")" '
c["linux"]["resources"] = {"memory": {"reservation": 33554432, "swappiness": 10, "disableOOMKiller": True},
  "cpu": {"mems": "0"}, "blockIO": {"throttleReadBpsDevice": [{"major": '"${blkdev%:*}"', "minor": '"${blkdev#*:}"', "rate": 1048576}]},
  "unified": {"cgroup.max.depth": "3"}}'
if [ -d /sys/fs/cgroup/memory ] && [ -d /sys/fs/cgroup/blkio ] && [ -d /sys/fs/cgroup/unified ]; then
	wo run --bundle "$T/res" res1
	assert_status "linux.resources: exit 0" 0
	assert_line "memory.reservation: the soft limit" "memory/memory.soft_limit_in_bytes=33554432" "$OUT"
	assert_line "memory.swappiness" "memory/memory.swappiness=10" "$OUT"
	assert_line "memory.disableOOMKiller" "oom_kill_disable 1" "$OUT"
	assert_line "cpu.mems" "cpuset/cpuset.mems=0" "$OUT"
	assert_line "blockIO.throttleReadBpsDevice" "blkio/blkio.throttle.read_bps_device=$blkdev 1048576" "$OUT"
	assert_line "unified: a cgroup2 key" "unified/cgroup.max.depth=3" "$OUT"
else
	skip "linux.resources on cgroup v1" "this host is not hybrid (memory, blkio and unified mounts)"
fi
# what the host cannot apply is an error naming the field
make_bundle "$T/res2" '["/bin/true"]' 'c["linux"]["resources"] = {"network": {"classID": 1048577}}'
if [ -d /sys/fs/cgroup/net_cls ] || [ -d /sys/fs/cgroup/net_cls,net_prio ]; then
	skip "network.classID refused" "this host has net_cls"
else
	bad "network.classID without net_cls" \
		"ward: cannot apply linux.resources.network.classID: the net_cls controller is not available" \
		create --bundle "$T/res2" r2
fi
make_bundle "$T/res3" '["/bin/true"]' 'c["linux"]["resources"] = {"unified": {"memory.high": "1G"}}'
if [ -f /sys/fs/cgroup/unified/cgroup.controllers ] && ! grep -qw memory /sys/fs/cgroup/unified/cgroup.controllers; then
	bad "unified: a controller the cgroup2 cgroup lacks" \
		"ward: cannot apply linux.resources.unified: 'memory.high': the memory controller is not available in the container's cgroup2 cgroup" \
		create --bundle "$T/res3" r3
else
	skip "unified: a controller the cgroup2 cgroup lacks" "not a hybrid host without v2 controllers"
fi
make_bundle "$T/res4" '["/bin/true"]' 'c["linux"]["resources"] = {"memory": {"kernel": 1048576}}'
wo run --bundle "$T/res4" r4
assert_status "memory.kernel: runs" 0
assert_contains "memory.kernel: warned, not dropped silently" "$ERR" "ignoring linux.resources.memory.kernel"
assert_nothing_left "linux.resources: nothing left"

# ---- process.ioPriority, scheduler, execCPUAffinity ---------------------------------------

sched_show='ionice -p $$; cut -d" " -f19,41 /proc/self/stat; sed -n "s/^Cpus_allowed_list:[[:space:]]*//p" /proc/self/status'
last_cpu=$(($(nproc) - 1))
make_bundle "$T/sched" "$(sh_args "$sched_show")" "
c['process']['ioPriority'] = {'class': 'IOPRIO_CLASS_IDLE', 'priority': 7}
c['process']['scheduler'] = {'policy': 'SCHED_BATCH', 'nice': 5}
c['process']['execCPUAffinity'] = {'initial': '0', 'final': '$last_cpu'}"
wo run --bundle "$T/sched" sch1
assert_status "ioPriority, scheduler, execCPUAffinity: exit 0" 0
assert_eq "ioPriority idle, SCHED_BATCH (3) at nice 5, the final affinity" \
	"idle"$'\n'"5 3"$'\n'"$last_cpu" "$OUT"
make_bundle "$T/sched2" "$(sh_args "$sched_show")" "
c['process']['ioPriority'] = {'class': 'IOPRIO_CLASS_BE', 'priority': 3}
c['process']['scheduler'] = {'policy': 'SCHED_FIFO', 'priority': 10}
c['process']['execCPUAffinity'] = {'initial': '0'}
c['linux']['resources'] = {'cpu': {'realtimeRuntime': 10000, 'realtimePeriod': 1000000}}"
wo run --bundle "$T/sched2" sch2
if [ "$STATUS" -ne 0 ] && [[ $ERR == *"realtime"* ]]; then
	# a real-time policy needs a real-time budget in the container's cpu cgroup (v1 with
	# RT group scheduling), which this host cannot give: the same config, no FIFO
	skip "SCHED_FIFO" "no real-time budget for the container's cgroup: $ERR"
else
	assert_eq "IOPRIO_CLASS_BE 3, SCHED_FIFO (1), only an initial affinity: the init's" \
		"best-effort: prio 3"$'\n'"0 1"$'\n'"0" "$OUT"
fi
# ward exec --process: its own; the final affinity once it joined the cgroups
make_bundle "$T/sched3" '["/usr/bin/ward-testhelper", "sleep", "30"]'
wo run -d --bundle "$T/sched3" sch3
python3 - "$T/sched3/config.json" "$T/proc.json" "$sched_show" "$last_cpu" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
p = c["process"]
p["args"] = ["/bin/sh", "-c", sys.argv[3]]
p["scheduler"] = {"policy": "SCHED_IDLE"}
p["execCPUAffinity"] = {"initial": "0", "final": sys.argv[4]}
json.dump(p, open(sys.argv[2], "w"))
PY
wo exec --process "$T/proc.json" sch3
assert_eq "exec --process: SCHED_IDLE (5) and the final affinity" \
	"0 5"$'\n'"$last_cpu" "$(tail -n 2 <<<"$OUT")"
wo delete --force sch3
make_bundle "$T/schbad" '["/bin/true"]' "c['process']['scheduler'] = {'policy': 'SCHED_X'}"
bad "scheduler.policy unknown" "ward: config.json: process.scheduler.policy: unknown policy 'SCHED_X'" \
	run --bundle "$T/schbad" sb1
make_bundle "$T/schbad2" '["/bin/true"]' "c['process']['scheduler'] = {'policy': 'SCHED_RR'}"
bad "SCHED_RR without a priority" \
	"ward: config.json: process.scheduler.priority: SCHED_RR needs a priority of 1 to 99" \
	run --bundle "$T/schbad2" sb2
make_bundle "$T/schbad3" '["/bin/true"]' "c['process']['scheduler'] = {'policy': 'SCHED_DEADLINE'}"
bad "SCHED_DEADLINE without runtime and deadline" \
	"ward: config.json: process.scheduler: SCHED_DEADLINE needs a runtime and a deadline" \
	run --bundle "$T/schbad3" sb3
make_bundle "$T/iobad" '["/bin/true"]' "c['process']['ioPriority'] = {'class': 'IOPRIO_CLASS_X', 'priority': 1}"
bad "ioPriority.class unknown" "ward: config.json: process.ioPriority.class: unknown class 'IOPRIO_CLASS_X'" \
	run --bundle "$T/iobad" ib1
make_bundle "$T/iobad2" '["/bin/true"]' "c['process']['ioPriority'] = {'class': 'IOPRIO_CLASS_BE', 'priority': 8}"
wo run --bundle "$T/iobad2" ib2
assert_match "ioPriority.priority 8: an error naming the field" "^ward: config.json: process.ioPriority.priority: " "$ERR"
make_bundle "$T/affbad" '["/bin/true"]' "c['process']['execCPUAffinity'] = {'final': '3-1'}"
bad "execCPUAffinity.final not a list" \
	"ward: config.json: process.execCPUAffinity.final: '3-1' is not a CPU list (such as \"0-3,7\")" \
	run --bundle "$T/affbad" ab1
assert_nothing_left "scheduler: nothing left"

# ---- memory.useHierarchy and checkBeforeUpdate -------------------------------------------

if [ "$(stat -fc %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ]; then
	hier=none
else
	hier=/sys/fs/cgroup/memory/memory.use_hierarchy
fi
make_bundle "$T/memh" "$(sh_args "cat $hier 2>/dev/null || echo none")" "
c['linux']['resources'] = {'memory': {'limit': 67108864, 'useHierarchy': True}}"
wo run --bundle "$T/memh" mh1
assert_status "memory.useHierarchy: runs" 0
assert_eq "memory.useHierarchy: memory.use_hierarchy (v1; nothing on v2)" \
	"$([ "$hier" = none ] && echo none || echo 1)" "$OUT"
make_bundle "$T/memc" '["/usr/bin/ward-testhelper", "sleep", "30"]' "
c['linux']['resources'] = {'memory': {'limit': 67108864, 'checkBeforeUpdate': True}}"
wo run -d --bundle "$T/memc" mc1
wo update --memory 4096 mc1
assert_match "checkBeforeUpdate from create: a limit below the usage refused" \
	"^ward: update: memory.checkBeforeUpdate: the new limit 4096 is below the container's memory usage \([0-9]+ bytes\)$" "$ERR"
wo update --memory 100m mc1
assert_status "checkBeforeUpdate: a limit above the usage: exit 0" 0
WARD_STDIN='{"memory": {"limit": 8192, "checkBeforeUpdate": true}}' wo update -r - mc1
assert_match "checkBeforeUpdate in update -r's file: refused" "^ward: update: memory.checkBeforeUpdate: " "$ERR"
wo delete --force mc1
assert_nothing_left "memory.useHierarchy, checkBeforeUpdate: nothing left"

# ---- linux.netDevices: a host interface moved in, renamed, up, with its address ----------

# wardtest0: a dummy where the kernel has the type, else one end of a veth pair (both are
# virtual: when the container's network namespace goes, the kernel destroys them; only a
# physical device moves back to the host)
netdev_kind=dummy
ip link del wardtest0 2>/dev/null
if ! ip link add wardtest0 type dummy 2>/dev/null; then
	diag "no dummy interface type on this host (no dummy module): a veth pair instead"
	netdev_kind=veth
	ip link add wardtest0 type veth peer name wardtest1 2>/dev/null || netdev_kind=
fi
cleanup_netdev() {
	ip link del wardtest0 2>/dev/null
	ip link del wardtest1 2>/dev/null
	ip link del ctr0 2>/dev/null
	return 0
}
trap 'cleanup_netdev; _cleanup' EXIT
if [ -z "$netdev_kind" ]; then
	skip "linux.netDevices" "this host can make neither a dummy nor a veth interface"
else
	ip addr add 10.99.0.1/24 dev wardtest0
	make_bundle "$T/netdev" '["/usr/bin/ward-testhelper", "sleep", "30"]' "
c['linux']['netDevices'] = {'wardtest0': {'name': 'ctr0'}}"
	wo run -d --bundle "$T/netdev" nd1
	assert_status "netDevices ($netdev_kind): runs" 0
	assert_eq "netDevices: gone from the host while the container has it" "" \
		"$(ip -o link show wardtest0 2>/dev/null)"
	wo exec nd1 /bin/sh -c 'ip -o link show ctr0 | grep -o "<[^>]*>" | grep -o UP; ip -o -4 addr show dev ctr0 | grep -o "inet [^ ]*"'
	assert_eq "netDevices: inside as ctr0, up, with its address" "UP"$'\n'"inet 10.99.0.1/24" "$OUT"
	wo delete --force nd1
	sleep 0.5 # the kernel tears the namespace down in the background
	assert_eq "netDevices: a virtual interface ($netdev_kind) is destroyed with the namespace" "" \
		"$(ip -o link show wardtest0 2>/dev/null; ip -o link show ctr0 2>/dev/null)"
	cleanup_netdev
fi
make_bundle "$T/netdev3" '["/bin/true"]' "c['linux']['netDevices'] = {'wardnope0': {'name': 'x0'}}"
bad "netDevices: a missing interface" "ward: linux.netDevices: no interface 'wardnope0' on the host: No such device" \
	run --bundle "$T/netdev3" nd3
make_bundle "$T/netdev4" '["/bin/true"]' "
c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'network']
c['linux']['netDevices'] = {'lo': {}}"
bad "netDevices without a network namespace" \
	"ward: config.json: linux.netDevices: moving interfaces needs a new network namespace in linux.namespaces" \
	run --bundle "$T/netdev4" nd4
make_bundle "$T/netdev5" '["/bin/true"]' "c['linux']['netDevices'] = {'eth0': {'name': 'a/b'}}"
bad "netDevices: a bad name" "ward: config.json: linux.netDevices.eth0.name: 'a/b' is not an interface name" \
	run --bundle "$T/netdev5" nd5

# ---- linux.intelRdt: refused without resctrl, before anything starts ---------------------

make_bundle "$T/rdt" '["/bin/true"]' "c['linux']['intelRdt'] = {'l3CacheSchema': 'L3:0=f'}"
if [ -e /sys/fs/resctrl/schemata ]; then
	skip "intelRdt refused without resctrl" "this host has resctrl mounted (the unit tests cover the group)"
else
	bad "intelRdt without resctrl" \
		"ward: linux.intelRdt: the host has no resctrl filesystem mounted at /sys/fs/resctrl" \
		run --bundle "$T/rdt" rdt1
	bad "intelRdt without resctrl: create" \
		"ward: linux.intelRdt: the host has no resctrl filesystem mounted at /sys/fs/resctrl" \
		create --bundle "$T/rdt" rdt2
fi
make_bundle "$T/rdt3" '["/bin/true"]' "c['linux']['intelRdt'] = {'closID': '../x'}"
bad "intelRdt.closID not a name" "ward: config.json: linux.intelRdt.closID: '../x' is not a group name" \
	run --bundle "$T/rdt3" rdt3

# ---- namespaces left out: the runtime's -------------------------------------------------

ns_all='for n in mnt pid net ipc uts cgroup user time; do echo $n=$(readlink /proc/self/ns/$n); done'
make_bundle "$T/nsout" "$(sh_args "$ns_all")" "
c['linux']['namespaces'] = [{'type': 'mount'}]
del c['hostname']"
wo run --bundle "$T/nsout" no1
assert_status "only a mount namespace listed: runs" 0
for n in pid net ipc uts cgroup user time; do
	[ -e "/proc/self/ns/$n" ] || continue
	assert_line "no $n namespace listed: ward's own" "$n=$(readlink "/proc/self/ns/$n")" "$OUT"
done
# ward run (Docker's flags): Docker's namespaces, unchanged
run_in "$ROOTFS" /bin/sh -c "$ns_all"
for n in mnt pid ipc uts cgroup net; do
	assert_not_contains "ward run: a $n namespace of its own" "$OUT" "$n=$(readlink "/proc/self/ns/$n")"
done
assert_nothing_left "namespaces: nothing left"

# ---- no mount namespace: ward's, with the container's mounts attached over the rootfs ------

host_mnt=$(readlink /proc/self/ns/mnt)
rootfs_mounts() { awk -v r="$ROOTFS" '$5 == r || index($5, r "/") == 1' /proc/self/mountinfo | wc -l; }
make_bundle "$T/nomnt" "$(sh_args 'readlink /proc/self/ns/mnt; echo here >/run/shared-file; cat /run/marker 2>/dev/null; sleep 30')" "
c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'mount']
c['mounts'].append({'destination': '/run', 'type': 'tmpfs', 'source': 'tmpfs', 'options': ['nosuid']})"
wo create --bundle "$T/nomnt" nm1
assert_status "no mount namespace: create exits 0" 0
wo start nm1
for _ in $(seq 1 50); do [ -f "$ROOTFS/run/shared-file" ] && break; sleep 0.1; done
assert_eq "no mount namespace: the container's tmpfs is seen from ward's namespace" "here" \
	"$(cat "$ROOTFS/run/shared-file" 2>/dev/null)"
wo exec nm1 /bin/sh -c 'readlink /proc/self/ns/mnt; cat /run/shared-file; pwd'
assert_eq "no mount namespace: ward's, and exec enters the container's root" \
	"$host_mnt"$'\n'"here"$'\n'"/" "$OUT"
wo state nm1
assert_contains "no mount namespace: the attached tree is on record" "$OUT" '"status": "running"'
wo delete --force nm1
assert_status "no mount namespace: delete exits 0" 0
assert_eq "no mount namespace: delete detaches every mount over the rootfs" 0 "$(rootfs_mounts)"
[ ! -e "$ROOTFS/run/shared-file" ]
assert_status "no mount namespace: the tmpfs is gone with it" 0 $?

make_bundle "$T/nomnt2" "$(sh_args 'readlink /proc/self/ns/mnt; touch / 2>/dev/null || echo ro; ls /proc/self/fd | wc -l')" "
c['linux']['namespaces'] = [{'type': 'pid'}]
del c['hostname']
c['root']['readonly'] = True"
wo run --bundle "$T/nomnt2" nm2
assert_status "no mount namespace, run: exit 0" 0
assert_eq "no mount namespace, run: ward's namespace, the root read-only, no descriptor of ward's (the tree's, ward's namespace's) left" \
	"$host_mnt"$'\n'"ro"$'\n'"4" "$OUT"
assert_eq "no mount namespace, run: nothing left over the rootfs" 0 "$(rootfs_mounts)"

# failing after the tree is attached (its process cannot run): detached all the same
make_bundle "$T/nomnt3" '["/no/such/program"]' "
c['linux']['namespaces'] = [{'type': 'pid'}]
del c['hostname']"
wo run --bundle "$T/nomnt3" nm3
assert_status "no mount namespace, a process that cannot run: 127" 127
assert_eq "no mount namespace, a process that cannot run: nothing left over the rootfs" 0 "$(rootfs_mounts)"
make_bundle "$T/nomnt4" '["/bin/true"]' "
c['linux']['namespaces'] = [{'type': 'pid'}]
del c['hostname']
c['mounts'].append({'destination': '/x', 'type': 'nosuchfs', 'source': 'none'})"
wo run --bundle "$T/nomnt4" nm4
assert_status "no mount namespace, a mount that fails: exit 1" 1
assert_contains "no mount namespace, a mount that fails: the message" "$ERR" "nosuchfs"
assert_eq "no mount namespace, a mount that fails: nothing left over the rootfs" 0 "$(rootfs_mounts)"
bad "a user namespace without a mount namespace" \
	"ward: config.json: linux.namespaces: a user namespace needs a mount namespace of its own (add {\"type\": \"mount\"})" \
	create --bundle "$(make_bundle "$T/nomnt5" '["/bin/true"]' "
c['linux']['namespaces'] = [{'type': 'user'}]
c['linux']['uidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]
c['linux']['gidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]"; echo "$T/nomnt5")" nm5
assert_nothing_left "no mount namespace: nothing left"

# ---- linux.personality ---------------------------------------------------------------------

make_bundle "$T/pers" '["/bin/uname", "-m"]' "c['linux']['personality'] = {'domain': 'LINUX32'}"
wo run --bundle "$T/pers" pers1
assert_eq "personality LINUX32: the container's uname says i686" "0 i686" "$STATUS $OUT"
make_bundle "$T/pers2" '["/bin/uname", "-m"]' "c['linux']['personality'] = {'domain': 'LINUX'}"
wo run --bundle "$T/pers2" pers2
assert_eq "personality LINUX: the host's machine" "0 $(uname -m)" "$STATUS $OUT"
make_bundle "$T/pers3" '["/bin/true"]' "c['linux']['personality'] = {'domain': 'BSD'}"
bad "personality: an unknown domain" \
	"ward: config.json: linux.personality.domain: unknown domain 'BSD' (LINUX or LINUX32)" \
	run --bundle "$T/pers3" pers3
make_bundle "$T/pers4" '["/bin/true"]' "c['linux']['personality'] = {'domain': 'LINUX', 'flags': ['x']}"
wo run --bundle "$T/pers4" pers4
assert_status "personality: a flag: exit 1" 1
assert_contains "personality: a flag: refused by name" "$ERR" "linux.personality.flags"

# ---- runtime.md, runtime-linux.md --------------------------------------------------------

# the /dev links of runtime-linux.md, and only stdio open in the process
make_bundle "$T/devl" "$(sh_args 'for f in fd stdin stdout stderr; do readlink /dev/$f; done; ls /proc/self/fd | wc -l')"
wo run --bundle "$T/devl" devl 5</dev/null
assert_eq "/dev/fd, stdin, stdout, stderr links; descriptors 0-2 only (and ls's own)" \
	"/proc/self/fd"$'\n'"/proc/self/fd/0"$'\n'"/proc/self/fd/1"$'\n'"/proc/self/fd/2"$'\n'"4" "$OUT"
# config.json changed after create: no effect on the container
mkdir -p "$T/after-out"
make_bundle "$T/after" "$(sh_args 'echo created-args >/out/said')" "
c['mounts'].append({'destination': '/out', 'type': 'bind', 'source': '$T/after-out', 'options': ['rbind', 'rw']})"
wo create --bundle "$T/after" aft1
sed -i 's/created-args/changed-args/' "$T/after/config.json"
wo start aft1
for _ in $(seq 1 50); do
	[ -s "$T/after-out/said" ] && break
	sleep 0.1
done
assert_eq "config.json changed after create: no effect on the container" "created-args" \
	"$(cat "$T/after-out/said" 2>/dev/null)"
wo delete -f aft1

# ---- start and delete read the saved config only for what they need from it ----------------

# no poststart or poststop hook, no intelRdt: the copy is not read (a large inline seccomp
# profile made every delete parse it: issue 19); with a poststop hook it still is
make_bundle "$T/nohook" '["/bin/true"]'
wo create --bundle "$T/nohook" nh1
rm -f "$ROOT/nh1/config.json"
wo start nh1
assert_status "no hooks: start without the saved config" 0
wo delete -f nh1
assert_eq "no hooks: delete without the saved config, no warning" "0 " "$STATUS $ERR"
make_bundle "$T/hook" '["/bin/true"]' "c['hooks'] = {'poststop': [{'path': '/bin/sh', 'args': ['sh', '-c', 'echo ran > $T/poststop-ran']}]}"
wo create --bundle "$T/hook" nh2
wo start nh2
wo delete -f nh2
assert_eq "a poststop hook: delete reads the saved config and runs it" "ran" "$(cat "$T/poststop-ran" 2>/dev/null)"

finish
