#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Namespace Entered by Unexpected Program"
# usage: setns.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	fc_need_root
	# re-enter our own network namespace: no change
	"$(fc_helper_as fc_nsenter)" setns_net
}

nearmiss() {
	fc_need_root
	"$(fc_helper_as ip)" setns_net
}

"$MODE"
