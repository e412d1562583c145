// Recomputes and stores per-youth indicators (DESIGN.md §3) so that downloads only read:
// - frequent indicators (n/mean/min/max, Theil-Sen, Mann-Kendall, fixed colour band) per youth;
// - wave scores per instrument, subscale and wave, stored as indicator rows keyed `wave:T2:gcir.groei`
//   (mean = the score, n = answered items). Their bands and RCI flags depend on norms and on the whole
//   group, so the summary derives them from these stored scores (worker/reports/summary.ts).
// Every row carries a fingerprint of its input; a youth whose input did not change is neither
// recomputed nor rewritten. Bulk reads and writes pass one JSON parameter through `json_each`, which
// keeps statements under D1's 100-bound-parameter limit without splitting them into thousands.
import {
  frequentIndicators,
  type Indicator,
  type InstrumentDefinition,
  type StoredVersion,
} from "../../schema/instruments/definitions";
import { daysBetween, localDate, timeZoneOffsetMs } from "../schedule/schedule";
import { bandFixed } from "./bands";
import { fingerprint, fingerprintPoints } from "./fingerprint";
import { describeSeries, MIN_MEASUREMENTS_FOR_TREND, type SeriesDescription } from "./stats";
import { scoreWave, waveIndicatorKey, type WaveDefinition } from "./waves";
import { DAY_MS, MINUTE_MS } from "../../core/time";

/** One `indicator_results` row in UPSERT's column order; statistics a row does not have are null. */
function upsertRow(
  participantId: number,
  indicator: string,
  r: Partial<SeriesDescription> & { n: number; mean: number | null; trend?: string | null },
  band: string | null,
  fp: string,
  generation: unknown,
): unknown[] {
  return [
    participantId,
    indicator,
    r.n,
    r.mean,
    r.min ?? null,
    r.max ?? null,
    r.slopePerMeasurement ?? null,
    r.slopePerDay ?? null,
    r.kendallS ?? null,
    r.varianceS ?? null,
    r.z ?? null,
    r.p ?? null,
    r.trend ?? null,
    band,
    fp,
    generation,
  ];
}

/** Bump when the computation changes, so that every stored row is recomputed once. */
const ALGORITHM = "5";
const CHUNK = 1000;

/** A youth's frequent answers as parallel columns (no object per answer: there are millions). */
export type AnswerColumns = {
  occasion: number[];
  instrument: (string | undefined)[];
  item: string[];
  value: (number | null)[];
  at: number[];
};
const NO_ANSWERS: AnswerColumns = { occasion: [], instrument: [], item: [], value: [], at: [] };
type WaveAnswer = {
  occasion_id: number;
  wave: string | null;
  version_id: number;
  item_key: string;
  value: number | null;
  answered_at: number;
};
export type Person = { id: number; pilot_start_date: string; pilot_key: string; timezone: string };

export type IndicatorRow = SeriesDescription & {
  participantId: number;
  indicator: string;
  band: "high" | "middle" | "low" | null;
  fingerprint: string;
};

const BUCKET_MS = 15 * MINUTE_MS;
const offsets = new Map<string, Map<number, number | null>>();

/**
 * Days from the pilot start to the local calendar date of an instant. Formatting every answer's time
 * with Intl is the recompute's most expensive step, so the zone offset is cached per 15-minute bucket;
 * a bucket with an offset change inside it (never on the quarter-hour grid in today's zones, but checked)
 * falls back to the exact per-instant computation.
 */
export function dayOf(startDate: string, at: number, timezone: string): number {
  return dayFrom(startDate, Date.parse(`${startDate}T00:00:00Z`) / DAY_MS, at, timezone);
}

