// One computation of a youth's trend chart (issue 16 item 7): the workspace youth page, the coordinator pages
// and the HTML report all draw web/components/TrendPlot.tsx from what this returns. Pure: numbers in, numbers
// out; the statistics are stats.ts's own (Theil-Sen, reliable change) and the bands are bands.ts's.
import { FIXED_CUTOFFS, bandFixed, type Band } from "./bands";
import { MIN_MEASUREMENTS_FOR_TREND, describeSeries, median, reliableChange, type Trend } from "./stats";

export type ChartPoint = { day: number; value: number };

export type ChartInput = {
  /** what the chart shows, when the caller has no label of its own (wave scales) */
  label?: { nl: string; en: string };
  /** the youth's measurements of one indicator: day since her pilot start (pilot's zone) and score */
  points: readonly ChartPoint[];
  /** the fixed y axis, so charts of different youths compare at a glance (default 0–10) */
  scale?: { min: number; max: number };
  /** band cut-offs as in bandFixed (≥ high, ≤ low); null draws no bands (default the fixed 7/5) */
  cutoffs?: { high: number; low: number } | null;
  /** the recompute's stored Theil-Sen slope per day and trend when known; otherwise computed here */
  stored?: { slopePerDay: number | null; trend: Trend | null };
  /** wave scores of the same scale, with the norm for the reliable change index between answered waves */
  waves?: readonly { wave: string; day: number; value: number | null }[];
  norm?: { sd: number; reliability: number; higherIsBetter: boolean } | null;
};

export type ChartWave = {
  wave: string;
  day: number;
  value: number;
  band: Band | null;
  rci: number | null;
  change: "improved" | "deteriorated" | null;
};

export type ChartData = {
  label?: { nl: string; en: string };
  scale: { min: number; max: number };
  /** the x axis: from day 0 (or the first day if earlier) to the last day, at least one day wide */
  days: { from: number; to: number };
  /** in day order, each with its band */
  points: (ChartPoint & { band: Band | null })[];
  bands: { high: number; low: number } | null;
  /** Theil-Sen line over the observed days, only from MIN_MEASUREMENTS_FOR_TREND points on, clamped to the scale */
  line: { from: ChartPoint; to: ChartPoint } | null;
  slopePerDay: number | null;
  trend: Trend | null;
  /** answered waves in order; rci/change against the previous answered wave (null for the first) */
  waves: ChartWave[];
};

const finite = (v: number | null | undefined): v is number => typeof v === "number" && Number.isFinite(v);

export function trendChart(input: ChartInput): ChartData {
  const scale = input.scale ?? { min: 0, max: 10 };
  const cutoffs = input.cutoffs === undefined ? FIXED_CUTOFFS : input.cutoffs;
  const band = (v: number) => (cutoffs ? bandFixed(v, cutoffs) : null);
  const points = input.points
    .filter((p) => finite(p.day) && finite(p.value))
    .map((p, i) => ({ p, i }))
    .sort((a, b) => a.p.day - b.p.day || a.i - b.i)
    .map(({ p }) => ({ day: p.day, value: p.value, band: band(p.value) }));

  let slopePerDay: number | null = null;
  let trend: Trend | null = null;
  if (points.length >= MIN_MEASUREMENTS_FOR_TREND) {
    if (input.stored) ({ slopePerDay, trend } = input.stored);
    else ({ slopePerDay, trend } = describeSeries(points));
  }
  let line: ChartData["line"] = null;
  if (finite(slopePerDay) && points.length >= MIN_MEASUREMENTS_FOR_TREND) {
    // Theil-Sen intercept: the median of y − slope·x (Sen 1968), drawn over the observed days.
    const b = median(points.map((p) => p.value - slopePerDay! * p.day))!;
    const clamp = (v: number) => Math.max(scale.min, Math.min(scale.max, v));
    const d0 = points[0]!.day;
    const d1 = points[points.length - 1]!.day;
    line = {
      from: { day: d0, value: clamp(b + slopePerDay * d0) },
      to: { day: d1, value: clamp(b + slopePerDay * d1) },
    };
  }

  const waves: ChartWave[] = [];
  for (const w of input.waves ?? []) {
    if (!finite(w.value) || !finite(w.day)) continue;
    const prev = waves[waves.length - 1];
    let rci: number | null = null;
    let change: ChartWave["change"] = null;
    if (prev && input.norm) {
      try {
        const r = reliableChange(prev.value, w.value, input.norm);
        ({ rci, change } = r);
      } catch {
        // A bad norm (SD ≤ 0, reliability outside [0, 1)) marks nothing; the report's warnings name it.
      }
    }
    waves.push({ wave: w.wave, day: w.day, value: w.value, band: band(w.value), rci, change });
  }

  const allDays = [...points.map((p) => p.day), ...waves.map((w) => w.day)];
  const from = Math.min(0, ...allDays);
  const to = Math.max(from + 1, ...allDays);
  return {
    ...(input.label ? { label: input.label } : {}),
    scale,
    days: { from, to },
    points,
    bands: cutoffs ? { ...cutoffs } : null,
    line,
    slopePerDay,
    trend,
    waves,
  };
}
