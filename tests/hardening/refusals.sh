#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# hardening.refusals: falcoc-run refuses, with a clear message and exit
# 2 (never a crash, never "ready"), to run
#   - without privileges (as nobody, no capabilities);
#   - on a kernel without BTF (simulated: --btf and $FALCOC_RUN_BTF
#     pointing at a missing file, and at a file that is not BTF);
#   - with a probe.o from another falcoc (copies of a real probe with the
#     ABI version, the rules hash or the magic patched, and a truncated one).
# A control run with --btf /sys/kernel/btf/vmlinux must load, so the
# option is wired to libbpf, not just checked.
#   refusals.sh FALCOC FALCOC_RUN STORM SRC_DIR WORK_DIR
. "$(dirname "$0")/common.sh"
need_bpf
storm_probe
chmod 755 "$work"
chmod 644 storm.o

# refuse NAME PATTERN CMD...: exit 2, PATTERN on stderr, no "ready"
refuse() {
	local name=$1 pat=$2
	shift 2
	"$@" >"$name.out" 2>"$name.err" </dev/null
	local rc=$?
	if [ $rc != 2 ]; then
		fail "$name: exit $rc, want 2: $(head -3 "$name.err")"
	elif ! grep -q -- "$pat" "$name.err"; then
		fail "$name: message does not say '$pat': $(head -3 "$name.err")"
	elif grep -q 'falcoc-run: ready' "$name.err"; then
		fail "$name: got ready"
	else
		echo "ok: $name: $(head -1 "$name.err")"
	fi
}

# ---- privileges ----
if command -v setpriv >/dev/null; then
	refuse unprivileged "needs root or CAP_BPF+CAP_PERFMON" \
		setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all "$run" storm.o
	# root without the capabilities is no better
	refuse no-caps "needs root or CAP_BPF+CAP_PERFMON" \
		setpriv --inh-caps=-all --bounding-set=-all "$run" storm.o
else
	echo "note: no setpriv, privilege refusal not checked"
fi

# ---- BTF ----
refuse btf-missing "exposes no BTF (/nonexistent/vmlinux" "$run" --btf /nonexistent/vmlinux storm.o
refuse btf-env "exposes no BTF (/nonexistent/vmlinux" env FALCOC_RUN_BTF=/nonexistent/vmlinux "$run" storm.o
refuse btf-garbage "not a BTF file" "$run" --btf /etc/hostname storm.o
refuse btf-replay-only "need a probe" "$run" --btf /sys/kernel/btf/vmlinux --replay x.scap -r x.yaml
for bad in 0 -1 abc 1e9 ''; do
	refuse "interval-'$bad'" "stats-interval: seconds in (0, 86400]" "$run" --stats-interval "$bad" storm.o
done
start control --btf /sys/kernel/btf/vmlinux -o /dev/null storm.o && { kill -INT "$pid"; wait "$pid"; }

# ---- a probe from another falcoc ----
# forge COPY FIELD: storm.o with one field of .falcoc.meta changed
forge() {
	python3 - storm.o "$1" "$2" <<'PY'
import struct, sys
src, dst, field = sys.argv[1:4]
b = bytearray(open(src, "rb").read())
# ELF64 little endian: section headers, their names, find .falcoc.meta
shoff, = struct.unpack_from("<Q", b, 0x28)
shentsize, shnum, shstrndx = struct.unpack_from("<HHH", b, 0x3a)
def sh(i):
    return struct.unpack_from("<IIQQQQIIQQ", b, shoff + i * shentsize)
stroff = sh(shstrndx)[4]
for i in range(shnum):
    s = sh(i)
    name = b[stroff + s[0]:b.index(0, stroff + s[0])].decode()
    if name == ".falcoc.meta":
        off = s[4]
        break
else:
    sys.exit("no .falcoc.meta")
# struct fc_meta_hdr: magic[8], abi, flags, nrules, nfiles (u32), hash (u64)
if field == "abi":
    struct.pack_into("<I", b, off + 8, 99)
elif field == "hash":
    struct.pack_into("<Q", b, off + 24, struct.unpack_from("<Q", b, off + 24)[0] ^ 0x5a5a)
elif field == "magic":
    b[off:off + 8] = b"NOTFALCO"
elif field == "nrules":
    struct.pack_into("<I", b, off + 16, 0xFFFFFFF0)
elif field == "nfiles":
    struct.pack_into("<I", b, off + 20, 1000)
open(dst, "wb").write(b)
PY
}
forge abi.o abi && refuse probe-abi "ABI version 99, this falcoc-run reads version" "$run" abi.o
forge hash.o hash && refuse probe-hash "does not match its own rules compiled here" "$run" hash.o
forge magic.o magic && refuse probe-magic "not a falcoc probe (bad magic" "$run" magic.o
forge nrules.o nrules && refuse probe-nrules "not a falcoc probe (rule count out of range" "$run" nrules.o
forge nfiles.o nfiles && refuse probe-nfiles "not a falcoc probe" "$run" nfiles.o
head -c $(($(stat -c %s storm.o) / 2)) storm.o >half.o
refuse probe-truncated "falcoc-run: half.o" "$run" half.o
finish
