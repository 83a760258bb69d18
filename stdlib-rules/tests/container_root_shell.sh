#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Interactive Root Shell in Container"
# usage: container_root_shell.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	command -v docker >/dev/null || fc_skip "no docker"
	docker info >/dev/null 2>&1 || fc_skip "docker daemon not reachable"
	docker image inspect alpine >/dev/null 2>&1 || fc_skip "image alpine not present locally"
	docker run --rm -t alpine sh -c true
}

nearmiss() {
	command -v docker >/dev/null || fc_skip "no docker"
	docker info >/dev/null 2>&1 || fc_skip "docker daemon not reachable"
	docker image inspect alpine >/dev/null 2>&1 || fc_skip "image alpine not present locally"
	docker run --rm alpine sh -c true  # no terminal
}

"$MODE"
