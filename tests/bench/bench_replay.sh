#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Replay throughput: falcoc-run vs sysdig 0.29 on the same large capture,
# same filter, same output format. Prints events/s for each and the ratio
# (measured in one run, so machine noise affects both alike).
#   tests/bench/bench_replay.sh BUILD_DIR [COPIES]
set -euo pipefail
build=$(cd "${1:?usage: bench_replay.sh BUILD_DIR [COPIES]}" && pwd)
copies=${2:-200}
here=$(cd "$(dirname "$0")" && pwd)
corpus=${FALCOC_CORPUS:-$here/../../../shared/corpus}
command -v sysdig >/dev/null || { echo "bench_replay: sysdig not installed"; exit 0; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
big=$tmp/big.scap
"$build/tests/scap_repeat" "$corpus/traces/curl_google.scap" "$big" "$copies"
events=$(( $("$build/runtime/falcoc-run" --replay "$big" --filter 'evt.num > 0' --print '%evt.num' | wc -l) ))
cond='(evt.type in (open, openat, connect) and fd.name contains google) or (proc.name = curl and evt.rawres < 0)'
fmt='%evt.num %evt.time %proc.name %fd.name %evt.args'
t() { local s e; s=$(date +%s.%N); "$@" > /dev/null; e=$(date +%s.%N); echo "$e - $s" | bc; }
export TZ=UTC
# both must print the same thing, or the timing compares nothing
nf=$("$build/runtime/falcoc-run" --replay "$big" --filter "$cond" --print "$fmt" | md5sum)
ns=$(sysdig -r "$big" "$cond" -p "$fmt" | md5sum)
[ "$nf" = "$ns" ] || echo "bench_replay: WARNING: outputs differ; the timing compares different work"
tf=$(t "$build/runtime/falcoc-run" --replay "$big" --filter "$cond" --print "$fmt")
ts=$(t sysdig -r "$big" "$cond" -p "$fmt")
tf0=$(t "$build/runtime/falcoc-run" --replay "$big" --filter 'evt.num = 0' --print '%evt.num')
ts0=$(t sysdig -r "$big" 'evt.num = 0' -p '%evt.num')
printf 'capture: curl_google.scap x %d = %d events, %s bytes\n' "$copies" "$events" "$(stat -c %s "$big")"
printf '%-34s %10s %14s\n' "run" "seconds" "events/s"
printf '%-34s %10.3f %14.0f\n' "falcoc-run filter+print" "$tf" "$(echo "$events / $tf" | bc -l)"
printf '%-34s %10.3f %14.0f\n' "sysdig -r filter+print" "$ts" "$(echo "$events / $ts" | bc -l)"
printf '%-34s %10.3f %14.0f\n' "falcoc-run read only" "$tf0" "$(echo "$events / $tf0" | bc -l)"
printf '%-34s %10.3f %14.0f\n' "sysdig -r read only" "$ts0" "$(echo "$events / $ts0" | bc -l)"
printf 'ratio (sysdig time / falcoc time): filter+print %.2fx, read only %.2fx (target 5x)\n' \
	"$(echo "$ts / $tf" | bc -l)" "$(echo "$ts0 / $tf0" | bc -l)"
