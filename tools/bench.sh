#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs the dbdev benchmark suite (kunit/dbdev_bench.c) in the same cached
# UML kernel as `make kunit`, with CONFIG_DBDEV_BENCH switched on for this
# run only, and prints its table.  A benchmark, not a test: it judges
# nothing, but fails if the suite did not run to the end.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

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
