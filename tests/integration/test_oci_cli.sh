#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# runc's command line, as engines and test harnesses drive it (issue 17): ward spec
# and spec --rootless against runc spec, --version and features against runc's, the
# OCI form of `run` (ID, bundle in the current directory) beside Docker's, a
# foreground run's own terminal, exec's flags, the created state, update's flags and
# controllers, and nothing on stderr for runc's own spec. Compared with runc where it
# is installed (Debian: apt-get install runc); those checks skip without it.
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

need_root
setup_rootfs
new_tmpdir T
ROOT=$T/state # --root of every ward here: the host's /run/ward is not touched
snapshot_state
RUNC=$(command -v runc || true)

# wo ARGS...: ward with this test's --root
wo() {
	run_ward --root "$ROOT" "$@"
}

# wo_in DIR ARGS...: wo, in directory DIR
wo_in() {
	local d=$1
	shift
	pushd "$d" >/dev/null || bail_out "cd $d"
	wo "$@"
	popd >/dev/null || bail_out "cd -"
}

# edit FILE PYTHON: change the dict `c` of JSON file FILE; ROOTFS and H are there
edit() {
	python3 - "$1" "$ROOTFS" "$H" "$2" <<'EOF' || bail_out "cannot edit $1"
import json, sys
path, rootfs, h, code = sys.argv[1:5]
c = json.load(open(path))
exec(code)
json.dump(c, open(path, "w"), indent=1)
EOF
}

# bundle DIR ARGS_JSON [PYTHON]: ward spec's bundle on the shared rootfs running ARGS_JSON
bundle() {
	mkdir -p "$1"
	(cd "$1" && "$WARD" spec) || bail_out "ward spec failed"
	edit "$1/config.json" "c['root']['path'] = rootfs; c['process']['args'] = $2
c['process']['terminal'] = False
${3:-}"
}

# field PY_EXPR: a value of the JSON in $OUT (python expression on `j`)
field() {
	python3 -c 'import json,sys; j=json.loads(sys.stdin.read()); v=eval(sys.argv[1]); print(json.dumps(v) if isinstance(v,(dict,list)) else v)' "$1" <<<"$OUT" 2>/dev/null
}

# ---- ward spec and spec --rootless: what runc spec writes ---------------------------

# the differences ward keeps, on purpose (docs/runc-cli.md): the spec version it
# implements, its own hostname, Docker's capabilities, masked paths and cgroup namespace
NORMALISE='
c["ociVersion"] = "-"
c["hostname"] = "-"
c["process"]["capabilities"] = "-"
c["linux"]["maskedPaths"] = "-"
c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "cgroup"]
'
mkdir -p "$T/spec" "$T/spec-rootless"
wo spec --bundle "$T/spec"
assert_status "spec: exit 0" 0
wo spec --rootless --bundle "$T/spec-rootless"
assert_status "spec --rootless: exit 0" 0
OUT=$(<"$T/spec/config.json")
assert_eq "spec: terminal true, as runc's" "True" "$(field 'j["process"]["terminal"]')"
assert_eq "spec: RLIMIT_NOFILE 1024, as runc's" '[{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}]' \
	"$(field 'j["process"]["rlimits"]')"
assert_eq "spec: the cgroup mount, as runc's" "cgroup" "$(field '[m["type"] for m in j["mounts"] if m["destination"]=="/sys/fs/cgroup"][0]')"
OUT=$(<"$T/spec-rootless/config.json")
assert_eq "spec --rootless: a user namespace, no network one" '["pid", "ipc", "uts", "mount", "cgroup", "user"]' \
	"$(field '[n["type"] for n in j["linux"]["namespaces"]]')"
assert_eq "spec --rootless: root is the caller" \
	"[{\"containerID\": 0, \"hostID\": $(id -u), \"size\": 1}] [{\"containerID\": 0, \"hostID\": $(id -g), \"size\": 1}]" \
	"$(field 'j["linux"]["uidMappings"]') $(field 'j["linux"]["gidMappings"]')"
