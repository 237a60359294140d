#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tools/uml/run.sh -- CMD...
#
# Runs CMD as root in the UML kernel of `make kunit` (KASAN, lockdep,
# PROVE_RCU, ...; dbdev built in), whose root is the host's / (hostfs,
# read-write: what the guest writes lands on the host).  CMD runs in the
# current folder if that is inside the project, else in the project
# folder, with DBDEV_VM=uml.  The KUnit suites do not run at boot.  The
# kernel is built (incrementally) first, in tools/kunit.sh's tree.
#
# Exits with CMD's status.  A kernel panic, a timeout (DBDEV_VM_TIMEOUT
# seconds, default 600) or a kernel report (KASAN, lockdep, WARNING, BUG,
# ...) that involves dbdev fails the run.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$TOP/tools/vm/common.sh"

[ "${1:-}" = -- ] && [ $# -ge 2 ] || { echo "usage: $0 -- CMD..." >&2; exit 2; }
shift
VM_NAME=uml VM_TIMEOUT=${DBDEV_VM_TIMEOUT:-600}
new_run "$@"

# Build the kernel and take a copy of it, under the lock of the build
# folder that `make kunit` and `make bench` share.
(
	lock uml
	prepare_tree
	(cd "$SRC61" && python3 tools/testing/kunit/kunit.py build \
		--kunitconfig="$TOP/kunit/kunitconfig" --build_dir="$UML_BUILD" \
		--jobs="$(nproc)" </dev/null) >"$RUN/build.log" 2>&1 ||
		{ cat "$RUN/build.log" >&2; exit 1; }
	cp "$UML_BUILD/linux" "$RUN/linux"
)

# kunit.filter_glob matches no suite: the KUnit tests built in stay idle.
rc=0
timeout -k 10 "$VM_TIMEOUT" "$RUN/linux" mem=1G rootfstype=hostfs \
	rootflags=/ rw init="$TOP/tools/uml/init.sh" console=tty \
	con0=fd:0,fd:1 quiet kasan_multi_shot \
	kunit.filter_glob=no-suite-at-boot VM_RUN="$RUN" \
	</dev/null 2>&1 | console || rc=${PIPESTATUS[0]}
finish "$rc"
