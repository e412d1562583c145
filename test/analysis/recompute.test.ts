// The recompute inside workerd with real D1: only queued youths are recomputed, unchanged input is not
// rewritten (fingerprint), erased answers remove stored rows, wave scores are stored.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { recomputeParticipants, recomputePilot, recomputeQueued } from "../../worker/analysis/recompute";
import { describeSeries } from "../../worker/analysis/stats";
import { schema } from "../../worker/db";
import { addDays, localDate } from "../../worker/schedule/schedule";
import { addHistory, db, makeParticipant, makePilot, addWave } from "../support/study";

const rowsOf = (participantId: number) =>
  db().select().from(schema.indicatorResults).where(eq(schema.indicatorResults.participantId, participantId));

describe("recompute", () => {
  it("stores what describeSeries computes for each frequent indicator, and wave scores per subscale", async () => {
    const { pilot, versions } = await makePilot();
    const start = addDays(localDate(Date.now(), "Europe/Amsterdam"), -200);
    const y = await makeParticipant(pilot.id, { start });
    await addHistory(y.id, versions, start, [3, 4, 4, 6, 5, 7]);
    await addWave(y.id, versions, start, "T1", { gcir: (i) => (i % 2 ? 2 : 4), atmq: (i) => (i === 1 ? null : 3) });
    const r = await recomputeParticipants(env.DB, [y.id], 1000);
    const rows = await rowsOf(y.id);
    expect(r.changed).toBe(rows.length);
    const w = rows.find((x) => x.indicator === "welzijn")!;
    const expected = describeSeries([3, 4, 4, 6, 5, 7].map((value, i) => ({ day: 14 * i, value })));
    expect(w).toMatchObject({
      n: 6,
      kendallS: expected.kendallS,
      trend: expected.trend,
      band: "low",
      computedAt: 1000,
    }); // mean 29/6 ≤ 5
    expect(w).toMatchObject({ band: "low" });
    expect(w.slopePerMeasurement).toBeCloseTo(expected.slopePerMeasurement!, 12);
    expect(w.slopePerDay).toBeCloseTo(expected.slopePerDay!, 12);
    expect(w.p).toBeCloseTo(expected.p!, 12);
    expect(rows.find((x) => x.indicator === "wave:T1:gcir.ondersteuning")).toMatchObject({ n: 8, mean: 3 });
    expect(rows.find((x) => x.indicator === "wave:T1:gcir.totaal")).toMatchObject({ n: 40, mean: 3 });
    expect(rows.find((x) => x.indicator === "wave:T1:atmq.totaal")).toMatchObject({ n: 10, mean: 3 });
  });

  it("recomputes only queued youths, and rewrites nothing whose input is unchanged", async () => {
    const { pilot, versions } = await makePilot();
    const start = addDays(localDate(Date.now(), "Europe/Amsterdam"), -100);
    const a = await makeParticipant(pilot.id, { start });
    const b = await makeParticipant(pilot.id, { start });
    await addHistory(a.id, versions, start, [5, 5, 6]);
    await addHistory(b.id, versions, start, [8, 7, 6]);
    await recomputePilot(env.DB, pilot.id, 1);
    const bBefore = await rowsOf(b.id);

    // a new answer for a: welzijn item of a's first occasion changes
    const [occ] = await db().select().from(schema.occasions).where(eq(schema.occasions.participantId, a.id)).limit(1);
    await env.DB.prepare("UPDATE responses SET value = 9 WHERE occasion_id = ? AND item_key = 'persoonlijk'")
      .bind(occ!.id)
      .run();
    await env.DB.prepare("INSERT INTO recompute_queue (participant_id, requested_at) VALUES (?, ?)")
      .bind(a.id, 5)
      .run();
    const r = await recomputeQueued(env.DB, 2);
    expect(r).toEqual({ participants: 1, changed: 1 }); // only a's welzijn row changed
    expect((await rowsOf(a.id)).find((x) => x.indicator === "welzijn")!.computedAt).toBe(2);
    expect((await rowsOf(a.id)).find((x) => x.indicator === "functioneren")!.computedAt).toBe(1);
    expect(await rowsOf(b.id)).toEqual(bBefore);
    const q = await env.DB.prepare("SELECT COUNT(*) AS n FROM recompute_queue WHERE participant_id = ?")
      .bind(a.id)
      .first<{ n: number }>();
    expect(q!.n).toBe(0);

    expect((await recomputePilot(env.DB, pilot.id, 3)).changed).toBe(0);
    expect((await recomputePilot(env.DB, pilot.id, 3, { force: true })).changed).toBe((await rowsOf(a.id)).length * 2);
  });

  it("keeps full double precision for values that SQLite's JSON would round (15 digits)", async () => {
    const { pilot, versions } = await makePilot();
    const start = addDays(localDate(Date.now(), "Europe/Amsterdam"), -100);
    const y = await makeParticipant(pilot.id, { start });
    await addHistory(y.id, versions, start, [1, 2, 3, 4, 5, 6]);
    const values = [10 / 3, 0.1 + 0.2, 2, 7 / 3, 5, Math.PI];
    // and a youth whose values all take the fast paths (whole numbers and exact thousandths)
    const occs = await db().select().from(schema.occasions).where(eq(schema.occasions.participantId, y.id));
    for (const [i, o] of occs.sort((a, b) => a.seq - b.seq).entries()) {
      await env.DB.prepare("UPDATE responses SET value = ? WHERE occasion_id = ? AND item_key = 'school_werk'")
        .bind(values[i]!, o.id)
        .run();
    }
    await recomputeParticipants(env.DB, [y.id], 1);
    const f = (await rowsOf(y.id)).find((r) => r.indicator === "functioneren")!;
    const expected = describeSeries(values.map((value, i) => ({ day: 14 * i, value })));
    expect(f.mean).toBe(expected.mean);
    expect(f.min).toBe(expected.min);
    expect(f.slopePerMeasurement).toBe(expected.slopePerMeasurement);
    expect(f.slopePerDay).toBe(expected.slopePerDay);

    const z = await makeParticipant(pilot.id, { start });
    await addHistory(z.id, versions, start, [1, 2, 3, 4, 5, 6]);
    const exact = [0.125, 6.3, 0, 10, 7.005, 0.001];
    const zoccs = await db().select().from(schema.occasions).where(eq(schema.occasions.participantId, z.id));
    for (const [i, o] of zoccs.sort((a, b) => a.seq - b.seq).entries()) {
      await env.DB.prepare("UPDATE responses SET value = ? WHERE occasion_id = ? AND item_key = 'school_werk'")
        .bind(exact[i]!, o.id)
        .run();
    }
    await recomputeParticipants(env.DB, [z.id], 1);
    const g = (await rowsOf(z.id)).find((r) => r.indicator === "functioneren")!;
    const e2 = describeSeries(exact.map((value, i) => ({ day: 14 * i, value })));
    expect([g.mean, g.min, g.max, g.slopePerMeasurement, g.slopePerDay]).toEqual([
      e2.mean,
      e2.min,
      e2.max,
      e2.slopePerMeasurement,
      e2.slopePerDay,
    ]);
  });

  it("removes stored wave scores when the answers behind them are erased", async () => {
    const { pilot, versions } = await makePilot();
    const start = addDays(localDate(Date.now(), "Europe/Amsterdam"), -100);
    const y = await makeParticipant(pilot.id, { start });
    await addWave(y.id, versions, start, "T1", { atmq: 2 });
    await recomputeParticipants(env.DB, [y.id], 1);
    expect((await rowsOf(y.id)).some((r) => r.indicator === "wave:T1:atmq.totaal")).toBe(true);
    await env.DB.prepare("DELETE FROM responses WHERE participant_id = ?").bind(y.id).run();
    const r = await recomputeParticipants(env.DB, [y.id], 2);
    expect(r.changed).toBeGreaterThan(0);
    expect((await rowsOf(y.id)).some((r) => r.indicator.startsWith("wave:"))).toBe(false);
    expect((await rowsOf(y.id)).find((r) => r.indicator === "welzijn")).toMatchObject({ n: 0, mean: null });
  });
});