assert_eq "spec --rootless: no device rule" "None" "$(field 'j["linux"].get("resources")')"
if [ -n "$RUNC" ]; then
	for kind in "" --rootless; do
		mkdir -p "$T/runc-spec$kind"
		(cd "$T/runc-spec$kind" && "$RUNC" spec $kind) || bail_out "runc spec $kind failed"
		cp "$T/runc-spec$kind/config.json" "$T/runc-spec$kind/runc.json"
		cp "$T/spec${kind:+-rootless}/config.json" "$T/runc-spec$kind/ward.json"
		edit "$T/runc-spec$kind/runc.json" "$NORMALISE"
		edit "$T/runc-spec$kind/ward.json" "$NORMALISE"
		if diff -u "$T/runc-spec$kind/runc.json" "$T/runc-spec$kind/ward.json" >"$T/diff" 2>&1; then
			pass "spec $kind: runc spec $kind's document"
		else
			fail "spec $kind: runc spec $kind's document" "$(cat "$T/diff")"
		fi
	done
else
	skip "spec: runc spec's document" "runc is not installed"
	skip "spec --rootless: runc spec --rootless's document" "runc is not installed"
fi

# ---- --version, -v, features: runc's shape ---------------------------------------------

run_ward --version
assert_status "--version: exit 0" 0
assert_match "--version: version, commit, spec, libseccomp" \
	$'^ward version [^\n]+\ncommit: [^\n]+\nspec: 1\\.0\\.2\nlibseccomp: [0-9]+\\.[0-9]+\\.[0-9]+$' "$OUT"
version=$OUT
run_ward -v
assert_eq "-v: the same" "$version" "$OUT"
wo features
assert_status "features: exit 0" 0
printf '%s\n' "$OUT" >"$T/features.json"
assert_eq "features: libseccomp's version annotated" "$(sed -n 's/^libseccomp: //p' <<<"$version")" \
	"$(field 'j["annotations"]["io.github.seccomp.libseccomp.version"]')"
if [ -n "$RUNC" ]; then
	"$RUNC" features >"$T/runc-features.json" || bail_out "runc features failed"
	shape='
import json, sys
def shape(x):
    if isinstance(x, dict): return {k: shape(v) for k, v in x.items() if k != "annotations"}
    return type(x).__name__
print(json.dumps(shape(json.load(open(sys.argv[1]))), sort_keys=True))'
	assert_eq "features: runc's shape" "$(python3 -c "$shape" "$T/runc-features.json")" \
		"$(python3 -c "$shape" "$T/features.json")"
	assert_eq "--version: runc's lines but go" \
		"$("$RUNC" --version | grep -v '^go:' | sed 's/:.*//; s/ version.*//' | tr '\n' ' ')" \
		"$(sed 's/:.*//; s/ version.*//; s/^ward/runc/' <<<"$version" | tr '\n' ' ')"
else
	skip "features: runc's shape" "runc is not installed"
	skip "--version: runc's lines" "runc is not installed"
fi

# ---- run: runc's form (ID, the bundle in the current directory) and Docker's ----------

bundle "$T/here" '["/bin/sh", "-c", "echo in-$(hostname); exit 3"]'
wo_in "$T/here" run clihere1
assert_status "run ID, ./config.json: the OCI form, the container's status" 3
assert_eq "run ID, ./config.json: its output" "in-ward" "$OUT"
assert_eq "run ID: deleted after" "" "$(ls -A "$ROOT")"
wo_in "$T/here" run --pid-file "$T/here.pid" --no-new-keyring clihere2
assert_status "run OPTIONS ID: still the OCI form" 3
bundle "$T/here-d" '[h, "sleep", "30"]'
wo_in "$T/here-d" run -d clihere3
assert_status "run -d ID: exit 0" 0
wo state clihere3
assert_eq "run -d ID: created and started" running "$(field 'j["status"]')"
assert_eq "run -d ID: the bundle is the current directory" "$T/here-d" "$(field 'j["bundle"]')"
wo delete --force clihere3
wo_in "$T" run -b here clihere4
assert_status "run -b DIR ID: the OCI form" 3
# a directory is Docker's rootfs, even where ./config.json exists
wo_in "$T/here" run "$ROOTFS"
assert_status "run ROOTFS in a bundle: Docker's form (sh, stdin empty)" 0
assert_eq "run ROOTFS: no container recorded" "" "$(ls -A "$ROOT")"
wo_in "$T/here" run "$ROOTFS" /bin/sh -c 'echo docker'
assert_eq "run ROOTFS COMMAND in a bundle: Docker's form" "docker" "$OUT"
# no ./config.json: Docker's form, whose rootfs this is not
wo_in "$T" run clihere5
assert_status "run ID without ./config.json: Docker's form, 125" 125
assert_contains "run ID without ./config.json: Docker's message" "$ERR" "'clihere5'"
assert_nothing_left "run's forms: nothing left"

