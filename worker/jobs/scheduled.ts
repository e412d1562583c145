import { recomputeQueued } from "../analysis/recompute";
import { getDb } from "../db";
import { schema } from "../db";
import type { Env } from "../env";
import { audit } from "../lib/audit";
import { deliverOutbox, dueOutboxIds, enqueueMessages, planMessages, resolveStaleClaims } from "../reminders/outbox";
import { closeExpired, openDueOccasions } from "./occasions";
import { eq } from "drizzle-orm";

/** Above this many due messages the run fans out over the queue instead of sending inline. */
export const INLINE_SEND_LIMIT = 50;
export const QUEUE_BATCH = 50;

export type RunSummary = { runId: number; opened: number; closed: number; staleResolved: number; planned: number; enqueued: number; sentInline: number; failedInline: number; queuedBatches: number; recomputed: number };

/** The cron job: open due occasions, close expired ones, plan and send messages, recompute changed youths. */
export async function runScheduled(env: Env, now: number, trigger: { type: "cron" | "manual" | "api"; by: string; pilotId?: number } = { type: "cron", by: "cron" }): Promise<RunSummary> {
  const db = getDb(env.DB);
  const [run] = await db
    .insert(schema.reminderRuns)
    .values({ pilotId: trigger.pilotId ?? null, trigger: trigger.type, triggeredBy: trigger.by, dryRun: false, startedAt: now })
    .returning({ id: schema.reminderRuns.id });
  const runId = run!.id;
  const opened = await openDueOccasions(db, now, trigger.pilotId);
  const closed = await closeExpired(env.DB, now);
  const staleResolved = await resolveStaleClaims(env.DB, now);
  const planned = await planMessages(db, now, { pilotId: trigger.pilotId });
  const enqueued = await enqueueMessages(db, planned, now, runId);
  const due = await dueOutboxIds(env.DB, now, 10_000, trigger.pilotId);
  let sentInline = 0;
  let queuedBatches = 0;
  let failedInline = 0;
  if (due.length > INLINE_SEND_LIMIT) {
    const batches = [];
    for (let i = 0; i < due.length; i += QUEUE_BATCH) batches.push({ body: { outboxIds: due.slice(i, i + QUEUE_BATCH) } });
    for (let i = 0; i < batches.length; i += 100) await env.MAIL_QUEUE.sendBatch(batches.slice(i, i + 100));
    queuedBatches = batches.length;
  } else if (due.length) {
    const d = await deliverOutbox(env, db, due, () => now);
    sentInline = d.sent;
    failedInline = d.failed + d.retried;
  }
  const recomputed = (await recomputeQueued(env.DB, now)).participants;
  const summary = { runId, opened, closed, staleResolved, planned: planned.filter((p) => p.decision.action === "send").length, enqueued, sentInline, failedInline, queuedBatches, recomputed };
  await db.update(schema.reminderRuns).set({ finishedAt: Date.now(), counts: { ...summary } }).where(eq(schema.reminderRuns.id, runId));
  await audit(db, { type: trigger.type === "cron" ? "system" : "staff", id: trigger.by }, "reminder_run", now, { pilotId: trigger.pilotId ?? null, target: `run:${runId}`, details: summary });
  return summary;
}
