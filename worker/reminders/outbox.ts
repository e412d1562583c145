// The outbox: planning decides which messages are due and records each once under its unique key
// (occasion, kind, seq); delivery claims rows atomically before sending them. Together they make
// overlapping runs (two crons, cron + manual, queue retries) unable to send a message twice.
//
// Round trips matter here (budget: at most one D1 round trip per 100 planned rows), so planning reads
// everything it needs in one D1 batch and writes new outbox rows as JSON arrays expanded by json_each,
// a few thousand rows per statement (D1 allows 100 bound parameters, but a bound string may be 2 MB).
import type { Env } from "../env";
import { isTransientError } from "../errors";
import { sha256Hex } from "../lib/crypto";
import { decryptContact } from "../lib/contact-keys";
import { buildMime } from "../mail/mime";
import {
  createTransport,
  isIdempotentTransport,
  messageIdFor,
  type MailTransport,
  type OutgoingMail,
  type SendResult,
} from "../mail/transport";
import { renderMail, type MailKind } from "../mail/templates";
import { askedOf, definitionsFor } from "../studies/instruments";
import { estimateMinutes } from "../../core/questionnaire-length";
import { parseSettings, policyOf } from "../studies/settings";
import { linkToken } from "../survey/links";
import { pauseToken } from "../survey/pause-token";
import { answering, isUnanswered, notClosed, opened } from "../studies/occasion-sql";
import {
  decideNextMessage,
  nextSendableTime,
  isQuietTime,
  type Decision,
  type MessageKind,
  type OccasionState,
  type OutboxKind,
  type ReminderPolicy,
} from "../schedule/reminder-policy";
import { HOUR_MS, MINUTE_MS } from "../../core/time";

export const DEFAULT_MAX_ATTEMPTS = 10;
/** A claim older than this whose outcome never came back is resolved (see resolveStaleClaims). */
export const STALE_CLAIM_MS = 10 * MINUTE_MS;
export const backoffMs = (attempts: number) => Math.min(MINUTE_MS * 2 ** (attempts - 1), 6 * HOUR_MS);
const JSON_CHUNK = 2_000;

export const maxAttempts = (env: Env) => {
  const n = Number(env.MAIL_MAX_ATTEMPTS);
  return Number.isInteger(n) && n >= 1 && n <= 50 ? n : DEFAULT_MAX_ATTEMPTS;
};

export type PlanningRow = {
  occasionId: number | null; // null: an occasion the run would open (dry run only)
  occasionDueDate: string;
  participantId: number;
  pilotId: number;
  code: string;
  state: OccasionState;
};
export type PlannedMessage = {
  occasionId: number | null;
  participantId: number;
  pilotId: number;
  code: string;
  occasionDueDate: string;
  decision: Decision;
};
type PilotRow = { id: number; key: string; timezone: string; settings: string | null };
const pilotPolicy = (p: PilotRow): ReminderPolicy =>
  policyOf({ key: p.key, timezone: p.timezone, settings: p.settings });

/** Open occasions (optionally of one pilot) with what was already sent for them: one D1 round trip. */
export async function loadPlanningRows(
  d1: D1Database,
  now: number,
  pilotId?: number,
): Promise<{ rows: PlanningRow[]; policies: Map<number, ReminderPolicy> }> {
  const scope = pilotId === undefined ? "" : " AND p.pilot_id = ?2";
  const bind = (s: D1PreparedStatement) => (pilotId === undefined ? s.bind(now) : s.bind(now, pilotId));
  const [occ, sent, pilots] = await d1.batch<Record<string, unknown>>([
    bind(
      d1.prepare(
        `SELECT o.id AS occasion_id, o.due_date, o.status, o.opens_at, o.closes_at, ` +
          `p.id AS participant_id, p.pilot_id, p.code, p.status AS participant_status,
                p.reminders_paused_until, c.email_enc IS NOT ` +
          `NULL AS has_email, c.mentor_email_enc IS NOT NULL AS has_mentor
         FROM occasions o JOIN participants p ON p.id = o.participant_id ` +
          `LEFT JOIN participant_contacts c ON c.participant_id = p.id
         WHERE ${opened("?1")}${scope}`,
      ),
    ),
    bind(
      d1.prepare(
        `SELECT b.occasion_id, b.kind, b.seq, COALESCE(b.sent_at, b.created_at) AS at FROM outbox b
         JOIN occasions o ON o.id = b.occasion_id JOIN participants p ON p.id = o.participant_id
         WHERE ${opened("?1")} AND b.status != 'cancelled'${scope}`,
      ),
    ),
    d1.prepare("SELECT id, key, timezone, settings FROM pilots"),
  ]);
  // Queued, in-flight and failed messages count as taken: their key is used and must not be planned again.
  const sentBy = new Map<number, OccasionState["sent"]>();
  for (const r of sent!.results as { occasion_id: number; kind: MessageKind; seq: number; at: number }[]) {
    const list = sentBy.get(r.occasion_id) ?? [];
    list.push({ kind: r.kind, seq: r.seq, at: r.at });
    sentBy.set(r.occasion_id, list);
  }
  const policies = new Map((pilots!.results as PilotRow[]).map((p) => [p.id, pilotPolicy(p)]));
  type OccRow = {
    occasion_id: number;
    due_date: string;
    status: OccasionState["status"];
    opens_at: number;
    closes_at: number;
    participant_id: number;
    pilot_id: number;
    code: string;
    participant_status: OccasionState["participantStatus"];
    reminders_paused_until: number | null;
    has_email: number;
    has_mentor: number;
  };
  const rows: PlanningRow[] = (occ!.results as OccRow[]).map((r) => ({
    occasionId: r.occasion_id,
    occasionDueDate: r.due_date,
    participantId: r.participant_id,
    pilotId: r.pilot_id,
    code: r.code,
    state: {
      status: r.status,
      participantStatus: r.participant_status,
      pausedUntil: r.reminders_paused_until ?? null,
      hasEmail: !!r.has_email,
      hasMentorEmail: !!r.has_mentor,
      openedAt: r.opens_at,
      closesAt: r.closes_at,
      sent: sentBy.get(r.occasion_id) ?? [],
    },
  }));
  return { rows, policies };
}