# ---- a foreground run with process.terminal and no --console-socket: ward's terminal -----

bundle "$T/tty" '["/bin/sh", "-c", "tty; echo out; exit 4"]' 'c["process"]["terminal"] = True'
wo_in "$T/tty" run clitty1
assert_status "run, terminal: the container's status" 4
assert_match "run, terminal: the container's stdio is a pty" $'^/dev/pts/[0-9]+\r?\nout' "$OUT"
assert_eq "run, terminal: nothing on stderr" "" "$ERR"
wo create --bundle "$T/tty" clitty2
assert_status "create, terminal, no --console-socket: still refused (1)" 1
assert_eq "create, terminal, no --console-socket: the message" \
	"ward: config.json: process.terminal is true: --console-socket is needed" "$ERR"
assert_nothing_left "run, terminal: nothing left"

# ---- nothing on stderr for runc's own spec -------------------------------------------------

if [ -n "$RUNC" ]; then
	mkdir -p "$T/runcb"
	(cd "$T/runcb" && "$RUNC" spec) || bail_out "runc spec failed"
	edit "$T/runcb/config.json" 'c["root"]["path"] = rootfs; c["process"]["args"] = ["/bin/true"]'
	wo_in "$T/runcb" run clirs1
	assert_status "runc spec's bundle: runs" 0
	assert_eq "runc spec's bundle (ambient, no inheritable): nothing on stderr" "" "$ERR"
	edit "$T/runcb/config.json" 'c["process"]["args"] = [h, "sleep", "30"]; c["process"]["terminal"] = False'
	wo run -d -b "$T/runcb" clirs2
	wo exec clirs2 /bin/true
	assert_status "runc spec's bundle: exec" 0
	assert_eq "runc spec's bundle: nothing on stderr for exec" "" "$ERR"
	wo delete --force clirs2
else
	skip "runc spec's bundle: nothing on stderr" "runc is not installed"
fi
assert_nothing_left "runc spec's bundle: nothing left"

# ---- exec: --additional-gids, --cgroup, --ignore-paused, --process from a pipe, its group -----

bundle "$T/ex" '[h, "sleep", "30"]'
# state right after create, a few times: never "creating" once create has returned
seen=""
for i in 1 2 3 4 5; do
	"$WARD" --root "$ROOT" create --bundle "$T/ex" clist$i >/dev/null 2>&1
	seen+="$("$WARD" --root "$ROOT" state clist$i 2>&1 | sed -n 's/.*"status": "\(.*\)".*/\1/p') "
	"$WARD" --root "$ROOT" delete --force clist$i >/dev/null 2>&1
