#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tools/vm/debug.sh image|kdir
# The debug kernel of `tools/vm/run.sh --kernel debug`: the cached 6.1
# source (linux-source-6.1) built for x86_64 with x86_64_defconfig,
# kvm_guest.config and tools/vm/debug.config (KASAN, lockdep, PROVE_RCU,
# DEBUG_OBJECTS, kmemleak, fault injection; virtio, 9p and KVM built in),
# in $CACHE/debug-build, the first time and whenever that config or the
# source changes.  Prints the folder the runner boots from (vmlinuz and
# empty module lists) or the KDIR that dbdev builds against.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

case "${1:-}" in
image | kdir) ;;
*) echo "usage: $0 image|kdir" >&2; exit 2 ;;
esac
out=$CACHE/debug-build img=$CACHE/vm/debug
ensure_source61
stamp=$( (sed -n 's/^SUBLEVEL = //p' "$SRC61/Makefile"; cat "$TOP/tools/vm/debug.config") |
	sha256sum | cut -c1-16)
mkdir -p "$out" "$CACHE/vm"
(
	flock 8
	[ "$(cat "$img/.done" 2>/dev/null)" != "$stamp" ] || exit 0
	echo "debug kernel: building in $out (11 minutes on 2 idle cores) ..." >&2
	start=$SECONDS
	{
		make -C "$SRC61" O="$out" -s x86_64_defconfig kvm_guest.config &&
		"$SRC61/scripts/kconfig/merge_config.sh" -m -O "$out" \
			"$out/.config" "$TOP/tools/vm/debug.config" &&
		make -C "$SRC61" O="$out" -s olddefconfig &&
		make -C "$SRC61" O="$out" -s -j"$(nproc)" bzImage modules
	} >"$out/build.log" 2>&1 || { tail -n 30 "$out/build.log" >&2; exit 1; }
	rm -rf "$img"
	mkdir -p "$img/lib/modules"
	cp "$out/arch/x86/boot/bzImage" "$img/vmlinuz"
	: >"$img/lib/modules/boot.list"
	: >"$img/lib/modules/kvm.list"
	echo "$stamp" >"$img/.done"
	echo "debug kernel: built in $((SECONDS - start)) s" >&2
) 8>"$CACHE/vm/debug.lock"
if [ "$1" = image ]; then
	echo "$img"
else
	echo "$out"
fi
