#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tools/bench.sh [kunit] [smp] [ioctl] [kvm]   (default: all four)
# kunit: runs the dbdev benchmark suite (kunit/dbdev_bench.c) in a UML
#   kernel without debug options (kunit/benchconfig, cached in
#   $CACHE/uml-bench beside the KASAN+lockdep kernel of `make kunit`), and
#   prints its tables: dispatch next to three other lookups, updates,
#   memory per range, the allocator.
# smp: the same benchmarks as a module (dbdev_bench.ko, built against the
#   6.1 and the 6.12 headers), loaded into Debian's SMP kernels in a QEMU
#   VM of two CPUs, where what SMP costs shows (migration and preemption
#   control, SRCU's fences); under TCG, so only ratios mean anything.
# ioctl: tools/bench/ioctl_bench in the same VM (6.1 and 6.12, two CPUs):
#   a null ioctl, one DBDEV_IO and an access of a 256-access batch, as
#   ratios (TCG again).
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
	local build=$CACHE/uml-bench
	mkdir -p "$build"
	rm -f "$build/test.log"
	(cd "$SRC61" && python3 tools/testing/kunit/kunit.py run \
		--kunitconfig="$TOP/kunit/benchconfig" --build_dir="$build" \
		--jobs="$(nproc)" --timeout="${KUNIT_TIMEOUT:-1800}" \
		'dbdev_bench' </dev/null) >"$build/bench.out" 2>&1 ||
		{ tail -n 30 "$build/bench.out"; echo "bench: the run failed"; exit 1; }
	echo "=== the dbdev benchmark suite, UML $(sed -n 's/^VERSION = //p;s/^PATCHLEVEL = /./p;s/^SUBLEVEL = /./p' "$SRC61/Makefile" | tr -d '\n') without debug options, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
	sed -n 's/^.*dbdev-bench: //p' "$build/test.log"
}

smp_bench() {
	local line kdir dir
	for line in 6.1 6.12; do
		kdir=$("$TOP/tools/kdir.sh" "$line")
		dir=$CACHE/bench-smp-$line
		mkdir -p "$dir"
		copy_sources "$dir"
		make -C "$kdir" M="$dir" CONFIG_DBDEV=m \
			CONFIG_DBDEV_BENCH_MODULE=m -j"$(nproc)" modules \
			>"$dir/build.log" 2>&1 ||
			{ tail -n 30 "$dir/build.log"; echo "bench: building the module failed"; exit 1; }
		echo "=== the dbdev benchmark suite as a module, Debian's $line kernel, QEMU (TCG) with 2 CPUs: compare ratios only"
		"$TOP/tools/vm/run.sh" --kernel "$line" --cpus 2 -- sh -c \
			"insmod $dir/dbdev_bench.ko && dmesg | sed -n 's/.*dbdev-bench: /BENCH /p'" 2>&1 |
			sed -n 's/^BENCH //p' | grep . ||
			{ echo "bench: the SMP bench failed on $line"; exit 1; }
	done
}

ioctl_bench() {
	local line out
	make -s -C "$TOP/tools/bench"
	for line in 6.1 6.12; do
		echo "=== injecting accesses from userspace, Debian's $line kernel, QEMU (TCG) with 2 CPUs: compare ratios only"
		out=$("$TOP/tools/vm/run.sh" --kernel "$line" --cpus 2 -- \
			tools/bench/ioctl_bench 2>&1) ||
			{ echo "$out" | tail -n 20; echo "bench: the ioctl bench failed on $line"; exit 1; }
		sed -n 's/^bench: //p' <<<"$out"
	done
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

[ $# -gt 0 ] || set -- kunit smp ioctl kvm
for part in "$@"; do
	case $part in
	kunit) kunit_bench ;;
	smp) smp_bench ;;
	ioctl) ioctl_bench ;;
	kvm) kvm_bench ;;
	*) echo "usage: $0 [kunit] [smp] [ioctl] [kvm]" >&2; exit 2 ;;
	esac
done
