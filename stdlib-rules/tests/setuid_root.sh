#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Setuid to Root by Unexpected Program"
# usage: setuid_root.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	fc_need_root
	"$(fc_helper_as fc_setuid)" setuid 0
}

nearmiss() {
	fc_need_root
	# dropping privileges is normal
	"$(fc_helper_as fc_setuid)" setuid 65534
}

"$MODE"
