#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""hardening.hostile: attacker-controlled strings in live alerts.

  hostile.py FALCOC FALCOC_RUN WORK_DIR

A driver process, run by `falcoc-run probe.o -- python3 driver`, opens
files under /tmp/fc_hostile/ whose names hold newlines, CR, ANSI and OSC
escapes, C1 controls, DEL, quotes and backslashes, invalid UTF-8
(stray continuation bytes, truncated and overlong sequences, surrogates)
and paths of about 4 KB; it opens them through processes whose comm,
exe path and command line are hostile too (an argument of 4 KB, empty
arguments, which put NULs side by side in the command line), and through
a path buffer with a NUL in the middle (the kernel must stop there).
The same driver runs once with text alerts and once with --json:

  text: exactly one line per open, each starting with the time; no C0 or
        C1 control character, no DEL, no ESC; valid UTF-8 (invalid bytes
        become U+FFFD);
  json: one object per open; every line parses (strict: no raw control
        characters); fd.name equals the real name where that is valid
        UTF-8, and holds U+FFFD where it is not.

Exit 0 pass, 1 fail, 77 skipped (not root, no BTF, no clang)."""
import json
import os
import re
import shutil
import subprocess
import sys

falcoc, run, work = sys.argv[1], sys.argv[2], os.path.join(sys.argv[3], "hostile")
H = b"/tmp/fc_hostile"
TIME = re.compile(rb"^\d{2}:\d{2}:\d{2}\.\d{9}: ")


def skip(msg):
    print("SKIP: " + msg)
    sys.exit(77)


if os.geteuid() != 0:
    skip("needs root (loading BPF)")
if not os.access("/sys/kernel/btf/vmlinux", os.R_OK):
    skip("no kernel BTF (/sys/kernel/btf/vmlinux)")
if not shutil.which("clang"):
    skip("no clang (falcoc needs it to build probes)")

shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
RULES = """\
- rule: hostile open
  desc: any open under /tmp/fc_hostile
  condition: evt.type in (open, openat) and fd.name startswith /tmp/fc_hostile/
  output: >
    hostile open (file=%fd.name name=%fd.filename proc=%proc.name exe=%proc.exepath
    cmdline=%proc.cmdline pcmd=%proc.pcmdline)
  priority: WARNING
