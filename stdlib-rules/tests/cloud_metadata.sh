#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Cloud Metadata Service Contacted by Unexpected Program"
# usage: cloud_metadata.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	# UDP connect() sends no packet
	"$(fc_helper_as fc_client)" connect_udp 169.254.169.254 80
}

nearmiss() {
	"$(fc_helper_as cloud-init)" connect_udp 169.254.169.254 80
}

"$MODE"
