#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Compare two probes' BPF run time on the overhead benchmark's loop.

    ab_probes.py --build BUILD A.o B.o [--rounds N]

Runs bench_overhead --prog-time twice, A in the falco_style slot and B in
the falcoc slot, then swapped (the slots are not quite alike: the probe
loaded first runs a few per cent cheaper), and prints B's run time over
A's: the median of the per-round ratios in each order, and their
geometric mean. Both probes must come from falcoc (any templates, e.g.
FALCOC_TEMPLATE_DIR=dir falcoc compile ...). Needs root and 2 CPUs.

The run time is the programs' own (helpers included, with the kernel's
statistics' two clock reads per run), not their effect on the loop, which
bench.py measures: steady enough to see a change of 2 or 3 per cent that
the loop's time hides.
"""
import argparse
import math
import os
import subprocess
import sys


def median(v):
    v = sorted(v)
    return v[len(v) // 2]


def ratio(build, first, second, rounds):
    """Median over rounds of run time (falcoc slot) / (falco_style slot)."""
    tool = os.path.join(build, "tests", "bench", "bench_overhead")
    empty = os.path.join(build, "tests", "bench", "empty_probe.o")
    out = subprocess.run(["taskset", "-c", "0,1", tool, "--prog-time", "--rounds", str(rounds),
                          "--blocks", "2", empty, first, second],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if out.returncode != 0:
        sys.exit("ab_probes: bench_overhead failed (%d): %s" % (out.returncode, out.stderr.strip()))
    r = []
    for line in out.stdout.splitlines():
        p = line.split()
        if p and p[0] == "progtime" and float(p[3]) > 0:
            r.append(float(p[5]) / float(p[3]))
    if not r:
        sys.exit("ab_probes: no progtime lines from bench_overhead")
    return median(r)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", required=True)
    ap.add_argument("--rounds", type=int, default=300)
    ap.add_argument("a")
    ap.add_argument("b")
    args = ap.parse_args()
    ab = ratio(args.build, args.a, args.b, args.rounds)        # B in the falcoc slot
    ba = 1.0 / ratio(args.build, args.b, args.a, args.rounds)  # A in the falcoc slot
    print("B/A run time: %.4f (B in the falcoc slot), %.4f (B in the falco_style slot), "
          "geometric mean %.4f"
          % (ab, ba, math.sqrt(ab * ba)))


if __name__ == "__main__":
    main()
