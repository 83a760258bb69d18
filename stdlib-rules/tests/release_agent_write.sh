#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Cgroup release_agent Written"
# usage: release_agent_write.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	# a file that is only named release_agent: the rule keys on the name
	mkdir -p "$T/cgroup"
	: >"$T/cgroup/release_agent"
}

nearmiss() {
	mkdir -p "$T/cgroup"
	: >"$T/cgroup/release_agent.txt"
}

"$MODE"
