#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Installs the Debian packages that building and testing dbdev needs, if
# any is missing, and extracts linux-source-6.1 into the cache.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PACKAGES=(
	make gcc libc6-dev bc flex bison libelf-dev libssl-dev cpio kmod
	xz-utils perl python3 pahole sparse
	linux-headers-amd64 linux-source-6.1
	qemu-system-x86 busybox-static
	dkms openssl
	mount util-linux udev python3-sphinx gcc-multilib
	binutils
)

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "Installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

ensure_source61
echo "Dependencies ready."
