#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Write Below Kernel Modules Directory"
# usage: kernel_modules_dir_write.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	fc_need_root
	d=/usr/lib/modules
	[ -d /usr/lib ] || d=/lib/modules
	if [ ! -d "$d" ]; then
		mkdir "$d"
		fc_on_exit "rmdir $d"
	fi
	f=$d/falcoc-test-$$
	fc_on_exit "rm -f $f"
	: >"$f"
}

nearmiss() {
	mkdir -p "$T/lib/modules"
	: >"$T/lib/modules/falcoc-test"
}

"$MODE"
