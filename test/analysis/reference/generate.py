#!/usr/bin/env python3
"""Reference vectors for worker/analysis/stats.ts and bands.ts.

Run from this directory:  /usr/bin/python3 generate.py   (writes vectors.json)
Expected values come from SciPy; every value is also recomputed independently here (plain Python) and,
when Rscript is on PATH, by generate.R (R base). The script aborts if any two sources disagree by more
than 1e-12, so a written vectors.json is always a cross-checked one. See README.md.
"""
import itertools
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile

import mpmath
import numpy as np
import scipy
from scipy import stats

mpmath.mp.dps = 50

HERE = os.path.dirname(os.path.abspath(__file__))
TOL = 1e-12


def close(a, b, tol=TOL):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


def close_rel(a, b, tol):
    """Relative comparison for tail probabilities, where an absolute tolerance would hide everything."""
    return a == b or abs(a - b) <= tol * max(abs(a), abs(b))


def check(cond, msg):
    if not cond:
        sys.exit(f"cross-check failed: {msg}")


def fnum(x):
    """Plain float (also from R's "%.17g" strings), or None for values that are undefined (NaN)."""
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) else x


# --------------------------------------------------------------------------------------------------
# Series cases. Points are {day, value}; value None = missing. Order in the list is input order.

def pts(values, days=None):
    days = days if days is not None else [14 * i for i in range(len(values))]
    return [{"day": d, "value": v} for d, v in zip(days, values)]


REALISTIC = [5.4, 3.3, 6.0, 6.0, 5.2, 5.8, 5.5, 3.9, 4.9, 6.4, 6.0, 4.5, 6.9, 5.2, 5.1, 5.1, 5.6, 9.0,
             6.8, 8.4, 6.5, 6.7, 5.6, 7.6, 8.1, 7.3, 7.4, 7.0]  # np.random.RandomState(26), see README
REALISTIC[4] = None  # two skipped measurements -> n = 26
REALISTIC[15] = None

SERIES = [
    ("n0 empty", []),
    ("n0 only nulls", pts([None, None, None])),
    ("n1", pts([6.5])),
    ("n1 with nulls", pts([None, 4.0, None])),
    ("n2 increasing", pts([4.0, 6.0])),
    ("n2 tied", pts([5.0, 5.0])),
    ("n2 same day", pts([3.0, 7.0], [10, 10])),
    ("n3", pts([5.0, 7.0, 6.0])),
    ("n3 all same day", pts([5.0, 7.0, 6.0], [3, 3, 3])),
    ("n4 monotone up (never significant with continuity correction)", pts([2.0, 4.0, 6.0, 8.0])),
    ("n5 monotone up", pts([3.0, 4.0, 5.5, 6.0, 8.0])),
    ("n5 monotone down", pts([9.0, 8.0, 6.5, 4.0, 1.0])),
    ("n5 no trend", pts([5.0, 7.0, 4.0, 6.0, 5.5])),
    ("n5 S = -2", pts([5.0, 6.0, 4.0, 7.0, 3.5])),
    ("n6 S = 1 (z = 0 after continuity correction)", pts([5.0, 6.0, 7.0, 4.0, 3.0, 8.0])),
    ("ties", pts([5.0, 5.0, 6.0, 6.0, 6.0, 7.0, 5.0, 8.0])),
    ("ties at both ends, significant", pts([2.0, 2.0, 3.0, 3.0, 5.0, 5.0, 8.0, 8.0])),
    ("constant", pts([6.0] * 6)),
    ("outlier: least squares down, Theil-Sen up", pts([4.0, 4.5, 5.0, 5.5, 6.0, 6.5, 7.0, 0.0])),
    ("irregular days with same-day points", pts([4.0, 5.0, 4.5, 6.0, 6.5, 6.0, 7.5], [0, 3, 3, 10, 24, 25, 40])),
    ("same-day points keep input order", pts([6.0, 2.0, 7.0, 3.0, 8.0, 4.0], [0, 0, 7, 7, 14, 14])),
    ("unsorted input", pts([7.0, 3.0, 5.0, 6.0, 4.0, 8.0], [56, 0, 28, 42, 14, 70])),
    ("nulls interspersed", pts([None, 3.0, 4.0, None, 5.0, 4.5, None, 6.0, 7.0])),
    ("values at 0 and 10", pts([0.0, 0.0, 10.0, 0.0, 10.0, 10.0, 10.0])),
    ("from 10 down to 0", pts([10.0, 10.0, 8.0, 5.0, 3.0, 0.0, 0.0])),
    ("realistic n=26 biweekly with 2 skipped", pts(REALISTIC)),
    ("long strong trend (small p)", pts([round(0.25 * i, 2) for i in range(40)])),
    ("fractional values and days", pts([4.25, 5.125, 4.75, 6.375, 6.0, 7.625], [0.5, 1.25, 9.0, 9.75, 20.0, 33.5])),
]


