#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Hostile input (issue 13): hundreds of bad profiles, config.json files and command
# lines, generated (hostile_gen.py). For each one ward must, within a few seconds,
# print one line on stderr that starts with "ward: " and names the input, print
# nothing on stdout, exit with the status of its verb (ward run ROOTFS: 125;
# seccomp check: 1; the OCI verbs: what they exit today, 1 to 125, or 255 for
# exec, tallied at the end for the exit-status rule), and leave nothing:
# no state directory under --root, no cgroup of the container's name, no cache
# file, and (checked after each group) no process or mount.
#
# WARD_HOSTILE_OCI_STATUS: when set, the one status every OCI verb must exit with.
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

need_root
setup_rootfs
new_tmpdir T
ROOT=$T/state
export WARD_CACHE_DIR=$T/cache
mkdir -p "$ROOT" "$WARD_CACHE_DIR" "$T/empty"
STEP_TIMEOUT=${WARD_HOSTILE_TIMEOUT:-10}
snapshot_state

# ward's own cgroups: a container's is made beneath them
CG_PARENTS=()
while IFS=: read -r _ ctrls path; do
	if [ -z "$ctrls" ]; then
		d=/sys/fs/cgroup$path
		[ -d /sys/fs/cgroup/unified ] && d=/sys/fs/cgroup/unified$path
	else
		d=/sys/fs/cgroup/${ctrls#name=}$path
	fi
	[ -d "$d" ] && CG_PARENTS+=("${d%/}")
done </proc/self/cgroup

declare -A SEEN_STATUS=()
FAILED=0

# The checks of one case; records the first that fails.
_problem=""
problem() {
	[ -n "$_problem" ] || _problem=$1
}

# leftovers ID: a state directory or a cgroup named for container ID
leftovers() {
	local id=$1 d
	[ -n "$id" ] || return 0
	[ ! -e "$ROOT/$id" ] || problem "state directory $ROOT/$id left"
	for d in "${CG_PARENTS[@]}"; do
		compgen -G "$d/ward-*$id" >/dev/null && problem "cgroup $(compgen -G "$d/ward-*$id") left"
	done
	if compgen -G "$WARD_CACHE_DIR/*" >/dev/null; then
		problem "cache files left: $(ls -A "$WARD_CACHE_DIR" | head -3 | tr '\n' ' ')"
		rm -rf "${WARD_CACHE_DIR:?}"/*
	fi
}

# hostile DESC EXPECTED_STATUS NEEDLE ID WARD_ARGS...: one bad input. EXPECTED_STATUS
# "oci" means an OCI verb's status (tallied); NEEDLE must appear in the message; ID
# (maybe empty) is the container name to look for leftovers of.
hostile() {
	local desc=$1 want=$2 needle=$3 id=$4 verb
	shift 4
	_problem=""
	[ "${#desc}" -le 160 ] || desc="${desc:0:150}..."
	WARD_TIMEOUT=$STEP_TIMEOUT run_ward "$@"
	verb=$1
	[ "$verb" != --root ] || verb=$3
	[ "$verb" != seccomp ] || verb="seccomp ${2:-}"
	[ "$verb" != run ] || [ "$want" != oci ] || verb="run --bundle"
	[ "$STATUS" -ne 124 ] && [ "$STATUS" -ne 137 ] || problem "timed out (${STEP_TIMEOUT}s)"
	if [ "$want" = oci ]; then
		SEEN_STATUS[$verb]="${SEEN_STATUS[$verb]:-} $STATUS"
		if [ -n "${WARD_HOSTILE_OCI_STATUS:-}" ]; then
			[ "$STATUS" = "$WARD_HOSTILE_OCI_STATUS" ] ||
				problem "exit $STATUS, not $WARD_HOSTILE_OCI_STATUS"
		elif [ "$verb" = exec ] && [ "$STATUS" -eq 255 ]; then
			: # runc's status for a failed exec (include/ward/error.h)
		elif [ "$STATUS" -eq 0 ] || [ "$STATUS" -gt 125 ]; then
			problem "exit $STATUS (not a failure of ward's own)"
		fi
	else
		SEEN_STATUS[$verb]="${SEEN_STATUS[$verb]:-} $STATUS"
		[ "$STATUS" = "$want" ] || problem "exit $STATUS, not $want"
	fi
	[ -n "$ERR" ] || problem "nothing on stderr"
	[ "$(wc -l <<<"$ERR")" -eq 1 ] || problem "more than one line on stderr"
	[[ $ERR == "ward: "* ]] || problem "stderr does not start with 'ward: '"
	[[ $ERR == *"$needle"* ]] || problem "the message does not mention '$needle'"
	[ -z "$OUT" ] || problem "output on stdout"
	leftovers "$id"
	if [ -z "$_problem" ]; then
		pass "$desc"
	else
		FAILED=$((FAILED + 1))
		fail "$desc: $_problem" "$(_last_run)"
	fi
}

python3 "$WARD_SOURCE_DIR/tests/integration/hostile_gen.py" "$T/gen" \
	"$WARD_SOURCE_DIR/tests/data/oci/valid/minimal.json" "$ROOTFS" ||
	bail_out "hostile_gen.py failed"

# the inputs the bad ones are made from are good: each bad one fails for its change
run_ward seccomp check "$T/gen/valid-profile.json"
assert_status "the base profile passes seccomp check" 0
run_ward --root "$ROOT" run -b "$T/gen/valid-config" base
assert_status "the base config runs" 0
rm -rf "${WARD_CACHE_DIR:?}"/* # its filter, rightly cached
_problem=""
leftovers base
[ -z "$_problem" ] && pass "the base config leaves nothing" || fail "the base config: $_problem"

# ---- files that are not files --------------------------------------------------------

S=$T/special
mkdir -p "$S/dir" "$S/dir.json"
mkfifo "$S/fifo"
ln -s loop "$S/loop"
ln -s /dev/zero "$S/zero-link"
ln -s nonexistent "$S/dangling"
head -c $(((4 << 20) + 1)) /dev/zero | tr '\0' ' ' >"$S/huge"
SPECIAL=("$S/fifo" /dev/zero "$S/zero-link" /dev/null "$S/dir" "$S/loop" "$S/dangling" "$S/huge"
	/proc/self/mem /dev/stdin)

for f in "${SPECIAL[@]}"; do
	hostile "seccomp check $f" 1 "$f" "" seccomp check "$f"
	hostile "run --security-opt seccomp=$f" 125 "$f" "" \
		run --security-opt "seccomp=$f" "$ROOTFS" "$H" true
done

# config.json as each of them, in a bundle of its own
i=0
for f in "${SPECIAL[@]}"; do
	i=$((i + 1))
	b=$T/sb$i
	mkdir -p "$b"
	ln -s "$ROOTFS" "$b/rootfs"
	if [ "$f" = "$S/dir" ]; then
		mkdir "$b/config.json"
	else
		ln -s "$f" "$b/config.json"
	fi
	[ "$f" = "$S/fifo" ] && rm "$b/config.json" && mkfifo "$b/config.json"
	hostile "run -b (config.json: $f)" oci config.json hs$i --root "$ROOT" run -b "$b" hs$i
	hostile "create -b (config.json: $f)" oci config.json hc$i --root "$ROOT" create -b "$b" hc$i
done
assert_nothing_left "special files: nothing left"

# ---- profiles -------------------------------------------------------------------------

n=0
while IFS=$'\t' read -r name needle; do
	n=$((n + 1))
	f=$T/gen/profiles/$name.json
	hostile "profile $name: seccomp check" 1 "$needle" "" seccomp check "$f"
	# a sample through ward run and through a bundle's linux.seccomp: the same engine
	if [ $((n % 4)) -eq 0 ] || [[ $name == doc-* ]]; then
		hostile "profile $name: run --security-opt" 125 "$f" "" \
			run --security-opt "seccomp=$f" "$ROOTFS" "$H" true
	fi
done <"$T/gen/profiles.tsv"
assert_nothing_left "profiles: nothing left"

# ---- config.json ------------------------------------------------------------------------

n=0
while IFS=$'\t' read -r name needle; do
	n=$((n + 1))
	b=$T/gen/configs/$name
	hostile "config $name: run -b" oci "$needle" hr$n --root "$ROOT" run -b "$b" hr$n
	if [ $((n % 5)) -eq 0 ] || [[ $name == mount-* ]] || [[ $name == doc-* ]]; then
		hostile "config $name: create -b" oci "$needle" hk$n --root "$ROOT" create -b "$b" hk$n
	fi
done <"$T/gen/configs.tsv"
assert_nothing_left "configs: nothing left"

# ---- command lines ------------------------------------------------------------------------

long=$(printf 'x%.0s' $(seq 1 100000))
mkdir -p "$T/src"
while IFS='|' read -r needle args; do
	[ -n "$needle" ] || continue
	eval "set -- $args"
	hostile "run $args" 125 "$needle" "" run "$@"
done <<EOF
--bogus|--bogus "$ROOTFS" "$H" true
-Z|-Z "$ROOTFS" "$H" true
--cap-add|--cap-add
NOPE|--cap-add NOPE "$ROOTFS" "$H" true
CAP_|--cap-add CAP_ "$ROOTFS" "$H" true
--cap-drop|--cap-drop
/proc|-v "$T/src:/proc" "$ROOTFS" "$H" true
/proc/|-v "$T/src:/proc/" "$ROOTFS" "$H" true
//proc|-v "$T/src://proc" "$ROOTFS" "$H" true
/./proc|-v "$T/src:/./proc:ro" "$ROOTFS" "$H" true
/x/../proc|-v "$T/src:/x/../proc" "$ROOTFS" "$H" true
/proc/sys|-v "$T/src:/proc/sys" "$ROOTFS" "$H" true
/proc/self|-v "$T/src:/proc/self" "$ROOTFS" "$H" true
/sys|-v "$T/src:/sys" "$ROOTFS" "$H" true
/sys/|-v "$T/src:/sys/" "$ROOTFS" "$H" true
nocolon|-v nocolon "$ROOTFS" "$H" true
:/x|-v :/x "$ROOTFS" "$H" true
/..|-v "$T/src:/.." "$ROOTFS" "$H" true
//|-v "$T/src://" "$ROOTFS" "$H" true
bogus|-v "$T/src:/x:bogus" "$ROOTFS" "$H" true
/nonexistent|-v /nonexistent:/x "$ROOTFS" "$H" true
/proc|--tmpfs /proc "$ROOTFS" "$H" true
/proc/acpi|--tmpfs /proc/acpi "$ROOTFS" "$H" true
relative|--tmpfs relative "$ROOTFS" "$H" true
bogus|--tmpfs /t:bogus "$ROOTFS" "$H" true
1x|-m 1x "$ROOTFS" "$H" true
-5|--memory -5 "$ROOTFS" "$H" true
99999999999999999999g|-m 99999999999999999999g "$ROOTFS" "$H" true
abc|--pids-limit abc "$ROOTFS" "$H" true
-1|--cpus -1 "$ROOTFS" "$H" true
1e999|--cpus 1e999 "$ROOTFS" "$H" true
nan|--cpus nan "$ROOTFS" "$H" true
x|--cpuset-cpus x "$ROOTFS" "$H" true
bogus|--memory-swap bogus "$ROOTFS" "$H" true
99999999999|-u 99999999999 "$ROOTFS" "$H" true
a:b:c|-u a:b:c "$ROOTFS" "$H" true
nosuchuser|-u nosuchuser "$ROOTFS" "$H" true
=x|-e =x "$ROOTFS" "$H" true
rel|-w rel "$ROOTFS" "$H" true
bridge|--network bridge "$ROOTFS" "$H" true
bogus|--security-opt bogus "$ROOTFS" "$H" true
seccomp=|--security-opt seccomp= "$ROOTFS" "$H" true
/nonexistent|--security-opt seccomp=/nonexistent "$ROOTFS" "$H" true
$T/src|--security-opt seccomp=$T/src "$ROOTFS" "$H" true
/nope|/nope "$H" true
/etc/passwd|/etc/passwd "$H" true
xxxxxxxxxxxxxxxx|-e "A=1" "/$long" "$H" true
xxxxxxxxxxxxxxxx|--cap-add "$long" "$ROOTFS" "$H" true
rootfs|
EOF
# a newline and an escape in an argument: still one line
hostile "run: a newline in an option's value" 125 "FOO" "" run --cap-add $'FOO\nBAR\033[2J' "$ROOTFS" "$H" true
hostile "run: a newline in -v" 125 "invalid volume" "" run -v $'a\nb' "$ROOTFS" "$H" true

# the checks again where the destination resolves in the rootfs: a symlink to /proc
# or /sys in the image must not lead a volume there (refused in the container's set-up)
fresh_rootfs R2
ln -s /proc "$R2/myproc"
ln -s ../sys "$R2/mysys"
ln -s /proc/self "$R2/myself"
hostile "run -v onto a symlink to /proc" 125 "/myproc" "" run -v "$T/src:/myproc" "$R2" "$H" true
hostile "run -v onto a symlink to /sys" 125 "/mysys" "" run -v "$T/src:/mysys" "$R2" "$H" true
hostile "run --tmpfs onto a symlink into /proc" 125 "/myself" "" run --tmpfs /myself "$R2" "$H" true
WARD_TIMEOUT=$STEP_TIMEOUT run_ward run -v /proc/meminfo:/proc/meminfo -v "$T/src:/mnt" "$R2" "$H" true
assert_status "lxcfs's way (a file on /proc/meminfo) and a plain volume still work" 0
rm -rf "${WARD_CACHE_DIR:?}"/* # its filter, rightly cached

B=$T/bundle
mkdir -p "$B"
python3 - "$WARD_SOURCE_DIR/tests/data/oci/valid/minimal.json" "$ROOTFS" "$B/config.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["root"]["path"] = sys.argv[2]
c["root"]["readonly"] = True
c["process"]["args"] = ["/usr/bin/ward-testhelper", "sleep", "60"]
c["process"]["terminal"] = False
json.dump(c, open(sys.argv[3], "w"))
EOF
for verb in run create; do
	while IFS='|' read -r needle id args; do
		[ -n "$needle" ] || continue
		eval "set -- $args"
		hostile "$verb $args" oci "$needle" "$id" --root "$ROOT" "$verb" "$@"
	done <<EOF
/nonexistent|x1|-b /nonexistent x1
/etc/passwd|x2|-b /etc/passwd x2
--bogus|x3|--bogus -b "$B" x3
../x|../x|-b "$B" ../x
a/b||-b "$B" a/b
-x||-b "$B" -- -x
xxxxxxxxxxxxxxxx||-b "$B" $long
.||-b "$B" .
/nonexistent|x4|-b "$B" --pid-file /nonexistent/dir/pid x4
--console-socket|x5|-b "$B" --console-socket /nonexistent/sock x5
/nonexistent|x6|-b "$B" --config /nonexistent x6
$S/fifo|x7|-b "$B" --config $S/fifo x7
--preserve-fds|x8|-b "$B" --preserve-fds abc x8
EOF
done

# exec, against a running container of this test
run_ward --root "$ROOT" create -b "$B" live
[ "$STATUS" -ne 0 ] || run_ward --root "$ROOT" start live
if [ "$STATUS" -ne 0 ]; then
	fail "a container to exec into (create, start)" "$(_last_run)"
else
	printf '{"args":["/bin/tr\\u0000ue"],"cwd":"/","user":{"uid":0,"gid":0}}' >"$T/proc-nul.json"
	printf '{"args":[],"cwd":"/"}' >"$T/proc-empty.json"
	printf '{"args":["/bin/true"],"cwd":"/","x":%s1%s}' "$(printf '[%.0s' $(seq 100))" \
		"$(printf ']%.0s' $(seq 100))" >"$T/proc-deep.json"
	while IFS='|' read -r needle args; do
		[ -n "$needle" ] || continue
		eval "set -- $args"
		hostile "exec $args" oci "$needle" "" --root "$ROOT" exec "$@"
	done <<EOF
nosuch|nosuch true
../x|../x true
no command|live
--bogus|--bogus live true
--process|live --process
$S/fifo|--process $S/fifo live
/dev/zero|--process /dev/zero live
$S/dir|--process $S/dir live
$S/loop|--process $S/loop live
$T/proc-nul.json|--process $T/proc-nul.json live
args[0]|--process $T/proc-nul.json live
$T/proc-empty.json|--process $T/proc-empty.json live
nested deeper|--process $T/proc-deep.json live
NOPE|--cap NOPE live true
a:b:c|-u a:b:c live true
rel|--cwd rel live true
=x|-e =x live true
EOF
	run_ward --root "$ROOT" delete -f live
	assert_status "the exec target deleted" 0
fi
_problem=""
leftovers live
[ -z "$_problem" ] || fail "exec target: $_problem"

# seccomp's own command line
hostile "seccomp check, a missing file" 1 "/nonexistent" "" seccomp check /nonexistent
hostile "seccomp bogus" 1 "bogus" "" seccomp bogus

assert_nothing_left "command lines: nothing left"
[ -z "$(ls -A "$ROOT")" ] && pass "--root is empty at the end" ||
	fail "--root is empty at the end" "$(ls -A "$ROOT")"

# the statuses seen, for the exit-status rule
for verb in "${!SEEN_STATUS[@]}"; do
	diag "exit statuses of '$verb': $(tr ' ' '\n' <<<"${SEEN_STATUS[$verb]}" | sed '/^$/d' | sort -n | uniq -c | awk '{printf "%s x%s, ", $2, $1}')"
done
diag "$FAILED hostile cases failed"
finish
