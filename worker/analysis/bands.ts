// Colour bands (DESIGN.md §3, report table 2.3). The band says where a score lies; the ++/-- flag from
// stats.ts says where it went.
//
// A band is the colour of the cell: "high" = green = favourable, "low" = pink = unfavourable. For scales
// where a higher raw score is worse (e.g. GCI-R Repressie, RIS-L risks) pass higherIsBetter = false: the
// band is then inverted, so a raw score far BELOW the mean gets "high" (green). We invert rather than
// keep raw magnitude because readers of the integral table read green as "good" across all columns;
// a "hoog (groen)" cell for a high Repressie score would read as good news.
//
// Boundaries follow the report: the fixed scale includes its cut-offs (≥ 7, ≤ 5); the SD and percentile
// bands exclude them (strictly above/below), so a score exactly at a cut-off is "middle".

export type Band = "high" | "middle" | "low";

export const BAND_LEGEND: Record<Band, { nl: string; en: string; colour: "green" | "yellow" | "pink" }> = {
  high: { nl: "hoog (groen)", en: "high (green)", colour: "green" },
  middle: { nl: "gemiddeld (geel)", en: "middle (yellow)", colour: "yellow" },
  low: { nl: "laag (roze)", en: "low (pink)", colour: "pink" },
};

type Score = number | null | undefined;

function isScore(score: Score): score is number {
  return typeof score === "number" && Number.isFinite(score);
}

function orient(raw: Band, higherIsBetter: boolean): Band {
  if (higherIsBetter || raw === "middle") return raw;
  return raw === "high" ? "low" : "high";
}

/** Strictly above `upper` → high, strictly below `lower` → low. */
function between(score: number, lower: number, upper: number, higherIsBetter: boolean): Band {
  return orient(score > upper ? "high" : score < lower ? "low" : "middle", higherIsBetter);
}

function finiteOnly(xs: readonly Score[]): number[] {
  return xs.filter(isScore);
}

/** Adapted ORS, basic needs and pilot items (0–10): ≥ 7 high, > 5 and < 7 middle, ≤ 5 low. */
export const FIXED_CUTOFFS = { high: 7, low: 5 } as const;

export function bandFixed(score: Score, cutoffs: { high: number; low: number } = FIXED_CUTOFFS): Band | null {
  if (!isScore(score)) return null;
  return score >= cutoffs.high ? "high" : score <= cutoffs.low ? "low" : "middle";
}

/** GCI-R: more than 1 SD above/below the norm group's mean. */
export function bandNormSd(score: Score, norm: { mean: number; sd: number; higherIsBetter: boolean }): Band | null {
  if (!isScore(score)) return null;
  return between(score, norm.mean - norm.sd, norm.mean + norm.sd, norm.higherIsBetter);
}

/** ATMQ: above the norm's 75th percentile high, below its 25th low. */
export function bandPercentiles(
  score: Score,
  norm: { p25: number; p75: number; higherIsBetter?: boolean },
): Band | null {
  if (!isScore(score)) return null;
  return between(score, norm.p25, norm.p75, norm.higherIsBetter ?? true);
}

/** Sample standard deviation (n − 1), as R's sd(); null below 2 values. */
export function sampleSd(xs: readonly number[]): number | null {
  if (xs.length < 2) return null;
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const ss = xs.reduce((acc, x) => acc + (x - mean) * (x - mean), 0);
  return Math.sqrt(ss / (xs.length - 1));
}

/**
 * Quantile by R's default definition (type 7, also NumPy's default "linear"): with the values sorted
 * ascending as x[0..n−1], h = (n − 1)·p and Q(p) = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]).
 */
export function quantileType7(xs: readonly number[], p: number): number | null {
  if (xs.length === 0 || !(p >= 0 && p <= 1)) return null;
  const s = [...xs].sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo]! + (h - lo) * (s[hi]! - s[lo]!);
}

/**
 * TASC: ±1 SD (sample SD) around the mean of the pilot's own group at T1. Missing group scores are
 * ignored; with fewer than 2 remaining there is no SD and so no band.
 */
export function bandOwnGroupSd(score: Score, groupT1Scores: readonly Score[], higherIsBetter = true): Band | null {
  if (!isScore(score)) return null;
  const group = finiteOnly(groupT1Scores);
  const sd = sampleSd(group);
  if (sd === null) return null;
  const mean = group.reduce((a, b) => a + b, 0) / group.length;
  return between(score, mean - sd, mean + sd, higherIsBetter);
}

/**
 * RIS-L: 25th / 75th percentile (type 7) of the study group. Missing group scores are ignored; with
 * fewer than 2 remaining the percentiles collapse onto one score, so no band is given.
 */
export function bandOwnGroupPercentiles(
  score: Score,
  groupScores: readonly Score[],
  higherIsBetter = true,
): Band | null {
  if (!isScore(score)) return null;
  const group = finiteOnly(groupScores);
  if (group.length < 2) return null;
  return between(score, quantileType7(group, 0.25)!, quantileType7(group, 0.75)!, higherIsBetter);
}
