#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tools/stress.sh [selftests|failnth|memcg|fuzz|kvm|kunit]...
# `make stress`: the tests that find races and leaks, on the debug kernel
# (tools/vm/debug.sh: 6.1 with KASAN, lockdep, PROVE_RCU, DEBUG_OBJECTS,
# kmemleak and fault injection) with two vCPUs, where the UML kernel has
# one CPU and the distro kernels have no sanitizers:
#   selftests  tools/selftests/dbdev_test (the concurrency tests among them)
#   failnth    tools/selftests/failnth_test
#   memcg      tools/selftests/memcg_test
#   fuzz       tools/fuzz/run.sh, STRESS_FUZZ_SECONDS (120 unless set),
#              with nested KVM: its KVM guests part too
#   kvm        tools/selftests/kvm_run_test, with nested KVM
#   kunit      dbdev's KUnit suites (but the UML-only irq one), as a
#              dbdev.ko that runs them as it loads (tools/vm/kunitmod.sh),
#              with the suite of allocation failures in the kernel API
#              (kunit/dbdev_failnth_test.c)
# (all of them unless named).  Each in a boot of its own, after which kmemleak must find no unreferenced
# object that dbdev allocated; a kernel report that involves dbdev fails
# the run too.  The
# first run builds the debug kernel (see the README for how long).  Ends
# with the line "stress: N passed, N failed".
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$TOP"

FUZZ=${STRESS_FUZZ_SECONDS:-120}
export DBDEV_VM_TIMEOUT=${DBDEV_VM_TIMEOUT:-$((FUZZ + 900))}
LOGS=$CACHE/stress
mkdir -p "$LOGS"
rm -f "$LOGS"/*.log
passed=0 failed=0

tools/vm/debug.sh image >/dev/null
for t in selftests fuzz; do
	make -C "tools/$t" >/dev/null
done
# dbdev.ko with the KUnit suites, for the debug kernel
kbuild=$CACHE/stress/kunit-build
copy_sources "$kbuild"
# (KASAN's redzones make some cases' frames larger than the 2048 bytes
# the kernel warns at)
make -C "$(tools/kdir.sh debug)" M="$kbuild" CONFIG_DBDEV=m \
	CONFIG_DBDEV_KUNIT_TEST=y CONFIG_DBDEV_KUNIT_FAILNTH=y \
	CONFIG_FRAME_WARN=4096 -j"$(nproc)" modules >"$LOGS/kunit-build.log" 2>&1 ||
	{ tail -n 30 "$LOGS/kunit-build.log"; exit 1; }

# run NAME [--kvm] -- CMD...: CMD in a boot of the debug kernel, then a
# kmemleak scan of that boot: an unreferenced object dbdev allocated fails
# the run (its status), as a kernel report does.
run() {
	local name=$1 kvm=() log=$LOGS/$1.log rc=0 out
	shift
	[ "$1" != --kvm ] || { kvm=(--kvm); shift; }
	shift
	echo "=== $name"
	tools/vm/run.sh --kernel debug "${kvm[@]}" --cpus 2 -- sh -c '
		"$@"; rc=$?
		k=/sys/kernel/debug
		[ -e $k/kmemleak ] || mount -t debugfs none $k
		echo scan >$k/kmemleak; sleep 5; echo scan >$k/kmemleak
		if grep -q dbdev $k/kmemleak; then
			echo "# kmemleak: objects of dbdev unreferenced:"
			sed "s/^/# /" $k/kmemleak
			exit 1
		fi
		exit $rc' sh "$@" >"$log" 2>&1 || rc=$?
	out=$(python3 tools/tap_results.py "$name" "$rc" "$log") ||
		tail -n 40 "$log"
	echo "$out"
	read -r p f <<<"$(sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/' <<<"${out##*$'\n'}")"
	passed=$((passed + p)) failed=$((failed + f))
}

[ $# -gt 0 ] || set -- selftests failnth memcg fuzz kvm kunit
for part in "$@"; do
	case $part in
	selftests) run selftests -- tools/selftests/dbdev_test ;;
	failnth) run failnth -- tools/selftests/failnth_test ;;
	memcg) run memcg -- tools/selftests/memcg_test ;;
	fuzz) run fuzz --kvm -- tools/fuzz/run.sh "$FUZZ" 0x5eed ;;
	kvm) run kvm --kvm -- tools/selftests/kvm_run_test ;;
	kunit) run kunit -- tools/vm/kunitmod.sh "$kbuild/dbdev.ko" ;;
	*) echo "usage: $0 [selftests|failnth|memcg|fuzz|kvm|kunit]..." >&2; exit 2 ;;
	esac
done
echo "stress: $passed passed, $failed failed"
[ "$failed" = 0 ]
