#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tools/kdir.sh 6.1|6.12|debug
# Prints the KDIR to build dbdev against for a Debian 12 kernel line, or
# for the debug kernel of tools/vm/debug.sh.
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

# unpack DEBDIR ROOT ABI: extract the .debs and repoint the one absolute
# path (the arch Makefile includes the common one from /usr/src; the
# scripts and tools symlinks are relative).
unpack() {
	local deb
	mkdir -p "$2"
	for deb in "$1"/*.deb; do dpkg-deb -x "$deb" "$2"; done
	sed -i "s|^include /usr/src/|include $2/usr/src/|" \
		"$2/usr/src/linux-headers-$3/Makefile"
	touch "$2/.done"
}

kdir_612() {
	local try pkg abi base root tmp
	for try in 1 2; do	# 2: after apt-get update, if lists were stale
		pkg=$(newest_612)
		if [ -n "$pkg" ]; then
			abi=${pkg#linux-headers-}	# 6.12.N+deb12-amd64
			base=${abi%-amd64}		# 6.12.N+deb12
			root=$CACHE/linux-headers-6.12/$base
			if [ ! -e "$root/.done" ]; then
				echo "Fetching $pkg into $root ..." >&2
				tmp=$(mktemp -d)
				chown _apt "$tmp" 2>/dev/null || true	# apt's sandbox
				if (cd "$tmp" && apt-get download -q "$pkg" \
					"linux-headers-$base-common" "linux-kbuild-$base" >&2); then
					rm -rf "$CACHE/linux-headers-6.12"
					unpack "$tmp" "$root" "$abi"
				fi
				rm -rf "$tmp"
			fi
			if [ -e "$root/.done" ]; then
				echo "$root/usr/src/linux-headers-$abi"
				return
			fi
		fi
		[ "$try" = 2 ] || apt-get update -qq >&2
	done
	echo "kdir.sh: cannot fetch the 6.12 headers" >&2
	exit 1
}

case "${1:-}" in
6.1) kdir_61 ;;
6.12) kdir_612 ;;
debug) "$TOP/tools/vm/debug.sh" kdir ;;
*) echo "usage: $0 6.1|6.12|debug" >&2; exit 2 ;;
esac
