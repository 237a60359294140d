#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tools/kvmtest.sh [6.1|6.12 ...]
# The tests that need KVM: for each kernel line (default: both), boots a
# QEMU VM with nested KVM and one CPU (tools/vm/run.sh --kvm --cpus 1:
# under TCG with two, a nested guest now and then loses a vCPU's
# registers), which loads dbdev and the sample modules, and there runs
#   kvm_run/*  tools/selftests/kvm_run_test: DBDEV_KVM_RUN's every errno,
#              exits served and returned, string I/O errors, signals,
#              immediate_exit, fork, two vCPUs (TAP: each test counts)
#   and the demo VMM (tools/vmm) with its guests, under DBDEV_KVM_RUN:
#   banner     the UART output is byte for byte the expected text: the
#              copy sent with `out`, the one sent with `rep outsb`, the
#              register block read over MMIO, the line sent by the
#              THR-empty interrupt handler and the block's MSI; and no
#              access to dbdev's devices reached the VMM
#   userspace  the banner again with --userspace: the VMM forwards every
#              access with DBDEV_IO, same output
#   selfcheck  the guest checks the UART and MMIO registers itself
#   irq        interrupts end to end: THR empty, OUT2 gating, a level
#              line still held after EOI delivered again, input typed
#              into the UART arriving with interrupts, the block's MSI;
#              through the 8259, and the UART again through the IOAPIC
#              with its pin level-triggered
#   stress     100,000 accesses, a signal every millisecond meanwhile:
#              each served once, data exact, none reached the VMM
#   nodev      accesses no device owns are reported once per address,
#              read all ones, and the VMM runs on to the guest's exit
#   halt       without KVM's interrupt controllers HLT reaches the VMM
#              and ends the run with status 0
#   bench      the access timings (tools/vmm/guests/bench.s): the table
#              is printed, all nine rows
#   linux-*    Debian's 6.1 kernel boots as a guest whose console is the
#              UART: its init runs (linux-init), /proc/interrupts shows the
#              serial line's interrupts (linux-interrupts), a shell typed
#              into the UART answers `echo dbdev-$((6*7))` (linux-shell),
#              and no access to the UART reached the VMM (linux-vmm); the
#              same kernel boots on two vCPUs, a VMM thread each
#              (linux-smp)
#   fuzz       tools/fuzz/dbdev_fuzz -k for 20 s: four threads on shared
#              contexts, each running a KVM guest of random port, string
#              and MMIO accesses under DBDEV_KVM_RUN, signalled every few
#              milliseconds, while the others create and destroy devices,
#              close contexts and fork; every answer a documented one
#   rmmod      the UART's driver cannot be unloaded while a context holds
#              a device of its type, and can once the context is closed
#   test-type  once dbdev_testdev is unloaded, creating a dbdev-test device
#              fails with ENOENT and other types work on (rmmod and
#              test-type come last: they leave their modules unloaded)
# Ends with "kvm: N passed, N failed".  Inside the VM (DBDEV_VM set) it
# runs the cases and prints "kvm-test: PASS|FAIL LINE CASE" lines.
set -euo pipefail
cd "$(dirname "$0")/.."

VMM=tools/vmm/vmm
G=tools/vmm/guests
CASES=(banner-out banner-rep-outsb banner-mmio banner-irq banner-vmm userspace
	selfcheck irq stress nodev halt bench linux-init linux-interrupts
	linux-shell linux-vmm linux-smp fuzz rmmod test-type)
FUZZ_SEED=0xdbdef022

# ------------------------------------------------------------------ in the VM

# KVM patches kernel text when the first VM comes and the last one goes,
# and the first vCPU without an in-kernel APIC (the halt case's); under TCG
# the test VM's kernel now and then dies of that live patching.  A VM with
# such a vCPU held for the whole run keeps KVM's static keys on.
hold_kvm() {
	python3 -c '
import fcntl, os, signal
kvm = os.open("/dev/kvm", os.O_RDWR)
vm = fcntl.ioctl(kvm, 0xae01, 0)	# KVM_CREATE_VM
fcntl.ioctl(vm, 0xae41, 0)		# KVM_CREATE_VCPU
signal.pause()' &
	KVM_HOLDER=$!
}

