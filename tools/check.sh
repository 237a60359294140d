#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tools/check.sh [STEP...]
# Static checks and builds of dbdev; every step passes only with no finding:
#   checkpatch  scripts/checkpatch.pl --strict of linux-source-6.1
#   sparse      the module build against the 6.1 headers with C=2
#   kernel-doc  scripts/kernel-doc -none -v (6.1's spelling of -Wall)
#   build-6.1   the module build with W=1 against the installed 6.1 headers
#   build-6.12  the same against the newest Debian 12 6.12 headers
#   clean       `make` then `make clean` in a copy of the tracked files
#               leaves exactly those files
#   docs        Documentation/ with Sphinx (warnings are errors), every
#               export in its kernel API page
# Builds happen in copies of the sources under $CACHE/check.  Ends with the
# line "check: N passed, N failed".
set -euo pipefail
. "$(dirname "$0")/lib.sh"

lock check
ensure_source61
mapfile -t FILES < <(kernel_sources)
SCRIPTS=$SRC61/scripts

checkpatch() {
	"$SCRIPTS/checkpatch.pl" --strict --no-tree --quiet --no-summary \
		--show-types -f "${FILES[@]}"
}

kernel_doc() {
	local out
	out=$("$SCRIPTS/kernel-doc" -none -v "${FILES[@]}" 2>&1) || return 1
	out=$(grep -Ev ': info: |^[0-9]+ (warnings|errors)$' <<<"$out" || true)
	[ -z "$out" ] || { echo "$out"; return 1; }
}

# build KDIR [MAKE ARGS]: build the module in a copy of the sources; any
# warning or error in the output is a finding.
build() {
	local kdir=$1 dir=$CACHE/check/$STEP out rc=0
	shift
	[ -d "$kdir" ] || { echo "no kernel headers at '$kdir'"; return 1; }
	copy_sources "$dir"
	echo "KDIR=$kdir"
	out=$(make -C "$kdir" M="$dir" CONFIG_DBDEV=m CONFIG_DBDEV_TEST_TYPE=m \
		CONFIG_DBDEV_SAMPLES=m \
		-j"$(nproc)" "$@" \
		modules 2>&1) || rc=$?
	out=${out//$dir\//}		# report paths as in the repo
	echo "$out"
	[ "$rc" = 0 ] && [ -f "$dir/dbdev.ko" ] &&
		! grep -Eqi 'warning|error' <<<"$out"
}

# docs: every export is in Documentation/kernel-api.rst, and Documentation/
# builds with Sphinx and the kernel-doc extension of the 6.1 source,
# warnings as errors, into $CACHE/htmldocs.
docs() {
	local s missing=
	for s in $(sed -n 's/^EXPORT_SYMBOL_NS_GPL(\([a-z0-9_]*\),.*/\1/p' *.c); do
		grep -qw "$s" Documentation/kernel-api.rst || missing+=" $s"
	done
	[ -z "$missing" ] || { echo "not in Documentation/kernel-api.rst:$missing"; return 1; }
	DBDEV_KSRC=$SRC61 sphinx-build -q -W -b html -d "$CACHE/htmldocs.doctrees" \
		Documentation "$CACHE/htmldocs"
}

# clean: what `make clean` removes is what `make` made, nothing tracked.
clean() {
	local dir=$CACHE/check/clean
	rm -rf "$dir"
	mkdir -p "$dir"
	git -C "$TOP" ls-files -z | (cd "$TOP" && xargs -0 cp -P --parents -t "$dir")
	(cd "$dir" && find . -type f | sort) >"$dir.before"
	make -C "$dir" -s -j"$(nproc)" modules >/dev/null
	[ -f "$dir/dbdev.ko" ] || { echo "make built no dbdev.ko"; return 1; }
	make -C "$dir" -s clean
	(cd "$dir" && find . -type f | sort) >"$dir.after"
	diff -u --label tracked --label 'after make clean' "$dir.before" "$dir.after"
}

run_step() {
	case $1 in
	checkpatch) checkpatch ;;
	sparse) build "$(tools/kdir.sh 6.1)" C=2 ;;
	kernel-doc) kernel_doc ;;
	build-6.1) build "$(tools/kdir.sh 6.1)" W=1 ;;
	build-6.12) build "$(tools/kdir.sh 6.12)" W=1 ;;
	clean) clean ;;
	docs) docs ;;
	*) echo "unknown step"; return 1 ;;
	esac
}

cd "$TOP"
[ $# -gt 0 ] || set -- checkpatch sparse kernel-doc build-6.1 build-6.12 clean docs
passed=0 failed=0
for STEP in "$@"; do
	echo "=== $STEP"
	if run_step "$STEP" 2>&1; then
		echo "PASS: $STEP"
		passed=$((passed + 1))
	else
		echo "FAIL: $STEP"
		failed=$((failed + 1))
	fi
done
echo "check: $passed passed, $failed failed"
[ "$failed" = 0 ]
