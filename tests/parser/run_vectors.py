#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Data-driven parser test: every libsinsp accept/reject vector must get
the same verdict from `falcoc parse`, and rejects must carry a located
diagnostic (`<condition>:L:C: error: ...`) and exit code 1, never a crash."""
import json
import re
import subprocess
import sys

falcoc, vectors = sys.argv[1], sys.argv[2]
data = json.load(open(vectors))
loc_re = re.compile(r"^<condition>:\d+:\d+: error: .+\[[a-z-]+\]$", re.M)
passed = failed = 0


def run(cond):
    return subprocess.run([falcoc, "parse", cond], capture_output=True, text=True,
                          errors="replace", timeout=10)


for verdict in ("accept", "reject"):
    for cond in data[verdict]:
        r = run(cond)
        ok = False
        if verdict == "accept":
            ok = r.returncode == 0 and r.stdout.strip() != ""
        else:
            ok = r.returncode == 1 and loc_re.search(r.stderr) is not None
        if ok:
            passed += 1
        else:
            failed += 1
            print(f"FAIL {verdict} {cond!r}: rc={r.returncode} out={r.stdout.strip()!r} "
                  f"err={r.stderr.strip()!r}")

print(f"accept={len(data['accept'])} reject={len(data['reject'])}")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
