#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Mining Pool Address on Command Line"
# usage: miner_pool_cmdline.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	/bin/true -o stratum+tcp://pool.example.invalid:3333 -u wallet
}

nearmiss() {
	/bin/true -o tcp://db.example.invalid:5432 -u app
}

"$MODE"
