// Reminder runs and the outbox for researchers, as JSON API and as a workspace page: dry run / real run,
// run history, the outbox with its failures and a retry, and who paused reminders. Participant codes
// only: never an e-mail address.
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { z } from "zod/v4";
import { h, type VNode } from "preact";
import { RemindersPage, type Outcome } from "../../web/pages/reminders/RemindersPage";
import { getDb } from "../db";
import type { Env } from "../env";
import { AppError } from "../errors";
import { previewRun } from "../jobs/preview";
import { runScheduled, type RunRecordCounts } from "../jobs/scheduled";
import { audit, type Actor } from "../lib/audit";
import { deliverOutbox, repeatedFailures } from "../reminders/outbox";
import { actorOf, formBody, pilotFor, requireStaff, staffUserOf, WRITE_ROLES, type StaffEnv } from "./auth";
import { API_BASE, jsonBody, op, queryOf } from "./openapi";
import { outboxResponse, pausesResponse, reminderRunResponse, retryResponse, runsResponse } from "./responses";
import { renderStaffPage } from "../lib/render";
import { staffPageError } from "./pages";

export const runBody = z.object({ dryRun: z.boolean() }).strict();
const OUTBOX_STATUSES = ["queued", "sending", "sent", "failed", "cancelled"] as const;
export const outboxQuery = z
  .object({
    status: z.enum(OUTBOX_STATUSES).optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
    beforeId: z.coerce.number().int().min(1).optional(),
  })
  .strict();
export const runsQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).optional() }).strict();
const ID_RE = /^[1-9]\d{0,15}$/;

const limitBody = bodyLimit({ maxSize: 4 * 1024, onError: () => { throw new AppError("payload_too_large", "Body too large"); } });

// ---- queries shared by the API and the page -------------------------------------------------------

async function listRuns(d1: D1Database, pilotId: number, limit: number) {
  const { results } = await d1
    .prepare("SELECT id, pilot_id, trigger, triggered_by, dry_run, started_at, finished_at, counts FROM reminder_runs WHERE pilot_id = ? OR pilot_id IS NULL ORDER BY id DESC LIMIT ?")
    .bind(pilotId, limit)
    .all<{ id: number; pilot_id: number | null; trigger: string; triggered_by: string; dry_run: number; started_at: number; finished_at: number | null; counts: string | null }>();
  return results.map((r) => ({
    id: r.id,
    scope: r.pilot_id === null ? "all_pilots" : "pilot",
    trigger: r.trigger,
    triggeredBy: r.triggered_by,
    dryRun: !!r.dry_run,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    counts: r.counts ? countsFor(JSON.parse(r.counts) as RunRecordCounts, r.pilot_id, pilotId) : null,
  }));
}

/**
 * A run's counts as one pilot may see them: its own runs whole; a cron run (over every pilot) only this
 * pilot's share, zeros if the run had nothing of it. A cron run recorded before shares were kept shows no
 * counts rather than every pilot's totals.
 */
function countsFor(c: RunRecordCounts, runPilot: number | null, pilotId: number): Record<string, number> | null {
  const { byPilot, ...own } = c;
  if (runPilot !== null) return own;
  if (!byPilot) return null;
  const zeros = Object.fromEntries(Object.keys(own).map((k) => [k, 0]));
  return { ...zeros, ...byPilot[String(pilotId)], runId: c.runId };
}

type OutboxRow = {
  id: number; key: string; occasion_id: number; kind: string; seq: number; status: string; attempts: number; next_attempt_at: number;
  last_error: string | null; sent_at: number | null; created_at: number; run_id: number | null; code: string;
};

