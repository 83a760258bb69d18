#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# The kernel-module test: boots Debian's kernel under qemu (TCG; this
# machine's kernel cannot load modules and KVM hangs here) with an
# initramfs holding busybox, falcoc.ko, falcoc-run and the workload, runs
# the workload under `falcoc-run --driver kmod` and under the BPF driver,
# and requires both alert sets equal, non-empty and covering every rule
# of rules.yaml; then checks one-reader, rmmod refused while open, reader
# killed with events in flight, rmmod, reload, and a clean dmesg.
#
#   run.sh BUILD_DIR            the test (ctest kmod.qemu)
#   run.sh BUILD_DIR --bench    per-syscall overhead: none / kmod / bpf,
#                               a table on stdout and BUILD_DIR/kmod_bench.json
#
# Exit 0 pass, 1 fail, 77 skipped (no qemu, Debian kernel, module or busybox).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
B=$(cd "${1:?usage: run.sh BUILD_DIR [--bench]}" && pwd)
MODE=test
[ "${2:-}" = "--bench" ] && MODE=bench
BENCH_N=${FCK_BENCH_N:-50000}

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

command -v qemu-system-x86_64 >/dev/null || skip "no qemu-system-x86_64 (apt-get install qemu-system-x86)"
BUSYBOX=$(command -v busybox || true)
[ -n "$BUSYBOX" ] || skip "no busybox (apt-get install busybox-static)"
# (ldd exits 1 on a static binary: test its message, not its status)
[[ "$(ldd "$BUSYBOX" 2>&1 || true)" == *"not a dynamic executable"* ]] ||
	skip "$BUSYBOX is not the static build (apt-get install busybox-static)"
KO=$B/kmod-build/kmod/falcoc.ko
[ -f "$KO" ] || skip "no $KO (no Debian kernel headers at configure time: apt-get install linux-headers-amd64, re-run cmake)"
command -v cpio >/dev/null || skip "no cpio"
# the kernel the module was built for
KVER=$(modinfo -F vermagic "$KO" 2>/dev/null | awk '{print $1}')
[ -n "$KVER" ] || KVER=$(strings "$KO" | sed -n 's/^vermagic=\([^ ]*\).*/\1/p' | head -1)
KERNEL=/boot/vmlinuz-$KVER
[ -r "$KERNEL" ] || skip "no $KERNEL for the module's vermagic '$KVER' (apt-get install linux-image-amd64)"
FALCOC=$B/compiler/falcoc
RUNBIN=$B/runtime/falcoc-run
[ -x "$FALCOC" ] && [ -x "$RUNBIN" ] || fail "falcoc or falcoc-run not built in $B"
command -v clang >/dev/null || skip "no clang (falcoc needs it to build probes)"

W=$(mktemp -d /tmp/fck-qemu.XXXXXX)
# FCK_KEEP=1 keeps the work directory (serial log, initramfs) for a look
[ -n "${FCK_KEEP:-}" ] && echo "work directory: $W" || trap 'rm -rf "$W"' EXIT
R=$W/root
mkdir -p "$R"/{bin,proc,sys,dev,tmp,etc,root}

# --- the probe(s) ---
# (under pipefail, `cmd | grep -q` fails when grep exits before cmd has
# written everything: the checks below read whole outputs instead)
"$FALCOC" "$here/rules.yaml" -o "$W/probe.o" >"$W/falcoc.log" 2>&1 || { cat "$W/falcoc.log"; fail "falcoc"; }
cp "$W/probe.o" "$R/probe.o"
if grep -q '\.falcoc\.kfilter' <(readelf -S "$W/probe.o"); then
	cp "$W/probe.o" "$R/probe_kmod.o"
	echo "probe: kernel filter program present: the module filters"
else
	# this falcoc emits no module filter program yet: the module then
	# needs a probe compiled without kernel filter (all events of the
	# rules' syscalls flow; userspace decides)
	"$FALCOC" compile "$here/rules.yaml" --kernel-filter=off -o "$R/probe_kmod.o" >>"$W/falcoc.log" 2>&1 ||
		{ cat "$W/falcoc.log"; fail "falcoc --kernel-filter=off"; }
	echo "NOTE: probe has no .falcoc.kfilter section: the module runs without a kernel filter"
fi
# a probe whose filter program is corrupt (magic flipped): the module
# must refuse it and falcoc-run say why
python3 - "$R/probe_kmod.o" "$R/probe_bad.o" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
shoff, = struct.unpack_from("<Q", b, 0x28)
shentsize, shnum, shstrndx = struct.unpack_from("<HHH", b, 0x3a)
def sh(i):
    return struct.unpack_from("<IIQQQQIIQQ", b, shoff + i * shentsize)
