#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds a small busybox root filesystem for ward's integration tests and demos.
#
#   scripts/mkrootfs.sh DIR [--helper PATH]
#
# DIR gets Debian's static busybox with every applet linked under bin/, sbin/, usr/bin/
# and usr/sbin/, the usual empty directories, and an /etc with three users (root,
# nobody, app=1000) and groups (root, app=1000, extra=2000 with app as a member).
# --helper PATH copies a static program to DIR/usr/bin/ward-testhelper.
# Running it again only changes what differs; it prints each thing it makes.
set -euo pipefail

prog=${0##*/}
die() {
	echo "$prog: $*" >&2
	exit 1
}
usage() {
	echo "usage: $prog DIR [--helper PATH]" >&2
	exit 2
}

dir=""
helper=""
while [ $# -gt 0 ]; do
	case $1 in
	--helper)
		[ $# -ge 2 ] || usage
		helper=$2
		shift 2
		;;
	--helper=*)
		helper=${1#--helper=}
		shift
		;;
	-h | --help) usage ;;
	-*) die "unknown option '$1'" ;;
	*)
		[ -z "$dir" ] || usage
		dir=$1
		shift
		;;
	esac
done
[ -n "$dir" ] || usage
if [ -n "$helper" ] && [ ! -f "$helper" ]; then
	die "helper '$helper': No such file"
fi

busybox=/bin/busybox
if [ ! -x "$busybox" ]; then
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
		echo "$prog: installing busybox-static"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			busybox-static
	fi
	[ -x "$busybox" ] || die "$busybox is missing: install busybox-static (apt-get install busybox-static) as root"
fi
if ! "$busybox" --list-full >/dev/null 2>&1; then
	die "$busybox cannot list its applets (is it busybox-static?)"
fi
if file_out=$(LC_ALL=C file -L "$busybox" 2>/dev/null) && [[ $file_out == *dynamically* ]]; then
	die "$busybox is dynamically linked: install busybox-static"
fi

made() { echo "$prog: $*"; }

mkdir -p -- "$dir"
dir=$(cd -- "$dir" && pwd)

# make_dir PATH MODE
make_dir() {
	local path=$dir/$1
	if [ ! -d "$path" ]; then
		mkdir -p -- "$path"
		made "made directory /$1"
	fi
	if [ "$(stat -c %a -- "$path")" != "$2" ]; then
		chmod "$2" -- "$path"
	fi
}

# put_file PATH MODE CONTENT: write only when the content or mode differs
put_file() {
	local path=$dir/$1 mode=$2 content=$3
	if [ ! -f "$path" ] || [ "$(cat -- "$path")" != "$content" ]; then
		printf '%s\n' "$content" >"$path.tmp"
		mv -f -- "$path.tmp" "$path"
		made "wrote /$1"
	fi
	if [ "$(stat -c %a -- "$path")" != "$mode" ]; then
		chmod "$mode" -- "$path"
	fi
}

# put_copy SRC PATH: copy a binary only when it differs
put_copy() {
	local src=$1 path=$dir/$2
	if [ ! -f "$path" ] || [ -L "$path" ] || ! cmp -s -- "$src" "$path"; then
		rm -f -- "$path"
		cp -- "$src" "$path.tmp"
		chmod 0755 -- "$path.tmp"
		mv -f -- "$path.tmp" "$path"
		made "copied $src to /$2"
	fi
}

for d in bin sbin usr/bin usr/sbin usr/local/bin usr/local/sbin dev proc sys etc home var \
	mnt opt run; do
	make_dir "$d" 755
done
make_dir root 700
make_dir tmp 1777
make_dir var/tmp 1777
make_dir home/app 755
if [ "$(id -u)" -eq 0 ]; then
	chown 1000:1000 -- "$dir/home/app"
fi

put_copy "$busybox" bin/busybox

# Applet links, relative so that they also resolve when inspected from the host.
links=0
while IFS= read -r applet; do
	case $applet in
	"" | bin/busybox) continue ;;
	esac
	up=${applet//[!\/]/}
	rel=""
	for ((i = 0; i < ${#up}; i++)); do
		rel+="../"
	done
	case $applet in
	bin/*) target=busybox ;;
	*) target=${rel}bin/busybox ;;
	esac
	link=$dir/$applet
	mkdir -p -- "${link%/*}"
	if [ "$(readlink -- "$link" 2>/dev/null)" != "$target" ]; then
		rm -f -- "$link"
		ln -s -- "$target" "$link"
		links=$((links + 1))
	fi
done < <("$busybox" --list-full)
[ "$links" -eq 0 ] || made "linked $links busybox applets"

put_file etc/passwd 644 "root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
app:x:1000:1000:app:/home/app:/bin/sh"
put_file etc/group 644 "root:x:0:
app:x:1000:
extra:x:2000:app
nogroup:x:65534:"
put_file etc/hostname 644 "ward"
put_file etc/hosts 644 "127.0.0.1	localhost
::1	localhost ip6-localhost ip6-loopback"
put_file etc/nsswitch.conf 644 "passwd: files
group: files
hosts: files"

if [ -n "$helper" ]; then
	put_copy "$helper" usr/bin/ward-testhelper
fi

echo "$prog: rootfs ready in $dir"
