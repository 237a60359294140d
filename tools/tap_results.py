#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Count the tests of one run from its output.

Usage: tap_results.py [--plain] NAME STATUS LOG

LOG is everything the run printed and STATUS its exit status.  Each
top-level TAP result line counts once: "ok N" passes, "not ok N" fails, and
so does an "ok N # SKIP".  The run also counts one failure if it has no
plan ("1..N"), a "Bail out!", fewer or more results than planned, or no
result at all, and one if it exited non-zero without a failed result (a
crash, a timeout, a kernel report).  With --plain the output is not TAP:
the run is one test, passed if STATUS is 0.  Prints the failures and
"NAME: N passed, N failed".
"""

import re
import sys

RESULT = re.compile(r'^(not )?ok\b(?:\s+(\d+))?(.*)$')
PLAN = re.compile(r'^1\.\.(\d+)')
SKIP = re.compile(r'#\s*skip', re.I)


def tap(lines):
    """Return (passed, reasons for each failure)."""
    passed, failed = 0, []
    plan, results = None, 0
    for line in lines:
        if m := RESULT.match(line):
            results += 1
            if m.group(1):
                failed.append(f'not ok: {line}')
            elif SKIP.search(m.group(3)):
                failed.append(f'skipped: {line}')
            else:
                passed += 1
        elif m := PLAN.match(line):
            if plan is not None:
                failed.append('more than one plan')
            plan = int(m.group(1))
        elif line.startswith('Bail out!'):
            failed.append(line)
    if plan is None:
        failed.append('no TAP plan (1..N): the run died or is not TAP')
    elif results < plan:
        failed += [f'{plan - results} of {plan} planned tests never '
                   'reported']
    elif results > plan:
        failed.append(f'{results} results for a plan of {plan}')
    if plan == 0 and results == 0:
        failed.append('no test ran')
    return passed, failed


def main():
    args = sys.argv[1:]
    plain = args[:1] == ['--plain']
    if plain:
        args = args[1:]
    name, status, path = args[0], int(args[1]), args[2]
    with open(path, encoding='utf-8', errors='replace') as f:
        lines = [l.rstrip('\r\n') for l in f]

    passed, failed = (0, []) if plain else tap(lines)
    if status != 0 and not failed:
        failed.append(f'the run exited with status {status}')
    elif plain:
        passed = 1
    for why in failed:
        print(f'FAIL: {name}: {why}')
    print(f'{name}: {passed} passed, {len(failed)} failed')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