stroff = sh(shstrndx)[4]
for i in range(shnum):
    name_off, _, _, _, off, size = sh(i)[:6]
    name = bytes(b[stroff + name_off:b.index(0, stroff + name_off)])
    if name == b".falcoc.kfilter" and size:
        b[off] ^= 0xff
        break
open(sys.argv[2], "wb").write(b)
PY
# the bench's "kmod, no kernel filter" row: every event of the rules' syscalls sent
"$FALCOC" compile "$here/rules.yaml" --kernel-filter=off -o "$R/probe_nofilter.o" >>"$W/falcoc.log" 2>&1 ||
	{ cat "$W/falcoc.log"; fail "falcoc --kernel-filter=off"; }

# --- the initramfs ---
cp "$BUSYBOX" "$R/bin/busybox"
for a in sh mount insmod rmmod lsmod cat echo sleep poweroff ip grep seq kill pidof rm dmesg sync ls; do
	ln -s busybox "$R/bin/$a"
done
cp "$RUNBIN" "$R/bin/falcoc-run"
# falcoc-run's shared libraries, at their paths
ldd "$RUNBIN" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' | while read -r lib; do
	mkdir -p "$R$(dirname "$lib")"
	cp -L "$lib" "$R$lib"
done
cp "$KO" "$R/falcoc.ko"
# the stdlib probe, when built: its filter program must load and run too
[ -f "$B/stdlib-rules/falcoc_stdlib.o" ] && cp "$B/stdlib-rules/falcoc_stdlib.o" "$R/probe_stdlib.o"
gcc -O2 -static -o "$R/fck_workload" "$here/workload.c"
cp "$here/init.sh" "$R/init"
chmod +x "$R/init"
echo "root:x:0:0:root:/root:/bin/sh" >"$R/etc/passwd"
echo "root:x:0:" >"$R/etc/group"
echo "fckvm" >"$R/etc/hostname"
echo "$BENCH_N" >"$R/bench_n"
(cd "$R" && find . | cpio -o -H newc --quiet) | gzip -1 >"$W/initrd.gz"

# --- boot ---
LOG=$W/serial.log
T0=$(date +%s)
set +e
# bench: one vCPU with an instruction-counted clock (-icount: 1 guest ns
# per instruction, idle time skipped), so the figures count guest work
# and do not depend on what else this machine runs; the test: two vCPUs
# (per-CPU rings, cross-ring ordering)
if [ "$MODE" = bench ]; then
	VMOPTS=(-smp 1 -icount shift=0,sleep=off)
else
	VMOPTS=(-smp 2)
fi
timeout 300 qemu-system-x86_64 -accel tcg -nographic -no-reboot -m 1G "${VMOPTS[@]}" \
	-kernel "$KERNEL" -initrd "$W/initrd.gz" \
	-append "console=ttyS0 panic=-1 quiet loglevel=3 fck_mode=$MODE" \
	</dev/null >"$LOG" 2>&1
qrc=$?
set -e
T1=$(date +%s)
tr -d '\r' <"$LOG" >"$W/serial.txt"
echo "qemu: exit $qrc after $((T1 - T0)) s"
[ $qrc -eq 124 ] && { tail -40 "$W/serial.txt"; fail "qemu timed out"; }
grep -q '=== FCK INSMOD ok ===' "$W/serial.txt" || { tail -60 "$W/serial.txt"; fail "insmod falcoc.ko failed in the guest"; }

# Lines between the markers of block $1.
block() { sed -n "/^=== FCK BEGIN $1 ===\$/,/^=== FCK END $1 ===\$/p" "$W/serial.txt" | sed '1d;$d'; }
marker() { grep -q "^=== FCK $1 ===\$" "$W/serial.txt"; }

if [ "$MODE" = bench ]; then
	grep '^=== FCK BENCH ' "$W/serial.txt" || true
	# per driver: the minimum over the rounds
	val() { grep '^=== FCK BENCH ' "$W/serial.txt" | sed -n "s/.* $1=\([0-9.][0-9.]*\).*/\1/p" | sort -g | head -1; }
	none=$(val none) kmod=$(val kmod) kmodnf=$(val kmodnf) bpf=$(val bpf)
	[ -n "$none" ] && [ -n "$kmod" ] || { tail -40 "$W/serial.txt"; block bench-kmod-stderr; fail "bench incomplete"; }
	bpf_why=""
	[ -n "$bpf" ] || bpf_why=$(block bench-bpf-stderr | grep -v '^libbpf' | grep -m1 'expected=\|not allowed\|invalid\|unknown' || echo "falcoc-run failed")
	python3 - "$none" "$kmod" "${kmodnf:-}" "${bpf:-}" "$bpf_why" "$BENCH_N" "$KVER" "$B/kmod_bench.json" <<'PY'
