// Issue 12, item 4 (complete erasure, the outbox half): withdrawal or an address change stops every
// message not yet handed to the transport, claimed rows included. A row claimed by a delivery (status
// 'sending', no send_started_at) holds the address read at claim time; it must check again right before
// its send. The interleave is real: the transport's send of the first row withdraws (or re-addresses) the
// youth of the second row, which is already claimed in the same batch.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { getDb, schema } from "../../worker/db";
import type { MailTransport, OutgoingMail } from "../../worker/mail/transport";
import { deliverOutbox } from "../../worker/reminders/outbox";
import { updateParticipant, withdraw } from "../../worker/studies/participants";
import { eq } from "drizzle-orm";
import { outboxRow, queueMessage } from "../support/mail";
import { ALWAYS_SEND, makeParticipant, makePilot } from "../support/study";

const actor = { type: "staff" as const, id: "test" };

/** Accepts everything, remembers the recipients, and runs `during` inside the first send. */
function recordingTransport(during: () => Promise<void>) {
  const to: string[] = [];
  let first = true;
  const tx: MailTransport = {
    name: "http",
    idempotent: true,
    async send(m: OutgoingMail) {
      to.push(m.to);
      if (first) {
        first = false;
        await during();
      }
      return { accepted: true };
    },
    async close() {},
  };
  return { tx, to };
}

async function twoYouths(tag: string) {
  const { pilot } = await makePilot({ settings: ALWAYS_SEND });
  const a = await makeParticipant(pilot.id, { start: "2026-01-05", email: `a-${tag}@claimed.example` });
  const b = await makeParticipant(pilot.id, { start: "2026-01-05", email: `b-${tag}@claimed.example` });
  const ra = await queueMessage(pilot.id, a.id);
  const rb = await queueMessage(pilot.id, b.id);
  return { pilot, a, b, ids: [ra.id, rb.id] };
}

afterEach(() => vi.restoreAllMocks());

describe("claimed rows re-check before their send", () => {
  it("a youth withdrawn between the claim and her send gets nothing: the claimed row ends cancelled", async () => {
    const { pilot, b, ids } = await twoYouths("withdraw");
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const { tx, to } = recordingTransport(async () => {
      // The second row is claimed (status 'sending', send not started) while this happens.
      expect(await outboxRow(ids[1]!)).toMatchObject({ status: "sending", send_started_at: null });
      await withdraw(env.DB, pilot, b, actor, Date.now());
    });
    await deliverOutbox(env, ids, () => Date.now(), { transport: tx });
    expect(to).toEqual(["a-withdraw@claimed.example"]);
    expect((await outboxRow(ids[0]!)).status).toBe("sent");
    // Not back in the queue for a later run to pick up: stopped for good.
    expect(await outboxRow(ids[1]!)).toMatchObject({ status: "cancelled", last_error: "withdrawn" });
  });

  it(
    "an address changed between the claim and the send is not " +
      "mailed at the old address; the message goes to the new one",
    async () => {
      const { pilot, b, ids } = await twoYouths("change");
      const { tx, to } = recordingTransport(async () => {
        expect(await outboxRow(ids[1]!)).toMatchObject({ status: "sending", send_started_at: null });
        await updateParticipant(env.DB, env, pilot, b, { email: "b-new@claimed.example" }, actor, Date.now());
      });
      const counts = await deliverOutbox(env, ids, () => Date.now(), { transport: tx });
      expect(to).toEqual(["a-change@claimed.example"]);
      expect(counts).toMatchObject({ sent: 1, deferred: 1 });
      // Given back to the queue, due at once, attempt not counted; the next delivery reads the new address.
      const row = await outboxRow(ids[1]!);
      expect(row).toMatchObject({ status: "queued", attempts: 0, last_error: "address_changed" });
      const again = recordingTransport(async () => {});
      expect(await deliverOutbox(env, [ids[1]!], () => Date.now(), { transport: again.tx })).toMatchObject({ sent: 1 });
      expect(again.to).toEqual(["b-new@claimed.example"]);
    },
  );

  it("an address removed between the claim and the send: nothing goes out to the old address", async () => {
    const { pilot, b, ids } = await twoYouths("removed");
    const { tx, to } = recordingTransport(async () => {
      await updateParticipant(env.DB, env, pilot, b, { email: null }, actor, Date.now());
    });
    await deliverOutbox(env, ids, () => Date.now(), { transport: tx });
    expect(to).toEqual(["a-removed@claimed.example"]);
    expect((await outboxRow(ids[1]!)).status).not.toBe("sent");
    // The next delivery finds no address: failed (no_address), never the old one.
    const again = recordingTransport(async () => {});
    await deliverOutbox(env, [ids[1]!], () => Date.now(), { transport: again.tx });
    expect(again.to).toEqual([]);
    expect(await outboxRow(ids[1]!)).toMatchObject({ status: "failed", last_error: "no_address" });
  });

  it("withdrawal also cancels rows claimed but not started, and leaves rows already handed over alone", async () => {
    const { pilot, a, b } = await twoYouths("direct");
    const [ra] = await getDb(env.DB).select().from(schema.outbox).where(eq(schema.outbox.participantId, a.id));
    const [rb] = await getDb(env.DB).select().from(schema.outbox).where(eq(schema.outbox.participantId, b.id));
    const now = Date.now();
    // a: claimed, send started (handed over); b: claimed only
    await env.DB.prepare(
      "UPDATE outbox SET status = 'sending', claim_id = 'c1', claimed_at = ?, send_started_at = ? WHERE id = ?",
    )
      .bind(now, now, ra!.id)
      .run();
    await env.DB.prepare("UPDATE outbox SET status = 'sending', claim_id = 'c1', claimed_at = ? WHERE id = ?")
      .bind(now, rb!.id)
      .run();
    await withdraw(env.DB, pilot, a, actor, now);
    await withdraw(env.DB, pilot, b, actor, now);
    expect((await outboxRow(ra!.id)).status).toBe("sending");
    expect(await outboxRow(rb!.id)).toMatchObject({ status: "cancelled", last_error: "withdrawn" });
  });
});
