// Analysis budgets (issue 3), measured inside workerd with the real local D1:
//   full recompute of 10,000 youths × 12 indicators × 26 measurements ≤ 10 s
//   incremental recompute after one answer ≤ 50 ms
//   per-pilot summary download for 1,000 youths ≤ 1 s
// Figures are printed, never asserted; the assertions only check that the work was really done.
// Data are seeded inside SQLite with recursive CTEs (one INSERT … SELECT per chunk), not row by row.
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Indicator } from "../../schema/instruments/definitions";
import { recomputePilot, recomputeQueued } from "../../worker/analysis/recompute";
import { makePilot } from "../support/study";

const YOUTHS = 10_000;
const INDICATORS = 12;
const MEASUREMENTS = 26;
const SUMMARY_YOUTHS = 1_000;
const START = "2025-01-06";
const START_MS = Date.UTC(2025, 0, 6, 11);
const DAY = 86_400_000;

/** 12 one-item indicators of a bench-only frequent instrument: the same code path as the built-in ones. */
const BENCH_INDICATORS: Indicator[] = Array.from({ length: INDICATORS }, (_, i) => ({
  key: `bench.i${i + 1}`,
  label: { nl: `Bench ${i + 1}`, en: `Bench ${i + 1}` },
  instrument: "bench12",
  items: [`i${i + 1}`],
  aggregate: "mean",
  higherIsBetter: true,
}));

const seq = (n: number) => `WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ${n})`;
const time = async <T>(f: () => Promise<T>) => {
  const t0 = performance.now();
  const result = await f();
  return { ms: performance.now() - t0, result };
};

async function seedYouths(
  pilotId: number,
  prefix: string,
  count: number,
  items: { versionId: number; item: string }[],
  measurements: number,
) {
  await env.DB.prepare(
    `${seq(count)} INSERT INTO participants (pilot_id, code, pilot_start_date, status, consent_by, consent_date)
     SELECT ?1, ?2 || printf('%05d', n), ?3, 'active', 'self', ?3 FROM seq`,
  )
    .bind(pilotId, prefix, START)
    .run();
  const ids = (await env.DB.prepare("SELECT MIN(id) AS lo, MAX(id) AS hi FROM participants WHERE pilot_id = ?")
    .bind(pilotId)
    .first<{ lo: number; hi: number }>())!;
  const versionIds = JSON.stringify([...new Set(items.map((i) => i.versionId))]);
  await env.DB.prepare(
    `${seq(measurements)} INSERT INTO occasions (participant_id, kind, seq, ` +
      `due_date, opens_at, closes_at, status, instrument_version_ids, completed_at)
     SELECT p.id, 'frequent', s.n, date(?2, '+' || (14 * (s.n - 1)) || ' days'), ` +
      `?3 + (s.n - 1) * 14 * ?4, ?3 + ((s.n - 1) * 14 + 5) * ?4, 'completed', ?5,
            ?3 + (s.n - 1) * 14 * ?4 + (p.id % 3) * ?4
     FROM participants p, seq s WHERE p.pilot_id = ?1`,
  )
    .bind(pilotId, START, START_MS, DAY, versionIds)
    .run();
  // Values 0–10 in steps of 0.5: a per-youth drift (some up, some down, many flat) plus deterministic noise.
  // D1 limits compound SELECTs to a few terms, so the item list travels as one JSON parameter.
  const itemList = JSON.stringify(items.map((it) => [it.versionId, it.item]));
  const CHUNK = 500;
  for (let lo = ids.lo; lo <= ids.hi; lo += CHUNK) {
    await env.DB.prepare(
      `WITH items AS (SELECT json_extract(value, '$[0]') AS vid, ` +
        `json_extract(value, '$[1]') AS item, key + 1 AS k FROM json_each(?3))
       INSERT INTO responses (occasion_id, participant_id, instrument_version_id, item_key, value, answered_at, mode)
       SELECT o.id, o.participant_id, items.vid, items.item,
              MAX(0, MIN(10, ROUND((5 + ((o.participant_id % 5) - 2) * 0.1 * ` +
        `o.seq + (((o.id * 7919 + items.k * 104729) % 41) - 20) / 10.0) * 2) / 2.0)),
              o.completed_at, 'import'
       FROM occasions o, items WHERE o.participant_id BETWEEN ?1 AND ?2`,
    )
      .bind(lo, Math.min(ids.hi, lo + CHUNK - 1), itemList)
      .run();
  }
  return ids;
}