function dayFrom(startDate: string, startDay: number, at: number, timezone: string): number {
  const bucket = Math.floor(at / BUCKET_MS);
  let zone = offsets.get(timezone);
  if (!zone) offsets.set(timezone, (zone = new Map()));
  let off = zone.get(bucket);
  if (off === undefined) {
    const a = timeZoneOffsetMs(bucket * BUCKET_MS, timezone);
    const b = timeZoneOffsetMs((bucket + 1) * BUCKET_MS - 1, timezone);
    off = a === b ? a : null;
    if (zone.size > 500_000) zone.clear();
    zone.set(bucket, off);
  }
  if (off === null) return daysBetween(startDate, localDate(at, timezone));
  return Math.floor((at + off) / DAY_MS) - startDay;
}

const slotCache = new WeakMap<readonly Indicator[], Map<string, Map<string, number[]>>>();

/** instrument → item → indices of the indicators that use it (cached per indicator list). */
function slotsOf(indicators: readonly Indicator[]) {
  let slots = slotCache.get(indicators);
  if (!slots) {
    slots = new Map();
    indicators.forEach((ind, i) => {
      const byItem = slots!.get(ind.instrument) ?? slots!.set(ind.instrument, new Map()).get(ind.instrument)!;
      for (const item of ind.items) (byItem.get(item) ?? byItem.set(item, []).get(item)!).push(i);
    });
    slotCache.set(indicators, slots);
  }
  return slots;
}

/**
 * The points of several indicators in one pass over a youth's answers: per frequent occasion the mean of
 * the indicator's answered items (not-applicable and skipped items left out), in answer-time order.
 */
export function allIndicatorPoints(
  indicators: readonly Indicator[],
  person: Person,
  answers: AnswerColumns,
): { day: number; value: number }[][] {
  const slots = slotsOf(indicators);
  const perIndicator = indicators.map(() => new Map<number, { at: number; sum: number; n: number }>());
  const { occasion, instrument, item, value, at } = answers;
  for (let a = 0; a < occasion.length; a++) {
    const v = value[a]!;
    const inst = instrument[a];
    if (v === null || inst === undefined) continue;
    const targets = slots.get(inst)?.get(item[a]!);
    if (!targets) continue;
    for (const i of targets) {
      const byOccasion = perIndicator[i]!;
      const o = byOccasion.get(occasion[a]!);
      if (o) {
        o.sum += v;
        o.n++;
      } else byOccasion.set(occasion[a]!, { at: at[a]!, sum: v, n: 1 });
    }
  }
  const days = new Map<number, number>();
  const startDay = Date.parse(`${person.pilot_start_date}T00:00:00Z`) / DAY_MS;
  const day = (at: number) => {
    let d = days.get(at);
    if (d === undefined) days.set(at, (d = dayFrom(person.pilot_start_date, startDay, at, person.timezone)));
    return d;
  };
  return perIndicator.map((byOccasion) =>
    [...byOccasion.values()].sort((a, b) => a.at - b.at).map((o) => ({ day: day(o.at), value: o.sum / o.n })),
  );
}

/** A row without slope, test, trend or band: counted yes/no items, and (with no min/max) an empty series. */
const NO_TREND = {
  slopePerMeasurement: null,
  slopePerDay: null,
  kendallS: null,
  varianceS: null,
  z: null,
  p: null,
  trend: null,
  band: null,
} as const;

function describeIndicator(
  ind: Indicator,
  points: { day: number; value: number }[],
): Omit<IndicatorRow, "participantId" | "indicator" | "fingerprint"> {
  const d = describeSeries(points);
  if (ind.aggregate === "count_yes") {
    // Yes/no items are counted, not sloped (DESIGN.md §2.1): mean is the share of "yes" answers.
    return { ...d, ...NO_TREND };
  }
  // The report shows no slope and no significance below 5 measurements (Bijlage 1, table 8 note).
  const few = d.n < MIN_MEASUREMENTS_FOR_TREND;
  return {
    ...d,
    ...(few ? { slopePerMeasurement: null, slopePerDay: null, z: null, p: null, trend: null } : {}),
    band: bandFixed(d.mean),
  };
}

