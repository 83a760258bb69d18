#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Shell Spawned by Node.js or Java Service"
# usage: node_java_shell.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	"$(fc_as node /bin/bash)" -c '/bin/sh -c true; true' server.js
}

nearmiss() {
	# npm running a package script
	"$(fc_as node /bin/bash)" -c '/bin/sh -c true; true' /usr/lib/node_modules/npm/bin/npm-cli.js
}

"$MODE"
