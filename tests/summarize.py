#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Count test cases from meson's testlog.json and print 'N passed, N failed'.

GLib tests speak TAP, so each g_test_add_func case is one line of the log;
a test executable that crashed or timed out before reporting counts as one
failure so that a crash can never pass silently."""
import json
import re
import sys

path = sys.argv[1] if len(sys.argv) > 1 else "_build/meson-logs/testlog.json"
passed = failed = skipped = 0
failures = []
try:
    lines = open(path, encoding="utf-8").read().splitlines()
except OSError as e:
    print(f"no test log at {path}: {e}", file=sys.stderr)
    print("0 passed, 1 failed")
    sys.exit(1)

for line in lines:
    if not line.strip():
        continue
    t = json.loads(line)
    out = t.get("stdout", t.get("stdo", "")) or ""
    p = f = s = 0
    for l in out.splitlines():
        m = re.match(r"^(not ok|ok)\b.*?(#\s*(SKIP|TODO).*)?$", l.strip())
        if not m:
            continue
        if m.group(3) and m.group(3).upper() == "SKIP":
            s += 1
        elif m.group(1) == "ok":
            p += 1
        else:
            f += 1
            failures.append(f"{t['name']}: {l.strip()}")
    result = t.get("result", "")
    if result not in ("OK", "SKIP", "EXPECTEDFAIL") and f == 0:
        f += 1
        failures.append(f"{t['name']}: {result}")
    if p == 0 and f == 0 and s == 0 and result == "SKIP":
        s += 1
    passed += p
    failed += f
    skipped += s

for fl in failures:
    print("FAILED", fl)
summary = f"{passed} passed, {failed} failed"
if skipped:
    summary += f", {skipped} skipped"
print(summary)
sys.exit(1 if failed else 0)
