// Recomputes and stores per-youth indicators (DESIGN.md §3) so that downloads only read. Each stored
// row carries a fingerprint of its input; unchanged inputs are not rewritten.
import { frequentIndicators, type Indicator } from "../../schema/instruments/definitions";
import { sha256Hex } from "../lib/crypto";
import { daysBetween, localDate } from "../schedule/schedule";
import { bandFixed } from "./bands";
import { describeSeries, MIN_MEASUREMENTS_FOR_TREND, type SeriesDescription } from "./stats";

type Answer = { participant_id: number; occasion_id: number; instrument: string; item_key: string; value: number | null; answered_at: number };
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

export function computeIndicators(person: Person, answers: Answer[]): Omit<IndicatorRow, "fingerprint">[] {
  return frequentIndicators(person.pilot_key).map((ind) => {
    const points = indicatorPoints(ind, person, answers);
    const d = describeSeries(points);
    if (ind.aggregate === "count_yes") {
      // Yes/no items are counted, not sloped (DESIGN.md §2.1): mean is the share of "yes" answers.
      return { ...d, slopePerMeasurement: null, slopePerDay: null, kendallS: null, varianceS: null, z: null, p: null, trend: null, participantId: person.id, indicator: ind.key, band: null };
    }
    // The report shows no slope and no significance below 5 measurements (Bijlage 1, table 8 note).
    const few = d.n < MIN_MEASUREMENTS_FOR_TREND;
    return {
      ...d,
      ...(few ? { slopePerMeasurement: null, slopePerDay: null, z: null, p: null, trend: null } : {}),
      participantId: person.id,
      indicator: ind.key,
      band: bandFixed(d.mean),
    };
  });
}

/** Recomputes the given youths; returns how many indicator rows changed. */
export async function recomputeParticipants(d1: D1Database, participantIds: number[], now: number): Promise<{ participants: number; changed: number }> {
  let changed = 0;
  for (let i = 0; i < participantIds.length; i += 50) {
    const ids = participantIds.slice(i, i + 50);
    const marks = ids.map(() => "?").join(",");
    const [people, answers, existing] = await d1.batch([
      d1.prepare(`SELECT p.id, p.pilot_start_date, pl.key AS pilot_key, pl.timezone FROM participants p JOIN pilots pl ON pl.id = p.pilot_id WHERE p.id IN (${marks})`).bind(...ids),
      d1
        .prepare(
          `SELECT r.participant_id, r.occasion_id, i.key AS instrument, r.item_key, r.value, r.answered_at
           FROM responses r JOIN occasions o ON o.id = r.occasion_id
           JOIN instrument_versions v ON v.id = r.instrument_version_id JOIN instruments i ON i.id = v.instrument_id
           WHERE r.participant_id IN (${marks}) AND o.kind = 'frequent'`,
        )
        .bind(...ids),
      d1.prepare(`SELECT participant_id, indicator, fingerprint FROM indicator_results WHERE participant_id IN (${marks})`).bind(...ids),
    ]);
    const byPerson = new Map<number, Answer[]>();
    for (const a of answers!.results as Answer[]) {
      const list = byPerson.get(a.participant_id) ?? [];
      list.push(a);
      byPerson.set(a.participant_id, list);
    }
    const old = new Map((existing!.results as { participant_id: number; indicator: string; fingerprint: string }[]).map((r) => [`${r.participant_id}|${r.indicator}`, r.fingerprint]));
    const stmts: D1PreparedStatement[] = [];
    for (const person of people!.results as Person[]) {
      for (const row of computeIndicators(person, byPerson.get(person.id) ?? [])) {
        const fingerprint = (await sha256Hex(JSON.stringify(row))).slice(0, 32);
        if (old.get(`${person.id}|${row.indicator}`) === fingerprint) continue;
        stmts.push(
          d1
            .prepare(
              `INSERT INTO indicator_results (participant_id, indicator, n, mean, min, max, slope_per_measurement, slope_per_day, kendall_s, variance_s, z, p, trend, band, fingerprint, computed_at)
               VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
               ON CONFLICT (participant_id, indicator) DO UPDATE SET n=excluded.n, mean=excluded.mean, min=excluded.min, max=excluded.max,
                 slope_per_measurement=excluded.slope_per_measurement, slope_per_day=excluded.slope_per_day, kendall_s=excluded.kendall_s,
                 variance_s=excluded.variance_s, z=excluded.z, p=excluded.p, trend=excluded.trend, band=excluded.band,
                 fingerprint=excluded.fingerprint, computed_at=excluded.computed_at`,
            )
            .bind(row.participantId, row.indicator, row.n, row.mean, row.min, row.max, row.slopePerMeasurement, row.slopePerDay, row.kendallS, row.varianceS, row.z, row.p, row.trend, row.band, fingerprint, now),
        );
      }
    }
    for (let j = 0; j < stmts.length; j += 100) await d1.batch(stmts.slice(j, j + 100));
    changed += stmts.length;
  }
  return { participants: participantIds.length, changed };
}

/** Drains the queue of youths with new answers; an entry re-requested during the run stays for the next one. */
export async function recomputeQueued(d1: D1Database, now: number): Promise<{ participants: number; changed: number }> {
  const queued = (await d1.prepare("SELECT participant_id, requested_at FROM recompute_queue ORDER BY requested_at LIMIT 5000").all<{ participant_id: number; requested_at: number }>()).results;
  if (!queued.length) return { participants: 0, changed: 0 };
  const result = await recomputeParticipants(d1, queued.map((q) => q.participant_id), now);
  await d1.batch(queued.map((q) => d1.prepare("DELETE FROM recompute_queue WHERE participant_id = ? AND requested_at = ?").bind(q.participant_id, q.requested_at)));
  return result;
}
