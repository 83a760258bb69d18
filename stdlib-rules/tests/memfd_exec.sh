#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Fileless Execution from Memory File"
# usage: memfd_exec.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	# The live probe does not yet send execve's exe flags
	# (PPM_EXE_FROM_MEMFD) or trusted_exepath, which this rule needs;
	# --replay of a capture that carries them does fire it.
	[ -n "${FALCOC_PROBE_HAS_EXE_FLAGS:-}" ] || fc_skip "the probe does not fill execve's exe flags yet"
	"$(fc_helper_as fc_memfd)" memfd_exec
}

nearmiss() {
	"$(fc_helper_as fc_memfd)" plain_exec
}

"$MODE"
