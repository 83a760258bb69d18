#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Compare falcoc's field extraction with sysdig 0.29, line by line.

For every corpus capture, run `sysdig -r FILE -p FORMAT` and
`rt_print FILE FORMAT` (tests/runtime/rt_print.c) with the same format
and TZ=UTC, and compare the output keyed by evt.num. Prints a summary per
capture and per field (which fields differ, with a few examples), and
exits non-zero if any line differs.

  compare_print.py RT_PRINT [TRACES_DIR] [--fields a,b,...] [-v]

rt_print runs without --merge: sysdig -p is filter mode, which prints
enter events too and never fills an exit event's missing parameters from
its enter event.

Documented exceptions, where current Falco deliberately differs from
sysdig 0.29 (the oracle), so falcoc follows Falco:

  proc.cwd   sysdig 0.29 prints an empty proc.cwd for every process;
             current Falco (and falcoc) print the thread's working
             directory with a trailing '/'. Left out of the comparison.
  group.gid  sysdig 0.29 declares group.gid PT_UINT64 while the value it
             extracts is the thread's 32-bit gid, so it prints 8 bytes
             read from a 4-byte field: the gid plus whatever follows it in
             sinsp_threadinfo (4294967295 shows as 8589934591). Later
             libs declare it PT_UINT32, as falcoc does. Compared on the
             low 32 bits of sysdig's value.
"""
import argparse
import collections
import os
import subprocess
import sys

FIELDS = [
    "evt.num", "evt.time", "evt.dir", "evt.type", "evt.res", "evt.rawres", "evt.failed",
    "evt.args", "evt.arg.name", "evt.arg.flags", "evt.arg.fd", "evt.arg.res",
    "evt.is_open_read", "evt.is_open_write", "evt.is_open_exec", "evt.rawtime", "evt.datetime",
    "evt.time.iso8601", "evt.cpu", "evt.latency",
    "proc.name", "proc.exe", "proc.exepath", "proc.cmdline", "proc.args", "proc.pid",
    "proc.ppid", "proc.pname", "proc.pcmdline", "proc.aname[2]", "proc.aname[3]",
    "proc.aname[4]", "proc.apid[2]", "proc.tty", "proc.sid", "proc.sname",
    "proc.vpgid", "proc.vpid", "proc.loginshellid", "proc.exeline", "proc.env",
    "thread.tid", "thread.vtid", "thread.ismain",
    "user.uid", "user.name", "user.loginuid", "user.loginname", "user.homedir", "user.shell",
    "group.gid", "group.name",
    "fd.num", "fd.name", "fd.type", "fd.typechar", "fd.directory", "fd.filename",
    "fd.sip", "fd.cip", "fd.sport", "fd.cport", "fd.lip", "fd.rip", "fd.lport", "fd.rport",
    "fd.l4proto", "fd.sockfamily", "fd.is_server", "fd.connected", "fd.name_changed",
    "container.id", "container.name", "container.image", "k8s.ns.name",
]
SEP = "\x1f"

# Fields left out of the default list, and why (see the docstring).
EXCLUDED = {"proc.cwd": "sysdig 0.29 prints it empty for every process"}


def norm_gid(v):
    """sysdig 0.29 reads group.gid as 8 bytes from a 4-byte field."""
    return str(int(v) & 0xFFFFFFFF) if v.isdigit() else v


# Per-field normalisation of sysdig's value before comparing.
NORMALISE = {"group.gid": norm_gid}


def run(cmd):
    env = dict(os.environ, TZ="UTC")
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def keyed(text, nfields):
    out = {}
    for line in text.splitlines():
        parts = line.split(SEP)
        if len(parts) != nfields:
            continue
        out[parts[0]] = parts
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("rt_print")
    ap.add_argument("traces", nargs="?", default="/work/shared/corpus/traces")
    ap.add_argument("--fields", default=",".join(FIELDS))
    ap.add_argument("-v", action="store_true")
    args = ap.parse_args()
    fields = args.fields.split(",")
    fmt = "*" + SEP.join("%" + f for f in fields)
    total_lines = same_lines = 0
    field_diffs = collections.Counter()
    examples = collections.defaultdict(list)
    bad = False
    for name in sorted(os.listdir(args.traces)):
        if not name.endswith(".scap"):
            continue
        path = os.path.join(args.traces, name)
        rc1, want, err1 = run(["sysdig", "-r", path, "-p", fmt])
        if rc1 != 0 or "Could not" in err1 + want[:200]:
            print(f"{name}: sysdig cannot read it, skipped")
            continue
        rc2, got, err2 = run([args.rt_print, path, fmt])
        if rc2 != 0:
            print(f"{name}: rt_print failed: {err2.strip()[:300]}")
            bad = True
        w, g = keyed(want, len(fields)), keyed(got, len(fields))
        for parts in w.values():
            for i, f in enumerate(fields):
                if f in NORMALISE:
                    parts[i] = NORMALISE[f](parts[i])
        nsame = 0
        for num, wl in w.items():
            gl = g.get(num)
            if gl == wl:
                nsame += 1
                continue
            for i, f in enumerate(fields):
                gv = gl[i] if gl else "<missing line>"
                if gv != wl[i]:
                    field_diffs[f] += 1
                    if len(examples[f]) < 3:
                        examples[f].append((name, num, wl[i][:160], gv[:160]))
        extra = len(set(g) - set(w))
        total_lines += len(w)
        same_lines += nsame
        print(f"{name}: {nsame}/{len(w)} lines identical" + (f", {extra} extra lines" if extra else ""))
        if nsame != len(w) or extra:
            bad = True
    print(f"TOTAL: {same_lines}/{total_lines} lines identical over {len(fields)} fields")
    for f, why in EXCLUDED.items():
        if f not in fields:
            print(f"  excluded: {f} ({why})")
    for f, n in field_diffs.most_common():
        print(f"  {f}: {n} lines differ")
        if args.v:
            for ex in examples[f]:
                print(f"      {ex[0]} #{ex[1]}\n        sysdig: {ex[2]!r}\n        falcoc: {ex[3]!r}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
