#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""reference.py: the ward forecast done the straightforward way in Python,
to check bedboard's numbers and to time them against.

Same model (card + booster through python3-xgboost), same input CSVs, same
definitions as src/core/bb-ward-forecast.h, written the obvious way:

  - features encoded from the card (categorical: index in the card's values;
    numeric: the card's transform, out-of-range values read as missing),
  - margins from Booster.predict(output_margin=True),
  - remaining-stay probabilities from log-survival differences
    (scipy.special.log_ndtr for the normal; scipy comes with python3-xgboost),
  - the discharge count by the exact Poisson-binomial DP over all n + 1
    counts (no cut window, no normal approximation),
  - first free bed by bisection on the running maximum of P(any free).

    reference.py --model CARD --inpatients CSV --capacity N [--bookings CSV]
                 [--horizon-days 14] [--step-hours 6] [--repeat K]

prints the forecast JSON; with --repeat K also the time per forecast
(predictions included) on stderr.
"""
import argparse
import csv
import json
import math
import os
import sys
import time

import numpy as np
import xgboost
from scipy.special import log_ndtr

FIRST_FREE_RESOLUTION_HOURS = 0.25


def parse_numeric(feature, text):
    transform = feature.get("transform", "none")
    s = text.strip()
    if transform == "age-90-plus" and s.startswith(">"):
        return float(s[1:]) + 1
    if transform == "time-of-day" and ":" in s:
        parts = [int(p) for p in s.split(":")]
        return parts[0] + parts[1] / 60 + (parts[2] / 3600 if len(parts) > 2 else 0)
    return float(s)


def encode(card, path, extra):
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    features = card["features"]
    x = np.full((len(rows), len(features)), np.nan, dtype=np.float32)
    codes = [{v: i for i, v in enumerate(f.get("values", []))} for f in features]
    for r, row in enumerate(rows):
        for j, f in enumerate(features):
            text = row.get(f["name"], "")
            if text is None or text.strip() == "":
                continue
            if f["type"] == "categorical":
                if text not in codes[j]:
                    sys.exit("%s: row %d, column %s: unknown category %r" % (path, r + 1, f["name"], text))
                x[r, j] = codes[j][text]
            else:
                v = parse_numeric(f, text)
                lo, hi = f.get("min"), f.get("max")
                if (lo is not None and v < lo) or (hi is not None and v > hi):
                    continue
                x[r, j] = v
    extra_values = np.array([float(row[extra]) for row in rows])
    return x, extra_values


def log_survival(dist, z):
    if dist == "normal":
        return log_ndtr(-z)
    if dist == "logistic":
        return -np.logaddexp(0.0, z)
    if dist == "extreme":
        return -np.exp(z)
    raise ValueError(dist)


def z_of(mu, sigma, t):
    with np.errstate(divide="ignore"):
        return (np.log(t) - mu) / sigma


def discharge_probabilities(dist, sigma_in, mu_in, elapsed, sigma_bk, mu_bk, start, t_hours):
    """P(left by t) for every inpatient, and for the bookings started by t.
    sigma_in and sigma_bk are each patient's scale (numpy arrays)."""
    t = t_hours / 24.0
    if t <= 0:
        p_in = np.zeros(len(mu_in))
    else:
        ls_b = log_survival(dist, z_of(mu_in, sigma_in, elapsed + t))
        ls_a = np.where(elapsed > 0, log_survival(dist, z_of(mu_in, sigma_in, np.maximum(elapsed, 1e-300))), 0.0)
        p_in = -np.expm1(ls_b - ls_a)
    started = start <= t_hours
    dt = (t_hours - start[started]) / 24.0
    p_bk = np.where(dt > 0, -np.expm1(log_survival(dist, z_of(mu_bk[started], sigma_bk[started],
                                                               np.maximum(dt, 1e-300)))), 0.0)
    return np.clip(np.concatenate([p_in, p_bk]), 0, 1), int(started.sum())


def poisson_binomial_pmf(p):
    pmf = np.zeros(len(p) + 1)
    pmf[0] = 1.0
    for k, pi in enumerate(p):
        pmf[1:k + 2] = pmf[1:k + 2] * (1 - pi) + pmf[0:k + 1] * pi
        pmf[0] *= 1 - pi
    return pmf


class Ward:
    def __init__(self, dist, capacity, mu_in, sigma_in, elapsed, mu_bk, sigma_bk, start):
        self.dist, self.capacity = dist, capacity
        self.mu_in, self.sigma_in, self.elapsed = mu_in, sigma_in, elapsed
        self.mu_bk, self.sigma_bk, self.start = mu_bk, sigma_bk, np.maximum(start, 0.0)

    def distribution(self, t_hours):
        p, started = discharge_probabilities(self.dist, self.sigma_in, self.mu_in, self.elapsed,
                                             self.sigma_bk, self.mu_bk, self.start, t_hours)
        base = self.capacity - len(self.mu_in) - started
        return base, p, np.cumsum(poisson_binomial_pmf(p))

    def p_any_free(self, t_hours):
        base, _, cdf = self.distribution(max(t_hours, 0.0))
        k = -base              # free >= 1  <=>  K > -base
        if k < 0:
            return 1.0
        if k >= len(cdf):
            return 0.0
        return float(1.0 - cdf[k])

    def point(self, t_hours):
        base, p, cdf = self.distribution(t_hours)
        q10 = int(np.searchsorted(cdf, 0.1 - 1e-12))
        q90 = int(np.searchsorted(cdf, 0.9 - 1e-12))
        k = -base
        any_free = 1.0 if k < 0 else (0.0 if k >= len(cdf) else float(1.0 - cdf[k]))
        return {"t_hours": t_hours, "free_mean": base + float(p.sum()),
                "free_p10": base + q10, "free_p90": base + q90, "p_any_free": any_free}


def forecast(ward, horizon_days, step_hours):
    n_points = int(math.floor(horizon_days * 24 / step_hours + 1e-9)) + 1
    points = [ward.point(k * step_hours) for k in range(n_points)]
    envelope = np.maximum.accumulate([pt["p_any_free"] for pt in points])

    def quantile(q):
        above = np.nonzero(envelope >= q)[0]
        if len(above) == 0:
            return None
        k = int(above[0])
        if k == 0:
            return 0.0
        lo, hi, g_lo = points[k - 1]["t_hours"], points[k]["t_hours"], envelope[k - 1]
        while hi - lo > FIRST_FREE_RESOLUTION_HOURS:
            mid = 0.5 * (lo + hi)
            if max(g_lo, ward.p_any_free(mid)) >= q:
                hi = mid
            else:
                lo = mid
        return hi

    return {"points": points,
            "first_free": {"median_hours": quantile(0.5), "p10_hours": quantile(0.1),
                           "p90_hours": quantile(0.9)}}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", required=True)
    ap.add_argument("--inpatients", required=True)
    ap.add_argument("--bookings")
    ap.add_argument("--capacity", type=int, required=True)
    ap.add_argument("--horizon-days", type=float, default=14)
    ap.add_argument("--step-hours", type=float, default=6)
    ap.add_argument("--repeat", type=int, default=0)
    args = ap.parse_args()

    with open(args.model) as fh:
        card = json.load(fh)
    booster = xgboost.Booster()
    booster.load_model(os.path.join(os.path.dirname(os.path.abspath(args.model)), card["booster"]))
    dist = card["objective"]["distribution"]
    sigma = float(card["objective"]["scale"])
    # objective.scale_when_missing: rows whose feature is missing have their own scale
    group = card["objective"].get("scale_when_missing")
    group_col = [f["name"] for f in card["features"]].index(group["feature"]) if group else None
    types = [f.get("xgboost_type", "q") if f["type"] == "categorical" else "q" for f in card["features"]]

    x_in, elapsed = encode(card, args.inpatients, "elapsed_days")
    if args.bookings:
        x_bk, start = encode(card, args.bookings, "start_hours")
    else:
        x_bk, start = np.zeros((0, len(card["features"])), dtype=np.float32), np.zeros(0)

    def predict(x):
        if len(x) == 0:
            return np.zeros(0)
        dm = xgboost.DMatrix(x, missing=np.nan, feature_types=types, enable_categorical="c" in types)
        return booster.predict(dm, output_margin=True).astype(float)

    def scales(x):
        s = np.full(len(x), sigma)
        if group is not None:
            s[np.isnan(x[:, group_col])] = float(group["scale"])
        return s

    def run():
        ward = Ward(dist, args.capacity, predict(x_in), scales(x_in), elapsed, predict(x_bk), scales(x_bk), start)
        return forecast(ward, args.horizon_days, args.step_hours)

    result = run()
    if args.repeat > 0:
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            run()
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        print("reference: %d inpatients, %d bookings, %d beds, %d points: %.1f ms per forecast "
              "(median of %d; min %.1f, max %.1f), including the model's predictions"
              % (len(x_in), len(x_bk), args.capacity, len(result["points"]), times[len(times) // 2],
                 args.repeat, times[0], times[-1]), file=sys.stderr)

    result = {"model": {"name": card["name"], "version": card["version"]}, "capacity": args.capacity,
              "horizon_days": args.horizon_days, "step_hours": args.step_hours, **result}
    json.dump(result, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
