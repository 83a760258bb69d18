#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Log Clearing Command Executed"
# usage: log_clear_command.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	fc_need_root
	d=/var/log/falcoc-test-$$
	mkdir -p "$d"
	fc_on_exit "rm -rf $d"
	echo line >>"$d/app.log"
	truncate -s 0 "$d/app.log"
}

nearmiss() {
	echo line >>"$T/app.log"
	truncate -s 0 "$T/app.log"
}

"$MODE"
