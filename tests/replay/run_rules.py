#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Rule-level replay tests.

For each rules file in rules/ and each corpus capture:
  1. falcoc-run --replay CAP -r RULES --rule-matching all must print
     exactly the golden file golden/<rules>.<capture>.txt (TZ=UTC).
  2. For our own rule files, every rule carries an '# oracle: COND'
     comment. sysdig 0.29 evaluates '(COND) and evt.dir=<' on the capture
     and renders the rule's output with -p '*OUTPUT'; the alerts falcoc
     printed for that rule must be exactly those lines, in order.
Also falco_rules-1.0.1.yaml is replayed on every capture against its
golden files (step 1 only).

usage: run_rules.py FALCOC_RUN TRACES_DIR CORPUS_RULES_DIR [--update]
"""
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ENV = dict(os.environ, TZ="UTC")
PRIOS = "Emergency|Alert|Critical|Error|Warning|Notice|Informational|Debug"


def rules_of(path):
    """(name, oracle, output) for each rule with an oracle comment."""
    out, oracle, name = [], None, None
    lines = open(path).read().splitlines()
    for i, l in enumerate(lines):
        m = re.match(r"# oracle: (.*)", l)
        if m:
            oracle = m.group(1)
            continue
        m = re.match(r"- rule: (.*)", l)
        if m:
            name = m.group(1).strip()
            continue
        m = re.match(r'\s+output: "(.*)"$', l)
        if m and name and oracle:
            out.append((name, oracle, m.group(1)))
            name = oracle = None
    return out


def main():
    falcoc_run, traces, corpus_rules = sys.argv[1:4]
    update = "--update" in sys.argv
    caps = sorted(f for f in os.listdir(traces) if f.endswith(".scap"))
    files = [os.path.join(HERE, "rules", f) for f in sorted(os.listdir(os.path.join(HERE, "rules")))
             if f.endswith(".yaml")]
    files.append(os.path.join(corpus_rules, "falco_rules-1.0.1.yaml"))
    golden_dir = os.path.join(HERE, "golden")
    os.makedirs(golden_dir, exist_ok=True)
    passed = failed = 0
    have_sysdig = shutil.which("sysdig") is not None
    for rf in files:
        for cap in caps:
            p = os.path.join(traces, cap)
            r = subprocess.run([falcoc_run, "--replay", p, "-r", rf, "--rule-matching", "all"],
                               capture_output=True, text=True, errors="replace", env=ENV,
                               timeout=300)
            key = f"{os.path.basename(rf)[:-5]}.{cap[:-5]}.txt"
            gp = os.path.join(golden_dir, key)
            if r.returncode != 0:
                failed += 1
                print(f"FAIL {key}: exit {r.returncode}: {r.stderr.strip()[:300]}")
                continue
            if update:
                open(gp, "w").write(r.stdout)
            want = open(gp).read() if os.path.exists(gp) else None
            if want != r.stdout:
                failed += 1
                print(f"FAIL {key}: differs from golden ({len(r.stdout.splitlines())} lines, "
                      f"golden {len((want or '').splitlines())})")
            else:
                passed += 1
            # oracle check for our own rules
            if not have_sysdig or os.path.dirname(rf) != os.path.join(HERE, "rules"):
                continue
            if subprocess.run(["sysdig", "-r", p, "evt.num=1"], capture_output=True).returncode:
                continue  # sysdig cannot read this capture
            for name, oracle, output in rules_of(rf):
                s = subprocess.run(["sysdig", "-r", p, f"({oracle}) and evt.dir=<", "-p",
                                    "*" + output], capture_output=True, text=True,
                                   errors="replace", env=ENV, timeout=300)
                ours = [re.sub(rf"^\S+: (?:{PRIOS}) ", "", l) for l in r.stdout.splitlines()
                        if l.split(" ", 2)[-1] and _rule_line(l, output)]
                if s.returncode != 0:
                    failed += 1
                    print(f"FAIL oracle {key} {name!r}: sysdig rejected: {s.stderr.strip()[:200]}")
                elif s.stdout.splitlines() != ours:
                    failed += 1
                    print(f"FAIL oracle {key} {name!r}:\n  sysdig: {s.stdout.splitlines()[:5]}\n"
                          f"  falcoc: {ours[:5]}")
                else:
                    passed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def _rule_line(line, output):
    """Does this alert line come from the rule with this output? Outputs
    start '%evt.num <word>', so the word after the number identifies it."""
    word = output.split(" ")[1]
    parts = line.split(" ")
    return len(parts) > 4 and parts[3] == word


if __name__ == "__main__":
    sys.exit(main())
