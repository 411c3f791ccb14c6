#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# -u/--user (numeric, names from the rootfs's /etc/passwd and /etc/group), the
# environment Docker sets (PATH, HOSTNAME, HOME), -e/--env, and -w/--workdir.
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

need_root
setup_rootfs
snapshot_state

DEFPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# env_of NAME: the value of NAME in the last run's `env` output ("<unset>" if absent)
env_of() {
	awk -v k="$1" 'index($0, k "=") == 1 { print substr($0, length(k) + 2); f = 1 }
		END { if (!f) print "<unset>" }' <<<"$OUT"
}
# groups_of: the groups= list of the last `id` output, one per line, sorted
groups_of() { sed -n 's/.*groups=//p' <<<"$OUT" | tr ',' '\n' | LC_ALL=C sort -n; }

# --- users -----------------------------------------------------------------------------
run_in "$ROOTFS" "$H" id
assert_status "default user: exit 0" 0
assert_match "default user is root" '^uid=0 gid=0 ' "$OUT"

run_in -u 1000:1000 "$ROOTFS" "$H" id
assert_status "-u 1000:1000: exit 0" 0
assert_match "-u 1000:1000" '^uid=1000 gid=1000 ' "$OUT"

run_in --user 1000 "$ROOTFS" "$H" id
assert_match "--user 1000: gid from /etc/passwd" '^uid=1000 gid=1000 ' "$OUT"

run_in -u app "$ROOTFS" "$H" id
assert_status "-u app: exit 0" 0
assert_match "-u app resolves to 1000:1000" '^uid=1000 gid=1000 ' "$OUT"
assert_line "-u app has supplementary group 2000 (extra)" 2000 "$(groups_of)"

run_in -u app:extra "$ROOTFS" "$H" id
assert_match "-u app:extra: group by name" '^uid=1000 gid=2000 ' "$OUT"

run_in -u 1000:2000 "$ROOTFS" "$H" id
assert_match "-u 1000:2000" '^uid=1000 gid=2000 ' "$OUT"

run_in -u 4242 "$ROOTFS" "$H" id
assert_status "-u 4242 (not in passwd): exit 0" 0
assert_match "-u 4242 (not in passwd): gid 0, as Docker" '^uid=4242 gid=0 ' "$OUT"

run_in -u 4242:4343 "$ROOTFS" "$H" id
assert_match "-u 4242:4343 (neither in the files)" '^uid=4242 gid=4343 ' "$OUT"

run_in -u 0 "$ROOTFS" "$H" id
assert_match "-u 0" '^uid=0 gid=0 ' "$OUT"

run_in -u root "$ROOTFS" "$H" id
assert_match "-u root" '^uid=0 gid=0 ' "$OUT"
assert_eq "-u root: no supplementary groups but root's" "" "$(groups_of | grep -vx 0)"

run_in -u nobody "$ROOTFS" "$H" id
assert_match "-u nobody" '^uid=65534 gid=65534 ' "$OUT"

run_in -u app "$ROOTFS" "$H" write /root/x x
assert_eq "-u app cannot write root's home" "Permission denied" "$OUT"

# --- environment -----------------------------------------------------------------------
run_in "$ROOTFS" "$H" env
assert_status "env: exit 0" 0
assert_eq "default PATH" "$DEFPATH" "$(env_of PATH)"
assert_eq "HOME for root" "/root" "$(env_of HOME)"
hn=$(env_of HOSTNAME)
assert_match "HOSTNAME is set to the generated hostname" '^[0-9a-f]{12}$' "$hn"

# shellcheck disable=SC2016 # expanded inside the container
run_in "$ROOTFS" /bin/sh -c 'echo "$HOSTNAME $(hostname)"'
read -r a b <<<"$OUT"
assert_eq "HOSTNAME matches the hostname" "$b" "$a"

run_in -h envhost "$ROOTFS" "$H" env
assert_eq "HOSTNAME follows --hostname" "envhost" "$(env_of HOSTNAME)"

WARD_IT_SECRET=leak run_in "$ROOTFS" "$H" env
assert_eq "the host's environment does not leak in" "<unset>" "$(env_of WARD_IT_SECRET)"
assert_eq "nor does the host's PATH" "$DEFPATH" "$(env_of PATH)"

run_in -u app "$ROOTFS" "$H" env
assert_eq "HOME for app" "/home/app" "$(env_of HOME)"
assert_eq "PATH for app" "$DEFPATH" "$(env_of PATH)"

run_in -u 4242 "$ROOTFS" "$H" env
assert_eq "HOME for a uid not in passwd is /, as Docker" "/" "$(env_of HOME)"

run_in -e FOO=bar "$ROOTFS" "$H" env
assert_eq "-e FOO=bar" "bar" "$(env_of FOO)"

run_in --env FOO=a=b=c -e EMPTY= "$ROOTFS" "$H" env
assert_eq "--env FOO=a=b=c keeps everything after the first =" "a=b=c" "$(env_of FOO)"
assert_eq "-e EMPTY= sets an empty value" "" "$(env_of EMPTY)"

WARD_IT_FROM_HOST=hostvalue run_in -e WARD_IT_FROM_HOST "$ROOTFS" "$H" env
assert_eq "-e NAME takes the host's value" "hostvalue" "$(env_of WARD_IT_FROM_HOST)"

unset WARD_IT_NOT_SET
run_in -e WARD_IT_NOT_SET "$ROOTFS" "$H" env
assert_status "-e NAME unset on the host: exit 0" 0
assert_eq "-e NAME unset on the host is left out, as Docker" "<unset>" "$(env_of WARD_IT_NOT_SET)"

run_in -e FOO=1 -e FOO=2 "$ROOTFS" "$H" env
assert_eq "the last -e wins" "2" "$(env_of FOO)"
assert_eq "... and appears once" "1" "$(grep -c '^FOO=' <<<"$OUT")"

run_in -e PATH=/bin -e HOME=/tmp "$ROOTFS" "$H" env
assert_eq "-e PATH overrides the default" "/bin" "$(env_of PATH)"
assert_eq "-e HOME overrides the default" "/tmp" "$(env_of HOME)"

run_in -e PATH=/usr/bin "$ROOTFS" ward-testhelper pid
assert_eq "the command is looked up in the container's PATH" "1" "$OUT"

# --- working directory -------------------------------------------------------------------
run_in "$ROOTFS" "$H" cwd
assert_eq "default working directory is /" "/" "$OUT"

run_in -w /tmp "$ROOTFS" /bin/sh -c pwd
assert_status "-w /tmp: exit 0" 0
assert_eq "-w /tmp" "/tmp" "$OUT"

run_in --workdir /etc "$ROOTFS" "$H" cwd
assert_eq "--workdir /etc" "/etc" "$OUT"

fresh_rootfs FR
run_in -u app -w /home/app "$FR" "$H" write here x
assert_eq "-u app -w /home/app: relative writes land there" "ok" "$OUT"
[ -f "$FR/home/app/here" ]
assert_eq "... in /home/app" "0" "$?"

run_in -w /new/dir "$FR" "$H" cwd
assert_status "-w /new/dir: exit 0" 0
assert_eq "-w /new/dir is created, as Docker" "/new/dir" "$OUT"
[ -d "$FR/new/dir" ]
assert_eq "... in the rootfs" "0" "$?"

assert_nothing_left "nothing left behind"
finish
