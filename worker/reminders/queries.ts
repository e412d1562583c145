import type { Env } from "../env";
import { AppError } from "../errors";
import { audit, type Actor } from "../lib/audit";
import { deliverOutbox } from "./outbox";

export const OUTBOX_STATUSES = ["queued", "sending", "sent", "failed", "cancelled"] as const;
export type OutboxQuery = { status?: (typeof OUTBOX_STATUSES)[number]; limit?: number; beforeId?: number };
const ID_RE = /^[1-9]\d{0,15}$/;

type OutboxRow = {
  id: number;
  key: string;
  occasion_id: number;
  kind: string;
  seq: number;
  status: string;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  sent_at: number | null;
  created_at: number;
  run_id: number | null;
  code: string;
};

export async function listOutbox(d1: D1Database, pilotId: number, q: OutboxQuery) {
  const [rows, counts] = await d1.batch<Record<string, unknown>>([
    d1
      .prepare(
        `SELECT b.id, b.key, b.occasion_id, b.kind, b.seq, b.status, b.attempts, ` +
          `b.next_attempt_at, b.last_error, b.sent_at, b.created_at, b.run_id, p.code
         FROM outbox b JOIN participants p ON p.id = b.participant_id
         WHERE b.pilot_id = ?1 AND (?2 IS NULL OR b.status = ` +
          `?2) AND (?3 IS NULL OR b.id < ?3) ORDER BY b.id DESC LIMIT ?4`,
      )
      .bind(pilotId, q.status ?? null, q.beforeId ?? null, q.limit ?? 100),
    d1.prepare("SELECT status, COUNT(*) AS n FROM outbox WHERE pilot_id = ? GROUP BY status").bind(pilotId),
  ]);
  return {
    counts: Object.fromEntries((counts!.results as { status: string; n: number }[]).map((r) => [r.status, r.n])),
    messages: (rows!.results as OutboxRow[]).map((r) => ({
      id: r.id,
      key: r.key,
      participantCode: r.code,
      occasionId: r.occasion_id,
      kind: r.kind,
      seq: r.seq,
      status: r.status,
      attempts: r.attempts,
      nextAttemptAt: r.status === "queued" ? r.next_attempt_at : null,
      reason: r.last_error,
      sentAt: r.sent_at,
      createdAt: r.created_at,
      runId: r.run_id,
    })),
  };
}

export async function listPauses(d1: D1Database, pilotId: number, now: number) {
  const { results } = await d1
    .prepare(
      `SELECT a.at, a.actor_id AS code, a.details, p.reminders_paused_until FROM audit_log a
       JOIN participants p ON p.id = CAST(substr(a.target, 13) AS INTEGER) AND a.target = 'participant:' || p.id
       WHERE a.action = 'reminders_paused' AND a.pilot_id = ? ORDER BY a.id DESC LIMIT 200`,
    )
    .bind(pilotId)
    .all<{ at: number; code: string; details: string | null; reminders_paused_until: number | null }>();
  return results.map((r) => {
    const until = (r.details ? (JSON.parse(r.details) as { until?: number }).until : null) ?? null;
    return {
      participantCode: r.code,
      pausedAt: r.at,
      until,
      activeNow: r.reminders_paused_until !== null && r.reminders_paused_until > now,
    };
  });
}

/** Only a failed message can be retried; the conditional UPDATE lets one of two concurrent retries win. */
export async function retryMessage(env: Env, pilotId: number, idParam: string, actor: Actor) {
  if (!ID_RE.test(idParam)) throw new AppError("validation", "Message id must be a positive integer");
  const id = Number(idParam);
  const now = Date.now();
  const row = await env.DB.prepare("SELECT id, status, last_error FROM outbox WHERE id = ? AND pilot_id = ?")
    .bind(id, pilotId)
    .first<{ id: number; status: string; last_error: string | null }>();
  if (!row) throw new AppError("not_found", "No such message in this pilot");
  const res = await env.DB.prepare(
    "UPDATE outbox SET status = 'queued', attempts = 0, next_attempt_at = ?, " +
      "last_error = 'retry_requested' WHERE id = ? AND pilot_id = ? AND status = 'failed'",
  )
    .bind(now, id, pilotId)
    .run();
  if (!res.meta.changes)
    throw new AppError("conflict", `Only failed messages can be retried (this one is ${row.status})`);
  await audit(env.DB, actor, "outbox.retry", now, {
    pilotId,
    target: `outbox:${id}`,
    details: { previousReason: row.last_error },
  });
  const delivery = await deliverOutbox(env, [id], () => Date.now());
  const after = (await env.DB.prepare("SELECT status, attempts, last_error, next_attempt_at FROM outbox WHERE id = ?")
    .bind(id)
    .first<{ status: string; attempts: number; last_error: string | null; next_attempt_at: number }>())!;
  return {
    id,
    status: after.status,
    attempts: after.attempts,
    reason: after.last_error,
    nextAttemptAt: after.status === "queued" ? after.next_attempt_at : null,
    delivery,
  };
}
