#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "File Written Below /etc by Untrusted Program"
# usage: etc_write.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	fc_need_root
	f=/etc/falcoc-test-$$
	fc_on_exit "rm -f $f"
	: >"$f"
}

nearmiss() {
	# reading configuration is fine
	cat /etc/passwd >/dev/null
}

"$MODE"
