#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs, with apt-get, whatever ward needs to build and test that is missing.
# Extra package names may be given as arguments.
set -euo pipefail

need_pkgs=(build-essential cmake pkg-config libseccomp-dev libcap-dev libyajl-dev check
	busybox-static podman "$@") # podman: tests/integration/test_podman.sh (~10 s)
missing=()
for p in "${need_pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "deps.sh: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
