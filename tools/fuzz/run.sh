#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tools/fuzz/run.sh SECONDS SEED
#
# One fuzzing session as TAP, run as root with dbdev loaded, e.g.
#
#     tools/vm/run.sh --kernel 6.12 -- tools/fuzz/run.sh 60 0x1234
#
# SECONDS are split between the modes of dbdev_fuzz: model mode (one
# context, a model of its devices checked after every call, exact replay:
# `dbdev_fuzz -m -s SEED`), four threads on shared contexts (SEED + 1),
# where the kernel runs 32-bit programs (not UML), the same threads as a
# 32-bit process, through the compat ioctl path (SEED + 2), and where
# there is /dev/kvm, the threads each with a KVM guest under
# DBDEV_KVM_RUN (`dbdev_fuzz -k`, SEED + 3).
# DBDEV_FUZZ_COMPAT=0 leaves the 32-bit process out (tools/vmtest.sh says
# where, and why).
# In a kernel where dbdev is a module, the last test unloads dbdev and the
# samples: a context, device or type reference the fuzzer's calls leaked
# would keep one of them in use.  A kernel report fails the run too (the
# runner watches the log).
set -u
cd "$(dirname "$0")"
[ $# = 2 ] || { echo "usage: $0 SECONDS SEED" >&2; exit 2; }
seed=$(($2))
modular=0 compat=0 kvm=0
grep -qs '^dbdev ' /proc/modules && modular=1
./dbdev_fuzz32 -h >/dev/null 2>&1; [ $? = 2 ] && compat=1
[ "${DBDEV_FUZZ_COMPAT:-1}" != 0 ] || compat=0
[ -c /dev/kvm ] && kvm=1
part=$(($1 / (2 + compat + kvm)))
n=0 fails=0

# fuzz NAME CMD...: one run of the fuzzer, one result.
fuzz() {
	local name=$1 out rc=0
	shift
	n=$((n + 1))
	out=$("$@" 2>&1) || rc=$?
	sed 's/^/# /' <<<"$out"
	if [ $rc = 0 ]; then
		echo "ok $n - $name: $(tail -n 1 <<<"$out" | sed 's/^dbdev_fuzz: //')"
	else
		fails=$((fails + 1))
		echo "not ok $n - $name (replay: $*)"
	fi
}

echo "TAP version 13"
echo "1..$((2 + compat + kvm + modular))"
fuzz "model mode" ./dbdev_fuzz -m -s "$seed" -t "$part"
fuzz "threads" ./dbdev_fuzz -j 4 -s "$((seed + 1))" -t "$part"
[ $compat = 0 ] ||
	fuzz "a 32-bit process" ./dbdev_fuzz32 -j 4 -s "$((seed + 2))" -t "$part"
[ $kvm = 0 ] ||
	fuzz "KVM guests" ./dbdev_fuzz -k -j 4 -s "$((seed + 3))" -t "$part"
if [ $modular = 1 ]; then
	n=$((n + 1))
	if out=$(rmmod dbdev_testdev dbdev_uart dbdev_regs dbdev 2>&1); then
		echo "ok $n - nothing leaked: dbdev and the samples unload"
	else
		fails=$((fails + 1))
		echo "not ok $n - a reference leaked: $out"
	fi
fi
[ $fails = 0 ]