done
assert_eq "state: created as soon as create returned, every time" "created created created created created " "$seen"
wo create --bundle "$T/ex" cliex1
wo state cliex1
assert_eq "state: created as soon as create returned" created "$(field 'j["status"]')"
assert_eq "state: created, with the init's pid" "True" "$(field 'j["pid"] > 0')"
wo start cliex1
wo exec --additional-gids 2000 -g 3000 cliex1 /bin/sh -c 'grep ^Groups /proc/self/status'
assert_status "exec --additional-gids: exit 0" 0
assert_match "exec --additional-gids, -g: the groups" $'^Groups:\t(0 )?2000 3000 ?$' "$OUT"
wo exec --additional-gids x cliex1 /bin/true
assert_status "exec --additional-gids x: 255" 255
assert_eq "exec --additional-gids x: the message" "ward: exec: --additional-gids 'x' is not a group id" "$ERR"
# the process group: its own (pgid = its pid), not the init's nor ward's
wo exec cliex1 /bin/sh -c 'echo $$ $(cut -d" " -f5 /proc/$$/stat)'
read -r pid pgid <<<"$OUT"
assert_eq "exec: a process group of its own" "$pid" "$pgid"
wo exec -t cliex1 /bin/sh -c 'echo $$ $(cut -d" " -f6 /proc/$$/stat)'
read -r pid sid <<<"${OUT//$'\r'/}"
assert_eq "exec -t: a session of its own" "$pid" "$sid"
# --process from a pipe and from /dev/fd/N, as engines pass it
proc='{"args": ["/bin/echo", "from-a-pipe"], "cwd": "/", "user": {"uid": 0, "gid": 0}}'
OUT=$(printf '%s' "$proc" | "$WARD" --root "$ROOT" exec --process /dev/stdin cliex1 2>&1)
assert_eq "exec --process /dev/stdin (a pipe)" "from-a-pipe" "$OUT"
OUT=$("$WARD" --root "$ROOT" exec --process /dev/fd/5 cliex1 5< <(printf '%s' "$proc") 2>&1)
assert_eq "exec --process /dev/fd/5 (a pipe)" "from-a-pipe" "$OUT"
mkfifo "$T/proc.fifo"
(timeout 10 sh -c 'printf "%s" "$1" >"$2"' sh "$proc" "$T/proc.fifo" &)
OUT=$(timeout 10 "$WARD" --root "$ROOT" exec --process "$T/proc.fifo" cliex1 2>&1)
assert_eq "exec --process FIFO" "from-a-pipe" "$OUT"
wo exec --process "$T/proc.fifo" cliex1
assert_eq "exec --process FIFO nobody writes: no hang, the message" \
	"ward: --process: nothing came from '$T/proc.fifo' in 5 s: Connection timed out" "$ERR"
# --cgroup: an existing sub-cgroup of the container's, in every hierarchy or one controller's
wo state cliex1
init=$(field 'j["pid"]')
subs=()
while IFS=: read -r _ ctrls path; do
	[[ "$path" == */ward-oci-cliex1 ]] || continue
	for mnt in "/sys/fs/cgroup/${ctrls#name=}" /sys/fs/cgroup/unified /sys/fs/cgroup; do
		if [ -n "$ctrls" ] && [ "$mnt" != "/sys/fs/cgroup/${ctrls#name=}" ]; then
			continue # a v1 hierarchy is at its own mount
		fi
		if [ -d "$mnt$path" ]; then
			mkdir -p "$mnt$path/sub" && subs+=("$mnt$path/sub")
			if [ -e "$mnt$path/cpuset.cpus" ]; then # v1: a new cpuset starts empty
				cp "$mnt$path/cpuset.cpus" "$mnt$path/sub/cpuset.cpus"
				cp "$mnt$path/cpuset.mems" "$mnt$path/sub/cpuset.mems"
			fi
			break
		fi
	done
done </proc/"$init"/cgroup
wo exec --cgroup sub cliex1 /bin/cat /proc/self/cgroup
assert_status "exec --cgroup sub: exit 0" 0
# in the container's cgroup namespace its own cgroup is /
if [ -d /sys/fs/cgroup/pids ] && [ -d /sys/fs/cgroup/memory ]; then # v1 or hybrid
	assert_match "exec --cgroup sub: in the sub-cgroup (pids)" $'(^|\n)[0-9]+:pids:/sub(\n|$)' "$OUT"
	assert_match "exec --cgroup sub: in the sub-cgroup (memory)" $'(^|\n)[0-9]+:memory:/sub(\n|$)' "$OUT"
	wo exec --cgroup pids:sub cliex1 /bin/cat /proc/self/cgroup
	assert_match "exec --cgroup pids:sub: the pids one" $'(^|\n)[0-9]+:pids:/sub(\n|$)' "$OUT"
	assert_match "exec --cgroup pids:sub: not the memory one" $'(^|\n)[0-9]+:memory:/(\n|$)' "$OUT"
else
	assert_match "exec --cgroup sub: in the sub-cgroup (cgroup v2)" $'(^|\n)0::/sub(\n|$)' "$OUT"
	wo exec --cgroup pids:sub cliex1 /bin/cat /proc/self/cgroup
	assert_match "exec --cgroup pids:sub: cgroup v2's" $'(^|\n)0::/sub(\n|$)' "$OUT"
