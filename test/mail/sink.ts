// Test helpers for the SMTP sink and HTTP mail API of test/support/smtp-sink.ts, scoped to one recipient
// domain so that concurrent test files never see or disturb each other's mail.
import { env } from "cloudflare:workers";
import type { ApiReceived, Received } from "./sink-types";

let n = 0;
export const uniqueDomain = (prefix: string) => `${prefix}-${Date.now().toString(36)}${(n++).toString(36)}.test`;

export function sinkFor(domain: string) {
  const base = env.TEST_SMTP_CONTROL;
  return {
    domain,
    address: (local: string) => `${local.toLowerCase()}@${domain}`,
    async messages(): Promise<{ messages: Received[]; attempts: number; refused: number; dropped: number }> {
      return (await fetch(`${base}/messages?domain=${encodeURIComponent(domain)}`)).json();
    },
    async mode(m: { refuseRate?: number; dropRate?: number; refuseAll?: boolean; permanent?: boolean }) {
      await fetch(`${base}/mode`, { method: "POST", body: JSON.stringify({ domain, ...m }) });
    },
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
    "INSERT INTO occasions (participant_id, kind, seq, due_date, opens_at, closes_at, status, instrument_version_ids) VALUES (?, 'frequent', ?, '2026-01-05', ?, ?, 'open', '[]') RETURNING id",
  )
    .bind(participantId, opts.seq ?? 1, now - 86_400_000, now + 9 * 86_400_000)
    .first<number>("id"))!;
  const id = (await env.DB.prepare(
    "INSERT INTO outbox (key, occasion_id, participant_id, pilot_id, kind, seq, status, next_attempt_at) VALUES (?, ?, ?, ?, ?, 1, 'queued', ?) RETURNING id",
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
