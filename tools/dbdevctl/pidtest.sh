#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dbdevctl --pid: inspecting and driving the context of another process.
# This shell holds a context (fd 3 on /dev/dbdev), as a VMM would; each
# dbdevctl run borrows it through pidfd_getfd(), so what one run creates
# the next one sees.  TAP; run as root with dbdev loaded, e.g.
#
#     tools/vm/run.sh -- tools/dbdevctl/pidtest.sh
set -u
cd "$(dirname "$0")"
exec 3<>/dev/dbdev || exit 1
n=0 fails=0

# check NAME WANT CMD...: the output of CMD must be WANT.
check() {
	local name=$1 want=$2 got
	shift 2
	got=$("$@" 2>&1)
	n=$((n + 1))
	if [ "$got" = "$want" ]; then
		echo "ok $n - $name"
	else
		fails=$((fails + 1))
		echo "not ok $n - $name"
		printf '# got:  %s\n# want: %s\n' "$got" "$want"
	fi
}

echo "TAP version 13"
echo "1..6"
check "create in the shell's context" \
	"1 dbdev-test @com1 pio:0x3f8+8" \
	./dbdevctl --pid $$ create dbdev-test --name com1 pio:0x3f8+8
check "what one run did, the next sees" \
	"1 dbdev-test @com1 pio:0x3f8+8" \
	./dbdevctl --pid $$ --fd 3 list com1
check "I/O and its counters, the device by its name" \
	"pio: 1 reads, 1 writes, 0 failed" \
	sh -c "./dbdevctl --pid $$ write pio @com1.pio 1 0x41 -- expect pio 0x3f8 1 0x41 -- stats @com1 | head -1"
check "a context of one's own is another" \
	"" ./dbdevctl list
check "--fd that is no dbdev context" \
	"dbdevctl: list: ENOTTY: Inappropriate ioctl for device" \
	./dbdevctl --pid $$ --fd 0 list
check "--fd without --pid" \
	"dbdevctl: --fd goes with --pid" \
	sh -c "./dbdevctl --fd 3 list 2>&1 | head -1"
exec 3>&-
echo "# $((n - fails)) passed, $fails failed"
[ "$fails" = 0 ]