import json, sys
none, kmod = float(sys.argv[1]), float(sys.argv[2])
kmodnf = float(sys.argv[3]) if sys.argv[3] else None
bpf = float(sys.argv[4]) if sys.argv[4] else None
why, n, kver, out = sys.argv[5], int(sys.argv[6]), sys.argv[7], sys.argv[8]
print(f"per-iteration cost (openat+close+getppid on a path no rule matches),")
print(f"kernel {kver} under qemu TCG -icount (1 ns = 1 guest instruction), 1 vCPU, {n} iterations, best of 3 rounds")
print(f"{'driver':<26} {'ns/iter':>10} {'extra ns':>10} {'ratio':>7}")
rows = (("none", none), ("kmod (kernel filter)", kmod), ("kmod (no kernel filter)", kmodnf), ("bpf", bpf))
for name, v in rows:
    if v is None:
        print(f"{name:<26} {'n/a':>10}")
    else:
        print(f"{name:<26} {v:>10.1f} {v - none:>10.1f} {v / none:>7.2f}")
if bpf is None:
    print(f"bpf: the probe does not load on this kernel: {why.strip()}")
json.dump({"kernel": kver, "accel": "tcg -icount shift=0,sleep=off -smp 1", "unit": "guest instructions (1 ns each)", "iterations": n, "workload": "openat+close+getppid",
           "ns_per_iter": {"none": none, "kmod": kmod, "kmod_no_filter": kmodnf, "bpf": bpf},
           "ratio": {"kmod": kmod / none, "kmod_no_filter": kmodnf / none if kmodnf else None,
                     "bpf": bpf / none if bpf else None},
           "bpf_unavailable": why.strip() or None}, open(out, "w"), indent=1)
print("written", out)
PY
	exit 0
fi

errors=0
bad() { echo "FAIL: $*"; errors=$((errors + 1)); }
# alerts without the leading time: "HH:MM:SS.nnnnnnnnn: "
alerts() { block "$1" | sed -E 's/^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}: //'; }
alerts kmod >"$W/kmod.txt"
alerts bpf >"$W/bpf.txt"
alerts again >"$W/again.txt"
echo "--- kmod driver: $(wc -l <"$W/kmod.txt") alerts"; cat "$W/kmod.txt"
echo "--- kmod stats:"; block kmod-stats
echo "--- kmod stderr:"; block kmod-stderr
echo "--- bpf driver: $(wc -l <"$W/bpf.txt") alerts"
marker "RC kmod 0" || { bad "falcoc-run --driver kmod did not exit 0"; }
[ -s "$W/kmod.txt" ] || bad "no alert from the kmod driver"
# The kmod driver's alerts must equal the BPF driver's in the guest, and
# also on this host (same rules, same static workload, in a private tmpfs
# on /tmp/fck) when it can run BPF.
same_as() { # name file
	if ! diff <(sort "$W/kmod.txt") <(sort "$2") >"$W/diff.txt"; then
		cat "$W/diff.txt"
		bad "the kmod driver's alerts differ from the BPF driver's ($1) (< kmod, > bpf)"
	else
		echo "kmod == bpf ($1): $(wc -l <"$2") alerts"
		cmp -s "$W/kmod.txt" "$2" || echo "note: same alerts, different order"
	fi
	compared=$((compared + 1))
}
compared=0
if marker "RC bpf 0"; then
	same_as guest "$W/bpf.txt"
else
	block bpf-stderr | grep -v '^libbpf' | tail -20
	bad "falcoc-run (bpf) failed in the guest"
fi
if [ "$(id -u)" = 0 ] && [ -r /sys/kernel/btf/vmlinux ] && command -v unshare >/dev/null; then
	mkdir -p /tmp/fck
	if unshare -m sh -c 'mount -t tmpfs fck /tmp/fck && exec "$0" "$1" -- "$2"' \
		"$RUNBIN" "$R/probe.o" "$R/fck_workload" >"$W/host.raw" 2>"$W/host.err"; then
		sed -E 's/^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}: //' "$W/host.raw" >"$W/host.txt"
		same_as "host kernel $(uname -r)" "$W/host.txt"
	else
		tail -5 "$W/host.err"
		echo "NOTE: the BPF driver could not run on this host: no host comparison"
	fi
fi
[ $compared -gt 0 ] || echo "WARNING: no BPF reference could run: only the rule coverage is checked"
cmp -s "$W/kmod.txt" "$W/again.txt" || { diff "$W/kmod.txt" "$W/again.txt" || true; bad "the run after re-insmod differs"; }
# every rule fired
for tag in open-write read-shadow open-in-dir exec connect unlink mkdir rename chmod setuid; do
	grep -q "^[A-Za-z]* fck $tag " "$W/kmod.txt" || bad "rule '$tag' never fired under the kmod driver"
