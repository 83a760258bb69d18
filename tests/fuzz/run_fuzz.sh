#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# run_fuzz.sh BUILD_DIR [SECONDS] [-- extra libFuzzer flags]
#
# Fuzz each target (fuzz_parse, fuzz_yaml, ..., fuzz_fcf) for SECONDS (default 30) on a
# throw-away copy of its seed corpus plus the saved regressions, with its
# dictionary. Crash, leak, timeout and OOM inputs are saved under
# BUILD_DIR/fuzz-artifacts/<target>/ and the script exits 1 if any target
# failed. Build first with:
#   CC=clang cmake -S . -B build-fuzz -DFALCOC_FUZZ=ON && cmake --build build-fuzz -j
# Environment: FUZZ_JOBS=N runs N workers per target (-fork=N, keeps going
# after crashes, as -ignore_crashes=1 does); FUZZ_KEEP=1 keeps the corpus
# copies (their path is printed); FUZZ_NO_REGRESSIONS=1 leaves the saved
# regressions out of the seeds (while a known bug is unfixed, it would stop
# the run at once). Sanitizer options pass through, e.g.
# LSAN_OPTIONS=suppressions=FILE to fuzz past a known leak.
set -u
build=${1:?usage: run_fuzz.sh BUILD_DIR [SECONDS] [-- libFuzzer flags]}
secs=${2:-30}
shift; [ $# -gt 0 ] && shift
[ "${1:-}" = "--" ] && shift
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$build" && pwd) || exit 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/falcoc-fuzz.XXXXXX") || exit 2
[ "${FUZZ_KEEP:-0}" = 1 ] || trap 'rm -rf "$tmp"' EXIT INT TERM
status=0

for t in parse yaml scap eval fcf; do
	bin=$build/tests/fuzz_$t
	if [ ! -x "$bin" ]; then
		echo "run_fuzz.sh: $bin not built (configure with CC=clang -DFALCOC_FUZZ=ON)" >&2
		exit 2
	fi
	art=$build/fuzz-artifacts/$t
	mkdir -p "$art" "$tmp/$t"
	cp "$here/corpus_$t"/* "$tmp/$t/"
	[ "${FUZZ_NO_REGRESSIONS:-0}" = 1 ] || cp "$here/regressions/$t"/* "$tmp/$t/" 2>/dev/null
	count() { ls "$art" 2>/dev/null | grep -c -E '^(crash|leak|timeout|oom)-' || true; }
	before=$(count)
	fork=
	[ -n "${FUZZ_JOBS:-}" ] && fork="-fork=$FUZZ_JOBS -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1"
	echo "== fuzz_$t for ${secs}s (corpus $tmp/$t, artifacts $art)"
	# shellcheck disable=SC2086
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-dict="$here/$t.dict" -artifact_prefix="$art/" -print_final_stats=1 \
		$fork "$@" "$tmp/$t" >"$tmp/$t.log" 2>&1
	rc=$?
	tail -n 25 "$tmp/$t.log"
	found=$(($(count) - before))
	if [ $rc -ne 0 ] || [ "$found" -gt 0 ]; then
		echo "== fuzz_$t: FAILED (exit $rc, $found new artifact(s) in $art)"
		cp "$tmp/$t.log" "$art/last-run.log"
		status=1
	else
		echo "== fuzz_$t: ok"
	fi
done
[ "${FUZZ_KEEP:-0}" = 1 ] && echo "corpora kept in $tmp"
exit $status
