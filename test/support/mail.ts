// Test helpers for the SMTP sink and HTTP mail API of test/support/smtp-sink.ts (started by
// test/global-setup.ts), mostly scoped to one recipient domain so that concurrent test files never see or
// disturb each other's mail; and the outbox rows that mail goes out from.
import { env } from "cloudflare:workers";
import type { ApiReceived, Received } from "./mail-types";

type SinkMessages = { messages: Received[]; attempts: number; refused: number; dropped: number };
type SinkMode = { refuseRate?: number; dropRate?: number; refuseAll?: boolean; permanent?: boolean };
const sinkMessages = async (domain?: string): Promise<SinkMessages> =>
  (await fetch(`${env.TEST_SMTP_CONTROL}/messages${domain ? `?domain=${encodeURIComponent(domain)}` : ""}`)).json();
const sinkMode = async (m: SinkMode & { domain?: string }) =>
  void (await fetch(`${env.TEST_SMTP_CONTROL}/mode`, { method: "POST", body: JSON.stringify(m) }));

/** The whole sink, every domain: for tests that look for one recipient's mail (mailTo, mailCount). */
export const smtpSink = {
  messages: () => sinkMessages(),
  async clear() {
    await fetch(`${env.TEST_SMTP_CONTROL}/messages`, { method: "DELETE" });
  },
  mode: (m: SinkMode) => sinkMode(m),
};

const to = (address: string) => (m: Received) => m.to.some((x) => x.toLowerCase() === address.toLowerCase());

/** Waits for the SMTP sink to hold a message to `address` (mail may go out after the response). */
export async function mailTo(address: string, timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = (await smtpSink.messages()).messages.filter(to(address));
    if (found.length) return found;
    if (Date.now() > until) throw new Error(`no mail to ${address}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const mailCount = async (address: string) => (await smtpSink.messages()).messages.filter(to(address)).length;

let n = 0;
export const uniqueDomain = (prefix: string) => `${prefix}-${Date.now().toString(36)}${(n++).toString(36)}.test`;

export function sinkFor(domain: string) {
  const base = env.TEST_SMTP_CONTROL;
  return {
    domain,
    address: (local: string) => `${local.toLowerCase()}@${domain}`,
    messages: () => sinkMessages(domain),
    mode: (m: SinkMode) => sinkMode({ domain, ...m }),
    async apiMessages(): Promise<{ messages: ApiReceived[]; attempts: number }> {
      return (await fetch(`${base}/mailapi/messages?domain=${encodeURIComponent(domain)}`)).json();
    },
    /** The HTTP mail API's failure modes are global: only the file that tests it changes them. */
    async apiMode(m: { failRate?: number; dropRate?: number }) {
      await fetch(`${base}/mailapi/mode`, { method: "POST", body: JSON.stringify(m) });
    },
    apiUrl: `${base}/mailapi`,
  };
}

/** Counts by recipient: every value must be 1 for "exactly once". */
export function perRecipient(messages: { to: string[] }[]) {
  const m = new Map<string, number>();
  for (const msg of messages) for (const t of msg.to) m.set(t, (m.get(t) ?? 0) + 1);
  return m;
}

/** An open occasion with one queued outbox message; returns the outbox id and occasion id. */
export async function queueMessage(
  pilotId: number,
  participantId: number,
  opts: { kind?: "invitation" | "reminder" | "mentor"; now?: number; seq?: number } = {},
) {
  const now = opts.now ?? Date.now();
  const kind = opts.kind ?? "invitation";
  const occ = (await env.DB.prepare(
    "INSERT INTO occasions (participant_id, kind, seq, due_date, opens_at, closes_at, status, " +
      "instrument_version_ids) VALUES (?, 'frequent', ?, '2026-01-05', ?, ?, 'open', '[]') RETURNING id",
  )
    .bind(participantId, opts.seq ?? 1, now - 86_400_000, now + 9 * 86_400_000)
    .first<number>("id"))!;
  const id = (await env.DB.prepare(
    "INSERT INTO outbox (key, occasion_id, participant_id, pilot_id, kind, seq, " +
      "status, next_attempt_at) VALUES (?, ?, ?, ?, ?, 1, 'queued', ?) RETURNING id",
  )
    .bind(`${occ}:${kind}:1`, occ, participantId, pilotId, kind, now)
    .first<number>("id"))!;
  return { id, occasionId: occ };
}

export async function outboxRow(id: number) {
  return (await env.DB.prepare("SELECT * FROM outbox WHERE id = ?").bind(id).first<{
    status: string;
    attempts: number;
    last_error: string | null;
    next_attempt_at: number;
    sent_at: number | null;
    message_id: string | null;
    key: string;
  }>())!;
}

/** Waits until nothing of these pilots is in flight or due at `now` (the Queue delivers in the background). */
export async function drained(pilotIds: number[], now: number, timeoutMs = 120_000) {
  const start = Date.now();
  const sql =
    `SELECT COUNT(*) AS n FROM outbox WHERE pilot_id IN (SELECT value FROM json_each(?1)) ` +
    `AND (status = 'sending' OR (status = 'queued' AND next_attempt_at <= ?2))`;
  for (;;) {
    const n = (await env.DB.prepare(sql).bind(JSON.stringify(pilotIds), now).first<number>("n"))!;
    if (n === 0) return;
    if (Date.now() - start > timeoutMs)
      throw new Error(`outbox not drained after ${timeoutMs} ms: ${n} rows in flight or due`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export const statusCounts = async (pilotIds: number[]) =>
  Object.fromEntries(
    (
      await env.DB.prepare(
        "SELECT status, COUNT(*) AS n FROM outbox WHERE pilot_id IN (SELECT value FROM json_each(?)) GROUP BY status",
      )
        .bind(JSON.stringify(pilotIds))
        .all<{ status: string; n: number }>()
    ).results.map((r) => [r.status, r.n]),
  );
