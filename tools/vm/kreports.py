#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Find the kernel reports of a VM or UML run that involve dbdev.

Usage: kreports.py KERNEL_LOG CONSOLE_LOG

KERNEL_LOG is the guest's dmesg, saved after the command ran; CONSOLE_LOG is
everything the guest printed.  A report (WARNING, BUG, KASAN, lockdep,
Oops, ...) counts if its text mentions dbdev, not counting the "Modules
linked in:" line, which names dbdev in every report once it is loaded.
Reports that do not involve dbdev are ignored (UML 6.1 prints a lockdep-RCU
splat from force_flush_all at shutdown by itself).  A kernel panic always
counts, and then every report is printed.  Without a KERNEL_LOG (the guest died first) the console is read
instead.  Prints what counts; exits 1 if anything does.
"""

import os
import re
import sys

TIME = re.compile(r'^\[\s*\d+\.\d+\] ?')
# First lines of kernel reports; a stall or lockup report's comes after its
# detector's prefix.
START = re.compile(r'^((rcu|watchdog|NMI watchdog): )?'
                   r'(BUG: |WARNING: |INFO: |ODEBUG: |UBSAN: |'
                   r'(CPU\d+: )?Watchdog detected hard LOCKUP|'
                   r'-+\[ cut here \]-+|kernel BUG at|Kernel panic|'
                   r'general protection fault|Oops|list_(add|del) corruption|'
                   r'Unable to handle|Internal error)')
CLOSE = re.compile(r'^(=+|-+\[ end .*\]-+)\s*$')
TRACE = re.compile(r'^(Call Trace:|stack backtrace:)')
# The registers of an interrupted context, which an exception stack's
# trace prints unindented in the middle of it (after </#DB>, <TASK>, ...)
REGS = re.compile(r'^(RIP|RSP|RAX|RDX|RBP|R10|R13|FS|CS|CR2|DR[0-9]|PKRU|'
                  r'Code): ')
PANIC = re.compile(r'Kernel panic - not syncing')


def read(path):
    try:
        with open(path, encoding='utf-8', errors='replace') as f:
            return [TIME.sub('', l.rstrip('\r\n')) for l in f]
    except FileNotFoundError:
        return None


def reports(lines):
    """Yield each report as a list of lines."""
    block, traced = None, False
    for line in lines:
        if block is not None:
            # A report ends at its closing line, at the next report, or
            # at the first line after its stack trace that is not part of
            # one (trace lines are indented).
            if CLOSE.match(line):
                yield block + [line]
                block = None
                continue
            if traced and line and not line[0].isspace() \
                    and not START.match(line) and not REGS.match(line):
                yield block
                block = None
            elif not START.match(line) or 'cut here' in block[0]:
                block.append(line)
                traced = traced or bool(TRACE.match(line))
                continue
            else:
                yield block
                block = None
        if START.match(line):
            block, traced = [line], False
    if block:
        yield block


def involves_dbdev(block):
    return any('dbdev' in l.lower() for l in block
               if not l.startswith('Modules linked in:'))


def main():
    klog, console = read(sys.argv[1]), read(sys.argv[2]) or []
    blocks = list(reports(klog if klog is not None else console))
    found = [b for b in blocks if involves_dbdev(b) or PANIC.search(b[0])]
    if klog is not None:
        found += [[l] for l in console if PANIC.search(l)]
    # after a panic every report may be the one that led to it: the
    # oops whose stack names no dbdev code may come from memory it
    # corrupted
    if any(PANIC.search(b[0]) for b in found):
        found = blocks + [b for b in found if b not in blocks]
    for block in found:
        print('--- kernel report ---')
        print('\n'.join(block))
    return 1 if found else 0


if __name__ == '__main__':
    sys.exit(main())
