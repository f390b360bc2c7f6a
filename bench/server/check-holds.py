#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# check-holds.py: after bench/server/run.sh's booking storm, proves from the
# database itself that no bed was ever held or occupied twice.
#
# 1. Replays every booking change in the audit log in order (each audit row is
#    written in the same transaction as the change it records), tracking which
#    booking holds each bed; a hold on a bed some other live booking holds is a
#    violation, at whatever moment it happened during the run.
# 2. Checks the final state: at most one live hold and one open admission per
#    bed, no live hold on an occupied or non-free bed.
# 3. PRAGMA integrity_check.
# Prints one RESULT line; exit status 1 on any violation.
import json
import sqlite3
import sys

LIVE = ("held", "confirmed")


def main():
    if len(sys.argv) != 2:
        print("usage: check-holds.py DATABASE", file=sys.stderr)
        return 2
    # Read-only: the server may still be running (WAL allows a reader).
    db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
    violations = []
    holder = {}  # bed -> booking id
    replayed = 0

    for audit_id, action, before, after in db.execute(
            "SELECT id, action, before, after FROM audit WHERE entity = 'booking' ORDER BY id"):
        replayed += 1
        old = json.loads(before) if before else None
        new = json.loads(after) if after else None
        if old and old.get("bed") and old.get("status") in LIVE:
            if holder.get(old["bed"]) == old["id"]:
                del holder[old["bed"]]
        if new and new.get("bed") and new.get("status") in LIVE:
            other = holder.get(new["bed"])
            if other is not None and other != new["id"]:
                violations.append("audit %d: booking %d holds bed %d while booking %d holds it"
                                  % (audit_id, new["id"], new["bed"], other))
            holder[new["bed"]] = new["id"]

    checks = {
        "beds with two live holds":
            "SELECT COUNT(*) FROM (SELECT bed FROM bookings WHERE bed IS NOT NULL AND status IN "
            "('held', 'confirmed') GROUP BY bed HAVING COUNT(*) > 1)",
        "beds with two open admissions":
            "SELECT COUNT(*) FROM (SELECT bed FROM admissions WHERE discharged_at IS NULL "
            "GROUP BY bed HAVING COUNT(*) > 1)",
        "live holds on an occupied bed":
            "SELECT COUNT(*) FROM bookings b JOIN admissions a ON a.bed = b.bed AND a.discharged_at IS NULL "
            "WHERE b.status IN ('held', 'confirmed')",
        "live holds on a bed that is not U":
            "SELECT COUNT(*) FROM bookings b JOIN beds d ON d.id = b.bed "
            "WHERE b.status IN ('held', 'confirmed') AND d.status != 'U'",
    }
    for name, sql in checks.items():
        (count,) = db.execute(sql).fetchone()
        if count:
            violations.append("%s: %d" % (name, count))

    (integrity,) = db.execute("PRAGMA integrity_check").fetchone()
    if integrity != "ok":
        violations.append("integrity_check: %s" % integrity)

    (bench_bookings,) = db.execute(
        "SELECT COUNT(*) FROM bookings WHERE patient_ref LIKE 'bench-%'").fetchone()
    for line in violations[:20]:
        print("check-holds: " + line, file=sys.stderr)
    print("RESULT check-holds audit_rows=%d bench_bookings=%d violations=%d integrity=%s ok=%s"
          % (replayed, bench_bookings, len(violations), integrity, "no" if violations else "yes"))
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
