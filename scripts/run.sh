#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Set up everything and run falcoc's main job.
#
# Today the main job is the front end: lint Falco's upstream rules (or the
# files given) and print the diagnostics. The live probe (falcoc-run) is
# built on top of this and will replace this job when it lands.
#   scripts/run.sh [RULES.yaml...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" "$root/build"
if [ $# -eq 0 ]; then
	set -- "$root/../shared/corpus/rules/falco_rules.yaml"
fi
exec "$root/build/compiler/falcoc" lint "$@"
