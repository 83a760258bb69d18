#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "System Binary Deleted or Renamed"
# usage: bin_dir_delete.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	fc_need_root
	[ -d /usr/local/bin ] || fc_skip "no /usr/local/bin"
	f=/usr/local/bin/falcoc-test-$$
	fc_on_exit "rm -f $f"
	: >"$f"
	rm -f "$f"
}

nearmiss() {
	: >"$T/falcoc-test"
	rm -f "$T/falcoc-test"
}

"$MODE"
