#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Hardlink Created to Sensitive File"
# usage: hardlink_sensitive.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	fc_need_root
	# may fail with EXDEV (other file system) or EPERM: attempts are reported
	ln /etc/shadow "$T/shadow-hard" 2>/dev/null || true
}

nearmiss() {
	: >"$T/a"
	ln "$T/a" "$T/b"
}

"$MODE"
