// Done when: 100 overlapping runs over 1,000 due participants deliver each message exactly once,
// counted at a real SMTP server. The runs mix the cron job, researchers' API runs and direct queue
// consumer deliveries; runs with more than 50 due messages also fan out through the real Queue.
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { openDueOccasions } from "../../worker/studies/occasions";
import { runScheduled } from "../../worker/jobs/scheduled";
import { enqueueMessages, planMessages } from "../../worker/reminders/outbox";
import { localDate } from "../../worker/schedule/schedule";
import { consumeWith } from "../support/handlers";
import { perRecipient, sinkFor, uniqueDomain, drained, statusCounts } from "../support/mail";
import { ALWAYS_SEND, makePilot, bulkParticipants } from "../support/study";

describe("exactly once under overlapping runs", () => {
  it("100 overlapping runs (cron, API, queue consumer) " +
    "over 1,000 due youths: every invitation arrives once", async () => {
    const now = Date.now();
    const today = localDate(now, "Europe/Amsterdam");
    const sink = sinkFor(uniqueDomain("once"));
    const { pilot: a } = await makePilot({ settings: ALWAYS_SEND });
    const { pilot: b } = await makePilot({ settings: ALWAYS_SEND });
    const youthsA = await bulkParticipants(a.id, 500, { domain: sink.domain, start: today, prefix: "A" });
    const youthsB = await bulkParticipants(b.id, 500, { domain: sink.domain, start: today, prefix: "B" });

    // Pilot A's invitations are already planned (as if an earlier run died after planning); B's are not.
    await openDueOccasions(env.DB, now, a.id);
    expect(await enqueueMessages(env.DB, await planMessages(env.DB, now, { pilotId: a.id }), now, null)).toBe(500);
    const queuedA = (
      await env.DB.prepare("SELECT id FROM outbox WHERE pilot_id = ? ORDER BY id").bind(a.id).all<{ id: number }>()
    ).results.map((r) => r.id);

    const admin = { authorization: `Bearer ${env.DEV_ADMIN_TOKEN}`, "content-type": "application/json" };
    const apiRun = (key: string) =>
      exports.default
        .fetch(`http://questionnaire.localhost/api/v1/pilots/${key}/reminder-runs`, {
          method: "POST",
          headers: admin,
          body: JSON.stringify({ dryRun: false }),
        })
        .then((r) => r.status);
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 100; i++) {
      if (i % 10 < 4) work.push(runScheduled(env, now + i));
      else if (i % 10 < 7) work.push(apiRun(i % 2 ? a.key : b.key));
      else {
        // a consumer taking an overlapping slice of A's queued messages (reversed on odd runs)
        const ids = i % 2 ? [...queuedA].reverse() : queuedA;
        work.push(consumeWith(env, ids.slice((i * 37) % 400, ((i * 37) % 400) + 100)));
      }
    }
    const results = await Promise.all(work);
    expect(results.filter((r) => typeof r === "number").every((s) => s === 200)).toBe(true);
    await drained([a.id, b.id], now + 1_000);

    const { messages } = await sink.messages();
    const counts = perRecipient(messages);
    const everyone = [...youthsA, ...youthsB].map((y) => `${y.code.toLowerCase()}@${sink.domain}`);
    expect(counts.size).toBe(1_000);
    expect(everyone.filter((addr) => counts.get(addr) !== 1)).toEqual([]);
    expect(messages).toHaveLength(1_000);
    expect(new Set(messages.map((m) => m.messageId)).size).toBe(1_000);
    expect(await statusCounts([a.id, b.id])).toEqual({ sent: 1_000 });
    // Each row was claimed once: attempts = 1 everywhere.
    expect(
      await env.DB.prepare("SELECT MAX(attempts) AS m FROM outbox WHERE pilot_id IN (?, ?)")
        .bind(a.id, b.id)
        .first<number>("m"),
    ).toBe(1);
  }, 300_000);
});
