#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# bench_compile.sh BUILD_DIR [RULES]: how long `falcoc RULES -o probe.o`
# takes (median of 3 runs) and how much of it is clang, then the size and
# verifier cost of each program of the probe (from test_bpf, which loads
# it: root and kernel BTF needed, else that part is skipped).
# RULES defaults to the corpus falco_rules.yaml; FALCOC_CORPUS overrides
# the corpus location (default: ../shared/corpus next to the checkout).
# Target: under 1.5 s for falco_rules.yaml, clang included (PASS/FAIL).
# A benchmark prints; it exits 0 unless it cannot run.
set -eu
build=${1:?usage: bench_compile.sh BUILD_DIR [RULES]}
here=$(cd "$(dirname "$0")" && pwd)
corpus=${FALCOC_CORPUS:-$here/../../../shared/corpus}
rules=${2:-$corpus/rules/falco_rules.yaml}
falcoc=$build/compiler/falcoc
test_bpf=$build/tests/test_bpf
clang=${FALCOC_CLANG:-clang}
target_ms=1500
[ -x "$falcoc" ] || { echo "bench_compile.sh: $falcoc not built" >&2; exit 2; }
[ -f "$rules" ] || { echo "bench_compile.sh: no rules file $rules" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# clang behind a wrapper that logs its wall time, so the share is exact
cat >"$tmp/clang" <<WRAP
#!/bin/sh
s=\$(date +%s%N)
"$clang" "\$@"
rc=\$?
echo \$(( (\$(date +%s%N) - s) / 1000000 )) >>"$tmp/clang.ms"
exit \$rc
WRAP
chmod +x "$tmp/clang"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -n | sed -n 2p; }

: >"$tmp/total.ms"
: >"$tmp/clang.ms"
for i in 1 2 3; do
	s=$(now_ms)
	FALCOC_CLANG=$tmp/clang "$falcoc" "$rules" -o "$tmp/probe.o" 2>"$tmp/err" ||
		{ cat "$tmp/err" >&2; echo "bench_compile.sh: falcoc failed" >&2; exit 2; }
	echo $(( $(now_ms) - s )) >>"$tmp/total.ms"
done
total=$(median <"$tmp/total.ms")
cl=$(median <"$tmp/clang.ms")
echo "compile: $(basename "$rules"): falcoc ${total} ms (median of 3:" \
	"$(tr '\n' ' ' <"$tmp/total.ms" | sed 's/ $//') ms), clang ${cl} ms" \
	"($(( cl * 100 / (total ? total : 1) ))%)"
echo "  generated C: $("$falcoc" "$rules" --emit-c - 2>/dev/null | wc -l) lines;" \
	"probe.o: $(wc -c <"$tmp/probe.o") bytes"
if [ "$total" -lt "$target_ms" ]; then
	echo "compile: PASS (${total} ms < ${target_ms} ms)"
else
	echo "compile: FAIL (${total} ms >= ${target_ms} ms)"
fi

# per-program instructions and verified instructions
if [ "$(id -u)" != 0 ] || [ ! -r /sys/kernel/btf/vmlinux ] || [ ! -x "$test_bpf" ]; then
	echo "programs: skipped (needs root, kernel BTF and $test_bpf)"
	exit 0
fi
src=$here/..
"$test_bpf" "$rules" "$src/bpf/filter_rules.yaml" "$src/bpf/smoke_rules.yaml" \
	>"$tmp/test_bpf.out" 2>&1 || true
echo "programs (xlated insns, verified insns; 1000000 is the kernel's limit):"
sed -n '/^load: /,/ programs, /p' "$tmp/test_bpf.out" | sed 1d
exit 0
