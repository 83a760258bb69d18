#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# run_bench.sh BUILD_DIR [N]: run bench_lint on the corpus rules file(s).
# FALCOC_CORPUS overrides the corpus location (default: ../shared/corpus
# next to the checkout). For meaningful figures, use a Release build:
#   cmake -S . -B build-rel -DCMAKE_BUILD_TYPE=Release && cmake --build build-rel
#   tests/bench/run_bench.sh build-rel
set -eu
build=${1:?usage: run_bench.sh BUILD_DIR [N]}
n=${2:-50}
here=$(cd "$(dirname "$0")" && pwd)
corpus=${FALCOC_CORPUS:-$here/../../../shared/corpus}
bin=$build/tests/bench/bench_lint
[ -x "$bin" ] || { echo "run_bench.sh: $bin not built" >&2; exit 2; }
for f in "$corpus/rules/falco_rules.yaml" "$corpus/rules/falco_rules-1.0.1.yaml"; do
	[ -f "$f" ] || continue
	"$bin" "$f" "$n"
done
