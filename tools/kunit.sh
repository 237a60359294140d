#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs the dbdev KUnit suites under UML with kunit.py from Debian's
# linux-source-6.1, extracted in $CACHE.  The repo's sources are copied
# into drivers/dbdev of that tree; the kernel is built in $UML_BUILD, where
# the full kernel log is kept as test.log.  Ends with the line
# "kunit: N passed, N failed": every KUnit case (see tools/kunit_results.py)
# and one case for sparse and W=1 over the dbdev files of that build.
# KUNIT_TIMEOUT: seconds the tests may run (default 1800).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

lock uml
prepare_tree

# kunit.py gives UML mem=1G after any --kernel_args, so that is what the
# tests get (enough for 100,000 devices).  kasan_multi_shot: report every
# KASAN bug, not only the first, so that each case is judged on its own.
rm -f "$UML_BUILD/test.log"
rc=0
(cd "$SRC61" && python3 tools/testing/kunit/kunit.py run \
	--kunitconfig="$TOP/kunit/kunitconfig" --build_dir="$UML_BUILD" \
	--jobs="$(nproc)" --timeout="${KUNIT_TIMEOUT:-1800}" \
	--kernel_args=kasan_multi_shot </dev/null) || rc=$?

echo "Kernel log: $UML_BUILD/test.log"
[ "$rc" = 0 ] || echo "kunit.py exited with status $rc"
# every suite but the one of allocation failures, which only `make stress`
# can run (see kunit/dbdev_failnth_test.c)
suites=()
for f in "$TOP"/kunit/*_test.c; do
	[[ $f == */dbdev_failnth_test.c ]] || suites+=("$f")
done
results=$(python3 "$TOP/tools/kunit_results.py" "$UML_BUILD/test.log" \
	"${suites[@]}") || true
sed '$d' <<<"$results"
if ! read -r passed failed < <(sed -nE \
	'$s/^kunit: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' <<<"$results"); then
	echo "FAIL: no KUnit results"
	passed=0 failed=1
fi

# One more case: sparse and W=1 over every dbdev file of this build, the
# suites included (the distro builds of `make check` have no CONFIG_KUNIT,
# so they never compile these).  Touching the copies makes all of them
# compile again, so that every warning shows.
echo "=== sparse and W=1 of drivers/dbdev in the UML build"
find "$SRC61/drivers/dbdev" -name '*.c' -exec touch {} +
out=$(cd "$SRC61" && make ARCH=um O="$UML_BUILD" C=2 W=1 -j"$(nproc)" \
	drivers/dbdev/ 2>&1) || out+=$'\nerror: the build failed'
findings=$(grep -E 'drivers/dbdev/.*(warning|error)|^error' <<<"$out" || true)
if [ -z "$findings" ]; then
	echo "PASS: sparse and W=1"
	passed=$((passed + 1))
else
	echo "$findings"
	echo "FAIL: sparse and W=1"
	failed=$((failed + 1))
fi
echo "kunit: $passed passed, $failed failed"
[ "$failed" = 0 ]
