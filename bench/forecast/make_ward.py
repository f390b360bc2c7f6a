#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""make_ward.py: a synthetic ward for the forecast benchmark, drawn from a
model card's aggregate statistics (never from data rows), so the benchmark
runs on a machine without ../shared/data.

Each feature is drawn independently: numeric ones by inverting the card's
quantile table (linear between the listed quantiles), categorical ones from
the card's frequencies, each left blank with the card's missing fraction.
elapsed_days is a uniform fraction of a stay drawn from the target's
quantiles. Bookings get the same features plus start_hours, uniform over
the horizon.

    make_ward.py --card CARD --inpatients N --bookings M --seed S --out DIR
writes DIR/inpatients.csv and DIR/bookings.csv.
"""
import argparse
import csv
import json
import os

import numpy as np


def draw_from_quantiles(rng, quantiles, n):
    qs = np.array([q for q, _ in quantiles], dtype=float)
    vs = np.array([v for _, v in quantiles], dtype=float)
    return np.interp(rng.random(n), qs, vs)


def draw_feature(rng, feature, stats, n):
    missing = rng.random(n) < stats.get("missing", 0.0)
    if feature["type"] == "categorical":
        freqs = stats.get("frequencies") or {v: 1.0 for v in feature["values"]}
        names = [v for v in freqs if v in feature["values"]]
        p = np.array([freqs[v] for v in names], dtype=float)
        picked = rng.choice(len(names), size=n, p=p / p.sum())
        out = [names[i] for i in picked]
    else:
        values = draw_from_quantiles(rng, stats["quantiles"], n)
        if feature.get("transform") == "time-of-day":
            values = np.clip(values, 0, 23.99)
            out = ["%02d:%02d" % (int(v), int(round((v - int(v)) * 60)) % 60) for v in values]
        else:
            out = ["%.6g" % v for v in values]
    return ["" if m else v for m, v in zip(missing, out)]


def write_table(path, card, rng, n, extra_name, extra_values):
    stats = card["statistics"]["features"]
    columns = [f["name"] for f in card["features"]]
    cols = [draw_feature(rng, f, stats.get(f["name"], {}), n) for f in card["features"]]
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(columns + [extra_name])
        for i in range(n):
            w.writerow([c[i] for c in cols] + ["%.6g" % extra_values[i]])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--card", required=True)
    ap.add_argument("--inpatients", type=int, default=2000)
    ap.add_argument("--bookings", type=int, default=20)
    ap.add_argument("--horizon-days", type=float, default=14)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    with open(args.card) as fh:
        card = json.load(fh)
    rng = np.random.default_rng(args.seed)
    os.makedirs(args.out, exist_ok=True)

    stays = draw_from_quantiles(rng, card["statistics"]["target"]["quantiles"], args.inpatients)
    elapsed = stays * rng.random(args.inpatients)
    write_table(os.path.join(args.out, "inpatients.csv"), card, rng, args.inpatients,
                "elapsed_days", elapsed)
    starts = np.sort(rng.random(args.bookings) * args.horizon_days * 24)
    write_table(os.path.join(args.out, "bookings.csv"), card, rng, args.bookings,
                "start_hours", starts)


if __name__ == "__main__":
    main()
