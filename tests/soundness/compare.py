#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Compare the alerts and stats of the Falco-style and the kernel-filtering
probe (run_soundness.sh).

  compare.py OFF.json ON.json OFF.stats ON.stats [T0 T1 [WL_OFF WL_ON]]

An alert's key is (rule, output) with the leading time stripped. Alerts
with user.loginuid = 4242 come from the workload: their multisets must be
equal (else SOUNDNESS BUG, exit 1). Other alerts are compared and their
differences printed as warnings; with T0 T1 (epoch seconds: both probes
ready, workload done), only those whose time falls inside [T0, T1], since
before T0 only one probe may have been running. The kernel-filtering probe must receive
at least 95% fewer of the workload's events (WL_OFF, WL_ON: events with
loginuid 4242 each probe delivered) than the Falco-style one; the
system-wide events_received are printed, with a warning under 95%."""
import calendar
import collections
import json
import re
import sys

WL_LOGINUID = 4242
TIME = re.compile(r"^\d{2}:\d{2}:\d{2}\.\d+: ")


def epoch(t):
    """'2026-11-28T22:58:50.866744860Z' -> seconds (float); None if not so."""
    m = re.match(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?Z$", t or "")
    if not m:
        return None
    g = [int(x) for x in m.groups()[:6]]
    frac = float("0." + m.group(7)) if m.group(7) else 0.0
    return calendar.timegm((g[0], g[1], g[2], g[3], g[4], g[5], 0, 0, 0)) + frac


def load(path, window):
    wl, other = collections.Counter(), collections.Counter()
    ctx = {}
    outside = 0
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            a = json.loads(line)
            key = (a["rule"], TIME.sub("", a["output"]))
            of = a.get("output_fields", {})
            lu = of.get("user.loginuid")
            try:
                lu = int(lu)
            except (TypeError, ValueError):
                lu = None
            if lu == WL_LOGINUID:
                wl[key] += 1
            else:
                t = epoch(a.get("time"))
                if window and (t is None or not window[0] <= t <= window[1]):
                    outside += 1
                    continue
                other[key] += 1
            ctx.setdefault(key, "%s:%d time=%s" % (path, n, a.get("time")))
    return wl, other, ctx, outside


def diff(name, a, b, ctx_a, ctx_b):
    """Print what each side lacks; return the number of differences."""
    nd = 0
    for key in sorted(set(a) | set(b)):
        na, nb = a.get(key, 0), b.get(key, 0)
        if na == nb:
            continue
        nd += abs(na - nb)
        side = "kernel-filtering probe MISSED" if na > nb else "kernel-filtering probe has EXTRA"
        print("  %s: %s %d of %d: rule %r\n    output: %s\n    first seen at %s" %
              (name, side, abs(na - nb), max(na, nb), key[0], key[1],
               ctx_a.get(key) or ctx_b.get(key)))
    return nd


def main():
    off_json, on_json, off_stats, on_stats = sys.argv[1:5]
    window = (float(sys.argv[5]), float(sys.argv[6])) if len(sys.argv) > 6 else None
    wl_off, other_off, ctx_off, out_off = load(off_json, window)
    wl_on, other_on, ctx_on, out_on = load(on_json, window)
    ok = True
    print("workload alerts: Falco-style %d, kernel-filtering %d (%d distinct)" %
          (sum(wl_off.values()), sum(wl_on.values()), len(set(wl_off) | set(wl_on))))
    by_rule = collections.Counter()
    for (rule, _), c in wl_off.items():
        by_rule[rule] += c
    for rule, c in sorted(by_rule.items()):
        print("  %4d  %s" % (c, rule))
    nd = diff("workload", wl_off, wl_on, ctx_off, ctx_on)
    if nd:
        print("SOUNDNESS BUG: %d workload alert(s) differ between the Falco-style and "
              "the kernel-filtering probe (see above)" % nd)
        ok = False
    if not wl_off:
        print("FAIL: the workload raised no alert at all")
        ok = False
    print("other alerts (rest of the system) while both ran: Falco-style %d, "
          "kernel-filtering %d (outside that window, not compared: %d and %d)" %
          (sum(other_off.values()), sum(other_on.values()), out_off, out_on))
    no = diff("system (warning only)", other_off, other_on, ctx_off, ctx_on)
    if no:
        print("WARNING: %d non-workload alert(s) differ (processes outside the workload, "
              "possibly started between the two loads)" % no)

    s_off = json.load(open(off_stats))
    s_on = json.load(open(on_stats))
    for name, s in (("Falco-style", s_off), ("kernel-filtering", s_on)):
        print("%s: events_received %d, dropped %d, kernel seen %d filtered %d sent %d "
              "ring_full %d truncated %d" %
              (name, s["events_received"], s["events_dropped"], s["kernel"]["seen"],
               s["kernel"]["filtered"], s["kernel"]["sent"], s["kernel"]["ring_full"],
               s["kernel"]["truncated"]))
        if s["events_dropped"]:
            print("WARNING: %s dropped %d events: %s" % (name, s["events_dropped"], s["drops"]))
    r_off, r_on = s_off["events_received"], s_on["events_received"]
    red = 100.0 * (1 - r_on / r_off) if r_off else 0.0
    print("events to userspace: Falco-style %d, kernel-filtering %d: %.2f%% fewer" %
          (r_off, r_on, red))
    if len(sys.argv) > 8:
        w_off, w_on = int(sys.argv[7]), int(sys.argv[8])
        w_red = 100.0 * (1 - w_on / w_off) if w_off else 0.0
        print("workload events to userspace: Falco-style %d, kernel-filtering %d: %.2f%% fewer" %
              (w_off, w_on, w_red))
        if w_red < 95.0:
            print("FAIL: the kernel-filtering probe delivers only %.2f%% fewer workload events "
                  "(want >= 95%%)" % w_red)
            ok = False
        if red < 95.0:
            print("WARNING: system-wide only %.2f%% fewer (other processes' events flow to both)" % red)
    elif red < 95.0:
        print("FAIL: the kernel-filtering probe delivers only %.2f%% fewer events (want >= 95%%)" % red)
        ok = False
    if red < 95.0:
        print("  by type, Falco-style: %s" % s_off["events_by_type"])
        print("  by type, kernel-filtering: %s" % s_on["events_by_type"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
