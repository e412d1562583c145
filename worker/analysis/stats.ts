// Pure statistics for the analysis job (DESIGN.md §3, report §2.5). No imports on purpose: this module
// must be trivially testable and identical wherever it runs (worker, tests, scripts).

export type Trend = "up" | "down";

export interface SeriesPoint {
  day: number;
  value: number | null;
}

export interface SeriesDescription {
  n: number;
  mean: number | null;
  min: number | null;
  max: number | null;
  /** Theil-Sen slope with x = 1..n (measurement order). */
  slopePerMeasurement: number | null;
  /** Theil-Sen slope with x = day; same-day pairs are skipped. */
  slopePerDay: number | null;
  /** Mann-Kendall S; describeSeries gives 0 below two measurements (an empty sum), never null. Stored rows
   * of yes/no indicators (no test) carry null. */
  kendallS: number | null;
  /** Tie-corrected variance of S; 0 below two measurements (an empty sum), like S. */
  varianceS: number | null;
  z: number | null;
  p: number | null;
  trend: Trend | null;
}

/** Below this many measurements the report shows no slope and no significance (report table 8 note). */
export const MIN_MEASUREMENTS_FOR_TREND = 5;
export const ALPHA = 0.05;
export const RCI_CRITICAL = 1.96;

export function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

// ---------------------------------------------------------------------------------------------------
// Normal distribution via erfc. The p-values are compared with SciPy to 1e-9 and the upper tail must
// not be computed as 1 - cdf (cancellation), so a naive erf approximation (~1e-7) is not good enough.
// W. J. Cody, "Rational Chebyshev approximations for the error function", Math. Comp. 23 (1969)
// 631-638, as in his SPECFUN routine CALERF: relative error near 1e-16 in double precision.

const ERF_A = [3.1611237438705656, 113.864154151050156, 377.485237685302021, 3209.37758913846947, 0.185777706184603153];
const ERF_B = [23.6012909523441209, 244.024637934444173, 1282.61652607737228, 2844.23683343917062];
const ERFC_C = [
  0.564188496988670089, 8.88314979438837594, 66.1191906371416295, 298.635138197400131, 881.95222124176909,
  1712.04761263407058, 2051.07837782607147, 1230.33935479799725, 2.15311535474403846e-8,
];
const ERFC_D = [
  15.7449261107098347, 117.693950891312499, 537.181101862009858, 1621.38957456669019, 3290.79923573345963,
  4362.61909014324716, 3439.36767414372164, 1230.33935480374942,
];
const ERFC_P = [
  0.305326634961232344, 0.360344899949804439, 0.125781726111229246, 0.0160837851487422766, 6.58749161529837803e-4,
  0.0163153871373020978,
];
const ERFC_Q = [
  2.56852019228982242, 1.87295284992346047, 0.527905102951428412, 0.0605183413124413191, 0.00233520497626869185,
];
const ONE_OVER_SQRT_PI = 0.56418958354775628695;
const ERF_SMALL = 0.46875;
const ERFC_UNDERFLOW = 26.543; // erfc(x) underflows to 0 in double precision beyond this

/**
 * exp(−k·x²) for k = 1 or 1/2, with x² split as r² + (x − r)(x + r), r = x truncated to a multiple of
 * 1/16 so that k·r² is exact: the rounding error of x² is then not amplified by the exponential in the
 * far tail (Cody's own trick, extended to the normal tail).
 */
function expMinusSquare(x: number, k: number): number {
  const r = Math.trunc(x * 16) / 16;
  return Math.exp(-k * r * r) * Math.exp(-k * (x - r) * (x + r));
}

/** erf(x) for |x| ≤ 0.46875. */
function erfSmall(x: number): number {
  const ysq = Math.abs(x) > 1.11e-16 ? x * x : 0;
  let num = ERF_A[4]! * ysq;
  let den = ysq;
  for (let i = 0; i < 3; i++) {
    num = (num + ERF_A[i]!) * ysq;
    den = (den + ERF_B[i]!) * ysq;
  }
  return (x * (num + ERF_A[3]!)) / (den + ERF_B[3]!);
}

/** exp(y²)·erfc(y) for y > 0.46875 (Cody's ERFCX rational part). */
function erfcxLarge(y: number): number {
  if (y <= 4) {
    let num = ERFC_C[8]! * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + ERFC_C[i]!) * y;
      den = (den + ERFC_D[i]!) * y;
    }
    return (num + ERFC_C[7]!) / (den + ERFC_D[7]!);
  }
  const ysq = 1 / (y * y);
  let num = ERFC_P[5]! * ysq;
  let den = ysq;
  for (let i = 0; i < 4; i++) {
    num = (num + ERFC_P[i]!) * ysq;
    den = (den + ERFC_Q[i]!) * ysq;
  }
  return (ONE_OVER_SQRT_PI - (ysq * (num + ERFC_P[4]!)) / (den + ERFC_Q[4]!)) / y;
}

