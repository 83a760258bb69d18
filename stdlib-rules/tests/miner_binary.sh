#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Known Crypto Miner Executed"
# usage: miner_binary.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	"$(fc_as xmrig /bin/true)" --version
}

nearmiss() {
	"$(fc_as minesweeper /bin/true)" --version
}

"$MODE"
