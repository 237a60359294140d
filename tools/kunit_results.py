#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge a dbdev KUnit run from its full kernel log.

Usage: kunit_results.py [--tap] KERNEL_LOG SUITE_SOURCE...

Every test case of every suite that SUITE_SOURCE files define counts once.
A case passes only if it reported "ok" without "# SKIP" and no kernel report
(KASAN, lockdep, RCU, list or object debugging, WARNING, BUG, ...) came
while it ran.  Outside the dbdev suites only reports that mention dbdev
count: UML 6.1 warns at boot by itself, and splats from force_flush_all.
A case that provokes a report on purpose announces it with a diagnostic
line "# CASE: dbdev-expect-report: TEXT" first: the next report that holds
TEXT is then not counted, and the case fails if none comes.
A planned case that never reported, a suite that never ran, was skipped or
has no cases count as failed too.  Ends with the line
"kunit: N passed, N failed"; exits 1 if anything failed.  With --tap it
prints TAP instead, a result for each passed case and each failure, the
kernel reports as comments.
"""

import os
import re
import sys

TIME = re.compile(r'^\[\s*\d+\.\d+\] ?')
SUITE_DEF = re.compile(r'struct\s+kunit_suite\s+\w+\s*=\s*\{[^;]*?'
                       r'\.name\s*=\s*"([^"]+)"', re.S)
SUBTEST = re.compile(r'^ {4}# Subtest: (\S+)')
PLAN = re.compile(r'^ {4}1\.\.(\d+)')
CASE = re.compile(r'^ {4}(not )?ok \d+ (?:- )?(\S+)(.*)')
SUITE_END = re.compile(r'^(not )?ok \d+ (?:- )?(\S+)')
# A line that is KUnit's own output ends any kernel report before it.
KTAP = re.compile(r'^\s*(KTAP version|# |\d+\.\.\d+|(not )?ok \d+)')
# First lines of kernel reports (a stall or lockup report's after its
# detector's prefix), and the lines that close one.
REPORT = re.compile(r'^((rcu|watchdog|NMI watchdog): )?'
                    r'(BUG: |WARNING: |INFO: |ODEBUG: |UBSAN: |'
                    r'(CPU\d+: )?Watchdog detected hard LOCKUP|'
                    r'-+\[ cut here \]-+|kernel BUG at|Kernel panic|'
                    r'general protection fault|Oops|list_(add|del) corruption|'
                    r'Unable to handle)')
CLOSE = re.compile(r'^(=+|-+\[ end .*\]-+)\s*$')
EXPECT = re.compile(r'^\s*# \S+: dbdev-expect-report: (.+)$')


def expected_suites(paths):
    names = []
    for path in filter(os.path.exists, paths):
        with open(path, encoding='utf-8', errors='replace') as f:
            names += SUITE_DEF.findall(f.read())
    return names


def main():
    args = sys.argv[1:]
    tap = args[:1] == ['--tap']
    log_path, sources = args[tap], args[tap + 1:]
    expected = expected_suites(sources)
    try:
        with open(log_path, encoding='utf-8', errors='replace') as f:
            lines = [TIME.sub('', l.rstrip('\r\n')) for l in f]
    except FileNotFoundError:
        lines = []

    results = {}      # suite -> list of (case, ok, why)
    plans = {}        # suite -> planned number of cases
    ended = {}        # suite -> its own result line said ok (and no report)
    reports = []      # (where, lines) of each report that counts
    failed = []       # why, for each failure outside the test cases
    suite = None      # the suite running
    report = None     # lines of the kernel report being read
    tainted = False   # a counted report came since the last result line
    expect = None     # the text of a report the running case announced
    expect_met = False

    def close_report():
        nonlocal report, tainted, expect_met
        text = '\n'.join(report or [])
        if report and expect and not expect_met and expect in text:
            expect_met = True
        elif report and (re.search('dbdev', text, re.I) or (
                suite in expected and 'force_flush_all' not in text)):
            reports.append((suite or 'no suite', report))
            if suite:
                tainted = True
            else:
                failed.append('kernel report outside the suites')
        report = None

    for line in lines:
        if report is not None and CLOSE.match(line):
            report.append(line)
            close_report()
            continue
        if KTAP.match(line):
            close_report()
        elif REPORT.match(line) and (report is None or 'cut here' in line):
            close_report()
            report = [line]
            continue
        elif report is not None:
            report.append(line)
            continue

        if m := EXPECT.match(line):
            expect, expect_met = m.group(1), False
        elif m := SUBTEST.match(line):
            suite = m.group(1)
            results.setdefault(suite, [])
        elif suite and (m := PLAN.match(line)):
            plans[suite] = int(m.group(1))
        elif suite and (m := CASE.match(line)):
            ok, why = not m.group(1), 'failed'
            if '# SKIP' in m.group(3):
                ok, why = False, 'skipped'
            elif tainted:
                ok, why = False, 'kernel report'
            elif expect and not expect_met:
                ok, why = False, f'no report with "{expect}"'
            results[suite].append((m.group(2), ok, why))
            tainted, expect = False, None
        elif suite and (m := SUITE_END.match(line)) and m.group(2) == suite:
            ended[suite] = not (m.group(1) or tainted or '# SKIP' in line)
            suite, tainted = None, False
    close_report()

    passed = []
    for name in expected:
        if name not in results:
            failed.append(f'{name}: the suite did not run')
            continue
        cases = results[name]
        passed += [f'{name}.{c}' for c, ok, _ in cases if ok]
        failed += [f'{name}.{c}: {why}' for c, ok, why in cases if not ok]
        lost = plans.get(name, len(cases)) - len(cases)
        if lost > 0 or name not in ended:
            failed += [f'{name}: a planned case never reported '
                       '(crash or timeout?)'] * max(lost, 1)
        elif not cases:
            failed.append(f'{name}: the suite has no test cases')
        elif not ended[name] and all(ok for _, ok, _ in cases):
            failed.append(f'{name}: the suite failed or was skipped')
    if not expected:
        failed.append('no KUnit suite is defined in the sources')

    comment = '# ' if tap else ''
    for where, text in reports:
        print(f'{comment}--- kernel report, in {where} ---')
        print('\n'.join(comment + l for l in text))
    if tap:
        print('TAP version 13')
        print(f'1..{len(passed) + len(failed)}')
        for i, name in enumerate(passed + failed, 1):
            print(f'ok {i} - {name}' if i <= len(passed) else
                  f'not ok {i} - {name}')
    else:
        for why in failed:
            print(f'FAIL: {why}')
        print(f'kunit: {len(passed)} passed, {len(failed)} failed')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
