#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Differential test: falcoc-run --filter/--print against sysdig 0.29.

For every condition in conditions.txt and every corpus capture sysdig can
read, `falcoc-run --replay F --filter C --print '%evt.num'` must print the
same lines as `sysdig -r F C -p '%evt.num'`. Then a wide --print format
(PRINT_FIELDS, 40+ fields) is compared line for line on every capture.

Deliberate differences from sysdig 0.29 (we follow current Falco):
  - proc.cwd: sysdig 0.29 prints it empty; we print the real directory.
  - group.gid: sysdig 0.29 reads 64 bits of a 32-bit field (prints
    8589934591 for 4294967295); compared on the low 32 bits.
  - conditions.txt lines `!exception <reason> :: <condition>`: both tools
    run the condition and the result is reported as a documented
    exception with its reason, counted neither as passed nor as failed.
A condition sysdig itself rejects (an operator or field it does not know)
is reported as 'oracle-unsupported' and does not count as compared.

usage: diff_sysdig.py FALCOC_RUN TRACES_DIR CONDITIONS [-v]
Exit: 0 all equal, 1 differences, 77 sysdig missing (skip).
"""
import os
import shutil
import subprocess
import sys

PRINT_FIELDS = [
    "evt.num", "evt.time", "evt.dir", "evt.type", "evt.res", "evt.rawres", "evt.failed",
    "evt.args", "evt.arg.name", "evt.arg.flags", "evt.arg.fd", "evt.cpu", "evt.latency",
    "evt.is_open_read", "evt.is_open_write", "evt.rawtime", "evt.datetime",
    "proc.name", "proc.exe", "proc.exepath", "proc.cmdline", "proc.args", "proc.pid",
    "proc.ppid", "proc.pname", "proc.pcmdline", "proc.aname[2]", "proc.aname[3]",
    "proc.apid[2]", "proc.tty", "proc.sid", "proc.vpgid", "proc.vpid", "proc.exeline",
    "thread.tid", "thread.vtid", "thread.ismain",
    "user.uid", "user.name", "user.loginuid", "user.homedir", "user.shell",
    "group.name",
    "fd.num", "fd.name", "fd.type", "fd.typechar", "fd.directory", "fd.filename",
    "fd.sip", "fd.cip", "fd.sport", "fd.cport", "fd.l4proto", "fd.sockfamily",
    "fd.is_server", "fd.connected", "fd.name_changed",
    "evt.category", "evt.is_io", "evt.is_wait", "evt.is_syslog",
    "container.id", "container.name",
]


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=120)


def main():
    falcoc_run, traces, conds_file = sys.argv[1:4]
    verbose = "-v" in sys.argv
    if not shutil.which("sysdig"):
        print("SKIP: sysdig not installed (scripts/install-deps.sh installs it)")
        return 77
    env = dict(os.environ, TZ="UTC")
    os.environ["TZ"] = "UTC"
    conds, exceptions = [], []
    for l in open(conds_file):
        l = l.strip()
        if not l or l.startswith("#"):
            continue
        if l.startswith("!exception "):
            reason, sep, cond = l[len("!exception "):].partition(" :: ")
            if not sep or not cond.strip():
                print(f"bad exception line in {conds_file}: {l!r}")
                return 1
            exceptions.append((reason.strip(), cond.strip()))
        else:
            conds.append(l)
    caps = []
    for f in sorted(os.listdir(traces)):
        p = os.path.join(traces, f)
        if run(["sysdig", "-r", p, "evt.num=1"]).returncode == 0:
            caps.append(p)
    passed = failed = unsupported = 0
    for c in conds:
        oracle_ok = True
        for p in caps:
            s = subprocess.run(["sysdig", "-r", p, c, "-p", "%evt.num"], capture_output=True,
                               text=True, errors="replace", env=env, timeout=120)
            if s.returncode != 0:
                oracle_ok = False
                break
            f = subprocess.run([falcoc_run, "--replay", p, "--filter", c, "--print", "%evt.num"],
                               capture_output=True, text=True, errors="replace", env=env,
                               timeout=120)
            if f.returncode != 0 or f.stdout != s.stdout:
                failed += 1
                sl, fl = s.stdout.splitlines(), f.stdout.splitlines()
                print(f"FAIL {c!r} on {os.path.basename(p)}: sysdig {len(sl)} lines, "
                      f"falcoc {len(fl)} lines, rc={f.returncode} {f.stderr.strip()[:200]}")
                if verbose:
                    only_s = sorted(set(sl) - set(fl), key=int)[:10]
                    only_f = sorted(set(fl) - set(sl), key=lambda x: int(x) if x.isdigit() else 0)[:10]
                    print(f"   only sysdig: {only_s}\n   only falcoc: {only_f}")
                break
        else:
            passed += 1
            continue
        if not oracle_ok:
            unsupported += 1
            if verbose:
                print(f"oracle-unsupported: {c!r}")
    # documented exceptions: run both, say whether they still differ
    for reason, c in exceptions:
        state = "same output (exception may be obsolete)"
        for p in caps:
            s = subprocess.run(["sysdig", "-r", p, c, "-p", "%evt.num"], capture_output=True,
                               text=True, errors="replace", env=env, timeout=120)
            f = subprocess.run([falcoc_run, "--replay", p, "--filter", c, "--print", "%evt.num"],
                               capture_output=True, text=True, errors="replace", env=env,
                               timeout=120)
            if s.returncode != f.returncode or s.stdout != f.stdout:
                state = (f"differs on {os.path.basename(p)}: sysdig rc={s.returncode} "
                         f"{len(s.stdout.splitlines())} lines, falcoc rc={f.returncode} "
                         f"{len(f.stdout.splitlines())} lines")
                break
        print(f"EXCEPTION {c!r}: {reason} [{state}]")
    # wide --print
    fmt = " ".join("%" + x for x in PRINT_FIELDS)
    for p in caps:
        s = subprocess.run(["sysdig", "-r", p, "-p", fmt], capture_output=True, text=True,
                           errors="replace", env=env, timeout=120)
        f = subprocess.run([falcoc_run, "--replay", p, "--filter", "evt.num > 0", "--print", fmt],
                           capture_output=True, text=True, errors="replace", env=env, timeout=120)
        sl, fl = s.stdout.splitlines(), f.stdout.splitlines()
        same = sum(1 for a, b in zip(sl, fl) if a == b)
        if s.returncode == 0 and sl == fl:
            passed += 1
        else:
            failed += 1
            print(f"FAIL --print ({len(PRINT_FIELDS)} fields) on {os.path.basename(p)}: "
                  f"{same}/{len(sl)} lines identical")
            if verbose:
                for a, b in zip(sl, fl):
                    if a != b:
                        print(f"   sysdig: {a}\n   falcoc: {b}")
                        break
    print(f"conditions={len(conds)} compared={len(conds) - unsupported} captures={len(caps)} "
          f"oracle-unsupported={unsupported} exceptions={len(exceptions)} "
          f"print-fields={len(PRINT_FIELDS)}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
