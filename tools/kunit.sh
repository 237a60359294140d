#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs the dbdev KUnit suites under UML with kunit.py from Debian's
# linux-source-6.1, extracted in $CACHE.  The repo's sources are copied
# into drivers/dbdev of that tree; the kernel is built in $UML_BUILD, where
# the full kernel log is kept as test.log.  Ends with the line
# "kunit: N passed, N failed" (see tools/kunit_results.py).
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
python3 "$TOP/tools/kunit_results.py" "$UML_BUILD/test.log" \
	"$TOP"/kunit/*_test.c
