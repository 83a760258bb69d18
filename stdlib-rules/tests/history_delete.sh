#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Shell History Deleted or Truncated"
# usage: history_delete.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	mkdir -p "$T/home"
	echo "ls" >"$T/home/.bash_history"
	rm -f "$T/home/.bash_history"
}

nearmiss() {
	mkdir -p "$T/home"
	echo "ls" >"$T/home/notes.txt"
	rm -f "$T/home/notes.txt"
}

"$MODE"
