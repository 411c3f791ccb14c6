#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Capabilities: Docker's 14 by default, --cap-drop/--cap-add (ALL, any case, with or
# without CAP_), a non-root user ends with none effective, and no-new-privileges.
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

need_root
setup_rootfs
snapshot_state

DEFAULT=00000000a80425fb
ZERO=0000000000000000

# cap VALUE_NAME: the hex value of one Cap* line of the last helper `caps` output
cap() { awk -v k="$1:" '$1 == k { print $2 }' <<<"$OUT"; }

run_in "$ROOTFS" "$H" caps
assert_status "caps: exit 0" 0
assert_eq "default CapBnd" "$DEFAULT" "$(cap CapBnd)"
assert_eq "default CapPrm" "$DEFAULT" "$(cap CapPrm)"
assert_eq "default CapEff" "$DEFAULT" "$(cap CapEff)"
assert_eq "default CapInh" "$ZERO" "$(cap CapInh)"
assert_eq "default CapAmb" "$ZERO" "$(cap CapAmb)"

run_in --cap-drop ALL "$ROOTFS" "$H" caps
assert_status "--cap-drop ALL: exit 0" 0
assert_eq "--cap-drop ALL: CapBnd" "$ZERO" "$(cap CapBnd)"
assert_eq "--cap-drop ALL: CapPrm" "$ZERO" "$(cap CapPrm)"
assert_eq "--cap-drop ALL: CapEff" "$ZERO" "$(cap CapEff)"
assert_eq "--cap-drop ALL: CapInh" "$ZERO" "$(cap CapInh)"
assert_eq "--cap-drop ALL: CapAmb" "$ZERO" "$(cap CapAmb)"

run_in --cap-drop ALL --cap-add NET_BIND_SERVICE "$ROOTFS" "$H" caps
assert_eq "--cap-drop ALL --cap-add NET_BIND_SERVICE: CapEff" 0000000000000400 "$(cap CapEff)"
assert_eq "--cap-drop ALL --cap-add NET_BIND_SERVICE: CapPrm" 0000000000000400 "$(cap CapPrm)"
assert_eq "--cap-drop ALL --cap-add NET_BIND_SERVICE: CapBnd" 0000000000000400 "$(cap CapBnd)"

run_in --cap-add NET_BIND_SERVICE --cap-drop all "$ROOTFS" "$H" caps
assert_eq "order does not matter: --cap-add X --cap-drop all" 0000000000000400 "$(cap CapEff)"

run_in --cap-add sys_admin "$ROOTFS" "$H" caps
assert_status "--cap-add sys_admin: exit 0" 0
assert_eq "--cap-add sys_admin (lowercase, no prefix) adds bit 21" 00000000a82425fb "$(cap CapEff)"
assert_eq "--cap-add sys_admin: CapBnd" 00000000a82425fb "$(cap CapBnd)"

run_in --cap-add CAP_SYS_PTRACE "$ROOTFS" "$H" caps
assert_eq "--cap-add CAP_SYS_PTRACE (prefix) adds bit 19" 00000000a80c25fb "$(cap CapEff)"

run_in --cap-add Cap_Sys_Time --cap-add SYS_NICE "$ROOTFS" "$H" caps
assert_eq "two --cap-add, mixed case: bits 23 and 25" 00000000aa8425fb "$(cap CapEff)"

run_in --cap-drop chown --cap-drop CAP_NET_RAW "$ROOTFS" "$H" caps
assert_eq "--cap-drop chown --cap-drop CAP_NET_RAW: bits 0 and 13 cleared" 00000000a80405fa "$(cap CapEff)"
assert_eq "... and from the bounding set" 00000000a80405fa "$(cap CapBnd)"

run_in --cap-drop NET_RAW --cap-add NET_RAW "$ROOTFS" "$H" caps
assert_eq "drop and add the same capability: add wins (as Docker)" "$DEFAULT" "$(cap CapEff)"

run_in -u 1000 "$ROOTFS" "$H" caps
assert_status "-u 1000 caps: exit 0" 0
assert_eq "-u 1000: CapEff" "$ZERO" "$(cap CapEff)"
assert_eq "-u 1000: CapPrm" "$ZERO" "$(cap CapPrm)"
assert_eq "-u 1000: CapBnd keeps the default set" "$DEFAULT" "$(cap CapBnd)"
assert_eq "-u 1000: CapInh" "$ZERO" "$(cap CapInh)"
assert_eq "-u 1000: CapAmb" "$ZERO" "$(cap CapAmb)"

run_in -u 1000 --cap-add NET_ADMIN "$ROOTFS" "$H" caps
assert_eq "-u 1000 --cap-add NET_ADMIN: still nothing effective" "$ZERO" "$(cap CapEff)"
assert_eq "-u 1000 --cap-add NET_ADMIN: in the bounding set (bit 12)" 00000000a80435fb "$(cap CapBnd)"

run_in "$ROOTFS" "$H" status NoNewPrivs
assert_eq "default: NoNewPrivs 0" "NoNewPrivs:	0" "$OUT"
run_in --security-opt no-new-privileges "$ROOTFS" "$H" status NoNewPrivs
assert_status "--security-opt no-new-privileges: exit 0" 0
assert_eq "--security-opt no-new-privileges: NoNewPrivs 1" "NoNewPrivs:	1" "$OUT"
run_in --security-opt no-new-privileges -u app "$ROOTFS" "$H" status NoNewPrivs
assert_eq "no-new-privileges with a non-root user" "NoNewPrivs:	1" "$OUT"

# The capabilities really act: chown needs CAP_CHOWN, which --cap-drop removes.
fresh_rootfs FR
run_in "$FR" /bin/sh -c 'touch /tmp/f && chown 1000 /tmp/f && echo chowned'
assert_eq "default: root can chown" "chowned" "$OUT"
run_in --cap-drop CHOWN "$FR" /bin/sh -c 'touch /tmp/g && chown 1000 /tmp/g && echo chowned'
assert_ne "--cap-drop CHOWN: root cannot chown" "chowned" "$OUT"
assert_contains "--cap-drop CHOWN: EPERM" "$ERR" "Operation not permitted"

assert_nothing_left "nothing left behind"
finish