const EMPTY_SERIES = { min: null, max: null, ...NO_TREND } as const;

/** Wave scores of one youth: the last occasion of a wave counts if a wave was (re)administered twice. */
export function computeWaveScores(
  personId: number,
  answers: WaveAnswer[],
  versions: ReadonlyMap<number, { key: string; definition: WaveDefinition }>,
): Omit<IndicatorRow, "fingerprint">[] {
  const byOccasion = new Map<
    string,
    { wave: string; at: number; versionId: number; values: Map<string, number | null> }
  >();
  for (const a of answers) {
    // interval measurements (schedule.waveSchedules) have no T label: they count in the series only
    if (a.wave === null) continue;
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
      rows.push({
        ...EMPTY_SERIES,
        n: s.n,
        mean: s.score,
        participantId: personId,
        indicator: waveIndicatorKey(wave, instrument, s.subscale),
      });
    }
  }
  return rows;
}

/**
 * One youth's series of a wave instrument's scale (`series:<instrument>.<subscale>`): every measurement in answer
 * order, with its occasion, T label (null for an interval measurement), answer time, day since her pilot start
 * (the pilot's zone) and score. The recompute describes it, the plots draw it, the staff signals judge it.
 */
export type WaveSeriesPoints = {
  indicator: string;
  points: { occasionId: number; wave: string | null; at: number; day: number; value: number }[];
};

/** Key of a wave instrument's series over all its measurements, e.g. `series:tasc.totaal`. */
export const seriesIndicatorKey = (instrument: string, subscale: string) => `series:${instrument}.${subscale}`;
/** The instrument and subscale of a series key, or null for another key. */
export function parseSeriesIndicatorKey(key: string): { instrument: string; subscale: string } | null {
  const m = /^series:([a-z0-9_]+)\.([a-z0-9_]+)$/.exec(key);
  return m ? { instrument: m[1]!, subscale: m[2]! } : null;
}

/**
 * The series of a wave instrument asked at its own interval (schedule.waveSchedules): every measurement of it,
 * interval and T1/T2/T3 alike, scored per subscale and described like a frequent indicator (n, mean, min, max,
 * Theil-Sen, Mann-Kendall; no colour band: the wave norms band single scores). Only instruments with at least
 * one interval measurement get a series; T1/T2/T3 alone stay the wave tables.
 */
export function computeWaveSeries(
  person: Person,
  answers: WaveAnswer[],
  versions: ReadonlyMap<number, { key: string; definition: WaveDefinition }>,
): WaveSeriesPoints[] {
  const withInterval = new Set(answers.filter((a) => a.wave === null).map((a) => versions.get(a.version_id)?.key));
  type Measured = { occasionId: number; wave: string | null; at: number; versionId: number };
  const byOccasion = new Map<string, Measured & { values: Map<string, number | null> }>();
  for (const a of answers) {
    const v = versions.get(a.version_id);
    if (!v || !withInterval.has(v.key)) continue;
    const k = `${a.occasion_id}|${a.version_id}`;
    const o = byOccasion.get(k) ?? {
      occasionId: a.occasion_id,
      wave: a.wave,
      at: a.answered_at,
      versionId: a.version_id,
      values: new Map(),
    };
    o.values.set(a.item_key, a.value);
    o.at = Math.max(o.at, a.answered_at);
    byOccasion.set(k, o);
  }
  const series = new Map<string, (Omit<Measured, "versionId"> & { value: number })[]>();
  for (const o of byOccasion.values()) {
    const v = versions.get(o.versionId)!;
    for (const sc of scoreWave(v.definition, o.values)) {
      if (sc.score === null) continue;
      const key = seriesIndicatorKey(v.key, sc.subscale);
      const point = { occasionId: o.occasionId, wave: o.wave, at: o.at, value: sc.score };
      (series.get(key) ?? series.set(key, []).get(key)!).push(point);
    }
  }
  return [...series].map(([indicator, list]) => ({
    indicator,
    points: list
      .sort((a, b) => a.at - b.at || a.occasionId - b.occasionId)
      .map((p) => ({ ...p, day: dayOf(person.pilot_start_date, p.at, person.timezone) })),
  }));
}