def theil_sen_manual(x, y):
    slopes = [(y[j] - y[i]) / (x[j] - x[i]) for i in range(len(x)) for j in range(i + 1, len(x)) if x[j] != x[i]]
    if not slopes:
        return None
    slopes.sort()
    m = len(slopes) // 2
    return slopes[m] if len(slopes) % 2 else (slopes[m - 1] + slopes[m]) / 2


def theil_sen_scipy(x, y):
    if len(x) < 2 or len(set(x)) < 2:
        return None  # SciPy would take the median of zero slopes (NaN + warning)
    return fnum(stats.theilslopes(y, x)[0])


def describe(points):
    kept = sorted([p for p in points if p["value"] is not None], key=lambda p: p["day"])  # stable sort
    n = len(kept)
    out = dict(n=n, mean=None, min=None, max=None, slopePerMeasurement=None, slopePerDay=None,
               kendallS=0, varianceS=0, z=None, p=None, trend=None)  # S and var: empty sums below n = 2
    if n == 0:
        return out, {}
    v = [p["value"] for p in kept]
    d = [p["day"] for p in kept]
    out.update(mean=fnum(np.mean(v)), min=min(v), max=max(v))
    check(close(out["mean"], math.fsum(v) / n), "mean")
    if n < 2:
        return out, {}
    order = list(range(1, n + 1))
    out["slopePerMeasurement"] = theil_sen_scipy(order, v)
    out["slopePerDay"] = theil_sen_scipy(d, v)
    check(close(out["slopePerMeasurement"], theil_sen_manual(order, v)), "slope per measurement")
    # SciPy's theilslopes keeps only pairs with x_j > x_i, i.e. it drops same-day pairs like we do.
    check(close(out["slopePerDay"], theil_sen_manual(d, v)), "slope per day")

    s = sum((v[j] > v[i]) - (v[j] < v[i]) for i, j in itertools.combinations(range(n), 2))
    ties = [v.count(u) for u in set(v)]
    var = (n * (n - 1) * (2 * n + 5) - sum(t * (t - 1) * (2 * t + 5) for t in ties)) / 18
    out.update(kendallS=s, varianceS=var)

    extra = {}
    # Cross-check S and the variance against scipy.stats.kendalltau (tau-b, asymptotic, x = 1..n has
    # no ties): S = tau_b * sqrt(n0 * (n0 - n2)), and its p-value is 2*sf(|S|/sqrt(var)) without
    # continuity correction.
    if var > 0 and n >= 3:  # SciPy's asymptotic variance divides by n - 2
        res = stats.kendalltau(order, v, method="asymptotic")
        tau, p_nocc = res[0], res[1]
        n0 = n * (n - 1) / 2
        n2 = sum(t * (t - 1) / 2 for t in ties)
        check(close(tau * math.sqrt(n0 * (n0 - n2)), s, 1e-9), "S from kendalltau")
        check(close(p_nocc, 2 * stats.norm.sf(abs(s) / math.sqrt(var)), 1e-9), "variance via kendalltau p")
        extra["kendalltau"] = {"tau_b": fnum(tau), "p_without_continuity": fnum(p_nocc)}
    if var > 0:
        z = 0.0 if s == 0 else math.copysign(abs(s) - 1, s) / math.sqrt(var)
        p = fnum(2 * stats.norm.sf(abs(z)))
        out.update(z=z, p=p)
        if n >= 5 and p < 0.05 and s != 0:
            out["trend"] = "up" if s > 0 else "down"
    if n >= 3:
        extra["leastSquaresSlopePerMeasurement"] = fnum(np.polyfit(order, v, 1)[0])
    return out, extra


# --------------------------------------------------------------------------------------------------

NORMAL_X = [0.0, 1e-10, 0.1, -0.1, 0.3, 0.46875 * math.sqrt(2), 0.5, 1.0, -1.0, 1.5, 1.959963984540054, 2.0,
            -2.0, 2.5, 3.0, -3.0, 4.0, 4.0 * math.sqrt(2), 5.0, 6.0, -6.0, 7.5, 8.0, 10.0, -10.0, 12.0, 15.0, 20.0,
            25.0, 30.0, 35.0, 37.0]

