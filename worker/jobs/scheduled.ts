import { eq } from "drizzle-orm";
import type { z } from "zod/v4";
import { recomputeQueued } from "../analysis/recompute";
import { getDb, schema } from "../db";
import type { Env, MailQueueMessage } from "../env";
import { audit } from "../lib/audit";
import type { runSummary } from "../staff/responses";
import { deliverOutbox, dueOutboxIds, enqueueMessages, logRepeatedFailures, planMessages, resolveStaleClaims } from "../reminders/outbox";
import { closeExpired, openDueOccasions } from "./occasions";
import { AppError } from "../errors";
import { restoreInProgress } from "../studies/archive";
import { ensureBuiltInInstruments } from "../studies/instruments";

/** Above this many due messages the run fans out over the queue instead of sending inline. */
export const INLINE_SEND_LIMIT = 50;
/** Outbox ids per queue message; the consumer takes a few messages per invocation (wrangler.toml). */
export const QUEUE_BATCH = 25;

/** The run's clock travels with the batch, so a consumer never delivers "earlier" than the run that planned. */

export type RunTrigger = { type: "cron" | "manual" | "api"; by: string; actorType?: "staff" | "token" | "system"; pilotId?: number };
export type RunSummary = z.infer<typeof runSummary>;

/** Splits due outbox ids into queue messages and sends them (at most 100 per sendBatch call). */
export async function fanOut(env: Env, ids: number[], now: number): Promise<number> {
  const batches: { body: MailQueueMessage }[] = [];
  for (let i = 0; i < ids.length; i += QUEUE_BATCH) batches.push({ body: { outboxIds: ids.slice(i, i + QUEUE_BATCH), now } });
  for (let i = 0; i < batches.length; i += 100) await env.MAIL_QUEUE.sendBatch(batches.slice(i, i + 100) as { body: MailQueueMessage }[]);
  return batches.length;
}

/** The cron job (and a researcher's real run): open due occasions, close expired ones, plan and send messages, recompute changed youths. */
export async function runScheduled(env: Env, now: number, trigger: RunTrigger = { type: "cron", by: "cron" }): Promise<RunSummary> {
  // Half a restored study would be planned and mailed from: wait until the restore has finished.
  if (await restoreInProgress(env.DB, now)) throw new AppError("conflict", "A study archive is being restored; runs wait until it has finished");
  const db = getDb(env.DB);
  const [run] = await db
    .insert(schema.reminderRuns)
    .values({ pilotId: trigger.pilotId ?? null, trigger: trigger.type, triggeredBy: trigger.by, dryRun: false, startedAt: now })
    .returning({ id: schema.reminderRuns.id });
  const runId = run!.id;
  // First use: a deployment that skipped `npm run setup` still gets the built-in questionnaires.
  await ensureBuiltInInstruments(db, now);
  const opened = await openDueOccasions(db, now, trigger.pilotId);
  const closed = await closeExpired(env.DB, now);
  const staleResolved = await resolveStaleClaims(env, now);
  const planned = await planMessages(env.DB, now, { pilotId: trigger.pilotId });
  const enqueued = await enqueueMessages(env.DB, planned, now, runId);
  const due = await dueOutboxIds(env.DB, now, 10_000, trigger.pilotId);
  let queuedBatches = 0;
  let d = { sent: 0, retried: 0, failed: 0, deferred: 0, unknown: 0 };
  // Delivery may fail as a whole (the transport refuses its configuration, D1 refuses the claim): the rows
  // stay queued (or their claims expire) and the run still recomputes and finishes its record.
  try {
    if (due.length > INLINE_SEND_LIMIT) queuedBatches = await fanOut(env, due, now);
    else if (due.length) d = await deliverOutbox(env, due, () => now);
  } catch (e) {
    console.error(JSON.stringify({ event: "delivery_failed", runId, error: String(e).slice(0, 300) }));
  }
  // A recompute that fails leaves its queue for the next run; this run still records what it did.
  let recomputed = 0;
  try {
    recomputed = (await recomputeQueued(env.DB, now)).participants;
  } catch (e) {
    console.error(JSON.stringify({ event: "recompute_failed", runId, error: String(e).slice(0, 300) }));
  }
  // Repeated failures of one kind (undecryptable addresses after a key change, a relay that refuses):
  // one log line each; the researcher's reminders page shows the same warning.
  await logRepeatedFailures(env.DB, now, trigger.pilotId).catch(() => []);
  const count = (a: string) => planned.filter((p) => p.decision.action === a).length;
  const summary: RunSummary = {
    runId,
    opened,
    closed,
    staleResolved,
    planned: count("send"),
    waiting: count("wait"),
    skipped: count("skip"),
    enqueued,
    due: due.length,
    sentInline: d.sent,
    retriedInline: d.retried,
    failedInline: d.failed + d.unknown,
    deferredInline: d.deferred,
    queuedBatches,
    recomputed,
  };
  await db.update(schema.reminderRuns).set({ finishedAt: Date.now(), counts: { ...summary } }).where(eq(schema.reminderRuns.id, runId));
  await audit(db, { type: trigger.actorType ?? (trigger.type === "cron" ? "system" : "staff"), id: trigger.by }, "reminder_run", now, { pilotId: trigger.pilotId ?? null, target: `run:${runId}`, details: { ...summary, trigger: trigger.type } });
  return summary;
}
