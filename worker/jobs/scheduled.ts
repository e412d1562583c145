import { recomputeQueued } from "../analysis/recompute";
import type { Env, MailQueueMessage } from "../env";
import {
  deliverOutbox,
  dueOutbox,
  enqueueMessages,
  logRepeatedFailures,
  planMessages,
  resolveStaleClaims,
  type DeliveryCounts,
} from "../reminders/outbox";
import { closeExpired, openDueOccasions } from "../studies/occasions";
import { AppError } from "../errors";
import { restoreInProgress } from "../studies/archive";
import { ensureBuiltInInstruments } from "../studies/instruments";
import { evaluateSignals, notifySignals } from "../signals/store";
import { MINUTE_MS } from "../../core/time";
import { finishRun, openRun, requeueRecompute } from "./queries";

/** A real run's record still open after this long belongs to a run that died; the next run closes it. */
export const ABANDONED_RUN_MS = 30 * MINUTE_MS;
/** Above this many due messages the run fans out over the queue instead of sending inline. */
export const INLINE_SEND_LIMIT = 50;
/** Outbox ids per queue message; the consumer takes a few messages per invocation (wrangler.toml). */
export const QUEUE_BATCH = 25;

/** The run's clock travels with the batch, so a consumer never delivers "earlier" than the run that planned. */

export type RunTrigger = {
  type: "cron" | "manual" | "api";
  by: string;
  actorType?: "staff" | "token" | "system";
  pilotId?: number;
};
/** What a run did, counted (worker/jobs/schemas.ts describes it for the API). */
export type RunSummary = {
  runId: number;
  opened: number;
  closed: number;
  staleResolved: number;
  planned: number;
  waiting: number;
  skipped: number;
  enqueued: number;
  due: number;
  sentInline: number;
  retriedInline: number;
  failedInline: number;
  deferredInline: number;
  queuedBatches: number;
  recomputed: number;
};

/** Splits due outbox ids into queue messages and sends them (at most 100 per sendBatch call). */
export async function fanOut(env: Env, ids: number[], now: number): Promise<number> {
  const batches: { body: MailQueueMessage }[] = [];
  for (let i = 0; i < ids.length; i += QUEUE_BATCH)
    batches.push({ body: { outboxIds: ids.slice(i, i + QUEUE_BATCH), now } });
  for (let i = 0; i < batches.length; i += 100)
    await env.MAIL_QUEUE.sendBatch(batches.slice(i, i + 100) as { body: MailQueueMessage }[]);
  return batches.length;
}

type Counts = Omit<RunSummary, "runId">;
const zero = (): Counts => ({
  opened: 0,
  closed: 0,
  staleResolved: 0,
  planned: 0,
  waiting: 0,
  skipped: 0,
  enqueued: 0,
  due: 0,
  sentInline: 0,
  retriedInline: 0,
  failedInline: 0,
  deferredInline: 0,
  queuedBatches: 0,
  recomputed: 0,
});

/**
 * The cron job (and a researcher's real run): open due occasions, close expired ones, resolve stale claims,
 * plan and send messages, recompute changed youths. With `trigger.pilotId` (a researcher's manual run) every
 * step acts on that pilot only and the counts are that pilot's. A cron run acts on every pilot and records,
 * next to its totals, each pilot's share (`byPilot` in its counts): a pilot's run list shows only that share.
 */
