// Recomputes and stores per-youth indicators (DESIGN.md §3) so that downloads only read:
// - frequent indicators (n/mean/min/max, Theil-Sen, Mann-Kendall, fixed colour band) per youth;
// - wave scores per instrument, subscale and wave, stored as indicator rows keyed `wave:T2:gcir.groei`
//   (mean = the score, n = answered items). Their bands and RCI flags depend on norms and on the whole
//   group, so the summary derives them from these stored scores (worker/reports/summary.ts).
// Every row carries a fingerprint of its input; a youth whose input did not change is neither
// recomputed nor rewritten. Bulk reads and writes pass one JSON parameter through `json_each`, which
// keeps statements under D1's 100-bound-parameter limit without splitting them into thousands.
import { frequentIndicators, type Indicator } from "../../schema/instruments/definitions";
import { daysBetween, localDate } from "../schedule/schedule";
import { bandFixed } from "./bands";
import { fingerprint } from "./fingerprint";
import { describeSeries, MIN_MEASUREMENTS_FOR_TREND, type SeriesDescription } from "./stats";
import { scoreWave, waveIndicatorKey, type WaveDefinition } from "./waves";

/** Bump when the computation changes, so that every stored row is recomputed once. */
const ALGORITHM = "2";
const CHUNK = 250;

type Answer = { participant_id: number; occasion_id: number; instrument: string; item_key: string; value: number | null; answered_at: number };
type WaveAnswer = { occasion_id: number; wave: string; version_id: number; item_key: string; value: number | null; answered_at: number };
type Person = { id: number; pilot_start_date: string; pilot_key: string; timezone: string };

export type IndicatorRow = SeriesDescription & { participantId: number; indicator: string; band: "high" | "middle" | "low" | null; fingerprint: string };

/** Points of one indicator: per frequent occasion the mean of the indicator's answered items (N/A and skipped items left out). */
export function indicatorPoints(ind: Indicator, person: Person, answers: Answer[]) {
  const byOccasion = new Map<number, { at: number; values: number[] }>();
  for (const a of answers) {
    if (a.instrument !== ind.instrument || !ind.items.includes(a.item_key) || a.value === null) continue;
    const o = byOccasion.get(a.occasion_id) ?? { at: a.answered_at, values: [] };
    o.values.push(a.value);
    byOccasion.set(a.occasion_id, o);
  }
  return [...byOccasion.values()]
    .sort((a, b) => a.at - b.at)
    .map((o) => ({ day: daysBetween(person.pilot_start_date, localDate(o.at, person.timezone)), value: o.values.reduce((s, v) => s + v, 0) / o.values.length }));
}

function describeIndicator(ind: Indicator, points: { day: number; value: number }[]): Omit<IndicatorRow, "participantId" | "indicator" | "fingerprint"> {
  const d = describeSeries(points);
  if (ind.aggregate === "count_yes") {
    // Yes/no items are counted, not sloped (DESIGN.md §2.1): mean is the share of "yes" answers.
    return { ...d, slopePerMeasurement: null, slopePerDay: null, kendallS: null, varianceS: null, z: null, p: null, trend: null, band: null };
  }
  // The report shows no slope and no significance below 5 measurements (Bijlage 1, table 8 note).
  const few = d.n < MIN_MEASUREMENTS_FOR_TREND;
  return { ...d, ...(few ? { slopePerMeasurement: null, slopePerDay: null, z: null, p: null, trend: null } : {}), band: bandFixed(d.mean) };
}

export function computeIndicators(person: Person, answers: Answer[]): Omit<IndicatorRow, "fingerprint">[] {
  return frequentIndicators(person.pilot_key).map((ind) => ({ ...describeIndicator(ind, indicatorPoints(ind, person, answers)), participantId: person.id, indicator: ind.key }));
}

const EMPTY_SERIES = { min: null, max: null, slopePerMeasurement: null, slopePerDay: null, kendallS: null, varianceS: null, z: null, p: null, trend: null, band: null } as const;

