#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# run_cli.sh FALCOC RULES.yaml: `falcoc compile --target kmod` and
# `falcoc fcf-dump`: deterministic output, the same program inside
# probe.o, and clear errors (exit 2 usage/I/O, 1 bad input).
set -u
falcoc=$1
rules=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fcf-cli.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fail=1; }

# expect CODE PATTERN -- CMD...: exit code and a stderr line matching PATTERN
expect() {
	code=$1 pat=$2
	shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -eq "$code" ] && grep -q -- "$pat" "$tmp/err"; then
		ok "$* -> $rc"
	else
		bad "$* -> $rc (want $code, '$pat'); stderr:"
		cat "$tmp/err"
	fi
}

"$falcoc" compile "$rules" --target kmod -o "$tmp/a.fcf" 2>/dev/null || bad "compile --target kmod"
"$falcoc" compile "$rules" --target kmod -o "$tmp/b.fcf" 2>/dev/null || bad "compile --target kmod (2)"
cmp -s "$tmp/a.fcf" "$tmp/b.fcf" && ok "deterministic blob" || bad "two compiles differ"
"$falcoc" fcf-dump "$tmp/a.fcf" >"$tmp/a.txt" || bad "fcf-dump"
grep -q '^fcf v1: [0-9]* rules' "$tmp/a.txt" && grep -q '^entry 0: rule' "$tmp/a.txt" &&
	grep -q ' ret ' "$tmp/a.txt" && ok "fcf-dump output" || bad "fcf-dump output"

# the probe carries the same program
if "$falcoc" compile "$rules" -o "$tmp/probe.o" 2>/dev/null; then
	"$falcoc" fcf-dump "$tmp/probe.o" >"$tmp/p.txt" &&
		cmp -s "$tmp/a.txt" "$tmp/p.txt" && ok "probe.o section == --target kmod" ||
		bad "probe.o .falcoc.kfilter differs"
else
	bad "compile probe.o"
fi

expect 2 "--target takes bpf or kmod" -- "$falcoc" compile "$rules" --target ebpf -o "$tmp/x"
expect 2 "--emit-c is for the bpf target" -- "$falcoc" compile "$rules" --target kmod --emit-c - -o "$tmp/x"
expect 2 "cannot write" -- "$falcoc" compile "$rules" --target kmod -o "$tmp/no/such/dir/x.fcf"
expect 2 "cannot read" -- "$falcoc" fcf-dump "$tmp/missing.fcf"
expect 2 "usage" -- "$falcoc" fcf-dump
head -c 100 "$tmp/a.fcf" >"$tmp/trunc.fcf"
expect 1 "truncated blob" -- "$falcoc" fcf-dump "$tmp/trunc.fcf"
printf 'FCF1\001\000\000\000' >"$tmp/short.fcf"
expect 1 "truncated header" -- "$falcoc" fcf-dump "$tmp/short.fcf"
expect 1 "no .falcoc.kfilter section" -- "$falcoc" fcf-dump "$falcoc"
exit $fail
