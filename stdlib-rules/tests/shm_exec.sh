#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Execution from /dev/shm"
# usage: shm_exec.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	[ -d /dev/shm ] || fc_skip "no /dev/shm"
	f=/dev/shm/falcoc-trigger-$$
	fc_on_exit "rm -f $f"
	cp /bin/true "$f"
	"$f" || fc_skip "/dev/shm is mounted noexec"
}

nearmiss() {
	cp /bin/true "$T/true"
	"$T/true"
}

"$MODE"
