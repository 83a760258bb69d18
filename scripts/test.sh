#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Set up everything and run the test suite (the README's test command).
#   scripts/test.sh [ctest args...]     e.g. scripts/test.sh -L parser
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" "$root/build"
cd "$root/build"
ctest --output-on-failure "$@"
