#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Shell Startup File Modified"
# usage: shell_startup_write.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	mkdir -p "$T/home"
	echo "# falcoc test" >>"$T/home/.bashrc"
}

nearmiss() {
	mkdir -p "$T/home"
	echo "# falcoc test" >>"$T/home/bashrc.txt"
}

"$MODE"
