import { dueOccasions, localDate, planOccasions, zonedTimeToUtc } from "../schedule/schedule";
import { currentVersions } from "./instruments";
import { instrumentsOf, parseSettings, scheduleOf } from "./settings";
import { HOUR_MS } from "../../core/time";
import { expired } from "./occasion-sql";

const JSON_CHUNK = 2_000;

export type OccasionToOpen = {
  participantId: number;
  pilotId: number;
  code: string;
  kind: "frequent" | "wave";
  wave: "T1" | "T2" | "T3" | null;
  seq: number;
  dueDate: string;
  opensAt: number;
  closesAt: number;
  instrumentVersionIds: number[];
};

/** A configured instrument that has no definition: its questions cannot be asked. */
export type MissingInstrument = { pilotId: number; instrument: string };

/**
 * Every occasion due today on a youth's schedule (whether or not it exists already). Reads only.
 * Instruments the pilot is configured with but that have no definition are left out of the occasion
 * (an occasion with none left is not planned) and added to `missing`, never dropped in silence.
 */
export async function collectDueOccasions(
  d1: D1Database,
  now: number,
  pilotId?: number,
  missing: MissingInstrument[] = [],
): Promise<OccasionToOpen[]> {
  const [pilots, people] = await d1.batch<Record<string, unknown>>([
    d1.prepare("SELECT id, key, timezone, settings FROM pilots"),
    pilotId === undefined
      ? d1.prepare(
          "SELECT id, pilot_id, code, pilot_start_date FROM participants WHERE status IN ('active','left_care')",
        )
      : d1
          .prepare(
            "SELECT id, pilot_id, code, pilot_start_date FROM participants " +
              "WHERE status IN ('active','left_care') AND pilot_id = ?",
          )
          .bind(pilotId),
  ]);
  const versions = await currentVersions(d1);
  const byPilot = new Map<number, { id: number; pilot_id: number; code: string; pilot_start_date: string }[]>();
  for (const p of people!.results as { id: number; pilot_id: number; code: string; pilot_start_date: string }[]) {
    const list = byPilot.get(p.pilot_id) ?? [];
    list.push(p);
    byPilot.set(p.pilot_id, list);
  }
  const rows: OccasionToOpen[] = [];
  for (const raw of pilots!.results as { id: number; key: string; timezone: string; settings: string | null }[]) {
    if (pilotId !== undefined && raw.id !== pilotId) continue;
    const pilot = { key: raw.key, timezone: raw.timezone, settings: parseSettings(raw.settings) };
    const schedule = scheduleOf(pilot);
    const { frequent, wave } = instrumentsOf(pilot);
    const today = localDate(now, pilot.timezone);
    for (const p of byPilot.get(raw.id) ?? []) {
      for (const o of dueOccasions(planOccasions(p.pilot_start_date, schedule, frequent, wave), today)) {
        const ids: number[] = [];
        for (const k of o.instruments) {
          const v = versions.get(k);
          if (v !== undefined) ids.push(v);
          else if (!missing.some((m) => m.pilotId === raw.id && m.instrument === k))
            missing.push({ pilotId: raw.id, instrument: k });
        }
        if (!ids.length) continue;
        rows.push({
          participantId: p.id,
          pilotId: raw.id,
          code: p.code,
          kind: o.kind,
          wave: o.wave,
          seq: o.seq,
          dueDate: o.dueDate,
          opensAt: zonedTimeToUtc(o.dueDate, 0, 0, pilot.timezone),
          closesAt: zonedTimeToUtc(o.closesDate, 0, 0, pilot.timezone),
          instrumentVersionIds: ids,
        });
      }
    }
  }
  return rows;
}

/**
 * Opens every occasion that is due today on a youth's schedule and not yet opened. Idempotent: the
 * (participant, kind, seq) unique index makes overlapping runs harmless. Rows go out as JSON arrays,
 * 2,000 per statement, all statements in one D1 batch.
 */
export async function openDueOccasions(
  d1: D1Database,
  now: number,
  pilotId?: number,
  byPilot?: Map<number, number>,
): Promise<number> {
  const missing: MissingInstrument[] = [];
  const rows = await collectDueOccasions(d1, now, pilotId, missing);
  await reportMissingInstruments(d1, missing, now);
  if (!rows.length) return 0;
  const stmts = [];
  for (let i = 0; i < rows.length; i += JSON_CHUNK) {
    const chunk = rows
      .slice(i, i + JSON_CHUNK)
      .map((r) => [r.participantId, r.kind, r.wave, r.seq, r.dueDate, r.opensAt, r.closesAt, r.instrumentVersionIds]);
    stmts.push(
      d1
        .prepare(
          `INSERT INTO occasions (participant_id, kind, wave, seq, ` +
            `due_date, opens_at, closes_at, status, instrument_version_ids)
           SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), ` +
            `json_extract(value, '$[2]'), json_extract(value, '$[3]'), json_extract(value, '$[4]'),
                  json_extract(value, '$[5]'), json_extract(value, '$[6]'), 'open', json_extract(value, '$[7]')
           FROM json_each(?1) WHERE true ON CONFLICT (participant_id, kind, seq) DO NOTHING RETURNING participant_id`,
        )
        .bind(JSON.stringify(chunk)),
    );
  }
  const res = await d1.batch<{ participant_id: number }>(stmts);
  // How many each pilot got (a cron run records every pilot's share).
  const pilotOf = new Map(rows.map((r) => [r.participantId, r.pilotId]));
  let opened = 0;
  for (const r of res) {
    for (const { participant_id } of r.results) {
      opened++;
      const p = pilotOf.get(participant_id)!;
      byPilot?.set(p, (byPilot.get(p) ?? 0) + 1);
    }
  }
  return opened;
}

