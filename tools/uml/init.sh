#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# init of the UML kernel of tools/uml/run.sh, whose root is the host's /
# (hostfs).  Mounts /proc, /sys and /dev, runs the command script of the
# run folder VM_RUN (from the kernel command line), leaves its exit status
# and the kernel log there and powers off.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/pts && mount -t devpts pts /dev/pts

printf '\ndbdev-vm: running\n'
bash "$VM_RUN/cmd" </dev/null
echo $? >"$VM_RUN/status"
echo "dbdev-vm: done"
dmesg >"$VM_RUN/dmesg"
sync
exec busybox poweroff -f
