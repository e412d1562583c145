// Done when: an SMTP server that refuses 30% of deliveries at random — every message is eventually
// delivered once; failures are retried (with backoff, through the Queue) and visible in the outbox.
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runScheduled } from "../../worker/jobs/scheduled";
import { localDate } from "../../worker/schedule/schedule";
import { perRecipient, sinkFor, uniqueDomain, drained, statusCounts } from "../support/mail";
import { makePilot, bulkParticipants } from "../support/study";

const H = 3_600_000;

describe("a relay that refuses 30% of deliveries", () => {
  it("every message is delivered exactly once after " +
    "repeated runs, with the retries visible in the outbox", async () => {
    let now = Date.now();
    const sink = sinkFor(uniqueDomain("flaky"));
    // No quiet time and no reminders: this test is about the invitations getting through.
    const { pilot } = await makePilot({
      settings: { reminders: { quietHours: { start: "00:00", end: "00:00" }, quietWeekdays: [], maxReminders: 0 } },
    });
    const youths = await bulkParticipants(pilot.id, 200, {
      domain: sink.domain,
      start: localDate(now, "Europe/Amsterdam"),
      prefix: "F",
    });
    await sink.mode({ refuseRate: 0.3 });

    let runs = 0;
    let sawRetries = false;
    for (; runs < 30; runs++) {
      await runScheduled(env, now); // 200 due > 50: fans out through the Queue
      await drained([pilot.id], now);
      const counts = await statusCounts([pilot.id]);
      if (counts.queued) {
        // The researcher's outbox view shows the pending retries with their reason and attempts.
        const view = (await (
          await exports.default.fetch(
            `http://questionnaire.localhost/api/v1/pilots/${pilot.key}/outbox?status=queued&limit=500`,
            { headers: { authorization: `Bearer ${env.DEV_ADMIN_TOKEN}` } },
          )
        ).json()) as { messages: { attempts: number; reason: string; nextAttemptAt: number }[] };
        expect(view.messages.length).toBe(counts.queued);
        expect(view.messages.every((m) => m.attempts >= 1 && /^451/.test(m.reason) && m.nextAttemptAt > now)).toBe(
          true,
        );
        sawRetries = true;
      }
      if ((counts.sent ?? 0) === 200) break;
      expect(counts.failed ?? 0).toBe(0);
      now += 6 * H; // past the longest backoff (capped at 6 h)
    }
    await sink.mode({});
    expect(sawRetries).toBe(true);
    const got = await sink.messages();
    const per = perRecipient(got.messages);
    expect(per.size).toBe(200);
    expect(youths.filter((y) => per.get(`${y.code.toLowerCase()}@${sink.domain}`) !== 1)).toEqual([]);
    expect(got.messages).toHaveLength(200);
    // The relay really refused about 30%: attempts = delivered + refused.
    expect(got.refused).toBeGreaterThan(20);
    expect(got.attempts).toBe(200 + got.refused);
    const attempts = (await env.DB.prepare(
      "SELECT SUM(attempts) AS a, MAX(attempts) AS m FROM outbox WHERE pilot_id = ?",
    )
      .bind(pilot.id)
      .first<{ a: number; m: number }>())!;
    expect(attempts.a).toBe(got.attempts);
    expect(attempts.m).toBeGreaterThan(1);
    console.log(
      `refusals: ${got.refused} of ${got.attempts} attempts refused; all ` +
        `200 delivered once after ${runs + 1} runs; max attempts ${attempts.m}`,
    );
  }, 300_000);
});