/** Complementary error function, accurate to ~1e-16 relative (Cody 1969). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const y = Math.abs(x);
  if (y <= ERF_SMALL) return 1 - erfSmall(x);
  const upper = y >= ERFC_UNDERFLOW ? 0 : expMinusSquare(y, 1) * erfcxLarge(y);
  return x < 0 ? 2 - upper : upper;
}

/**
 * Standard normal upper tail 1 − Φ(x), computed directly so small tail probabilities keep their
 * precision (never as 1 − cdf). exp(−x²/2) is taken from x itself rather than from (x/√2)², which keeps
 * the relative error near 1e-15 even at x = 37.
 */
export function normalSf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const y = Math.abs(x) / Math.SQRT2;
  if (y <= ERF_SMALL) return 0.5 - 0.5 * erfSmall(x / Math.SQRT2);
  const tail = y >= ERFC_UNDERFLOW ? 0 : 0.5 * expMinusSquare(Math.abs(x), 0.5) * erfcxLarge(y);
  return x > 0 ? tail : 1 - tail;
}

/** Standard normal lower tail Φ(x). */
export function normalCdf(x: number): number {
  return normalSf(-x);
}

// ---------------------------------------------------------------------------------------------------
// Frequent indicators: Theil-Sen slope and Mann-Kendall test.

/**
 * The k-th smallest element (0-based) of a[0..n), rearranging a in place (Hoare's selection with a
 * median-of-three pivot): a[0..k) ≤ a[k] ≤ a[k+1..n) afterwards. Exact, like sorting, but O(n).
 */
function selectKth(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    // median of three into a[mid], used as the pivot value
    if (a[mid]! < a[lo]!) swap(a, mid, lo);
    if (a[hi]! < a[lo]!) swap(a, hi, lo);
    if (a[hi]! < a[mid]!) swap(a, hi, mid);
    const pivot = a[mid]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}

function swap(a: Float64Array, i: number, j: number) {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

/** Median of a[0..n) by selection; even count: mean of the two middle values. Rearranges a. */
function medianInPlace(a: Float64Array, n: number): number {
  const mid = n >> 1;
  const upper = selectKth(a, n, mid);
  if (n % 2 === 1) return upper;
  // After selecting index mid, the lower middle value is the largest of a[0..mid).
  let lower = a[0]!;
  for (let i = 1; i < mid; i++) if (a[i]! > lower) lower = a[i]!;
  return (lower + upper) / 2;
}

// One scratch buffer, grown on demand: the recompute takes ~240,000 of these medians for 10,000 youths,
// and allocating (and sorting) a fresh array each time dominated its run time.
let scratch = new Float64Array(1024);

/** Theil-Sen with x = 1..n: every pair counts, dx = j − i. */
function theilSenByIndex(ys: number[]): number | null {
  const n = ys.length;
  const pairs = (n * (n - 1)) / 2;
  if (pairs === 0) return null;
  if (scratch.length < pairs) scratch = new Float64Array(pairs);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const yi = ys[i]!;
    for (let j = i + 1; j < n; j++) scratch[k++] = (ys[j]! - yi) / (j - i);
  }
  return medianInPlace(scratch, k);
}

function theilSen(xs: number[], ys: number[]): number | null {
  const n = xs.length;
  const pairs = (n * (n - 1)) / 2;
  if (scratch.length < pairs) scratch = new Float64Array(pairs);
  const slopes = scratch;
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = xs[j]! - xs[i]!;
      // Same-x pairs carry no slope information; SciPy's theilslopes drops them as well.
      if (dx !== 0) slopes[k++] = (ys[j]! - ys[i]!) / dx;
    }
  }
  return k === 0 ? null : medianInPlace(slopes, k);
}

/** Guards the "never NaN or Infinity" contract against overflow with absurd inputs (e.g. ±1e308). */
function finiteOrNull(x: number | null): number | null {
  return x !== null && Number.isFinite(x) ? x : null;
}

function sign(d: number): number {
  return d > 0 ? 1 : d < 0 ? -1 : 0;
}

function isCleanAndSorted(points: SeriesPoint[]): boolean {
  for (let i = 0; i < points.length; i++) {
    const pt = points[i]!;
    if (pt.value === null || !Number.isFinite(pt.value) || !Number.isFinite(pt.day)) return false;
    if (i > 0 && pt.day < points[i - 1]!.day) return false;
  }
  return true;
}

/**
 * Describes one respondent's frequent indicator.
 *
 * Null values and non-finite values or days are dropped (the report pools whatever exists and imputes
 * nothing). Points are then stable-sorted by day, so same-day points keep their input (submission) order;
 * that order matters only for the measurement-order slope and the Mann-Kendall S.
 *
 * Slopes, z and p are computed whenever they are mathematically defined (n ≥ 2, at least one pair with
 * different x, variance > 0), also for n < 5; S and its variance are sums over pairs, so below two
 * measurements they are the empty sum 0 (not null), so every number can be checked
 * against SciPy/R. The report's rule "no slope and no significance below 5 measurements" is applied
 * here only to `trend`; the summary layer hides the slopes for n < 5. Undefined values are null, never
 * NaN or Infinity.
 */
