#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Mount Utility Executed"
# usage: mount_exec.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	fc_need_root
	command -v mount >/dev/null || fc_skip "no mount"
	mkdir -p "$T/mnt"
	# -f: fake, everything but the mount(2) call
	mount -f -t tmpfs falcoc-test "$T/mnt"
}

nearmiss() {
	mount >/dev/null  # listing mounts only
}

"$MODE"
