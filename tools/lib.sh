# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034
#
# Shared settings and helpers of the dbdev build and test scripts.
# Sourced by tools/*.sh; not meant to be run.  DBDEV_CACHE moves the cache
# (default /var/cache/dbdev).

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${DBDEV_CACHE:-/var/cache/dbdev}
SRC61=$CACHE/linux-source-6.1		# extracted Debian linux-source-6.1
UML_BUILD=$CACHE/uml-build		# kunit.py --build_dir

# The kernel sources of the repo, relative to $TOP: what checkpatch,
# kernel-doc and the build copies see.
kernel_sources() {
	(cd "$TOP" && find . -maxdepth 1 -name '*.[ch]' ! -name '*.mod.c' &&
		find include kunit samples -name '*.[ch]' ! -name '*.mod.c') | sed 's|^\./||' | sort
}

# copy_sources DIR: make DIR hold exactly the kernel sources and Kbuild
# files of the repo (copies, not symlinks, and never the build products
# lying in the repo).  Only files whose content changed are rewritten, and
# they get a new time stamp, so make rebuilds exactly what changed, even
# when a file went back to older content.
copy_sources() {
	local f
	local -A want=()
	while read -r f; do
		want[$f]=1
		cmp -s "$TOP/$f" "$1/$f" || install -D -m 644 "$TOP/$f" "$1/$f"
	done < <(kernel_sources; printf '%s\n' Kbuild Kconfig)
	while read -r f; do
		[ -n "${want[$f]:-}" ] || rm -f "$1/$f"
	done < <(cd "$1" && find . -type f \( -name '*.[ch]' -o -name Kbuild \
		-o -name Kconfig \) ! -name '*.mod.c' | sed 's|^\./||')
}

# ensure_source61: extract /usr/src/linux-source-6.1.tar.xz into $SRC61
# unless the version there matches the installed package already.
ensure_source61() {
	local want have
	want=$(dpkg-query -W -f='${Version}' linux-source-6.1)
	want=${want%%-*}
	mkdir -p "$CACHE"
	(
		flock 8
		have=$(sed -n 's/^SUBLEVEL = //p' "$SRC61/Makefile" 2>/dev/null || true)
		[ "6.1.$have" != "$want" ] || exit 0
		echo "Extracting linux-source-$want into $SRC61 ..."
		rm -rf "$SRC61" "$SRC61.tmp"
		mkdir -p "$SRC61.tmp"
		tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$SRC61.tmp"
		mv "$SRC61.tmp/linux-source-6.1" "$SRC61"
		rmdir "$SRC61.tmp"
	) 8>"$CACHE/source.lock"
}

# lock NAME: hold an exclusive lock on the cache until the script exits, so
# that two runs never share a build tree at the same time.
lock() {
	mkdir -p "$CACHE"
	exec 9>"$CACHE/$1.lock"
	flock 9
}

# prepare_tree: make drivers/dbdev of $SRC61 a copy of the repo (copies: a
# symlink would let kbuild find the out-of-tree build's stale objects) and
# hook it into the tree's Kconfig and Makefile, idempotently.
prepare_tree() {
	ensure_source61
	copy_sources "$SRC61/drivers/dbdev"
	grep -qxF 'source "drivers/dbdev/Kconfig"' "$SRC61/drivers/Kconfig" ||
		sed -i '$i source "drivers/dbdev/Kconfig"\n' "$SRC61/drivers/Kconfig"
	# shellcheck disable=SC2016
	grep -qxF 'obj-$(CONFIG_DBDEV) += dbdev/' "$SRC61/drivers/Makefile" ||
		echo 'obj-$(CONFIG_DBDEV) += dbdev/' >>"$SRC61/drivers/Makefile"
}
