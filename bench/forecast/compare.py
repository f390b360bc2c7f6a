#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""compare.py: do two ward forecasts (bedboard's and the Python reference's)
agree? Prints the largest differences; exits 1 when one is past tolerance.

Tolerances, and why:
  free_mean   1e-6 relative: both are base + the sum of the same probabilities
              (computed through different but exact formulas).
  free_p10/90 1 bed: bedboard uses the refined normal approximation when the
              discharge count's sd is >= 6 (cdf error < 1e-3), the reference
              the exact DP; a percentile sitting that close to a cdf step can
              move by one bed.
  p_any_free  2e-3 absolute, for the same reason.
  first_free  0.25 h (the bisection's resolution); null must match null.
"""
import json
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: compare.py BEDBOARD.json REFERENCE.json")
    with open(sys.argv[1]) as fh:
        a = json.load(fh)
    with open(sys.argv[2]) as fh:
        b = json.load(fh)
    problems = []
    if len(a["points"]) != len(b["points"]):
        problems.append("different numbers of points: %d and %d" % (len(a["points"]), len(b["points"])))
    d_mean = d_q = d_any = 0.0
    for pa, pb in zip(a["points"], b["points"]):
        if pa["t_hours"] != pb["t_hours"]:
            problems.append("t_hours differ: %g and %g" % (pa["t_hours"], pb["t_hours"]))
        rel = abs(pa["free_mean"] - pb["free_mean"]) / max(1.0, abs(pb["free_mean"]))
        d_mean = max(d_mean, rel)
        d_q = max(d_q, abs(pa["free_p10"] - pb["free_p10"]), abs(pa["free_p90"] - pb["free_p90"]))
        d_any = max(d_any, abs(pa["p_any_free"] - pb["p_any_free"]))
    d_first = 0.0
    for key in ("p10_hours", "median_hours", "p90_hours"):
        va, vb = a["first_free"][key], b["first_free"][key]
        if (va is None) != (vb is None):
            problems.append("first_free %s: %s and %s" % (key, va, vb))
        elif va is not None:
            d_first = max(d_first, abs(va - vb))
    if d_mean > 1e-6:
        problems.append("free_mean differs by %.3g (relative)" % d_mean)
    if d_q > 1:
        problems.append("a percentile differs by %d beds" % d_q)
    if d_any > 2e-3:
        problems.append("p_any_free differs by %.3g" % d_any)
    if d_first > 0.25:
        problems.append("first_free differs by %.3g h" % d_first)
    print("  %d points; largest differences: free_mean %.1e (relative), percentiles %d bed(s), "
          "p_any_free %.1e, first_free %.2f h; first free bed (p10/median/p90 h): %s/%s/%s"
          % (len(a["points"]), d_mean, d_q, d_any, d_first, a["first_free"]["p10_hours"],
             a["first_free"]["median_hours"], a["first_free"]["p90_hours"]))
    for p in problems:
        print("  DISAGREE: " + p)
    print("  agree" if not problems else "  DO NOT AGREE")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