fi
wo exec --cgroup nope cliex1 /bin/true
assert_status "exec --cgroup of a missing cgroup: 255" 255
assert_match "exec --cgroup of a missing cgroup: the message" "^ward: exec: --cgroup: cannot use '.*/nope': No such file or directory" "$ERR"
wo exec --cgroup ../x cliex1 /bin/true
assert_eq "exec --cgroup ../x: refused" "ward: exec: --cgroup '../x': not a path below the container's" "$ERR"
wo exec --cgroup bogus:sub cliex1 /bin/true
assert_eq "exec --cgroup bogus:sub: refused" "ward: exec: --cgroup: unknown controller 'bogus'" "$ERR"
for d in "${subs[@]}"; do rmdir "$d"; done
# --ignore-paused
wo pause cliex1
if [ "$STATUS" -eq 0 ]; then
	wo exec cliex1 /bin/true
	assert_status "exec in a paused container: 255" 255
	assert_eq "exec in a paused container: the message" "ward: cannot exec in container 'cliex1': it is paused" "$ERR"
	# as runc's: it goes in frozen, and runs once the container is resumed
	start_ward --root "$ROOT" exec -d --ignore-paused cliex1 "$H" sleep 5
	sleep 1
	wo resume cliex1
	wait_bg 20
	assert_status "exec -d --ignore-paused: done once resumed, exit 0" 0
else
	skip "exec --ignore-paused" "ward pause: $ERR"
fi
wo delete --force cliex1
assert_nothing_left "exec: nothing left"

# ---- update: any controller, each flag alone or together ------------------------------------

