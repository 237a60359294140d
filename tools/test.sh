#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make test`: installs what is missing, runs every check step and every
# KUnit case, keeps going after a failure, and ends with the single line
# "N passed, N failed" summing all of them, after a list of every failure
# (so the end of the output says what failed).  Exits 1 if anything failed.
set -euo pipefail
cd "$(dirname "$0")/.."

passed=0 failed=0
log=$(mktemp)
fails=$(mktemp)
trap 'rm -f "$log" "$fails"' EXIT

# step NAME CMD...: run CMD, add the counts of its closing "NAME: N passed,
# N failed" line; a CMD that dies before printing one counts as one failure.
step() {
	local name=$1 line
	shift
	echo "##### $name"
	"$@" 2>&1 | tee "$log" || true
	grep -E '^(kvm-test: )?FAIL' "$log" | sed "s/^/$name: /" >>"$fails" || true
	line=$(grep -E "^$name: [0-9]+ passed, [0-9]+ failed$" "$log" | tail -n1 || true)
	if [ -z "$line" ]; then
		echo "FAIL: $name ended without a result" | tee -a "$fails"
		failed=$((failed + 1))
		return
	fi
	read -r p f <<<"$(sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed/\1 \2/' <<<"$line")"
	passed=$((passed + p))
	failed=$((failed + f))
}

echo "##### deps"
if ! tools/deps.sh; then
	echo "FAIL: deps" | tee -a "$fails"
	failed=$((failed + 1))
fi
step check tools/check.sh
step install tools/installtest.sh
step kunit tools/kunit.sh
step vmtest tools/vmtest.sh
step kvm tools/kvmtest.sh

if [ -s "$fails" ]; then
	echo "##### failures"
	cat "$fails"
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
