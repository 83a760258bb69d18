#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Cloud or Registry Credentials Read by Unexpected Program"
# usage: cloud_credentials_read.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	mkdir -p "$T/home/.aws"
	echo "[default]" >"$T/home/.aws/credentials"
	cat "$T/home/.aws/credentials" >/dev/null
}

nearmiss() {
	mkdir -p "$T/home/.aws"
	echo "[default]" >"$T/home/.aws/config"
	cat "$T/home/.aws/config" >/dev/null
}

"$MODE"
