#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tools/fuzz/run.sh SECONDS SEED
#
# One fuzzing session as TAP, run as root with dbdev loaded, e.g.
#
#     tools/vm/run.sh --kernel 6.12 -- tools/fuzz/run.sh 60 0x1234
#
# SECONDS are split between the two modes of dbdev_fuzz: model mode (one
# context, a model of its devices checked after every call, exact replay:
# `dbdev_fuzz -m -s SEED`) and four threads on shared contexts (SEED + 1).
# In a kernel where dbdev is a module, the last test unloads dbdev and the
# samples: a context, device or type reference the fuzzer's calls leaked
# would keep one of them in use.  A kernel report fails the run too (the
# runner watches the log).
set -u
cd "$(dirname "$0")"
[ $# = 2 ] || { echo "usage: $0 SECONDS SEED" >&2; exit 2; }
half=$(($1 / 2)) seed=$(($2))
modular=0
grep -qs '^dbdev ' /proc/modules && modular=1
n=0 fails=0

# fuzz NAME ARGS...: one run of dbdev_fuzz, one result.
fuzz() {
	local name=$1 out rc=0
	shift
	n=$((n + 1))
	out=$(./dbdev_fuzz "$@" 2>&1) || rc=$?
	sed 's/^/# /' <<<"$out"
	if [ $rc = 0 ]; then
		echo "ok $n - $name: $(tail -n 1 <<<"$out" | sed 's/^dbdev_fuzz: //')"
	else
		fails=$((fails + 1))
		echo "not ok $n - $name (replay: dbdev_fuzz $*)"
	fi
}

echo "TAP version 13"
echo "1..$((2 + modular))"
fuzz "model mode" -m -s "$seed" -t "$half"
fuzz "threads" -j 4 -s "$((seed + 1))" -t "$half"
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
