#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tools/kdir.sh 6.1|6.12
# Prints the KDIR to build dbdev against for a Debian 12 kernel line.
#
# 6.1:  the installed distro headers that linux-headers-amd64 depends on.
# 6.12: the newest linux-headers-6.12.*+deb12-amd64 that apt knows of,
#       fetched with `apt-get download` (with its -common and linux-kbuild
#       packages) and unpacked into $CACHE/linux-headers-6.12 rather than
#       installed, which would pull in a kernel image and an initramfs.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kdir_61() {
	local dep dir
	dep=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null |
		grep -o 'linux-headers-6\.1\.[^ ,]*-amd64' | head -n1 || true)
	dir=/usr/src/$dep
	if [ -z "$dep" ] || [ ! -d "$dir" ]; then	# newest 6.1 headers
		dir=$(printf '%s\n' /usr/src/linux-headers-6.1.*-amd64 |
			sort -V | tail -n1)
	fi
	[ -d "$dir" ] || { echo "kdir.sh: no 6.1 headers; run tools/deps.sh" >&2; exit 1; }
	echo "$dir"
}

newest_612() {
	apt-cache search --names-only '^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' |
		awk '{ print $1 }' | sort -V | tail -n1
}

kdir_612() {
	local pkg abi base root kdir tmp
	pkg=$(newest_612)
	if [ -z "$pkg" ]; then
		apt-get update -qq >&2
		pkg=$(newest_612)
	fi
	[ -n "$pkg" ] || { echo "kdir.sh: apt knows no 6.12 headers" >&2; exit 1; }
	abi=${pkg#linux-headers-}		# 6.12.N+deb12-amd64
	base=${abi%-amd64}			# 6.12.N+deb12
	root=$CACHE/linux-headers-6.12/$base
	kdir=$root/usr/src/linux-headers-$abi
	if [ ! -e "$root/.done" ]; then
		echo "Fetching $pkg into $root ..." >&2
		rm -rf "$CACHE/linux-headers-6.12"
		tmp=$(mktemp -d)
		chown _apt "$tmp" 2>/dev/null || true	# apt's download sandbox
		(cd "$tmp" && apt-get download -q "$pkg" \
			"linux-headers-$base-common" "linux-kbuild-$base" >&2)
		mkdir -p "$root"
		for deb in "$tmp"/*.deb; do dpkg-deb -x "$deb" "$root"; done
		rm -rf "$tmp"
		# The only absolute path: the arch Makefile includes the common
		# one from /usr/src.  The scripts/tools symlinks are relative.
		sed -i "s|^include /usr/src/|include $root/usr/src/|" "$kdir/Makefile"
		touch "$root/.done"
	fi
	echo "$kdir"
}

case "${1:-}" in
6.1) kdir_61 ;;
6.12) kdir_612 ;;
*) echo "usage: $0 6.1|6.12" >&2; exit 2 ;;
esac
