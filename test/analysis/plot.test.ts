// The one trend-chart computation (worker/analysis/plot.ts, issue 16 item 7): points in day order with their
// band, the Theil-Sen line only from five measurements on, the band cut-offs, reliable-change marks on waves.
import { describe, expect, it } from "vitest";
import { trendChart } from "../../worker/analysis/plot";
import { describeSeries, reliableChange } from "../../worker/analysis/stats";

const series = (values: number[], step = 7) => values.map((value, i) => ({ day: i * step, value }));

describe("trendChart", () => {
  it("an empty series: no points, no line, the fixed scale and bands, a one-day axis", () => {
    const c = trendChart({ points: [] });
    expect(c).toEqual({
      scale: { min: 0, max: 10 },
      days: { from: 0, to: 1 },
      points: [],
      bands: { high: 7, low: 5 },
      line: null,
      slopePerDay: null,
      trend: null,
      waves: [],
    });
  });

  it("a single point: banded, no line; non-finite values are left out", () => {
    const c = trendChart({
      points: [
        { day: 3, value: 7 },
        { day: 4, value: NaN },
      ],
    });
    expect(c.points).toEqual([{ day: 3, value: 7, band: "high" }]);
    expect(c.line).toBeNull();
    expect(c.days).toEqual({ from: 0, to: 3 });
  });

  it("sorts by day (stable for same-day points) and bands each point with the fixed cut-offs (≥ 7, ≤ 5)", () => {
    const c = trendChart({
      points: [
        { day: 14, value: 5 },
        { day: 0, value: 7 },
        { day: 7, value: 6 },
        { day: 7, value: 5.01 },
      ],
    });
    expect(c.points).toEqual([
      { day: 0, value: 7, band: "high" },
      { day: 7, value: 6, band: "middle" },
      { day: 7, value: 5.01, band: "middle" },
      { day: 14, value: 5, band: "low" },
    ]);
  });

  it("draws no Theil-Sen line below five measurements, even with a slope", () => {
    const c = trendChart({ points: series([2, 4, 6, 8]), stored: { slopePerDay: 2 / 7, trend: "up" } });
    expect(c.line).toBeNull();
    expect(c.slopePerDay).toBeNull();
    expect(c.trend).toBeNull();
  });

  it(
    "from five measurements the line runs over the observed " + "days with stats.ts's slope and the median intercept",
    () => {
      const pts = series([2, 3, 5, 4, 6, 7]);
      const c = trendChart({ points: pts });
      const d = describeSeries(pts);
      expect(c.slopePerDay).toBe(d.slopePerDay);
      expect(c.trend).toBe(d.trend);
      // intercept = median(y − slope·x): slope 1/7 per day → residuals 2, 2, 3, 1, 2, 2 → median 2
      expect(c.slopePerDay).toBeCloseTo(1 / 7, 12);
      expect(c.line!.from.day).toBe(0);
      expect(c.line!.from.value).toBeCloseTo(2, 12);
      expect(c.line!.to.day).toBe(35);
      expect(c.line!.to.value).toBeCloseTo(7, 12);
    },
  );

  it("uses the recompute's stored slope and trend when given, and clamps the line to the scale", () => {
    const c = trendChart({ points: series([9, 9.5, 10, 10, 10]), stored: { slopePerDay: 1, trend: "up" } });
    expect(c.slopePerDay).toBe(1);
    expect(c.trend).toBe("up");
    expect(c.line!.to.value).toBe(10);
  });

  it("takes another scale and cut-offs, or none", () => {
    const c = trendChart({ points: [{ day: 0, value: 40 }], scale: { min: 10, max: 70 }, cutoffs: null });
    expect(c.bands).toBeNull();
    expect(c.points[0]!.band).toBeNull();
    expect(c.scale).toEqual({ min: 10, max: 70 });
  });

  it("marks reliable change between answered waves with stats.ts's reliableChange, skipping a missing wave", () => {
    const norm = { sd: 1, reliability: 0.8, higherIsBetter: true };
    const c = trendChart({
      points: [],
      waves: [
        { wave: "T1", day: 0, value: 3 },
        { wave: "T2", day: 90, value: null },
        { wave: "T3", day: 180, value: 6 },
      ],
      norm,
    });
    expect(c.waves.map((w) => w.wave)).toEqual(["T1", "T3"]);
    expect(c.waves[0]).toMatchObject({ rci: null, change: null });
    const r = reliableChange(3, 6, norm);
    expect(c.waves[1]).toMatchObject({ day: 180, value: 6, rci: r.rci, change: "improved" });
    expect(c.days).toEqual({ from: 0, to: 180 });
    // lower is better: the same rise is a reliable deterioration; a small step is no reliable change
    const worse = trendChart({
      points: [],
      waves: [
        { wave: "T1", day: 0, value: 3 },
        { wave: "T2", day: 90, value: 6 },
        { wave: "T3", day: 180, value: 6.5 },
      ],
      norm: { ...norm, higherIsBetter: false },
    });
    expect(worse.waves.map((w) => w.change)).toEqual([null, "deteriorated", null]);
  });

  it("marks nothing without a norm or with a bad one", () => {
    const waves = [
      { wave: "T1", day: 0, value: 1 },
      { wave: "T2", day: 90, value: 9 },
    ];
    expect(trendChart({ points: [], waves }).waves.map((w) => w.change)).toEqual([null, null]);
    expect(
      trendChart({ points: [], waves, norm: { sd: 0, reliability: 0.8, higherIsBetter: true } }).waves.map(
        (w) => w.rci,
      ),
    ).toEqual([null, null]);
  });
});
