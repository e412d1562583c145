// Issue 12, item 6: Message-IDs are opaque — they name no occasion id and no kind — yet unique per
// outbox row and stable, so the resend of a row carries the same Message-ID as its first attempt.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { messageIdFor } from "../../worker/mail/transport";
import { deliverOutbox, outboxKey } from "../../worker/reminders/outbox";
import { outboxRow, queueMessage, sinkFor, uniqueDomain } from "../support/mail";
import { ALWAYS_SEND, makeParticipant, makePilot } from "../support/study";

describe("opaque Message-IDs", () => {
  it("name no occasion id or kind, are unique per row and equal the one recorded", async () => {
    const sink = sinkFor(uniqueDomain("msgid"));
    const { pilot } = await makePilot({ settings: ALWAYS_SEND });
    const youth = await makeParticipant(pilot.id, {
      start: "2026-01-05",
      email: sink.address("m.youth"),
      mentor: sink.address("m.mentor"),
    });
    const now = Date.now();
    const rows = [
      await queueMessage(pilot.id, youth.id, { now, kind: "invitation" }),
      await queueMessage(pilot.id, youth.id, { now, kind: "mentor", seq: 2 }),
    ];
    expect(
      await deliverOutbox(
        env,
        rows.map((r) => r.id),
        () => now,
      ),
    ).toMatchObject({ sent: 2 });
    const { messages } = await sink.messages();
    expect(messages).toHaveLength(2);
    for (const r of rows) {
      const row = await outboxRow(r.id);
      const m = messages.find((x) => x.messageId === row.message_id)!;
      expect(m, row.key).toBeDefined();
      expect(m.messageId).toMatch(/^<[0-9a-f]{40}@example\.org>$/);
      expect(m.messageId).not.toMatch(new RegExp(`^<${r.occasionId}\\b`)); // was <occasion.kind.seq@…>
      expect(m.messageId).not.toBe(`<${row.key.replace(/:/g, ".")}@example.org>`);
      expect(m.messageId).not.toMatch(/invitation|reminder|mentor/);
      expect(m.raw).not.toMatch(new RegExp(`Message-ID:[^\\r\\n]*\\b${r.occasionId}\\b`, "i"));
    }
    expect(new Set(messages.map((m) => m.messageId)).size).toBe(2);
  });

  it("are stable per key (a resend keeps its id) and different between keys; they depend on the secret", async () => {
    const key = outboxKey(123, "reminder", 2);
    const id = await messageIdFor(env, key);
    expect(await messageIdFor(env, key)).toBe(id);
    expect(await messageIdFor(env, outboxKey(123, "reminder", 3))).not.toBe(id);
    expect(await messageIdFor(env, outboxKey(124, "reminder", 2))).not.toBe(id);
    expect(await messageIdFor({ ...env, LINK_SECRET: "another-link-secret-of-enough-length!!" }, key)).not.toBe(id);
    expect(id).toMatch(/^<[0-9a-f]{40}@example\.org>$/);
  });

  it("a row resent after an unknown outcome (HTTP API, same Idempotency-Key) carries the same Message-ID", async () => {
    const sink = sinkFor(uniqueDomain("msgidre"));
    const { pilot } = await makePilot({ settings: ALWAYS_SEND });
    const youth = await makeParticipant(pilot.id, { start: "2026-01-05", email: sink.address("r.youth") });
    const now = Date.now();
    const { id } = await queueMessage(pilot.id, youth.id, { now });
    const http = {
      ...env,
      MAIL_TRANSPORT: "http",
      MAIL_API_URL: sink.apiUrl,
      MAIL_API_KEY: "api-key-123",
    } as typeof env;
    expect(await deliverOutbox(http, [id], () => now)).toMatchObject({ sent: 1 });
    const first = (await outboxRow(id)).message_id;
    // the same row goes out again (a researcher's retry of an unknown outcome)
    await env.DB.prepare("UPDATE outbox SET status = 'queued', next_attempt_at = ? WHERE id = ?").bind(now, id).run();
    expect(await deliverOutbox(http, [id], () => now)).toMatchObject({ sent: 1 });
    const api = (await sink.apiMessages()).messages.filter((m) => m.to.includes(sink.address("r.youth")));
    expect(api.length).toBeGreaterThanOrEqual(1);
    for (const m of api) expect(m.messageId).toBe(first);
    expect((await outboxRow(id)).message_id).toBe(first);
  });
});
