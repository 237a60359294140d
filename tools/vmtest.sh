#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make vmtest`: the userspace tests of /dev/dbdev in real kernels.  Builds
# the selftests (tools/selftests, a static TAP binary) and dbdevctl, then
# runs each on the Debian 6.1 and 6.12 kernels under QEMU
# (tools/vm/run.sh) and in the KASAN+lockdep UML kernel (tools/uml/run.sh):
#   selftests  tools/selftests/dbdev_test, TAP: each result counts;
#              memcg, tools/selftests/memcg_test (6.1 and 6.12): a memory
#              cgroup's limit stops a process's contexts with -ENOMEM;
#              failnth, tools/selftests/failnth_test (UML): each
#              allocation of each state-changing call fails in turn
#   dbdevctl   tools/dbdevctl/dbdevctl -x -f tools/dbdevctl/demo.dbdev,
#              one test, passed if it exits 0; dbdevctl-test likewise with
#              tools/dbdevctl/test.dbdev, which checks every errno;
#              dbdevctl-pid, TAP: tools/dbdevctl/pidtest.sh, --pid
#   trace      tools/tracetest.sh, TAP: dbdev's tracepoints, each event of
#              a dbdevctl session with its values (6.1 and 6.12: the UML
#              kernel has no tracing)
#   debugfs    tools/debugfstest.sh, TAP: a context's directory in debugfs,
#              its devices and counters
#   fuzz       tools/fuzz/run.sh, TAP: the fuzzer, FUZZ_SECONDS (20 unless
#              set) split between model mode and four threads (on 6.1
#              also as a 32-bit process), from FUZZ_SEED (fixed unless
#              set, so that `make test` replays)
# Usage: tools/vmtest.sh [TEST...], all of them by default; `make fuzz`
# is `tools/vmtest.sh fuzz` with the seconds and seed it is given.
# A run also fails on a kernel report that involves dbdev, a panic or a
# timeout (see tools/tap_results.py).  Full output: $CACHE/vmtest/*.log.
# A run may take DBDEV_VM_TIMEOUT seconds (here 300 unless set).  Ends with
# the line "vmtest: N passed, N failed".
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$TOP"

lock vmtest	# the logs below are shared by every run

KERNELS=(6.1 6.12 uml)
export DBDEV_VM_TIMEOUT=${DBDEV_VM_TIMEOUT:-300}
LOGS=$CACHE/vmtest
mkdir -p "$LOGS"
rm -f "$LOGS"/*.log
passed=0 failed=0

# count LINE: add the counts of a "NAME: N passed, N failed" line.
count() {
	local p f
	read -r p f <<<"$(sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/' <<<"$1")"
	passed=$((passed + p)) failed=$((failed + f))
}

# build NAME DIR: make -C DIR; a failed build counts as one failure.
build() {
	echo "=== build $1"
	make -C "$2" >"$LOGS/build-$1.log" 2>&1 && return
	tail -n 30 "$LOGS/build-$1.log"
	echo "FAIL: building $1"
	failed=$((failed + 1))
	return 1
}

# run KERNEL NAME [--plain] -- CMD...: run CMD in KERNEL and count its tests.
run() {
	local kernel=$1 name=$1/$2 log mode=() rc=0 out start=$SECONDS
	shift 2
	[ "$1" != --plain ] || { mode=(--plain); shift; }
	shift
	log=$LOGS/${name/\//-}.log
	echo "=== $name"
	if [ "$kernel" = uml ]; then
		tools/uml/run.sh -- "$@"
	else
		tools/vm/run.sh --kernel "$kernel" -- "$@"
	fi >"$log" 2>&1 || rc=$?
	echo "($((SECONDS - start)) s)"
	out=$(python3 tools/tap_results.py "${mode[@]}" "$name" "$rc" "$log") ||
		tail -n 40 "$log"
	echo "$out"
	count "${out##*$'\n'}"
}

FUZZ_SECONDS=${FUZZ_SECONDS:-20}
FUZZ_SEED=${FUZZ_SEED:-0xdbdef022}
tests=()
[ $# -gt 0 ] || set -- selftests dbdevctl fuzz
for t in "$@"; do
	case $t in
	selftests | dbdevctl | fuzz) ;;
	*) echo "usage: $0 [selftests|dbdevctl|fuzz]..." >&2; exit 2 ;;
	esac
	build "$t" "tools/$t" && tests+=("$t")
done
for k in "${KERNELS[@]}"; do
	for t in "${tests[@]}"; do
		case $t in
		selftests)
			run "$k" selftests -- tools/selftests/dbdev_test
			# the UML kernel is built without cgroups, the distro
			# kernels without fault injection
			if [ "$k" = uml ]; then
				run "$k" failnth -- tools/selftests/failnth_test
			else
				run "$k" memcg -- tools/selftests/memcg_test
			fi ;;
		dbdevctl)
			run "$k" dbdevctl --plain -- tools/dbdevctl/dbdevctl \
				-x -f tools/dbdevctl/demo.dbdev
			run "$k" dbdevctl-test --plain -- tools/dbdevctl/dbdevctl \
				-f tools/dbdevctl/test.dbdev
			run "$k" dbdevctl-pid -- tools/dbdevctl/pidtest.sh
			# the UML kernel is built without tracing
			[ "$k" = uml ] ||
				run "$k" trace -- tools/tracetest.sh
			run "$k" debugfs -- tools/debugfstest.sh ;;
		fuzz)
			# Debian 12's QEMU, emulating (TCG), corrupts the
			# flags register of a 6.12 guest that runs the
			# fuzzer's 32-bit threads, whether they call dbdev or
			# /dev/null: WARNINGs in exc_debug_kernel(), slab
			# corruption, double faults (three boots in three with
			# /dev/null; none on 6.1, none with the 64-bit
			# threads, none with -cpu max).  The compat path is the
			# same code on both lines: 6.1 fuzzes it.
			compat=1
			[ "$k" != 6.12 ] || compat=0
			run "$k" fuzz -- env DBDEV_FUZZ_COMPAT=$compat \
				tools/fuzz/run.sh "$FUZZ_SECONDS" "$FUZZ_SEED" ;;
		esac
	done
done
echo "vmtest: $passed passed, $failed failed"
[ "$failed" = 0 ]
