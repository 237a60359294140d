# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# What tools/vm/run.sh and tools/uml/run.sh share: the run folder, the
# guest's command script, the console filter and the verdict.  Sourced
# after tools/lib.sh; VM_NAME names the guest in messages.

# new_run CMD...: make the run folder $RUN (removed at exit) and in it the
# script `cmd` that runs CMD, in the current folder if that is inside the
# project, else in the project folder.  The guest exports DBDEV_VM=$VM_NAME.
new_run() {
	local dir=$PWD
	case $dir/ in "$TOP"/*) ;; *) dir=$TOP ;; esac
	RUN=$(mktemp -d /tmp/dbdev-vm.XXXXXX)
	trap 'rm -rf "$RUN"' EXIT
	: >"$RUN/console"
	{
		echo 'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
		printf 'export HOME=/tmp DBDEV_VM=%q\n' "$VM_NAME"
		printf 'cd %q || exit 125\n' "$dir"
		printf 'exec'
		printf ' %q' "$@"
		echo
	} >"$RUN/cmd"
}

# console: copy the guest's console from stdin to $RUN/console, without
# carriage returns, and show what the command printed: the lines between
# the guest's start and end lines.
console() {
	awk -v out="$RUN/console" '{
		gsub(/\r/, "")
		print >out
		fflush(out)
	}
	/^dbdev-vm: done$/ { shown = 0 }
	shown { print; fflush() }
	/^dbdev-vm: running$/ { shown = 1 }'
}

# finish RC: judge the run whose guest (QEMU or UML) exited with RC, say
# why it failed if it did, and exit with the command's status, or 125 if
# the command did not finish (timeout, panic, boot failure).  A kernel
# report that involves dbdev fails a command that succeeded.
finish() {
	local rc=$1 status report=0
	status=$(cat "$RUN/status" 2>/dev/null || true)
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		echo "$VM_NAME: timed out after $VM_TIMEOUT s" >&2
		status=
	fi
	# the console's end shows why a guest died or stopped; once the
	# command ran, only if the command did not finish
	if ! grep -qx 'dbdev-vm: running' "$RUN/console" || [ -z "$status" ]; then
		tail -n 40 "$RUN/console" >&2
	fi
	python3 "$TOP/tools/vm/kreports.py" "$RUN/dmesg" "$RUN/console" >&2 ||
		report=1
	if [ -z "$status" ]; then
		echo "$VM_NAME: the command did not finish (guest exited with $rc)" >&2
		exit 125
	fi
	if [ "$report" = 1 ]; then
		echo "$VM_NAME: a kernel report involves dbdev" >&2
		[ "$status" != 0 ] || status=1
	fi
	[ "$status" = 0 ] || echo "$VM_NAME: exit status $status" >&2
	exit "$status"
}