type VersionInfo = {
  key: string;
  kind: string;
  version: number;
  definition: WaveDefinition;
  pilotItems?: InstrumentDefinition;
};

/** Every instrument version: wave definitions for scoring, pilot-item definitions for the indicators. */
async function loadVersions(d1: D1Database): Promise<Map<number, VersionInfo>> {
  const rows = await d1
    .prepare(
      "SELECT v.id, i.key, i.kind, v.version, v.definition FROM " +
        "instrument_versions v JOIN instruments i ON i.id = v.instrument_id",
    )
    .raw<[number, string, string, number, string]>();
  return new Map(
    rows.map(([id, key, kind, version, def]) => {
      const pilotItems =
        kind === "frequent" && key.startsWith("pilot_") ? (JSON.parse(def) as InstrumentDefinition) : undefined;
      const definition = kind === "wave" ? (JSON.parse(def) as WaveDefinition) : { key, items: [] };
      return [id, { key, kind, version, definition, ...(pilotItems ? { pilotItems } : {}) }];
    }),
  );
}

/**
 * A pilot's frequent indicators from the instrument versions actually stored (schema/instruments/definitions.ts
 * frequentIndicators), one list per pilot key and run, so that the per-list caches hold.
 */
function indicatorsFromVersions(versions: ReadonlyMap<number, VersionInfo>): (pilotKey: string) => Indicator[] {
  const byPilot = new Map<string, Indicator[]>();
  return (pilotKey) => {
    let list = byPilot.get(pilotKey);
    if (!list) {
      const own: StoredVersion[] = [];
      for (const v of versions.values())
        if (v.pilotItems && v.key === `pilot_${pilotKey}`) own.push({ version: v.version, definition: v.pilotItems });
      byPilot.set(pilotKey, (list = frequentIndicators(pilotKey, own)));
    }
    return list;
  };
}

/** A pilot's frequent indicators as the recompute derives them (for the summary, the plots and the signals). */
export async function pilotIndicators(d1: D1Database, pilotKey: string): Promise<Indicator[]> {
  const rows = await d1
    .prepare(
      "SELECT v.version, v.definition FROM instrument_versions v JOIN instruments " +
        "i ON i.id = v.instrument_id WHERE i.key = ? AND i.kind = 'frequent'",
    )
    .bind(`pilot_${pilotKey}`)
    .raw<[number, string]>();
  return frequentIndicators(
    pilotKey,
    rows.map(([version, def]) => ({ version, definition: JSON.parse(def) as InstrumentDefinition })),
  );
}

const UPSERT =
  `INSERT INTO indicator_results (participant_id, indicator, n, mean, min, max, slope_per_measurement, ` +
  `slope_per_day, kendall_s, variance_s, z, p, trend, band, fingerprint, computed_at)
  SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), ` +
  `json_extract(value, '$[2]'), json_extract(value, '$[3]'), json_extract(value, '$[4]'),
         json_extract(value, '$[5]'), json_extract(value, '$[6]'), ` +
  `json_extract(value, '$[7]'), json_extract(value, '$[8]'), json_extract(value, '$[9]'),
         json_extract(value, '$[10]'), json_extract(value, '$[11]'), json_extract(value, ` +
  `'$[12]'), json_extract(value, '$[13]'), json_extract(value, '$[14]'), ?2
  FROM json_each(?1)
  -- her erase generation as read with her answers: an erasure ` +
  `since then (worker/studies/participants.ts) writes nothing back
  WHERE (SELECT erase_generation FROM participants WHERE id ` +
  `= json_extract(value, '$[0]')) = json_extract(value, '$[15]')
  ON CONFLICT (participant_id, indicator) DO UPDATE SET ` +
  `n=excluded.n, mean=excluded.mean, min=excluded.min, max=excluded.max,
    slope_per_measurement=excluded.slope_per_measurement, ` +
  `slope_per_day=excluded.slope_per_day, kendall_s=excluded.kendall_s,
    variance_s=excluded.variance_s, z=excluded.z, p=excluded.p, trend=excluded.trend, band=excluded.band,
    fingerprint=excluded.fingerprint, computed_at=excluded.computed_at`;