RCI = [
    # sd, reliability, higherIsBetter, before, after
    (8.0, 0.85, True, 30.0, 45.0),
    (8.0, 0.85, True, 30.0, 35.0),
    (8.0, 0.85, True, 45.0, 30.0),
    (8.0, 0.85, False, 30.0, 45.0),  # e.g. Repressie: an increase is deterioration
    (8.0, 0.85, False, 45.0, 30.0),
    (0.62, 0.78, True, 3.1, 3.9),
    (0.62, 0.78, True, 3.1, 3.1),
    (5.0, 0.0, True, 10.0, 20.0),
    (12.3, 0.9, False, 52.0, 40.5),
]

GROUPS = [
    [3.2, 4.1, 2.8, 3.9, 3.5],
    [1, 2, 3, 4],
    [0, 0, 0, 5, 11, 2, 1, 0, 3, 7, 1, 0],  # skewed, like RIS-L signal counts
    [2.5, 2.5],
    [4.4, 3.1, 3.9, 4.8, 2.2, 3.3, 3.6, 4.0, 2.9],
]


def main():
    series = []
    for name, points in SERIES:
        expected, extra = describe(points)
        series.append({"name": name, "points": points, "expected": expected, "scipyExtra": extra})

    # Normal tails: 50-digit mpmath is the truth. SciPy's ndtr goes through erfc(x/sqrt(2)) and is only
    # ~1e-13 relative in the far tail (x >= 15), so it is checked with 1e-12 there, R's pnorm with 1e-14.
    normal = []
    for x in NORMAL_X:
        cdf, sf = float(mpmath.ncdf(x)), float(mpmath.ncdf(-x))
        check(close_rel(cdf, stats.norm.cdf(x), 1e-12) and close_rel(sf, stats.norm.sf(x), 1e-12), f"scipy norm at {x}")
        normal.append({"x": x, "cdf": cdf, "sf": sf})

    rci = []
    for sd, r, hib, before, after in RCI:
        se = sd * math.sqrt(1 - r)
        sdiff = math.sqrt(2 * se ** 2)
        value = (after - before) / sdiff
        change = None
        if abs(value) > 1.96:
            change = "improved" if (value > 0) == hib else "deteriorated"
        rci.append({"before": before, "after": after, "norm": {"sd": sd, "reliability": r, "higherIsBetter": hib},
                    "expected": {"se": se, "sdiff": sdiff, "rci": value, "change": change}})

    groups = []
    for g in GROUPS:
        a = np.array(g, dtype=float)
        groups.append({"scores": g, "mean": fnum(a.mean()), "sd": fnum(a.std(ddof=1)),
                       "p25": fnum(np.percentile(a, 25)), "p75": fnum(np.percentile(a, 75))})

    out = {
        "generatedBy": {
            "script": "test/analysis/reference/generate.py",
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "mpmath": mpmath.__version__,
        },
        "normal": normal,
        "series": series,
        "rci": rci,
        "groups": groups,
    }
    cross_check_with_r(out)
    with open(os.path.join(HERE, "vectors.json"), "w") as f:
        json.dump(out, f, indent=1, allow_nan=False)
        f.write("\n")
    print(f"wrote vectors.json: {len(series)} series, {len(normal)} normal, {len(rci)} rci, {len(groups)} groups")


def cross_check_with_r(out):
    rscript = shutil.which("Rscript")
    if rscript is None:
        out["generatedBy"]["R"] = None
        print("Rscript not found: skipping the R cross-check", file=sys.stderr)
        return
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as tmp:
        json.dump(out, tmp)
    try:
        raw = subprocess.run([rscript, os.path.join(HERE, "generate.R"), tmp.name],
                             check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(tmp.name)
    r = json.loads(raw)
    out["generatedBy"]["R"] = r["version"]

    for case, rc in zip(out["series"], r["series"]):
        e = case["expected"]
        for key in ("slopePerMeasurement", "slopePerDay"):
            check(close(e[key], fnum(rc[key])), f"R {key} [{case['name']}]")
        if e["z"] is not None and len([p for p in case["points"] if p["value"] is not None]) >= 3:
            check(close(e["z"], fnum(rc["z"])), f"R cor.test z [{case['name']}]")
            check(close_rel(e["p"], fnum(rc["p"]), 1e-12), f"R cor.test p [{case['name']}]")
        case["r"] = {"z": fnum(rc["z"]), "p": fnum(rc["p"])}
    for row, rc in zip(out["normal"], r["normal"]):
        check(close_rel(row["cdf"], fnum(rc["cdf"]), 1e-14) and close_rel(row["sf"], fnum(rc["sf"]), 1e-14), f"R pnorm at {row['x']}")
    for g, rc in zip(out["groups"], r["groups"]):
        for key in ("mean", "sd", "p25", "p75"):
            check(close(g[key], fnum(rc[key])), f"R {key} of {g['scores']}")


if __name__ == "__main__":
    main()
