// Data of a youth's link and assisted entry (worker/staff/assisted.tsx): her open questionnaires with their
// link's state, re-sending and revoking her link through the outbox, kiosk sessions, and storing an assisted
// questionnaire in one guarded transaction. Every function takes the D1 binding first.
import type { AnswerRow } from "../survey/answers";
import { openOccasion, openWindow, unanswered } from "../studies/occasion-sql";

export type OpenRow = {
  id: number;
  kind: "frequent" | "wave";
  wave: string | null;
  seq: number;
  due_date: string;
  closes_at: number;
  link_generation: number;
  instrument_version_ids: string;
  participant_status: string;
  last_sent: number | null;
};

/** Her open questionnaires (opened, not closed, not answered) with the last time a mail about each was sent. */
export async function openOccasionRows(d1: D1Database, participantId: number, now: number) {
  const { results } = await d1
    .prepare(
      `SELECT o.id, o.kind, o.wave, o.seq, o.due_date, o.closes_at, o.link_generation, o.instrument_version_ids,
         p.status AS participant_status,
         (SELECT max(b.sent_at) FROM outbox b WHERE b.occasion_id = o.id AND b.status = 'sent') AS last_sent
       FROM occasions o JOIN participants p ON p.id = o.participant_id
       WHERE o.participant_id = ?1 AND ${openOccasion("?2")}`,
    )
    .bind(participantId, now)
    .all<OpenRow>();
  return results;
}

/** Whether an address of hers is stored (the address itself is not read). */
export async function hasEmail(d1: D1Database, participantId: number) {
  const row = await d1
    .prepare("SELECT email_enc IS NOT NULL AS has FROM participant_contacts WHERE participant_id = ?")
    .bind(participantId)
    .first<{ has: number }>();
  return !!row?.has;
}

/** One `resend` row per open occasion for this press (its key holds the press: a repeated post adds nothing). */
function resendStatement(d1: D1Database, pilotId: number, participantId: number, press: string, now: number) {
  return d1
    .prepare(
      `INSERT INTO outbox (key, occasion_id, participant_id, pilot_id, kind, seq, status, attempts, next_attempt_at,
         created_at)
       SELECT o.id || ':resend:' || ?3, o.id, o.participant_id, ?2, 'resend',
         (SELECT count(*) + 1 FROM outbox x WHERE x.occasion_id = o.id AND x.kind = 'resend'), 'queued', 0, ?4, ?4
       FROM occasions o WHERE o.participant_id = ?1 AND ${openWindow("?4")}
       ON CONFLICT (key) DO NOTHING RETURNING id`,
    )
    .bind(participantId, pilotId, press, now);
}

/** Queues a re-send of her current link for this press; returns the new outbox ids (none for a repeated post). */
export async function queueResend(d1: D1Database, pilotId: number, participantId: number, press: string, now: number) {
  const { results } = await resendStatement(d1, pilotId, participantId, press, now).all<{ id: number }>();
  return results.map((r) => r.id);
}

/**
 * One transaction: revoke her links and raise the generation (only once per press: not when this press's rows
 * exist), then queue the new link; the new rows are built with the raised generation at delivery. Returns the new
 * outbox ids.
 */
export async function revokeAndQueue(d1: D1Database, pilotId: number, participantId: number, key: string, now: number) {
  const pressed = `NOT EXISTS (SELECT 1 FROM outbox WHERE pilot_id = ?3 AND participant_id = ?2 AND kind = 'resend'
    AND key LIKE '%:resend:' || ?4)`;
  const open = `SELECT id FROM occasions WHERE participant_id = ?2 AND ${unanswered("")}`;
  const [, , inserted] = await d1.batch<{ id: number }>([
    d1
      .prepare(
        `UPDATE secure_links SET revoked_at = ?1 WHERE revoked_at IS NULL AND occasion_id IN (${open}) AND ${pressed}`,
      )
      .bind(now, participantId, pilotId, key),
    d1
      .prepare(
        `UPDATE occasions SET link_generation = link_generation + 1
         WHERE participant_id = ?2 AND ${unanswered("")} AND ?1 IS NOT NULL AND ${pressed}`,
      )
      .bind(now, participantId, pilotId, key),
    resendStatement(d1, pilotId, participantId, key, now),
  ]);
  return inserted!.results.map((r) => r.id);
}