export function decideAll(rows: PlanningRow[], policies: Map<number, ReminderPolicy>, now: number): PlannedMessage[] {
  return rows.map((r) => ({
    occasionId: r.occasionId,
    participantId: r.participantId,
    pilotId: r.pilotId,
    code: r.code,
    occasionDueDate: r.occasionDueDate,
    decision: decideNextMessage(r.state, policies.get(r.pilotId)!, now),
  }));
}

/** Decides, for every open occasion (optionally of one pilot), what to send now and why others wait or are skipped. */
export async function planMessages(
  d1: D1Database,
  now: number,
  opts: { pilotId?: number } = {},
): Promise<PlannedMessage[]> {
  const { rows, policies } = await loadPlanningRows(d1, now, opts.pilotId);
  return decideAll(rows, policies, now);
}

export const outboxKey = (occasionId: number, kind: MessageKind, seq: number) => `${occasionId}:${kind}:${seq}`;

/**
 * Records the due messages in the outbox; a key that exists already is left alone. Returns how many were new (per pilot
 * into `byPilot`).
 */
export async function enqueueMessages(
  d1: D1Database,
  planned: PlannedMessage[],
  now: number,
  runId: number | null,
  byPilot?: Map<number, number>,
): Promise<number> {
  const rows: [string, number, number, number, MessageKind, number][] = [];
  for (const p of planned) {
    if (p.decision.action === "send" && p.occasionId !== null)
      rows.push([
        outboxKey(p.occasionId, p.decision.kind, p.decision.seq),
        p.occasionId,
        p.participantId,
        p.pilotId,
        p.decision.kind,
        p.decision.seq,
      ]);
  }
  if (!rows.length) return 0;
  const stmts = [];
  for (let i = 0; i < rows.length; i += JSON_CHUNK) {
    stmts.push(
      d1
        .prepare(
          `INSERT INTO outbox (key, occasion_id, participant_id, pilot_id, ` +
            `kind, seq, status, attempts, next_attempt_at, run_id, created_at)
           SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, ` +
            `'$[2]'), json_extract(value, '$[3]'), json_extract(value, '$[4]'), json_extract(value, '$[5]'),
                  'queued', 0, ?2, ?3, ?2
           FROM json_each(?1) WHERE true ON CONFLICT (key) DO NOTHING RETURNING pilot_id`,
        )
        .bind(JSON.stringify(rows.slice(i, i + JSON_CHUNK)), now, runId),
    );
  }
  const res = await d1.batch<{ pilot_id: number }>(stmts);
  let n = 0;
  for (const r of res) {
    for (const { pilot_id } of r.results) {
      n++;
      byPilot?.set(pilot_id, (byPilot.get(pilot_id) ?? 0) + 1);
    }
  }
  return n;
}

export async function dueOutboxIds(d1: D1Database, now: number, limit = 10_000, pilotId?: number): Promise<number[]> {
  return (await dueOutbox(d1, now, limit, pilotId)).map((r) => r.id);
}

/** Due queued messages (optionally of one pilot) with their pilot. */
export async function dueOutbox(
  d1: D1Database,
  now: number,
  limit = 10_000,
  pilotId?: number,
): Promise<{ id: number; pilotId: number }[]> {
  const q =
    pilotId === undefined
      ? d1
          .prepare(
            "SELECT id, pilot_id FROM outbox WHERE status = 'queued' AND next_attempt_at <= ? ORDER BY id LIMIT ?",
          )
          .bind(now, limit)
      : d1
          .prepare(
            "SELECT id, pilot_id FROM outbox WHERE status = 'queued' AND " +
              "next_attempt_at <= ? AND pilot_id = ? ORDER BY id LIMIT ?",
          )
          .bind(now, pilotId, limit);
  return (await q.all<{ id: number; pilot_id: number }>()).results.map((r) => ({ id: r.id, pilotId: r.pilot_id }));
}

/** What delivery knows about a queued message right before sending it. */
export type DeliveryContext = {
  kind: OutboxKind;
  occasionStatus: string | null;
  closesAt: number;
  participantStatus: string | null;
  pausedUntil: number | null;
  hasAddress: boolean;
};
export type Gate =
  | { action: "send" }
  | { action: "defer"; until: number; reason: "reminders_paused" | "quiet_hours" }
  | { action: "cancel"; reason: string }
  | { action: "fail"; reason: "no_address" };

