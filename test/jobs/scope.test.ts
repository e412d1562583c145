// Issue 12, item 5 (scope): a pilot's manual run acts on that pilot only — opening, closing, stale
// claims, planning, sending and recompute — and reports only its own counts; run lists show a pilot its
// own runs and the cron runs with that pilot's share only.
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runScheduled } from "../../worker/jobs/scheduled";
import { STALE_CLAIM_MS } from "../../worker/reminders/outbox";
import { addDays, localDate } from "../../worker/schedule/schedule";
import { outboxRow, queueMessage, sinkFor, uniqueDomain } from "../support/mail";
import { apiToken } from "../support/staff";
import { ALWAYS_SEND, makeParticipant, makePilot } from "../support/study";

const TZ = "Europe/Amsterdam";
const DAY = 86_400_000;

/** The authorization header of a fresh API token with `role` on this one pilot. */
const tokenFor = async (pilotId: number, role: "researcher" | "coordinator" = "researcher") =>
  (await apiToken(role, [pilotId])).headers.authorization!;
const runsOf = async (pilotKey: string, auth: string) => {
  const res = await exports.default.fetch(`http://questionnaire.localhost/api/v1/pilots/${pilotKey}/reminder-runs`, {
    headers: { authorization: auth },
  });
  expect(res.status).toBe(200);
  return (
    (await res.json()) as {
      runs: { id: number; scope: string; trigger: string; counts: Record<string, number> | null }[];
    }
  ).runs;
};
const scalar = async (sql: string, ...args: unknown[]) =>
  (await env.DB.prepare(sql)
    .bind(...args)
    .first<number>("n"))!;

/**
 * One pilot with something for every step of a run: `due` youths whose first occasion falls due today
 * (opened, invited), an expired open occasion with a queued message (closed, cancelled), a stale claim
 * (requeued), and a youth in the recompute queue.
 */
async function pilotWithWork(tag: string, due: number, now: number) {
  const { pilot } = await makePilot({ settings: ALWAYS_SEND });
  const sink = sinkFor(uniqueDomain(`scope-${tag}`));
  const today = localDate(now, TZ);
  const youths: { id: number }[] = [];
  for (let i = 0; i < due; i++)
    youths.push(await makeParticipant(pilot.id, { start: today, email: sink.address(`due${i}`) }));
  // expired: an open occasion whose window closed an hour ago, with its reminder still queued
  const old = await makeParticipant(pilot.id, { start: addDays(today, 30), email: sink.address("old") });
  const expired = await queueMessage(pilot.id, old.id, { now: now - 10 * DAY });
  await env.DB.prepare("UPDATE occasions SET closes_at = ? WHERE id = ?")
    .bind(now - 3_600_000, expired.occasionId)
    .run();
  // a stale claim: claimed long ago, send never started
  const stuck = await makeParticipant(pilot.id, { start: addDays(today, 30), email: sink.address("stuck") });
  const stale = await queueMessage(pilot.id, stuck.id, { now: now - DAY });
  await env.DB.prepare(
    "UPDATE outbox SET status = 'sending', claim_id = 'old-claim', claimed_at = ?, attempts = 1 WHERE id = ?",
  )
    .bind(now - STALE_CLAIM_MS - 60_000, stale.id)
    .run();
  // new answers waiting for the recompute
  await env.DB.prepare("INSERT INTO recompute_queue (participant_id, requested_at) VALUES (?, ?)")
    .bind(old.id, now - 1000)
    .run();
  return { pilot, sink, youths, expired, stale, recomputeFor: old.id };
}

