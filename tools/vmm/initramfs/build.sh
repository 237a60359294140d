#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: build.sh OUT
# Makes the demo's Linux guest's initramfs: Debian's busybox-static and
# /init (this folder's init), as a gzipped newc cpio archive.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp"/{bin,dev,proc,sys,tmp}
cp /bin/busybox "$tmp/bin/busybox"
install -m 755 "$here/init" "$tmp/init"
(cd "$tmp" && find . | sort | cpio -o -H newc --quiet --owner 0:0) |
	gzip -9n >"$out.tmp"
mv "$out.tmp" "$out"