/** A new kiosk session (only the token's hash is stored). */
export async function createKioskSession(
  d1: D1Database,
  s: {
    tokenHash: string;
    occasionId: number;
    participantId: number;
    pilotId: number;
    staffUserId: number;
    now: number;
    expiresAt: number;
  },
) {
  await d1
    .prepare(
      `INSERT INTO kiosk_sessions (token_hash, occasion_id, participant_id, pilot_id, staff_user_id, last_seen_at,
         expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(s.tokenHash, s.occasionId, s.participantId, s.pilotId, s.staffUserId, s.now, s.expiresAt, s.now)
    .run();
}

export type KioskRow = {
  occasion_id: number;
  participant_id: number;
  pilot_id: number;
  staff_user_id: number;
  last_seen_at: number;
  expires_at: number;
  ended_at: number | null;
  occasion_status: string;
  instrument_version_ids: string;
  participant_status: string;
  code: string;
  settings: string | null;
};

/** A kiosk session by its token's hash, with its occasion, participant and pilot settings (null if unknown). */
export function kioskSession(d1: D1Database, tokenHash: string) {
  return d1
    .prepare(
      `SELECT k.occasion_id, k.participant_id, k.pilot_id, k.staff_user_id, k.last_seen_at, k.expires_at, k.ended_at,
         o.status AS occasion_status, o.instrument_version_ids, p.status AS participant_status, p.code, pl.settings
       FROM kiosk_sessions k JOIN occasions o ON o.id = k.occasion_id JOIN participants p ON p.id = k.participant_id
         JOIN pilots pl ON pl.id = k.pilot_id
       WHERE k.token_hash = ?`,
    )
    .bind(tokenHash)
    .first<KioskRow>();
}

/** Input on a kiosk page: the idle clock of a session not yet ended restarts. */
export async function touchKioskSession(d1: D1Database, tokenHash: string, now: number) {
  await d1
    .prepare("UPDATE kiosk_sessions SET last_seen_at = ?1 WHERE token_hash = ?2 AND ended_at IS NULL")
    .bind(now, tokenHash)
    .run();
}

/**
 * A background save: restarts the idle clock only of a live session (not ended, not expired, input after
 * `idleSince`); returns whether it was live.
 */
export async function keepKioskAlive(d1: D1Database, tokenHash: string, now: number, idleSince: number) {
  const res = await d1
    .prepare(
      `UPDATE kiosk_sessions SET last_seen_at = ?1
       WHERE token_hash = ?2 AND ended_at IS NULL AND expires_at > ?1 AND last_seen_at > ?3`,
    )
    .bind(now, tokenHash, idleSince)
    .run();
  return !!res.meta.changes;
}

/**
 * Stores an assisted questionnaire (kiosk or phone) and completes the occasion in one D1 transaction. Every
 * statement is guarded by `live` (the occasion still open; for a kiosk also its session still live), and the
 * completing UPDATE comes after the inserts, so of two concurrent submits one stores everything and the other
 * nothing. A kiosk session is live while not ended, not expired and with input after `idleSince`. Returns whether
 * it was stored.
 */
export async function storeAssisted(
  d1: D1Database,
  o: { occasionId: number; participantId: number; pilotId: number; code: string },
  rows: AnswerRow[],
  now: number,
  mode: "kiosk" | "phone",
  staff: { userId: number; actor: { type: string; id: string } },
  kiosk?: { hash: string; idleSince: number },
) {
  const occ = o.occasionId;
  const kioskHash = kiosk?.hash;
  const kioskLive = kiosk
    ? ` AND EXISTS (SELECT 1 FROM kiosk_sessions k WHERE k.token_hash = '${kiosk.hash.replace(/[^0-9a-f]/g, "")}'
        AND k.occasion_id = ${occ} AND k.ended_at IS NULL AND k.expires_at > ${now}
        AND k.last_seen_at > ${kiosk.idleSince})`
    : "";
  const live = `EXISTS (SELECT 1 FROM occasions WHERE id = ${occ} AND ${unanswered("")})${kioskLive}`;
  const answers = JSON.stringify(
    rows.map((r) => [r.versionId, r.itemKey, r.value, r.notApplicable ? 1 : 0, r.comment]),
  );
  const guarded = (sql: string, ...params: unknown[]) => d1.prepare(`${sql} AND ${live}`).bind(...params);
  const stmts = [
    d1
      .prepare(
        `INSERT INTO responses (occasion_id, participant_id, instrument_version_id, item_key, value, not_applicable,
           comment, answered_at, mode, entered_by)
         SELECT ?1, ?2, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'), json_extract(j.value, '$[2]'),
           json_extract(j.value, '$[3]'), json_extract(j.value, '$[4]'), ?3, ?4, ?5
         FROM json_each(?6) j WHERE ${live}`,
      )
      .bind(occ, o.participantId, now, mode, staff.userId, answers),
    guarded("UPDATE secure_links SET used_at = ?1 WHERE occasion_id = ?2 AND used_at IS NULL", now, occ),
    d1
      .prepare(
        `INSERT INTO occasion_timings (occasion_id, first_opened_at, submitted_at) SELECT ?1, ?2, ?2 WHERE ${live}
         ON CONFLICT (occasion_id) DO UPDATE SET submitted_at = excluded.submitted_at`,
      )
      .bind(occ, now),
    d1
      .prepare(
        `INSERT INTO recompute_queue (participant_id, requested_at) SELECT ?1, ?2 WHERE ${live}
         ON CONFLICT (participant_id) DO UPDATE SET requested_at = excluded.requested_at`,
      )
      .bind(o.participantId, now),
    guarded(
      "UPDATE outbox SET status = 'cancelled', last_error = 'completed' WHERE occasion_id = ?1 AND status = 'queued'",
      occ,
    ),
    guarded("DELETE FROM draft_answers WHERE occasion_id = ?1", occ),
    guarded("DELETE FROM drafts WHERE occasion_id = ?1", occ),
    guarded("UPDATE occasions SET status = 'completed', completed_at = ?1 WHERE id = ?2", now, occ),
    d1
      .prepare(
        `INSERT INTO audit_log (at, actor_type, actor_id, action, pilot_id, target, details)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7
         WHERE EXISTS (SELECT 1 FROM occasions WHERE id = ?8 AND status = 'completed' AND completed_at = ?1)`,
      )
      .bind(
        now,
        staff.actor.type,
        staff.actor.id,
        `answers.${mode}`,
        o.pilotId,
        o.code,
        JSON.stringify({ occasionId: occ, answers: rows.length, enteredBy: staff.userId }),
        occ,
      ),
  ];
  if (kioskHash)
    stmts.push(
      d1
        .prepare("UPDATE kiosk_sessions SET ended_at = coalesce(ended_at, ?1) WHERE token_hash = ?2")
        .bind(now, kioskHash),
    );
  const results = await d1.batch(stmts);
  return (results[7]!.meta.changes ?? 0) === 1;
}
