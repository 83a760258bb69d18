#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Credential Search with find or grep"
# usage: credential_search.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	mkdir -p "$T/data"
	echo "nothing here" >"$T/data/f"
	grep -r password "$T/data" || true
}

nearmiss() {
	mkdir -p "$T/data"
	echo "nothing here" >"$T/data/f"
	grep -r hello "$T/data" || true
}

"$MODE"