const DELETE_STALE =
  "DELETE FROM indicator_results WHERE (participant_id, indicator) IN (SELECT " +
  "json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?))";

type Chunk = {
  people: [number, string, string, string, number][];
  frequentBy: Map<number, AnswerColumns>;
  waveBy: Map<number, WaveAnswer[]>;
  existing: [number, string, string][];
};

/**
 * Reads one chunk of youths. Frequent answers come as one JSON string per youth built by SQLite
 * (five parallel columns: occasions, versions, items, values, answer times): moving 3 million answers as rows
 * through D1 costs several times more than moving 10,000 strings. SQLite would print a REAL with only
 * 15 significant digits, so values travel exactly: whole numbers (every slider answer) as integers,
 * others as "m<k>" thousandths when k / 1000.0 gives back exactly the stored double (IEEE division, so
 * JavaScript's k / 1000 gives the same), and anything else as the marker "x", after which that youth's
 * answers are read again as plain rows.
 */
async function readChunk(d1: D1Database, idList: number[], versions: ReadonlyMap<number, VersionInfo>): Promise<Chunk> {
  const ids = JSON.stringify(idList);
  const [people, frequent, waves, existing] = await Promise.all([
    d1
      .prepare(
        `SELECT p.id, p.pilot_start_date, pl.key, pl.timezone, p.erase_generation FROM participants ` +
          `p JOIN pilots pl ON pl.id = p.pilot_id WHERE p.id IN (SELECT value FROM json_each(?))`,
      )
      .bind(ids)
      .raw<[number, string, string, string, number]>(),
    d1
      .prepare(
        `SELECT r.participant_id,
                '[[' || group_concat(r.occasion_id) || '],[' || ` +
          `group_concat(r.instrument_version_id) || '],[' || group_concat(json_quote(r.item_key)) || '],[' ||
                group_concat(CASE WHEN r.value IS NULL THEN 'null' ` +
          `WHEN r.value = CAST(r.value AS INTEGER) THEN CAST(r.value AS INTEGER)
                  WHEN CAST(ROUND(r.value * 1000) AS INTEGER) / 1000.0 = r.value ` +
          `THEN '"m' || CAST(ROUND(r.value * 1000) AS INTEGER) || '"' ELSE '"x"' END) ||
                '],[' || group_concat(r.answered_at) || ']]'
         FROM responses r JOIN occasions o ON o.id = r.occasion_id
         WHERE r.participant_id IN (SELECT value FROM json_each(?)) AND o.kind = 'frequent' GROUP BY r.participant_id`,
      )
      .bind(ids)
      .raw<[number, string]>(),
    d1
      .prepare(
        // Driven from occasions (index on participant, kind), so only wave answers are touched.
        `SELECT o.participant_id, r.occasion_id, r.instrument_version_id, r.item_key, r.value, r.answered_at, o.wave
         FROM occasions o JOIN responses r ON r.occasion_id = o.id
         WHERE o.participant_id IN (SELECT value FROM json_each(?)) AND o.kind = 'wave'`,
      )
      .bind(ids)
      .raw<[number, number, number, string, number | null, number, string | null]>(),
    d1
      .prepare(
        `SELECT participant_id, indicator, fingerprint FROM indicator_results ` +
          `WHERE participant_id IN (SELECT value FROM json_each(?))`,
      )
      .bind(ids)
      .raw<[number, string, string]>(),
  ]);
  const frequentBy = new Map<number, AnswerColumns>();
  for (const [participant_id, json] of frequent) {
    // Columns of equal length in the same row order: SQLite feeds every aggregate of a group the same rows,
    // and no column can be NULL (group_concat would skip it), a missing value being the text 'null'.
    const [occasion, vids, item, encoded, at] = JSON.parse(json) as [
      number[],
      number[],
      string[],
      (number | null | string)[],
      number[],
    ];
    let cols: AnswerColumns | null = {
      occasion,
      instrument: vids.map((v) => versions.get(v)?.key),
      item,
      value: encoded as (number | null)[],
      at,
    };
    for (let i = 0; i < encoded.length; i++) {
      const e = encoded[i]!;
      if (typeof e !== "string") continue;
      if (e === "x") {
        cols = null;
        break;
      }
      cols.value[i] = Number(e.slice(1)) / 1000;
    }
    if (!cols) {
      const rows = await d1
        .prepare(
          `SELECT r.occasion_id, r.instrument_version_id, r.item_key, r.value, ` +
            `r.answered_at FROM responses r JOIN occasions o ON o.id = r.occasion_id
           WHERE r.participant_id = ? AND o.kind = 'frequent'`,
        )
        .bind(participant_id)
        .raw<[number, number, string, number | null, number]>();
      cols = {
        occasion: rows.map((r) => r[0]),
        instrument: rows.map((r) => versions.get(r[1])?.key),
        item: rows.map((r) => r[2]),
        value: rows.map((r) => r[3]),
        at: rows.map((r) => r[4]),
      };
    }
    frequentBy.set(participant_id, cols);
  }
  const waveBy = new Map<number, WaveAnswer[]>();
  for (const [participant_id, occasion_id, version_id, item_key, value, answered_at, wave] of waves) {
    const v = versions.get(version_id);
    if (v?.kind !== "wave") continue;
    let list = waveBy.get(participant_id);
    if (!list) waveBy.set(participant_id, (list = []));
    list.push({ occasion_id, wave, version_id, item_key, value, answered_at });
  }
  return { people, frequentBy, waveBy, existing };
}

