// Response schemas of the reminder API (./routes.ts): reminder runs (the dry run's items, a real run's
// counts), the outbox and the pauses. They describe the answers in /api/v1/openapi.json and are checked against
// every answer in the tests (worker/http/validate-responses.ts). The results they describe are typed where they
// are made (./preview.ts, ./scheduled.ts, worker/reminders/outbox.ts); `satisfies` keeps both in step.
import { z } from "zod";
import { OUTBOX_KINDS, OUTBOX_STATUSES, reminderRuns } from "../../schema/tables";
import type { DeliveryCounts } from "../reminders/outbox";
import type { Preview, PreviewItem } from "./preview";
import type { RunSummary } from "./scheduled";

const epochMs = z.int();

const kind = z.enum(OUTBOX_KINDS);
const previewCounts = z.strictObject({ send: z.int(), wait: z.int(), skip: z.int(), opens: z.int() });

export const previewItem = z.strictObject({
  participantCode: z.string(),
  /** null: an occasion the real run opens first */
  occasionId: z.int().nullable(),
  occasionDueDate: z.string(),
  action: z.enum(["send", "wait", "skip"]),
  kind: kind.optional(),
  seq: z.int().optional(),
  reason: z.string(),
  /** when a waiting message may go out */
  until: epochMs.optional(),
  /** "plan": decided by the reminder policy; "outbox": already queued (e.g. a retry after backoff) */
  source: z.enum(["plan", "outbox"]),
}) satisfies z.ZodType<PreviewItem>;

/** The dry run: who would get what and why; nothing is sent or queued. */
export const previewResponse = z.strictObject({
  runId: z.int(),
  dryRun: z.literal(true),
  now: epochMs,
  counts: previewCounts,
  items: z.array(previewItem),
}) satisfies z.ZodType<Preview>;

export const runSummary = z.strictObject({
  runId: z.int(),
  opened: z.int(),
  closed: z.int(),
  staleResolved: z.int(),
  planned: z.int(),
  waiting: z.int(),
  skipped: z.int(),
  enqueued: z.int(),
  due: z.int(),
  sentInline: z.int(),
  retriedInline: z.int(),
  failedInline: z.int(),
  deferredInline: z.int(),
  queuedBatches: z.int(),
  recomputed: z.int(),
}) satisfies z.ZodType<RunSummary>;

export const reminderRunResponse = z.discriminatedUnion("dryRun", [
  previewResponse,
  z.strictObject({ runId: z.int(), dryRun: z.literal(false), now: epochMs, counts: runSummary }),
]);

export const runsResponse = z.strictObject({
  runs: z.array(
    z.strictObject({
      id: z.int(),
      /** "all_pilots": a cron run over every pilot */
      scope: z.enum(["pilot", "all_pilots"]),
      trigger: z.enum(reminderRuns.trigger.enumValues),
      triggeredBy: z.string(),
      dryRun: z.boolean(),
      startedAt: epochMs,
      finishedAt: epochMs.nullable(),
      /** the run's counts (a dry run's or a real run's); null while it runs */
      counts: z.record(z.string(), z.number()).nullable(),
    }),
  ),
});

const outboxStatus = z.enum(OUTBOX_STATUSES);
export const outboxResponse = z.strictObject({
  /** messages of the pilot per status (statuses without messages are absent) */
  counts: z.partialRecord(outboxStatus, z.int()),
  messages: z.array(
    z.strictObject({
      id: z.int(),
      key: z.string(),
      participantCode: z.string(),
      occasionId: z.int(),
      kind,
      seq: z.int(),
      status: outboxStatus,
      attempts: z.int(),
      /** only while queued */
      nextAttemptAt: epochMs.nullable(),
      /** why it failed, was cancelled or waits (never an address) */
      reason: z.string().nullable(),
      sentAt: epochMs.nullable(),
      createdAt: epochMs,
      runId: z.int().nullable(),
    }),
  ),
});

export const deliveryCounts = z.strictObject({
  sent: z.int(),
  retried: z.int(),
  failed: z.int(),
  cancelled: z.int(),
  deferred: z.int(),
  unknown: z.int(),
  skipped: z.int(),
}) satisfies z.ZodType<DeliveryCounts>;

export const retryResponse = z.strictObject({
  id: z.int(),
  status: outboxStatus,
  attempts: z.int(),
  reason: z.string().nullable(),
  nextAttemptAt: epochMs.nullable(),
  delivery: deliveryCounts,
});

export const pausesResponse = z.strictObject({
  pauses: z.array(
    z.strictObject({
      participantCode: z.string(),
      pausedAt: epochMs,
      until: epochMs.nullable(),
      activeNow: z.boolean(),
    }),
  ),
});
