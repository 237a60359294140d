#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dbdev's debugfs view: each context shows as dbdev/PID-N, with its devices
# and their counters, and goes with the context.  This shell holds a
# context (fd 3 on /dev/dbdev) and drives it with dbdevctl --pid.  TAP;
# run as root with dbdev loaded, e.g.
#
#     tools/vm/run.sh -- tools/debugfstest.sh
set -u
cd "$(dirname "$0")/.."
D=/sys/kernel/debug
[ -d "$D/dbdev" ] || mount -t debugfs nodev "$D" 2>/dev/null
n=0 fails=0

# check NAME WANT GOT: GOT must be WANT.
check() {
	n=$((n + 1))
	if [ "$3" = "$2" ]; then
		echo "ok $n - $1"
	else
		fails=$((fails + 1))
		echo "not ok $n - $1"
		printf '# got:  %s\n# want: %s\n' "$3" "$2"
	fi
}

echo "TAP version 13"
echo "1..6"
[ -d "$D/dbdev" ] || { echo "Bail out! no dbdev in debugfs"; exit 1; }
exec 3<>/dev/dbdev || exit 1
dir=$(ls -d "$D"/dbdev/$$-* 2>/dev/null)
check "a directory for the context" 1 "$(echo "$dir" | grep -c .)"
tools/dbdevctl/dbdevctl --pid $$ create dbdev-test --name com1 pio:0x3f8+8 irq:4 \
	-- write pio 0x3f8 1 0x41 0x42 -- read pio 0x3f8 1 -- begin \
	-- create dbdev-test mmio:0xd0000000+0x1000 >/dev/null
check "the devices, with their resources" \
	"1 dbdev-test @com1 live pio:0x3f8+0x8 irq:4|2 dbdev-test @- created-in-tx mmio:0xd0000000+0x1000" \
	"$(grep -v '^#' "$dir/devices" | grep -v '^    ' | paste -sd'|')"
check "their counters" "    pio 1 2 0 mmio 0 0 0 irqs 0 0 0 notified 0" \
	"$(grep -v '^#' "$dir/devices" | sed -n 2p)"
check "the context's counters" "kvm_runs 0" "$(head -1 "$dir/stats")"
tools/dbdevctl/dbdevctl --pid $$ commit >/dev/null
check "after the commit" "2 dbdev-test @- live mmio:0xd0000000+0x1000" \
	"$(grep '^2 ' "$dir/devices")"
exec 3>&-
check "gone with the context" "" "$(ls -d "$D"/dbdev/$$-* 2>/dev/null)"
echo "# $((n - fails)) passed, $fails failed"
[ "$fails" = 0 ]
