#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "SSH Authorized Keys Modified"
# usage: authorized_keys_write.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	mkdir -p "$T/home/.ssh"
	echo "ssh-ed25519 AAAAfalcoctest test" >>"$T/home/.ssh/authorized_keys"
}

nearmiss() {
	mkdir -p "$T/home/.ssh"
	echo "falcoc-test ssh-ed25519 AAAA" >>"$T/home/.ssh/known_hosts"
}

"$MODE"
