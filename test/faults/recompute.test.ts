// Fault suite, a full recompute through the API (issue 12, item 7), with D1 failing at each of its calls: 200
// or 503 + Retry-After; the indicator rows are the old ones or the new ones, never a mix and never a stale
// fingerprint that would stop the next recompute; the retry ends as a fault-free recompute. (The scheduled
// recompute of queued youths is part of the cron, cron.test.ts.)
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { recomputeQueued } from "../../worker/analysis/recompute";
import { indicatorsOf, retire, study, type Study } from "./study";
import { everyFault, expectApiUnavailable, fetchWith, quietLogs } from "./support";

beforeEach(() => quietLogs());

describe("a full recompute (API) with D1 failing at each of its calls", () => {
  it("200 or 503 + Retry-After; indicator rows old or new, never a stale fingerprint; the retry ends as a fault-free recompute", async () => {
    const setup = async () => {
      const f = await study();
      await recomputeQueued(env.DB, f.now, { pilotId: f.pilot.id }); // her indicators exist; the full recompute rewrites them
      await retire(f);
      return f;
    };
    const clean = await setup();
    const before = await indicatorsOf(clean);
    const recompute = (e: Parameters<typeof fetchWith>[0], f: Study) =>
      fetchWith(e, `/api/v1/pilots/${f.pilot.key}/recompute`, { method: "POST", headers: { ...f.token.headers, "content-type": "application/json" }, body: JSON.stringify({ force: true }) });
    expect((await recompute(env, clean)).status).toBe(200);
    const fresh = await indicatorsOf(clean);
    expect(fresh.length).toBeGreaterThan(before.length); // the youths without answers get their (empty) rows too
    const r = await everyFault({
      setup,
      run: recompute,
      check: async (a) => {
        if (a.res!.status !== 200) await expectApiUnavailable(a.res!);
        // The rows are the old ones or the new ones. Forced: an old row's fingerprint may be blank (a blank one
        // never matches, so the next recompute rewrites the row), never a stale one that would stop it.
        const rows = (await indicatorsOf(a.fixture)) as { fingerprint: string }[];
        const blank = (xs: unknown[]) => (xs as { fingerprint: string }[]).map((x) => ({ ...x, fingerprint: "" }));
        if (rows.length === fresh.length) expect(rows).toEqual(fresh);
        else {
          expect(blank(rows)).toEqual(blank(before));
          rows.forEach((x, i) => expect(["", (before[i] as { fingerprint: string }).fingerprint]).toContain(x.fingerprint));
        }
      },
      recover: async (a) => {
        expect((await recompute(env, a.fixture)).status).toBe(200);
        expect(await indicatorsOf(a.fixture)).toEqual(fresh);
      },
    });
    console.info(`full recompute: ${r.ops} D1 calls, ${r.cases} faults (${r.byMode.before} before, ${r.byMode.after} after)`);
  });
});
