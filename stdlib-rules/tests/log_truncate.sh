#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Log File Truncated"
# usage: log_truncate.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	fc_need_root
	d=/var/log/falcoc-test-$$
	mkdir -p "$d"
	fc_on_exit "rm -rf $d"
	echo line >>"$d/app.log"
	: >"$d/app.log"  # open(O_WRONLY|O_CREAT|O_TRUNC)
}

nearmiss() {
	fc_need_root
	d=/var/log/falcoc-test-$$
	mkdir -p "$d"
	fc_on_exit "rm -rf $d"
	echo line >>"$d/app.log"  # O_APPEND, no truncation
}

"$MODE"
