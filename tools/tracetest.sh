#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage (as root, with dbdev and dbdev_testdev loaded, in a kernel with
# tracing: tools/vm/run.sh -- tools/tracetest.sh): dbdev's tracepoints.
# Enables events/dbdev through tracefs, runs a dbdevctl session (a device
# created, written, read, an address no device owns, a conflict, a
# transaction cancelled and one committed, a line raised) and checks, as
# TAP, that each step left its event, with the values it had, in order.
set -uo pipefail
cd "$(dirname "$0")/.."

T=/sys/kernel/tracing
[ -d "$T/events" ] || mount -t tracefs nodev "$T" ||
	{ echo "Bail out! no tracefs"; exit 1; }
[ -d "$T/events/dbdev" ] || { echo "Bail out! no dbdev events"; exit 1; }
echo 0 >"$T/tracing_on"
echo >"$T/trace"
echo 1 >"$T/events/dbdev/enable"
echo 1 >"$T/tracing_on"
tools/dbdevctl/dbdevctl -f - <<'SCRIPT' >/tmp/tracetest.out 2>&1
create dbdev-test --name a pio:0x3f8+8 irq:4
write pio 0x3f8 1 0x41
read pio 0x3fb 1 == 0
expect-error ENODEV read pio 0x2f8 2
expect-error EEXIST create dbdev-test pio:0x3fc+4
begin
create dbdev-test mmio:0xd0000000+0x1000
cancel
begin
destroy @a
commit
SCRIPT
rc=$?
tools/dbdevctl/dbdevctl create dbdev-test pio:0x3f8+8 irq:4 -- \
	ctl 1 irq kind=0,index=0,level=1 >>/tmp/tracetest.out 2>&1 ||
	rc=$?
echo 0 >"$T/tracing_on"
echo 0 >"$T/events/dbdev/enable"
sed 's/^/# /' /tmp/tracetest.out
# the events, without the task, CPU and time columns; pointers as P
# (hashed, or not yet: the VM's kernel may lack the key)
grep -o 'dbdev_[a-z_]*: .*' "$T/trace" | sed -E 's/(mgr|dev) ([0-9a-f]{8,16}|\(____ptrval____\)|\(null\))/\1 P/g' >/tmp/tracetest.ev
sed 's/^/# event: /' /tmp/tracetest.ev

want=(
	"dbdev_update: mgr P register dev P err 0"
	"dbdev_io: mgr P pio write 0x3f8 len 1 val 0x41 dev P base 0x3f8 err 0"
	"dbdev_io: mgr P pio read 0x3fb len 1 val 0x0 dev P base 0x3f8 err 0"
	"dbdev_io: mgr P pio read 0x2f8 len 2 val 0x0 dev P base 0x0 err -19"
	"dbdev_update: mgr P register dev P err -17"
	"dbdev_update: mgr P register dev P in tx err 0"
	"dbdev_tx_end: mgr P cancel"
	"dbdev_update: mgr P unregister dev P in tx err 0"
	"dbdev_tx_end: mgr P commit"
	"dbdev_update: mgr P register dev P err 0"
	"dbdev_irq: dev P line 0 unbound"
)
echo "1..$((${#want[@]} + 1))"
if [ "$rc" = 0 ]; then
	echo "ok 1 - the dbdevctl session ran"
else
	echo "not ok 1 - the dbdevctl session ran (exit status $rc)"
fi
mapfile -t got </tmp/tracetest.ev
for i in "${!want[@]}"; do
	if [ "${got[i]:-}" = "${want[i]}" ]; then
		echo "ok $((i + 2)) - ${want[i]}"
	else
		echo "not ok $((i + 2)) - ${want[i]}"
		echo "# got: ${got[i]:-nothing}"
	fi
done
[ ${#got[@]} = ${#want[@]} ] || echo "# $((${#got[@]})) events, not ${#want[@]}"
