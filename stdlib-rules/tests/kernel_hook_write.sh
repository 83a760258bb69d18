#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Kernel Hook File Opened for Writing"
# usage: kernel_hook_write.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	fc_need_root
	# open for writing, write nothing: the setting is unchanged
	out=$("$(fc_helper_as fc_hook)" open_wronly /proc/sys/kernel/core_pattern)
	echo "$out"
	case "$out" in *": -"*) fc_skip "core_pattern not writable here: $out" ;; esac
}

nearmiss() {
	"$(fc_helper_as fc_hook)" open_rdonly /proc/sys/kernel/core_pattern
}

"$MODE"
