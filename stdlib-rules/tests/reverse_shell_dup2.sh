#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Reverse Shell via Standard Streams Redirected to Socket"
# usage: reverse_shell_dup2.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	# a program named bash dup2()s a connected TCP socket onto fd 2
	"$(fc_helper_as bash)" dup2_socket
}

nearmiss() {
	"$(fc_helper_as bash)" dup2_file "$T/out"
}

"$MODE"
