// The outbox: planning decides which messages are due and records each once under its unique key
// (occasion, kind, seq); delivery claims a row atomically before sending it. Together they make
// overlapping runs (two crons, cron + manual, queue retries) unable to send a message twice.
import { and, eq, inArray, lte } from "drizzle-orm";
import type { Db } from "../db";
import { schema } from "../db";
import type { Env } from "../env";
import { hmacToken } from "../lib/crypto";
import { createTransport, messageIdFor, type MailTransport } from "../mail/transport";
import { renderMail } from "../mail/templates";
import { getContact } from "../studies/contacts";
import { policyOf } from "../studies/settings";
import { ensureLink } from "../survey/links";
import { decideNextMessage, type Decision, type MessageKind } from "./policy";

export const MAX_ATTEMPTS = 6;
/** A claim older than this whose outcome never came back is resolved as failed, never resent blindly. */
export const STALE_CLAIM_MS = 10 * 60_000;
const backoffMs = (attempts: number) => Math.min(60_000 * 2 ** (attempts - 1), 6 * 3_600_000);

export type PlannedMessage = { occasionId: number; participantId: number; pilotId: number; code: string; decision: Decision };

/** Decides, for every open occasion (optionally of one pilot), what to send now and why others wait or are skipped. */
export async function planMessages(db: Db, now: number, opts: { pilotId?: number } = {}): Promise<PlannedMessage[]> {
  const where = opts.pilotId === undefined ? inArray(schema.occasions.status, ["open", "started"]) : and(inArray(schema.occasions.status, ["open", "started"]), eq(schema.participants.pilotId, opts.pilotId));
  const rows = await db
    .select({
      occasion: schema.occasions,
      participant: schema.participants,
      pilot: schema.pilots,
      hasEmail: schema.participantContacts.emailEnc,
      hasMentor: schema.participantContacts.mentorEmailEnc,
    })
    .from(schema.occasions)
    .innerJoin(schema.participants, eq(schema.participants.id, schema.occasions.participantId))
    .innerJoin(schema.pilots, eq(schema.pilots.id, schema.participants.pilotId))
    .leftJoin(schema.participantContacts, eq(schema.participantContacts.participantId, schema.participants.id))
    .where(and(where, lte(schema.occasions.opensAt, now)));
  if (!rows.length) return [];
  const sentRows = await sentByOccasion(db, rows.map((r) => r.occasion.id));
  return rows.map((r) => ({
    occasionId: r.occasion.id,
    participantId: r.participant.id,
    pilotId: r.pilot.id,
    code: r.participant.code,
    decision: decideNextMessage(
      {
        status: r.occasion.status,
        participantStatus: r.participant.status,
        pausedUntil: r.participant.remindersPausedUntil,
        hasEmail: !!r.hasEmail,
        hasMentorEmail: !!r.hasMentor,
        openedAt: r.occasion.opensAt,
        closesAt: r.occasion.closesAt,
        sent: sentRows.get(r.occasion.id) ?? [],
      },
      policyOf(r.pilot),
      now,
    ),
  }));
}

async function sentByOccasion(db: Db, occasionIds: number[]) {
  const out = new Map<number, { kind: MessageKind; seq: number; at: number }[]>();
  // D1 caps bound parameters at 100 per statement.
  for (let i = 0; i < occasionIds.length; i += 90) {
    const rows = await db
      .select({ occasionId: schema.outbox.occasionId, kind: schema.outbox.kind, seq: schema.outbox.seq, status: schema.outbox.status, sentAt: schema.outbox.sentAt, createdAt: schema.outbox.createdAt })
      .from(schema.outbox)
      .where(inArray(schema.outbox.occasionId, occasionIds.slice(i, i + 90)));
    for (const r of rows) {
      if (r.status === "cancelled") continue;
      // Queued, in-flight and failed messages count as taken: their key is used and must not be planned again.
      const list = out.get(r.occasionId) ?? [];
      list.push({ kind: r.kind, seq: r.seq, at: r.sentAt ?? r.createdAt });
      out.set(r.occasionId, list);
    }
  }
  return out;
}

/** Records the due messages in the outbox; a key that exists already is left alone. Returns how many were new. */
export async function enqueueMessages(db: Db, planned: PlannedMessage[], now: number, runId: number | null): Promise<number> {
  const rows = planned.flatMap((p) =>
    p.decision.action === "send"
      ? [{ key: `${p.occasionId}:${p.decision.kind}:${p.decision.seq}`, occasionId: p.occasionId, participantId: p.participantId, pilotId: p.pilotId, kind: p.decision.kind, seq: p.decision.seq, status: "queued" as const, nextAttemptAt: now, runId, createdAt: now }]
      : [],
  );
  let created = 0;
  for (let i = 0; i < rows.length; i += 100) {
    const chunk = rows.slice(i, i + 100);
    const stmts = [];
    for (let j = 0; j < chunk.length; j += 9) stmts.push(db.insert(schema.outbox).values(chunk.slice(j, j + 9)).onConflictDoNothing());
    const res = await db.batch(stmts as [(typeof stmts)[0], ...typeof stmts]);
    for (const r of res) created += (r as unknown as D1Result).meta.changes;
  }
  return created;
}

