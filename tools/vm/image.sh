#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tools/vm/image.sh 6.1|6.12
# Prints the folder that holds the Debian 12 kernel image of that line,
# the one whose headers tools/kdir.sh gives, fetching it the first time:
# vmlinuz, and the modules a test VM loads (virtio PCI, 9p, KVM),
# uncompressed, in lib/modules, listed in load order in boot.list and
# kvm.list.  The demo's Linux guest boots the same vmlinuz.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

[ "${1:-}" != debug ] || exec "$TOP/tools/vm/debug.sh" image
[ $# = 1 ] && { [ "$1" = 6.1 ] || [ "$1" = 6.12 ]; } ||
	{ echo "usage: $0 6.1|6.12|debug" >&2; exit 2; }
VM_NAME=$1

# modules ROOT ABI MODULE...: the .ko files of MODULE... and what they
# depend on, in load order, each once.
modules() {
	local root=$1 abi=$2
	shift 2
	modprobe -d "$root" -S "$abi" --show-depends -a "$@" |
		awk '$1 == "insmod" && !seen[$2]++ { print $2 }'
}

# fetch_image ABI DIR: unpack linux-image-ABI's kernel into DIR/vmlinuz
# and the modules the guest loads, uncompressed, into DIR/lib/modules,
# listed in load order in boot.list (virtio PCI, 9p) and kvm.list.
fetch_image() {
	local abi=$1 dir=$2 tmp ko m
	tmp=$(mktemp -d)
	chown _apt "$tmp" 2>/dev/null || true	# apt's sandbox
	echo "$VM_NAME: fetching linux-image-$abi ..." >&2
	(cd "$tmp" && apt-get download -q "linux-image-$abi" >&2) ||
		{ apt-get update -qq >&2 &&
			(cd "$tmp" && apt-get download -q "linux-image-$abi" >&2); } ||
		{ echo "$VM_NAME: no linux-image-$abi to match the headers:" \
			"upgrade linux-headers-amd64" >&2; exit 1; }
	dpkg-deb -x "$tmp"/linux-image-*.deb "$tmp/root"
	depmod -b "$tmp/root" "$abi"
	rm -rf "$dir"
	mkdir -p "$dir/lib/modules"
	cp "$tmp/root/boot/vmlinuz-$abi" "$dir/vmlinuz"
	modules "$tmp/root" "$abi" virtio_pci 9pnet_virtio 9p >"$tmp/boot"
	modules "$tmp/root" "$abi" kvm_amd | grep -vxFf "$tmp/boot" >"$tmp/kvm"
	for m in boot kvm; do
		while read -r ko; do
			case $ko in
			*.xz) xz -dc "$ko" >"$dir/lib/modules/$(basename "$ko" .xz)" ;;
			*) cp "$ko" "$dir/lib/modules/" ;;
			esac
			basename "$ko" .xz >>"$dir/lib/modules/$m.list"
		done <"$tmp/$m"
	done
	rm -rf "$tmp"
	touch "$dir/.done"
}

kdir=$("$TOP/tools/kdir.sh" "$1")
abi=${kdir##*/linux-headers-}
img=$CACHE/vm/$abi
mkdir -p "$CACHE/vm"
(
	flock 8
	if [ ! -e "$img/.done" ]; then
		fetch_image "$abi" "$img"
	fi
) 8>"$CACHE/vm/image.lock"
echo "$img"
