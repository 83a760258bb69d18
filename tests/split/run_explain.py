#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""falcoc explain end to end.

usage: run_explain.py FALCOC CASES RULES.yaml...

1. cases: each `CONDITION => KERNEL` line of CASES becomes a rule; the
   kernel part explain prints must equal KERNEL.
2. corpus: for each rules file, explain (text and JSON) runs twice and
   must give identical bytes; every rule of the file must be in the JSON
   with the keys in their documented order; the fraction of rules whose
   kernel part is not MAYBE, and of those testing more than evt.type, is
   printed.
"""
import json
import os
import subprocess
import sys
import tempfile

KEYS = ["rule", "file", "line", "index", "enabled", "evttypes", "kernel", "kernel_kind",
        "kernel_exact", "beyond_evttype", "userspace", "notes"]

failures = 0


def fail(msg):
    global failures
    failures += 1
    print("FAIL: " + msg)


def run(falcoc, args):
    p = subprocess.run([falcoc, "explain"] + args, capture_output=True)
    return p.returncode, p.stdout, p.stderr


def yaml_quote(s):
    return "'" + s.replace("'", "''") + "'"


def check_cases(falcoc, path):
    cases = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            cond, want = [x.strip() for x in line.split("=>", 1)]
            cases.append((cond, want))
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as y:
        for i, (cond, _) in enumerate(cases):
            y.write(f"- rule: case{i}\n  desc: d\n  condition: {yaml_quote(cond)}\n"
                    f"  output: o\n  priority: WARNING\n  warn_evttypes: false\n")
        name = y.name
    try:
        rc, out, err = run(falcoc, ["--format", "json", name])
        if rc != 0:
            fail(f"cases: explain exit {rc}: {err.decode()}")
            return
        got = {r["rule"]: r["kernel"] for r in json.loads(out)}
        for i, (cond, want) in enumerate(cases):
            k = got.get(f"case{i}")
            if k != want:
                fail(f"case {cond!r}:\n  got  {k!r}\n  want {want!r}")
        print(f"cases: {len(cases)} checked")
    finally:
        os.unlink(name)


def rule_names(path):
    try:
        import yaml
    except ImportError:
        names = []
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.startswith("- rule:"):
                    names.append(line[len("- rule:"):].strip().strip("'\""))
        return names
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f) or []
    return [it["rule"] for it in doc if isinstance(it, dict) and "rule" in it]


def check_corpus(falcoc, path):
    outs = {}
    for fmt in ("text", "json"):
        a = run(falcoc, ["--format", fmt, path])
        b = run(falcoc, ["--format", fmt, path])
        if a[0] != 0:
            fail(f"{path}: explain --format {fmt} exit {a[0]}: {a[2].decode()[:2000]}")
            return
        if a != b:
            fail(f"{path}: explain --format {fmt} is not deterministic")
        outs[fmt] = a[1]
    rules = json.loads(outs["json"])
    for r in rules:
        if list(r.keys()) != KEYS:
            fail(f"{path}: rule {r.get('rule')!r}: keys {list(r.keys())}")
            break
    have = {r["rule"] for r in rules}
    for n in rule_names(path):
        if n not in have:
            fail(f"{path}: rule {n!r} missing from explain")
    idx = [r["index"] for r in rules]
    if idx != list(range(len(rules))):
        fail(f"{path}: indices are not 0..n-1 in order")
    n = len(rules)
    not_maybe = sum(r["kernel_kind"] not in ("maybe", "true") for r in rules)
    beyond = sum(r["kernel_kind"] not in ("maybe", "true") and r["beyond_evttype"]
                 for r in rules)
    never = sum(r["kernel_kind"] == "false" for r in rules)
    exact = sum(r["kernel_exact"] for r in rules)
    notes = sum(len(r["notes"]) for r in rules)
    summary = outs["text"].decode().rstrip("\n").rsplit("\n", 1)[-1]
    print(f"{os.path.basename(path)}: {n} rules; kernel part not maybe: {not_maybe}/{n} "
          f"({100.0 * not_maybe / max(n, 1):.1f}%); testing more than evt.type: "
          f"{beyond}/{n} ({100.0 * beyond / max(n, 1):.1f}%); never true: {never}; "
          f"exact: {exact}; notes: {notes}")
    print(f"  {summary}")


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    falcoc, cases = sys.argv[1], sys.argv[2]
    check_cases(falcoc, cases)
    for path in sys.argv[3:]:
        check_corpus(falcoc, path)
    print("FAILED" if failures else "OK")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