/** Wave scores of one youth: the last occasion of a wave counts if a wave was (re)administered twice. */
export function computeWaveScores(personId: number, answers: WaveAnswer[], versions: ReadonlyMap<number, { key: string; definition: WaveDefinition }>): Omit<IndicatorRow, "fingerprint">[] {
  const byOccasion = new Map<string, { wave: string; at: number; versionId: number; values: Map<string, number | null> }>();
  for (const a of answers) {
    const k = `${a.occasion_id}|${a.version_id}`;
    const o = byOccasion.get(k) ?? { wave: a.wave, at: a.answered_at, versionId: a.version_id, values: new Map() };
    o.values.set(a.item_key, a.value);
    byOccasion.set(k, o);
  }
  const latest = new Map<string, { versionId: number; values: Map<string, number | null>; at: number }>();
  for (const o of byOccasion.values()) {
    const v = versions.get(o.versionId);
    if (!v) continue;
    const k = `${o.wave}|${v.key}`;
    if ((latest.get(k)?.at ?? -Infinity) <= o.at) latest.set(k, o);
  }
  const rows: Omit<IndicatorRow, "fingerprint">[] = [];
  for (const [k, o] of latest) {
    const [wave, instrument] = k.split("|") as [string, string];
    for (const s of scoreWave(versions.get(o.versionId)!.definition, o.values)) {
      rows.push({ ...EMPTY_SERIES, n: s.n, mean: s.score, participantId: personId, indicator: waveIndicatorKey(wave, instrument, s.subscale) });
    }
  }
  return rows;
}

type VersionInfo = { key: string; kind: string; definition: WaveDefinition };

async function loadVersions(d1: D1Database): Promise<Map<number, VersionInfo>> {
  const rows = await d1.prepare("SELECT v.id, i.key, i.kind, v.definition FROM instrument_versions v JOIN instruments i ON i.id = v.instrument_id").raw<[number, string, string, string]>();
  return new Map(rows.map(([id, key, kind, def]) => [id, { key, kind, definition: kind === "wave" ? (JSON.parse(def) as WaveDefinition) : { key, items: [] } }]));
}

const UPSERT = `INSERT INTO indicator_results (participant_id, indicator, n, mean, min, max, slope_per_measurement, slope_per_day, kendall_s, variance_s, z, p, trend, band, fingerprint, computed_at)
  SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]'), json_extract(value, '$[4]'),
         json_extract(value, '$[5]'), json_extract(value, '$[6]'), json_extract(value, '$[7]'), json_extract(value, '$[8]'), json_extract(value, '$[9]'),
         json_extract(value, '$[10]'), json_extract(value, '$[11]'), json_extract(value, '$[12]'), json_extract(value, '$[13]'), json_extract(value, '$[14]'), ?2
  FROM json_each(?1) WHERE true
  ON CONFLICT (participant_id, indicator) DO UPDATE SET n=excluded.n, mean=excluded.mean, min=excluded.min, max=excluded.max,
    slope_per_measurement=excluded.slope_per_measurement, slope_per_day=excluded.slope_per_day, kendall_s=excluded.kendall_s,
    variance_s=excluded.variance_s, z=excluded.z, p=excluded.p, trend=excluded.trend, band=excluded.band,
    fingerprint=excluded.fingerprint, computed_at=excluded.computed_at`;

