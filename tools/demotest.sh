#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tools/demotest.sh [6.1|6.12 ...]
# The tests of the KVM demo (tools/vmm): for each kernel line (default:
# both), boots a QEMU VM with nested KVM (tools/vm/run.sh --kvm), which
# loads dbdev and the sample modules, and there runs the VMM with
#   banner     the UART output is byte for byte the expected text: the
#              copy sent with `out`, the one sent with `rep outsb` and the
#              line with the register block's values read over MMIO
#   selfcheck  the guest checks the UART and MMIO registers itself: status 0
#   nodev      accesses to addresses no device owns are reported as such,
#              read all ones, and the VMM runs on to the guest's exit
#   halt       HLT ends the run with status 0
#   rmmod      the UART's driver cannot be unloaded while a context holds a
#              device of its type, and can once the context is closed
#              (last: it leaves the module unloaded)
# Ends with "demo: N passed, N failed".  Inside the VM (DBDEV_VM set) it
# runs the cases and prints "demo-test: PASS|FAIL LINE CASE" lines.
set -euo pipefail
cd "$(dirname "$0")/.."

VMM=tools/vmm/vmm
G=tools/vmm/guests
CASES=(banner-out banner-rep-outsb banner-mmio selfcheck nodev halt rmmod)

# ------------------------------------------------------------------ in the VM
in_vm() {
	local t rc
	t=$(mktemp -d)

	result() {	# result CASE OK [WHY]
		if [ "$2" = 0 ]; then
			echo "demo-test: PASS $DBDEV_VM $1"
		else
			echo "demo-test: FAIL $DBDEV_VM $1${3:+: $3}"
		fi
	}
	# vmm NAME: run the guest NAME.bin; $t/NAME.{out,err,rc}
	vmm() {
		rc=0
		"$VMM" --timeout 60 "$G/$1.bin" >"$t/$1.out" 2>"$t/$1.err" || rc=$?
		echo "$rc" >"$t/$1.rc"
		sed "s/^/  $1: /" "$t/$1.err"
	}
	# has NAME LINE: the VMM's stderr of NAME has exactly LINE
	has() { grep -qxF -- "$2" "$t/$1.err"; }

	# banner: stdout is the head line and the banner, twice, then the
	# register values, and nothing else
	vmm banner
	printf -- '--- the banner, one out instruction per byte:\n' >"$t/exp-out"
	tail -n +2 "$G/banner.txt" >>"$t/exp-out"
	printf -- '--- the banner again, one rep outsb:\n' >"$t/exp-rep"
	tail -n +2 "$G/banner.txt" >>"$t/exp-rep"
	printf -- '--- the register block, over MMIO: ID 47524244 "DBRG", VERSION 00010000, COUNTER 00000000 00000001 00000002\n' >"$t/exp-mmio"
	local n_out n_rep
	n_out=$(stat -c %s "$t/exp-out")
	n_rep=$(stat -c %s "$t/exp-rep")
	head -c "$n_out" "$t/banner.out" >"$t/got-out"
	tail -c +"$((n_out + 1))" "$t/banner.out" | head -c "$n_rep" >"$t/got-rep"
	tail -c +"$((n_out + n_rep + 1))" "$t/banner.out" >"$t/got-mmio"
	for c in out rep mmio; do
		local ok=0 why=
		if [ "$(cat "$t/banner.rc")" != 0 ]; then
			ok=1 why="exit status $(cat "$t/banner.rc")"
		elif ! cmp -s "$t/exp-$c" "$t/got-$c"; then
			ok=1 why="the output differs"
			diff -u "$t/exp-$c" "$t/got-$c" | sed 's/^/  banner: /' || true
		elif grep -q '^vmm: unhandled' "$t/banner.err" ||
			! grep -Eq '^vmm: +1  dbdev-uart16550 +PIO  0x3f8-0x3ff ' "$t/banner.err"; then
			ok=1 why="unexpected VMM messages"
		fi
		case $c in
		out) result banner-out "$ok" "$why" ;;
		rep) result banner-rep-outsb "$ok" "$why" ;;
		mmio) result banner-mmio "$ok" "$why" ;;
		esac
	done

	# selfcheck: exit status 0, else the number of the failed check
	vmm selfcheck
	sed 's/^/  selfcheck: /' "$t/selfcheck.out"
	rc=$(cat "$t/selfcheck.rc")
	if [ "$rc" = 0 ] && grep -qx 'selfcheck: all [0-9]* checks passed' "$t/selfcheck.out"; then
		result selfcheck 0
	else
		case $rc in
		125) result selfcheck 1 "the VMM failed (status 125)" ;;
		*) result selfcheck 1 "exit status $rc: check $rc failed" ;;
		esac
	fi

	# nodev: every unowned access reported, the guest saw all ones (status
	# 0) and the VMM ran to the end
	vmm nodev
	local missing=() l
	for l in \
		'vmm: unhandled PIO read at 0x2f8 (no device)' \
		'vmm: unhandled PIO write at 0x2f8 (no device)' \
		'vmm: unhandled PIO read at 0x2f8 (no device), string I/O' \
		'vmm: PIO read of 2 bytes at 0x3ff runs past the end of device 1 (-ERANGE)' \
		'vmm: unhandled MMIO read at 0xe0000 (no device)' \
		'vmm: unhandled MMIO write at 0xe0000 (no device)' \
		'vmm: the guest wrote to the exit port, exit status 0'; do
		has nodev "$l" || missing+=("$l")
	done
	rc=$(cat "$t/nodev.rc")
	if [ "$rc" != 0 ]; then
		result nodev 1 "exit status $rc"
	elif [ ${#missing[@]} -gt 0 ]; then
		result nodev 1 "missing: ${missing[*]}"
	else
		result nodev 0
	fi

	# halt: HLT is status 0
	vmm halt
	rc=$(cat "$t/halt.rc")
	if [ "$rc" = 0 ] && has halt 'vmm: the guest halted, exit status 0' &&
		grep -qx 'halt: stopping with HLT' "$t/halt.out"; then
		result halt 0
	else
		result halt 1 "exit status $rc"
	fi
	# rmmod: dbdevctl holds a UART in its context, fed through a fifo
	local i busy=1 gone=1
	mkfifo "$t/cmds"
	tools/dbdevctl/dbdevctl - <"$t/cmds" >"$t/rmmod.out" 2>&1 &
	exec 7>"$t/cmds"
	echo 'create dbdev-uart16550 pio:0x2f8+8' >&7
	for i in $(seq 50); do
		grep -q '^1 dbdev-uart16550' "$t/rmmod.out" && break
		sleep 0.1
	done
	rmmod dbdev_uart 2>/dev/null || busy=0
	exec 7>&-
	wait
	rmmod dbdev_uart && gone=0
	sed 's/^/  rmmod: /' "$t/rmmod.out"
	if [ "$busy" = 0 ] && [ "$gone" = 0 ]; then
		result rmmod 0
	else
		result rmmod 1 "unloaded with a device: $busy; not after: $gone"
	fi
	rm -rf "$t"
}

if [ -n "${DBDEV_VM:-}" ]; then
	in_vm
	exit 0
fi

# ---------------------------------------------------------------- on the host
passed=0 failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

if ! { make -s -C tools/vmm && make -s -C tools/dbdevctl; } >"$log" 2>&1; then
	cat "$log"
	echo "FAIL: building tools/vmm and tools/dbdevctl"
	echo "demo: 0 passed, 1 failed"
	exit 1
fi

lines=("$@")
[ ${#lines[@]} -gt 0 ] || lines=(6.1 6.12)
for line in "${lines[@]}"; do
	echo "--- kernel $line: tools/vm/run.sh --kernel $line --kvm -- tools/demotest.sh"
	start=$SECONDS rc=0
	DBDEV_VM_TIMEOUT=${DBDEV_VM_TIMEOUT:-300} \
		tools/vm/run.sh --kernel "$line" --kvm -- tools/demotest.sh 2>&1 |
		tee "$log" || rc=${PIPESTATUS[0]}
	echo "--- kernel $line: VM exit status $rc, $((SECONDS - start)) s"
	for c in "${CASES[@]}"; do
		if grep -qxF "demo-test: PASS $line $c" "$log"; then
			passed=$((passed + 1))
		else
			grep -qF "demo-test: FAIL $line $c" "$log" ||
				echo "demo-test: FAIL $line $c: no result"
			failed=$((failed + 1))
		fi
	done
	if [ "$rc" != 0 ]; then	# the VM itself failed (timeout, kernel report)
		echo "demo-test: FAIL $line: the VM run failed"
		failed=$((failed + 1))
	fi
done

echo "demo: $passed passed, $failed failed"
[ "$failed" = 0 ]
