#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ward compare on a real container: the probe's results agree with the compiled
# filter's verdicts (every call seccomp denies got exactly the profile's errno or
# signal; every call it allows behaved as in the unconfined run), under the default
# profile, with CAP_SYS_ADMIN, and with a custom profile; the table and the JSON
# say the same; nothing is left behind.
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

need_root
setup_rootfs
snapshot_state
tmp=""
new_tmpdir tmp
export WARD_CACHE_DIR="$tmp/cache"

# agree DESC: check the JSON in $OUT; prints what disagrees
agree() {
	local why
	if why=$(python3 - "$OUT" <<'PY'
import json, re, sys
d = json.loads(sys.argv[1])
bad = []
for c in d["calls"]:
    a, b, cause = c["a"], c["b"], c["cause_a"]
    if cause.startswith("seccomp"):
        m = re.match(r"seccomp, errno (\d+) \((\w+)\)", cause)
        if m:
            if a != "errno %s %s" % m.groups():
                bad.append("%s: filter says errno %s, probe got %s" % (c["call"], m.group(1), a))
        elif "kill" in cause or "trap" in cause:
            if not a.startswith("signal"):
                bad.append("%s: filter kills, probe got %s" % (c["call"], a))
        else:
            bad.append("%s: unexpected cause %s" % (c["call"], cause))
    elif a != b:
        bad.append("%s: allowed by the filter but %s != %s unconfined" % (c["call"], a, b))
if not d["calls"]:
    bad.append("no calls")
print("; ".join(bad))
sys.exit(1 if bad else 0)
PY
	); then
		pass "$1"
	else
		fail "$1" "$why"
	fi
}

# result CALL: the A/B results of one call in the JSON in $OUT
result() {
	python3 -c 'import json,sys; d=json.loads(sys.argv[1]); c=[c for c in d["calls"] if c["call"]==sys.argv[2]][0]; print(c["a"], "|", c["b"], "|", c["cause_a"].split(":")[0], "|", c["cause_b"].split(":")[0])' "$OUT" "$1"
}

run_ward compare --json "$ROOTFS"
assert_status "compare --json: exit 0" 0
agree "default profile: the probe agrees with the filter on every call"
for call in mount unshare keyctl kexec_load reboot bpf; do
	r=$(result "$call")
	# (unconfined, reboot still gets EPERM: from the kernel, for want of CAP_SYS_BOOT)
	assert_match "default: $call is blocked by seccomp, reaches the kernel unconfined" \
		"^errno 1 EPERM \| (errno [0-9]+ [A-Z]+|ok) \| seccomp, errno 1 \(EPERM\) \| the kernel$" "$r"
done
r=$(result clone3)
assert_match "default: clone3 gets ENOSYS from seccomp" "^errno 38 ENOSYS \| errno 22 EINVAL \| seccomp" "$r"
r=$(result getpid)
assert_match "default: getpid is the same in both" "^ok \| ok \| the kernel \| the kernel$" "$r"

json=$OUT
run_ward compare "$ROOTFS"
assert_status "compare (table): exit 0" 0
differ=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(sum(c["differs"] for c in d["calls"]), len(d["calls"]))' "$json")
assert_line "the table counts the same differences as the JSON" \
	"$(awk '{print $1 " of " $2 " calls differ (--all shows the rest)"}' <<<"$differ")" "$OUT"
long=$(awk 'length > 80' <<<"$OUT")
assert_eq "the table fits an 80-column terminal" "" "$long"

run_ward compare --json --cap-add SYS_ADMIN "$ROOTFS"
agree "+SYS_ADMIN: the probe agrees with the filter on every call"
r=$(result mount)
assert_match "+SYS_ADMIN: mount reaches the kernel in both" "^errno 14 EFAULT \| errno 14 EFAULT \| the kernel \| the kernel$" "$r"

cat >"$tmp/custom.json" <<'JSON'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["keyctl"], "action": "SCMP_ACT_ERRNO", "errnoRet": 42},
              {"names": ["kcmp"], "action": "SCMP_ACT_KILL_PROCESS"}]}
JSON
run_ward compare --json --security-opt "seccomp=$tmp/custom.json" "$ROOTFS"
assert_status "custom profile: exit 0" 0
agree "custom profile: the probe agrees with the filter on every call"
r=$(result keyctl)
assert_match "custom profile: keyctl gets errno 42" "^errno 42 ENOMSG \|" "$r"
r=$(result kcmp)
assert_match "custom profile: kcmp is killed (SIGSYS)" "^signal 31 \|" "$r"
r=$(result mount)
assert_match "custom profile: mount is allowed" "^errno 14 EFAULT \| errno 14 EFAULT \| the kernel \| the kernel$" "$r"

# a non-root container user, with no_new_privs: the probe runs as uid 1000
run_ward compare --json -u 1000 --security-opt no-new-privileges "$ROOTFS"
assert_status "uid 1000: exit 0" 0
agree "uid 1000: the probe agrees with the filter on every call"
uid=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print([p["a"] for p in d["process"] if p["key"]=="id uid"][0])' "$OUT")
assert_eq "uid 1000: the probe ran as uid 1000" 1000 "$uid"

# two filtered configurations: --against
run_ward compare --json --against "seccomp=$tmp/custom.json" "$ROOTFS"
assert_status "--against a profile: exit 0" 0
r=$(result keyctl)
assert_match "--against: keyctl EPERM under A, errno 42 under B" "^errno 1 EPERM \| errno 42 ENOMSG \|" "$r"

# the user's command: statuses and what seccomp denied it
run_ward compare "$ROOTFS" /bin/sh -c "$H syscall mount >/dev/null; $H syscall mount >/dev/null; exit 3"
assert_contains "command: both exit statuses" "$OUT" "exit status: A 3, B 3"
assert_contains "command: what seccomp denied under A" "$OUT" "A: seccomp denied mount 2 times (EPERM)"
assert_contains "command: B has no filter" "$OUT" "B: no seccomp filter"

run_ward compare --bogus "$ROOTFS"
assert_status "compare: a bad option is 125" 125
assert_eq "compare: a bad option names itself" "ward: compare: unknown option '--bogus'" "$ERR"
run_ward compare --security-opt seccomp=/nonexistent.json "$ROOTFS"
assert_status "compare: a missing profile is 125" 125
assert_eq "compare: a missing profile's message" \
	"ward: cannot read seccomp profile '/nonexistent.json': No such file or directory" "$ERR"

assert_nothing_left "nothing left behind (processes, mounts, cgroups)"
finish