/**
 * The last check before a queued message goes out; shared by delivery and the dry run so that the
 * preview lists exactly what the run sends. Closed, completed or withdrawn → cancelled; paused or quiet
 * time → deferred (the key stays, so the same message goes out later, never a second one).
 */
export function deliveryGate(ctx: DeliveryContext, policy: ReminderPolicy, now: number): Gate {
  if (ctx.occasionStatus === null) return { action: "cancel", reason: "occasion_missing" };
  if (!isUnanswered(ctx.occasionStatus)) return { action: "cancel", reason: `occasion_${ctx.occasionStatus}` };
  if (ctx.closesAt <= now) return { action: "cancel", reason: "closed" };
  if (!["active", "left_care"].includes(ctx.participantStatus ?? ""))
    return { action: "cancel", reason: `participant_${ctx.participantStatus}` };
  if (ctx.pausedUntil !== null && ctx.pausedUntil > now)
    return { action: "defer", until: nextSendableTime(ctx.pausedUntil, policy), reason: "reminders_paused" };
  if (isQuietTime(now, policy)) return { action: "defer", until: nextSendableTime(now, policy), reason: "quiet_hours" };
  if (!ctx.hasAddress) return { action: "fail", reason: "no_address" };
  return { action: "send" };
}

type ContextRow = {
  id: number;
  key: string;
  occasion_id: number;
  participant_id: number;
  kind: OutboxKind;
  attempts: number;
  status: string;
  next_attempt_at: number;
  occasion_status: string | null;
  closes_at: number | null;
  link_generation: number | null;
  instrument_version_ids: string | null;
  participant_status: string | null;
  paused_until: number | null;
  pilot_id: number;
  pilot_key: string;
  timezone: string;
  settings: string | null;
  email_enc: string | null;
  mentor_email_enc: string | null;
};
const CONTEXT_SQL =
  `SELECT b.id, b.key, b.occasion_id, b.participant_id, ` +
  `b.kind, b.attempts, b.status, b.next_attempt_at,
    o.status AS occasion_status, o.closes_at, o.link_generation, o.instrument_version_ids, ` +
  `p.status AS participant_status, p.reminders_paused_until AS paused_until,
    pl.id AS pilot_id, pl.key AS pilot_key, pl.timezone, pl.settings, c.email_enc, c.mentor_email_enc
  FROM outbox b LEFT JOIN occasions o ON o.id = b.occasion_id LEFT JOIN participants p ON p.id = b.participant_id
  JOIN pilots pl ON pl.id = b.pilot_id LEFT JOIN participant_contacts c ON c.participant_id = b.participant_id`;

const contextOf = (r: ContextRow): DeliveryContext => ({
  kind: r.kind,
  occasionStatus: r.occasion_status,
  closesAt: r.closes_at ?? 0,
  participantStatus: r.participant_status,
  pausedUntil: r.paused_until,
  hasAddress: !!(r.kind === "mentor" ? r.mentor_email_enc : r.email_enc),
});

/** Queued messages of a pilot that a run at `now` would try to deliver, with what the gate says (dry run). */
export async function previewDueOutbox(d1: D1Database, now: number, pilotId: number) {
  const { results } = await d1
    .prepare(`${CONTEXT_SQL} WHERE b.status = 'queued' AND b.next_attempt_at <= ?1 AND b.pilot_id = ?2 ORDER BY b.id`)
    .bind(now, pilotId)
    .all<ContextRow>();
  return results.map((r) => ({
    outboxId: r.id,
    key: r.key,
    occasionId: r.occasion_id,
    participantId: r.participant_id,
    kind: r.kind,
    attempts: r.attempts,
    gate: deliveryGate(contextOf(r), rowPolicy(r), now),
  }));
}

/** What one delivery did with its rows (the API describes it as `deliveryCounts`, worker/jobs/schemas.ts). */
export type DeliveryCounts = Record<
  "sent" | "retried" | "failed" | "cancelled" | "deferred" | "unknown" | "skipped",
  number
>;

/** A pilot's configured neutral sender name (settings.senderName), if any; validated where settings are saved. */
const senderName = (settings: string | null): string | undefined => {
  const name: unknown = parseSettings(settings).senderName;
  return typeof name === "string" && name.trim() && name.length <= 80 && !/[\r\n"<>]/.test(name)
    ? name.trim()
    : undefined;
};

/** Relay errors often echo the recipient; the outbox (and the researcher's view of it) keeps no address. */
export const redactAddresses = (s: string) => s.replace(/[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g, "[address]").slice(0, 500);

// Same associated data as worker/studies/contacts.ts: a ciphertext only decrypts for its own participant and field.
const contactAad = (participantId: number, field: "email" | "mentor") => `participant:${participantId}:${field}`;

/** Why a row failed for good before anything reached the transport (stored as `<reason>: <detail>`). */
export type RowFailureReason = "undecryptable_address" | "build_failed";
class RowFailure extends Error {
  constructor(
    readonly reason: RowFailureReason,
    detail: string,
  ) {
    super(`${reason}: ${detail}`);
  }
}
/** Runs `write` again once, shortly after, when D1 failed for a moment (isTransientError); other errors as they are. */
async function retryTransient<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (e) {
    if (!isTransientError(e)) throw e;
    await new Promise((r) => setTimeout(r, 50));
    return write();
  }
}
/** Log fields naming the rows of one mail: `outboxId` for one row, `outboxIds` for a combined mail. */
const idsOf = (rs: { id: number }[]) =>
  rs.length === 1 ? { outboxId: rs[0]!.id } : { outboxIds: rs.map((r) => r.id) };
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e)).slice(0, 300);