done
# and the look-alikes did not
grep -E 'open-write file=/tmp/fck/other|flags=O_RDONLY|file=c\.conf|passwd|4445|chmod file=/tmp/fck/other|unlink type=unlink.*other' \
	"$W/kmod.txt" && bad "a look-alike call raised an alert"
marker "LOOP ready" || { block second-stderr; bad "the looping reader never got ready"; }
marker "SECOND rc=2" && block second-stderr | grep -c busy >/dev/null || bad "a second reader was not refused with 'busy'"
marker "RMMOD-OPEN refused" || bad "rmmod succeeded while /dev/falcoc was open"
marker "RMMOD-AFTER-KILL ok" || bad "rmmod after killing the reader failed"
block nomod-stderr | grep -c 'module not loaded: insmod falcoc.ko' >/dev/null || { block nomod-stderr; bad "no 'module not loaded' message without the module"; }
marker "REINSMOD ok" || bad "insmod after rmmod failed"
if [ -f "$R/probe_stdlib.o" ]; then
	echo "--- stdlib probe under the kmod driver: $(block stdlib-stderr | grep -v '^libbpf' | grep -m1 'filter loaded\|without a kernel filter')"
	marker "RC stdlib 0" || { block stdlib-stderr | grep -v '^libbpf' | tail; bad "the stdlib probe failed under the kmod driver"; }
fi
if grep -q '\.falcoc\.kfilter' <(readelf -S "$R/probe_kmod.o"); then
	echo "--- corrupt filter program: $(block badblob-stderr | grep -v '^libbpf' | head -1)"
	marker "BADBLOB rc=2" && block badblob-stderr | grep -c 'the module refused the filter program' >/dev/null ||
		{ block badblob-stderr; bad "a corrupt filter program was not refused with a reason"; }
fi
marker "RMMOD-END ok" || bad "final rmmod failed"
# no silent loss: what the module saw is filtered, sent or counted lost,
# and falcoc-run received exactly what was sent (both stats files)
check_stats() { # name min_sent
	block "$1" >"$W/$1.json"
	python3 - "$W/$1.json" "$1" "$2" <<'PY' || bad "$1: counters do not add up"
import json, sys
s = json.load(open(sys.argv[1])); k = s["kernel"]; name, min_sent = sys.argv[2], int(sys.argv[3])
lost = k["seen"] - k["filtered"] - k["sent"] - k["ring_full"]
print(f"{name}: seen {k['seen']} filtered {k['filtered']} sent {k['sent']} ring_full {k['ring_full']} "
      f"received {s['events_received']} undecodable {s['drops']['undecodable']}")
ok = k["available"] and lost == 0 and s["events_received"] == k["sent"] and k["sent"] >= min_sent \
     and s["drops"]["undecodable"] == 0 and s["drops"]["no_extensions"] == 0
sys.exit(0 if ok else 1)
PY
}
check_stats kmod-stats 1
# --disable-rule: no alert of the rule, the rest unchanged, and with a
# kernel filter the module drops the rule's events
marker "RC dis 0" || bad "the --disable-rule run failed"
alerts dis >"$W/dis.txt"
if grep -q ' fck open-write ' "$W/dis.txt" ||
	! diff <(grep -v ' fck open-write ' "$W/kmod.txt" | sort) <(sort "$W/dis.txt") >/dev/null; then
	bad "--disable-rule under the kmod driver: not the other alerts exactly"
fi
check_stats dis-stats 1
if grep -q '\.falcoc\.kfilter' <(readelf -S "$R/probe_kmod.o"); then
	python3 - "$W/kmod-stats.json" "$W/dis-stats.json" <<'PY' || bad "a disabled rule's events were not dropped in the module"
import json, sys
a, b = (json.load(open(f))["kernel"] for f in sys.argv[1:3])
print(f"disabled rule: filtered {a['filtered']} -> {b['filtered']}, sent {a['sent']} -> {b['sent']}")
sys.exit(0 if b["filtered"] > a["filtered"] and b["sent"] < a["sent"] else 1)
PY
fi
# the 128 KiB ring must have wrapped: more bytes sent than it holds
marker "SMALLRING ok" && marker "RC small 0" || { block small-stderr; bad "small-ring run failed"; }
check_stats small-stats 2000
if block dmesg | grep -v 'module verification failed' |
	grep -E 'BUG|Oops|WARNING:|general protection|falcoc.*(error|fail)' >"$W/dmesg.bad"; then
	cat "$W/dmesg.bad"
	bad "kernel complaints in dmesg"
fi
[ $errors -eq 0 ] || { echo "--- serial log tail"; tail -30 "$W/serial.txt"; exit 1; }
echo "PASS: kmod and BPF drivers agree on $(wc -l <"$W/kmod.txt") alerts; unload and reload clean"