# linux_boot NAME VMM-OPTION...: boot the Linux guest, its console in
# $t/NAME.out (without carriage returns), the VMM's lines in $t/NAME.err,
# both shown; the VMM's exit status in rc.
linux_boot() {
	local name=$1
	shift
	rc=0
	"$VMM" --timeout 300 --linux "$image/vmlinuz" \
		--initrd tools/vmm/initramfs.cpio.gz \
		--mark 'dbdev-demo: init running' "$@" \
		>"$t/$name.raw" 2>"$t/$name.err" || rc=$?
	tr -d '\r' <"$t/$name.raw" >"$t/$name.out"
	grep -v '^\[' "$t/$name.out" | sed "s/^/  $name: /" || true
	sed "s/^/  $name: /" "$t/$name.err"
}

# uart_served NAME: the VMM's table of run NAME says that no access to
# the UART reached it
uart_served() {
	grep -Eq '^vmm: +1  dbdev-uart16550 +PIO  0x3f8-0x3ff +0 ' "$t/$1.err"
}

in_vm() {
	local t rc
	image=$1
	t=$(mktemp -d)
	hold_kvm

	result() {	# result CASE OK [WHY]
		if [ "$2" = 0 ]; then
			echo "kvm-test: PASS $DBDEV_VM $1"
		else
			echo "kvm-test: FAIL $DBDEV_VM $1${3:+: $3}"
		fi
	}
	# vmm NAME GUEST [OPTION...]: run GUEST.bin; $t/NAME.{out,err,rc}
	vmm() {
		local name=$1 guest=$2
		shift 2
		rc=0
		"$VMM" --timeout 120 "$@" "$G/$guest.bin" >"$t/$name.out" \
			2>"$t/$name.err" </dev/null || rc=$?
		echo "$rc" >"$t/$name.rc"
		sed "s/^/  $name: /" "$t/$name.err"
	}
	# has NAME LINE: the VMM's stderr of NAME has exactly LINE
	has() { grep -qxF -- "$2" "$t/$1.err"; }
	# vmm_exits NAME COUNT: accesses to each of dbdev's two devices that
	# reached the VMM, as a regular expression for their number
	vmm_exits() {
		grep -Eq "^vmm: +1  dbdev-uart16550 +PIO  0x3f8-0x3ff +$2 " "$t/$1.err" &&
			grep -Eq "^vmm: +2  dbdev-regs +MMIO 0xd0000-0xd0fff +$2 " "$t/$1.err"
	}
	no_vmm_exits() { vmm_exits "$1" 0; }

	# kvm_run_test: each TAP result is a case
	local line n=0
	tools/selftests/kvm_run_test >"$t/kvm_run.tap" 2>&1 || true
	sed 's/^/  kvm_run: /' "$t/kvm_run.tap"
	echo "kvm-test: PLAN $DBDEV_VM $(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$t/kvm_run.tap")"
	while read -r line; do
		case $line in
		*"#"*[Ss][Kk][Ii][Pp]*)
			line=${line#*ok * - }
			result "kvm_run/${line%% #*}" 1 "skipped" ;;
		"ok "*) result "kvm_run/${line#ok * - }" 0 ;;
		"not ok "*) result "kvm_run/${line#not ok * - }" 1 ;;
		*) continue ;;
		esac
		n=$((n + 1))
	done <"$t/kvm_run.tap"

	# banner: stdout is the head line and the banner, twice, the register
	# values, the interrupt-driven line and the MSI line, and nothing else
	vmm banner banner
	printf -- '--- the banner, one out instruction per byte:\n' >"$t/exp-out"
	tail -n +2 "$G/banner.txt" >>"$t/exp-out"
	printf -- '--- the banner again, one rep outsb:\n' >"$t/exp-rep"
	tail -n +2 "$G/banner.txt" >>"$t/exp-rep"
	printf -- '--- the register block, over MMIO: ID 47524244 "DBRG", VERSION 00010000, COUNTER 00000000 00000001 00000002\n' >"$t/exp-mmio"
	printf -- "--- this line went out a byte per THR-empty interrupt (IRQ 4, through the 8259)\n--- and the register block's doorbell came back as MSI vector 0x41\n" >"$t/exp-irq"
	local n_out n_rep n_mmio
	n_out=$(stat -c %s "$t/exp-out")
	n_rep=$(stat -c %s "$t/exp-rep")
	n_mmio=$(stat -c %s "$t/exp-mmio")
	head -c "$n_out" "$t/banner.out" >"$t/got-out"
	tail -c +"$((n_out + 1))" "$t/banner.out" | head -c "$n_rep" >"$t/got-rep"
	tail -c +"$((n_out + n_rep + 1))" "$t/banner.out" | head -c "$n_mmio" >"$t/got-mmio"
	tail -c +"$((n_out + n_rep + n_mmio + 1))" "$t/banner.out" >"$t/got-irq"
	for c in out rep mmio irq; do
		local ok=0 why=
		if [ "$(cat "$t/banner.rc")" != 0 ]; then
			ok=1 why="exit status $(cat "$t/banner.rc")"
		elif ! cmp -s "$t/exp-$c" "$t/got-$c"; then
			ok=1 why="the output differs"
			diff -u "$t/exp-$c" "$t/got-$c" | sed 's/^/  banner: /' || true
		elif grep -q '^vmm: unhandled' "$t/banner.err"; then
			ok=1 why="unexpected VMM messages"
		fi
		case $c in
		out) result banner-out "$ok" "$why" ;;
		rep) result banner-rep-outsb "$ok" "$why" ;;
		mmio) result banner-mmio "$ok" "$why" ;;
		irq) result banner-irq "$ok" "$why" ;;
		esac
	done
	# and the VMM saw none of it: one return of DBDEV_KVM_RUN, the exit
	if no_vmm_exits banner && grep -q 'DBDEV_KVM_RUN returned 1 times: 1 exits for the VMM' "$t/banner.err"; then
		result banner-vmm 0
	else
		result banner-vmm 1 "accesses to dbdev's devices reached the VMM"
	fi

	# userspace: the same output through DBDEV_IO
	vmm userspace banner --userspace
	rc=$(cat "$t/userspace.rc")
	if [ "$rc" != 0 ]; then
		result userspace 1 "exit status $rc"
	elif ! cmp -s "$t/banner.out" "$t/userspace.out"; then
		result userspace 1 "the output differs from DBDEV_KVM_RUN's"
	elif ! vmm_exits userspace '[1-9][0-9]*' ||
		! grep -q '^vmm: in the kernel: 0 port-I/O and 0 MMIO exits served;' "$t/userspace.err"; then
		result userspace 1 "an access to a device did not reach the VMM"
	else
		result userspace 0
	fi

	# selfcheck: exit status 0, else the number of the failed check
	vmm selfcheck selfcheck
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

	# irq: the input comes a second after the start, while the guest waits
	rc=0
	(sleep 1; echo dbdev-42) | "$VMM" --timeout 120 "$G/irq.bin" >"$t/irq.out" \
		2>"$t/irq.err" || rc=$?
	sed 's/^/  irq: /' "$t/irq.out" "$t/irq.err"
	if [ "$rc" != 0 ]; then
		result irq 1 "exit status $rc: check $rc failed"
	elif ! grep -qF "got 'dbdev-42'" "$t/irq.out" ||
		! grep -qx 'irq: all 6 checks passed' "$t/irq.out"; then
		result irq 1 "the guest did not report its checks"
	elif ! no_vmm_exits irq; then
		result irq 1 "accesses to dbdev's devices reached the VMM"
	else
		result irq 0
	fi

	# stress: a signal every millisecond; every access served once, in the
	# kernel (50,000 of each, and the few of the messages)
	vmm stress stress --signal-us 1000
	rc=$(cat "$t/stress.rc")
	local served
	served=$(sed -n 's/^vmm: in the kernel: \([0-9]*\) port-I\/O and \([0-9]*\) MMIO exits served; .*: 1 exits for the VMM, \([0-9]*\) signals, 0 other KVM_RUN errors, 0 device errors$/\1 \2 \3/p' "$t/stress.err")
	read -r pio mmio signals <<<"${served:-0 0 0}"
	if [ "$rc" != 0 ]; then
		result stress 1 "exit status $rc"
	elif ! no_vmm_exits stress; then
		result stress 1 "accesses to dbdev's devices reached the VMM"
	elif [ "$pio" -lt 50000 ] || [ "$mmio" != 50001 ] || [ "$signals" -lt 1 ]; then
		result stress 1 "served $pio PIO, $mmio MMIO with $signals signals"
	else
		result stress 0
	fi

	# nodev: each unowned address reported once, the guest saw all ones
	# (status 0) and the VMM ran to the end
	vmm nodev nodev
	local missing=() l
	for l in \
		'vmm: unhandled PIO read at 0x2f8 (no device)' \
		'vmm: PIO read of 2 bytes at 0x3ff runs past the end of device 1 (-ERANGE)' \
		'vmm: unhandled MMIO read at 0xe0000 (no device)' \
		'vmm: the guest wrote to the exit port, exit status 0'; do
		has nodev "$l" || missing+=("$l")
	done
	rc=$(cat "$t/nodev.rc")
	if [ "$rc" != 0 ]; then
		result nodev 1 "exit status $rc"
	elif [ ${#missing[@]} -gt 0 ]; then
		result nodev 1 "missing: ${missing[*]}"
	elif [ "$(grep -c 'unhandled .* 0x2f8 ' "$t/nodev.err")" != 1 ] ||
		[ "$(grep -c 'unhandled .* 0xe0000 ' "$t/nodev.err")" != 1 ]; then
		result nodev 1 "an address was reported more than once"
	else
		result nodev 0
	fi

	# halt: HLT is status 0 (without the in-kernel interrupt controllers)
	vmm halt halt --no-irqchip
	rc=$(cat "$t/halt.rc")
	if [ "$rc" = 0 ] && has halt 'vmm: the guest halted, exit status 0' &&
		grep -qx 'halt: stopping with HLT' "$t/halt.out"; then
		result halt 0
	else
		result halt 1 "exit status $rc"
	fi

	# bench: the table, each of its nine rows
	vmm bench bench
	rc=$(cat "$t/bench.rc")
	if [ "$rc" = 0 ] && [ "$(grep -c '^vmm: bench: .*x$' "$t/bench.err")" = 9 ]; then
		result bench 0
	else
		result bench 1 "exit status $rc, or rows missing"
	fi

	# linux: Debian's 6.1 kernel, its console on the UART; a shell session
	# typed once the shell is there, then init reboots the machine
	printf 'echo dbdev-$((6*7))\nexit\n' >"$t/linux.in"
	linux_boot linux --interactive --input-after 'dbdev# ' <"$t/linux.in"
	if [ "$rc" = 0 ] && grep -qx 'dbdev-demo: rebooting' "$t/linux.out"; then
		result linux-init 0
	else
		tail -n 20 "$t/linux.out" | sed 's/^/  linux: /'
		result linux-init 1 "exit status $rc, or init did not run to its end"
	fi
	if grep -Eq '^dbdev-demo: serial interrupts: [1-9]' "$t/linux.out"; then
		result linux-interrupts 0
	else
		result linux-interrupts 1 "no serial interrupts in /proc/interrupts"
	fi
	if grep -qx 'dbdev-42' "$t/linux.out"; then
		result linux-shell 0
	else
		result linux-shell 1 "the shell did not answer dbdev-42"
	fi
	if uart_served linux; then
		result linux-vmm 0
	else
		result linux-vmm 1 "accesses to the UART reached the VMM"
	fi

	# linux-smp: the same kernel on two vCPUs, a thread each
	linux_boot smp --cpus 2 </dev/null
	if [ "$rc" = 0 ] && grep -qx 'dbdev-demo: rebooting' "$t/smp.out" &&
		grep -q 'smp: Brought up 1 node, 2 CPUs' "$t/smp.out" &&
		grep -Eq '^dbdev-demo: serial interrupts: [1-9]' "$t/smp.out" &&
		uart_served smp; then
		result linux-smp 0
	else
		tail -n 20 "$t/smp.out" | sed 's/^/  smp: /'
		result linux-smp 1 "exit status $rc, 2 CPUs not up, or init did not run to its end"
	fi

	# fuzz: the fuzzer's threads, each with a KVM guest of its own
	rc=0
	tools/fuzz/dbdev_fuzz -k -j 4 -s "$FUZZ_SEED" -t 20 >"$t/fuzz.out" 2>&1 || rc=$?
	sed 's/^/  fuzz: /' "$t/fuzz.out"
	if [ "$rc" = 0 ]; then
		result fuzz 0
	else
		result fuzz 1 "exit status $rc (replay: tools/fuzz/dbdev_fuzz -k -j 4 -s $FUZZ_SEED)"
	fi

	# rmmod: dbdevctl holds a UART in its context, fed through a fifo
	local i busy=1 gone=1
	mkfifo "$t/cmds"
	tools/dbdevctl/dbdevctl - <"$t/cmds" >"$t/rmmod.out" 2>&1 &
	local ctl=$!
	exec 7>"$t/cmds"
	echo 'create dbdev-uart16550 pio:0x2f8+8' >&7
	for i in $(seq 50); do
		grep -q '^1 dbdev-uart16550' "$t/rmmod.out" && break
		sleep 0.1
	done
	rmmod dbdev_uart 2>/dev/null || busy=0
	exec 7>&-
	wait "$ctl"
	rmmod dbdev_uart && gone=0
	sed 's/^/  rmmod: /' "$t/rmmod.out"
	if [ "$busy" = 0 ] && [ "$gone" = 0 ]; then
		result rmmod 0
	else
		result rmmod 1 "unloaded with a device: $busy; not after: $gone"
	fi

	# test-type: without dbdev_testdev loaded there is no dbdev-test type,
	# and the other types work on
	rc=0
	rmmod dbdev_testdev || rc=$?
	tools/dbdevctl/dbdevctl -x expect-error ENOENT create dbdev-test pio:0x2f8+8 \
		-- create dbdev-regs mmio:0xd0000000+0x1000 >"$t/type.out" 2>&1 || rc=$?
	sed 's/^/  test-type: /' "$t/type.out"
	if [ "$rc" = 0 ] && grep -q '^1 dbdev-regs mmio:0xd0000000+0x1000' "$t/type.out"; then
		result test-type 0
	else
		result test-type 1 "rmmod dbdev_testdev, or a create after it, went wrong"
	fi
	kill "$KVM_HOLDER"
	rm -rf "$t"
}

if [ -n "${DBDEV_VM:-}" ]; then
	in_vm "$1"
	exit 0
fi

# ---------------------------------------------------------------- on the host
passed=0 failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

if ! { make -s -C tools/vmm && make -s -C tools/dbdevctl &&
	make -s -C tools/selftests && make -s -C tools/fuzz; } >"$log" 2>&1; then
	cat "$log"
	echo "FAIL: building tools/vmm, tools/dbdevctl, tools/selftests and tools/fuzz"
	echo "kvm: 0 passed, 1 failed"
	exit 1
fi

lines=("$@")
[ ${#lines[@]} -gt 0 ] || lines=(6.1 6.12)
image=$(tools/vm/image.sh 6.1)
for line in "${lines[@]}"; do
	echo "--- kernel $line: tools/vm/run.sh --kernel $line --kvm --cpus 1 -- tools/kvmtest.sh $image"
	start=$SECONDS rc=0
	DBDEV_VM_TIMEOUT=${DBDEV_VM_TIMEOUT:-600} \
		tools/vm/run.sh --kernel "$line" --kvm --cpus 1 -- tools/kvmtest.sh "$image" 2>&1 |
		tee "$log" || rc=${PIPESTATUS[0]}
	echo "--- kernel $line: VM exit status $rc, $((SECONDS - start)) s"
	for c in "${CASES[@]}"; do
		if grep -qxF "kvm-test: PASS $line $c" "$log"; then
			passed=$((passed + 1))
		else
			grep -qF "kvm-test: FAIL $line $c" "$log" ||
				echo "kvm-test: FAIL $line $c: no result"
			failed=$((failed + 1))
		fi
	done
	# kvm_run_test: exactly as many results as its plan, none failed
	plan=$(sed -n "s/^kvm-test: PLAN $line \([0-9]*\)$/\1/p" "$log")
	got=$(grep -c "^kvm-test: PASS $line kvm_run/" "$log" || true)
	bad=$(grep -c "^kvm-test: FAIL $line kvm_run/" "$log" || true)
	passed=$((passed + got)) failed=$((failed + bad))
	if [ -z "$plan" ] || [ "$plan" = 0 ] || [ $((got + bad)) -ne "$plan" ]; then
		echo "kvm-test: FAIL $line kvm_run: ${plan:-no} plan, $((got + bad)) results"
		failed=$((failed + 1))
	fi
	if [ "$rc" != 0 ]; then	# the VM itself failed (timeout, kernel report)
		echo "kvm-test: FAIL $line: the VM run failed"
		failed=$((failed + 1))
	fi
done

echo "kvm: $passed passed, $failed failed"
[ "$failed" = 0 ]
