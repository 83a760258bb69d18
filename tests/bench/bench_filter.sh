#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Benchmark (not a test: always exits 0 once it ran): kernel filtering vs
# the Falco-style probe on the soundness workload.
#   bench_filter.sh [BUILD_DIR] [BULK_OPENS] [RULES.yaml]
# Prints events_received for the Falco-style probe (--kernel-filter=off)
# and the kernel-filtering one and the reduction, the workload's wall
# time with no probe and with each probe attached (overhead ratio), and
# falcoc's compile time for falco_rules.yaml (target < 1.5 s: PASS/FAIL).
# Needs root; the workload is tests/soundness/workload.sh.
set -u
build=${1:-/tmp/e2e}
n=${2:-20000}
src=$(cd "$(dirname "$0")/../.." && pwd)
rules=${3:-${FALCOC_CORPUS:-/work/shared/corpus}/rules/falco_rules.yaml}
falcoc=$build/compiler/falcoc run=$build/runtime/falcoc-run
wl=$src/tests/soundness/workload.sh
work=$(mktemp -d /tmp/bench_filter.XXXXXX)
trap 'rm -rf "$work"' EXIT
[ "$(id -u)" = 0 ] || { echo "bench_filter: needs root (loading BPF)"; exit 0; }
[ -x "$falcoc" ] && [ -x "$run" ] || { echo "bench_filter: build first ($falcoc, $run)"; exit 0; }
now() { date +%s.%N; }
secs() { python3 -c "print('%.3f' % ($2 - $1))"; }

# compile time (best of 3), both flavours
best=
for _ in 1 2 3; do
	t0=$(now)
	"$falcoc" "$rules" -o "$work/on.o" >/dev/null 2>&1 || { echo "falcoc failed on $rules"; exit 0; }
	t=$(secs "$t0" "$(now)")
	best=$(python3 -c "print(min(float('$t'), float('${best:-1e9}')))")
done
"$falcoc" "$rules" -o "$work/off.o" --kernel-filter=off >/dev/null 2>&1 || { echo "falcoc --kernel-filter=off failed"; exit 0; }
verdict=$(python3 -c "print('PASS' if $best < 1.5 else 'FAIL')")
echo "compile time (falcoc $(basename "$rules"), best of 3): ${best} s (target < 1.5 s): $verdict"

workload() { bash -c 'echo 4242 >/proc/self/loginuid 2>/dev/null; exec bash "$0" "$1"' "$wl" "$n" >/dev/null 2>&1; }

# wall time with no probe (best of 3)
base=
for _ in 1 2 3; do
	t0=$(now); workload; t=$(secs "$t0" "$(now)")
	base=$(python3 -c "print(min(float('$t'), float('${base:-1e9}')))")
done
echo "workload ($n bulk opens), no probe: ${base} s"

declare -A recv wall
for s in off on; do
	"$run" --stats "$work/$s.stats" -o /dev/null "$work/$s.o" >"$work/$s.out" 2>"$work/$s.err" &
	pid=$!
	for _ in $(seq 300); do grep -q '^falcoc-run: ready$' "$work/$s.err" && break; sleep 0.1; done
	t0=$(now); workload; wall[$s]=$(secs "$t0" "$(now)")
	sleep 1
	kill -INT $pid
	wait $pid
	recv[$s]=$(python3 -c "import json; print(json.load(open('$work/$s.stats'))['events_received'])")
done
python3 - "${recv[off]}" "${recv[on]}" "$base" "${wall[off]}" "${wall[on]}" <<'PY'
import sys
off, on = int(sys.argv[1]), int(sys.argv[2])
base, w_off, w_on = map(float, sys.argv[3:6])
print("events_received: Falco-style %d, kernel-filtering %d: %.2f%% fewer" %
      (off, on, 100.0 * (1 - on / off) if off else 0.0))
print("workload wall time: no probe %.3f s, Falco-style %.3f s (x%.2f), kernel-filtering %.3f s (x%.2f)" %
      (base, w_off, w_off / base, w_on, w_on / base))
PY
echo "(events_received counts the whole system while each probe ran; run on a quiet machine)"
exit 0