describe("analysis budgets", () => {
  it("full recompute, incremental recompute and summary downloads", async () => {
    // --- 10,000 youths × 12 indicators × 26 measurements -----------------------------------------
    const { pilot } = await makePilot({ key: "bench10k" });
    await env.DB.prepare(
      "INSERT INTO instruments (key, name, kind, licensed) VALUES ('bench12', 'Bench', 'frequent', 0)",
    ).run();
    const def = {
      key: "bench12",
      kind: "frequent",
      title: { nl: "Bench", en: "Bench" },
      items: BENCH_INDICATORS.map((i) => ({ key: i.items[0], type: "slider" })),
    };
    await env.DB.prepare(
      "INSERT INTO instrument_versions (instrument_id, version, definition, " +
        "complete) SELECT id, 1, ?, 1 FROM instruments WHERE key = 'bench12'",
    )
      .bind(JSON.stringify(def))
      .run();
    const vid = (await env.DB.prepare(
      "SELECT v.id FROM instrument_versions v JOIN instruments i ON i.id = v.instrument_id WHERE i.key = 'bench12'",
    ).first<{ id: number }>())!.id;
    const seeded = await time(() =>
      seedYouths(
        pilot.id,
        "B",
        YOUTHS,
        BENCH_INDICATORS.map((i) => ({ versionId: vid, item: i.items[0]! })),
        MEASUREMENTS,
      ),
    );
    const responses = (await env.DB.prepare(
      "SELECT COUNT(*) AS n FROM responses r JOIN participants p ON p.id = r.participant_id WHERE p.pilot_id = ?",
    )
      .bind(pilot.id)
      .first<{ n: number }>())!.n;
    expect(responses).toBe(YOUTHS * INDICATORS * MEASUREMENTS);
    console.log(`seeded ${responses} answers in ${(seeded.ms / 1000).toFixed(1)} s`);

    const indicatorsOf = (key: string) => (key === "bench10k" ? BENCH_INDICATORS : []);
    const full = await time(() => recomputePilot(env.DB, pilot.id, Date.now(), { indicatorsOf }));
    expect(full.result).toEqual({ participants: YOUTHS, changed: YOUTHS * INDICATORS });
    const stored = (await env.DB.prepare(
      "SELECT COUNT(*) AS n, SUM(n) AS points, SUM(trend IS NOT NULL) AS trends FROM " +
        "indicator_results r JOIN participants p ON p.id = r.participant_id WHERE p.pilot_id = ?",
    )
      .bind(pilot.id)
      .first<{ n: number; points: number; trends: number }>())!;
    expect(stored.n).toBe(YOUTHS * INDICATORS);
    expect(stored.points).toBe(YOUTHS * INDICATORS * MEASUREMENTS);
    // A forced second run (fingerprints cleared): every row recomputed and rewritten as an update.
    const again = await time(() => recomputePilot(env.DB, pilot.id, Date.now(), { indicatorsOf, force: true }));
    expect(again.result.changed).toBe(YOUTHS * INDICATORS);
    console.log(
      `BENCH analysis.full_recompute: ${(full.ms / 1000).toFixed(2)} s for ${YOUTHS} ` +
        `youths × ${INDICATORS} indicators × ${MEASUREMENTS} measurements (budget 10 s); forced ` +
        `re-run ${(again.ms / 1000).toFixed(2)} s; ${stored.trends} significant trends`,
    );

    // --- incremental: one new answer, then the scheduled job's recompute of the queue ----------
    const one = (await env.DB.prepare("SELECT id FROM participants WHERE pilot_id = ? ORDER BY id LIMIT 1 OFFSET 4242")
      .bind(pilot.id)
      .first<{ id: number }>())!.id;
    const runs: number[] = [];
    for (let i = 0; i < 5; i++) {
      await env.DB.prepare(
        "UPDATE responses SET value = ? WHERE participant_id = ? AND item_key = 'i3' " +
          "AND occasion_id = (SELECT MAX(id) FROM occasions WHERE participant_id = ?)",
      )
        .bind(i % 2 ? 10 : 0, one, one)
        .run();
      await env.DB.prepare("INSERT OR REPLACE INTO recompute_queue (participant_id, requested_at) VALUES (?, ?)")
        .bind(one, Date.now())
        .run();
      const inc = await time(() => recomputeQueued(env.DB, Date.now(), { indicatorsOf }));
      expect(inc.result).toEqual({ participants: 1, changed: 1 });
      runs.push(inc.ms);
    }
    runs.sort((a, b) => a - b);
    console.log(
      `BENCH analysis.incremental_recompute: ${runs[2]!.toFixed(1)} ms median of 5 (min ${runs[0]!.toFixed(1)}, ` +
        `max ${runs[4]!.toFixed(1)}) after one answer among ${responses} (budget 50 ms)`,
    );

    // --- per-pilot summary download for 1,000 youths (the real fier indicators, recomputed) -------
    const { pilot: fier, versions } = await makePilot({ key: "fier" });
    const items = [
      ...["persoonlijk", "gezin", "vrienden", "algemeen"].map((item) => ({
        versionId: versions.get("welzijn")!,
        item,
      })),
      { versionId: versions.get("functioneren")!, item: "school_werk" },
      ...["gezien", "beslissen", "goed_in"].map((item) => ({ versionId: versions.get("basisbehoeften")!, item })),
      ...["toekomst", "talenten", "motivatie_school"].map((item) => ({ versionId: versions.get("pilot_fier")!, item })),
    ];
    await seedYouths(fier.id, "F", SUMMARY_YOUTHS, items, MEASUREMENTS);
    const pre = await recomputePilot(env.DB, fier.id, Date.now());
    expect(pre.participants).toBe(SUMMARY_YOUTHS);
    const auth = { authorization: `Bearer ${env.DEV_ADMIN_TOKEN}` };
    const downloads: Record<string, number[]> = {
      "wide.csv": [],
      "indicators.csv": [],
      "codebook.csv": [],
      "report.html": [],
    };
    for (let i = 0; i < 3; i++) {
      for (const d of Object.keys(downloads)) {
        const r = await time(async () => {
          const res = await exports.default.fetch(`http://questionnaire.localhost/api/v1/pilots/fier/summary/${d}`, {
            headers: auth,
          });
          return { status: res.status, body: await res.text() };
        });
        expect(r.result.status).toBe(200);
        if (d === "wide.csv") expect(r.result.body.trim().split("\r\n").length).toBe(SUMMARY_YOUTHS + 1);
        if (d === "indicators.csv") expect(r.result.body.trim().split("\r\n").length).toBe(SUMMARY_YOUTHS * 7 + 1);
        downloads[d]!.push(r.ms);
      }
    }
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
    console.log(
      `BENCH analysis.summary_download: ${med(downloads["wide.csv"]!).toFixed(0)} ` +
        `ms wide.csv for ${SUMMARY_YOUTHS} youths, median of 3 (budget 1000 ms)`,
    );
    console.log(
      `  also: indicators.csv ${med(downloads["indicators.csv"]!).toFixed(0)} ` +
        `ms, codebook.csv ${med(downloads["codebook.csv"]!).toFixed(0)} ms, ` +
        `report.html (7,000 plots) ${med(downloads["report.html"]!).toFixed(0)} ms`,
    );
  });
});
