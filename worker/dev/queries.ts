// Data of the local-development routes (worker/dev/routes.ts): an open occasion of a demo youth, and the many open
// frequent questionnaires of one new youth that `npm run bench` answers. Every function takes the D1 binding first;
// prepared statements (a recursive insert and chunked JSON inserts).
import { openOccasion } from "../studies/occasion-sql";

/** The open occasion of the pilot that closes last (frequent before wave), optionally of one kind. */
export function lastClosingOpenOccasion(d1: D1Database, pilotKey: string, now: number, kind?: "frequent" | "wave") {
  return d1
    .prepare(
      `SELECT o.id, o.closes_at, p.code FROM occasions o JOIN participants p ON p.id = o.participant_id
         JOIN pilots pl ON pl.id = p.pilot_id
       WHERE pl.key = ?1 AND ${openOccasion("?2")} AND (?3 IS NULL OR o.kind = ?3)
       ORDER BY o.kind = 'frequent' DESC, o.closes_at DESC LIMIT 1`,
    )
    .bind(pilotKey, now, kind ?? null)
    .first<{ id: number; closes_at: number; code: string }>();
}

/** The pilot's newest frequent occasion: its pilot, the pilot's settings and the instrument versions it asks. */
export function newestFrequentOccasion(d1: D1Database, pilotKey: string) {
  return d1
    .prepare(
      `SELECT p.pilot_id, pl.settings, o.instrument_version_ids FROM occasions o
         JOIN participants p ON p.id = o.participant_id JOIN pilots pl ON pl.id = p.pilot_id
       WHERE pl.key = ? AND o.kind = 'frequent' ORDER BY o.id DESC LIMIT 1`,
    )
    .bind(pilotKey)
    .first<{ pilot_id: number; settings: string | null; instrument_version_ids: string }>();
}

/**
 * A new active youth with `count` open frequent occasions (seq 1..count, all due `day`); returns her id and the
 * occasion ids in seq order.
 */
export async function insertBenchYouth(
  d1: D1Database,
  y: {
    pilotId: number;
    code: string;
    day: string;
    count: number;
    opensAt: number;
    closesAt: number;
    instrumentVersionIds: string;
    now: number;
  },
) {
  const pid = await d1
    .prepare(
      `INSERT INTO participants (pilot_id, code, pilot_start_date, status, consent_by, consent_date, created_at)
       VALUES (?, ?, ?, 'active', 'self', ?, ?) RETURNING id`,
    )
    .bind(y.pilotId, y.code, y.day, y.day, y.now)
    .first<number>("id");
  await d1
    .prepare(
      `INSERT INTO occasions (participant_id, kind, seq, due_date, opens_at, closes_at, status, instrument_version_ids,
         created_at)
       WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
       SELECT ?, 'frequent', i, ?, ?, ?, 'open', ?, ? FROM n`,
    )
    .bind(y.count, pid, y.day, y.opensAt, y.closesAt, y.instrumentVersionIds, y.now)
    .run();
  const { results } = await d1
    .prepare("SELECT id FROM occasions WHERE participant_id = ? ORDER BY seq")
    .bind(pid)
    .all<{ id: number }>();
  return { participantId: pid!, occasionIds: results.map((r) => r.id) };
}

/** Secure links for [occasion id, token hash] pairs, 1000 per statement. */
export async function insertLinks(d1: D1Database, links: [number, string][], expiresAt: number) {
  for (let i = 0; i < links.length; i += 1000) {
    await d1
      .prepare(
        `INSERT INTO secure_links (occasion_id, token_hash, expires_at)
         SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), ? FROM json_each(?)`,
      )
      .bind(expiresAt, JSON.stringify(links.slice(i, i + 1000)))
      .run();
  }
}