/** The wave instruments' versions, keyed by version id, for scoring (computeWaveScores, computeWaveSeries). */
const waveVersionsOf = (versions: ReadonlyMap<number, VersionInfo>) =>
  new Map(
    [...versions].filter(([, v]) => v.kind === "wave").map(([id, v]) => [id, { key: v.key, definition: v.definition }]),
  );

/**
 * Frequent answers of the given youths, read the way the recompute reads them (for the report plots), and the
 * series of each wave instrument asked at its own interval (computeWaveSeries; youths without one have none).
 */
export async function readFrequentAnswers(
  d1: D1Database,
  participantIds: number[],
): Promise<{
  people: Person[];
  answers: Map<number, AnswerColumns>;
  series: Map<number, ReturnType<typeof computeWaveSeries>>;
}> {
  const versions = await loadVersions(d1);
  const waveVersions = waveVersionsOf(versions);
  const people: Person[] = [];
  const answers = new Map<number, AnswerColumns>();
  const series = new Map<number, ReturnType<typeof computeWaveSeries>>();
  for (let i = 0; i < participantIds.length; i += CHUNK) {
    const chunk = await readChunk(d1, participantIds.slice(i, i + CHUNK), versions);
    for (const [id, pilot_start_date, pilot_key, timezone] of chunk.people) {
      const person = { id, pilot_start_date, pilot_key, timezone };
      people.push(person);
      const waves = chunk.waveBy.get(id);
      if (waves) series.set(id, computeWaveSeries(person, waves, waveVersions));
    }
    for (const [pid, list] of chunk.frequentBy) answers.set(pid, list);
  }
  return { people, answers, series };
}