const MISSING_REPORT_INTERVAL_MS = 24 * HOUR_MS;

/**
 * One audit entry `occasion.unplanned` per pilot and missing instrument per day (the cron runs every
 * 15 minutes; the log must not flood). The researcher's pilot page shows the same gap, live
 * (missingInstrumentsOf in worker/studies/instruments.ts).
 */
export async function reportMissingInstruments(
  d1: D1Database,
  missing: MissingInstrument[],
  now: number,
): Promise<number> {
  if (!missing.length) return 0;
  const { results } = await d1
    .prepare("SELECT pilot_id, target FROM audit_log WHERE action = 'occasion.unplanned' AND at > ?")
    .bind(now - MISSING_REPORT_INTERVAL_MS)
    .all<{ pilot_id: number; target: string }>();
  const fresh = missing.filter(
    (m) => !results.some((r) => r.pilot_id === m.pilotId && r.target === `instrument:${m.instrument}`),
  );
  if (!fresh.length) return 0;
  await d1.batch(
    fresh.map((m) =>
      d1
        .prepare(
          "INSERT INTO audit_log (at, actor_type, actor_id, action, pilot_id, target, " +
            "details) VALUES (?, 'system', 'scheduler', 'occasion.unplanned', ?, ?, ?)",
        )
        .bind(
          now,
          m.pilotId,
          `instrument:${m.instrument}`,
          JSON.stringify({ reason: "instrument_missing", instrument: m.instrument }),
        ),
    ),
  );
  for (const m of fresh)
    console.warn(JSON.stringify({ event: "occasion_unplanned", pilotId: m.pilotId, instrument: m.instrument }));
  return fresh.length;
}

/**
 * Occasions whose window has passed (of one pilot, or of all) become missed; their queued messages are
 * cancelled, their unsent drafts deleted and their youths queued for the recompute (and so for signals).
 * `byPilot` receives how many each pilot had closed.
 */
export async function closeExpired(
  d1: D1Database,
  now: number,
  pilotId?: number,
  byPilot?: Map<number, number>,
  touched?: Set<number>,
): Promise<number> {
  const scope = pilotId === undefined ? "" : " AND participant_id IN (SELECT id FROM participants WHERE pilot_id = ?2)";
  const bind = (s: D1PreparedStatement) => (pilotId === undefined ? s.bind(now) : s.bind(now, pilotId));
  const closing = `SELECT id FROM occasions WHERE ${expired("?1", "")}${scope}`;
  // An unsent draft ends with its occasion: its answers and comments never enter analysis and are not
  // kept once she can no longer send them.
  const [, , , , close] = await d1.batch<{ pilot_id: number; participant_id: number }>([
    bind(d1.prepare(`DELETE FROM draft_answers WHERE occasion_id IN (${closing})`)),
    bind(d1.prepare(`DELETE FROM drafts WHERE occasion_id IN (${closing})`)),
    // A missed questionnaire is new input for her signals (missed_in_row): queued with the close, so a run that
    // dies after closing leaves her to the next run's recompute and signals instead of losing her.
    bind(
      d1.prepare(
        `INSERT INTO recompute_queue (participant_id, requested_at) SELECT DISTINCT participant_id, ?1 FROM occasions
         WHERE ${expired("?1", "")}${scope} ON CONFLICT (participant_id) DO NOTHING`,
      ),
    ),
    bind(
      d1.prepare(
        `UPDATE outbox SET status = 'cancelled', last_error = 'closed' ` +
          `WHERE status = 'queued' AND occasion_id IN (${closing})`,
      ),
    ),
    bind(
      d1.prepare(
        `UPDATE occasions SET status = 'missed' WHERE ${expired("?1", "")}${scope}
         RETURNING (SELECT p.pilot_id FROM participants p WHERE ` +
          `p.id = occasions.participant_id) AS pilot_id, participant_id`,
      ),
    ),
  ]);
  for (const { pilot_id, participant_id } of close!.results) {
    byPilot?.set(pilot_id, (byPilot.get(pilot_id) ?? 0) + 1);
    touched?.add(participant_id);
  }
  return close!.results.length;
}

/** Of `due`, those whose (participant, kind, seq) has no occasion row yet: what a run would open (dry run). */
export async function notYetOpened(d1: D1Database, due: OccasionToOpen[], pilotId: number): Promise<OccasionToOpen[]> {
  if (!due.length) return [];
  const { results } = await d1
    .prepare(
      "SELECT o.participant_id, o.kind, o.seq FROM occasions o JOIN " +
        "participants p ON p.id = o.participant_id WHERE p.pilot_id = ?",
    )
    .bind(pilotId)
    .all<{ participant_id: number; kind: string; seq: number }>();
  const have = new Set(results.map((r) => `${r.participant_id}:${r.kind}:${r.seq}`));
  return due.filter((o) => !have.has(`${o.participantId}:${o.kind}:${o.seq}`));
}
