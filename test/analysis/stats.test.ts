// Correctness of the pure statistics against reference vectors computed by SciPy and cross-checked by
// R and plain Python (see test/analysis/reference/README.md), plus edge cases and property tests.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  describeSeries,
  median,
  normalCdf,
  normalSf,
  reliableChange,
  type SeriesDescription,
  type SeriesPoint,
} from "../../worker/analysis/stats";
import vectors from "./reference/vectors.json";

const TOL = 1e-9;

/** |a − b| ≤ 1e-9 · max(1, |a|, |b|); nulls must match exactly. */
function expectClose(actual: number | null | undefined, expected: number | null | undefined, what: string) {
  if (expected === null || expected === undefined) {
    expect(actual, what).toBeNull();
    return;
  }
  expect(actual, what).not.toBeNull();
  const a = actual as number;
  expect(Number.isFinite(a), `${what} finite`).toBe(true);
  const scale = Math.max(1, Math.abs(a), Math.abs(expected));
  expect(Math.abs(a - expected), `${what}: got ${a}, expected ${expected}`).toBeLessThanOrEqual(TOL * scale);
}

/** Relative comparison for tail probabilities, where an absolute 1e-9 would hide everything below it. */
function expectRelClose(actual: number, expected: number, what: string) {
  if (expected === 0) return expect(actual, what).toBe(0);
  expect(
    Math.abs(actual - expected) / Math.abs(expected),
    `${what}: got ${actual}, expected ${expected}`,
  ).toBeLessThanOrEqual(TOL);
}

const NUMERIC_KEYS = [
  "n",
  "mean",
  "min",
  "max",
  "slopePerMeasurement",
  "slopePerDay",
  "kendallS",
  "varianceS",
  "z",
  "p",
] as const;

type SeriesVector = (typeof vectors.series)[number];

describe("reference vectors: provenance", () => {
  it("records the tools and versions that produced them", () => {
    expect(vectors.generatedBy.script).toBe("test/analysis/reference/generate.py");
    expect(vectors.generatedBy.scipy).toMatch(/^\d+\.\d+/);
    expect(vectors.generatedBy.R).toMatch(/^R version 4/);
  });

  it("covers every edge case the issue asks for", () => {
    const names = vectors.series.map((s) => s.name).join("\n");
    const ns = new Set(vectors.series.map((s) => s.expected.n));
    for (const n of [0, 1, 2, 3, 4, 5]) expect(ns.has(n), `n = ${n}`).toBe(true);
    for (const word of ["ties", "constant", "outlier", "irregular", "same-day", "null", "0 and 10"])
      expect(names).toContain(word);
  });

  it("has an outlier case where least squares and Theil-Sen disagree in sign", () => {
    const c = vectors.series.find((s) => s.name.startsWith("outlier"))!;
    const ls = (c.scipyExtra as { leastSquaresSlopePerMeasurement?: number }).leastSquaresSlopePerMeasurement!;
    expect(Math.sign(ls)).toBe(-1);
    expect(Math.sign(c.expected.slopePerMeasurement!)).toBe(1);
    expect(Math.sign(describeSeries(c.points as SeriesPoint[]).slopePerMeasurement!)).toBe(1);
  });
});