/**
 * Claims the given outbox rows in one statement and sends them over one transport session. Each row gets
 * `send_started_at` right before its send, so a Worker that dies mid-batch leaves rows whose outcome is
 * known to be "never attempted" (requeued) apart from those that may have gone out (outcome unknown).
 *
 * Each row's work (gate, decrypt, build, send, record) is isolated: a row whose address does not decrypt
 * or whose message cannot be built ends `failed` with a permanent reason (`undecryptable_address`,
 * `build_failed`) before anything is handed over; any other error of one row is recorded on that row (or,
 * if even that write fails, left to resolveStaleClaims) and its neighbours are delivered all the same.
 */
export async function deliverOutbox(
  env: Env,
  ids: number[],
  now: () => number,
  opts: { transport?: MailTransport; byPilot?: Map<number, DeliveryCounts> } = {},
): Promise<DeliveryCounts> {
  const counts = noCounts();
  if (!ids.length) return counts;
  // The transport before the claim: one that refuses its configuration (an http:// MAIL_API_URL outside
  // dev mode) leaves every row queued instead of claimed.
  const tx = opts.transport ?? (await createTransport(env));
  try {
    await deliverClaimed(env, ids, now, tx, counts, opts.byPilot);
  } finally {
    if (!opts.transport) await tx.close().catch(() => {});
  }
  return counts;
}

/** What the steps of one delivery share: the claim, the clock and transport, the counts, and per claimed
 * occasion its link and how many minutes its questionnaire takes. */
type Delivery = {
  env: Env;
  d1: D1Database;
  tx: MailTransport;
  now: () => number;
  claimId: string;
  counts: DeliveryCounts;
  limit: number;
  base: string;
  links: Map<number, string>;
  minutes: Map<number, number>;
};

const noCounts = (): DeliveryCounts => ({
  sent: 0,
  retried: 0,
  failed: 0,
  cancelled: 0,
  deferred: 0,
  unknown: 0,
  skipped: 0,
});

const rowPolicy = (r: ContextRow) =>
  pilotPolicy({ id: r.pilot_id, key: r.pilot_key, timezone: r.timezone, settings: r.settings });

/** Claim, prepare the links, then deliver each youth's (or mentor's) mail and count it for its pilot. */
async function deliverClaimed(
  env: Env,
  ids: number[],
  now: () => number,
  tx: MailTransport,
  counts: DeliveryCounts,
  byPilot?: Map<number, DeliveryCounts>,
) {
  const claimId = crypto.randomUUID();
  const t0 = now();
  const rows = await claimRows(env.DB, ids, claimId, t0, counts);
  if (!rows.length) return;
  const run: Delivery = {
    env,
    d1: env.DB,
    tx,
    now,
    claimId,
    counts,
    limit: maxAttempts(env),
    base: env.PUBLIC_URL.replace(/\/$/, ""),
    links: new Map(),
    minutes: new Map(),
  };
  await prepareLinks(run, rows, t0);
  for (const group of groupByRecipient(rows)) await deliverGroupCounted(run, group, byPilot);
}

/**
 * Step 1: claims the given rows and, with them, the youths' other due rows in one batch, and reads their
 * delivery context (sorted by id). Counts as skipped the given rows it could not claim.
 */
async function claimRows(
  d1: D1Database,
  ids: number[],
  claimId: string,
  t0: number,
  counts: DeliveryCounts,
): Promise<ContextRow[]> {
  const idsJson = JSON.stringify(ids);
  // One message per youth per run: with the given rows, her other due rows are claimed too (whichever
  // batch reaches them first sends them; a batch finding them claimed skips them), so her invitations,
  // reminders and re-sends go out as one mail whose link leads through her open questionnaires in turn.
  const youthsOf =
    "(pilot_id, participant_id) IN (SELECT pilot_id, participant_id " +
    "FROM outbox WHERE id IN (SELECT value FROM json_each(?3)))";
  const [claimedRes, siblingsRes, ctxRes] = await d1.batch<Record<string, unknown>>([
    d1
      .prepare(
        `UPDATE outbox SET status = 'sending', claim_id = ?1, ` +
          `claimed_at = ?2, send_started_at = NULL, attempts = attempts + 1
         WHERE id IN (SELECT value FROM json_each(?3)) AND status = 'queued' AND next_attempt_at <= ?2 RETURNING id`,
      )
      .bind(claimId, t0, idsJson),
    d1
      .prepare(
        `UPDATE outbox SET status = 'sending', claim_id = ?1, ` +
          `claimed_at = ?2, send_started_at = NULL, attempts = attempts + 1
         WHERE ${youthsOf} AND status = 'queued' AND next_attempt_at <= ?2 RETURNING id`,
      )
      .bind(claimId, t0, idsJson),
    // Runs after the claims in the same batch, so `attempts` already counts this attempt.
    d1
      .prepare(
        `${CONTEXT_SQL} WHERE (b.pilot_id, b.participant_id) IN (SELECT pilot_id, ` +
          `participant_id FROM outbox WHERE id IN (SELECT value FROM json_each(?1)))`,
      )
      .bind(idsJson),
  ]);
  const listed = new Set((claimedRes!.results as { id: number }[]).map((r) => r.id));
  const claimedIds = new Set([...listed, ...(siblingsRes!.results as { id: number }[]).map((r) => r.id)]);
  // another run holds them (or took them with a sibling), already sent, or not due
  counts.skipped = ids.length - listed.size;
  if (!claimedIds.size) return [];
  return (ctxRes!.results as ContextRow[]).filter((r) => claimedIds.has(r.id)).sort((a, b) => a.id - b.id);
}

