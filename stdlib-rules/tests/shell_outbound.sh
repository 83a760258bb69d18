#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Outbound Connection by Shell"
# usage: shell_outbound.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	# a program named bash connects to a listener of its own on 127.0.0.1
	"$(fc_helper_as bash)" tcp_self
}

nearmiss() {
	"$(fc_helper_as fc_client)" tcp_self
}

"$MODE"
