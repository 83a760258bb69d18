#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Process Injection via ptrace"
# usage: ptrace_injection.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	"$(fc_helper_as fc_inject)" ptrace_attach
}

nearmiss() {
	# the same attach by a debugger
	"$(fc_helper_as gdb)" ptrace_attach
}

"$MODE"