describe("a pilot's manual run", () => {
  it(
    "acts on that pilot only and reports only its counts; the " +
      "cron run records each pilot's share, shown only to that pilot",
    async () => {
      const now = Date.now();
      const a = await pilotWithWork("a", 2, now);
      const b = await pilotWithWork("b", 3, now);

      const summary = await runScheduled(env, now, {
        type: "api",
        by: "token:test",
        actorType: "token",
        pilotId: a.pilot.id,
      });

      // A: everything done
      expect(summary).toMatchObject({
        opened: 2,
        closed: 1,
        staleResolved: 1,
        planned: 2,
        enqueued: 2,
        sentInline: 3,
        recomputed: 1,
      });
      expect(
        await scalar(
          "SELECT COUNT(*) AS n FROM occasions o JOIN participants p ON p.id " +
            "= o.participant_id WHERE p.pilot_id = ? AND o.status = 'missed'",
          a.pilot.id,
        ),
      ).toBe(1);
      expect((await outboxRow(a.expired.id)).status).toBe("cancelled");
      expect((await outboxRow(a.stale.id)).status).toBe("sent"); // requeued, then delivered by the same run
      expect(await scalar("SELECT COUNT(*) AS n FROM recompute_queue WHERE participant_id = ?", a.recomputeFor)).toBe(
        0,
      );
      expect((await a.sink.messages()).messages).toHaveLength(3);

      // B: untouched — nothing opened, closed, requeued, sent or recomputed
      expect(
        await scalar(
          "SELECT COUNT(*) AS n FROM occasions o JOIN participants p ON p.id = o.participant_id WHERE p.pilot_id = ?",
          b.pilot.id,
        ),
      ).toBe(2);
      expect(
        await scalar("SELECT COUNT(*) AS n FROM occasions WHERE id = ? AND status = 'open'", b.expired.occasionId),
      ).toBe(1);
      expect((await outboxRow(b.expired.id)).status).toBe("queued");
      expect(await outboxRow(b.stale.id)).toMatchObject({ status: "sending", last_error: null });
      expect(await scalar("SELECT COUNT(*) AS n FROM recompute_queue WHERE participant_id = ?", b.recomputeFor)).toBe(
        1,
      );
      expect((await b.sink.messages()).messages).toHaveLength(0);

      // Run lists: B's researcher does not see A's manual run; A's does, with A's counts.
      const researcherA = await tokenFor(a.pilot.id);
      const researcherB = await tokenFor(b.pilot.id);
      expect((await runsOf(b.pilot.key, researcherB)).some((r) => r.id === summary.runId)).toBe(false);
      expect((await runsOf(a.pilot.key, researcherA)).find((r) => r.id === summary.runId)).toMatchObject({
        scope: "pilot",
        counts: expect.objectContaining({ opened: 2, closed: 1 }),
      });

      // A cron run now does B's work (and nothing more for A): each pilot sees only its own share.
      const cron = await runScheduled(env, now + 60_000);
      expect(cron).toMatchObject({ opened: 3, closed: 1, staleResolved: 1 });
      const inA = (await runsOf(a.pilot.key, researcherA)).find((r) => r.id === cron.runId)!;
      const inB = (await runsOf(b.pilot.key, researcherB)).find((r) => r.id === cron.runId)!;
      expect(inA).toMatchObject({ scope: "all_pilots", trigger: "cron" });
      expect(inB).toMatchObject({ scope: "all_pilots", trigger: "cron" });
      expect(inB.counts).toMatchObject({
        runId: cron.runId,
        opened: 3,
        closed: 1,
        staleResolved: 1,
        planned: 3,
        enqueued: 3,
        due: 4,
        sentInline: 4,
        recomputed: 1,
      });
      expect(inA.counts).toMatchObject({
        runId: cron.runId,
        opened: 0,
        closed: 0,
        staleResolved: 0,
        enqueued: 0,
        due: 0,
        sentInline: 0,
        recomputed: 0,
      });
      // the shares add up to the run's totals, and no share carries another pilot's breakdown
      for (const k of [
        "opened",
        "closed",
        "staleResolved",
        "planned",
        "waiting",
        "skipped",
        "enqueued",
        "due",
        "sentInline",
        "retriedInline",
        "failedInline",
        "deferredInline",
        "recomputed",
      ] as const) {
        expect(inA.counts![k]! + inB.counts![k]!, k).toBe(cron[k]);
      }
      expect(JSON.stringify(inA)).not.toContain("byPilot");
      expect((await b.sink.messages()).messages).toHaveLength(4);
    },
  );
});