export async function dueOutboxIds(d1: D1Database, now: number, limit = 10_000, pilotId?: number): Promise<number[]> {
  const q = pilotId === undefined
    ? d1.prepare("SELECT id FROM outbox WHERE status = 'queued' AND next_attempt_at <= ? ORDER BY id LIMIT ?").bind(now, limit)
    : d1.prepare("SELECT id FROM outbox WHERE status = 'queued' AND next_attempt_at <= ? AND pilot_id = ? ORDER BY id LIMIT ?").bind(now, pilotId, limit);
  return (await q.all<{ id: number }>()).results.map((r) => r.id);
}

export type DeliveryCounts = { sent: number; retried: number; failed: number; cancelled: number; skipped: number };

/** Claims and sends the given outbox rows over one transport session. */
export async function deliverOutbox(env: Env, db: Db, ids: number[], now: () => number, transport?: MailTransport): Promise<DeliveryCounts> {
  const counts: DeliveryCounts = { sent: 0, retried: 0, failed: 0, cancelled: 0, skipped: 0 };
  if (!ids.length) return counts;
  const own = !transport;
  const tx = transport ?? (await createTransport(env));
  try {
    for (const id of ids) {
      const claimId = crypto.randomUUID();
      const t = now();
      const claimed = await env.DB.prepare(
        "UPDATE outbox SET status = 'sending', claim_id = ?, claimed_at = ?, attempts = attempts + 1 WHERE id = ? AND status = 'queued' AND next_attempt_at <= ? RETURNING id, key, occasion_id, participant_id, kind, attempts",
      )
        .bind(claimId, t, id, t)
        .first<{ id: number; key: string; occasion_id: number; participant_id: number; kind: MessageKind; attempts: number }>();
      if (!claimed) {
        counts.skipped++; // another run holds it or already sent it
        continue;
      }
      const finish = (status: "sent" | "queued" | "failed" | "cancelled", error: string | null, next = t) =>
        env.DB.prepare("UPDATE outbox SET status = ?, last_error = ?, next_attempt_at = ?, sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END, message_id = CASE WHEN ? = 'sent' THEN ? ELSE message_id END WHERE id = ? AND claim_id = ?")
          .bind(status, error, next, status, now(), status, messageIdFor(env, claimed.key), id, claimId)
          .run();

      const [ctx] = await db
        .select({ occasion: schema.occasions, participant: schema.participants })
        .from(schema.occasions)
        .innerJoin(schema.participants, eq(schema.participants.id, schema.occasions.participantId))
        .where(eq(schema.occasions.id, claimed.occasion_id));
      if (!ctx || !["open", "started"].includes(ctx.occasion.status) || !["active", "left_care"].includes(ctx.participant.status)) {
        await finish("cancelled", ctx ? `occasion_${ctx.occasion.status}_participant_${ctx.participant.status}` : "occasion_missing");
        counts.cancelled++;
        continue;
      }
      const contact = await getContact(db, env, claimed.participant_id);
      const to = claimed.kind === "mentor" ? contact.mentorEmail : contact.email;
      if (!to) {
        await finish("failed", "no_address");
        counts.failed++;
        continue;
      }
      const link = await ensureLink(db, env, claimed.occasion_id, ctx.occasion.closesAt);
      const pause = `${env.PUBLIC_URL.replace(/\/$/, "")}/p/${await pauseToken(env, claimed.participant_id)}`;
      const mail = renderMail(claimed.kind, link, claimed.kind === "mentor" ? null : pause);
      const result = await tx.send({ to, ...mail, messageId: messageIdFor(env, claimed.key) });
      if (result.accepted) {
        await finish("sent", null);
        counts.sent++;
      } else if (result.permanent || claimed.attempts >= MAX_ATTEMPTS) {
        await finish("failed", result.error.slice(0, 500));
        counts.failed++;
      } else {
        await finish("queued", result.error.slice(0, 500), t + backoffMs(claimed.attempts));
        counts.retried++;
      }
    }
  } finally {
    if (own) await tx.close();
  }
  return counts;
}

/**
 * A claim whose outcome never came back (the Worker died mid-send) might have been delivered. Resending
 * could duplicate, so it is marked failed with a clear reason; a researcher can retry it from the outbox.
 */
export async function resolveStaleClaims(d1: D1Database, now: number): Promise<number> {
  const r = await d1
    .prepare("UPDATE outbox SET status = 'failed', last_error = 'outcome_unknown' WHERE status = 'sending' AND claimed_at <= ?")
    .bind(now - STALE_CLAIM_MS)
    .run();
  return r.meta.changes;
}

/** `<participantId>.<hmac>`: lets the youth pause reminders without an account and without a stored token. */
export async function pauseToken(env: Env, participantId: number): Promise<string> {
  return `${participantId}.${await hmacToken(env.LINK_SECRET, `pause:${participantId}`)}`;
}
