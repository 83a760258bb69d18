#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Log File Deleted or Renamed"
# usage: log_delete.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	fc_need_root
	d=/var/log/falcoc-test-$$
	mkdir -p "$d"
	fc_on_exit "rm -rf $d"
	echo line >>"$d/app.log"
	rm -f "$d/app.log"
}

nearmiss() {
	fc_need_root
	d=/var/log/falcoc-test-$$
	mkdir -p "$d"
	# the same removal by logrotate (allowed): rm run under that name;
	# the clean-up deletes below /var/log too, so it runs as logrotate
	lr=$(fc_as logrotate "$(command -v rm)")
	fc_on_exit "$lr -rf $d"
	echo line >>"$d/app.log"
	"$lr" -f "$d/app.log"
}

"$MODE"
