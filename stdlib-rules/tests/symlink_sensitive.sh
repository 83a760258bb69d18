#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Symlink Created to Sensitive File"
# usage: symlink_sensitive.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	ln -s /etc/shadow "$T/shadow-link"
}

nearmiss() {
	ln -s /etc/hostname "$T/hostname-link"
}

"$MODE"
