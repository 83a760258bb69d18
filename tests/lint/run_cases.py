#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Data-driven tests for `falcoc lint`.

Each tests/lint/cases/NAME.yaml is a small rules file whose leading comment
block states what the linter must print, exactly:

  # expect: 3:14: error: unknown field 'proc.nme' [unknown-field]
  # expect-hint: did you mean 'proc.name'?     (belongs to the previous expect)
  # expect: extra/base.yaml:4:3: warning: ... [code]   (a diagnostic in another file)
  # expect-exit: 1                             (default: 1 if an error is expected, else 0)
  # load-before: extra/base.yaml ...           (files linted before NAME.yaml)
  # load-after: extra/after.yaml ...           (files linted after NAME.yaml)
  # args: --werror                             (extra falcoc lint options)
  # known-issue: ...                           (free text; see KNOWN_ISSUES.md)

A location-less diagnostic is written `FILE: sev: msg [code]`.  An expect
line without a file name belongs to NAME.yaml itself.  The set of
`file:L:C: sev: msg [code]` lines printed must equal the expected set (as a
multiset: no missing, no extra); an expect-hint must match one of the hints
printed under that diagnostic.  Sanitizer reports on stderr, a crash or a
timeout fail the case.  Paths are relative to the cases directory, which is
the working directory of falcoc.

usage: run_cases.py FALCOC [--cases DIR] [--codes diag_codes.def] [NAME...]
The last line printed is "N passed, M failed".
"""
import argparse
import collections
import os
import re
import subprocess
import sys

DIAG_RE = re.compile(
    r'^(?P<where>.+?:\d+:\d+|[^\s:]+): (?P<sev>error|warning|note): (?P<msg>.*) \[(?P<code>[a-z0-9-]+)\]$')
HINT_RE = re.compile(r'^  hint: (?P<hint>.*)$')
SANITIZER_RE = re.compile(r'(ERROR: (Address|Leak|Memory|Thread|UndefinedBehavior)Sanitizer|runtime error:)')

# Codes that no case file can reach; test_bad_input.py covers the first two.
NOT_IN_CASES = {
    'file-read': 'needs a missing/unreadable file (test_bad_input.py)',
    'too-large': 'needs a file over 64 MiB (test_bad_input.py)',
    'output-syntax': 'declared in diag_codes.def but never emitted by the sources',
}


class Case:
    def __init__(self, path):
        self.path = path
        self.name = os.path.basename(path)
        self.expects = []  # [ [line, [hints]] ]
        self.exit = None
        self.before = []
        self.after = []
        self.args = []
        self.known_issue = []
        with open(path, 'rb') as f:
            raw = f.read()
        for line in raw.decode('utf-8', 'replace').splitlines():
            if not line.startswith('#'):
                break
            m = re.match(r'^#\s*([a-z-]+):\s?(.*)$', line)
            if not m:
                continue
            key, val = m.group(1), m.group(2).rstrip()
            if key == 'expect':
                if re.match(r'^\d+:\d+: ', val):
                    val = self.name + ':' + val
                elif re.match(r'^(error|warning|note): ', val):
                    val = self.name + ': ' + val
                self.expects.append([val, []])
            elif key == 'expect-hint':
                if not self.expects:
                    raise ValueError('%s: expect-hint before any expect' % self.name)
                self.expects[-1][1].append(val)
            elif key == 'expect-exit':
                self.exit = int(val)
            elif key == 'load-before':
                self.before += val.split()
            elif key == 'load-after':
                self.after += val.split()
            elif key == 'args':
                self.args += val.split()
            elif key == 'known-issue':
                self.known_issue.append(val)
        if self.exit is None:
            self.exit = 1 if any(': error: ' in e[0] for e in self.expects) else 0

    def codes(self):
        out = set()
        for e, _ in self.expects:
            m = re.search(r'\[([a-z0-9-]+)\]$', e)
            if m:
                out.add(m.group(1))
        return out


def parse_output(text):
    """Return [(diag_line, [hints])] and the unparsed lines."""
    diags, stray = [], []
    for line in text.splitlines():
        m = DIAG_RE.match(line)
        if m:
            diags.append([line, []])
            continue
        h = HINT_RE.match(line)
        if h and diags:
            diags[-1][1].append(h.group('hint'))
    return diags, stray


def run_case(falcoc, cases_dir, case, timeout):
    argv = [falcoc, 'lint', '--format', 'text', '--no-color'] + case.args + \
        case.before + [case.name] + case.after
    problems = []
    try:
        p = subprocess.run(argv, cwd=cases_dir, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return ['timed out after %d s' % timeout]
    out = p.stdout.decode('utf-8', 'replace')
    err = p.stderr.decode('utf-8', 'replace')
    if p.returncode < 0 or p.returncode >= 128:
        problems.append('crashed: exit status %d' % p.returncode)
    if SANITIZER_RE.search(err):
        first = [l for l in err.splitlines() if SANITIZER_RE.search(l)][0]
        problems.append('sanitizer report on stderr: %s' % first.strip())
    got, _ = parse_output(out)
    want_c = collections.Counter(e for e, _ in case.expects)
    got_c = collections.Counter(g for g, _ in got)
    for line in sorted((want_c - got_c).elements()):
        problems.append('missing:    %s' % line)
    for line in sorted((got_c - want_c).elements()):
        problems.append('unexpected: %s' % line)
    for line, hints in case.expects:
        if not hints or line not in got_c:
            continue
        printed = [h for g, hs in got if g == line for h in hs]
        for h in hints:
            if h not in printed:
                problems.append('missing hint for %s\n      want: %s\n      got:  %s' %
                                (line, h, printed or '(none)'))
    if p.returncode != case.exit and not any(x.startswith('crashed') for x in problems):
        problems.append('exit status %d, expected %d' % (p.returncode, case.exit))
    if problems:
        problems.append('command: (cd %s && %s)' % (cases_dir, ' '.join(argv)))
        if case.known_issue:
            problems.append('known issue: ' + ' '.join(case.known_issue))
    return problems


def declared_codes(path):
    codes = set()
    with open(path) as f:
        for line in f:
            m = re.match(r'^X\(\s*\w+,\s*"([a-z0-9-]+)"', line)
            if m:
                codes.add(m.group(1))
    return codes


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument('falcoc')
    ap.add_argument('--cases', default=os.path.join(here, 'cases'))
    ap.add_argument('--codes', default=os.path.join(here, '..', '..', 'compiler', 'diag_codes.def'))
    ap.add_argument('--timeout', type=int, default=60)
    ap.add_argument('names', nargs='*')
    a = ap.parse_args()
    falcoc = os.path.abspath(a.falcoc)
    cases_dir = os.path.abspath(a.cases)

    files = sorted(f for f in os.listdir(cases_dir) if f.endswith('.yaml'))
    if a.names:
        files = [f for f in files if f in a.names or f[:-5] in a.names]
    passed = failed = 0
    covered = set()
    for f in files:
        case = Case(os.path.join(cases_dir, f))
        covered |= case.codes()
        problems = run_case(falcoc, cases_dir, case, a.timeout)
        if problems:
            failed += 1
            print('FAIL %s' % f)
            for pr in problems:
                print('    ' + pr)
        else:
            passed += 1
            print('ok   %s' % f)

    if not a.names and os.path.exists(a.codes):
        missing = sorted(declared_codes(a.codes) - covered - set(NOT_IN_CASES))
        if missing:
            failed += 1
            print('FAIL coverage: no case expects these codes: %s' % ', '.join(missing))
        else:
            passed += 1
            print('ok   coverage: every emitted diagnostic code has a case')
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
