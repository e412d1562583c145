// Staff signals (issue 15): pure rules over one youth's measurements. No runtime imports (only the pure
// statistics of worker/analysis) and `now` as a parameter, so every edge is testable on synthetic
// trajectories (test/signals/rules.test.ts). What each rule means exactly: worker/signals/README.md.
import type { SignalRule } from "../../schema/tables";
import { bandFixed } from "../analysis/bands";
import {
  describeSeries,
  median,
  reliableChange,
  ALPHA,
  MIN_MEASUREMENTS_FOR_TREND,
  RCI_CRITICAL,
} from "../analysis/stats";
import { readStoredSettings } from "../../core/stored-settings";
import { DAY_MS } from "../../core/time";

/** A pilot's rule settings (worker/studies/settings.ts `signals`), flat so that the staff form maps 1:1. */
export type SignalRules = {
  trendDown: boolean;
  lowTwice: boolean;
  /** how many latest measurements in a row must lie in the low band */
  lowCount: number;
  dropVsMedian: boolean;
  /** the drop, in scale points, of the latest value below the median of her earlier values */
  dropPoints: number;
  /** earlier values the median needs */
  dropMinEarlier: number;
  reliableDeterioration: boolean;
  missedInRow: boolean;
  /** closed frequent occasions missed in a row */
  missedCount: number;
  /** the discreet digest mail to the pilot's researchers when new signals appear (off by default) */
  mail: boolean;
};

export const DEFAULT_SIGNAL_RULES: SignalRules = {
  trendDown: true,
  lowTwice: true,
  lowCount: 2,
  dropVsMedian: true,
  dropPoints: 3,
  dropMinEarlier: 4,
  reliableDeterioration: true,
  missedInRow: true,
  missedCount: 3,
  mail: false,
};

/** A pilot's signal rules: its stored ones (pilots.settings.signals) over the defaults. */
export function signalRulesOf(p: { settings: unknown }): SignalRules {
  return { ...DEFAULT_SIGNAL_RULES, ...(readStoredSettings(p.settings).signals as Partial<SignalRules> | undefined) };
}

/** Bounds of the thresholds; the settings schema (worker/studies/validators.ts) refuses anything outside. */
export const SIGNAL_LIMITS = {
  lowCount: { min: 2, max: 10 },
  dropPoints: { min: 1, max: 10 },
  dropMinEarlier: { min: 2, max: 52 },
  missedCount: { min: 2, max: 26 },
} as const;

/** Indicators whose low band counts for `low_twice` (wellbeing and basic needs, issue 15). */
export const LOW_BAND_INDICATORS = ["welzijn", "basisbehoeften"] as const;

export type Measurement = { occasionId: number; at: number; value: number };
export type FrequentSeries = {
  indicator: string;
  higherIsBetter: boolean;
  aggregate: "mean" | "count_yes";
  points: Measurement[];
};
export type WaveScale = {
  /** `instrument.subscale`, e.g. `gcir.groei` */
  indicator: string;
  higherIsBetter: boolean;
  norm: { sd: number; reliability: number } | null;
  scores: { wave: "T1" | "T2" | "T3"; score: number }[];
};
/**
 * One scale of a wave instrument over all its measurements, interval (`wave` null) and T1/T2/T3 alike, each scored
 * as the recompute scores it (`series:<instrument>.<subscale>`, worker/analysis/recompute.ts computeWaveSeries).
 */
export type WaveSeries = {
  /** `instrument.subscale`, e.g. `tasc.totaal` */
  indicator: string;
  higherIsBetter: boolean;
  norm: { sd: number; reliability: number } | null;
  points: (Measurement & { wave: "T1" | "T2" | "T3" | null })[];
};
export type OccasionFact = {
  id: number;
  kind: "frequent" | "wave";
  seq: number;
  dueDate: string;
  closesAt: number;
  status: string;
};
export type YouthFacts = {
  frequent: FrequentSeries[];
  waves: WaveScale[];
  /** her wave instruments' scales with every measurement; only one with an interval measurement counts as a series */
  series: WaveSeries[];
  occasions: OccasionFact[];
};

