#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tools/udevtest.sh ROOT KVER
#
# /dev/dbdev as `make install` (staged in ROOT, for kernel KVER) sets it
# up: run in the QEMU VM of that kernel (tools/installtest.sh does), with
# the in-tree modules loaded.  Prints "udevtest: NAME ok" or "udevtest:
# NAME FAIL" for each of:
#   devname   depmod puts the node in modules.devname (c10:246), from which
#             kmod makes it at boot
#   demand    with dbdev unloaded, opening that node loads dbdev (through
#             the char-major-10-246 alias of the installed module) and
#             the open succeeds
#   rule      udevd with the installed rule gives the node to group kvm,
#             mode 0660
#   member    an unprivileged member of kvm creates a device and reads it
#   other     an unprivileged user outside kvm gets EACCES
# The VM's / is the host's, read only: the module tree, /etc/group and
# the rules folder are copies on tmpfs.
set -u
root=$1 kver=$2
dbdevctl=$root/usr/sbin/dbdevctl
say() { echo "udevtest: $*"; }

# a module tree with only the installed dbdev modules, and a modprobe
# that the kernel's request_module() runs on it
mods=/tmp/mods
mkdir -p "$mods/lib/modules/$kver"
cp -r "$root/lib/modules/$kver/updates" "$mods/lib/modules/$kver/"
depmod -b "$mods" "$kver" 2>/dev/null
grep -qx 'dbdev dbdev c10:246' "$mods/lib/modules/$kver/modules.devname" &&
	say devname ok || say devname FAIL
# (the kernel runs it in the initramfs's root, outside the chroot at
# /newroot where tools/vm/init runs this)
printf '#!/bin/sh\nexec chroot /newroot /usr/sbin/modprobe -d %s "$@"\n' \
	"$mods" >/tmp/modprobe
chmod +x /tmp/modprobe
echo /newroot/tmp/modprobe >/proc/sys/kernel/modprobe

rmmod dbdev_testdev dbdev_uart dbdev_regs dbdev
[ -e /dev/dbdev ] && say demand FAIL
mknod /dev/dbdev c 10 246
if "$dbdevctl" types >/dev/null 2>&1 && [ -d /sys/module/dbdev ]; then
	say demand ok
else
	say demand FAIL
fi
modprobe -d "$mods" dbdev_testdev

# udevd with the installed rule, and a kvm group
cp /etc/group /tmp/group
grep -q '^kvm:' /tmp/group || echo 'kvm:x:990:' >>/tmp/group
mount --bind /tmp/group /etc/group
mkdir -p /tmp/rules
cp "$root/usr/lib/udev/rules.d/65-dbdev.rules" /tmp/rules/
mount --bind /tmp/rules /etc/udev/rules.d
/lib/systemd/systemd-udevd --daemon 2>/dev/null
# the daemon answers before it is sent the event, which it has handled when
# trigger returns; a few seconds more for a loaded machine all the same
udevadm control --ping --timeout=30
udevadm trigger --settle --action=add /sys/class/misc/dbdev
for i in $(seq 50); do
	[ "$(stat -c '%a %G' /dev/dbdev)" = "660 kvm" ] && break
	sleep 0.1
done
kvm=$(getent group kvm | cut -d: -f3)
[ "$(stat -c '%a %G' /dev/dbdev)" = "660 kvm" ] && say rule ok ||
	say rule FAIL "$(stat -c '%a %G' /dev/dbdev)"
udevadm control --exit

out=$(setpriv --reuid=65534 --regid=65534 --groups="$kvm" -- "$dbdevctl" \
	create dbdev-test pio:0x3f8+8 -- write pio 0x3f8 1 0x5a \
	-- expect pio 0x3f8 1 0x5a 2>&1) && say member ok ||
	say member FAIL "$out"
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups -- "$dbdevctl" \
	types 2>&1)
grep -q 'Permission denied' <<<"$out" && say other ok || say other FAIL "$out"
