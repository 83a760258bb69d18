#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Kernel Module Loaded by Unexpected Program"
# usage: module_load.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	fc_need_root
	: >"$T/garbage.ko"  # empty: the kernel rejects it (or has no module support)
	"$(fc_helper_as fc_modload)" finit_module "$T/garbage.ko"
}

nearmiss() {
	fc_need_root
	: >"$T/garbage.ko"
	"$(fc_helper_as modprobe)" finit_module "$T/garbage.ko"
}

"$MODE"