describe("describeSeries agrees with SciPy to 1e-9", () => {
  it.each(vectors.series.map((s) => [s.name, s] as [string, SeriesVector]))("%s", (_name, c) => {
    const got = describeSeries(c.points as SeriesPoint[]);
    for (const key of NUMERIC_KEYS) {
      if (key === "p" && c.expected.p !== null && c.expected.p < 1e-9) expectRelClose(got.p!, c.expected.p, "p");
      else expectClose(got[key], c.expected[key as keyof typeof c.expected] as number | null, key);
    }
    expect(got.trend).toBe(c.expected.trend);
  });

  it.each(vectors.series.filter((s) => s.r.z !== null).map((s) => [s.name, s] as [string, SeriesVector]))(
    "%s: z and p agree with R cor.test(kendall, continuity = TRUE)",
    (_name, c) => {
      const got = describeSeries(c.points as SeriesPoint[]);
      expectClose(got.z, c.r.z, "z vs R");
      if (c.r.p! < 1e-9) expectRelClose(got.p!, c.r.p!, "p vs R");
      else expectClose(got.p, c.r.p, "p vs R");
    },
  );

  it.each(vectors.series.filter((s) => "kendalltau" in s.scipyExtra).map((s) => [s.name, s] as [string, SeriesVector]))(
    "%s: S and its variance reproduce scipy.stats.kendalltau",
    (_name, c) => {
      const got = describeSeries(c.points as SeriesPoint[]);
      const kt = (c.scipyExtra as { kendalltau: { tau_b: number; p_without_continuity: number } }).kendalltau;
      // tau-b = S / sqrt(n0 (n0 − n2)) with x = 1..n untied; p without continuity = 2·sf(|S|/√var).
      const values = (c.points as SeriesPoint[]).filter((p) => p.value !== null).map((p) => p.value!);
      const n0 = (values.length * (values.length - 1)) / 2;
      const counts = new Map<number, number>();
      for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
      const n2 = [...counts.values()].reduce((a, t) => a + (t * (t - 1)) / 2, 0);
      expectClose(got.kendallS! / Math.sqrt(n0 * (n0 - n2)), kt.tau_b, "tau_b");
      expectRelClose(
        2 * normalSf(Math.abs(got.kendallS!) / Math.sqrt(got.varianceS!)),
        kt.p_without_continuity,
        "p without continuity",
      );
    },
  );
});

describe("normal distribution agrees with mpmath (50 digits) and R pnorm", () => {
  it.each(vectors.normal.map((r) => [r.x, r] as [number, (typeof vectors.normal)[number]]))("x = %s", (_x, row) => {
    expectClose(normalCdf(row.x), row.cdf, "cdf");
    expectClose(normalSf(row.x), row.sf, "sf");
    // The tails are where p-values live: they must be right in relative terms too.
    expectRelClose(normalSf(row.x), row.sf, "sf relative");
    expectRelClose(normalCdf(row.x), row.cdf, "cdf relative");
  });

  it("is symmetric and monotone", () => {
    fc.assert(
      fc.property(fc.double({ min: -40, max: 40, noNaN: true }), fc.double({ min: 0, max: 5, noNaN: true }), (x, d) => {
        expect(Math.abs(normalCdf(x) + normalSf(x) - 1)).toBeLessThan(1e-15);
        expect(normalCdf(x + d)).toBeGreaterThanOrEqual(normalCdf(x));
      }),
    );
  });

  it("returns NaN only for NaN input", () => {
    expect(normalSf(Number.NaN)).toBeNaN();
    expect(normalSf(Infinity)).toBe(0);
    expect(normalSf(-Infinity)).toBe(1);
  });
});

