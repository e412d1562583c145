// Response schemas of the staff-wide API (worker/staff/api.ts, admin.ts, ../reminders/routes.ts). They describe
// the answers in /api/v1/openapi.json and are checked against every answer in the tests (VALIDATE_RESPONSES,
// worker/http/validate-responses.ts). Strict objects: a field the description does not name is a mismatch.
// Epoch milliseconds are integers; absent values are null, never a missing key (except where optional).
import { z } from "zod";
import {
  auditLog,
  INSTRUMENT_KINDS,
  OUTBOX_KINDS,
  OUTBOX_STATUSES,
  reminderRuns,
  STAFF_ROLES,
} from "../../schema/tables";

const epochMs = z.int();
const role = z.enum(STAFF_ROLES);

// ---- who am I, pilots, tokens, audit, instruments ------------------------------------------------------

export const meResponse = z.strictObject({
  type: z.enum(["staff", "token"]),
  id: z.string(),
  isAdmin: z.boolean(),
  email: z.string().nullable(),
  /** pilotId null: every pilot */
  roles: z.array(z.strictObject({ pilotId: z.int().nullable(), role })),
});

export const pilotsResponse = z.strictObject({
  pilots: z.array(
    z.strictObject({
      key: z.string(),
      name: z.string(),
      organisation: z.string(),
      timezone: z.string(),
      /** the principal's roles on the pilot; ["admin"] for admins */
      roles: z.array(z.enum([...STAFF_ROLES, "admin"])),
    }),
  ),
});

const tokenRole = z.enum([...STAFF_ROLES, "admin"]);
export const tokensResponse = z.strictObject({
  tokens: z.array(
    z.strictObject({
      id: z.int(),
      name: z.string(),
      role: tokenRole,
      /** pilot keys (null for a pilot that no longer exists); null: every pilot */
      pilots: z.array(z.string().nullable()).nullable(),
      createdAt: epochMs,
      revokedAt: epochMs.nullable(),
      lastUsedAt: epochMs.nullable(),
      /** refused from this instant on (401), like a revoked token */
      expiresAt: epochMs,
      expired: z.boolean(),
    }),
  ),
});

/** The secret is shown here once and never again. */
export const tokenCreatedResponse = z.strictObject({
  id: z.int(),
  name: z.string(),
  role: tokenRole,
  pilots: z.array(z.string()).nullable(),
  token: z.string(),
  expiresAt: epochMs,
});
export const tokenRevokedResponse = z.strictObject({ id: z.int(), revokedAt: epochMs });

export const auditResponse = z.strictObject({
  entries: z.array(
    z.strictObject({
      id: z.int(),
      at: epochMs,
      actorType: z.enum(auditLog.actorType.enumValues),
      actorId: z.string(),
      action: z.string(),
      pilotId: z.int().nullable(),
      target: z.string().nullable(),
      details: z.record(z.string(), z.unknown()).nullable(),
    }),
  ),
  /** pass as `before` for older entries; null on the last page */
  next: z.int().nullable(),
});

export const instrumentsResponse = z.strictObject({
  instruments: z.array(
    z.strictObject({
      key: z.string(),
      name: z.string(),
      kind: z.enum(INSTRUMENT_KINDS),
      /** null: an instrument of every pilot; else the pilot of its own items */
      pilotId: z.int().nullable(),
      /** the current version holds demo texts or norms */
      demo: z.boolean(),
      versions: z.array(z.strictObject({ version: z.int().min(1), complete: z.boolean(), createdAt: epochMs })),
      current: z.int().min(1),
    }),
  ),
});

export const instrumentResponse = z.strictObject({
  key: z.string(),
  version: z.int().min(1),
  complete: z.boolean(),
  definition: z.record(z.string(), z.unknown()),
});

// ---- admin: pilots and staff -----------------------------------------------------------------------

export const pilotCreatedResponse = z.strictObject({
  key: z.string(),
  name: z.string(),
  organisation: z.string(),
  timezone: z.string(),
});
export const pilotResponse = z.strictObject({
  key: z.string(),
  name: z.string(),
  organisation: z.string(),
  timezone: z.string(),
  frequentInstruments: z.array(z.string()),
  waveInstruments: z.array(z.string()),
});

export const staffUserResponse = z.strictObject({
  id: z.int(),
  email: z.string(),
  name: z.string(),
  isAdmin: z.boolean(),
  disabledAt: epochMs.nullable(),
  /** pilot null: every pilot (project coordinator) */
  roles: z.array(z.strictObject({ pilot: z.string().nullable(), role })),
});
export const staffListResponse = z.strictObject({ staff: z.array(staffUserResponse) });

// ---- reminder runs and the outbox --------------------------------------------------------------------

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
});

/** The dry run: who would get what and why; nothing is sent or queued. */
export const previewResponse = z.strictObject({
  runId: z.int(),
  dryRun: z.literal(true),
  now: epochMs,
  counts: previewCounts,
  items: z.array(previewItem),
});

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
});

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
});

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

// ---- whole-study archive (worker/studies/archive.ts) ---------------------------------------------------

export const archiveRestoredResponse = z.strictObject({
  /** rows read per table (equal to the archive's trailer) */
  counts: z.record(z.string(), z.int()),
  contacts: z.boolean(),
  /** archived rows that joined rows already here (setup's staff by e-mail, built-in instruments by key) */
  merged: z.strictObject({ staffUsers: z.int(), instruments: z.int(), instrumentVersions: z.int() }),
  exportedAt: z.string(),
  ms: z.int(),
});

// ---- contact-key rotation (worker/studies/contact-routes.ts) --------------------------------------------

export const contactRotationResponse = z.strictObject({
  /** the current key's id (derived from CONTACT_KEY): every address re-encrypted here now carries it */
  keyId: z.string(),
  /** participants looked at in this batch */
  scanned: z.int(),
  /** addresses re-encrypted to the current key in this batch */
  rotated: z.int(),
  /** addresses in this batch that no configured key opens (left as they are) */
  unreadable: z.int(),
  /** whose they are, by pilot and pseudonymous code: a researcher enters them again */
  unreadableParticipants: z.array(z.strictObject({ pilot: z.string(), code: z.string() })),
  /** rows whose addresses changed while this batch ran (already under the current key) */
  changedMeanwhile: z.int(),
  /** pass as `after` to continue; null: this pass reached the end */
  next: z.int().nullable(),
  /** addresses in the whole database not yet under the current key (unreadable ones included) */
  remaining: z.int(),
  /** stored addresses per key id; "legacy": written before key ids */
  keys: z.record(z.string(), z.int()),
});
