#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Data Destruction Tool Executed"
# usage: data_destruction.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	command -v shred >/dev/null || fc_skip "no shred"
	echo data >"$T/f"
	shred -u "$T/f"
}

nearmiss() {
	echo data >"$T/f"
	rm -f "$T/f"
}

"$MODE"
