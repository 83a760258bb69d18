#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Systemd Unit File Written"
# usage: systemd_unit_write.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	mkdir -p "$T/home/.config/systemd/user"
	: >"$T/home/.config/systemd/user/falcoc-test.service"
}

nearmiss() {
	mkdir -p "$T/home/.config/systemd-notes"
	: >"$T/home/.config/systemd-notes/falcoc-test.service"
}

"$MODE"
