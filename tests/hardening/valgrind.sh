#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# hardening.valgrind: falcoc-run --replay under valgrind memcheck, with
# no leak (definite, indirect or possible) and no memory error.
#   valgrind.sh FALCOC_RUN CORPUS_DIR WORK_DIR
# Replays: every corpus capture with the corpus falco_rules.yaml (text),
# one with --json, and a --filter/--print run. Not registered in
# sanitizer builds (tests/hardening/CMakeLists.txt): valgrind cannot run
# an ASan binary, and ASan checks the same paths there.
set -u
run=$1 corpus=$2 work=$3/valgrind
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
command -v valgrind >/dev/null || { echo "SKIP: valgrind is not installed"; exit 77; }
if nm -an "$run" 2>/dev/null | grep -q __asan_init; then
	echo "SKIP: $run is built with AddressSanitizer"
	exit 77
fi
rules=$corpus/rules/falco_rules.yaml
vgrules=$(cd "$(dirname "$0")" && pwd)/valgrind_rules.yaml
fails=0
vg() { # NAME ARGS...: falcoc-run ARGS under memcheck
	local name=$1
	shift
	valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect,possible \
		--errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
		--log-file="$name.vg" "$run" "$@" >"$name.out" 2>"$name.err"
	local rc=$?
	if [ $rc = 99 ] || [ -s "$name.vg" ]; then
		echo "FAIL: $name: valgrind reports:"
		head -40 "$name.vg"
		fails=$((fails + 1))
	elif [ $rc != 0 ]; then
		echo "FAIL: $name: falcoc-run exit $rc: $(tail -3 "$name.err")"
		fails=$((fails + 1))
	else
		echo "ok: $name ($(wc -l <"$name.out") lines)"
	fi
}
n=0
for t in "$corpus"/traces/*.scap; do
	vg "$(basename "$t" .scap)" --replay "$t" -r "$rules" -r "$vgrules"
	n=$((n + 1))
done
[ $n -gt 0 ] || { echo "FAIL: no capture in $corpus/traces"; exit 1; }
vg json --replay "$corpus/traces/curl_google.scap" -r "$rules" -r "$vgrules" --json --rule-matching all
vg filter --replay "$corpus/traces/curl_google.scap" --filter 'evt.type in (open, openat, connect)' \
	--print '%evt.num %proc.name %fd.name %evt.args'
# the replays must have done work: at least one alert somewhere
cat ./*.out | grep -q . || { echo "FAIL: no output from any replay"; fails=$((fails + 1)); }
[ $fails = 0 ] && echo "valgrind: ok"
[ $fails = 0 ]