/** Recomputes the given youths; returns how many indicator rows were written or removed. */
export async function recomputeParticipants(d1: D1Database, participantIds: number[], now: number): Promise<{ participants: number; changed: number }> {
  if (!participantIds.length) return { participants: 0, changed: 0 };
  const versions = await loadVersions(d1);
  const waveVersions = new Map([...versions].filter(([, v]) => v.kind === "wave").map(([id, v]) => [id, { key: v.key, definition: v.definition }]));
  let changed = 0;
  for (let i = 0; i < participantIds.length; i += CHUNK) {
    const ids = JSON.stringify(participantIds.slice(i, i + CHUNK));
    const [people, answers, existing] = await d1.batch([
      d1.prepare(`SELECT p.id, p.pilot_start_date, pl.key AS pilot_key, pl.timezone FROM participants p JOIN pilots pl ON pl.id = p.pilot_id WHERE p.id IN (SELECT value FROM json_each(?))`).bind(ids),
      d1
        .prepare(
          `SELECT r.participant_id, r.occasion_id, r.instrument_version_id, r.item_key, r.value, r.answered_at, o.kind, o.wave
           FROM responses r JOIN occasions o ON o.id = r.occasion_id
           WHERE r.participant_id IN (SELECT value FROM json_each(?))`,
        )
        .bind(ids),
      d1.prepare(`SELECT participant_id, indicator, fingerprint FROM indicator_results WHERE participant_id IN (SELECT value FROM json_each(?))`).bind(ids),
    ]);
    const frequentBy = new Map<number, Answer[]>();
    const waveBy = new Map<number, WaveAnswer[]>();
    for (const r of answers!.results as { participant_id: number; occasion_id: number; instrument_version_id: number; item_key: string; value: number | null; answered_at: number; kind: string; wave: string | null }[]) {
      const v = versions.get(r.instrument_version_id);
      if (!v) continue;
      if (r.kind === "frequent") {
        let list = frequentBy.get(r.participant_id);
        if (!list) frequentBy.set(r.participant_id, (list = []));
        list.push({ participant_id: r.participant_id, occasion_id: r.occasion_id, instrument: v.key, item_key: r.item_key, value: r.value, answered_at: r.answered_at });
      } else if (r.wave && v.kind === "wave") {
        let list = waveBy.get(r.participant_id);
        if (!list) waveBy.set(r.participant_id, (list = []));
        list.push({ occasion_id: r.occasion_id, wave: r.wave, version_id: r.instrument_version_id, item_key: r.item_key, value: r.value, answered_at: r.answered_at });
      }
    }
    const old = new Map((existing!.results as { participant_id: number; indicator: string; fingerprint: string }[]).map((r) => [`${r.participant_id}|${r.indicator}`, r.fingerprint]));
    const upserts: unknown[][] = [];
    const keep = new Set<string>();
    for (const person of people!.results as Person[]) {
      const freq = frequentBy.get(person.id) ?? [];
      for (const ind of frequentIndicators(person.pilot_key)) {
        const points = indicatorPoints(ind, person, freq);
        const key = `${person.id}|${ind.key}`;
        keep.add(key);
        const fp = fingerprint(`${ALGORITHM}|${ind.aggregate}|${JSON.stringify(points)}`);
        if (old.get(key) === fp) continue;
        const r = describeIndicator(ind, points);
        upserts.push([person.id, ind.key, r.n, r.mean, r.min, r.max, r.slopePerMeasurement, r.slopePerDay, r.kendallS, r.varianceS, r.z, r.p, r.trend, r.band, fp]);
      }
      for (const r of computeWaveScores(person.id, waveBy.get(person.id) ?? [], waveVersions)) {
        const key = `${person.id}|${r.indicator}`;
        keep.add(key);
        const fp = fingerprint(`${ALGORITHM}|wave|${r.n}|${r.mean}`);
        if (old.get(key) === fp) continue;
        upserts.push([person.id, r.indicator, r.n, r.mean, null, null, null, null, null, null, null, null, null, null, fp]);
      }
    }
    // Rows whose input vanished (answers erased on request, an indicator no longer asked) are removed.
    const stale = [...old.keys()].filter((k) => !keep.has(k));
    const stmts: D1PreparedStatement[] = [];
    for (let j = 0; j < upserts.length; j += 2000) stmts.push(d1.prepare(UPSERT).bind(JSON.stringify(upserts.slice(j, j + 2000)), now));
    if (stale.length) stmts.push(d1.prepare("DELETE FROM indicator_results WHERE (participant_id || '|' || indicator) IN (SELECT value FROM json_each(?))").bind(JSON.stringify(stale)));
    if (stmts.length) await d1.batch(stmts);
    changed += upserts.length + stale.length;
  }
  return { participants: participantIds.length, changed };
}

/** Full recompute of one pilot (or of every pilot with `null`), e.g. after a norm or an algorithm changed. */
export async function recomputePilot(d1: D1Database, pilotId: number | null, now: number, opts: { force?: boolean } = {}) {
  const ids = (
    pilotId === null
      ? await d1.prepare("SELECT id FROM participants ORDER BY id").raw<[number]>()
      : await d1.prepare("SELECT id FROM participants WHERE pilot_id = ? ORDER BY id").bind(pilotId).raw<[number]>()
  ).map(([id]) => id);
  // force: forget the fingerprints so that every row is recomputed and rewritten.
  if (opts.force && ids.length) {
    for (let i = 0; i < ids.length; i += 5000) {
      await d1.prepare("UPDATE indicator_results SET fingerprint = '' WHERE participant_id IN (SELECT value FROM json_each(?))").bind(JSON.stringify(ids.slice(i, i + 5000))).run();
    }
  }
  return recomputeParticipants(d1, ids, now);
}

/** Drains the queue of youths with new answers; an entry re-requested during the run stays for the next one. */
export async function recomputeQueued(d1: D1Database, now: number): Promise<{ participants: number; changed: number }> {
  const queued = (await d1.prepare("SELECT participant_id, requested_at FROM recompute_queue ORDER BY requested_at LIMIT 5000").raw<[number, number]>());
  if (!queued.length) return { participants: 0, changed: 0 };
  const result = await recomputeParticipants(d1, queued.map(([id]) => id), now);
  await d1
    .prepare("DELETE FROM recompute_queue WHERE (participant_id || '|' || requested_at) IN (SELECT value FROM json_each(?))")
    .bind(JSON.stringify(queued.map(([id, at]) => `${id}|${at}`)))
    .run();
  return result;
}