/**
 * Step 2: links for every claimed occasion in one statement (only the token's hash is stored), and how long
 * each questionnaire takes (from its items; instrument versions are cached in the isolate). On an error
 * nothing was sent: the rows go back to the queue now rather than after the stale-claim timeout.
 */
async function prepareLinks(run: Delivery, rows: ContextRow[], t0: number) {
  const { env, d1, links, minutes } = run;
  try {
    const linkRows: [number, string, number][] = [];
    for (const r of rows) {
      if (links.has(r.occasion_id)) continue;
      const token = await linkToken(env, r.occasion_id, r.link_generation ?? 1);
      links.set(r.occasion_id, `${run.base}/q/${token}`);
      linkRows.push([r.occasion_id, await sha256Hex(token), r.closes_at ?? t0]);
    }
    await d1
      .prepare(
        `INSERT INTO secure_links (occasion_id, token_hash, expires_at) SELECT ` +
          `json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]')
         FROM json_each(?1) WHERE true ON CONFLICT DO NOTHING`,
      )
      .bind(JSON.stringify(linkRows))
      .run();
    const versionsOf = (r: ContextRow) =>
      r.instrument_version_ids ? (JSON.parse(r.instrument_version_ids) as number[]) : [];
    const defs = await definitionsFor(d1, [...new Set(rows.flatMap(versionsOf))]);
    for (const r of rows)
      minutes.set(
        r.occasion_id,
        estimateMinutes(askedOf(defs, versionsOf(r), r.participant_status ?? "active").flatMap((a) => a.items)),
      );
  } catch (e) {
    await d1
      .prepare(
        "UPDATE outbox SET status = 'queued', attempts = max(attempts - 1, 0), last_error = " +
          "'claim_released' WHERE claim_id = ?1 AND status = 'sending' AND send_started_at IS NULL",
      )
      .bind(run.claimId)
      .run()
      .catch(() => {});
    throw e;
  }
}