describe("describeSeries edge cases", () => {
  const pts = (values: (number | null)[], days?: number[]) =>
    values.map((value, i) => ({ day: days?.[i] ?? 14 * i, value }));

  it("n = 0: S and its variance are empty sums (0), everything else but n is null", () => {
    expect(describeSeries([])).toEqual({
      n: 0,
      mean: null,
      min: null,
      max: null,
      slopePerMeasurement: null,
      slopePerDay: null,
      kendallS: 0,
      varianceS: 0,
      z: null,
      p: null,
      trend: null,
    });
    expect(describeSeries(pts([null, null])).n).toBe(0);
  });

  it("n = 1 has descriptives but no slope or test", () => {
    const d = describeSeries(pts([null, 7]));
    expect(d).toEqual({
      n: 1,
      mean: 7,
      min: 7,
      max: 7,
      slopePerMeasurement: null,
      slopePerDay: null,
      kendallS: 0,
      varianceS: 0,
      z: null,
      p: null,
      trend: null,
    });
  });

  it("a constant series has slope 0, S 0, no variance, no p and no trend", () => {
    const d = describeSeries(pts([6, 6, 6, 6, 6, 6, 6]));
    expect(d).toMatchObject({
      slopePerMeasurement: 0,
      slopePerDay: 0,
      kendallS: 0,
      varianceS: 0,
      z: null,
      p: null,
      trend: null,
    });
  });

  it("n = 4 monotone is never flagged, n = 5 monotone is", () => {
    expect(describeSeries(pts([1, 2, 3, 4])).trend).toBeNull();
    expect(describeSeries(pts([1, 2, 3, 4, 5])).trend).toBe("up");
    expect(describeSeries(pts([5, 4, 3, 2, 1])).trend).toBe("down");
  });

  it("all points on one day: a measurement slope, no slope per day", () => {
    const d = describeSeries(pts([3, 5, 7], [4, 4, 4]));
    expect(d.slopePerMeasurement).toBe(2);
    expect(d.slopePerDay).toBeNull();
  });

  it("values at the ends of the scale, 0 and 10, are kept (0 is an answer, not missing)", () => {
    const d = describeSeries(pts([0, 10, 0, 10, 0]));
    expect(d).toMatchObject({ n: 5, min: 0, max: 10, mean: 4 });
  });

  it("drops non-finite values and days instead of propagating NaN", () => {
    const d = describeSeries([
      { day: 0, value: Number.NaN },
      { day: Number.NaN, value: 3 },
      { day: 1, value: Infinity },
      { day: 2, value: 5 },
      { day: 3, value: 6 },
    ]);
    expect(d.n).toBe(2);
    expect(d.slopePerDay).toBe(1);
  });

  it("keeps the mean finite when the values sum past the largest double", () => {
    const M = Number.MAX_VALUE;
    expect(
      describeSeries([
        { day: 0, value: M },
        { day: 0, value: M },
        { day: 0, value: M },
      ]).mean,
    ).toBe(M);
    expect(
      describeSeries([
        { day: 0, value: -M },
        { day: 1, value: -M },
      ]).mean,
    ).toBe(-M);
  });

  it("the median of an even count is the mean of the two middle values", () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
  });
});

// ---------------------------------------------------------------------------------------------------
// Property tests. Values are drawn from the 0–10 slider scale at a resolution of 0.01 and days from a
// year, so sums stay exactly representable enough that invariances hold up to rounding.

const value = fc.integer({ min: 0, max: 1000 }).map((v) => v / 100);
const point = fc.record({ day: fc.integer({ min: 0, max: 400 }), value: fc.option(value, { nil: null, freq: 6 }) });
const series = fc.array(point, { minLength: 0, maxLength: 30 });
/** Distinct days, so the input order cannot matter even for same-day ordering. */
const distinctDaySeries = fc.uniqueArray(point, { selector: (p) => p.day, minLength: 0, maxLength: 30 });

function expectSameNumber(a: number | null, b: number | null, tol = 1e-9) {
  if (a === null || b === null) return expect(a).toBe(b);
  expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(a), Math.abs(b)));
}

function allFiniteOrNull(d: SeriesDescription) {
  for (const [k, v] of Object.entries(d)) {
    if (typeof v === "number") expect(Number.isFinite(v), k).toBe(true);
  }
}

