#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Inbound Connection Accepted by Shell or Netcat"
# usage: bind_shell_accept.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	"$(fc_helper_as nc)" tcp_self
}

nearmiss() {
	"$(fc_helper_as fc_server)" tcp_self
}

"$MODE"