export async function runScheduled(
  env: Env,
  now: number,
  trigger: RunTrigger = { type: "cron", by: "cron" },
): Promise<RunSummary> {
  // Half a restored study would be planned and mailed from: wait until the restore has finished.
  if (await restoreInProgress(env.DB, now))
    throw new AppError("conflict", "A study archive is being restored; runs wait until it has finished");
  const scope = trigger.pilotId;
  // A run that died (its Worker stopped, or D1 failed even for its last write) left its record open: the next
  // run closes it as aborted, in the batch that opens its own record; whatever it left undone this run does.
  const origin = { pilotId: scope ?? null, trigger: trigger.type, by: trigger.by };
  const runId = await openRun(env.DB, origin, now, now - ABANDONED_RUN_MS);
  // Per-pilot shares of each count.
  const shares = new Map<number, Counts>();
  const share = (pilotId: number) => shares.get(pilotId) ?? shares.set(pilotId, zero()).get(pilotId)!;
  const add = (key: keyof Counts, byPilot: Map<number, number>) => {
    for (const [p, n] of byPilot) share(p)[key] += n;
  };
  const per = () => new Map<number, number>();

  // First use: a deployment that skipped `npm run setup` still gets the built-in questionnaires.
  await ensureBuiltInInstruments(env.DB, now);
  const openedBy = per();
  const opened = await openDueOccasions(env.DB, now, scope, openedBy);
  add("opened", openedBy);
  const closedBy = per();
  // Youths whose staff signals this run evaluates: an occasion closed, or recomputed (worker/signals/README.md).
  const touched = new Set<number>();
  const closed = await closeExpired(env.DB, now, scope, closedBy, touched);
  add("closed", closedBy);
  const staleBy = per();
  const staleResolved = await resolveStaleClaims(env, now, scope, staleBy);
  add("staleResolved", staleBy);
  const planned = await planMessages(env.DB, now, { pilotId: scope });
  for (const p of planned) {
    const key = p.decision.action === "send" ? "planned" : p.decision.action === "wait" ? "waiting" : "skipped";
    share(p.pilotId)[key]++;
  }
  const enqueuedBy = per();
  const enqueued = await enqueueMessages(env.DB, planned, now, runId, enqueuedBy);
  add("enqueued", enqueuedBy);
  const dueRows = await dueOutbox(env.DB, now, 10_000, scope);
  const due = dueRows.map((r) => r.id);
  for (const r of dueRows) share(r.pilotId).due++;
  let queuedBatches = 0;
  let d = { sent: 0, retried: 0, failed: 0, deferred: 0, unknown: 0 };
  const deliveredBy = new Map<number, DeliveryCounts>();
  // Delivery may fail as a whole (the transport refuses its configuration, D1 refuses the claim): the rows
  // stay queued (or their claims expire) and the run still recomputes and finishes its record.
  try {
    if (due.length > INLINE_SEND_LIMIT) {
      queuedBatches = await fanOut(env, due, now);
      // A pilot's share: the queue messages that carry any of its rows.
      for (let i = 0; i < dueRows.length; i += QUEUE_BATCH)
        for (const p of new Set(dueRows.slice(i, i + QUEUE_BATCH).map((r) => r.pilotId))) share(p).queuedBatches++;
    } else if (due.length) d = await deliverOutbox(env, due, () => now, { byPilot: deliveredBy });
  } catch (e) {
    console.error(JSON.stringify({ event: "delivery_failed", runId, error: String(e).slice(0, 300) }));
  }
  for (const [p, c] of deliveredBy) {
    const s = share(p);
    s.sentInline += c.sent;
    s.retriedInline += c.retried;
    s.failedInline += c.failed + c.unknown;
    s.deferredInline += c.deferred;
  }
  // A recompute that fails leaves its queue for the next run; this run still records what it did.
  let recomputed = 0;
  try {
    const recomputedBy = per();
    recomputed = (await recomputeQueued(env.DB, now, { pilotId: scope, byPilot: recomputedBy, touched })).participants;
    add("recomputed", recomputedBy);
  } catch (e) {
    console.error(JSON.stringify({ event: "recompute_failed", runId, error: String(e).slice(0, 300) }));
  }
  // Staff signals after the recompute (its wave scores are read); then at most one discreet mail per pilot.
  try {
    try {
      await evaluateSignals(env.DB, [...touched], now);
    } catch (e) {
      // Their recompute queue is drained and their occasions closed: without this the next run would not look
      // at them again. Queued for the next run's recompute (unchanged fingerprints make it cheap) and signals.
      await requeueRecompute(env.DB, [...touched], now).catch(() => {});
      throw e;
    }
    await notifySignals(env, now, scope);
  } catch (e) {
    console.error(JSON.stringify({ event: "signals_failed", runId, error: String(e).slice(0, 300) }));
  }
  // Repeated failures of one kind (undecryptable addresses after a key change, a relay that refuses):
  // one log line each; the researcher's reminders page shows the same warning.
  await logRepeatedFailures(env.DB, now, scope).catch(() => []);
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
  // A cron run keeps each pilot's share with its totals (jobs/queries.ts shows a pilot only its own).
  const stored: RunRecordCounts =
    scope === undefined
      ? { ...summary, byPilot: Object.fromEntries([...shares].map(([p, c]) => [String(p), c])) }
      : { ...summary };
  // The record and its audit row in one batch: a run is finished and audited, or neither (closed as aborted later).
  await finishRun(env.DB, runId, Date.now(), stored, {
    actor: { type: trigger.actorType ?? (trigger.type === "cron" ? "system" : "staff"), id: trigger.by },
    now,
    pilotId: scope ?? null,
    details: { ...summary, trigger: trigger.type },
  });
  return summary;
}

/** What reminder_runs.counts holds for a real run: its summary and, for a cron run, every pilot's share. */
export type RunRecordCounts = RunSummary & { byPilot?: Record<string, Counts> };
