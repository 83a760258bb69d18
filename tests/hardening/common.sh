# SPDX-License-Identifier: Apache-2.0
# Sourced by the hardening shell tests: arguments, skip/fail helpers and
# a falcoc-run started in the background and waited for.
#   TEST.sh FALCOC FALCOC_RUN STORM SRC_DIR WORK_DIR
set -u
falcoc=$1 run=$2 storm=$3 src=$4
work=$5/$(basename "$0" .sh)
rm -rf "$work"
mkdir -p "$work"
cd "$work" || exit 1
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
skip() { echo "SKIP: $*"; exit 77; }
need_bpf() {
	[ "$(id -u)" = 0 ] || skip "needs root (loading BPF)"
	[ -r /sys/kernel/btf/vmlinux ] || skip "no kernel BTF (/sys/kernel/btf/vmlinux)"
	command -v clang >/dev/null || skip "no clang (falcoc needs it to build probes)"
}
# storm.o: the storm rule (every open under /tmp/fc_storm/ alerts)
storm_probe() {
	mkdir -p /tmp/fc_storm
	"$falcoc" "$src/tests/bench/storm_rules.yaml" -o storm.o >falcoc.log 2>&1 ||
		{ echo "FAIL: falcoc storm_rules.yaml: $(tail -3 falcoc.log)"; exit 1; }
}
# start NAME ARGS...: falcoc-run ARGS in the background, stderr in
# NAME.err; sets $pid; fails unless "falcoc-run: ready" comes in 60 s.
start() {
	local name=$1
	shift
	"$run" "$@" >"$name.out" 2>"$name.err" &
	pid=$!
	for _ in $(seq 600); do
		grep -q '^falcoc-run: ready$' "$name.err" && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	fail "$name: falcoc-run never ready: $(tail -5 "$name.err")"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 1
}
# wait_for FILE PATTERN SECONDS: until grep -q finds it
wait_for() {
	local i
	for i in $(seq $(($3 * 10))); do
		grep -qa -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
finish() {
	[ $fails = 0 ] && echo "$(basename "$0" .sh): ok"
	[ $fails = 0 ]
	exit $?
}
