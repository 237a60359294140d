#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tools/vm/run.sh [--kernel 6.1|6.12|debug] [--kvm] [--cpus N] [--tty] -- CMD...
#
# Runs CMD as root in a QEMU (TCG) VM booted from the Debian 12 kernel of
# that line (default 6.1), or from the debug kernel (6.1 with KASAN,
# lockdep, kmemleak and fault injection: tools/vm/debug.sh), with dbdev.ko
# and the sample modules built from this tree against the matching
# headers and loaded.  The guest sees the
# host's / read-only and the project folder read-write at the same path
# (9p), with its own /tmp; CMD runs in the current folder if it is inside
# the project, else in the project folder, with DBDEV_VM=6.1, 6.12 or debug.
# --kvm also loads kvm-amd (with -cpu max), so the guest has /dev/kvm.
# --cpus: the guest's CPUs, 2 by default.  With one, the guest's TSC is
# stable (TCG's vCPUs' TSCs drift apart, and a kernel that sees that gives
# up on the TSC, which makes KVM take a slower path whenever it loads a
# vCPU): what the KVM benchmark wants, to be like a real host.
# --tty: CMD's stdin is this script's, through the guest's serial console
# (a terminal: QEMU's, Ctrl-A x quits), and the whole console is shown as
# it comes, byte by byte, boot messages included.
#
# DBDEV_VM_APPEND: more for the guest kernel's command line (slub_debug=FZPU,
# say).
# Exits with CMD's status.  A kernel panic, a timeout (DBDEV_VM_TIMEOUT
# seconds, default 600) or a kernel report (WARNING, BUG, Oops, ...) that
# involves dbdev fails the run.  The kernel and its modules are cached in
# $CACHE/vm/ABI (tools/vm/image.sh); dbdev is rebuilt (incrementally) in
# $CACHE/vm/build-LINE.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$TOP/tools/vm/common.sh"

usage() {
	echo "usage: $0 [--kernel 6.1|6.12|debug] [--kvm] [--cpus N] [--tty] -- CMD..." >&2
	exit 2
}

line=6.1 kvm=0 cpus=2 tty=0
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) [ $# -ge 2 ] || usage; line=$2; shift 2 ;;
	--kvm) kvm=1; shift ;;
	--cpus) [ $# -ge 2 ] || usage; cpus=$2; shift 2 ;;
	--tty) tty=1; shift ;;
	--) shift; break ;;
	*) usage ;;
	esac
done
[ $# -gt 0 ] && { [ "$line" = 6.1 ] || [ "$line" = 6.12 ] ||
	[ "$line" = debug ]; } || usage
VM_NAME=$line VM_TIMEOUT=${DBDEV_VM_TIMEOUT:-600}

# build KDIR: build the modules in a copy of the sources, as `make` does,
# and put them into $RUN, listed in modules.list in kbuild's order (dbdev
# first).
build() {
	local dir=$CACHE/vm/build-$line ko
	(
		flock 8
		copy_sources "$dir"
		make -f "$TOP/Makefile" -C "$dir" KDIR="$1" -j"$(nproc)" \
			modules >"$RUN/build.log" 2>&1 ||
			{ cat "$RUN/build.log" >&2; exit 1; }
		for ko in $(sed 's/\.o$/.ko/' "$dir/modules.order"); do
			cp "$ko" "$RUN/"
			basename "$ko" >>"$RUN/modules.list"
		done
	) 8>"$CACHE/vm/build-$line.lock"
}

kdir=$("$TOP/tools/kdir.sh" "$line")
img=$("$TOP/tools/vm/image.sh" "$line")

new_run "$@"
build "$kdir"
printf 'VM_RUN=%q VM_TOP=%q VM_KVM=%s VM_TTY=%s\n' "$RUN" "$TOP" "$kvm" "$tty" \
	>"$RUN/env"

# The initramfs: busybox, /init and the modules of boot.list and kvm.list.
mkdir -p "$RUN/initramfs"/{bin,dev,proc,sys,mnt,newroot,lib}
cp /bin/busybox "$RUN/initramfs/bin/"
cp "$TOP/tools/vm/init" "$RUN/initramfs/init"
cp -r "$img/lib/modules" "$RUN/initramfs/lib/"
(cd "$RUN/initramfs" && find . | cpio -o -H newc --quiet) >"$RUN/initramfs.cpio"
rm -rf "$RUN/initramfs"

cpu=() fg=()
[ "$kvm" = 0 ] || cpu=(-cpu max)
[ "$tty" = 0 ] || fg=(--foreground)
share=security_model=none,multidevs=remap
# timeout puts QEMU in a process group of its own, which a terminal stops
# when it reads or sets it up, unless --foreground (--tty)
qemu() {
	timeout "${fg[@]}" -k 10 "$VM_TIMEOUT" qemu-system-x86_64 -machine accel=tcg \
		"${cpu[@]}" -smp "$cpus" -m 1G -nographic -no-reboot -nic none \
		-kernel "$img/vmlinuz" -initrd "$RUN/initramfs.cpio" \
		-append "console=ttyS0 quiet panic=-1 ${DBDEV_VM_APPEND:-}" \
		-virtfs "local,path=/,mount_tag=hostroot,readonly=on,$share" \
		-virtfs "local,path=$RUN,mount_tag=run,$share" \
		-virtfs "local,path=$TOP,mount_tag=project,$share"
}
boot() {
	rc=0
	if [ "$tty" = 1 ]; then
		qemu 2>&1 | tee "$RUN/console.tty" || rc=${PIPESTATUS[0]}
		tr -d '\r' <"$RUN/console.tty" >"$RUN/console"
	else
		qemu </dev/null 2>&1 | console || rc=${PIPESTATUS[0]}
	fi
}
boot
# Under TCG with two vCPUs the distro kernel now and then dies while it
# boots, before anything of ours ran (an int3 oops while it patches its own
# text).  Such a run says nothing about dbdev: boot once more, unless the
# console names dbdev (beyond a report's list of loaded modules).
if ! grep -qx 'dbdev-vm: running' "$RUN/console" && [ "$rc" != 124 ] &&
	! grep -v 'Modules linked in' "$RUN/console" | grep -q dbdev; then
	echo "$VM_NAME: the guest died before the command started; booting once more" >&2
	mv "$RUN/console" "$RUN/console.1"
	: >"$RUN/console"
	boot
fi
finish "$rc"
