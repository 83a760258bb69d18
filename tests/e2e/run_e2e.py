#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""End-to-end tests: compile e2e_rules.yaml into a probe, load it with
`falcoc-run probe.o -- CMD`, make real syscalls, assert the exact alert
lines (leading time stripped).

  run_e2e.py FALCOC FALCOC_RUN WORK_DIR [CASE...]

Exit 0 pass, 1 fail, 77 skipped (not root, no BTF, no clang)."""
import json
import os
import re
import shutil
import subprocess
import sys

falcoc, run, work = sys.argv[1], sys.argv[2], os.path.join(sys.argv[3], "e2e")
only = set(sys.argv[4:])
here = os.path.dirname(os.path.abspath(__file__))
TIME = re.compile(r"^\d{2}:\d{2}:\d{2}\.\d{9}: ")
B = "/tmp/fce2e"


def skip(msg):
    print("SKIP: " + msg)
    sys.exit(77)


if os.geteuid() != 0:
    skip("the e2e tests need root (loading BPF)")
if not os.access("/sys/kernel/btf/vmlinux", os.R_OK):
    skip("no BTF (/sys/kernel/btf/vmlinux)")
if not shutil.which("clang"):
    skip("no clang (falcoc needs it to build probes)")

shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
probe = os.path.join(work, "e2e.o")
r = subprocess.run([falcoc, os.path.join(here, "e2e_rules.yaml"), "-o", probe],
                   capture_output=True, text=True)
if r.returncode != 0 or not os.path.exists(probe):
    print("FAIL: falcoc: exit %d: %s" % (r.returncode, r.stderr))
    sys.exit(1)

# ---- fixtures ----
shutil.rmtree(B, ignore_errors=True)
for d in ("a/args", "a/sub", "a/w", "a/g1", "a/g22", "a/dir", "a/e2e-needle", "bin", "h", "long"):
    os.makedirs(os.path.join(B, d))
for f in ("name.txt", "pname.txt", "aname.txt", "pid.txt", "uid.txt", "pre_1", "x.e2esecret",
          "in1.txt", "in2.txt", "in3.txt", "e2e-needle/n.txt", "g1/x1.log", "g22/xy.log",
          "g1/x12.log", "dir/f1.txt", "dir/f2.txt", "dir/f3.txt", "w/a", "w/b", "target.txt",
          "dotdot.txt", "cmdline.txt"):
    with open(os.path.join(B, "a", f), "w") as fh:
        fh.write("e2e\n")
os.chmod(os.path.join(B, "a", "uid.txt"), 0o644)
os.chmod(B, 0o755)
os.chmod(os.path.join(B, "a"), 0o755)
os.symlink(os.path.join(B, "a", "target.txt"), os.path.join(B, "a", "link_to_target"))
for name, src in (("e2e_parent", "/bin/sh"), ("e2e_gparent", "/bin/sh"), ("e2e_true", "/bin/true")):
    shutil.copy(src, os.path.join(B, "bin", name))
    os.chmod(os.path.join(B, "bin", name), 0o755)


def mkpath(total):
    """A file path of exactly `total` bytes under /tmp/fce2e/long ending in
    /leaf.txt, made of components of at most 200 bytes (NAME_MAX 255)."""
    head, tail = B + "/long", "/leaf.txt"
    comps, n, i = [], len(head) + len(tail), 0
    while n < total:
        k = min(200, total - n - 1)
        if k <= 0:  # one byte short of a component: widen the previous one
            comps[-1] += "y"
            n += 1
            continue
        comps.append(("d%d" % i).ljust(k, "x"))
        n += k + 1
        i += 1
    p = head + "".join("/" + c for c in comps) + tail
    assert len(p) == total, (len(p), total)
    return p


long300 = mkpath(300)
long4000 = mkpath(4000)
long4095 = mkpath(4095)  # PATH_MAX - 1: the longest path open() accepts
for p in (long300, long4000, long4095):
    os.makedirs(os.path.dirname(p), exist_ok=True)
    # relative creation: the absolute path is too long for some helpers
    with open(p, "w") as fh:
        fh.write("long\n")
hostile = B + "/h/evil\n\x1b[31mred.txt"
with open(hostile, "w") as fh:
    fh.write("x\n")
hostile2 = B + "/h/tab\there\x7fdel\xe9\u0085c1.txt"
with open(hostile2, "w") as fh:
    fh.write("x\n")

PY = sys.executable
# ~4 KB of command line: cat + path + 38 args of 100 bytes (total with
# the NULs 4 + 1 + 24 + 1 + 38 * 101 = 3868 bytes < FC_ARGS_MAX 4096)
cmd_args = ["x%02d" % i + "a" * 97 for i in range(38)]
cmdline4k = " ".join(["cat", B + "/a/cmdline.txt"] + cmd_args)
# and one beyond FC_ARGS_MAX: 60 args of 100 bytes
cmd_args_big = ["y%02d" % i + "b" * 97 for i in range(60)]
for a in cmd_args + cmd_args_big:
    open(os.path.join(B, "a", "args", a), "w").close()

CONNECT_PY = r'''
import socket, threading
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 47821)); srv.listen(4)
def serve():
    c, _ = srv.accept(); c.close()
t = threading.Thread(target=serve); t.start()
c = socket.socket(); c.connect(("127.0.0.1", 47821)); c.close()
t.join()
'''


def q(s):
    return "'" + s.replace("'", "'\\''") + "'"


# name -> (shell command, [expected alert lines], extra check or None)
CASES = [
    ("proc.name", "cat %s/a/name.txt >/dev/null; head -c1 %s/a/name.txt >/dev/null" % (B, B),
     ["Notice e2e proc.name file=/tmp/fce2e/a/name.txt name=cat"]),
    ("proc.pname", "%s/bin/e2e_parent -c 'cat %s/a/pname.txt >/dev/null; true'; cat %s/a/pname.txt >/dev/null"
     % (B, B, B),
     ["Notice e2e proc.pname file=/tmp/fce2e/a/pname.txt name=cat pname=e2e_parent"]),
    ("proc.aname", "%s/bin/e2e_gparent -c \"sh -c 'cat %s/a/aname.txt >/dev/null; true'; true\"; "
     "%s/bin/e2e_gparent -c 'cat %s/a/aname.txt >/dev/null; true'" % (B, B, B, B),
     ["Notice e2e proc.aname file=/tmp/fce2e/a/aname.txt name=cat a1=sh a2=e2e_gparent"]),
    ("pid", "cat %s/a/pid.txt >/dev/null" % B,
     ["Notice e2e pid file=/tmp/fce2e/a/pid.txt name=cat"]),
    ("uid", "cat %s/a/uid.txt >/dev/null; (echo 4243 >/proc/self/loginuid && exec cat %s/a/uid.txt >/dev/null); "
     "setpriv --reuid=65534 --regid=65534 --clear-groups cat %s/a/uid.txt >/dev/null" % (B, B, B),
     ["Notice e2e uid root loginuid uid=0 loginuid=4243 file=/tmp/fce2e/a/uid.txt",
      "Notice e2e uid nobody uid=65534 file=/tmp/fce2e/a/uid.txt"]),
    ("fd.name ops", "cd %s/a && for f in pre_1 x.e2esecret in1.txt in2.txt in3.txt e2e-needle/n.txt "
     "g1/x1.log g22/xy.log g1/x12.log; do : <%s/a/$f; done" % (B, B),
     ["Notice e2e fd.name startswith file=/tmp/fce2e/a/pre_1",
      "Notice e2e fd.name endswith file=/tmp/fce2e/a/x.e2esecret",
      "Notice e2e fd.name in file=/tmp/fce2e/a/in1.txt",
      "Notice e2e fd.name in file=/tmp/fce2e/a/in2.txt",
      "Notice e2e fd.name contains file=/tmp/fce2e/a/e2e-needle/n.txt",
      "Notice e2e fd.name glob file=/tmp/fce2e/a/g1/x1.log",
      "Notice e2e fd.name glob file=/tmp/fce2e/a/g22/xy.log"]),
    ("fd.directory", "for f in f1.txt f2.txt f3.txt; do : <%s/a/dir/$f; done" % B,
     ["Notice e2e fd.directory fd.filename dir=/tmp/fce2e/a/dir filename=f1.txt",
      "Notice e2e fd.directory fd.filename dir=/tmp/fce2e/a/dir filename=f2.txt"]),
    ("open flags", "echo t >%s/a/w/a; echo t >>%s/a/w/b; : <%s/a/w/a; : <>%s/a/w/b" % (B, B, B, B),
     ["Notice e2e open write trunc file=/tmp/fce2e/a/w/a",
      "Notice e2e open read only file=/tmp/fce2e/a/w/a"]),
    ("rawres", ": 2>/dev/null <%s/a/missing_1; : <%s/a/name.txt" % (B, B),
     ["Notice e2e open failed file=/tmp/fce2e/a/missing_1 res=ENOENT rawres=-2"]),
    # a grandchild: the process is known from its clone, so its socket's
    # fd comes from events, not from a /proc scan
    ("connect", "sh -c %s; true" % q("%s -c %s" % (PY, q(CONNECT_PY))),
     ["Notice e2e connect name=python3 sip=127.0.0.1 sport=47821 res=0"]),
    ("container.id", "%s/bin/e2e_true; true" % B,
     ["Notice e2e host exec name=e2e_true container=host"]),
    # Falco's fd.name is the path as passed (made absolute, lexically
    # normalised), never the symlink's target
    ("symlink", "cat %s/a/link_to_target >/dev/null" % B,
     ["Notice e2e symlink path file=/tmp/fce2e/a/link_to_target"]),
    # '..': the kernel sees a relative or unnormalised path (MAYBE),
    # userspace normalises it
    ("dotdot", "cd %s/a/sub && cat ../dotdot.txt >/dev/null && cat %s/a/sub/../dotdot.txt >/dev/null && "
     "cat ./../sub/../dotdot.txt >/dev/null && cat %s/a//dotdot.txt >/dev/null" % (B, B, B),
     ["Notice e2e dotdot file=/tmp/fce2e/a/dotdot.txt name=cat"] * 4),
    ("long path 300", "cat %s >/dev/null" % q(long300),
     ["Notice e2e long path file=" + long300]),
    ("long path 4000", "cat %s >/dev/null" % q(long4000),
     ["Notice e2e long path file=" + long4000]),
    ("long path 4095", "cat %s >/dev/null" % q(long4095),
     ["Notice e2e long path file=" + long4095]),
    # the arguments are files in the cwd, so cat succeeds
    ("cmdline 4k", " ".join(["cd", B + "/a/args", "&&", "exec", "cat", B + "/a/cmdline.txt"] + cmd_args)
     + " >/dev/null", ["Notice e2e cmdline cmdline=" + cmdline4k]),
    ("cmdline big", " ".join(["cd", B + "/a/args", "&&", "exec", "cat", B + "/a/cmdline.txt"] + cmd_args_big)
     + " >/dev/null", None),
    ("hostile", "cat %s %s >/dev/null" % (q(hostile), q(hostile2)),
     ["Notice e2e hostile file=/tmp/fce2e/h/evil\\n\\u001b[31mred.txt",
      "Notice e2e hostile file=/tmp/fce2e/h/tab\\there\\u007fdel\xe9\\u0085c1.txt"]),
]

fails = 0


def fail(msg):
    global fails
    fails += 1
    print("FAIL: " + msg)


def live(name, args):
    base = os.path.join(work, re.sub(r"[^A-Za-z0-9]+", "_", name))
    r = subprocess.run([run] + args, capture_output=True)
    err = r.stderr.decode("utf-8", "replace")
    if "falcoc-run: ready" not in err.splitlines():
        fail("%s: no 'falcoc-run: ready': %s" % (name, err[-500:]))
    if r.returncode != 0:
        fail("%s: falcoc-run exit %d: %s" % (name, r.returncode, err[-500:]))
    return base


def text_alerts(path):
    with open(path, "rb") as f:
        raw = f.read()
    lines = raw.decode("utf-8", "surrogateescape").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    out = []
    for l in lines:
        if not TIME.match(l):
            fail("alert line without a leading time (a broken line?): %r" % l)
            continue
        out.append(TIME.sub("", l))
    return out


for name, cmd, want in CASES:
    if only and name not in only:
        continue
    base = os.path.join(work, re.sub(r"[^A-Za-z0-9]+", "_", name))
    live(name, ["-o", base + ".txt", "--stats", base + ".stats", probe, "--", "bash", "-c", cmd])
    got = [l for l in text_alerts(base + ".txt") if " e2e " in l]
    st = json.load(open(base + ".stats"))
    if name == "cmdline big":
        # beyond FC_ARGS_MAX: one line, cut (not lost), and counted
        pre = "Notice e2e cmdline cmdline=cat " + B + "/a/cmdline.txt y00"
        full = " ".join(["cat", B + "/a/cmdline.txt"] + cmd_args_big)
        if len(got) != 1 or not got[0].startswith(pre):
            fail("%s: want one alert starting %r, got %r" % (name, pre, [g[:120] for g in got]))
        else:
            cl = got[0][len("Notice e2e cmdline cmdline="):]
            if not full.startswith(cl) or len(cl) > 4096:
                fail("%s: cmdline of %d bytes is not a prefix of the real one (%d bytes) "
                     "within FC_ARGS_MAX" % (name, len(cl), len(full)))
            elif len(cl) < len(full) and not st["kernel"]["truncated"]:
                fail("%s: cmdline cut to %d of %d bytes but kernel.truncated is 0 (silent loss)"
                     % (name, len(cl), len(full)))
            else:
                print("ok: %s (cmdline %d of %d bytes, kernel.truncated %d)" %
                      (name, len(cl), len(full), st["kernel"]["truncated"]))
        continue
    if got != want:
        fail("%s: alert lines differ\n  want: %s\n  got:  %s" % (name, "\n        ".join(map(repr, want)),
                                                                "\n        ".join(map(repr, got))))
    else:
        print("ok: %s (%d alert%s)" % (name, len(want), "" if len(want) == 1 else "s"))
    # truncated strings are counted (bash -c's own long command line
    # is cut), not a failure; lost events are
    if st["drops"]["ring_full"] or st["drops"]["undecodable"]:
        fail("%s: events lost: %s" % (name, st["drops"]))

    if name == "hostile" and (not only or name in only):
        # the same in JSON: one object per line, fd.name exact after decoding
        fails_before = fails
        live(name + " json", ["--json", "-o", base + ".json", probe, "--", "bash", "-c", cmd])
        with open(base + ".json", "rb") as f:
            raw = f.read()
        lines = [l for l in raw.split(b"\n") if l]
        objs = []
        for l in lines:
            if any(c < 0x20 for c in l):
                fail("hostile json: raw control character in a JSON line: %r" % l)
            try:
                objs.append(json.loads(l))
            except ValueError as e:
                fail("hostile json: not JSON (%s): %r" % (e, l))
        mine = [o for o in objs if o.get("rule") == "e2e hostile"]
        names = [o["output_fields"].get("fd.name") for o in mine]
        if names != [hostile, hostile2]:
            fail("hostile json: fd.name values %r, want %r" % (names, [hostile, hostile2]))
        for o in mine:
            if not o["output"].endswith("e2e hostile file=" + o["output_fields"]["fd.name"]):
                fail("hostile json: output %r does not end with the fd.name" % o["output"])
        if fails == fails_before:
            print("ok: hostile json (2 alerts)")

if fails:
    print("e2e: %d failure(s)" % fails)
    sys.exit(1)
print("e2e: ok")
