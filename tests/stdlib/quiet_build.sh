#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# False positives are bugs: build this project from scratch and run a
# layer of its tests under the stdlib probe; no stdlib rule may fire.
#   quiet_build.sh FALCOC_RUN STDLIB_PROBE SOURCE_DIR
set -euo pipefail
run=${1:?usage: quiet_build.sh FALCOC_RUN STDLIB_PROBE SOURCE_DIR}
probe=${2:?}
src=${3:?}
[ "$(id -u)" -eq 0 ] || { echo "SKIP: loading the stdlib probe needs root"; exit 77; }
[ -r /sys/kernel/btf/vmlinux ] || { echo "SKIP: the kernel has no BTF"; exit 77; }
[ -r "$probe" ] || { echo "FAIL: no stdlib probe at $probe"; exit 1; }
tmp=$(mktemp -d /tmp/falcoc-quiet.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
"$run" "$probe" -o "$tmp/alerts.txt" --stats "$tmp/stats.json" -- bash -c "
	cmake -S '$src' -B '$tmp/build' >/dev/null &&
	cmake --build '$tmp/build' -j\$(nproc) >/dev/null &&
	cd '$tmp/build' && ctest -L 'unit|parser|lint|split' >/dev/null"
n=$(wc -l < "$tmp/alerts.txt")
received=$(python3 -c "import json; print(json.load(open('$tmp/stats.json'))['events_received'])")
echo "project build + unit/parser/lint/split tests under the stdlib probe: $n alerts, $received events received"
if [ "$n" -ne 0 ]; then
	echo "FAIL: stdlib rules fired on the project's own build (false positives):"
	cut -c1-300 "$tmp/alerts.txt" | head -20
	echo "0 passed, 1 failed"
	exit 1
fi
echo "1 passed, 0 failed"
