#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "BPF Program Loaded by Unexpected Program"
# usage: bpf_prog_load.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	fc_need_root
	out=$("$(fc_helper_as fc_bpfload)" bpf_prog_load)
	echo "$out"
	case "$out" in *": -"*) fc_skip "BPF_PROG_LOAD refused: $out" ;; esac
}

nearmiss() {
	fc_need_root
	"$(fc_helper_as fc_bpfload)" bpf_map_create
}

"$MODE"
