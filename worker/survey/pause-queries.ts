import { audit } from "../lib/audit";

export type PauseYouthRow = {
  id: number;
  code: string;
  pilot_id: number;
  status: string;
  reminders_paused_until: number | null;
  timezone: string;
  settings: string | null;
};

/** The youth with her pause and her pilot's time zone and settings (null when there is no such youth). */
export function pauseYouth(d1: D1Database, participantId: number): Promise<PauseYouthRow | null> {
  return d1
    .prepare(
      `SELECT p.id, p.code, p.pilot_id, p.status, p.reminders_paused_until, pl.timezone, pl.settings
       FROM participants p JOIN pilots pl ON pl.id = p.pilot_id WHERE p.id = ?`,
    )
    .bind(participantId)
    .first<PauseYouthRow>();
}

/**
 * Pauses her reminders until `until`, only when she is not paused now (repeated or concurrent presses change
 * nothing); messages already queued for her wait until the pause ends (same key, so still sent only once).
 * True when this call paused her.
 */
export async function pauseReminders(d1: D1Database, participantId: number, until: number, now: number) {
  const [pause] = await d1.batch([
    d1
      .prepare(
        `UPDATE participants SET reminders_paused_until = ?1
         WHERE id = ?2 AND (reminders_paused_until IS NULL OR reminders_paused_until <= ?3)`,
      )
      .bind(until, participantId, now),
    d1
      .prepare(
        `UPDATE outbox SET next_attempt_at = max(next_attempt_at, ?1), last_error = 'reminders_paused'
         WHERE participant_id = ?2 AND status = 'queued'
           AND EXISTS (SELECT 1 FROM participants WHERE id = ?2 AND reminders_paused_until = ?1)`,
      )
      .bind(until, participantId),
  ]);
  return pause!.meta.changes === 1;
}

/** The audit record of her pause (the youth's code as actor; listed for researchers). */
export function auditPause(
  d1: D1Database,
  youth: { id: number; code: string; pilotId: number },
  until: number,
  now: number,
  days: number,
) {
  return audit(d1, { type: "youth", id: youth.code }, "reminders_paused", now, {
    pilotId: youth.pilotId,
    target: `participant:${youth.id}`,
    details: { until, days },
  });
}

/** Until when her reminders are paused (null: not paused). */
export function pausedUntil(d1: D1Database, participantId: number): Promise<number | null> {
  return d1
    .prepare("SELECT reminders_paused_until FROM participants WHERE id = ?")
    .bind(participantId)
    .first<number | null>("reminders_paused_until");
}
