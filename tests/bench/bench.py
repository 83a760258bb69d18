#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""falcoc benchmarks: `cmake --build BUILD --target bench` runs this.

  bench.py --build BUILD --src SRC --corpus CORPUS --out RESULTS.json
           [--quick] [--only SECTION[,SECTION...]]

Sections (BENCHMARKS.md describes each and its target):
  overhead   ns per syscall of an openat+close+getppid loop with no probe,
             the empty tp_btf probe, the Falco-style probe and falcoc's
             kernel-filtering probe, in interleaved rounds (root, BTF)
  events     events delivered to userspace for the soundness workload,
             both probes loaded at once (root, BTF)
  replay     events/s of falcoc-run --replay vs sysdig -r, same filter
  compile    falcoc compile time (falco_rules.yaml, stdlib) and lint time
  storm      highest event rate without ring-buffer drops, falcoc-run
             pinned to 1 and to 2 CPUs (root, BTF)

Every figure is a median of several runs; ratios are computed per round
(same conditions for both sides), then their median is taken. A section
that cannot run here (no root, no BTF, no sysdig) is listed under
"skipped" with the reason: no figure is ever made up. Exit 0 whenever the
figures were written; 2 on usage errors.
"""
import argparse
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

A = None          # parsed arguments
RESULTS = {}
SKIPPED = {}
DETAILS = {}
NOTES = []


def log(msg):
    print(msg, flush=True)


def med(xs):
    return statistics.median(xs) if xs else None


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def tool(rel):
    return os.path.join(A.build, rel)


# ---------------------------------------------------------------- runtimes

class Daemon:
    """A falcoc-run or empty_loader in the background, started and waited
    for ("<name>: ready" on stderr), stopped by SIGINT (by pid only)."""

    def __init__(self, argv, ready, cpus=None, label="daemon"):
        self.label = label
        self.errf = tempfile.NamedTemporaryFile(prefix="fcbench-", suffix=".err", delete=False)
        if cpus is not None:
            argv = ["taskset", "-c", cpus] + argv
        self.p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=self.errf)
        deadline = time.time() + 120
        while time.time() < deadline:
            if ready in self.err():
                return
            if self.p.poll() is not None:
                break
            time.sleep(0.05)
        err = self.err()
        self.stop()
        raise RuntimeError("%s never ready: %s" % (label, err[-600:]))

    def err(self):
        with open(self.errf.name, errors="replace") as f:
            return f.read()

    def cpu_ns(self):
        """CPU time of the process's threads so far, in ns (0 if gone):
        the scheduler's exact runtime (/proc/PID/task/TID/schedstat), not
        clock ticks, whose 10 ms would round a quiet runtime to zero."""
        total = 0
        try:
            for tid in os.listdir("/proc/%d/task" % self.p.pid):
                with open("/proc/%d/task/%s/schedstat" % (self.p.pid, tid)) as f:
                    total += int(f.read().split()[0])
        except (OSError, IndexError, ValueError):
            pass
        return total

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGINT)
            try:
                self.p.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        err = self.err()
        os.unlink(self.errf.name)
        return self.p.returncode, err


def falcoc_run(probe, extra=(), cpus=None, label="falcoc-run"):
    return Daemon([tool("runtime/falcoc-run"), "-o", "/dev/null"] + list(extra) + [probe],
                  "falcoc-run: ready", cpus, label)


def bpf_ok():
    if os.geteuid() != 0:
        return "needs root (loading BPF)"
    if not os.access("/sys/kernel/btf/vmlinux", os.R_OK):
        return "the kernel exposes no BTF (/sys/kernel/btf/vmlinux)"
    if not shutil.which("clang"):
        return "no clang (falcoc needs it to build probes)"
    if not shutil.which("taskset"):
        return "no taskset (util-linux)"
    return None


# ---------------------------------------------------------------- probes

PROBES = {}


def rules_sets():
    std = os.path.join(A.src, "stdlib-rules")
    falco = os.path.join(A.corpus, "rules", "falco_rules.yaml")
    stdlib = [os.path.join(std, f) for f in
              ("macros.yaml", "files.yaml", "process.yaml", "network.yaml", "kernel.yaml")]
    return falco, stdlib


def load_test(probe):
    """Start and stop falcoc-run on probe: None if it loads, else why not."""
    try:
        d = falcoc_run(probe, label=os.path.basename(probe))
    except RuntimeError as e:
        return str(e)
    d.stop()
    return None


def build_probes(work):
    """falco_style and falcoc probes from the same rules: falco_rules.yaml
    + the stdlib; falco_rules.yaml alone if the combined kernel-filtering
    probe does not load (reported in the notes)."""
    if PROBES:
        return PROBES
    falco, stdlib = rules_sets()
    falcoc = tool("compiler/falcoc")
    for label, files in (("falco_rules.yaml + stdlib", [falco] + stdlib),
                         ("falco_rules.yaml", [falco])):
        on, off = os.path.join(work, "falcoc.o"), os.path.join(work, "falco_style.o")
        r1 = run([falcoc] + files + ["-o", on])
        r2 = run([falcoc] + files + ["-o", off, "--kernel-filter=off"])
        if r1.returncode or r2.returncode:
            NOTES.append("probes from %s do not compile: %s" % (label, (r1.stderr + r2.stderr)[-300:]))
            continue
        why = load_test(on) or load_test(off)
        if why:
            first = [l for l in why.splitlines() if l.strip()][:3]
            NOTES.append("the probes compiled from %s do not load: %s" % (label, " / ".join(first)))
            continue
        PROBES.update(falcoc=on, falco_style=off, rules=label)
        DETAILS["probe_rules"] = label
        return PROBES
    raise RuntimeError("no probe pair loads (see notes)")


def read_stats(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


# ---------------------------------------------------------------- overhead

def workload(n):
    """CPU ns per syscall of the quieter blocks of one bench_workload run.
    CPU time (the thread's exact runtime, BPF programs included) leaves out
    the time other processes of the shared machine held the CPU; the 10th
    percentile of its 1000-iteration blocks (workload.c) also leaves out
    the bursts of a neighbour's cache and memory traffic, which only ever
    add time."""
    r = run(["taskset", "-c", "1", tool("tests/bench/bench_workload"), str(n)])
    q = re.search(r"cpu_ns_per_syscall_p10 ([0-9.]+)", r.stdout)
    if r.returncode or not q:
        raise RuntimeError("bench_workload failed: %s" % (r.stdout + r.stderr)[-300:])
    return float(q.group(1))


def interleaved(empty, probes, rounds):
    """One bench_overhead run (overhead.c): the four configurations
    attached in turn, block by block, in one process. Returns
    ({config: median ns per syscall}, {config: events}, {config: ring-full
    drops}, {config: the loop's own events per syscall}, ratio vs empty,
    ratio vs falco_style)."""
    r = run(["taskset", "-c", "0,1", tool("tests/bench/bench_overhead"), "--rounds", str(rounds),
             "--blocks", "1", "--iters", "1000", empty, probes["falco_style"], probes["falcoc"]])
    if r.returncode:
        raise RuntimeError("bench_overhead failed (%d): %s" % (r.returncode, (r.stdout + r.stderr)[-300:]))
    med_ns, events, dropped, wl_per_sc = {}, {}, {}, {}
    ratio = None
    for line in r.stdout.splitlines():
        p = line.split()
        if p and p[0] == "config":
            med_ns[p[1]] = float(p[3])
            events[p[1]] = int(p[7])
            dropped[p[1]] = int(p[9])
            wl_per_sc[p[1]] = int(p[11]) / max(int(p[13]), 1)
        elif p and p[0] == "ratio":
            ratio = (float(p[2]), float(p[4]))
    if not ratio or len(med_ns) != 4:
        raise RuntimeError("bench_overhead: unexpected output: %s" % r.stdout[-300:])
    return med_ns, events, dropped, wl_per_sc, ratio[0], ratio[1]


def bench_overhead(work):
    why = bpf_ok()
    if why:
        SKIPPED["overhead_ns_per_syscall"] = why
        return
    empty = tool("tests/bench/empty_probe.o")
    if not os.path.exists(empty):
        SKIPPED["overhead_ns_per_syscall"] = "the empty probe was not built (no clang at configure time)"
        return
    probes = build_probes(work)
    configs = ("none", "empty", "falco_style", "falcoc")

    # The figures: configurations interleaved every few milliseconds in
    # one process (overhead.c), so they share the machine's drift, which
    # on these shared machines moves the loop's cost by half within a
    # second. Several such runs; each run's ratio is the median of its
    # per-round ratios, and the figure the median of the runs.
    runs = 2 if A.quick else 5
    rounds = 100 if A.quick else 300
    log("overhead: %d runs of %d interleaved rounds (one 1000-iteration block of "
        "openat+close+getppid per configuration and round, CPU 1; rings drained on CPU 0)"
        % (runs, rounds))
    per = {c: [] for c in configs}
    r_empty, r_fs, ev, dr, wl = [], [], [], [], []
    for k in range(runs):
        m, events, dropped, wps, re_, rf_ = interleaved(empty, probes, rounds)
        for c in configs:
            per[c].append(m[c])
        r_empty.append(re_)
        r_fs.append(rf_)
        ev.append(events)
        dr.append(dropped)
        wl.append(wps)
        log("  run %d: %s; falcoc/empty %.2f, falcoc/falco_style %.2f" %
            (k + 1, ", ".join("%s %.1f" % (c, m[c]) for c in configs), re_, rf_))
    RESULTS["overhead_ns_per_syscall"] = {c: round(med(per[c]), 1) for c in configs}
    # Calibration: falcoc's probe in both probe slots (an A/A run). Its
    # ratio would be 1 with no bias between the slots; how far it is from
    # 1 bounds what the ratios above can tell apart.
    aa = interleaved(empty, {"falco_style": probes["falcoc"], "falcoc": probes["falcoc"]}, rounds)[5]
    log("  calibration, falcoc's probe in both slots: %.3f (1 = no bias)" % aa)
    split = exit_hook_split(probes, rounds)

    # The same loop as a separate program under falcoc-run (full userspace
    # evaluation on CPU 0), a few rounds: userspace CPU per syscall and the
    # events lost to full rings. Its loop times are kept too, but runs
    # seconds apart do not share the drift.
    drounds = 2 if A.quick else 4
    n = 100000 if A.quick else 200000
    dper = {c: [] for c in configs}
    cpu = {c: [] for c in configs[1:]}
    drops = {c: [] for c in ("falco_style", "falcoc")}
    per_event = {c: [] for c in ("falco_style", "falcoc")}  # userspace CPU ns per event received
    log("overhead, with falcoc-run: %d rounds of %d iterations" % (drounds, n))
    for r in range(drounds):
        for c in configs[r % 4:] + configs[:r % 4]:
            d, stats = None, None
            if c == "empty":
                d = Daemon([tool("tests/bench/bench_empty_loader"), empty], "empty_loader: ready",
                           "0", "empty_loader")
            elif c != "none":
                stats = os.path.join(work, "ov-%s.stats" % c)
                d = falcoc_run(probes[c], ["--stats", stats], "0", c)
            t0 = d.cpu_ns() if d else 0
            used = 0
            try:
                dper[c].append(workload(n))
            finally:
                if d:
                    time.sleep(0.2)  # let userspace drain before reading its CPU time
                    used = d.cpu_ns() - t0
                    cpu[c].append(used / (3.0 * n))
                    rc, err = d.stop()
                    if rc:
                        raise RuntimeError("%s exited %d: %s" % (c, rc, err[-300:]))
            if stats:
                s = read_stats(stats) or {}
                drops[c].append(s.get("events_dropped", 0))
                if s.get("events_received"):
                    per_event[c].append(used / s["events_received"])
        log("  round %d: %s" % (r + 1, ", ".join("%s %.1f" % (c, dper[c][-1]) for c in configs)))

    # The whole pipeline, as the issue defines falco_style ("every event of
    # the rules' types delivered and evaluated in userspace"): the loop's
    # extra CPU per syscall plus the runtime's CPU per syscall, each step
    # erring against falcoc. falco_style is charged falcoc-run's CPU per
    # event received times the loop's own events per syscall (other
    # processes' events left out; events lost to full rings charged at the
    # same rate, which is below what a runtime that kept up would spend);
    # falcoc is charged all of falcoc-run's CPU during the rounds (its
    # polling and other processes' events included).
    extra = {c: med([per[c][i] - per["none"][i] for i in range(runs)]) for c in configs[1:]}
    wl_per_sc = {c: med([w[c] for w in wl]) for c in ("falco_style", "falcoc")}
    pipeline = None
    if per_event["falco_style"] and cpu["falcoc"]:
        user = {"falco_style": med(per_event["falco_style"]) * wl_per_sc["falco_style"],
                "falcoc": med(cpu["falcoc"])}
        total = {c: extra[c] + user[c] for c in user}
        RESULTS["overhead_with_userspace_ns_per_syscall"] = {c: round(v, 1) for c, v in total.items()}
        pipeline = {
            "measure": "extra CPU of the loop per syscall (the interleaved runs) + userspace CPU "
                       "per syscall (the falcoc-run rounds): falco_style at its CPU per event "
                       "received times the loop's events per syscall, falcoc at all of "
                       "falcoc-run's CPU",
            "loop_events_per_syscall": {c: round(v, 4) for c, v in wl_per_sc.items()},
            "userspace_cpu_ns_per_event": {c: round(med(v), 1) for c, v in per_event.items() if v},
            "userspace_ns_per_syscall": {c: round(v, 1) for c, v in user.items()},
            "total_extra_ns_per_syscall": {c: round(v, 1) for c, v in total.items()},
            "falcoc_vs_falco_style": round(total["falcoc"] / total["falco_style"], 3)
            if total["falco_style"] > 0 else None,
        }
        log("  whole pipeline (loop + userspace evaluation): falco_style %.1f, falcoc %.1f ns "
            "per syscall: %.3fx" % (total["falco_style"], total["falcoc"],
                                    total["falcoc"] / total["falco_style"]))
    kprof = {c: kernel_profile(probes[c], n) for c in ("falco_style", "falcoc")}
    fns = filter_ns()
    DETAILS["overhead"] = {
        "runs": runs, "rounds_per_run": rounds, "iterations_per_block": 1000,
        "syscalls_per_iteration": 3,
        "measure": "CPU time of the workload thread (CLOCK_THREAD_CPUTIME_ID) per syscall; "
                   "the four configurations attached in turn, one 1000-iteration block each "
                   "per round, in one process (tests/bench/overhead.c); per run the median "
                   "block of each configuration and the median of the per-round ratios",
        "runs_ns_per_syscall": per,
        "extra_ns_per_syscall": {c: round(v, 1) for c, v in extra.items()},
        "falcoc_extra_vs_empty_extra": round(med(r_empty), 3),
        "falcoc_extra_vs_falco_style_extra": round(med(r_fs), 3),
        "runs_falcoc_extra_vs_empty_extra": r_empty,
        "runs_falcoc_extra_vs_falco_style_extra": r_fs,
        "events_per_run": ev,
        "ring_full_drops_per_run": dr,
        "loop_events_per_syscall_per_run": wl,
        "calibration_same_probe_in_both_slots": round(aa, 3),
        "exit_hook_split": split,
        "whole_pipeline": pipeline,
        "with_falcoc_run": {
            "rounds": drounds, "iterations": n,
            "measure": "separate processes seconds apart: 10th percentile of "
                       "1000-iteration blocks (workload.c)",
            "runs_ns_per_syscall": dper,
            "userspace_cpu_ns_per_syscall": {c: round(med(cpu[c]), 1) for c in configs[1:]},
            "events_dropped": drops,
        },
        "kernel_programs": kprof,
        "filter_ns_per_event": fns,
    }


def exit_hook_split(probes, rounds):
    """One more interleaved run with the empty probe's sys_exit program
    alone in the floor's slot: the hook both probes attach (they run at
    exit only). Splits each probe's extra cost into the hook's price and
    the probe's own work, measured in the same rounds, and gives the own
    work falcoc would need for the 0.5x target at this run's figures."""
    exit_only = tool("tests/bench/empty_exit_probe.o")
    if not os.path.exists(exit_only):
        return "not measured: %s was not built" % exit_only
    m = interleaved(exit_only, probes, rounds)[0]
    hook = m["empty"] - m["none"]
    own = {c: m[c] - m["none"] - hook for c in ("falco_style", "falcoc")}
    need = 0.5 * (m["falco_style"] - m["none"]) - hook
    log("  exit hook alone %.1f ns per syscall; own work above it: falco_style %.1f, falcoc %.1f "
        "(0.5x needs falcoc's at %.1f)" % (hook, own["falco_style"], own["falcoc"], need))
    return {
        "measure": "one interleaved run (as above) with the empty sys_exit program alone "
                   "(empty_exit_probe.o) in the floor's slot; medians per configuration",
        "ns_per_syscall": {("exit_hook" if c == "empty" else c): round(v, 1) for c, v in m.items()},
        "exit_hook_ns_per_syscall": round(hook, 1),
        "own_work_ns_per_syscall": {c: round(v, 1) for c, v in own.items()},
        "falcoc_own_work_for_half_of_falco_style": round(need, 1),
    }


def filter_ns():
    """The kernel filter alone (field derivation + the generated filter of
    the same rules) per openat event, timed by the kernel over 100 000
    repeats of the test harness program (test_bpf --bench): no syscall,
    no trampoline, no machine noise to speak of."""
    falco, stdlib = rules_sets()
    r = run([tool("tests/test_bpf"), "--bench", falco] + stdlib)
    got = {}
    for line in r.stdout.splitlines():
        m = re.match(r"filter_ns (\d+)\s+(.*)", line)
        if m:
            got[m.group(2)] = int(m.group(1))
    return got or "not measured: %s" % (r.stdout + r.stderr)[-200:]


def prog_ids(pid):
    """Ids of the BPF programs process pid holds (from fdinfo; links skipped)."""
    ids = []
    for fd in os.listdir("/proc/%d/fdinfo" % pid):
        try:
            with open("/proc/%d/fdinfo/%s" % (pid, fd)) as f:
                info = f.read()
        except OSError:
            continue
        m = re.search(r"^prog_id:\s*(\d+)", info, re.M)
        if m and "link_id:" not in info:
            ids.append(m.group(1))
    return ids


def kernel_profile(probe, n):
    """One extra workload run with kernel.bpf_stats_enabled=1: run count
    and ns per run of each program that ran (tail calls are counted in the
    program that made them). Not part of the timed rounds: the statistics
    cost a little themselves."""
    knob = "/proc/sys/kernel/bpf_stats_enabled"
    if not shutil.which("bpftool") or not os.access(knob, os.W_OK):
        return "not measured (needs bpftool and %s)" % knob
    with open(knob) as f:
        before = f.read().strip() or "0"
    d = falcoc_run(probe, [], "0", "profile")
    try:
        with open(knob, "w") as f:
            f.write("1")
        workload(n)
        out = {}
        for pid in prog_ids(d.p.pid):
            r = run(["bpftool", "prog", "show", "id", pid, "-j"])
            try:
                o = json.loads(r.stdout)
            except ValueError:
                continue
            if o.get("run_cnt"):
                out[o["name"]] = {"runs": o["run_cnt"],
                                  "ns_per_run": round(o["run_time_ns"] / o["run_cnt"], 1)}
        return out
    finally:
        with open(knob, "w") as f:
            f.write(before)  # as it was: someone else may use it
        d.stop()


# ---------------------------------------------------------------- events

def bench_events(work):
    why = bpf_ok()
    if why:
        SKIPPED["events_to_userspace"] = why
        return
    probes = build_probes(work)
    wl = os.path.join(A.src, "tests", "soundness", "workload.sh")
    n = 5000 if A.quick else 20000
    reps = 1 if A.quick else 3
    recv = {"falco_style": [], "falcoc": []}
    system = {"falco_style": [], "falcoc": []}
    log("events: soundness workload (%d bulk opens), both probes loaded at once, %d runs" % (n, reps))
    for r in range(reps):
        ds, stats, caps = {}, {}, {}
        for c in recv:
            stats[c] = os.path.join(work, "ev-%s-%d.stats" % (c, r))
            caps[c] = os.path.join(work, "ev-%s-%d.scap" % (c, r))
            ds[c] = falcoc_run(probes[c], ["--stats", stats[c], "-w", caps[c]], label=c)
        try:
            # loginuid 4242 marks the workload's own events in the captures
            w = run(["bash", "-c", 'echo 4242 >/proc/self/loginuid && exec bash "$0" "$1"',
                     wl, str(n)])
            if w.returncode:
                raise RuntimeError("workload.sh failed: %s" % (w.stdout + w.stderr)[-300:])
            time.sleep(1)
        finally:
            for c in recv:
                ds[c].stop()
        for c in recv:
            s = read_stats(stats[c])
            if not s:
                raise RuntimeError("%s wrote no stats" % c)
            system[c].append(s["events_received"])
            # the workload's own events: other users of the machine add
            # to the system-wide count, not to this one
            o = run([tool("runtime/falcoc-run"), "--replay", caps[c], "--filter",
                     "user.loginuid = 4242", "--print", "%evt.num"])
            if o.returncode:
                raise RuntimeError("replay of %s: %s" % (caps[c], o.stderr[-300:]))
            recv[c].append(o.stdout.count("\n"))
            os.unlink(caps[c])
        log("  run %d: workload's events falco_style %d, falcoc %d (system-wide %d, %d)" %
            (r + 1, recv["falco_style"][-1], recv["falcoc"][-1], system["falco_style"][-1],
             system["falcoc"][-1]))
    RESULTS["events_to_userspace"] = {c: int(med(v)) for c, v in recv.items()}
    red = [1 - recv["falcoc"][i] / recv["falco_style"][i] for i in range(reps) if recv["falco_style"][i]]
    sred = [1 - system["falcoc"][i] / system["falco_style"][i] for i in range(reps)
            if system["falco_style"][i]]
    DETAILS["events"] = {"bulk_opens": n, "runs": recv,
                         "reduction_pct": round(100 * med(red), 2) if red else None,
                         "system_wide_runs": system,
                         "system_wide_reduction_pct": round(100 * med(sred), 2) if sred else None,
                         "note": "runs: the workload's own events (loginuid 4242, from -w "
                                 "captures); system_wide: events_received of --stats"}


# ---------------------------------------------------------------- replay

def bench_replay(work):
    if not shutil.which("sysdig"):
        SKIPPED["replay_events_per_s.sysdig"] = "sysdig is not installed"
    copies = 200 if A.quick else 4000
    reps = 3 if A.quick else 7
    big = os.path.join(work, "big.scap")
    src = os.path.join(A.corpus, "traces", "curl_google.scap")
    r = run([tool("tests/scap_repeat"), src, big, str(copies)])
    if r.returncode:
        SKIPPED["replay_events_per_s"] = "scap_repeat failed: %s" % r.stderr[-200:]
        return
    fr = tool("runtime/falcoc-run")
    ev = run([fr, "--replay", big, "--filter", "evt.num > 0", "--print", "%evt.num"])
    events = ev.stdout.count("\n")
    cond = ("(evt.type in (open, openat, connect) and fd.name contains google) or "
            "(proc.name = curl and evt.rawres < 0)")
    fmt = "%evt.num %evt.time %proc.name %fd.name %evt.args"
    cmds = {"falcoc": [fr, "--replay", big, "--filter", cond, "--print", fmt]}
    if shutil.which("sysdig"):
        cmds["sysdig"] = ["sysdig", "-r", big, cond, "-p", fmt]
    env = dict(os.environ, TZ="UTC")
    outs = {k: subprocess.run(c, capture_output=True, env=env).stdout for k, c in cmds.items()}
    same = len(set(outs.values())) == 1
    if not same:
        NOTES.append("replay: falcoc-run and sysdig printed different output; the timing compares "
                     "different work")
    # CPU time (user + sys) of each run, as for the overhead: on a shared
    # machine wall-clock time also counts the time others held the CPU
    times = {k: [] for k in cmds}
    wall = {k: [] for k in cmds}
    ratios = []
    log("replay: curl_google.scap x %d = %d events, %d runs each, interleaved" % (copies, events, reps))
    for _ in range(reps):
        got = {}
        for k, c in cmds.items():
            t0 = time.perf_counter()
            p = subprocess.Popen(c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
            _, _, ru = os.wait4(p.pid, 0)
            wall[k].append(time.perf_counter() - t0)
            got[k] = ru.ru_utime + ru.ru_stime
            times[k].append(got[k])
        if "sysdig" in got:
            ratios.append(got["sysdig"] / got["falcoc"])
        log("  run: " + ", ".join("%s %.3f s CPU" % (k, v) for k, v in got.items()))
    RESULTS["replay_events_per_s"] = {k: round(events / med(v)) for k, v in times.items()}
    DETAILS["replay"] = {"capture": "curl_google.scap x %d" % copies, "events": events,
                         "bytes": os.path.getsize(big), "filter": cond, "format": fmt,
                         "same_output": same, "measure": "CPU time (user + sys) per run",
                         "cpu_seconds": times, "wall_seconds": wall,
                         "wall_speedup": round(med([wall["sysdig"][i] / wall["falcoc"][i]
                                                    for i in range(reps)]), 2)
                         if "sysdig" in wall else None,
                         "speedup": round(med(ratios), 2) if ratios else None}
    os.unlink(big)


# ---------------------------------------------------------------- compile

def timed(cmd, reps, wall=None):
    """CPU time (user + sys, ms) of reps runs of cmd, clang and the other
    children it waited for included: on a shared machine wall-clock time
    also counts the time other processes held the CPU. Wall-clock times
    go to the list wall if given."""
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        err = p.stderr.read().decode(errors="replace")
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        if wall is not None:
            wall.append((time.perf_counter() - t0) * 1000)
        ts.append((ru.ru_utime + ru.ru_stime) * 1000)
        if p.returncode:
            raise RuntimeError("%s: exit %d: %s" % (cmd[0], p.returncode, err[-300:]))
    return ts


def bench_compile(work):
    if not shutil.which("clang"):
        SKIPPED["compile_ms"] = "no clang (falcoc needs it to build probes)"
    falco, stdlib = rules_sets()
    falcoc = tool("compiler/falcoc")
    reps = 3 if A.quick else 5
    if "compile_ms" not in SKIPPED:
        out = os.path.join(work, "c.o")
        wall = {"falco_rules": [], "stdlib": []}
        t = {"falco_rules": timed([falcoc, falco, "-o", out], reps, wall["falco_rules"]),
             "stdlib": timed([falcoc] + stdlib + ["-o", out], reps, wall["stdlib"])}
        RESULTS["compile_ms"] = {k: round(med(v), 1) for k, v in t.items()}
        DETAILS["compile_runs_ms"] = {"measure": "CPU time (user + sys) of falcoc and clang",
                                      "cpu": t, "wall": wall}
    wall = []
    t = timed([falcoc, "lint", falco], 2 * reps, wall)
    RESULTS["lint_ms"] = round(med(t), 1)
    DETAILS["lint_runs_ms"] = {"measure": "CPU time (user + sys)", "cpu": t, "wall": wall}
    r = run([tool("tests/bench/bench_lint"), falco, "20"])
    m = re.search(r"median ([0-9.]+) ms per lint", r.stdout)
    if m:
        DETAILS["lint_in_process_ms"] = float(m.group(1))


# ---------------------------------------------------------------- storm

STATS_RE = re.compile(r"falcoc-run: stats: events (\d+) \(\+\d+\), alerts (\d+), .*?ring full (\d+),")


def last_stats(d):
    """(events received, alerts, ring-full drops) of the last stats line."""
    m = STATS_RE.findall(d.err())
    return tuple(int(x) for x in m[-1]) if m else None


def storm_step(d, rate, secs):
    """One step: storm at rate for secs; returns (achieved rate, storm
    alerts, ring_full added). Every storm open is one alert, so alerts
    count the storm's events even when other processes add events."""
    before = None
    t_end = time.time() + 3
    while before is None and time.time() < t_end:
        before = last_stats(d)
        time.sleep(0.1)
    if before is None:
        raise RuntimeError("no stats line from falcoc-run --stats-interval")
    path = "/tmp/fc_storm/bench"
    argv = [tool("tests/bench/bench_storm"), path, str(rate), str(secs)]
    cpu0 = d.cpu_ns()
    r = run(["taskset", "-c", "1"] + argv if d.storm_cpus else argv)
    m = re.search(r"rate ([0-9.]+)/s", r.stdout)
    if r.returncode or not m:
        raise RuntimeError("bench_storm failed: %s" % (r.stdout + r.stderr)[-300:])
    n = int(re.search(r"storm: (\d+) opens", r.stdout).group(1))
    # drained once every open is an alert or a drop, or when nothing
    # moves any more (a drop of another event stands for a lost open)
    prev, t_end = None, time.time() + 15
    while time.time() < t_end:
        time.sleep(0.2)
        now = last_stats(d)
        if now[1] - before[1] + now[2] - before[2] >= n or (prev and now[1:] == prev[1:]):
            break
        prev = now
    after = last_stats(d)
    # falcoc-run's CPU time per storm event: its capacity, whatever the
    # generator managed (a figure the machine's noise barely moves)
    alerts = after[1] - before[1]
    d.last_cpu_ns_per_event = (d.cpu_ns() - cpu0) / alerts if alerts else None
    return float(m.group(1)), alerts, after[2] - before[2]


def storm_search(probe, cpus, secs):
    d = falcoc_run(probe, ["--stats-interval", "0.1"], cpus, "falcoc-run (%s)" % cpus)
    d.storm_cpus = cpus == "0"
    d.last_cpu_ns_per_event = None
    steps = []
    try:
        best, lo_rate, hi_rate = 0.0, 0, None
        rate = 20000
        while rate <= 2560000:
            got, recv, full = storm_step(d, rate, secs)
            steps.append({"asked": rate, "rate": round(got), "alerts": recv, "ring_full": full,
                          "runtime_cpu_ns_per_event": round(d.last_cpu_ns_per_event or 0, 1)})
            if full:
                hi_rate = rate
                break
            best, lo_rate = got, rate
            if got < 0.8 * rate:  # the generator cannot go faster
                break
            rate *= 2
        if hi_rate is None and lo_rate:
            # no drop at the paced rates: one unpaced storm
            got, recv, full = storm_step(d, 0, secs)
            steps.append({"asked": 0, "rate": round(got), "alerts": recv, "ring_full": full,
                          "runtime_cpu_ns_per_event": round(d.last_cpu_ns_per_event or 0, 1)})
            if full:
                hi_rate = max(int(got), lo_rate + 1)
            else:
                best = max(best, got)
        for _ in range(3 if hi_rate else 0):
            mid = (lo_rate + hi_rate) // 2
            if hi_rate - lo_rate < 0.1 * hi_rate:
                break
            got, recv, full = storm_step(d, mid, secs)
            steps.append({"asked": mid, "rate": round(got), "alerts": recv, "ring_full": full,
                          "runtime_cpu_ns_per_event": round(d.last_cpu_ns_per_event or 0, 1)})
            if full:
                hi_rate = mid
            else:
                best, lo_rate = max(best, got), mid
    finally:
        rc, err = d.stop()
    return best, hi_rate is None, steps


def bench_storm(work):
    why = bpf_ok()
    if why:
        SKIPPED["max_events_per_s_no_drop"] = why
        return
    os.makedirs("/tmp/fc_storm", exist_ok=True)
    probe = os.path.join(work, "storm.o")
    r = run([tool("compiler/falcoc"), os.path.join(A.src, "tests", "bench", "storm_rules.yaml"),
             "-o", probe])
    if r.returncode:
        SKIPPED["max_events_per_s_no_drop"] = "falcoc storm_rules.yaml: %s" % r.stderr[-200:]
        return
    reps = 1 if A.quick else 3
    secs = 1.0 if A.quick else 2.0
    res, det = {}, {}
    for key, cpus in (("1cpu", "0"), ("2cpu", "0,1")):
        bests, runs = [], []
        for i in range(reps):
            best, bound, steps = storm_search(probe, cpus, secs)
            bests.append(best)
            runs.append({"max_no_drop": round(best), "generator_bound": bound, "steps": steps})
            log("  storm %s run %d: %.0f events/s without drops%s" %
                (key, i + 1, best, " (generator-bound: no drop at its top rate)" if bound else ""))
        res[key] = round(med(bests))
        # the busiest step without drops of each run: falcoc-run's CPU per
        # event there, and the rate one CPU could sustain at that cost
        cost = []
        for x in runs:
            clean = [st for st in x["steps"] if not st["ring_full"] and st["runtime_cpu_ns_per_event"]]
            if clean:
                cost.append(max(clean, key=lambda st: st["alerts"])["runtime_cpu_ns_per_event"])
        det[key] = {"falcoc_run_cpus": cpus, "runs": runs,
                    "runtime_cpu_ns_per_event": round(med(cost), 1) if cost else None,
                    "one_cpu_capacity_events_per_s": round(1e9 / med(cost)) if cost else None}
    RESULTS["max_events_per_s_no_drop"] = res
    DETAILS["storm"] = dict(det, step_seconds=secs, rules="tests/bench/storm_rules.yaml",
                            note="1cpu: falcoc-run on CPU 0, generator on CPU 1; 2cpu: "
                                 "falcoc-run on CPUs 0-1, generator unpinned (shares them)")


# ---------------------------------------------------------------- report

TARGETS = [
    ("falcoc extra ns/syscall <= 2x the empty probe's",
     lambda: DETAILS["overhead"]["falcoc_extra_vs_empty_extra"], lambda v: v <= 2.0, "%.3fx"),
    ("falcoc extra ns/syscall <= 0.5x falco_style's (loop only)",
     lambda: DETAILS["overhead"]["falcoc_extra_vs_falco_style_extra"], lambda v: v <= 0.5, "%.3fx"),
    ("... with userspace evaluation (whole pipeline)",
     lambda: DETAILS["overhead"]["whole_pipeline"]["falcoc_vs_falco_style"], lambda v: v <= 0.5,
     "%.3fx"),
    ("events to userspace >= 95% fewer",
     lambda: DETAILS["events"]["reduction_pct"], lambda v: v >= 95.0, "%.2f%% fewer"),
    ("replay >= 5x sysdig", lambda: DETAILS["replay"]["speedup"], lambda v: v >= 5.0, "%.2fx"),
    ("compile falco_rules.yaml < 1500 ms", lambda: RESULTS["compile_ms"]["falco_rules"],
     lambda v: v < 1500, "%.0f ms"),
    ("lint falco_rules.yaml < 20 ms (in process)", lambda: DETAILS["lint_in_process_ms"],
     lambda v: v < 20, "%.2f ms"),
]


def machine():
    m = {"kernel": platform.release(), "cpus": os.cpu_count()}
    try:
        out = run(["lscpu"]).stdout
        for k in ("Model name", "Thread(s) per core", "Hypervisor vendor"):
            g = re.search(r"^%s:\s*(.+)$" % re.escape(k), out, re.M)
            if g:
                m[k.lower().replace("(s)", "s").replace(" ", "_")] = g.group(1).strip()
        with open("/proc/meminfo") as f:
            m["mem_total_kib"] = int(f.readline().split()[1])
        m["loadavg_at_start"] = open("/proc/loadavg").read().split()[:3]
    except OSError:
        pass
    return m


def table():
    rows = []
    for k, v in RESULTS.items():
        if isinstance(v, dict):
            for kk, vv in v.items():
                rows.append(("%s.%s" % (k, kk), vv))
        else:
            rows.append((k, v))
    w = max(len(r[0]) for r in rows) if rows else 10
    log("\n%-*s  %s" % (w, "figure", "value"))
    for k, v in rows:
        log("%-*s  %s" % (w, k, v))
    log("\ntargets:")
    results = {}
    for name, get, ok, fmt in TARGETS:
        try:
            v = get()
        except (KeyError, TypeError):
            v = None
        if v is None:
            results[name] = "not measured"
            log("  %-50s not measured" % name)
        else:
            results[name] = "%s (%s)" % ("PASS" if ok(v) else "FAIL", fmt % v)
            log("  %-50s %s" % (name, results[name]))
    for k, why in SKIPPED.items():
        log("skipped: %s: %s" % (k, why))
    for n in NOTES:
        log("note: %s" % n)
    return results


def main():
    global A
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--quick", action="store_true", help="fewer rounds, shorter runs")
    ap.add_argument("--only", default="", help="comma-separated sections")
    A = ap.parse_args()
    A.build = os.path.abspath(A.build)
    sections = [("compile", bench_compile), ("replay", bench_replay), ("events", bench_events),
                ("overhead", bench_overhead), ("storm", bench_storm)]
    only = set(filter(None, A.only.split(",")))
    bad = only - {s for s, _ in sections}
    if bad:
        print("bench.py: unknown section(s): %s" % ", ".join(sorted(bad)), file=sys.stderr)
        return 2
    os.makedirs(os.path.dirname(os.path.abspath(A.out)), exist_ok=True)
    work = tempfile.mkdtemp(prefix="fcbench.")
    t0 = time.time()
    mach = machine()
    for name, fn in sections:
        if only and name not in only:
            continue
        log("== %s" % name)
        try:
            fn(work)
        except (RuntimeError, OSError) as e:
            SKIPPED[name] = "failed: %s" % e
            log("  %s failed: %s" % (name, e))
    shutil.rmtree(work, ignore_errors=True)
    targets = table()
    doc = {"schema": 1, "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
           "duration_s": round(time.time() - t0, 1), "quick": A.quick, "machine": mach}
    doc.update(RESULTS)
    doc.update({"targets": targets, "skipped": SKIPPED, "notes": NOTES, "details": DETAILS})
    with open(A.out, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    log("\nwrote %s (%.0f s)" % (A.out, time.time() - t0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
