#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Live tests of the stdlib rules (root, BPF).

For each row of stdlib-rules/tests/manifest.tsv:
  trigger:  falcoc-run STDLIB_PROBE --json -- bash tests/<script> trigger
            the named rule must fire, and its output must contain every
            expected substring;
  nearmiss: the same with 'nearmiss': the named rule must not fire.
A script exiting 77 is a skip (a precondition such as docker is missing).

usage: run_stdlib.py FALCOC FALCOC_RUN [RULE_ID...]
Exit: 0 all passed, 1 failures, 77 not root / no BTF.
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
STDLIB = os.path.normpath(os.path.join(HERE, "..", "..", "stdlib-rules"))
FILES = ["macros.yaml", "files.yaml", "process.yaml", "network.yaml", "kernel.yaml"]


def main():
    falcoc, falcoc_run = sys.argv[1:3]
    only = set(sys.argv[3:])
    if os.geteuid() != 0:
        print("SKIP: the stdlib tests load BPF programs and need root")
        return 77
    if not os.path.exists("/sys/kernel/btf/vmlinux"):
        print("SKIP: the kernel has no BTF (/sys/kernel/btf/vmlinux)")
        return 77
    tmp = tempfile.mkdtemp(prefix="falcoc-stdlib-run.")
    probe = os.path.join(tmp, "stdlib.o")
    r = subprocess.run([falcoc] + [os.path.join(STDLIB, f) for f in FILES] + ["-o", probe],
                       capture_output=True, text=True)
    if r.returncode != 0:
        print(f"FAIL: compiling the stdlib probe: {r.stderr}")
        return 1
    rows = []
    for line in open(os.path.join(STDLIB, "tests", "manifest.tsv")):
        if line.startswith("#") or not line.strip():
            continue
        rule, rid, trig, near, expect, requires = (line.rstrip("\n").split("\t") + [""] * 6)[:6]
        if only and rid not in only:
            continue
        rows.append((rule, rid, trig, near, [e for e in expect.split(" ;; ") if e], requires))
    passed = failed = skipped = 0
    for rule, rid, trig, near, expect, requires in rows:
        for mode, script in (("trigger", trig), ("nearmiss", near)):
            out = os.path.join(tmp, f"{rid}.{mode}.json")
            cmd = [falcoc_run, probe, "--json", "--rule-matching", "all", "-o", out, "--",
                   "bash", "-c", f"cd {os.path.join(STDLIB, 'tests')} && bash {script}"]
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
            status = p.returncode
            if status == 77 or "CMD exited with status 77" in p.stderr:
                skipped += 1
                print(f"skip {rid} {mode}: {p.stdout.strip()[-200:]}")
                continue
            alerts = []
            if os.path.exists(out):
                for l in open(out):
                    if l.strip():
                        alerts.append(json.loads(l))
            mine = [a for a in alerts if a.get("rule") == rule]
            others = sorted({a.get("rule") for a in alerts} - {rule})
            ok = True
            why = ""
            if status != 0:
                ok, why = False, f"falcoc-run exit {status}: {p.stderr.strip()[-300:]}"
            elif mode == "trigger":
                if not mine:
                    ok, why = False, "the rule did not fire"
                else:
                    missing = [e for e in expect if not any(e in a["output"] for a in mine)]
                    if missing:
                        ok, why = False, f"output lacks {missing}: {mine[0]['output'][:300]}"
            elif mine:
                ok, why = False, f"near miss fired: {mine[0]['output'][:300]}"
            if ok:
                passed += 1
                note = f" (also fired: {', '.join(others)})" if others else ""
                print(f"ok   {rid} {mode}{note}")
            else:
                failed += 1
                print(f"FAIL {rid} {mode}: {why}")
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
