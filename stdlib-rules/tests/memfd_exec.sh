#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Fileless Execution from Memory File"
# usage: memfd_exec.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	"$(fc_helper_as fc_memfd)" memfd_exec
}

nearmiss() {
	"$(fc_helper_as fc_memfd)" plain_exec
}

"$MODE"