export type RecomputeOptions = {
  /**
   * which frequent indicators a pilot has; from the stored instrument versions unless a bench or test supplies others
   */
  indicatorsOf?: (pilotKey: string) => Indicator[];
};

/** Recomputes the given youths; returns how many indicator rows were written or removed. */
export async function recomputeParticipants(
  d1: D1Database,
  participantIds: number[],
  now: number,
  opts: RecomputeOptions = {},
): Promise<{ participants: number; changed: number }> {
  if (!participantIds.length) return { participants: 0, changed: 0 };
  const versions = await loadVersions(d1);
  const indicatorsOf = opts.indicatorsOf ?? indicatorsFromVersions(versions);
  const waveVersions = waveVersionsOf(versions);
  let changed = 0;
  const chunks: number[][] = [];
  for (let i = 0; i < participantIds.length; i += CHUNK) chunks.push(participantIds.slice(i, i + CHUNK));
  // Pipelined: the next chunk is read while this one is computed, and writes are not awaited until the
  // following chunk, so D1 and the JavaScript work overlap.
  let next = chunks.length ? readChunk(d1, chunks[0]!, versions) : null;
  let pendingWrite: Promise<unknown> | null = null;
  for (let c = 0; c < chunks.length; c++) {
    const { people, frequentBy, waveBy, existing } = await next!;
    next = c + 1 < chunks.length ? readChunk(d1, chunks[c + 1]!, versions) : null;
    // Awaited in turn below; until then a failure must not count as unhandled (nor outlive a run that stopped).
    next?.catch(() => {});
    const old = new Map(existing.map(([pid, indicator, fp]) => [`${pid}|${indicator}`, fp]));
    const upserts: unknown[][] = [];
    const keep = new Set<string>();
    for (const [id, pilot_start_date, pilot_key, timezone, generation] of people) {
      const person: Person = { id, pilot_start_date, pilot_key, timezone };
      const indicators = indicatorsOf(pilot_key);
      const allPoints = allIndicatorPoints(indicators, person, frequentBy.get(id) ?? NO_ANSWERS);
      for (const [i, ind] of indicators.entries()) {
        const points = allPoints[i]!;
        const key = `${person.id}|${ind.key}`;
        keep.add(key);
        const fp = fingerprintPoints(`${ALGORITHM}|${ind.aggregate}`, points);
        if (old.get(key) === fp) continue;
        const r = describeIndicator(ind, points);
        upserts.push(upsertRow(person.id, ind.key, r, r.band, fp, generation));
      }
      for (const { indicator, points } of computeWaveSeries(person, waveBy.get(person.id) ?? [], waveVersions)) {
        const key = `${person.id}|${indicator}`;
        keep.add(key);
        const fp = fingerprintPoints(`${ALGORITHM}|series`, points);
        if (old.get(key) === fp) continue;
        const d = describeSeries(points);
        const r = {
          ...d,
          ...(d.n < MIN_MEASUREMENTS_FOR_TREND
            ? { slopePerMeasurement: null, slopePerDay: null, z: null, p: null, trend: null }
            : {}),
        };
        upserts.push(upsertRow(person.id, indicator, r, null, fp, generation));
      }
      for (const r of computeWaveScores(person.id, waveBy.get(person.id) ?? [], waveVersions)) {
        const key = `${person.id}|${r.indicator}`;
        keep.add(key);
        const fp = fingerprint(`${ALGORITHM}|wave|${r.n}|${r.mean}`);
        if (old.get(key) === fp) continue;
        upserts.push(upsertRow(person.id, r.indicator, { n: r.n, mean: r.mean }, null, fp, generation));
      }
    }
    // Rows whose input vanished (answers erased on request, an indicator no longer asked) are removed.
    const stale = [...old.keys()].filter((k) => !keep.has(k));
    const stmts: D1PreparedStatement[] = [];
    for (let j = 0; j < upserts.length; j += 2000)
      stmts.push(d1.prepare(UPSERT).bind(JSON.stringify(upserts.slice(j, j + 2000)), now));
    // (participant_id, indicator) pairs, so that the delete finds its rows through the primary key.
    const pairs = stale.map((k) => [Number(k.slice(0, k.indexOf("|"))), k.slice(k.indexOf("|") + 1)]);
    if (stale.length) stmts.push(d1.prepare(DELETE_STALE).bind(JSON.stringify(pairs)));
    if (pendingWrite) await pendingWrite;
    pendingWrite = stmts.length ? d1.batch(stmts) : null;
    pendingWrite?.catch(() => {});
    changed += upserts.length + stale.length;
  }
  if (pendingWrite) await pendingWrite;
  return { participants: participantIds.length, changed };
}