export type Finding = { rule: SignalRule; indicator: string; evidenceKey: string; evidence: Record<string, unknown> };

const WAVE_ORDER = { T1: 1, T2: 2, T3: 3 } as const;

/** Every rule that holds for one youth at `now`. Measurements after `now` do not exist yet for the rules. */
export function evaluateRules(facts: YouthFacts, rules: SignalRules, now: number): Finding[] {
  const out: Finding[] = [];
  for (const s of facts.frequent) {
    if (s.aggregate !== "mean") continue;
    const points = measured(s.points, now);
    if (rules.trendDown) push(out, trendDown(s, points));
    if (rules.lowTwice && (LOW_BAND_INDICATORS as readonly string[]).includes(s.indicator))
      push(out, lowInARow(s, points, rules.lowCount));
    if (rules.dropVsMedian) push(out, dropVsMedian(s, points, rules.dropPoints, rules.dropMinEarlier));
  }
  // A scale asked at its own interval: her series replaces the T-wave comparison (the series holds the T waves).
  const intervalSeries = new Set<string>();
  for (const s of facts.series) {
    const points = measured(s.points, now);
    if (!points.some((p) => p.wave === null)) continue;
    intervalSeries.add(s.indicator);
    if (rules.trendDown) push(out, trendDown({ ...s, indicator: `series:${s.indicator}` }, points));
    if (rules.reliableDeterioration) push(out, seriesDeterioration(s, points));
  }
  if (rules.reliableDeterioration)
    for (const w of facts.waves) if (!intervalSeries.has(w.indicator)) push(out, reliableDeterioration(w));
  if (rules.missedInRow) push(out, missedInRow(facts.occasions, rules.missedCount, now));
  return out;
}

function push(out: Finding[], f: Finding | null) {
  if (f) out.push(f);
}

/** Her measurements up to `now` in answer order; later ones do not exist yet for the rules. */
function measured<P extends Measurement>(points: P[], now: number): P[] {
  return points
    .filter((p) => p.at <= now && Number.isFinite(p.value))
    .sort((a, b) => a.at - b.at || a.occasionId - b.occasionId);
}

const values = (points: Measurement[]) => points.map((p) => ({ occasionId: p.occasionId, at: p.at, value: p.value }));
const ids = (points: { occasionId: number }[]) => points.map((p) => p.occasionId).join(",");

/** A significant Mann-Kendall trend in the unfavourable direction (the report's `--`), n ≥ 5. */
export function trendDown(
  s: Pick<FrequentSeries, "indicator" | "higherIsBetter">,
  points: Measurement[],
): Finding | null {
  if (points.length < MIN_MEASUREMENTS_FOR_TREND) return null;
  // Mann-Kendall depends on the order only; answer times keep the recompute's order (worker/analysis/recompute.ts).
  const d = describeSeries(points.map((p) => ({ day: p.at / DAY_MS, value: p.value })));
  if (d.trend === null || (d.trend === "up") === s.higherIsBetter) return null;
  return {
    rule: "trend_down",
    indicator: s.indicator,
    evidenceKey: ids(points),
    evidence: {
      values: values(points),
      kendallS: d.kendallS,
      p: d.p,
      slopePerMeasurement: d.slopePerMeasurement,
      threshold: { alpha: ALPHA, minMeasurements: MIN_MEASUREMENTS_FOR_TREND },
    },
  };
}

/** Her `count` latest measurements of the indicator all in the low band (fixed cut-off: ≤ 5 is low). */
export function lowInARow(s: FrequentSeries, points: Measurement[], count: number): Finding | null {
  if (points.length < count) return null;
  const last = points.slice(-count);
  // For a scale where higher is worse, "low band" means the unfavourable end, as bands.ts orients it.
  const unfavourable = (v: number) => (s.higherIsBetter ? bandFixed(v) === "low" : bandFixed(v) === "high");
  if (!last.every((p) => unfavourable(p.value))) return null;
  return {
    rule: "low_twice",
    indicator: s.indicator,
    evidenceKey: ids(last),
    evidence: { values: values(last), threshold: { count, band: "low" } },
  };
}

