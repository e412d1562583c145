// Fault suite, the cron (issue 12, item 7): the scheduled handler with D1 failing at each of its calls in turn.
// A run that dies is resumed by the next: every youth gets her invitation exactly once at the real SMTP sink,
// no outbox row is lost or doubled, every run record ends finished (the next run closes one that died), the
// recompute queue is drained and the indicator rows are the fault-free ones.
import { beforeEach, describe, expect, it } from "vitest";
import { checkNothingHalf, checkResumed, cleanRun, nextRuns, retire, study, type Study } from "../support/fault-study";
import { everyFault, quietLogs, type Attempt } from "../support/faults";
import { cronWith } from "../support/handlers";

beforeEach(() => quietLogs());

describe("the cron with D1 failing at each of its calls", () => {
  it("a run that dies is resumed by the next: each invitation once, records finished, recompute drained", async () => {
    const fresh = await cleanRun();
    const r = await everyFault({
      setup: () => study(),
      run: (e, f) => cronWith(e, f.now),
      check: async (a: Attempt<Study>) => checkNothingHalf(a.fixture, fresh),
      recover: async (a) => {
        await nextRuns(a.fixture);
        await checkResumed(a.fixture, fresh);
        await retire(a.fixture);
      },
    });
    console.info(`cron run: ${r.ops} D1 calls, ${r.cases} faults (${r.byMode.before} before, ${r.byMode.after} after)`);
    expect(r.ops).toBeGreaterThanOrEqual(20);
    expect(r.byMode.after).toBeGreaterThanOrEqual(10);
  });
});
