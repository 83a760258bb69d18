#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Cron Job Created or Modified"
# usage: cron_write.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	fc_need_root
	[ -d /etc/cron.d ] || fc_skip "no /etc/cron.d"
	f=/etc/cron.d/falcoc-test-$$
	fc_on_exit "rm -f $f"
	: >"$f"  # empty: cron schedules nothing
}

nearmiss() {
	mkdir -p "$T/etc/cron.d"
	: >"$T/etc/cron.d/falcoc-test"
}

"$MODE"