export function describeSeries(points: SeriesPoint[]): SeriesDescription {
  let values: number[];
  let days: number[];
  if (isCleanAndSorted(points)) {
    // The recompute's usual input: no nulls, already in day order. Skips the allocations below.
    values = points.map((pt) => pt.value as number);
    days = points.map((pt) => pt.day);
  } else {
    const kept = points
      .filter(
        (pt): pt is { day: number; value: number } =>
          pt.value !== null && Number.isFinite(pt.value) && Number.isFinite(pt.day),
      )
      .map((pt, index) => ({ day: pt.day, value: pt.value, index }))
      // Array.prototype.sort is stable (ES2019); the index tie-break makes that explicit.
      .sort((a, b) => a.day - b.day || a.index - b.index);
    values = kept.map((pt) => pt.value);
    days = kept.map((pt) => pt.day);
  }
  const n = values.length;

  const empty: SeriesDescription = {
    n,
    mean: null,
    min: null,
    max: null,
    slopePerMeasurement: null,
    slopePerDay: null,
    // Empty sums: with fewer than two measurements there is no pair, so S and its variance are 0.
    kendallS: 0,
    varianceS: 0,
    z: null,
    p: null,
    trend: null,
  };
  if (n === 0) return empty;

  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  // The mean lies between min and max, so it is finite even if the plain sum overflows.
  // Summing v / n can still round past ±MAX_VALUE (three times MAX_VALUE / 3), so clamp into [min, max].
  const mean = Number.isFinite(sum)
    ? sum / n
    : Math.min(
        max,
        Math.max(
          min,
          values.reduce((acc, v) => acc + v / n, 0),
        ),
      );
  const base: SeriesDescription = { ...empty, mean, min, max };
  if (n < 2) return base;

  const slopePerMeasurement = finiteOrNull(theilSenByIndex(values));
  const slopePerDay = finiteOrNull(theilSen(days, values));

  let s = 0;
  // Compare instead of subtracting: v_j − v_i can overflow, a comparison cannot.
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) s += values[j]! > values[i]! ? 1 : values[j]! < values[i]! ? -1 : 0;

  // Tie correction: subtract t(t−1)(2t+5) for every group of t equal values.
  const sorted = Float64Array.from(values).sort();
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && sorted[j] === sorted[i]) j++;
    const t = j - i;
    tieTerm += t * (t - 1) * (2 * t + 5);
    i = j;
  }
  const varianceS = (n * (n - 1) * (2 * n + 5) - tieTerm) / 18;

  let z: number | null = null;
  let p: number | null = null;
  if (varianceS > 0) {
    // Continuity correction: S moves in steps of 2 (without ties), so shrink |S| by 1 towards 0.
    z = s === 0 ? 0 : (sign(s) * (Math.abs(s) - 1)) / Math.sqrt(varianceS);
    p = Math.min(1, 2 * normalSf(Math.abs(z)));
  }
  const trend: Trend | null =
    n >= MIN_MEASUREMENTS_FOR_TREND && p !== null && p < ALPHA && s !== 0 ? (s > 0 ? "up" : "down") : null;

  return { ...base, slopePerMeasurement, slopePerDay, kendallS: s, varianceS, z, p, trend };
}

// ---------------------------------------------------------------------------------------------------
// Wave instruments: Reliable Change Index (Jacobson & Truax 1991).

export interface RciNorm {
  sd: number;
  reliability: number;
  higherIsBetter: boolean;
}

export interface ReliableChange {
  se: number;
  sdiff: number;
  rci: number;
  change: "improved" | "deteriorated" | null;
}

/**
 * Throws instead of returning null: a bad norm is a configuration error that must surface, and a
 * missing wave is shown as non-response by the caller, which therefore must not call this at all.
 */
export function reliableChange(before: number | null, after: number | null, norm: RciNorm): ReliableChange {
  const { sd, reliability: r, higherIsBetter } = norm;
  if (!Number.isFinite(sd) || sd <= 0)
    throw new Error(`reliableChange: norm SD must be a finite number > 0, got ${sd}`);
  if (!Number.isFinite(r) || r < 0 || r >= 1) {
    throw new Error(`reliableChange: norm reliability must be in [0, 1), got ${r}`);
  }
  if (before === null || after === null || !Number.isFinite(before) || !Number.isFinite(after)) {
    throw new Error(`reliableChange: both scores must be finite numbers, got before=${before}, after=${after}`);
  }
  const se = sd * Math.sqrt(1 - r);
  const sdiff = Math.sqrt(2 * se * se);
  const rci = (after - before) / sdiff;
  let change: ReliableChange["change"] = null;
  if (Math.abs(rci) > RCI_CRITICAL) change = rci > 0 === higherIsBetter ? "improved" : "deteriorated";
  return { se, sdiff, rci, change };
}