async function listOutbox(d1: D1Database, pilotId: number, q: z.infer<typeof outboxQuery>) {
  const [rows, counts] = await d1.batch<Record<string, unknown>>([
    d1
      .prepare(
        `SELECT b.id, b.key, b.occasion_id, b.kind, b.seq, b.status, b.attempts, b.next_attempt_at, b.last_error, b.sent_at, b.created_at, b.run_id, p.code
         FROM outbox b JOIN participants p ON p.id = b.participant_id
         WHERE b.pilot_id = ?1 AND (?2 IS NULL OR b.status = ?2) AND (?3 IS NULL OR b.id < ?3) ORDER BY b.id DESC LIMIT ?4`,
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

async function listPauses(d1: D1Database, pilotId: number, now: number) {
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
    return { participantCode: r.code, pausedAt: r.at, until, activeNow: r.reminders_paused_until !== null && r.reminders_paused_until > now };
  });
}

/** Only a failed message can be retried; the conditional UPDATE lets one of two concurrent retries win. */
async function retryMessage(env: Env, pilotId: number, idParam: string, actor: Actor) {
  if (!ID_RE.test(idParam)) throw new AppError("validation", "Message id must be a positive integer");
  const id = Number(idParam);
  const now = Date.now();
  const row = await env.DB.prepare("SELECT id, status, last_error FROM outbox WHERE id = ? AND pilot_id = ?").bind(id, pilotId).first<{ id: number; status: string; last_error: string | null }>();
  if (!row) throw new AppError("not_found", "No such message in this pilot");
  const res = await env.DB.prepare("UPDATE outbox SET status = 'queued', attempts = 0, next_attempt_at = ?, last_error = 'retry_requested' WHERE id = ? AND pilot_id = ? AND status = 'failed'")
    .bind(now, id, pilotId)
    .run();
  if (!res.meta.changes) throw new AppError("conflict", `Only failed messages can be retried (this one is ${row.status})`);
  await audit(getDb(env.DB), actor, "outbox.retry", now, { pilotId, target: `outbox:${id}`, details: { previousReason: row.last_error } });
  const delivery = await deliverOutbox(env, [id], () => Date.now());
  const after = (await env.DB.prepare("SELECT status, attempts, last_error, next_attempt_at FROM outbox WHERE id = ?").bind(id).first<{ status: string; attempts: number; last_error: string | null; next_attempt_at: number }>())!;
  return { id, status: after.status, attempts: after.attempts, reason: after.last_error, nextAttemptAt: after.status === "queued" ? after.next_attempt_at : null, delivery };
}

async function startRun(c: Context<StaffEnv>, pilotId: number, dryRun: boolean) {
  const actor = actorOf(c);
  const trigger = { type: "api" as const, by: actor.id, actorType: actor.type, pilotId };
  const now = Date.now();
  if (dryRun) return previewRun(c.env, now, pilotId, trigger);
  const summary = await runScheduled(c.env, now, trigger);
  return { runId: summary.runId, dryRun: false as const, now, counts: summary };
}

// ---- JSON API -----------------------------------------------------------------------------------------

export const reminderRoutes = new Hono<StaffEnv>()
  .post(op({ method: "post", path: `${API_BASE}/pilots/:pilot/reminder-runs`, summary: "Reminder run for a pilot: dryRun lists who would get what and why (nothing sent or queued); a real run sends", access: "write", body: runBody, response: reminderRunResponse }), requireStaff, limitBody, async (c) => {
    const pilot = await pilotFor(c, WRITE_ROLES);
    const { dryRun } = await jsonBody(c, runBody);
    return c.json(await startRun(c, pilot.id, dryRun));
  })
  .get(op({ method: "get", path: `${API_BASE}/pilots/:pilot/reminder-runs`, summary: "Recorded reminder runs of a pilot, and the cron runs over all pilots with this pilot's share of their counts only", access: "write", query: runsQuery, response: runsResponse }), requireStaff, async (c) => {
    const pilot = await pilotFor(c, WRITE_ROLES);
    const q = queryOf(c, runsQuery);
    return c.json({ runs: await listRuns(c.env.DB, pilot.id, q.limit ?? 50) });
  })
  .get(op({ method: "get", path: `${API_BASE}/pilots/:pilot/outbox`, summary: "Outbox of a pilot: queued, sent, failed with reason (participant codes only, never addresses)", access: "write", query: outboxQuery, response: outboxResponse }), requireStaff, async (c) => {
    const pilot = await pilotFor(c, WRITE_ROLES);
    return c.json(await listOutbox(c.env.DB, pilot.id, queryOf(c, outboxQuery)));
  })
  .post(op({ method: "post", path: `${API_BASE}/pilots/:pilot/outbox/:id/retry`, summary: "Queue a failed message again and try to send it now (audited)", access: "write", response: retryResponse }), requireStaff, limitBody, async (c) => {
    const pilot = await pilotFor(c, WRITE_ROLES);
    return c.json(await retryMessage(c.env, pilot.id, c.req.param("id") ?? "", actorOf(c)));
  })
  .get(op({ method: "get", path: `${API_BASE}/pilots/:pilot/reminder-pauses`, summary: "Youths who paused their reminders with the link in their mail, and until when", access: "write", response: pausesResponse }), requireStaff, async (c) => {
    const pilot = await pilotFor(c, WRITE_ROLES);
    return c.json({ pauses: await listPauses(c.env.DB, pilot.id, Date.now()) });
  });

// ---- workspace page (session cookie + CSRF through requireStaff) ------------------------------------

async function page(c: Context<StaffEnv>, pilot: { id: number; key: string; name: string; timezone: string }, outcome: Outcome, status = 200 as 200 | 400) {
  const s = c.req.query("status");
  const filter = (OUTBOX_STATUSES as readonly string[]).includes(s ?? "") ? (s as (typeof OUTBOX_STATUSES)[number]) : null;
  const now = Date.now();
  const [runs, outbox, pauses, warnings] = await Promise.all([
    listRuns(c.env.DB, pilot.id, 20),
    listOutbox(c.env.DB, pilot.id, { status: filter ?? undefined, limit: 200 }),
    listPauses(c.env.DB, pilot.id, now),
    // Repeated failures of one kind (an unreadable address after a key change, a relay that refuses): a warning.
    repeatedFailures(c.env.DB, now, pilot.id),
  ]);
  return renderStaffPage(
    c,
    h(RemindersPage, { user: staffUserOf(c), pilot, timezone: pilot.timezone, runs, outbox: outbox.messages, status: filter, pauses, outcome, warnings }) as VNode,
    status,
  );
}

export const reminderPageRoutes = new Hono<StaffEnv>()
  .get("/staff/pilots/:pilot/reminders", requireStaff, async (c) => page(c, await pilotFor(c, WRITE_ROLES), null))
  .post("/staff/pilots/:pilot/reminders/run", requireStaff, limitBody, async (c) => {
    const pilot = await pilotFor(c, WRITE_ROLES);
    const form = await formBody(c);
    if (form.dryRun !== "1" && form.dryRun !== "0") throw new AppError("validation", "dryRun must be 1 or 0");
    const r = await startRun(c, pilot.id, form.dryRun === "1");
    return page(c, pilot, r.dryRun ? { kind: "preview", items: r.items } : { kind: "run", counts: r.counts as unknown as Record<string, number> });
  })
  .post("/staff/pilots/:pilot/reminders/outbox/:id/retry", requireStaff, limitBody, async (c) => {
    const pilot = await pilotFor(c, WRITE_ROLES);
    const r = await retryMessage(c.env, pilot.id, c.req.param("id") ?? "", actorOf(c));
    return page(c, pilot, { kind: "retried", status: r.status });
  })
  // A page: its refusals (401, 403, 404, 409, 413) are pages too, as on every other workspace page.
  .onError(staffPageError);