describe("describeSeries properties (fast-check)", () => {
  it("the slopes are unchanged when a constant is added to every value", () => {
    fc.assert(
      fc.property(
        series,
        fc.integer({ min: -1000, max: 1000 }).map((c) => c / 100),
        (pts, c) => {
          const a = describeSeries(pts);
          const b = describeSeries(pts.map((p) => ({ day: p.day, value: p.value === null ? null : p.value + c })));
          expectSameNumber(b.slopePerMeasurement, a.slopePerMeasurement);
          expectSameNumber(b.slopePerDay, a.slopePerDay);
          // S, and so p and trend, only compare values; adding a constant can only change ties through
          // rounding, which the 0.01 grid avoids.
          expect(b.kendallS).toBe(a.kendallS);
          expect(b.trend).toBe(a.trend);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("negating the values flips the sign of the slopes, S and the trend", () => {
    fc.assert(
      fc.property(series, (pts) => {
        const a = describeSeries(pts);
        const b = describeSeries(pts.map((p) => ({ day: p.day, value: p.value === null ? null : -p.value })));
        expectSameNumber(b.slopePerMeasurement, a.slopePerMeasurement === null ? null : -a.slopePerMeasurement);
        expectSameNumber(b.slopePerDay, a.slopePerDay === null ? null : -a.slopePerDay);
        expect(b.kendallS).toBe(-a.kendallS! || 0);
        expectSameNumber(b.p, a.p);
        expect(b.trend).toBe(a.trend === null ? null : a.trend === "up" ? "down" : "up");
      }),
      { numRuns: 300 },
    );
  });

  it("ignores the input order", () => {
    fc.assert(
      fc.property(
        distinctDaySeries.chain((pts) =>
          fc.tuple(fc.constant(pts), fc.shuffledSubarray(pts, { minLength: pts.length, maxLength: pts.length })),
        ),
        ([pts, shuffled]) => {
          expect(describeSeries(shuffled)).toEqual(describeSeries(pts));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("fewer than 5 measurements never flag a trend", () => {
    fc.assert(
      fc.property(
        fc.array(point, { maxLength: 12 }).filter((pts) => pts.filter((p) => p.value !== null).length < 5),
        (pts) => {
          expect(describeSeries(pts).trend).toBeNull();
        },
      ),
      { numRuns: 500 },
    );
    // The most extreme short series is still not flagged.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4 }), (n) => {
        expect(describeSeries(Array.from({ length: n }, (_, i) => ({ day: i, value: i }))).trend).toBeNull();
      }),
    );
  });

  it("never returns NaN or Infinity, also for extreme or non-finite input", () => {
    const wild = fc.record({
      day: fc.oneof(fc.integer({ min: -1e6, max: 1e6 }), fc.double()),
      value: fc.oneof(
        fc.constant(null),
        fc.double(),
        fc.constantFrom(1e308, -1e308, Number.MAX_VALUE, Number.MIN_VALUE, 0, -0),
      ),
    });
    fc.assert(
      fc.property(fc.array(wild, { maxLength: 25 }), (pts) => void allFiniteOrNull(describeSeries(pts))),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(series, (pts) => void allFiniteOrNull(describeSeries(pts))),
      { numRuns: 500 },
    );
  });

  it("mean, min and max bound each other and the trend agrees with the sign of S and p < .05", () => {
    fc.assert(
      fc.property(series, (pts) => {
        const d = describeSeries(pts);
        if (d.n === 0) return;
        expect(d.min!).toBeLessThanOrEqual(d.mean! + 1e-12);
        expect(d.mean!).toBeLessThanOrEqual(d.max! + 1e-12);
        if (d.trend !== null) {
          expect(d.n).toBeGreaterThanOrEqual(5);
          expect(d.p!).toBeLessThan(0.05);
          expect(Math.sign(d.kendallS!)).toBe(d.trend === "up" ? 1 : -1);
        }
      }),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------

describe("reliableChange (Jacobson & Truax)", () => {
  it.each(vectors.rci.map((r, i) => [i, r] as [number, (typeof vectors.rci)[number]]))("reference %s", (_i, row) => {
    const got = reliableChange(row.before, row.after, row.norm);
    expectClose(got.se, row.expected.se, "se");
    expectClose(got.sdiff, row.expected.sdiff, "sdiff");
    expectClose(got.rci, row.expected.rci, "rci");
    expect(got.change).toBe(row.expected.change);
  });

  it("is direction-aware: for Repressie an increase is deterioration", () => {
    expect(reliableChange(2, 4, { sd: 0.5, reliability: 0.8, higherIsBetter: false }).change).toBe("deteriorated");
    expect(reliableChange(4, 2, { sd: 0.5, reliability: 0.8, higherIsBetter: false }).change).toBe("improved");
    expect(reliableChange(2, 4, { sd: 0.5, reliability: 0.8, higherIsBetter: true }).change).toBe("improved");
  });

  it("needs |RCI| strictly greater than 1.96", () => {
    // sd 1, r 0.5 → SE = √0.5, Sdiff = 1, so RCI equals the raw difference exactly.
    const norm = { sd: 1, reliability: 0.5, higherIsBetter: true };
    expect(reliableChange(0, 1.96, norm).rci).toBe(1.96);
    expect(reliableChange(0, 1.96, norm).change).toBeNull();
    expect(reliableChange(0, -1.96, norm).change).toBeNull();
    expect(reliableChange(0, 1.9600001, norm).change).toBe("improved");
    expect(reliableChange(0, -1.9600001, norm).change).toBe("deteriorated");
    expect(reliableChange(3, 3, norm)).toMatchObject({ rci: 0, change: null });
  });

  it("throws a clear error for impossible norms and missing scores", () => {
    const ok = { sd: 1, reliability: 0.8, higherIsBetter: true };
    expect(() => reliableChange(1, 2, { ...ok, reliability: 1 })).toThrow(/reliability/);
    expect(() => reliableChange(1, 2, { ...ok, reliability: 1.2 })).toThrow(/reliability/);
    expect(() => reliableChange(1, 2, { ...ok, reliability: -0.01 })).toThrow(/reliability/);
    expect(() => reliableChange(1, 2, { ...ok, reliability: Number.NaN })).toThrow(/reliability/);
    expect(() => reliableChange(1, 2, { ...ok, sd: 0 })).toThrow(/SD/);
    expect(() => reliableChange(1, 2, { ...ok, sd: -1 })).toThrow(/SD/);
    expect(() => reliableChange(1, 2, { ...ok, sd: Infinity })).toThrow(/SD/);
    expect(() => reliableChange(null, 2, ok)).toThrow(/scores/);
    expect(() => reliableChange(1, null, ok)).toThrow(/scores/);
    expect(() => reliableChange(Number.NaN, 2, ok)).toThrow(/scores/);
    // r = 0 is possible (SE = SD), just not useful.
    expect(reliableChange(1, 2, { ...ok, reliability: 0 }).se).toBe(1);
  });

  it("RCI is antisymmetric and scales with the difference", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 10, noNaN: true }),
        fc.double({ min: 0.01, max: 20, noNaN: true }),
        fc.double({ min: 0, max: 0.99, noNaN: true }),
        (a, b, sd, r) => {
          const x = reliableChange(a, b, { sd, reliability: r, higherIsBetter: true });
          const y = reliableChange(b, a, { sd, reliability: r, higherIsBetter: true });
          expect(Math.abs(x.rci + y.rci)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(x.rci)));
          expect(Number.isFinite(x.rci)).toBe(true);
          if (x.change === "improved") expect(y.change).toBe("deteriorated");
        },
      ),
    );
  });
});

describe("Theil-Sen median by selection", () => {
  it("equals the median of the sorted pairwise slopes, for any input", () => {
    const sortedMedian = (xs: number[], ys: number[]) => {
      const slopes: number[] = [];
      for (let i = 0; i < xs.length; i++)
        for (let j = i + 1; j < xs.length; j++)
          if (xs[j]! !== xs[i]!) slopes.push((ys[j]! - ys[i]!) / (xs[j]! - xs[i]!));
      return median(slopes);
    };
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ day: fc.integer({ min: 0, max: 60 }), value: fc.integer({ min: 0, max: 20 }).map((v) => v / 2) }),
          { maxLength: 40 },
        ),
        (pts) => {
          const sorted = [...pts].map((p, i) => ({ ...p, i })).sort((a, b) => a.day - b.day || a.i - b.i);
          const d = describeSeries(pts);
          expect(d.slopePerDay).toBe(
            sortedMedian(
              sorted.map((p) => p.day),
              sorted.map((p) => p.value),
            ),
          );
          expect(d.slopePerMeasurement).toBe(
            sortedMedian(
              sorted.map((_, i) => i + 1),
              sorted.map((p) => p.value),
            ),
          );
        },
      ),
      { numRuns: 2000 },
    );
  });
});
