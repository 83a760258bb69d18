#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Setuid or Setgid Bit Set on File"
# usage: setuid_bit.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	: >"$T/file"
	chmod u+s "$T/file"
}

nearmiss() {
	: >"$T/file"
	chmod 1755 "$T/file"  # sticky and rwx bits only
}

"$MODE"
