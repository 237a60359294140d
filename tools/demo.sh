#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tools/demo.sh [--kernel 6.1|6.12] [GUEST]
# `make demo`: installs what is missing (tools/deps.sh), builds the VMM,
# its guests and the Linux guest's initramfs (tools/vmm), boots Debian's
# kernel of that line (default 6.1) in QEMU with -cpu max, where kvm-amd,
# dbdev.ko and the sample modules are loaded (tools/vm/run.sh --kvm), and
# there runs the VMM with GUEST:
#   linux      (the default) Debian's 6.1 kernel, the one the VM runner
#              boots, as a KVM guest whose console is dbdev's UART
#   shell      the same, with a shell on that console: this terminal's
#              keys reach it through QEMU's serial line, the VMM's stdin
#              and dbdev's UART ('reboot -f' ends it, Ctrl-A x kills QEMU)
#   NAME       the real-mode guest tools/vmm/guests/NAME.bin (`halt` runs
#              without KVM's interrupt controllers, `irq` gets a line of
#              input, `stress` a signal every millisecond)
# Exits with the VMM's status.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
	echo "usage: $0 [--kernel 6.1|6.12] [linux|shell|GUEST]" >&2
	exit 2
}

if [ "${1:-}" = --in-vm ]; then		# inside the VM, from run.sh
	guest=$2 image=$3
	echo "demo: in the VM: Linux $(uname -r); loaded:" \
		"$(lsmod | awk 'NR > 1 { print $1 }' | grep -E '^(kvm|kvm_amd|kvm_intel|dbdev|dbdev_uart|dbdev_regs)$' | tac | xargs)"
	opts=()
	case $guest in
	linux | shell)
		opts=(--linux "$image/vmlinuz" --initrd tools/vmm/initramfs.cpio.gz
			--mark 'dbdev-demo: init running')
		if [ "$guest" = shell ]; then
			opts+=(--timeout 0 --interactive --input-after 'dbdev# ')
		else
			opts+=(--timeout 300)
			exec </dev/null
		fi
		echo "demo: tools/vmm/vmm ${opts[*]}"
		exec tools/vmm/vmm "${opts[@]}" ;;
	halt) opts=(--no-irqchip) ;;
	stress) opts=(--signal-us 1000) ;;
	esac
	echo "demo: tools/vmm/vmm ${opts[*]} tools/vmm/guests/$guest.bin"
	if [ "$guest" = irq ]; then
		echo "demo: (the VMM types: hello from the VMM)"
		(sleep 1; echo 'hello from the VMM') |
			tools/vmm/vmm "tools/vmm/guests/$guest.bin"
		exit
	fi
	exec tools/vmm/vmm "${opts[@]}" "tools/vmm/guests/$guest.bin"
fi

line=6.1 guest=linux
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) [ $# -ge 2 ] || usage; line=$2; shift 2 ;;
	-*) usage ;;
	*) guest=$1; shift ;;
	esac
done

tools/deps.sh
make -s -C tools/vmm
vm=(--kernel "$line" --kvm)
case $guest in
linux) ;;
shell)	# a session of up to an hour, shown as it comes
	vm+=(--tty)
	export DBDEV_VM_TIMEOUT=${DBDEV_VM_TIMEOUT:-3600} ;;
*)	[ -f "tools/vmm/guests/$guest.bin" ] ||
		{ echo "no guest tools/vmm/guests/$guest.bin" >&2; exit 2; } ;;
esac
image=$(tools/vm/image.sh 6.1)
echo "demo: booting Debian's $line kernel in QEMU (TCG, -cpu max) with kvm-amd, dbdev and the sample modules ..."
exec tools/vm/run.sh "${vm[@]}" -- tools/demo.sh --in-vm "$guest" "$image"
