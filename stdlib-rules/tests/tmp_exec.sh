#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Execution from Temporary Directory"
# usage: tmp_exec.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	f=/tmp/falcoc-trigger-$$
	fc_on_exit "rm -f $f"
	cp /bin/true "$f"
	"$f"
}

nearmiss() {
	# a build tree below /tmp (nested directory)
	mkdir -p "$T/build/bin"
	cp /bin/true "$T/build/bin/true"
	"$T/build/bin/true"
}

"$MODE"