/** The latest value at least `drop` points worse than the median of her earlier values (≥ minEarlier of them). */
export function dropVsMedian(
  s: FrequentSeries,
  points: Measurement[],
  drop: number,
  minEarlier: number,
): Finding | null {
  if (points.length < minEarlier + 1) return null;
  const latest = points[points.length - 1]!;
  const earlier = points.slice(0, -1);
  const m = median(earlier.map((p) => p.value))!;
  const worse = s.higherIsBetter ? m - latest.value : latest.value - m;
  // A tolerance for means of items (e.g. 4.666… against 7.666…): exactly at the threshold counts.
  if (worse < drop - 1e-9) return null;
  return {
    rule: "drop_vs_median",
    indicator: s.indicator,
    evidenceKey: `${latest.occasionId}|${ids(earlier)}`,
    evidence: {
      values: values([latest]),
      earlier: values(earlier),
      median: m,
      drop: worse,
      threshold: { points: drop, minEarlier },
    },
  };
}

/**
 * The latest wave against the previous answered one (T2 vs T1; T3 vs T2, or vs T1 when T2 is missing) with
 * the one RCI computation of worker/analysis/stats.ts; a scale without a norm (or a bad one) raises nothing.
 */
export function reliableDeterioration(w: WaveScale): Finding | null {
  if (!w.norm) return null;
  const scores = w.scores
    .filter((s) => Number.isFinite(s.score))
    .sort((a, b) => WAVE_ORDER[a.wave] - WAVE_ORDER[b.wave]);
  if (scores.length < 2) return null;
  const before = scores[scores.length - 2]!;
  const after = scores[scores.length - 1]!;
  return deterioration(w, before.score, after.score, `${before.wave}=${before.score}|${after.wave}=${after.score}`, {
    waves: [before, after],
  });
}

/**
 * A scale asked at its own interval: her latest measurement against the previous answered one (interval and T waves
 * alike, by answer time; `points` in answer order, up to now), with the same RCI and norm as the wave rule.
 */
export function seriesDeterioration(s: WaveSeries, points: WaveSeries["points"]): Finding | null {
  if (points.length < 2) return null;
  const [a, b] = points.slice(-2).map((p) => ({ occasionId: p.occasionId, at: p.at, wave: p.wave, value: p.value }));
  const key = `${a!.occasionId}=${a!.value}|${b!.occasionId}=${b!.value}`;
  return deterioration(s, a!.value, b!.value, key, { values: [a, b] });
}

/** The finding when `after` is reliably worse than `before` on the scale's norm; none without a (good) norm. */
function deterioration(
  scale: Pick<WaveScale, "indicator" | "higherIsBetter" | "norm">,
  before: number,
  after: number,
  evidenceKey: string,
  measurements: Record<string, unknown>,
): Finding | null {
  const norm = scale.norm;
  if (!norm) return null;
  let r: ReturnType<typeof reliableChange>;
  try {
    r = reliableChange(before, after, {
      sd: norm.sd,
      reliability: norm.reliability,
      higherIsBetter: scale.higherIsBetter,
    });
  } catch {
    return null;
  }
  if (r.change !== "deteriorated") return null;
  return {
    rule: "reliable_deterioration",
    indicator: scale.indicator,
    evidenceKey,
    evidence: {
      ...measurements,
      rci: r.rci,
      threshold: { critical: RCI_CRITICAL, sd: norm.sd, reliability: norm.reliability },
    },
  };
}

/** Her `count` latest closed frequent occasions (by due date) all missed; open and cancelled ones do not count. */
export function missedInRow(occasions: OccasionFact[], count: number, now: number): Finding | null {
  const closed = occasions
    .filter((o) => o.kind === "frequent" && o.closesAt <= now && (o.status === "missed" || o.status === "completed"))
    .sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.seq - b.seq);
  if (closed.length < count) return null;
  const last = closed.slice(-count);
  if (!last.every((o) => o.status === "missed")) return null;
  return {
    rule: "missed_in_row",
    indicator: "response",
    evidenceKey: last.map((o) => o.id).join(","),
    evidence: {
      occasions: last.map((o) => ({ occasionId: o.id, dueDate: o.dueDate, closesAt: o.closesAt })),
      threshold: { count },
    },
  };
}
