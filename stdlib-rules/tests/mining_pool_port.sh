#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Connection to Common Mining Pool Port"
# usage: mining_pool_port.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	"$(fc_helper_as fc_client)" connect_udp 192.0.2.1 14444
}

nearmiss() {
	"$(fc_helper_as fc_client)" connect_udp 192.0.2.1 14445
}

"$MODE"
