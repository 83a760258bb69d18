#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Shell Spawned by Web Server"
# usage: web_server_shell.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	"$(fc_as nginx /bin/bash)" -c '/bin/sh -c true; true'
}

nearmiss() {
	# sshd starting a shell is a login, not an intrusion
	"$(fc_as sshd /bin/bash)" -c '/bin/sh -c true; true'
}

"$MODE"
