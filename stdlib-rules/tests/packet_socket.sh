#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Packet Socket Created"
# usage: packet_socket.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	fc_need_root
	out=$("$(fc_helper_as fc_sniff)" socket_packet)
	echo "$out"
	case "$out" in *": -"*) fc_skip "AF_PACKET refused: $out" ;; esac
}

nearmiss() {
	"$(fc_helper_as fc_sniff)" socket_udp
}

"$MODE"
