#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Kernel Module Loaded from Non-standard Path"
# usage: module_nonstandard_path.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	# /bin/true under the name insmod: nothing is loaded
	"$(fc_as insmod /bin/true)" "$T/rootkit.ko"
}

nearmiss() {
	"$(fc_as insmod /bin/true)" "/lib/modules/$(uname -r)/kernel/drivers/net/dummy.ko"
}

"$MODE"
