// What a pilot's report shows besides its tables: the summary model and every youth's charts, read from the
// stored results (the queries in ./queries.ts). The report download, the report pages and the workspace
// youth page all take them from here.
import type { PlotData } from "../../web/pages/reports/SummaryView";
import { trendChart } from "../analysis/plot";
import type { Trend } from "../analysis/stats";
import { catalogue } from "../../core/i18n/messages";
import {
  allIndicatorPoints,
  dayOf,
  parseSeriesIndicatorKey,
  pilotIndicators,
  readFrequentAnswers,
} from "../analysis/recompute";
import { parseWaveIndicatorKey, TOTAL, type WaveDefinition, waveScales } from "../analysis/waves";
import {
  chartYouths,
  latestWaveDefinitions,
  loadSummaryInput,
  type PilotRow,
  storedTrends,
  waveDays,
  waveScores,
} from "./queries";
import { WAVES } from "../../core/waves";
import { buildSummary } from "./summary";

export async function summaryFor(d1: D1Database, pilot: PilotRow, now: number) {
  return buildSummary(await loadSummaryInput(d1, pilot, now));
}

/**
 * Per youth and frequent indicator her trend chart (worker/analysis/plot.ts): the recompute's own reading and
 * aggregation of the points, its stored Theil-Sen slope and trend; per wave instrument a chart of her stored
 * total scores (`wave:<instrument>.totaal`, from two waves on) with reliable-change marks; per scale of a wave
 * instrument asked at its own interval a chart of her series (`series:<instrument>.<scale>`). The one source of
 * every chart: the report, the coordinator pages and the workspace youth page (`only` = her participant id).
 */
export async function plotDataFor(d1: D1Database, pilot: PilotRow, only?: number): Promise<PlotData> {
  const ids = await chartYouths(d1, pilot.id, only);
  const codeOf = new Map(ids.map(([id, code]) => [id, code]));
  const { people, answers, series } = await readFrequentAnswers(
    d1,
    ids.map(([id]) => id),
  );
  const storedRows = await storedTrends(d1, pilot.id, only);
  const stored = new Map(storedRows.map(([pid, ind, slopePerDay, trend]) => [`${pid}|${ind}`, { slopePerDay, trend }]));
  const indicators = (await pilotIndicators(d1, pilot.key)).filter((i) => i.aggregate === "mean");
  const out: PlotData = new Map();
  const personOf = new Map(people.map((p) => [p.id, p]));
  for (const [id, code] of codeOf) {
    const person = personOf.get(id);
    const none = { occasion: [], instrument: [], item: [], value: [], at: [] };
    const points = person ? allIndicatorPoints(indicators, person, answers.get(id) ?? none) : indicators.map(() => []);
    const charts = indicators.map(
      (ind, i) => [ind.key, trendChart({ points: points[i]!, stored: stored.get(`${id}|${ind.key}`) })] as const,
    );
    out.set(code, new Map(charts));
  }
  const defOf = await addWaveCharts(d1, pilot, only, ids, out);
  addSeriesCharts(ids, series, stored, defOf, out);
  return out;
}

/** The latest definition of each wave instrument, by key, with its title. */
type Definition = WaveDefinition & { title?: { nl: string; en: string } };
type Definitions = Map<string, Definition>;

/** A scale of a wave instrument with its chart label ("TASC · Totaal", as the instrument names it) and range. */
function waveScaleOf(defOf: Definitions, instrument: string, subscale: string) {
  const def = defOf.get(instrument);
  const scale = def && waveScales(def).find((sc) => sc.key === subscale);
  if (!def || !scale) return null;
  const label = {
    nl: `${def.title?.nl ?? instrument} · ${scale.label.nl}`,
    en: `${def.title?.en ?? instrument} · ${scale.label.en}`,
  };
  return { scale, label, range: def.scale ?? { min: 0, max: 10 } };
}

/**
 * Series charts: every measurement of a scale asked at its own interval, interval and T waves alike (the
 * recompute's computeWaveSeries), with the stored Theil-Sen line from MIN_MEASUREMENTS_FOR_TREND points on as for
 * a frequent indicator. No colour bands: the wave charts of the same scale draw none either, and the wave tables
 * band a single score by the pilot's report setting against a norm that may be a demo norm.
 */
function addSeriesCharts(
  ids: [number, string, string][],
  series: Awaited<ReturnType<typeof readFrequentAnswers>>["series"],
  stored: Map<string, { slopePerDay: number | null; trend: Trend | null }>,
  defOf: Definitions,
  out: PlotData,
) {
  for (const [id, code] of ids) {
    for (const { indicator, points } of series.get(id) ?? []) {
      const k = parseSeriesIndicatorKey(indicator);
      const scale = k && waveScaleOf(defOf, k.instrument, k.subscale);
      if (!scale) continue;
      // "…, alle metingen": her wave chart of the same scale (T1/T2/T3) carries the scale's name alone
      const all = catalogue["report.series.all"];
      const chart = trendChart({
        label: { nl: `${scale.label.nl}, ${all.nl}`, en: `${scale.label.en}, ${all.en}` },
        points,
        scale: scale.range,
        cutoffs: null,
        stored: stored.get(`${id}|${indicator}`),
      });
      out.get(code)?.set(indicator, chart);
    }
  }
}

/**
 * Wave charts: her stored total per wave, placed on the day she finished that wave (the pilot's zone). Returns the
 * wave instruments' latest definitions, which label the series charts too.
 */
async function addWaveCharts(
  d1: D1Database,
  pilot: PilotRow,
  only: number | undefined,
  ids: [number, string, string][],
  out: PlotData,
) {
  const [scores, days, defs] = await Promise.all([
    waveScores(d1, pilot.id, only),
    waveDays(d1, pilot.id, only),
    latestWaveDefinitions(d1),
  ]);
  const defOf: Definitions = new Map(defs.map(([key, json]) => [key, JSON.parse(json) as Definition]));
  const dayAt = new Map(days.map(([pid, wave, at]) => [`${pid}|${wave}`, at]));
  const totals = new Map<number, Map<string, Map<string, number | null>>>(); // youth → instrument → wave → score
  for (const [pid, key, mean] of scores) {
    const k = parseWaveIndicatorKey(key);
    if (!k || k.subscale !== TOTAL) continue;
    const byInst = totals.get(pid) ?? totals.set(pid, new Map()).get(pid)!;
    (byInst.get(k.instrument) ?? byInst.set(k.instrument, new Map()).get(k.instrument)!).set(k.wave, mean);
  }
  for (const [id, code, start] of ids) {
    for (const [inst, byWave] of totals.get(id) ?? []) {
      const total = waveScaleOf(defOf, inst, TOTAL);
      if (!total) continue;
      const { scale, label } = total;
      const waves = WAVES.flatMap((w) => {
        const at = dayAt.get(`${id}|${w}`);
        const value = byWave.get(w);
        return typeof at === "number" && value !== undefined
          ? [{ wave: w, day: dayOf(start, at, pilot.timezone), value }]
          : [];
      });
      if (waves.length < 2) continue; // one wave score is in the wave table already; a chart shows change
      const norm = scale.norm
        ? { sd: scale.norm.sd, reliability: scale.norm.reliability, higherIsBetter: scale.higherIsBetter }
        : null;
      const chart = trendChart({
        label,
        points: [],
        scale: total.range,
        cutoffs: null,
        waves,
        norm,
      });
      out.get(code)?.set(`wave:${inst}.${TOTAL}`, chart);
    }
  }
  return defOf;
}
