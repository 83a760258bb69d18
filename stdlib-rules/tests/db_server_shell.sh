#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Shell Spawned by Database Server"
# usage: db_server_shell.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	"$(fc_as postgres /bin/bash)" -c '/bin/sh -c true; true'
}

nearmiss() {
	"$(fc_as psql /bin/bash)" -c '/bin/sh -c true; true'
}

"$MODE"
