#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs every build and test dependency of falcoc from Debian's packages.
# Idempotent: skips apt entirely when everything is already present.
set -euo pipefail

PKGS=(
	build-essential cmake pkg-config
	bison flex
	libyaml-dev libbpf-dev libelf-dev zlib1g-dev
	clang llvm libclang-rt-dev
	python3 jq
	sysdig bpftool
	valgrind util-linux
	# the kernel module and its tests (tests/kmod): Debian's kernel and
	# headers (the qemu guest's, not this machine's), qemu, a static
	# busybox for the initramfs, cpio and modinfo
	qemu-system-x86 linux-image-amd64 linux-headers-amd64 busybox-static cpio kmod
)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: all ${#PKGS[@]} packages present"
	exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
	SUDO=sudo
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