"""
with open(os.path.join(work, "rules.yaml"), "w") as f:
    f.write(RULES)
probe = os.path.join(work, "probe.o")
r = subprocess.run([falcoc, os.path.join(work, "rules.yaml"), "-o", probe],
                   capture_output=True, text=True)
if r.returncode:
    print("FAIL: falcoc: %s" % r.stderr)
    sys.exit(1)

# ---- fixtures: made before the runtime starts (creating is an open) ----
NAMES = [
    b"nl\nnext: Critical fake alert",
    b"cr\rover",
    b"ansi\x1b[31mred\x1b[0m\x1b[2J",
    b"osc\x1b]0;title\x07bell",
    b"c1\xc2\x85nel\xc2\x9bcsi",
    b"del\x7fx",
    b"tab\tquote\"back\\slash",
    b"json\"},{\"rule\":\"fake",
    b"bad\xffutf8",
    b"stray\x80\x80cont",
    b"trunc\xe2\x82",
    b"overlong\xc0\xaf",
    b"surrogate\xed\xa0\x80",
    b"bidi\xe2\x80\xaeeman",
    b"emoji\xf0\x9f\x98\x80ok",
    b"nul",  # opened through "nul\0/etc/shadow"
]
shutil.rmtree(H, ignore_errors=True)
os.makedirs(H + b"/bin")
paths = [H + b"/" + n for n in NAMES]
# about 4 KB: components of 200 bytes, each with a newline and an escape
deep = H
while len(deep) < 3800:
    deep += b"/" + (b"d\n\x1b[1m\xff" + b"x" * 200)[:200]
os.makedirs(deep)
paths.append(deep + b"/leaf\n\x1b[0m.txt")
for p in paths:
    with open(p, "wb") as f:
        f.write(b"x\n")
# a cat whose name (comm and exe path) is hostile
evil_cat = H + b"/bin/c\x1b[31m\nat\xff"
shutil.copy("/bin/cat", evil_cat)
os.chmod(evil_cat, 0o755)

DRIVER = r'''
import ctypes, os, subprocess, sys
H = b"/tmp/fc_hostile"
paths = [bytes.fromhex(h) for h in sys.argv[2:]]
n = 0
for p in paths:
    if p.endswith(b"/nul"):
        continue
    os.close(os.open(p, os.O_RDONLY))
    n += 1
# a buffer with a NUL inside: the kernel reads up to it
libc = ctypes.CDLL(None, use_errno=True)
fd = libc.open(ctypes.c_char_p(H + b"/nul\x00/etc/shadow"), os.O_RDONLY)
assert fd >= 0, ctypes.get_errno()
os.close(fd)
n += 1
# hostile comm: set by the process itself (prctl through /proc)
pid = os.fork()
if pid == 0:
    with open("/proc/self/comm", "wb") as f:
        f.write(b"\x1b]0;pwn\x07\n\xff")
    os.close(os.open(paths[0], os.O_RDONLY))
    os._exit(0)
os.waitpid(pid, 0)
n += 1
# hostile exe name, and a command line with escapes, invalid UTF-8, empty
# arguments (NULs side by side) and one argument of 4 KB
args = [bytes.fromhex(sys.argv[1]), paths[2], b"", b"\x1b[2Jarg\nnl\xfe", b"", b"A" * 4096]
subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
n += 1
print("opens %d" % n)
'''
with open(os.path.join(work, "driver.py"), "w") as f:
    f.write(DRIVER)

fails = 0


def fail(msg):
    global fails
    fails += 1
    print("FAIL: " + msg)


def live(mode):
    out = os.path.join(work, "alerts." + mode)
    args = [run, "-o", out] + (["--json"] if mode == "json" else []) + [probe, "--",
            sys.executable, os.path.join(work, "driver.py"), evil_cat.hex()] + [p.hex() for p in paths]
    r = subprocess.run(args, capture_output=True)
    err = r.stderr.decode("utf-8", "replace")
    if r.returncode != 0:
        fail("%s: falcoc-run exit %d: %s" % (mode, r.returncode, err[-400:]))
    m = re.search(rb"^opens (\d+)$", r.stdout, re.M)
    if not m:
        fail("%s: the driver did not finish: %r %s" % (mode, r.stdout[-300:], err[-300:]))
        return None, []
    with open(out, "rb") as f:
        raw = f.read()
    lines = raw.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return int(m.group(1)), lines


# ---- text ----
CONTROL = re.compile("[\x00-\x1f\x7f\x80-\x9f]")
n, lines = live("text")
if n is not None:
    if len(lines) != n:
        fail("text: %d opens gave %d lines (a name broke a line, or an alert is missing)" % (n, len(lines)))
    for l in lines:
        if not TIME.match(l):
            fail("text: line without a leading time: %r" % l[:200])
            continue
        try:
            s = l.decode("utf-8")
        except UnicodeDecodeError as e:
            fail("text: invalid UTF-8 in an alert (%s): %r" % (e, l[:200]))
            continue
        c = CONTROL.search(s)
        if c:
            fail("text: raw control character %r in %r" % (c.group(0), s[:200]))
        if " hostile open (file=/tmp/fc_hostile/" not in s:
            fail("text: not a hostile alert: %r" % s[:200])
    text = b"\n".join(lines).decode("utf-8", "replace")
    for want in ("file=/tmp/fc_hostile/nl\\nnext: Critical fake alert ",
                 "file=/tmp/fc_hostile/ansi\\u001b[31mred\\u001b[0m\\u001b[2J ",
                 "file=/tmp/fc_hostile/c1\\u0085nel\\u009bcsi ",
                 "file=/tmp/fc_hostile/bad\ufffdutf8 ",
                 "file=/tmp/fc_hostile/nul name=nul ",
                 "proc=\\u001b]0;pwn\\u0007\\n\ufffd ",
                 "cmdline=c\\u001b[31m\\nat\ufffd /tmp/fc_hostile/ansi"):
        if want not in text:
            fail("text: no alert holds %r" % want)
    print("text: %d opens, %d one-line alerts" % (n, len(lines)))

# ---- json ----
n, lines = live("json")
if n is not None:
    if len(lines) != n:
        fail("json: %d opens gave %d lines" % (n, len(lines)))
    names = []
    for l in lines:
        try:
            o = json.loads(l.decode("utf-8"))  # strict: raw controls are errors
        except (UnicodeDecodeError, ValueError) as e:
            fail("json: line does not parse (%s): %r" % (e, l[:200]))
            continue
        if o.get("rule") != "hostile open":
            fail("json: unexpected object %r" % l[:200])
        names.append(o.get("output_fields", {}).get("fd.name"))
    for p in paths:
        try:
            want = p.decode("utf-8")
        except UnicodeDecodeError:
            # invalid UTF-8: the valid start is kept, the rest holds U+FFFD
            i = 0
            while True:
                try:
                    p[:i + 1].decode("utf-8")
                    i += 1
                except UnicodeDecodeError:
                    break
            pre = p[:i].decode("utf-8")
            if not any(nm and nm.startswith(pre) and "\ufffd" in nm for nm in names):
                fail("json: no fd.name for invalid-UTF-8 path %r (want prefix %r + U+FFFD)" % (p[:80], pre[:80]))
            continue
        if want not in names:
            fail("json: fd.name %r not found exactly" % want[:120])
    print("json: %d opens, %d objects, all parsed" % (n, len(lines)))

shutil.rmtree(H, ignore_errors=True)
if fails:
    sys.exit(1)
print("hostile: ok")