/** One group per youth and recipient (her own address, or her mentor's), in the order of their first row. */
function groupByRecipient(rows: ContextRow[]): ContextRow[][] {
  const groups = new Map<string, ContextRow[]>();
  for (const r of rows) {
    const k = `${r.participant_id}:${r.kind === "mentor" ? "mentor" : "youth"}`;
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  return [...groups.values()];
}

/** Step 3: one group's mail, its error recorded on its rows, and its outcome added to its pilot's share. */
async function deliverGroupCounted(run: Delivery, group: ContextRow[], byPilot?: Map<number, DeliveryCounts>) {
  const state = { handedOver: false };
  // Each group's outcome is also added to its pilot's share (a cron run records every pilot's counts).
  const before = { ...run.counts };
  try {
    await deliverGroup(run, group, state);
  } catch (e) {
    await recordGroupError(run, group, e, state.handedOver);
  } finally {
    if (byPilot) {
      const pilotId = group[0]!.pilot_id;
      const share = byPilot.get(pilotId) ?? noCounts();
      for (const k of Object.keys(share) as (keyof DeliveryCounts)[]) share[k] += run.counts[k] - before[k];
      byPilot.set(pilotId, share);
    }
  }
}

/** A group failed with an unexpected error: its rows' outcome as far as it can be known. */
async function recordGroupError(run: Delivery, group: ContextRow[], e: unknown, handedOver: boolean) {
  const { counts } = run;
  const error = redactAddresses(errorText(e));
  const ids = idsOf(group);
  if (handedOver) {
    // The transport answered but the outcome could not be written: the rows stay `sending` with their
    // send marked as started, and resolveStaleClaims settles them (HTTP: resent under the same
    // Idempotency-Key, which the API recognises; SMTP: outcome_unknown, never resent by a run).
    console.error(JSON.stringify({ event: "outbox_record_failed", ...ids, error }));
    counts.unknown += group.length;
    return;
  }
  // Nothing was handed over: record the error on these rows as a temporary failure (the attempt limit
  // holds). If even that write fails, the claim expires and resolveStaleClaims requeues the rows.
  console.error(JSON.stringify({ event: "outbox_row_error", ...ids, error }));
  const t = run.now();
  for (const r of group) {
    const give = r.attempts >= run.limit;
    try {
      await finish(
        run,
        [r],
        give ? "failed" : "queued",
        `row_error: ${error}`.slice(0, 500),
        give ? t : t + backoffMs(r.attempts),
      );
    } catch {
      /* left to resolveStaleClaims */
    }
    if (give) counts.failed++;
    else counts.retried++;
  }
}

/**
 * The mail of one youth (or her mentor): the rows that pass the gate, shortest questionnaire first (the
 * mail's link opens it, and each submit continues to the next), composed, marked as started and sent.
 */
async function deliverGroup(run: Delivery, group: ContextRow[], state: { handedOver: boolean }) {
  const t = run.now();
  const policy = rowPolicy(group[0]!);
  const ready = await gateRows(run, group, policy, t);
  if (!ready.length) return;
  const mins = (r: ContextRow) => run.minutes.get(r.occasion_id) ?? 1;
  ready.sort((a, b) => mins(a) - mins(b) || a.occasion_id - b.occasion_id || a.id - b.id);
  const composed = await composeMail(run, group[0]!, ready, t);
  if (!composed) return;
  const sending = await markSendStarted(run, ready, composed.enc, t);
  if (!sending.length) return;
  // Some of its questionnaires were answered or closed meanwhile: the mail names only the others.
  const outgoing = sending.length < ready.length ? await buildMail(run, sending, composed.to) : composed.outgoing;
  await sendAndRecord(run, sending, outgoing, policy, t, state);
}

/** The group's rows that may go out now; the others are settled (past the attempt limit, or by the gate). */
async function gateRows(run: Delivery, group: ContextRow[], policy: ReminderPolicy, t: number) {
  const { counts } = run;
  const ready: ContextRow[] = [];
  for (const r of group) {
    if (r.attempts > run.limit) {
      // Claimed again past the limit (a requeued claim): it stops here, whatever the gate says.
      await finish(run, [r], "failed", "max_attempts", t, { undoAttempt: true });
      counts.failed++;
      continue;
    }
    const gate = deliveryGate(contextOf(r), policy, t);
    if (gate.action === "cancel") {
      await finish(run, [r], "cancelled", gate.reason, t);
      counts.cancelled++;
    } else if (gate.action === "defer") {
      await finish(run, [r], "queued", gate.reason, gate.until, { undoAttempt: true });
      counts.deferred++;
    } else if (gate.action === "fail") {
      await finish(run, [r], "failed", gate.reason, t);
      counts.failed++;
    } else ready.push(r);
  }
  return ready;
}

/**
 * Decrypts the address and builds the mail before the send is marked as started: rows that fail here were
 * certainly not sent (they fail for good, null). `enc` is the ciphertext read with the claim: the send goes
 * ahead only while it is still the stored one.
 */
async function composeMail(run: Delivery, first: ContextRow, ready: ContextRow[], t: number) {
  const enc = first.kind === "mentor" ? first.mentor_email_enc! : first.email_enc!;
  try {
    let to: string;
    try {
      to = await decryptContact(
        run.env,
        enc,
        contactAad(first.participant_id, first.kind === "mentor" ? "mentor" : "email"),
      );
    } catch (e) {
      throw new RowFailure("undecryptable_address", (e as { reason?: string }).reason ?? "decrypt_failed");
    }
    try {
      return { enc, to, outgoing: await buildMail(run, ready, to) };
    } catch (e) {
      throw new RowFailure("build_failed", redactAddresses(errorText(e)).slice(0, 200));
    }
  } catch (e) {
    if (!(e instanceof RowFailure)) throw e;
    await finish(run, ready, "failed", e.message, t);
    run.counts.failed += ready.length;
    return null;
  }
}

/**
 * One mail for the rows of one youth (or of her mentor) that pass the gate: the shortest questionnaire's link first.
 */
async function buildMail(run: Delivery, rs: ContextRow[], to: string): Promise<OutgoingMail> {
  const { env, base, minutes } = run;
  const first = rs[0]!;
  const kind: MailKind =
    first.kind === "mentor"
      ? "mentor"
      : rs.some((r) => r.kind === "invitation")
        ? "invitation"
        : rs.some((r) => r.kind === "resend")
          ? "resend"
          : "reminder";
  const occasions = [...new Set(rs.map((r) => r.occasion_id))];
  const length = { count: occasions.length, minutes: occasions.reduce((n, o) => n + (minutes.get(o) ?? 1), 0) };
  // The pause link lives until the last of these occasions closes (every message carrying it goes out before).
  const lastClose = () => Math.max(...rs.map((r) => r.closes_at ?? run.now()));
  const pause = kind === "mentor" ? null : `${base}/p/${await pauseToken(env, first.participant_id, lastClose())}`;
  const mail = renderMail(kind, run.links.get(first.occasion_id)!, pause, length);
  // A combined mail's Message-ID and idempotency key come from all its rows' keys (one row: its own key, as before).
  const key = rs
    .map((r) => r.key)
    .sort()
    .join(",");
  const outgoing: OutgoingMail = {
    to,
    ...mail,
    messageId: await messageIdFor(env, key),
    idempotencyKey: key,
    fromName: senderName(first.settings),
  };
  outgoing.mime = buildMime(env, outgoing);
  return outgoing;
}

/**
 * Last guard, in the same statement that marks the send as started (for all rows of this mail at once):
 * the youth may have answered, withdrawn or paused since the batch was read, or her address may have
 * changed or gone (the address read with the claim is used only while it is still the stored one). A
 * withdrawal cancels the claimed rows itself; otherwise a row goes back to the queue for the next run,
 * which reads the new address. Returns the rows whose send was marked as started.
 */
async function markSendStarted(run: Delivery, ready: ContextRow[], enc: string, t: number) {
  const { d1, claimId, counts } = run;
  const marked = await d1
    .prepare(
      `UPDATE outbox SET send_started_at = ?1, claimed_at = ?1 WHERE id IN ` +
        `(SELECT value FROM json_each(?2)) AND claim_id = ?3 AND status = 'sending'
         AND EXISTS (SELECT 1 FROM occasions o JOIN participants ` +
        `p ON p.id = o.participant_id WHERE o.id = outbox.occasion_id
           AND ${notClosed("?1")} AND ${answering()}
           AND (p.reminders_paused_until IS NULL OR p.reminders_paused_until <= ?1))
         AND EXISTS (SELECT 1 FROM participant_contacts c WHERE c.participant_id = outbox.participant_id
           AND (CASE WHEN outbox.kind = 'mentor' THEN c.mentor_email_enc ELSE c.email_enc END) = ?4) RETURNING id`,
    )
    .bind(t, JSON.stringify(ready.map((r) => r.id)), claimId, enc)
    .all<{ id: number }>();
  const markedIds = new Set(marked.results.map((m) => m.id));
  for (const r of ready.filter((x) => !markedIds.has(x.id))) {
    const current = await d1
      .prepare(
        `SELECT b.status, b.claim_id, (SELECT CASE WHEN b.kind = 'mentor' THEN c.mentor_email_enc ELSE ` +
          `c.email_enc END FROM participant_contacts c WHERE c.participant_id = b.participant_id) AS enc
           FROM outbox b WHERE b.id = ?1`,
      )
      .bind(r.id)
      .first<{ status: string; claim_id: string | null; enc: string | null }>();
    if (current?.status !== "sending" || current.claim_id !== claimId) {
      // Settled by someone else meanwhile (a withdrawal cancels claimed rows): nothing to record.
      if (current?.status === "cancelled") counts.cancelled++;
      else counts.skipped++;
      continue;
    }
    await finish(run, [r], "queued", current.enc !== enc ? "address_changed" : "state_changed", t, {
      undoAttempt: true,
    });
    counts.deferred++;
  }
  return ready.filter((r) => markedIds.has(r.id));
}

/** Step 4: hands the mail to the transport and records the outcome on its rows. */
async function sendAndRecord(
  run: Delivery,
  sending: ContextRow[],
  outgoing: OutgoingMail,
  policy: ReminderPolicy,
  t: number,
  state: { handedOver: boolean },
) {
  const { tx, counts } = run;
  let result: SendResult;
  try {
    result = await tx.send(outgoing);
  } catch (e) {
    // A transport that throws instead of answering may or may not have handed the message over.
    result = { accepted: false, permanent: false, unknown: true, error: `transport_error: ${errorText(e)}` };
  }
  state.handedOver = true;
  const n = sending.length;
  if (result.accepted) {
    await finish(run, sending, "sent", null, t, { messageId: outgoing.messageId });
    counts.sent += n;
  } else if (result.unknown && !tx.idempotent) {
    // It may have been delivered: resending could duplicate, so it stops here with a clear reason.
    await finish(run, sending, "failed", redactAddresses(`outcome_unknown: ${result.error}`), t);
    counts.unknown += n;
  } else if (result.permanent || sending.some((r) => r.attempts >= run.limit)) {
    await finish(run, sending, "failed", redactAddresses(result.error), t);
    counts.failed += n;
  } else {
    await finish(
      run,
      sending,
      "queued",
      redactAddresses(result.error),
      nextSendableTime(t + backoffMs(Math.max(...sending.map((r) => r.attempts))), policy),
    );
    counts.retried += n;
  }
}

/**
 * Records the outcome of rows, under this claim and only while they are still `sending`: a finish that comes
 * late (after resolveStaleClaims settled a row, or another claim took it) changes nothing. The rows of one
 * combined mail get their outcome in one statement.
 */
async function finish(
  run: Delivery,
  rs: ContextRow[],
  status: "sent" | "queued" | "failed" | "cancelled",
  error: string | null,
  next: number,
  opt: { undoAttempt?: boolean; messageId?: string } = {},
) {
  const messageId = status === "sent" ? (opt.messageId ?? (await messageIdFor(run.env, rs[0]!.key))) : null;
  // Written again once when D1 fails for a moment: after a hand-over a lost outcome would leave the rows
  // `outcome_unknown` (SMTP) although the mail went out. The write is guarded by the claim, so a second
  // write after a lost reply changes nothing.
  const res = await retryTransient(() =>
    run.d1
      .prepare(
        `UPDATE outbox SET status = ?1, last_error = ?2, next_attempt_at = ?3, attempts = attempts - ?4,
           sent_at = CASE WHEN ?1 = 'sent' THEN ?5 ELSE sent_at ` +
          `END, message_id = CASE WHEN ?1 = 'sent' THEN ?6 ELSE message_id END
         WHERE id IN (SELECT value FROM json_each(?7)) AND claim_id = ?8 AND status = 'sending'`,
      )
      .bind(
        status,
        error,
        next,
        opt.undoAttempt ? 1 : 0,
        run.now(),
        messageId,
        JSON.stringify(rs.map((r) => r.id)),
        run.claimId,
      )
      .run(),
  );
  if ((res.meta.changes ?? 0) < rs.length)
    console.warn(JSON.stringify({ event: "outbox_late_finish", ...idsOf(rs), outcome: status }));
}

/**
 * Claims whose outcome never came back (the Worker died). Rows claimed but never started go back to the
 * queue. Rows whose send had started might have been delivered: with an idempotent transport they are
 * resent under the same key while attempts remain (past MAIL_MAX_ATTEMPTS they fail, so a row that keeps
 * killing its Worker cannot block every run); otherwise they are marked failed ("outcome_unknown") and a
 * researcher may retry them from the outbox view, knowing the youth might get the message twice.
 */
export async function resolveStaleClaims(
  env: Env,
  now: number,
  pilotId?: number,
  byPilot?: Map<number, number>,
): Promise<number> {
  const d1 = env.DB;
  const before = now - STALE_CLAIM_MS;
  const idempotent = isIdempotentTransport(env) ? 1 : 0;
  // A pilot's manual run settles only that pilot's claims (the pilot parameter NULL: every pilot's).
  const [a, b] = await d1.batch<{ pilot_id: number }>([
    d1
      .prepare(
        `UPDATE outbox SET status = 'queued', attempts = max(attempts ` +
          `- 1, 0), last_error = 'claim_expired', next_attempt_at = ?1
         WHERE status = 'sending' AND claimed_at <= ?2 AND send_started_at ` +
          `IS NULL AND (?3 IS NULL OR pilot_id = ?3) RETURNING pilot_id`,
      )
      .bind(now, before, pilotId ?? null),
    d1
      .prepare(
        `UPDATE outbox SET status = CASE WHEN ?1 = 1 AND attempts < ?4 THEN 'queued' ELSE 'failed' END,
           last_error = CASE WHEN ?1 = 1 AND attempts >= ?4 THEN ` +
          `'outcome_unknown: max_attempts' ELSE 'outcome_unknown' END, next_attempt_at = ?2
         WHERE status = 'sending' AND claimed_at <= ?3 AND (?5 IS NULL OR pilot_id = ?5) RETURNING pilot_id`,
      )
      .bind(idempotent, now, before, maxAttempts(env), pilotId ?? null),
  ]);
  for (const { pilot_id } of [...a!.results, ...b!.results]) byPilot?.set(pilot_id, (byPilot.get(pilot_id) ?? 0) + 1);
  return a!.results.length + b!.results.length;
}

/** Failures of one kind at or above this count within FAILURE_WARNING_WINDOW_MS raise a warning. */
export const FAILURE_WARNING_THRESHOLD = 3;
export const FAILURE_WARNING_WINDOW_MS = 24 * HOUR_MS;
/**
 * The kind of a stored failure reason: the code before the first ":" (`undecryptable_address`,
 * `build_failed`, `outcome_unknown`, `smtp_tls_required`, …), SMTP reply codes as `smtp_5xx`, HTTP API
 * answers as `http_4xx`. Never the detail, which may carry relay text.
 */
const FAILURE_KIND_SQL = `CASE WHEN last_error GLOB '[0-9][0-9][0-9]*' THEN 'smtp_' || substr(last_error, 1, 1) || 'xx'
    WHEN last_error GLOB 'http_[0-9][0-9][0-9]*' THEN 'http_' || substr(last_error, 6, 1) || 'xx'
    WHEN instr(last_error, ':') > 0 THEN substr(last_error, 1, instr(last_error, ':') - 1)
    ELSE coalesce(last_error, 'unknown') END`;
export type FailureWarning = { pilotId: number; reason: string; count: number; lastAt: number };

/**
 * Failed messages grouped by kind over the last day (a failed row's next_attempt_at is when it failed),
 * for one pilot or all; only kinds that failed FAILURE_WARNING_THRESHOLD times or more.
 */
export async function repeatedFailures(d1: D1Database, now: number, pilotId?: number): Promise<FailureWarning[]> {
  const scope = pilotId === undefined ? "" : " AND pilot_id = ?3";
  const q = d1.prepare(
    `SELECT pilot_id, ${FAILURE_KIND_SQL} AS reason, COUNT(*) AS n, MAX(next_attempt_at) AS last_at FROM outbox
     WHERE status = 'failed' AND next_attempt_at >= ?1${scope} ` +
      `GROUP BY pilot_id, reason HAVING n >= ?2 ORDER BY pilot_id, n DESC`,
  );
  const since = now - FAILURE_WARNING_WINDOW_MS;
  const { results } = await (pilotId === undefined
    ? q.bind(since, FAILURE_WARNING_THRESHOLD)
    : q.bind(since, FAILURE_WARNING_THRESHOLD, pilotId)
  ).all<{ pilot_id: number; reason: string; n: number; last_at: number }>();
  return results.map((r) => ({ pilotId: r.pilot_id, reason: r.reason, count: r.n, lastAt: r.last_at }));
}

/** One log line per pilot and kind of repeated failure: the reason and the count, never an address. */
export async function logRepeatedFailures(d1: D1Database, now: number, pilotId?: number): Promise<FailureWarning[]> {
  const warnings = await repeatedFailures(d1, now, pilotId);
  for (const w of warnings)
    console.warn(
      JSON.stringify({
        event: "outbox_repeated_failures",
        pilotId: w.pilotId,
        reason: w.reason,
        count: w.count,
        windowHours: FAILURE_WARNING_WINDOW_MS / HOUR_MS,
      }),
    );
  return warnings;
}
