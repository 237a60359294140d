#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: tools/installtest.sh [6.1|6.12 ...]
# `make install` as a packager and a driver author use it, for each kernel
# line (default: both), in a copy of the sources (what git tracks or would
# add) and into a staging folder (DESTDIR), under $CACHE/install:
#   install-LINE    every file is where the Makefile says
#   extdrv-LINE     samples/dbdev_regs.c, alone in a folder with a
#                   two-line Kbuild (obj-m, then include dbdev.kbuild),
#                   builds against the installed dbdev: no modpost warning
#   extload-LINE    in the QEMU VM of that line, that module loads in place
#                   of the in-tree sample beside the in-tree dbdev.ko and
#                   its device answers (its ID register reads "DBRG")
#   uninstall-LINE  make uninstall leaves the staging folder without files
#   dkms-LINE       make dkms-source, then dkms add, build and install for
#                   that kernel, in trees of their own (--sourcetree,
#                   --dkmstree, --installtree): all four modules installed
#                   (only built, for a kernel whose headers are not
#                   installed as a package: its depmod has nothing to run on)
#   dkmsload-LINE   in the same VM, DKMS's dbdev.ko and dbdev_testdev.ko
#                   load in place of the in-tree ones and serve an access
#   devname-LINE, demand-LINE, rule-LINE, member-LINE, other-LINE
#                   tools/udevtest.sh in another VM: modules.devname has
#                   the node, opening it loads the installed dbdev, the
#                   installed udev rule gives it to kvm 0660, a member of
#                   kvm uses it and a non-member gets EACCES
# Ends with the line "install: N passed, N failed".
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$TOP"

lock install
passed=0 failed=0
result() {
	if [ "$2" = 0 ]; then
		echo "PASS: $1"
		passed=$((passed + 1))
	else
		echo "FAIL: $1${3:+: $3}"
		failed=$((failed + 1))
	fi
}

