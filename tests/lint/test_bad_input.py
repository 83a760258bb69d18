#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Bad and extreme input for `falcoc lint`: it must answer with a located
diagnostic and the right exit status, never crash, never hang.

usage: test_bad_input.py FALCOC [NAME...]

Inputs are generated in a temporary directory at run time.  A case fails on
a timeout (60 s), an exit status >= 128 (a signal), a sanitizer report on
stderr, a wrong exit status, or a missing diagnostic code / location.
The last line printed is "N passed, M failed".
"""
import os
import random
import re
import subprocess
import sys
import tempfile
import time

TIMEOUT = 60
SANITIZER_RE = re.compile(r'(ERROR: (Address|Leak|Memory|Thread|UndefinedBehavior)Sanitizer|runtime error:)')

RULE = '''- rule: r
  desc: d
  condition: {cond}
  output: "o %proc.name"
  priority: NOTICE
'''


def w(d, name, data):
    path = os.path.join(d, name)
    with open(path, 'wb') as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    return name


def gen_big_rules(d):
    """About 10 MB of valid, used macros, lists and rules."""
    parts, i, size = [], 0, 0
    while size < 10 * 1000 * 1000:
        s = ('- list: l%d\n  items: [a%d, "b %d", c%d]\n'
             '- macro: m%d\n  condition: evt.type in (open, openat) and proc.name in (l%d)\n'
             '- rule: rule %d\n  desc: generated rule number %d\n'
             '  condition: >\n    m%d and fd.name startswith /tmp/%d\n    and not proc.pid = %d\n'
             '  output: "file %%fd.name by %%proc.name (%%proc.pid)"\n  priority: NOTICE\n'
             '  tags: [t%d]\n') % ((i,) * 12)
        parts.append(s)
        size += len(s)
        i += 1
    return w(d, 'big.yaml', ''.join(parts))


def gen_cases(d):
    """(name, argv files, expected exit, required code or None, location regex or None, timed)"""
    rnd = random.Random(20240601)
    cases = []
    cases.append(('missing file', ['does-not-exist.yaml'], 2, 'file-read', r'^does-not-exist\.yaml(:\d+:\d+)?: error: ', False))
    os.mkdir(os.path.join(d, 'adir'))
    cases.append(('directory', ['adir'], 2, 'file-read', r'^adir(:\d+:\d+)?: error: ', False))
    unreadable = w(d, 'unreadable.yaml', RULE.format(cond='evt.type = open'))
    os.chmod(os.path.join(d, unreadable), 0)
    if os.geteuid() != 0:
        cases.append(('unreadable file', [unreadable], 2, 'file-read', r'^unreadable\.yaml(:\d+:\d+)?: error: ', False))
    # A sparse file over the 64 MiB limit.
    with open(os.path.join(d, 'huge.yaml'), 'wb') as f:
        f.truncate(65 << 20)
    cases.append(('file over the size limit', ['huge.yaml'], 2, 'too-large', r'^huge\.yaml(:\d+:\d+)?: error: ', False))
    cases.append(('binary garbage', [w(d, 'garbage.yaml', bytes(rnd.getrandbits(8) for _ in range(65536)))],
                  1, None, r'^garbage\.yaml:\d+:\d+: error: ', False))
    cases.append(('NUL bytes', [w(d, 'nul.yaml', b'\0' * 4096)], 1, None, r'^nul\.yaml:\d+:\d+: error: ', False))
    # An empty file is only a warning (Falco loads it); --werror makes it fail.
    cases.append(('empty file', [w(d, 'empty.yaml', b'')], 0, 'empty-file', r'^empty\.yaml(:\d+:\d+)?: (warning|error): ', False))
    cases.append(('empty file --werror', ['--werror', 'empty.yaml'], 1, 'empty-file', r'^empty\.yaml(:\d+:\d+)?: (warning|error): ', False))
    cases.append(('10 MB rules file', [gen_big_rules(d)], 0, None, None, True))
    cases.append(('10,000 nested parentheses',
                  [w(d, 'parens.yaml', RULE.format(cond='evt.type = open and ' + '(' * 10000 + 'proc.name = x' + ')' * 10000))],
                  1, 'nesting-too-deep', r'^parens\.yaml:3:\d+: error: ', False))
    cases.append(('10,000 nots',
                  [w(d, 'nots.yaml', RULE.format(cond='evt.type = open and ' + 'not ' * 10000 + 'proc.name = x'))],
                  1, 'nesting-too-deep', r'^nots\.yaml:3:\d+: error: ', False))
    cases.append(('macro refers to itself',
                  [w(d, 'selfmacro.yaml', '- macro: m\n  condition: evt.type = open and m\n' + RULE.format(cond='m'))],
                  1, 'macro-cycle', r'^selfmacro\.yaml:2:34: error: ', False))
    cases.append(('3-macro cycle via redefinition',
                  [w(d, 'cycle3.yaml', '- macro: a\n  condition: evt.type = open\n- macro: b\n  condition: a\n'
                                       '- macro: c\n  condition: b\n- macro: a\n  condition: c\n' + RULE.format(cond='a'))],
                  1, 'macro-cycle', r'^cycle3\.yaml:\d+:\d+: error: ', False))
    cases.append(('3-macro cycle via override replace',
                  [w(d, 'cycle3o.yaml', '- macro: a\n  condition: evt.type = open\n- macro: b\n  condition: a\n'
                                        '- macro: c\n  condition: b\n- macro: a\n  condition: c\n  override:\n    condition: replace\n'
                                        + RULE.format(cond='a'))],
                  1, 'macro-cycle', r'^cycle3o\.yaml:\d+:\d+: error: ', False))
    items = ', '.join('item%d' % i for i in range(100000))
    cases.append(('list of 100,000 items',
                  [w(d, 'biglist.yaml', '- list: big\n  items: [%s]\n' % items + RULE.format(cond='evt.type = open and proc.name in (big)'))],
                  0, None, None, True))
    cases.append(('invalid UTF-8 rule name',
                  [w(d, 'utf8.yaml', b'- rule: caf\xc3\x28 bad\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: NOTICE\n')],
                  1, 'invalid-utf8', r'^utf8\.yaml:1:\d+: error: ', False))
    ors = ' or '.join('proc.name = n%d' % i for i in range(1 << 20) if True)
    ors = ors[:ors.rfind(' or ', 0, 1 << 20)]
    cases.append(('1 MB single-line condition',
                  [w(d, 'longcond.yaml', RULE.format(cond='evt.type = open and (' + ors + ')'))], 0, None, None, True))
    cases.append(('1 MB single-line condition with an error at the end',
                  [w(d, 'longcond_bad.yaml', RULE.format(cond='evt.type = open and (' + ors + ' or proc.nme = x)'))],
                  1, 'unknown-field', r'^longcond_bad\.yaml:3:%d: error: ' % (len('  condition: evt.type = open and (' + ors + ' or ') + 1), False))
    cases.append(('YAML nested 10,000 deep',
                  [w(d, 'deep.yaml', '[' * 10000 + ']' * 10000 + '\n')], 1, 'yaml-parse', r'^deep\.yaml:\d+:\d+: error: ', False))
    bomb = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]']
    for i in range(1, 30):
        bomb.append('a%d: &a%d [%s]' % (i, i, ', '.join(['*a%d' % (i - 1)] * 10)))
    cases.append(('YAML alias bomb',
                  [w(d, 'bomb.yaml', '- list: bomb\n  items:\n' + ''.join('    - %s\n' % b for b in bomb)
                     + '- rule: r\n  desc: d\n  condition: evt.type = open and proc.name in (bomb)\n  output: o\n  priority: NOTICE\n')],
                  1, None, r'^bomb\.yaml:\d+:\d+: error: ', False))
    return cases


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    falcoc = os.path.abspath(sys.argv[1])
    only = sys.argv[2:]
    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix='falcoc-bad-') as d:
        for name, files, want_rc, code, loc_re, timed in gen_cases(d):
            if only and not any(o in name for o in only):
                continue
            argv = [falcoc, 'lint', '--format', 'text', '--no-color'] + files
            problems = []
            t0 = time.monotonic()
            try:
                p = subprocess.run(argv, cwd=d, capture_output=True, timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                p = None
                problems.append('hung: no answer after %d s' % TIMEOUT)
            dt = time.monotonic() - t0
            if p is not None:
                out = p.stdout.decode('utf-8', 'replace')
                err = p.stderr.decode('utf-8', 'replace')
                if p.returncode < 0 or p.returncode >= 128:
                    problems.append('crashed: exit status %d' % p.returncode)
                elif p.returncode != want_rc:
                    problems.append('exit status %d, expected %d' % (p.returncode, want_rc))
                m = SANITIZER_RE.search(err)
                if m:
                    line = [l for l in err.splitlines() if SANITIZER_RE.search(l)][0]
                    problems.append('sanitizer report: %s' % line.strip())
                if code and not re.search(r'\[%s\]$' % re.escape(code), out, re.M):
                    problems.append('no [%s] diagnostic' % code)
                if loc_re and not re.search(loc_re, out, re.M):
                    problems.append('no diagnostic matching /%s/' % loc_re)
                if want_rc == 0 and re.search(r': error: ', out):
                    problems.append('unexpected errors')
                if want_rc != 0 and not re.search(r'^\S+(:\d+:\d+)?: error: ', out, re.M):
                    problems.append('no located error on stdout')
                if problems:
                    problems.append('stdout: ' + out[:600].replace('\n', '\n            '))
                    if err.strip():
                        problems.append('stderr: ' + err[:600].replace('\n', '\n            '))
            if problems:
                failed += 1
                print('FAIL %s (%.2f s)' % (name, dt))
                for pr in problems:
                    print('    ' + pr)
            else:
                passed += 1
                print('ok   %s%s' % (name, ' (%.2f s)' % dt if timed else ''))
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
