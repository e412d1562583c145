// Reminder runs and the outbox for researchers: dry run / real run, run history, the outbox with its
// failures and a retry, and who paused reminders. Participant codes only: never an e-mail address.
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { z } from "zod/v4";
import { getDb } from "../db";
import { AppError } from "../errors";
import { previewRun } from "../jobs/preview";
import { runScheduled } from "../jobs/scheduled";
import { audit } from "../lib/audit";
import { deliverOutbox } from "../reminders/outbox";
import { actorOf, pilotFor, requireStaff, WRITE_ROLES, type StaffEnv } from "./auth";
import { API_BASE, jsonBody, op, queryOf } from "./openapi";

export const runBody = z.object({ dryRun: z.boolean() }).strict();
export const outboxQuery = z
  .object({
    status: z.enum(["queued", "sending", "sent", "failed", "cancelled"]).optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
    beforeId: z.coerce.number().int().min(1).optional(),
  })
  .strict();
export const runsQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).optional() }).strict();
const ID_RE = /^[1-9]\d{0,15}$/;

const limitBody = bodyLimit({ maxSize: 4 * 1024, onError: () => { throw new AppError("payload_too_large", "Body too large"); } });

export const reminderRoutes = new Hono<StaffEnv>()
  .post(op({ method: "post", path: `${API_BASE}/pilots/:pilot/reminder-runs`, summary: "Reminder run for a pilot: dryRun lists who would get what and why (nothing sent or queued); a real run sends", access: "write", body: runBody }), requireStaff, limitBody, async (c) => {
    const pilot = await pilotFor(c, WRITE_ROLES);
    const { dryRun } = await jsonBody(c, runBody);
    const actor = actorOf(c);
    const trigger = { type: "api" as const, by: actor.id, actorType: actor.type, pilotId: pilot.id };
    const now = Date.now();
    if (dryRun) return c.json(await previewRun(c.env, now, pilot.id, trigger));
    const summary = await runScheduled(c.env, now, trigger);
    return c.json({ runId: summary.runId, dryRun: false, now, counts: summary });
  })
  .get(op({ method: "get", path: `${API_BASE}/pilots/:pilot/reminder-runs`, summary: "Recorded reminder runs of a pilot and the cron runs over all pilots", access: "write", query: runsQuery }), requireStaff, async (c) => {
    const pilot = await pilotFor(c, WRITE_ROLES);
    const q = queryOf(c, runsQuery);
    const { results } = await c.env.DB.prepare(
      "SELECT id, pilot_id, trigger, triggered_by, dry_run, started_at, finished_at, counts FROM reminder_runs WHERE pilot_id = ? OR pilot_id IS NULL ORDER BY id DESC LIMIT ?",
    )
      .bind(pilot.id, q.limit ?? 50)
      .all<{ id: number; pilot_id: number | null; trigger: string; triggered_by: string; dry_run: number; started_at: number; finished_at: number | null; counts: string | null }>();
    return c.json({
      runs: results.map((r) => ({
        id: r.id,
        scope: r.pilot_id === null ? "all_pilots" : "pilot",
        trigger: r.trigger,
        triggeredBy: r.triggered_by,
        dryRun: !!r.dry_run,
        startedAt: r.started_at,
        finishedAt: r.finished_at,
        counts: r.counts ? JSON.parse(r.counts) : null,
      })),
    });
  })
  .get(op({ method: "get", path: `${API_BASE}/pilots/:pilot/outbox`, summary: "Outbox of a pilot: queued, sent, failed with reason (participant codes only, never addresses)", access: "write", query: outboxQuery }), requireStaff, async (c) => {
    const pilot = await pilotFor(c, WRITE_ROLES);
    const q = queryOf(c, outboxQuery);
    const { results } = await c.env.DB.prepare(
      `SELECT b.id, b.key, b.occasion_id, b.kind, b.seq, b.status, b.attempts, b.next_attempt_at, b.last_error, b.sent_at, b.created_at, b.run_id, p.code
       FROM outbox b JOIN participants p ON p.id = b.participant_id
       WHERE b.pilot_id = ?1 AND (?2 IS NULL OR b.status = ?2) AND (?3 IS NULL OR b.id < ?3) ORDER BY b.id DESC LIMIT ?4`,
    )
      .bind(pilot.id, q.status ?? null, q.beforeId ?? null, q.limit ?? 100)
      .all<Record<string, string & number>>();
    const counts = await c.env.DB.prepare("SELECT status, COUNT(*) AS n FROM outbox WHERE pilot_id = ? GROUP BY status").bind(pilot.id).all<{ status: string; n: number }>();
    return c.json({
      counts: Object.fromEntries(counts.results.map((r) => [r.status, r.n])),
      messages: results.map((r) => ({
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
    });
  })
  .post(op({ method: "post", path: `${API_BASE}/pilots/:pilot/outbox/:id/retry`, summary: "Queue a failed message again and try to send it now (audited)", access: "write" }), requireStaff, limitBody, async (c) => {
    const pilot = await pilotFor(c, WRITE_ROLES);
    const idParam = c.req.param("id") ?? "";
    if (!ID_RE.test(idParam)) throw new AppError("validation", "Message id must be a positive integer");
    const id = Number(idParam);
    const now = Date.now();
    const row = await c.env.DB.prepare("SELECT id, status, last_error FROM outbox WHERE id = ? AND pilot_id = ?").bind(id, pilot.id).first<{ id: number; status: string; last_error: string | null }>();
    if (!row) throw new AppError("not_found", "No such message in this pilot");
    // Only a failed message can be retried; the conditional UPDATE lets one of two concurrent retries win.
    const res = await c.env.DB.prepare("UPDATE outbox SET status = 'queued', attempts = 0, next_attempt_at = ?, last_error = 'retry_requested' WHERE id = ? AND pilot_id = ? AND status = 'failed'")
      .bind(now, id, pilot.id)
      .run();
    if (!res.meta.changes) throw new AppError("conflict", `Only failed messages can be retried (this one is ${row.status})`);
    await audit(getDb(c.env.DB), actorOf(c), "outbox.retry", now, { pilotId: pilot.id, target: `outbox:${id}`, details: { previousReason: row.last_error } });
    const delivery = await deliverOutbox(c.env, [id], () => Date.now());
    const after = await c.env.DB.prepare("SELECT status, attempts, last_error, next_attempt_at FROM outbox WHERE id = ?").bind(id).first<{ status: string; attempts: number; last_error: string | null; next_attempt_at: number }>();
    return c.json({ id, status: after!.status, attempts: after!.attempts, reason: after!.last_error, nextAttemptAt: after!.status === "queued" ? after!.next_attempt_at : null, delivery });
  })
  .get(op({ method: "get", path: `${API_BASE}/pilots/:pilot/reminder-pauses`, summary: "Youths who paused their reminders with the link in their mail, and until when", access: "write" }), requireStaff, async (c) => {
    const pilot = await pilotFor(c, WRITE_ROLES);
    const now = Date.now();
    const { results } = await c.env.DB.prepare(
      `SELECT a.at, a.actor_id AS code, a.details, p.reminders_paused_until FROM audit_log a
       JOIN participants p ON a.target = 'participant:' || p.id
       WHERE a.action = 'reminders_paused' AND a.pilot_id = ? ORDER BY a.id DESC LIMIT 200`,
    )
      .bind(pilot.id)
      .all<{ at: number; code: string; details: string | null; reminders_paused_until: number | null }>();
    return c.json({
      pauses: results.map((r) => {
        const until = (r.details ? (JSON.parse(r.details) as { until?: number }).until : null) ?? null;
        return { participantCode: r.code, pausedAt: r.at, until, activeNow: r.reminders_paused_until !== null && r.reminders_paused_until > now };
      }),
    });
  });
