#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Set up everything and run falcoc's main job: the stdlib rules compiled
# into a probe, loaded into the kernel, printing Falco alerts until
# Ctrl-C. Arguments go to falcoc-run (e.g. --json, -o FILE, -- CMD).
#
# Where BPF cannot load (no root, no BTF), falcoc-run says why and shows
# how to replay the bundled capture instead; `scripts/run.sh --demo` does
# that replay directly.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" "$root/build"
run=$root/build/runtime/falcoc-run
std=$root/stdlib-rules
if [ "${1:-}" = "--demo" ]; then
	shift
	exec "$run" --replay "$std/demo/stdlib_demo.scap" -r "$std/macros.yaml" -r "$std/files.yaml" \
		-r "$std/process.yaml" -r "$std/network.yaml" -r "$std/kernel.yaml" "$@"
fi
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null; then
	exec sudo "$run" "$@"
fi
exec "$run" "$@"
