#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "SSH Private Key Read by Unexpected Program"
# usage: ssh_key_read.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	mkdir -p "$T/home/.ssh"
	echo "not a key" >"$T/home/.ssh/id_rsa"
	cat "$T/home/.ssh/id_rsa" >/dev/null
}

nearmiss() {
	mkdir -p "$T/home/.ssh"
	echo "not a key" >"$T/home/.ssh/id_rsa.pub"
	cat "$T/home/.ssh/id_rsa.pub" >/dev/null
}

"$MODE"
