#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Recursive Deletion of System Data"
# usage: recursive_delete.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	fc_need_root
	d=/var/lib/falcoc-test-$$
	fc_on_exit "[ ! -e $d ] || rm -rf $d"
	mkdir -p "$d/db"
	: >"$d/db/table1"
	rm -rf "$d"
}

nearmiss() {
	mkdir -p "$T/data/db"
	: >"$T/data/db/table1"
	rm -rf "$T/data"
}

"$MODE"
