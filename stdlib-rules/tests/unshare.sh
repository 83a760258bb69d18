#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Namespace Created by Unexpected Program"
# usage: unshare.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	out=$("$(fc_helper_as fc_unshare)" unshare_user)
	echo "$out"
	case "$out" in *": -"*) fc_skip "user namespaces not allowed: $out" ;; esac
}

nearmiss() {
	# a sandbox tool doing the same
	"$(fc_helper_as bwrap)" unshare_user
}

"$MODE"
