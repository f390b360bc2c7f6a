#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""How typical is icu-los's fixed held-out split?

Compares the fixed test split (FNV-1a hash of "bedboard-split:" + uniquepid,
buckets 0-19, as bb_los_recipe_split) with random patient-level splits of
the same number of patients, on numbers that need no model:

  - coverage: the share of the split's stays inside the other patients'
    10th-90th percentile of stay (the constant predictor's 80% interval);
  - mean stay (days);
  - the share of stays without an admission diagnosis (apacheadmissiondx).

Prints each number for the fixed split and where it falls among the random
splits. Standard library only; deterministic for --seed.

    python3 bench/los/split_check.py ../shared/data/eicu-demo/patient.csv
"""

import argparse
import csv
import random
import statistics


def bucket(key):
    h = 2166136261
    for ch in ("bedboard-split:" + key).encode():
        h = ((h ^ ch) * 16777619) & 0xFFFFFFFF
    return h % 100


def quantile(values, p):
    # linear between order statistics, as numpy's default
    v = sorted(values)
    i = p * (len(v) - 1)
    lo = int(i)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (i - lo)


def describe(rows, stay, held):
    train = [stay[i] for i, r in enumerate(rows) if r["uniquepid"] not in held]
    test = [i for i, r in enumerate(rows) if r["uniquepid"] in held]
    lo, hi = quantile(train, 0.1), quantile(train, 0.9)
    coverage = sum(lo <= stay[i] <= hi for i in test) / len(test)
    mean = statistics.mean(stay[i] for i in test)
    no_dx = sum(rows[i]["apacheadmissiondx"] == "" for i in test) / len(test)
    return coverage, mean, no_dx


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("patient_csv")
    ap.add_argument("--splits", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    with open(args.patient_csv, newline="") as fh:
        rows = list(csv.DictReader(fh))
    stay = [float(r["unitdischargeoffset"]) / 1440 for r in rows]
    patients = sorted({r["uniquepid"] for r in rows})
    fixed = {p for p in patients if bucket(p) < 20}
    f_cov, f_mean, f_nodx = describe(rows, stay, fixed)

    rng = random.Random(args.seed)
    draws = [describe(rows, stay, set(rng.sample(patients, len(fixed)))) for _ in range(args.splits)]
    covs = sorted(d[0] for d in draws)
    means = sorted(d[1] for d in draws)
    nodx = sorted(d[2] for d in draws)

    def rank_below(values, x):
        return sum(v <= x for v in values) / len(values)

    def rank_above(values, x):
        return sum(v >= x for v in values) / len(values)

    n_stays = sum(r["uniquepid"] in fixed for r in rows)
    print(f"fixed split: {len(fixed)} patients, {n_stays} stays; {args.splits} random patient-level splits "
          f"of {len(fixed)} patients (seed {args.seed})")
    print(f"constant 10th-90th pct interval coverage: fixed {f_cov:.3f}; random median {quantile(covs, 0.5):.3f} "
          f"(2.5-97.5%: {quantile(covs, 0.025):.3f}-{quantile(covs, 0.975):.3f}); "
          f"share of random splits at or below the fixed one: {rank_below(covs, f_cov):.3f}")
    print(f"mean stay: fixed {f_mean:.2f} d; random median {quantile(means, 0.5):.2f} d; "
          f"share at or above the fixed one: {rank_above(means, f_mean):.3f}")
    print(f"stays without an admission diagnosis: fixed {f_nodx:.3f}; random median {quantile(nodx, 0.5):.3f}; "
          f"share at or above the fixed one: {rank_above(nodx, f_nodx):.3f}")


if __name__ == "__main__":
    main()
