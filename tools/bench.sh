#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tools/bench.sh [kunit] [kvm]   (default: both)
# kunit: runs the dbdev benchmark suite (kunit/dbdev_bench.c) in the same
#   cached UML kernel as `make kunit`, with CONFIG_DBDEV_BENCH switched on
#   for this run only, and prints its table.
# kvm: runs the VMM's bench guest (tools/vmm/guests/bench.s) under nested
#   KVM on the 6.1 and the 6.12 kernel, in a VM of one CPU (whose TSC is
#   stable, as a real host's), and prints its table: guest accesses to
#   the VMM's own device, to KVM's own, and to dbdev's, through DBDEV_IO
#   and under DBDEV_KVM_RUN, timed in one boot.
# A benchmark, not a test: it judges nothing, but fails if a part did not
# run to the end.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kunit_bench() {
	lock uml
	prepare_tree
	rm -f "$UML_BUILD/test.log"
	(cd "$SRC61" && python3 tools/testing/kunit/kunit.py run \
		--kunitconfig="$TOP/kunit/kunitconfig" --build_dir="$UML_BUILD" \
		--kconfig_add CONFIG_DBDEV_BENCH=y --jobs="$(nproc)" \
		--timeout="${KUNIT_TIMEOUT:-1800}" 'dbdev_bench' </dev/null) \
		>"$UML_BUILD/bench.out" 2>&1 ||
		{ tail -n 30 "$UML_BUILD/bench.out"; echo "bench: the run failed"; exit 1; }
	sed -n 's/^.*dbdev-bench: //p' "$UML_BUILD/test.log"
}

kvm_bench() {
	local line
	make -s -C "$TOP/tools/vmm"
	for line in 6.1 6.12; do
		echo "=== guest accesses per second, Debian's $line kernel, nested KVM under TCG, one CPU"
		"$TOP/tools/vm/run.sh" --kernel "$line" --kvm --cpus 1 -- \
			tools/vmm/vmm --timeout 300 tools/vmm/guests/bench.bin 2>&1 |
			sed -n 's/^vmm: bench: //p' | grep . ||
			{ echo "bench: the KVM bench failed on $line"; exit 1; }
	done
}

[ $# -gt 0 ] || set -- kunit kvm
for part in "$@"; do
	case $part in
	kunit) kunit_bench ;;
	kvm) kvm_bench ;;
	*) echo "usage: $0 [kunit] [kvm]" >&2; exit 2 ;;
	esac
done
