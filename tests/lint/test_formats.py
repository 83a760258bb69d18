#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks `falcoc lint --format json|sarif` against the text format, and lints
the shared corpus.

usage: test_formats.py FALCOC CORPUS_DIR [DIAG_CODES_DEF]

JSON must have the shape of `falco -V -o json_output=true` (0-based line and
column), each diagnostic must carry the LOAD_* code that diag_codes.def pairs
with its falcoc_code, and SARIF must be structurally valid 2.1.0 with 1-based
positions equal to the text format's line:col.  The last line printed is
"N passed, M failed".
"""
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, 'cases')
# Cases with errors and warnings, hints, several item types.
FORMAT_CASES = ['unknown_field_folded.yaml', 'unknown_key.yaml', 'enabled_toggle.yaml',
                'plugin_version.yaml']
TEXT_RE = re.compile(r'^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning|note): '
                     r'(?P<msg>.*) \[(?P<code>[a-z0-9-]+)\]$')
SANITIZER_RE = re.compile(r'(ERROR: (Address|Leak|Memory|Thread|UndefinedBehavior)Sanitizer|runtime error:)')

failures = []
passes = 0


def check(cond, what):
    global passes
    if cond:
        passes += 1
    else:
        failures.append(what)
        print('FAIL ' + what)
    return cond


def run(falcoc, args, cwd):
    p = subprocess.run([falcoc, 'lint'] + args, cwd=cwd, capture_output=True, timeout=120)
    err = p.stderr.decode('utf-8', 'replace')
    check(0 <= p.returncode < 128, '%s: crashed with status %d' % (args, p.returncode))
    check(not SANITIZER_RE.search(err), '%s: sanitizer report on stderr' % args)
    return p.returncode, p.stdout.decode('utf-8', 'replace')


def load_codes(path):
    codes = {}
    with open(path) as f:
        for line in f:
            m = re.match(r'^X\(\s*\w+,\s*"([a-z0-9-]+)",\s*"([A-Z_]+)",\s*(\w+)\)', line)
            if m:
                codes[m.group(1)] = (m.group(2), m.group(3))
    return codes


def text_diags(out):
    return [m.groupdict() for m in map(TEXT_RE.match, out.splitlines()) if m]


def check_json(name, out, text, codes):
    try:
        doc = json.loads(out)
    except ValueError as e:
        check(False, '%s: JSON does not parse: %s' % (name, e))
        return
    check(isinstance(doc, dict) and list(doc) == ['falco_load_results'],
          '%s: top level must be exactly {"falco_load_results": [...]}, got keys %s' %
          (name, list(doc) if isinstance(doc, dict) else type(doc)))
    res = doc.get('falco_load_results')
    if not check(isinstance(res, list) and len(res) == 1, '%s: one load result expected' % name):
        return
    r = res[0]
    for k, t in (('name', str), ('successful', bool), ('errors', list), ('warnings', list)):
        check(isinstance(r.get(k), t), '%s: result.%s must be %s' % (name, k, t.__name__))
    check(r.get('name') == name, '%s: result.name is %r' % (name, r.get('name')))
    nerr = sum(1 for d in text if d['sev'] == 'error')
    check(r.get('successful') == (nerr == 0), '%s: successful=%r with %d errors' %
          (name, r.get('successful'), nerr))
    got = []
    for kind in ('errors', 'warnings'):
        for e in r.get(kind, []):
            where = '%s: %s entry %r' % (name, kind, e.get('message'))
            for k in ('code', 'codedesc', 'message', 'context'):
                check(k in e, '%s: missing key %s' % (where, k))
            fc = e.get('falcoc_code')
            if check(fc in codes, '%s: falcoc_code %r not in diag_codes.def' % (where, fc)):
                check(e.get('code') == codes[fc][0], '%s: code %r, diag_codes.def says %r for %s' %
                      (where, e.get('code'), codes[fc][0], fc))
            check(isinstance(e.get('codedesc'), str) and e.get('codedesc'), '%s: empty codedesc' % where)
            ctx = e.get('context', {})
            check(isinstance(ctx.get('snippet'), str), '%s: context.snippet must be a string' % where)
            locs = ctx.get('locations')
            if not check(isinstance(locs, list) and locs, '%s: context.locations must be a non-empty list' % where):
                continue
            for loc in locs:
                check(set(loc) >= {'item_type', 'item_name', 'position'},
                      '%s: location keys %s' % (where, sorted(loc)))
                pos = loc.get('position', {})
                check(set(pos) >= {'name', 'line', 'column', 'offset'}, '%s: position keys %s' % (where, sorted(pos)))
                for k in ('line', 'column', 'offset'):
                    check(isinstance(pos.get(k), int) and pos.get(k) >= 0, '%s: position.%s=%r' % (where, k, pos.get(k)))
            pos = locs[0].get('position', {})
            if isinstance(pos.get('line'), int) and isinstance(pos.get('column'), int):
                got.append((pos.get('name'), pos['line'] + 1, pos['column'] + 1,
                            'error' if kind == 'errors' else 'warning', fc))
    want = [(d['file'], int(d['line']), int(d['col']), d['sev'], d['code']) for d in text]
    check(sorted(got) == sorted(want), '%s: JSON positions (0-based, shown +1) differ from text:\n  json %s\n  text %s' %
          (name, sorted(got), sorted(want)))


def check_sarif(name, out, text, codes):
    try:
        doc = json.loads(out)
    except ValueError as e:
        check(False, '%s: SARIF does not parse: %s' % (name, e))
        return
    check(doc.get('version') == '2.1.0', '%s: SARIF version %r' % (name, doc.get('version')))
    check(isinstance(doc.get('$schema'), str) and 'sarif' in doc.get('$schema', ''),
          '%s: SARIF $schema %r' % (name, doc.get('$schema')))
    runs = doc.get('runs')
    if not check(isinstance(runs, list) and len(runs) == 1, '%s: SARIF needs one run' % name):
        return
    drv = runs[0].get('tool', {}).get('driver', {})
    check(drv.get('name') == 'falcoc', '%s: tool.driver.name %r' % (name, drv.get('name')))
    rules = drv.get('rules', [])
    ids = [x.get('id') for x in rules]
    check(len(ids) == len(set(ids)), '%s: duplicate rule ids %s' % (name, ids))
    got = []
    for res in runs[0].get('results', []):
        rid = res.get('ruleId')
        where = '%s: result %r' % (name, rid)
        check(rid in ids, '%s: ruleId not among tool.driver.rules' % where)
        if 'ruleIndex' in res:
            check(0 <= res['ruleIndex'] < len(ids) and ids[res['ruleIndex']] == rid,
                  '%s: ruleIndex %r does not point at ruleId' % (where, res['ruleIndex']))
        check(res.get('level') in ('error', 'warning', 'note'), '%s: level %r' % (where, res.get('level')))
        check(isinstance(res.get('message', {}).get('text'), str), '%s: message.text missing' % where)
        if rid in codes and 'properties' in res and 'falcoCode' in res['properties']:
            check(res['properties']['falcoCode'] == codes[rid][0], '%s: falcoCode %r' % (where, res['properties']['falcoCode']))
        locs = res.get('locations', [])
        if not check(locs, '%s: no locations' % where):
            continue
        pl = locs[0].get('physicalLocation', {})
        reg = pl.get('region', {})
        sl, sc = reg.get('startLine'), reg.get('startColumn')
        check(isinstance(sl, int) and sl >= 1 and isinstance(sc, int) and sc >= 1,
              '%s: startLine/startColumn %r/%r must be 1-based integers' % (where, sl, sc))
        got.append((pl.get('artifactLocation', {}).get('uri'), sl, sc, res.get('level'), rid))
    want = [(d['file'], int(d['line']), int(d['col']), d['sev'], d['code']) for d in text]
    check(sorted(got) == sorted(want), '%s: SARIF results differ from text:\n  sarif %s\n  text  %s' %
          (name, sorted(got), sorted(want)))


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    falcoc = os.path.abspath(sys.argv[1])
    corpus = os.path.abspath(sys.argv[2])
    codes = load_codes(sys.argv[3] if len(sys.argv) > 3 else
                       os.path.join(HERE, '..', '..', 'compiler', 'diag_codes.def'))

    for name in FORMAT_CASES:
        rc_t, text_out = run(falcoc, ['--format', 'text', '--no-color', name], CASES)
        text = text_diags(text_out)
        check(text, '%s: the text format printed no diagnostics' % name)
        rc_j, js = run(falcoc, ['--format', 'json', name], CASES)
        check(rc_j == rc_t, '%s: json exit %d, text exit %d' % (name, rc_j, rc_t))
        check_json(name, js, text, codes)
        rc_s, sa = run(falcoc, ['--format', 'sarif', name], CASES)
        check(rc_s == rc_t, '%s: sarif exit %d, text exit %d' % (name, rc_s, rc_t))
        check_sarif(name, sa, text, codes)
        print('checked %s (%d diagnostics)' % (name, len(text)))

    # The corpus.
    rules = os.path.join(corpus, 'rules')
    rc, out = run(falcoc, ['--no-color', 'falco_rules.yaml'], rules)
    check(rc == 0, 'falco_rules.yaml: exit %d' % rc)
    check(out.strip() == 'falco_rules.yaml: 0 errors, 0 warnings',
          'falco_rules.yaml: expected exactly "0 errors, 0 warnings", got:\n%s' % out[:2000])
    rc, out = run(falcoc, ['--no-color', 'falco_rules-1.0.1.yaml'], rules)
    check(rc == 0, 'falco_rules-1.0.1.yaml: exit %d' % rc)
    ds = text_diags(out)
    errs = [d for d in ds if d['sev'] == 'error']
    other = [d for d in ds if d['sev'] == 'warning' and not d['code'].startswith('deprecated-')]
    check(not errs, 'falco_rules-1.0.1.yaml: errors: %s' % errs[:5])
    check(not other, 'falco_rules-1.0.1.yaml: non-deprecated warnings: %s' %
          ['%s:%s %s' % (d['line'], d['col'], d['code']) for d in other[:10]])
    check(re.search(r'^falco_rules-1\.0\.1\.yaml: 0 errors, \d+ warnings?$', out, re.M),
          'falco_rules-1.0.1.yaml: summary line missing')
    print('falco_rules-1.0.1.yaml: %d deprecated-* warnings' % len(ds))

    print('%d passed, %d failed' % (passes, len(failures)))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
