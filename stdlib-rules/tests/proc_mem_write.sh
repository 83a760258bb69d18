#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Process Memory Opened for Writing via /proc"
# usage: proc_mem_write.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	fc_need_root
	"$(fc_helper_as fc_procmem)" open_child_mem
}

nearmiss() {
	"$(fc_helper_as fc_procmem)" open_child_status
}

"$MODE"