lines=("$@")
[ ${#lines[@]} -gt 0 ] || lines=(6.1 6.12)
for line in "${lines[@]}"; do
	kdir=$(tools/kdir.sh "$line")
	base=$CACHE/install/$line src=$CACHE/install/$line/src
	root=$base/root drv=$base/drv
	rm -rf "$base"
	mkdir -p "$src" "$root" "$drv"
	git ls-files -z --cached --others --exclude-standard |
		xargs -0 cp -P --parents -t "$src"
	echo "=== $line: make install DESTDIR=$root KDIR=$kdir"

	rc=0
	make -C "$src" -s KDIR="$kdir" DESTDIR="$root" install \
		>"$base/install.log" 2>&1 || rc=$?
	kver=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' \
		"$kdir/include/generated/utsrelease.h")
	missing=
	for f in "lib/modules/$kver/updates/dbdev/"{dbdev,dbdev_testdev,dbdev_uart,dbdev_regs}.ko \
		usr/include/linux/{dbdev,dbdev_samples}.h \
		usr/lib/dbdev/include/dbdev.h \
		usr/lib/dbdev/include/uapi/linux/{dbdev,dbdev_samples}.h \
		usr/lib/dbdev/dbdev.kbuild "usr/lib/dbdev/symvers/$kver/Module.symvers" \
		usr/sbin/dbdevctl usr/share/man/man8/dbdevctl.8 \
		usr/share/bash-completion/completions/dbdevctl \
		usr/lib/udev/rules.d/65-dbdev.rules; do
		[ -s "$root/$f" ] || missing+=" $f"
	done
	[ "$rc" = 0 ] || tail -n 20 "$base/install.log"
	[ -z "$missing" ] || echo "missing:$missing"
	result "install-$line" $((rc != 0 || ${#missing} > 0)) "make install failed or left files out"

	# a driver of one's own: its source and two lines of Kbuild
	cp samples/dbdev_regs.c "$drv/"
	printf 'obj-m += dbdev_regs.o\ninclude %s\n' \
		"$root/usr/lib/dbdev/dbdev.kbuild" >"$drv/Kbuild"
	rc=0
	make -C "$kdir" M="$drv" modules >"$base/drv.log" 2>&1 || rc=$?
	if [ "$rc" = 0 ] && [ -f "$drv/dbdev_regs.ko" ] &&
		! grep -Ei 'warning|error' "$base/drv.log" | grep -v BTF; then
		result "extdrv-$line" 0
	else
		tail -n 20 "$base/drv.log"
		result "extdrv-$line" 1 "the driver did not build cleanly"
	fi

	# DKMS, in trees of its own: the system's are left alone
	dk=$base/dkms
	ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' dkms.conf)
	dkms_opts=(--sourcetree "$dk/src" --dkmstree "$dk/tree"
		--installtree "$dk/lib")
	if [ -d "/lib/modules/$kver" ]; then
		dkms_cmd=install kos=$dk/lib/$kver/updates/dkms
	else
		dkms_cmd=build kos=$dk/tree/dbdev/$ver/$kver/$(uname -m)/module
	fi
	rc=0
	{
		make -C "$src" -s DESTDIR="$dk/stage" dkms-source &&
			mkdir -p "$dk/src" "$dk/tree" "$dk/lib/$kver" &&
			mv "$dk/stage/usr/src/dbdev-$ver" "$dk/src/" &&
			dkms add "dbdev/$ver" "${dkms_opts[@]}" &&
			dkms "$dkms_cmd" "dbdev/$ver" -k "$kver" \
				--kernelsourcedir "$kdir" "${dkms_opts[@]}"
	} >"$base/dkms.log" 2>&1 || rc=$?
	missing=
	for m in dbdev dbdev_testdev dbdev_uart dbdev_regs; do
		[ -s "$kos/$m.ko" ] || missing+=" $m"
	done
	[ "$rc" = 0 ] && [ -z "$missing" ] || tail -n 20 "$base/dkms.log"
	result "dkms-$line" $((rc != 0 || ${#missing} > 0)) "dkms $dkms_cmd failed or left modules out"

	# one VM: the driver built against the install, then DKMS's modules,
	# driven by the installed dbdevctl
	: >"$base/load.log"
	[ -f "$drv/dbdev_regs.ko" ] &&
		tools/vm/run.sh --kernel "$line" -- sh -c '
			rmmod dbdev_regs && insmod "$1" &&
			"$3" -x create dbdev-regs mmio:0xd0000000+0x1000 \
				-- expect mmio 0xd0000000 4 0x47524244 &&
			echo "extload: ok"
			rmmod dbdev_regs dbdev_uart dbdev_testdev dbdev &&
			insmod "$2/dbdev.ko" && insmod "$2/dbdev_testdev.ko" &&
			"$3" -x create dbdev-test pio:0x2f8+8 \
				-- write pio 0x2f8 1 0x5a -- expect pio 0x2f8 1 0x5a &&
			echo "dkmsload: ok"' sh "$drv/dbdev_regs.ko" \
			"$kos" "$root/usr/sbin/dbdevctl" >"$base/load.log" 2>&1 || true
	sed 's/^/  /' "$base/load.log"
	rc=0
	grep -qx 'extload: ok' "$base/load.log" || rc=1
	result "extload-$line" "$rc" "the installed-API driver did not load or answer"
	rc=0
	grep -qx 'dkmsload: ok' "$base/load.log" || rc=1
	result "dkmsload-$line" "$rc" "DKMS's modules did not load or serve"

	# /dev/dbdev as installed (tools/udevtest.sh, in the VM)
	tools/vm/run.sh --kernel "$line" -- tools/udevtest.sh "$root" "$kver" \
		>"$base/udev.log" 2>&1 || true
	for t in devname demand rule member other; do
		rc=0
		grep -qx "udevtest: $t ok" "$base/udev.log" || rc=1
		result "$t-$line" "$rc" "$(grep "^udevtest: $t " "$base/udev.log")"
	done

	rc=0
	make -C "$src" -s KDIR="$kdir" DESTDIR="$root" uninstall \
		>"$base/uninstall.log" 2>&1 || rc=$?
	left=$(find "$root" -type f | sed "s|^$root/||")
	[ -z "$left" ] || echo "left: $left"
	result "uninstall-$line" $((rc != 0 || ${#left} > 0)) "make uninstall left files"
done
echo "install: $passed passed, $failed failed"
