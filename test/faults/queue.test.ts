// Fault suite, deliveries outside the cron (issue 12, item 7): the queue consumer (every D1 call) and a
// researcher's manual run through the API (a sample of its calls: the run itself is the cron's, which
// cron.test.ts covers call by call). Afterwards the queue's redelivery and the next run send each message once.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import {
  checkNothingHalf,
  checkResumed,
  cleanRun,
  NEXT_RUN_MS,
  nextRuns,
  retire,
  study,
  type Study,
} from "../support/fault-study";
import { everyFault, expectApiUnavailable, quietLogs, type Attempt } from "../support/faults";
import { consumeWith, fetchWith } from "../support/handlers";

beforeEach(() => quietLogs());

describe("deliveries with D1 failing at each of their calls", () => {
  it(
    "the queue consumer: acked or left for the queue's retry; " +
      "the redelivery and the next run send each message once",
    async () => {
      const fresh = await cleanRun();
      const outcomes = new Map<Study, "ack" | "retry">();
      const r = await everyFault({
        setup: () => study({ planned: true }),
        run: async (e, f) => void outcomes.set(f, await consumeWith(e, f.outboxIds, f.now)),
        check: async (a: Attempt<Study>) => checkNothingHalf(a.fixture, { indicators: [], signals: [] }),
        recover: async (a) => {
          const f = a.fixture;
          // the queue redelivers
          if (outcomes.get(f) === "retry") await consumeWith(env, f.outboxIds, f.now + NEXT_RUN_MS);
          await nextRuns(f);
          await checkResumed(f, fresh);
          await retire(f);
        },
      });
      console.info(
        `queue consumer: ${r.ops} D1 calls, ${r.cases} faults (${r.byMode.before} before, ${r.byMode.after} after)`,
      );
      expect(r.ops).toBeGreaterThanOrEqual(5);
    },
  );

  it("a researcher's manual run (API): 200 or 503 + Retry-After; the next run completes it", async () => {
    const fresh = await cleanRun();
    const r = await everyFault({
      setup: () => study(),
      // sign-in, the run's record, and then every fourth call
      only: (k) => k <= 5 || k % 4 === 0,
      run: (e, f) =>
        fetchWith(e, `/api/v1/pilots/${f.pilot.key}/reminder-runs`, {
          method: "POST",
          headers: { ...f.token.headers, "content-type": "application/json" },
          body: JSON.stringify({ dryRun: false }),
        }),
      check: async (a) => {
        if (a.res!.status !== 200) await expectApiUnavailable(a.res!);
        await checkNothingHalf(a.fixture, fresh);
      },
      recover: async (a) => {
        await nextRuns(a.fixture);
        await checkResumed(a.fixture, fresh);
        await retire(a.fixture);
      },
    });
    console.info(
      `manual run: ${r.ops} D1 calls, ${r.cases} faults (${r.byMode.before} before, ${r.byMode.after} after)`,
    );
  });
});