/** Full recompute of one pilot (or of every pilot with `null`), e.g. after a norm or an algorithm changed. */
export async function recomputePilot(
  d1: D1Database,
  pilotId: number | null,
  now: number,
  opts: { force?: boolean } & RecomputeOptions = {},
) {
  const ids = (
    pilotId === null
      ? await d1.prepare("SELECT id FROM participants ORDER BY id").raw<[number]>()
      : await d1.prepare("SELECT id FROM participants WHERE pilot_id = ? ORDER BY id").bind(pilotId).raw<[number]>()
  ).map(([id]) => id);
  // force: forget the fingerprints so that every row is recomputed and rewritten.
  if (opts.force && ids.length) {
    for (let i = 0; i < ids.length; i += 5000) {
      await d1
        .prepare(
          "UPDATE indicator_results SET fingerprint = '' WHERE participant_id IN (SELECT value FROM json_each(?))",
        )
        .bind(JSON.stringify(ids.slice(i, i + 5000)))
        .run();
    }
  }
  return recomputeParticipants(d1, ids, now, opts);
}

/**
 * Drains the queue of youths with new answers (of one pilot with `pilotId`, e.g. a researcher's manual run);
 * an entry re-requested during the run stays for the next one. `byPilot` receives how many youths of each
 * pilot were recomputed.
 */
export async function recomputeQueued(
  d1: D1Database,
  now: number,
  opts: RecomputeOptions & { pilotId?: number; byPilot?: Map<number, number>; touched?: Set<number> } = {},
): Promise<{ participants: number; changed: number }> {
  const pilotOf = "(SELECT pilot_id FROM participants WHERE id = participant_id) AS pilot_id";
  const rows = await (opts.pilotId === undefined
    ? d1.prepare(
        `SELECT participant_id, requested_at, ${pilotOf} FROM recompute_queue ORDER BY requested_at LIMIT 5000`,
      )
    : d1
        .prepare(
          `SELECT participant_id, requested_at, ${pilotOf} FROM recompute_queue WHERE participant_id ` +
            `IN (SELECT id FROM participants WHERE pilot_id = ?) ORDER BY requested_at LIMIT 5000`,
        )
        .bind(opts.pilotId)
  ).raw<[number, number, number]>();
  for (const [, , pilot] of rows) opts.byPilot?.set(pilot, (opts.byPilot.get(pilot) ?? 0) + 1);
  const queued = rows.map(([id, at]) => [id, at] as [number, number]);
  // the youths whose staff signals the run evaluates next (worker/signals/store.ts)
  for (const [id] of queued) opts.touched?.add(id);
  if (!queued.length) return { participants: 0, changed: 0 };
  const result = await recomputeParticipants(
    d1,
    queued.map(([id]) => id),
    now,
    opts,
  );
  await d1
    .prepare(
      "DELETE FROM recompute_queue WHERE (participant_id, requested_at) IN (SELECT " +
        "json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?))",
    )
    .bind(JSON.stringify(queued))
    .run();
  return result;
}
