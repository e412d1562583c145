// How long the largest allowed CSV import takes inside workerd with the real D1: 20,000 measurement rows
// (dry run, then the all-or-nothing commit in one batch) and 2,000 participants. Prints figures only.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addDays, localDate } from "../../worker/schedule/schedule";
import { importMeasurements, importParticipants, MAX_IMPORT_ROWS } from "../../worker/studies/import";
import { makePilot } from "../support/study";

const actor = { type: "system" as const, id: "bench" };

describe("CSV import", () => {
  it("prints the time of a maximal measurement import and a participant import", async () => {
    const { pilot } = await makePilot();
    const today = localDate(Date.now(), pilot.timezone);
    const n = 2_000;
    const pcsv = [
      "participant_code,pilot_start_date,consent_by,consent_date,email,mentor_email",
      ...Array.from(
        { length: n },
        (_, i) => `B-${i},${addDays(today, -300)},guardian,${addDays(today, -300)},b${i}@youth.example,`,
      ),
    ].join("\n");
    let t0 = performance.now();
    const p = await importParticipants({
      env,
      pilot,
      text: pcsv,
      dryRun: false,
      actor,
      recordedBy: null,
      now: Date.now(),
    });
    const tp = performance.now() - t0;
    expect(p.committed).toBe(n);
    console.log(
      `BENCH import participants: ${Math.round(tp)} ms for ${n} ` +
        `youths with encrypted contacts (budget none; all or nothing)`,
    );

    // 20,000 rows: 500 youths × 10 fortnightly occasions × 4 items
    const rows = ["participant_code,instrument,item,measured_at,value,comment"];
    for (let y = 0; y < 500 && rows.length <= MAX_IMPORT_ROWS; y++)
      for (let k = 0; k < 10; k++)
        for (const item of ["persoonlijk", "gezin", "vrienden", "algemeen"])
          rows.push(`B-${y},welzijn,${item},${addDays(today, -280 + k * 14)},${(y + k) % 11},`);
    const csv = rows.slice(0, MAX_IMPORT_ROWS + 1).join("\n");
    t0 = performance.now();
    const dry = await importMeasurements({
      env,
      pilot,
      text: csv,
      dryRun: true,
      actor,
      recordedBy: null,
      now: Date.now(),
    });
    const td = performance.now() - t0;
    expect(dry.ok).toBe(true);
    t0 = performance.now();
    const done = await importMeasurements({
      env,
      pilot,
      text: csv,
      dryRun: false,
      actor,
      recordedBy: null,
      now: Date.now(),
    });
    const tc = performance.now() - t0;
    expect(done.committed).toBe(MAX_IMPORT_ROWS);
    const stored = await env.DB.prepare(
      "SELECT COUNT(*) AS n FROM responses r JOIN participants p ON p.id = r.participant_id WHERE p.pilot_id = ?",
    )
      .bind(pilot.id)
      .first<{ n: number }>();
    expect(stored!.n).toBe(MAX_IMPORT_ROWS);
    console.log(`BENCH import measurements dry run: ${Math.round(td)} ms for ${MAX_IMPORT_ROWS} rows (budget none)`);
    console.log(
      `BENCH import measurements commit: ${Math.round(tc)} ms ` +
        `for ${MAX_IMPORT_ROWS} rows in one D1 batch (budget none)`,
    );
  });
});