# knob FILE...: the first FILE of the container's cgroup (its own /sys/fs/cgroup) it has
knob() {
	wo exec cliup1 /bin/sh -c 'for f; do [ -e "$f" ] && exec cat "$f"; done; echo none' sh "$@"
	echo "$OUT"
}
if [ "$(stat -fc %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ]; then
	V2=yes cpu=/sys/fs/cgroup/cpu.max mem=/sys/fs/cgroup/memory.max low=/sys/fs/cgroup/memory.low
	mems=/sys/fs/cgroup/cpuset.mems
else
	V2=no cpu=/sys/fs/cgroup/cpu/cpu.cfs_period_us mem=/sys/fs/cgroup/memory/memory.limit_in_bytes
	low=/sys/fs/cgroup/memory/memory.soft_limit_in_bytes mems=/sys/fs/cgroup/cpuset/cpuset.mems
fi
quota() {
	if [ "$V2" = yes ]; then knob "$cpu"; else echo "$(knob /sys/fs/cgroup/cpu/cpu.cfs_quota_us) $(knob "$cpu")"; fi
}
# created with no limit at all: update adds each controller's
bundle "$T/up" '[h, "sleep", "30"]'
wo run -d -b "$T/up" cliup1
wo update --memory 100m cliup1
assert_status "update --memory, created without a limit: exit 0" 0
assert_eq "update --memory: the limit" 104857600 "$(knob "$mem")"
wo update --cpu-quota 20000 cliup1
assert_status "update --cpu-quota alone: exit 0" 0
assert_eq "update --cpu-quota alone: the default period kept" "20000 100000" "$(quota)"
wo update --cpu-period 50000 cliup1
assert_status "update --cpu-period alone: exit 0" 0
assert_eq "update --cpu-period alone: the quota kept" "20000 50000" "$(quota)"
wo update --cpu-period 200000 --cpu-quota 300000 cliup1
assert_status "update --cpu-period --cpu-quota: exit 0" 0
assert_eq "update --cpu-period --cpu-quota: both" "300000 200000" "$(quota)"
wo update --memory-reservation 64m cliup1
assert_status "update --memory-reservation: exit 0" 0
assert_eq "update --memory-reservation: the limit" 67108864 "$(knob "$low")"
wo update --cpuset-mems 0 cliup1 # node 0 is always there
assert_status "update --cpuset-mems: exit 0" 0
assert_eq "update --cpuset-mems: the nodes" 0 "$(knob "$mems")"
wo update --memory 200m --memory-reservation 100m --cpu-quota 50000 --cpu-period 100000 \
	--cpuset-mems 0 --pids-limit 40 cliup1
assert_status "update with every flag together: exit 0" 0
assert_eq "update together: memory, reservation, cpu" "209715200 104857600 50000 100000" \
	"$(knob "$mem") $(knob "$low") $(quota)"
wo update --blkio-weight 300 cliup1
if [ "$STATUS" -eq 0 ]; then
	pass "update --blkio-weight: applied"
else
	# no BFQ (no blkio.weight or io.weight knob) or no blkio cgroup for the container: as runc,
	# an error naming the flag
	assert_match "update --blkio-weight: an error naming the flag" "^ward: cannot apply --blkio-weight: " "$ERR"
fi
# -r's file: the same knobs through the flags' code path, read back
WARD_STDIN='{"memory": {"reservation": 50331648}, "cpu": {"mems": "0"}}' wo update -r - cliup1
assert_status "update -r - with memory.reservation and cpu.mems: exit 0" 0
assert_eq "update -r: memory.reservation and cpu.mems" "50331648 0" "$(knob "$low") $(knob "$mems")"
echo '{"memory": {"reservation": 41943040}}' >"$T/res.json"
wo update -r "$T/res.json" cliup1
assert_eq "update -r FILE: memory.reservation" 41943040 "$(knob "$low")"
WARD_STDIN='{"blockIO": {"weight": 300}}' wo update -r - cliup1
if [ "$STATUS" -eq 0 ]; then
	assert_match "update -r blockIO.weight: applied" "(^| )300$" \
		"$(knob /sys/fs/cgroup/io.bfq.weight /sys/fs/cgroup/blkio/blkio.bfq.weight /sys/fs/cgroup/blkio/blkio.weight)"
else
	assert_match "update -r blockIO.weight: an error naming the field" "^ward: cannot apply blockIO.weight: " "$ERR"
fi
WARD_STDIN='{"blockIO": {"weight": 5}}' wo update -r - cliup1
assert_eq "update -r blockIO.weight 5: refused" "ward: update -r: blockIO.weight: must be 10 to 1000" "$ERR"
wo update --blkio-weight 5 cliup1
assert_eq "update --blkio-weight 5: refused" "ward: update: invalid value '5'" "$ERR"
wo update --cpuset-mems x cliup1
assert_eq "update --cpuset-mems x: refused" "ward: update: invalid value 'x'" "$ERR"
wo delete --force cliup1
assert_nothing_left "update: nothing left"

# ---- runc's flags and verbs ward refuses, each with a message (docs/runc-cli.md) -----------

wo checkpoint clix1
assert_status "checkpoint: 1" 1
assert_eq "checkpoint: the message" "ward: checkpoint: not supported: checkpoint and restore need CRIU, which ward does not drive" "$ERR"
wo restore clix1
assert_eq "restore: the message" "ward: restore: not supported: checkpoint and restore need CRIU, which ward does not drive" "$ERR"
wo events clix1
assert_eq "events: the message" "ward: events: not supported: ward keeps no event stream; read the container's cgroup files" "$ERR"
wo update --cpu-rt-runtime 1000 clix1
assert_eq "update --cpu-rt-runtime: the message" "ward: update: --cpu-rt-runtime: ward sets no realtime CPU limit" "$ERR"
# --l3-cache-schema/--mem-bw-schema: the container's resctrl group (linux.intelRdt)
make_bundle "$T/rdtu" '["/bin/sleep", "30"]'
wo create --bundle "$T/rdtu" rdtu
wo update --l3-cache-schema L3:0=f rdtu
assert_status "update --l3-cache-schema: exit 1" 1
if [ -d /sys/fs/resctrl/info ]; then
	assert_eq "update --l3-cache-schema: the message" "ward: update: --l3-cache-schema: the container has no resctrl group (its config has no linux.intelRdt)" "$ERR"
else
	assert_eq "update --l3-cache-schema: the message" "ward: update: --l3-cache-schema: the host has no resctrl filesystem mounted at /sys/fs/resctrl" "$ERR"
fi
wo delete -f rdtu
wo update --cpu-share 512 clix1
assert_eq "update --cpu-share (runc's spelling): taken" "ward: container 'clix1' does not exist" "$ERR"
run_ward --root "$ROOT" --criu /usr/sbin/criu --debug list -q
assert_status "--criu, --debug: accepted" 0

finish
