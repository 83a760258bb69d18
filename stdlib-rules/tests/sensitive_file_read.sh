#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Sensitive Account File Read by Untrusted Program"
# usage: sensitive_file_read.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	fc_need_root
	[ -f /etc/shadow ] || fc_skip "no /etc/shadow"
	cat /etc/shadow >/dev/null
}

nearmiss() {
	cat /etc/passwd >/dev/null
}

"$MODE"
