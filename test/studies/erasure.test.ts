// Issue 12, item 4 (complete erasure): erasing a youth's answers also erases her staff forms and her
// indicators, a recompute that read her answers before the erase does not write them back afterwards,
// and her erased occasions count as erased in the response figures (neither answered nor non-response).
import { env, exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { recomputeParticipants, recomputePilot } from "../../worker/analysis/recompute";
import { schema } from "../../worker/db";
import { addDays, localDate, zonedTimeToUtc } from "../../worker/schedule/schedule";
import { eraseAnswers } from "../../worker/studies/participants";
import { asObjects, parseCsv } from "../support/csv";
import { BASE, call } from "../support/http";
import { apiToken, sessionFor, staffUser } from "../support/staff";
import { addHistory, db, makeParticipant, makePilot, addStaffForm, addWave } from "../support/study";

const today = () => localDate(Date.now(), "Europe/Amsterdam");
const count = async (sql: string, ...args: unknown[]) =>
  (await env.DB.prepare(sql)
    .bind(...args)
    .first<number>("n"))!;

async function setup() {
  const { pilot, versions } = await makePilot({ settings: { waveInstruments: ["gcir"] } });
  const user = await staffUser({ roles: [{ role: "researcher", pilotId: pilot.id }] });
  return { pilot, versions, researcher: await sessionFor(user.id, "researcher") };
}

/**
 * The real D1, except that right before the recompute's write batch (the one that upserts indicator rows)
 * `before` runs once against the real database: the recompute has read, the erase happens, then it writes.
 */
function interleavedBeforeWrite(d1: D1Database, before: () => Promise<void>): D1Database {
  const sqlOf = new WeakMap<object, string>();
  const real = new WeakMap<object, D1PreparedStatement>();
  const wrap = (stmt: D1PreparedStatement, sql: string): D1PreparedStatement => {
    const p = new Proxy(stmt, {
      get(target, prop) {
        if (prop === "bind") return (...a: unknown[]) => wrap(target.bind(...a), sql);
        const v = Reflect.get(target, prop, target);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    sqlOf.set(p, sql);
    real.set(p, stmt);
    return p;
  };
  let fired = false;
  return new Proxy(d1, {
    get(target, prop) {
      if (prop === "prepare") return (sql: string) => wrap(target.prepare(sql), sql);
      if (prop === "batch")
        return async (stmts: D1PreparedStatement[]) => {
          if (!fired && stmts.some((s) => /INSERT INTO indicator_results/.test(sqlOf.get(s) ?? ""))) {
            fired = true;
            await before();
          }
          return target.batch(stmts.map((s) => real.get(s) ?? s));
        };
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

describe("complete erasure", () => {
  it(
    "erases her answers, staff forms, indicators and timings; " + "the confirmation and the audit say what was erased",
    async () => {
      const { pilot, versions, researcher } = await setup();
      const start = addDays(today(), -120);
      const y = await makeParticipant(pilot.id, { start });
      const other = await makeParticipant(pilot.id, { start });
      await addHistory(y.id, versions, start, [4, 5, 6, 7, 8]);
      await addWave(y.id, versions, start, "T1", { gcir: 3 });
      await addHistory(other.id, versions, start, [6, 6]);
      await addStaffForm(y.id, "background", { ageAtPilotStart: 15, educationLevel: "vmbo" });
      await addStaffForm(y.id, "risl", { signals: 4, risks: 2, protective: 3 });
      await addStaffForm(other.id, "risl", { signals: 1, risks: 1, protective: 1 });
      // a questionnaire she has started: one page saved as a draft, with a comment
      const open = (await env.DB.prepare(
        "INSERT INTO occasions (participant_id, kind, seq, due_date, opens_at, closes_at, status, " +
          "instrument_version_ids) VALUES (?, 'frequent', 9, ?, ?, ?, 'started', '[]') RETURNING id",
      )
        .bind(y.id, today(), Date.now() - 3_600_000, Date.now() + 86_400_000)
        .first<number>("id"))!;
      await env.DB.prepare(
        "INSERT INTO draft_answers (occasion_id, participant_id, instrument_version_id, " +
          "item_key, value, comment, saved_at) VALUES (?, ?, ?, 'algemeen', 7, 'a comment', ?)",
      )
        .bind(open, y.id, versions.get("welzijn")!, Date.now())
        .run();
      await env.DB.prepare(
        "INSERT INTO drafts (occasion_id, participant_id, page, stamps, updated_at) VALUES (?, ?, 1, '{}', ?)",
      )
        .bind(open, y.id, Date.now())
        .run();
      await recomputePilot(env.DB, pilot.id, Date.now());
      const indicators = await count("SELECT COUNT(*) AS n FROM indicator_results WHERE participant_id = ?", y.id);
      expect(indicators).toBeGreaterThan(7);

      const res = await call(researcher, "POST", `/api/v1/pilots/${pilot.key}/participants/${y.code}/erase-answers`, {
        confirmCode: y.code,
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).toEqual({
        code: y.code,
        erasedResponses: 5 * 8 + 40,
        erasedStaffForms: 2,
        erasedIndicators: indicators,
        erasedOccasions: 6,
      });

      for (const table of [
        "responses",
        "staff_forms",
        "indicator_results",
        "recompute_queue",
        "draft_answers",
        "drafts",
      ]) {
        expect(await count(`SELECT COUNT(*) AS n FROM ${table} WHERE participant_id = ?`, y.id), table).toBe(0);
      }
      expect(
        await count(
          "SELECT COUNT(*) AS n FROM occasion_timings WHERE occasion_id " +
            "IN (SELECT id FROM occasions WHERE participant_id = ?)",
          y.id,
        ),
      ).toBe(0);
      // her answer times go too; the occasions stay as erased (the response figures need them)
      expect(
        await count(
          "SELECT COUNT(*) AS n FROM occasions WHERE participant_id = " +
            "? AND (completed_at IS NOT NULL OR started_at IS NOT NULL)",
          y.id,
        ),
      ).toBe(0);
      expect(
        await count(
          "SELECT COUNT(*) AS n FROM occasions WHERE participant_id = ? AND answers_erased_at IS NOT NULL",
          y.id,
        ),
      ).toBe(6);
      // the other youth keeps everything
      expect(await count("SELECT COUNT(*) AS n FROM staff_forms WHERE participant_id = ?", other.id)).toBe(1);
      expect(
        await count("SELECT COUNT(*) AS n FROM indicator_results WHERE participant_id = ?", other.id),
      ).toBeGreaterThan(0);
      expect(
        (await call(researcher, "GET", `/api/v1/pilots/${pilot.key}/participants/${y.code}/forms/risl`)).status,
      ).toBe(404);

      const rows = await db()
        .select()
        .from(schema.auditLog)
        .where(eq(schema.auditLog.action, "participant.erase_answers"));
      expect(rows.find((a) => a.target === y.code)!.details).toEqual({
        responses: 80,
        staffForms: 2,
        indicators,
        occasions: 6,
        draftAnswers: 1,
        commentTags: 0,
      });

      // A full recompute afterwards brings none of her results back.
      await recomputePilot(env.DB, pilot.id, Date.now(), { force: true });
      expect(
        await count(
          "SELECT COUNT(*) AS n FROM indicator_results WHERE participant_id = ? AND (n > 0 OR mean IS NOT NULL)",
          y.id,
        ),
      ).toBe(0);
    },
  );

  it("a recompute that read her answers before the erase does not write her indicators back afterwards", async () => {
    const { pilot, versions } = await setup();
    const start = addDays(today(), -120);
    const y = await makeParticipant(pilot.id, { start });
    const other = await makeParticipant(pilot.id, { start });
    await addHistory(y.id, versions, start, [4, 5, 6, 7, 8]);
    await addWave(y.id, versions, start, "T1", { gcir: 3 });
    await addHistory(other.id, versions, start, [6, 6, 7]);
    const [p] = await db().select().from(schema.participants).where(eq(schema.participants.id, y.id));

    // read → erase → write, on the real D1
    const d1 = interleavedBeforeWrite(env.DB, async () => {
      await eraseAnswers(env.DB, pilot, p!, { type: "staff", id: "test" }, Date.now());
    });
    await recomputeParticipants(d1, [y.id, other.id], Date.now());

    expect(await count("SELECT COUNT(*) AS n FROM responses WHERE participant_id = ?", y.id)).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM indicator_results WHERE participant_id = ?", y.id)).toBe(0);
    // the youth next to her in the same write is stored as usual
    expect(
      await count("SELECT COUNT(*) AS n FROM indicator_results WHERE participant_id = ? AND n = 3", other.id),
    ).toBeGreaterThan(0);

    // She answers again after the erase: the next recompute stores only the new answers.
    const at = zonedTimeToUtc(today(), 12, 0, "Europe/Amsterdam");
    const occ = (await env.DB.prepare(
      "INSERT INTO occasions (participant_id, kind, seq, due_date, opens_at, closes_at, status, completed_at, " +
        "instrument_version_ids) VALUES (?, 'frequent', 50, ?, ?, ?, 'completed', ?, '[]') RETURNING id",
    )
      .bind(y.id, today(), at - 3_600_000, at + 86_400_000, at)
      .first<number>("id"))!;
    await env.DB.prepare(
      "INSERT INTO responses (occasion_id, participant_id, instrument_version_id, " +
        "item_key, value, answered_at, mode) VALUES (?, ?, ?, 'algemeen', 9, ?, 'self')",
    )
      .bind(occ, y.id, versions.get("welzijn")!, at)
      .run();
    await recomputeParticipants(env.DB, [y.id], Date.now());
    const welzijn = await env.DB.prepare("SELECT n, mean FROM indicator_results WHERE participant_id = ? AND n > 0")
      .bind(y.id)
      .all<{ n: number; mean: number }>();
    expect(welzijn.results.length).toBeGreaterThan(0);
    expect(welzijn.results.every((r) => r.n === 1 && r.mean === 9)).toBe(true);
  });

  it(
    "her erased occasions count as erased in the response figures: " +
      "not answered, not non-response (summary, wide CSV, codebook, page)",
    async () => {
      const { pilot, versions, researcher } = await setup();
      const start = addDays(today(), -120);
      const y = await makeParticipant(pilot.id, { start, code: `ERASED-${pilot.key}` });
      const kept = await makeParticipant(pilot.id, { start, code: `KEPT-${pilot.key}` });
      await addHistory(y.id, versions, start, [4, 5, 6]);
      await addWave(y.id, versions, start, "T1", { gcir: 3 });
      // one frequent occasion she missed: stays non-response
      const at = zonedTimeToUtc(addDays(start, 42), 12, 0, "Europe/Amsterdam");
      await env.DB.prepare(
        "INSERT INTO occasions (participant_id, kind, seq, due_date, opens_at, closes_at, " +
          "status, instrument_version_ids) VALUES (?, 'frequent', 4, ?, ?, ?, 'missed', '[]')",
      )
        .bind(y.id, addDays(start, 42), at, at + 86_400_000)
        .run();
      await addHistory(kept.id, versions, start, [6, 7]);
      await addWave(kept.id, versions, start, "T1", {}, { status: "missed" });
      await recomputePilot(env.DB, pilot.id, Date.now());
      expect(
        (
          await call(researcher, "POST", `/api/v1/pilots/${pilot.key}/participants/${y.code}/erase-answers`, {
            confirmCode: y.code,
          })
        ).status,
      ).toBe(200);

      const coordinator = (await apiToken("coordinator", [pilot.id])).headers;
      const get = (path: string) => exports.default.fetch(`${BASE}${path}`, { headers: coordinator });
      const s = (await (await get(`/api/v1/pilots/${pilot.key}/summary/summary.json`)).json()) as {
        response: {
          perWave: { wave: string; invited: number; completed: number; erased: number }[];
          perYouth: {
            code: string;
            scheduled: number;
            completed: number;
            erased: number;
            waves: Record<string, string | null>;
          }[];
        };
        waveTables: {
          rows: {
            code: string;
            scores: Record<string, { value: number | null; nonResponse: boolean; erased?: boolean }>;
          }[];
        }[];
      };
      const mine = s.response.perYouth.find((r) => r.code === y.code)!;
      expect(mine).toMatchObject({
        scheduled: 4,
        completed: 0,
        erased: 3,
        waves: { T1: "erased", T2: null, T3: null },
      });
      expect(s.response.perYouth.find((r) => r.code === kept.code)).toMatchObject({
        scheduled: 2,
        completed: 2,
        erased: 0,
        waves: { T1: "missed" },
      });
      expect(s.response.perWave.find((w) => w.wave === "T1")).toEqual({
        wave: "T1",
        invited: 2,
        completed: 0,
        erased: 1,
      });
      const gcirRow = s.waveTables[0]!.rows.find((r) => r.code === y.code)!;
      expect(gcirRow.scores.T1).toMatchObject({ value: null, nonResponse: false, erased: true });
      expect(s.waveTables[0]!.rows.find((r) => r.code === kept.code)!.scores.T1).toMatchObject({
        nonResponse: true,
        erased: false,
      });

      const wide = asObjects(parseCsv(await (await get(`/api/v1/pilots/${pilot.key}/summary/wide.csv`)).text()));
      expect(wide.find((r) => r.participant_code === y.code)).toMatchObject({
        freq_scheduled: "4",
        freq_completed: "0",
        freq_erased: "3",
        response_T1: "erased",
      });
      expect(wide.find((r) => r.participant_code === kept.code)).toMatchObject({
        freq_erased: "0",
        response_T1: "missed",
      });
      const codebook = asObjects(
        parseCsv(await (await get(`/api/v1/pilots/${pilot.key}/summary/codebook.csv`)).text()),
      );
      expect(codebook.find((r) => r.variable === "freq_erased")).toBeDefined();
      expect(codebook.find((r) => r.variable === "response_T1")!.values).toContain("erased");

      const page = await (await get(`/reports/pilots/${pilot.key}`)).text();
      expect(page).toContain("gewist");
    },
  );
});
