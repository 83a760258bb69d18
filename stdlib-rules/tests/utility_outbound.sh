#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Outbound Connection by Non-Network Utility"
# usage: utility_outbound.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	# UDP connect() sends no packet; 192.0.2.0/24 is TEST-NET-1
	"$(fc_helper_as dd)" connect_udp 192.0.2.1 443
}

nearmiss() {
	"$(fc_helper_as dd)" connect_udp 127.0.0.1 443
}

"$MODE"
