#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs, with apt-get, what a script of this repository needs and is missing:
#
#   scripts/deps.sh [build|test|demo] [PACKAGE...]   # default: build
#   scripts/deps.sh --list [build|test|demo]         # the packages, one a line
#
#   build  the compiler, cmake, pkg-config and the libraries' headers
#   demo   build, and busybox-static for the demo's root filesystem
#   test   demo, and every tool a test calls (tests/integration/test_deps.sh checks
#          that each command the integration scripts run comes from one of these,
#          or from an Essential or required package)
#
# When another apt or dpkg holds its lock (unattended-upgrades on a fresh machine),
# this waits for it (up to WARD_APT_WAIT seconds, default 600) instead of failing.
set -euo pipefail

build_pkgs=(build-essential cmake pkg-config libseccomp-dev libcap-dev libyajl-dev check)
demo_pkgs=("${build_pkgs[@]}" busybox-static)
test_pkgs=("${demo_pkgs[@]}"
	python3       # compare, oci, seccomp, tty, byop, ... tests (JSON, ptys)
	procps        # ps, pkill -0 checks of leftover processes
	iproute2      # ip: network namespace checks
	man-db        # man -l: test_install.sh renders each page (groff-base with it)
	dpkg-dev      # cpack -G DEB's dpkg-deb and dpkg-shlibdeps checks
	podman        # test_podman.sh: ward as podman's runtime (~10 s)
	strace        # test_record.sh: what strace -f sees is in the recorded profile
	zsh fish      # test_install.sh: the installed completions parse
)

list=false
if [ "${1:-}" = --list ]; then
	list=true
	shift
fi
set_name=build
case ${1:-} in
build | test | demo)
	set_name=$1
	shift
	;;
esac
declare -n pkgs="${set_name}_pkgs"
need_pkgs=("${pkgs[@]}" "$@")
if $list; then
	printf '%s\n' "${need_pkgs[@]}"
	exit 0
fi

missing=()
for p in "${need_pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "deps.sh: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

# apt_get ARGS...: apt-get, again while another apt or dpkg holds the lock
apt_get() {
	local waited=0 max=${WARD_APT_WAIT:-600} err
	err=$(mktemp)
	until $sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=60 "$@" 2>"$err"; do
		if ! grep -qi 'lock' "$err" || [ "$waited" -ge "$max" ]; then
			cat "$err" >&2
			rm -f "$err"
			return 1
		fi
		echo "deps.sh: apt is busy (another apt or dpkg holds its lock); waiting" >&2
		sleep 10
		waited=$((waited + 10))
	done
	rm -f "$err"
}
apt_get update -qq
apt_get install -y -qq --no-install-recommends "${missing[@]}"
