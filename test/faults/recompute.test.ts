// Fault suite, a full recompute through the API (issue 12, item 7), with D1 failing at each of its calls: 200
// or 503 + Retry-After; the indicator rows are the old ones or the new ones, never a mix and never a stale
// fingerprint that would stop the next recompute; the retry ends as a fault-free recompute. (The scheduled
// recompute of queued youths is part of the cron, cron.test.ts.)
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { recomputeQueued } from "../../worker/analysis/recompute";
import { indicatorsOf, retire, study, type Study } from "../support/fault-study";
import { everyFault, expectApiUnavailable, quietLogs } from "../support/faults";
import { fetchWith } from "../support/handlers";
import { apiToken } from "../support/staff";
import { makePilot } from "../support/study";

beforeEach(() => quietLogs());

describe("a full recompute (API) with D1 failing at each of its calls", () => {
  it(
    "200 or 503 + Retry-After; indicator rows old or new, never " +
      "a stale fingerprint; the retry ends as a fault-free recompute",
    async () => {
      const setup = async () => {
        const f = await study();
        // her indicators exist; the full recompute rewrites them
        await recomputeQueued(env.DB, f.now, { pilotId: f.pilot.id });
        await retire(f);
        return f;
      };
      const clean = await setup();
      const before = await indicatorsOf(clean);
      const recompute = (e: Parameters<typeof fetchWith>[0], f: Study) =>
        fetchWith(e, `/api/v1/pilots/${f.pilot.key}/recompute`, {
          method: "POST",
          headers: { ...f.token.headers, "content-type": "application/json" },
          body: JSON.stringify({ force: true }),
        });
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
            rows.forEach((x, i) => {
              expect(["", (before[i] as { fingerprint: string }).fingerprint]).toContain(x.fingerprint);
            });
          }
        },
        recover: async (a) => {
          expect((await recompute(env, a.fixture)).status).toBe(200);
          expect(await indicatorsOf(a.fixture)).toEqual(fresh);
        },
      });
      console.info(
        `full recompute: ${r.ops} D1 calls, ${r.cases} faults (${r.byMode.before} before, ${r.byMode.after} after)`,
      );
    },
  );

  it(
    "over two chunks (1,001 youths, read and written in turn): " +
      "each chunk's rows whole or absent, no stray rejection",
    async () => {
      const YOUTHS = 1_001;
      const setup = async () => {
        const { pilot } = await makePilot();
        const rows = Array.from({ length: YOUTHS }, (_, i) => [`BIG-${pilot.id}-${i}`, "2026-01-05"]);
        await env.DB.prepare(
          `INSERT INTO participants (pilot_id, code, pilot_start_date, status, consent_by, consent_date)
         SELECT ?1, json_extract(value, '$[0]'), json_extract(value, ` +
            `'$[1]'), 'active', 'self', json_extract(value, '$[1]') FROM json_each(?2)`,
        )
          .bind(pilot.id, JSON.stringify(rows))
          .run();
        return { pilot, token: await apiToken("researcher", [pilot.id]) };
      };
      type Big = Awaited<ReturnType<typeof setup>>;
      const recompute = (e: Parameters<typeof fetchWith>[0], f: Big) =>
        fetchWith(e, `/api/v1/pilots/${f.pilot.key}/recompute`, {
          method: "POST",
          headers: { ...f.token.headers, "content-type": "application/json" },
          body: "{}",
        });
      const stored = async (f: Big) =>
        (await env.DB.prepare(
          "SELECT COUNT(*) AS n, COUNT(DISTINCT participant_id) AS p FROM indicator_results " +
            "WHERE participant_id IN (SELECT id FROM participants WHERE pilot_id = ?)",
        )
          .bind(f.pilot.id)
          .first<{ n: number; p: number }>())!;
      const clean = await setup();
      expect((await recompute(env, clean)).status).toBe(200);
      const all = await stored(clean);
      expect(all.p).toBe(YOUTHS);
      const perYouth = all.n / YOUTHS;
      expect(Number.isInteger(perYouth)).toBe(true);
      const r = await everyFault({
        setup,
        run: recompute,
        check: async (a) => {
          if (a.res!.status !== 200) await expectApiUnavailable(a.res!);
          const s = await stored(a.fixture);
          // chunk by chunk (1,000 youths each): none, the first, or both — each youth's rows whole
          expect([0, 1_000, YOUTHS]).toContain(s.p);
          expect(s.n).toBe(s.p * perYouth);
        },
        recover: async (a) => {
          expect((await recompute(env, a.fixture)).status).toBe(200);
          expect(await stored(a.fixture)).toEqual(all);
        },
      });
      console.info(
        `full recompute over two chunks: ${r.ops} D1 calls, ${r.cases} ` +
          `faults (${r.byMode.before} before, ${r.byMode.after} after)`,
      );
    },
  );
});
