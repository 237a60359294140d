#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tools/vm/kunitmod.sh DBDEV_KO
# In the debug kernel (tools/stress.sh runs it there): tell failslab and
# fail_page_alloc to fail allocations that may sleep too, replace the
# loaded dbdev by DBDEV_KO, a dbdev.ko built with the KUnit suites (the
# allocation-failure one included), whose suites run as it loads, and
# judge the kernel log with tools/kunit_results.py, as `make kunit` does:
# every case of the suites the module has, and the reports some of them
# provoke on purpose.  The log is then cleared, so that the VM runner does
# not count those reports again.  Prints TAP: a result for each case.
set -u
cd "$(dirname "$0")/../.." || exit 1
k=/sys/kernel/debug
[ -e $k/failslab ] || mount -t debugfs none $k
for f in failslab/ignore-gfp-wait fail_page_alloc/ignore-gfp-wait \
	fail_page_alloc/ignore-gfp-highmem; do
	echo N >"$k/$f"
done
echo 0 >$k/fail_page_alloc/min-order
echo 0 >$k/failslab/verbose
echo 0 >$k/fail_page_alloc/verbose
rmmod dbdev_testdev dbdev_uart dbdev_regs dbdev || exit 1
dmesg -C
insmod "$1" || exit 1
rmmod dbdev
dmesg >/tmp/kunit.log
dmesg -C
suites=()
for f in kunit/*_test.c; do	# the irq suite is UML's (see Kbuild)
	[[ $f == */dbdev_irq_test.c ]] || suites+=("$f")
done
python3 tools/kunit_results.py --tap /tmp/kunit.log "${suites[@]}"
