#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Generate the rule reference table of stdlib-rules/README.md.

Runs `falcoc explain --format json` on the library (in load order) and
rewrites the part of README.md between the markers

    <!-- BEGIN STDLIB TABLE (tools/gen_stdlib_table.py) -->
    <!-- END STDLIB TABLE -->

with one row per rule: name, priority, tags, event types, the fields the
kernel filters on (from the kernel part of the split) and the fields left
to userspace (from explain's notes), plus a summary line.

explain's JSON is a list of objects, one per rule, with the keys rule,
file, line, index, enabled, evttypes, kernel, kernel_exact, kernel_kind,
beyond_evttype, userspace and notes[{file, line, col, why}]. Priority and
tags are not part of it, so they are read from the rules files.

usage: tools/gen_stdlib_table.py [--falcoc PATH] [--dir stdlib-rules]
                                 [--check] [--stdout]
  --check   exit 1 if README.md is not up to date (for CI)
  --stdout  print the table instead of rewriting README.md
"""
import argparse
import json
import os
import re
import subprocess
import sys

LOAD_ORDER = ["macros.yaml", "files.yaml", "process.yaml", "network.yaml", "kernel.yaml"]
BEGIN = "<!-- BEGIN STDLIB TABLE (tools/gen_stdlib_table.py) -->"
END = "<!-- END STDLIB TABLE -->"
FIELD_RE = re.compile(r"\b(?:evt|proc|fd|user|group|container|thread)\.[a-z_]+(?:\.[a-z_]+)*(?:\[\d+\])?")
NOTE_FIELD_RE = re.compile(r"'([a-z]+\.[a-z_.]+(?:\[\d+\])?)'")


def rule_meta(paths):
    """{rule name: (priority, [tags])} from the rules files. Uses PyYAML
    when available, else a line scanner that fits the library's layout."""
    meta = {}
    try:
        import yaml  # type: ignore

        for p in paths:
            with open(p) as f:
                for doc in yaml.safe_load_all(f):
                    for item in doc or []:
                        if isinstance(item, dict) and "rule" in item:
                            meta[item["rule"]] = (str(item.get("priority", "")), list(item.get("tags", [])))
        return meta
    except ImportError:
        pass
    for p in paths:
        name = None
        with open(p) as f:
            for line in f:
                m = re.match(r"- rule:\s*(.+?)\s*$", line)
                if m:
                    name = m.group(1)
                    meta[name] = ("", [])
                    continue
                if name is None:
                    continue
                m = re.match(r"\s+priority:\s*(\S+)", line)
                if m:
                    meta[name] = (m.group(1), meta[name][1])
                m = re.match(r"\s+tags:\s*\[(.*)\]", line)
                if m:
                    meta[name] = (meta[name][0], [t.strip() for t in m.group(1).split(",") if t.strip()])
    return meta


def kernel_fields(kernel):
    """Fields tested by the kernel part, in first-seen order; evt.type
    is left out (every rule has it)."""
    seen = []
    for f in FIELD_RE.findall(kernel or ""):
        if f != "evt.type" and f not in seen:
            seen.append(f)
    return seen


def userspace_fields(notes):
    seen = []
    for n in notes or []:
        why = n.get("why", "")
        found = NOTE_FIELD_RE.findall(why)
        if not found and "val()" in why:
            found = ["val()"]
        if not found and "negation" in why:
            found = ["(negated partial check)"]
        for f in found:
            if f not in seen:
                seen.append(f)
    return seen


def md(s):
    return s.replace("|", "\\|")


def build_table(rules, meta):
    out = [
        "| # | Rule | Priority | Tags | Event types | Kernel filters on | Userspace only |",
        "|---|---|---|---|---|---|---|",
    ]
    strong = 0
    exact = 0
    for i, r in enumerate(rules, 1):
        prio, tags = meta.get(r["rule"], ("", []))
        kf = kernel_fields(r.get("kernel"))
        uf = userspace_fields(r.get("notes"))
        if [f for f in kf if f not in ("evt.rawres", "evt.res", "evt.failed")]:
            strong += 1
        if r.get("kernel_exact"):
            exact += 1
        kcell = ", ".join("`%s`" % f for f in kf) or "event type only"
        if r.get("kernel_exact"):
            kcell += " (exact)"
        out.append(
            "| %d | %s | %s | %s | %s | %s | %s |"
            % (
                i,
                md(r["rule"]),
                prio,
                md(", ".join(tags)),
                " ".join(r.get("evttypes", [])),
                md(kcell),
                md(", ".join("`%s`" % f for f in uf) or "-"),
            )
        )
    n = len(rules)
    out.append("")
    out.append(
        "%d rules. The kernel part tests more than the event type and the return value "
        "in %d of them (%d%%); in %d (%d%%) it is exact, i.e. the kernel decides the whole "
        "condition and userspace only formats the alert." % (n, strong, round(100 * strong / n) if n else 0,
                                                               exact, round(100 * exact / n) if n else 0)
    )
    return "\n".join(out) + "\n"


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--falcoc", default=os.environ.get("FALCOC", "falcoc"))
    ap.add_argument("--dir", default=os.path.join(here, "..", "stdlib-rules"))
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--stdout", action="store_true")
    a = ap.parse_args()

    paths = [os.path.join(a.dir, f) for f in LOAD_ORDER]
    try:
        p = subprocess.run([a.falcoc, "explain", "--format", "json"] + paths, capture_output=True, text=True)
    except OSError as e:
        sys.exit("gen_stdlib_table: cannot run %s: %s" % (a.falcoc, e))
    if p.returncode != 0:
        sys.exit("gen_stdlib_table: falcoc explain failed (%d):\n%s" % (p.returncode, p.stderr))
    rules = json.loads(p.stdout)
    table = build_table(rules, rule_meta(paths))
    if a.stdout:
        sys.stdout.write(table)
        return 0

    readme = os.path.join(a.dir, "README.md")
    with open(readme) as f:
        text = f.read()
    b, e = text.find(BEGIN), text.find(END)
    if b < 0 or e < b:
        sys.exit("gen_stdlib_table: markers not found in %s" % readme)
    new = text[: b + len(BEGIN)] + "\n" + table + text[e:]
    if a.check:
        if new != text:
            print("%s: reference table is stale; run tools/gen_stdlib_table.py" % readme)
            return 1
        return 0
    if new != text:
        with open(readme, "w") as f:
            f.write(new)
    return 0


if __name__ == "__main__":
    sys.exit(main())
