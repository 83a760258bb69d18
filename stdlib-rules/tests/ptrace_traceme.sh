#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Anti-Debugging via PTRACE_TRACEME"
# usage: ptrace_traceme.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	"$(fc_helper_as fc_antidebug)" traceme
}

nearmiss() {
	# a debugger's child asking to be traced before exec
	"$(fc_helper_as gdb)" traceme
}

"$MODE"
