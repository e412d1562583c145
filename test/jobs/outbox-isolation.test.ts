// Issue 12, item 1 (outbox isolation): one row that cannot be decrypted, built or recorded does not stop
// its neighbours; the run always finishes its record and its recompute; the attempt limit holds for
// requeued stale claims; a late finish never overwrites a row that has moved on; repeated failures of one
// kind show as a warning on the researcher's reminders page and as one log line.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Env } from "../../worker/env";
import { runScheduled } from "../../worker/jobs/scheduled";
import { encryptText } from "../../worker/lib/crypto";
import { localDate } from "../../worker/schedule/schedule";
import { ALWAYS_SEND, makeParticipant, makePilot } from "../support/fixtures";
import { sinkFor, uniqueDomain } from "../mail/sink";

/** The HTTP mail API of the sink (idempotent transport), as test/mail/transport.test.ts switches to it. */
const httpEnv = (sink: ReturnType<typeof sinkFor>, over: Partial<Record<keyof Env, unknown>> = {}) =>
  ({ ...env, MAIL_TRANSPORT: "http", MAIL_API_URL: sink.apiUrl, MAIL_API_KEY: "api-key-isolation", ...over }) as Env;

/** A ciphertext made with another key (as after a CONTACT_KEY change): well-formed, but it does not decrypt. */
async function corruptAddress(participantId: number, address: string) {
  const otherKey = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
  const enc = await encryptText(otherKey, address, `participant:${participantId}:email`);
  await env.DB.prepare("UPDATE participant_contacts SET email_enc = ? WHERE participant_id = ?").bind(enc, participantId).run();
}

const outboxOf = async (pilotId: number) =>
  (await env.DB.prepare("SELECT o.id, o.participant_id, o.status, o.attempts, o.last_error, o.claim_id FROM outbox o WHERE o.pilot_id = ? ORDER BY o.id").bind(pilotId).all<{ id: number; participant_id: number; status: string; attempts: number; last_error: string | null; claim_id: string | null }>()).results;

describe("outbox isolation", () => {
  it("a queued row whose address cannot be decrypted fails alone (HTTP transport): its neighbours are sent and the run records its recompute", async () => {
    const now = Date.now();
    const sink = sinkFor(uniqueDomain("iso-dec"));
    const { pilot } = await makePilot({ settings: ALWAYS_SEND });
    const today = localDate(now, "Europe/Amsterdam");
    const youths: { id: number }[] = [];
    for (const n of ["a", "b", "c", "d"]) youths.push(await makeParticipant(pilot.id, { start: today, email: sink.address(n) }));
    // The second youth's address was stored under another key; the rows after it must still go out.
    await corruptAddress(youths[1]!.id, sink.address("b"));
    // Something for the run's recompute to do.
    await env.DB.prepare("INSERT INTO recompute_queue (participant_id, requested_at) VALUES (?, ?) ON CONFLICT DO NOTHING").bind(youths[3]!.id, now).run();

    const summary = await runScheduled(httpEnv(sink), now);

    const rows = await outboxOf(pilot.id);
    expect(rows).toHaveLength(4);
    const bad = rows.find((r) => r.participant_id === youths[1]!.id)!;
    expect(bad).toMatchObject({ status: "failed" });
    expect(bad.last_error).toMatch(/^undecryptable_address/);
    expect(rows.filter((r) => r.id !== bad.id).map((r) => r.status)).toEqual(["sent", "sent", "sent"]);
    const { messages } = await sink.apiMessages();
    expect(messages.map((m) => m.to[0]).sort()).toEqual([sink.address("a"), sink.address("c"), sink.address("d")]);
    expect(summary).toMatchObject({ sentInline: 3, failedInline: 1 });
    expect(summary.recomputed).toBeGreaterThanOrEqual(1);
    // The run record is finished with its counts, and the recompute queue is drained.
    const run = (await env.DB.prepare("SELECT finished_at, counts FROM reminder_runs WHERE id = ?").bind(summary.runId).first<{ finished_at: number | null; counts: string }>())!;
    expect(run.finished_at).not.toBeNull();
    expect(JSON.parse(run.counts)).toMatchObject({ sentInline: 3, failedInline: 1, recomputed: summary.recomputed });
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM recompute_queue WHERE participant_id = ?").bind(youths[3]!.id).first<number>("n")).toBe(0);

    // A next run neither resends the good ones nor retries the undecryptable one.
    await runScheduled(httpEnv(sink), now + 60_000);
    expect((await sink.apiMessages()).messages).toHaveLength(3);
    expect((await outboxOf(pilot.id)).find((r) => r.id === bad.id)).toMatchObject({ status: "failed", attempts: 1 });
  });
});
