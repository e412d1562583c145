// An empty database gets the built-in questionnaires without anyone running `npm run setup`: the
// scheduled job installs them (worker/studies/setup-sql.ts, the statements setup also runs), and an
// occasion that cannot be planned because an instrument is missing is reported — an audit entry a day and
// a line on the researcher's pilot page — never skipped in silence.
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BUILT_IN } from "../../schema/instruments/definitions";
import { getDb, schema } from "../../worker/db";
import { runScheduled } from "../../worker/jobs/scheduled";
import { localDate } from "../../worker/schedule/schedule";
import { builtInInstrumentStatements, firstAdminStatements, inlineSql } from "../../worker/studies/setup-sql";
import { sessionFor, staffUser } from "../support/staff";
import { ALWAYS_SEND, makeParticipant } from "../support/study";

const count = async (table: string, where = "") =>
  (await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} ${where}`).first<{ n: number }>())!.n;
const instrumentRows = async () =>
  (
    await env.DB.prepare(
      "SELECT i.key, i.name, i.kind, i.pilot_id, i.licensed, v.version, v.definition, v.complete FROM " +
        "instruments i JOIN instrument_versions v ON v.instrument_id = i.id ORDER BY i.key, v.version",
    ).all()
  ).results;

async function insertPilot(key: string, settings: Record<string, unknown>) {
  let [study] = await getDb(env.DB).select().from(schema.studies).limit(1);
  study ??= (await getDb(env.DB).insert(schema.studies).values({ key: "main", name: "Study" }).returning())[0]!;
  const [pilot] = await getDb(env.DB)
    .insert(schema.pilots)
    .values({ studyId: study.id, key, name: `Pilot ${key}`, organisation: "Org", settings })
    .returning();
  return pilot!;
}

describe("built-in instruments on an empty database", () => {
  it("the SQL file setup writes installs exactly what the Worker installs", async () => {
    expect(await count("instruments")).toBe(0);
    const now = 1_790_000_000_000;
    // As `npm run setup` does: parameters written in as literals, then executed as one script.
    await env.DB.exec(builtInInstrumentStatements(now).map(inlineSql).join("\n").replace(/\n/g, " "));
    const viaFile = await instrumentRows();
    expect(viaFile).toHaveLength(BUILT_IN.length);
    await env.DB.batch([env.DB.prepare("DELETE FROM instrument_versions"), env.DB.prepare("DELETE FROM instruments")]);
    await env.DB.batch(builtInInstrumentStatements(now).map((s) => env.DB.prepare(s.sql).bind(...s.params)));
    expect(await instrumentRows()).toEqual(viaFile);
    // Texts with quotes and question marks survive the literal form unchanged.
    const welzijn = viaFile.find((r) => r.key === "welzijn")!;
    expect(JSON.parse(welzijn.definition as string)).toEqual(BUILT_IN.find((d) => d.key === "welzijn"));
  });

  it("inlineSql escapes quotes, never rescans a value, and refuses an unbound parameter", () => {
    expect(
      inlineSql({ sql: "SELECT ?1, ?2, ?3, ?10", params: ["it's ?2", null, 3, "x", "", "", "", "", "", "ten"] }),
    ).toBe("SELECT 'it''s ?2', NULL, 3, 'ten';");
    expect(() => inlineSql({ sql: "SELECT ?2", params: ["a"] })).toThrow(/unbound parameter \?2/);
    expect(inlineSql({ sql: "SELECT ?1", params: [Number.NaN] })).toBe("SELECT NULL;");
  });

  it("the first scheduled run installs them, attaches a pilot's own items and invites the youth", async () => {
    await env.DB.batch([env.DB.prepare("DELETE FROM instrument_versions"), env.DB.prepare("DELETE FROM instruments")]);
    const pilot = await insertPilot("fier", {
      frequentInstruments: ["welzijn", "functioneren", "basisbehoeften", "pilot_fier"],
      waveInstruments: ["gcir", "atmq"],
      ...ALWAYS_SEND,
    });
    const now = Date.now();
    const youth = await makeParticipant(pilot.id, { start: localDate(now, "Europe/Amsterdam") });
    await runScheduled(env, now);
    expect(await count("instruments")).toBe(BUILT_IN.length);
    expect(await count("instrument_versions")).toBe(BUILT_IN.length);
    expect(
      (await env.DB.prepare("SELECT pilot_id FROM instruments WHERE key = 'pilot_fier'").first<{ pilot_id: number }>())!
        .pilot_id,
    ).toBe(pilot.id);
    expect(
      (await env.DB.prepare("SELECT pilot_id FROM instruments WHERE key = 'pilot_sterkhuis'").first<{
        pilot_id: number | null;
      }>())!.pilot_id,
    ).toBeNull();
    const occasions = await count("occasions", `WHERE participant_id = ${youth.id}`);
    expect(occasions).toBeGreaterThan(0);
    expect(await count("outbox", `WHERE participant_id = ${youth.id}`)).toBeGreaterThan(0);
    // Twice changes nothing.
    const before = await instrumentRows();
    await runScheduled(env, now + 60_000);
    expect(await instrumentRows()).toEqual(before);
    expect(await count("occasions", `WHERE participant_id = ${youth.id}`)).toBe(occasions);
  });

  it(
    "an instrument that does not exist is reported once a " + "day and shown on the pilot page; the rest is planned",
    async () => {
      const partly = await insertPilot("deels", {
        frequentInstruments: ["welzijn", "onbekend_a"],
        waveInstruments: [],
      });
      const none = await insertPilot("niets", { frequentInstruments: ["onbekend_b"], waveInstruments: [] });
      const now = Date.now();
      const today = localDate(now, "Europe/Amsterdam");
      const a = await makeParticipant(partly.id, { start: today });
      const b = await makeParticipant(none.id, { start: today });
      await runScheduled(env, now);
      await runScheduled(env, now + 15 * 60_000);
      const planned = await env.DB.prepare("SELECT instrument_version_ids FROM occasions WHERE participant_id = ?")
        .bind(a.id)
        .all<{ instrument_version_ids: string }>();
      expect(planned.results).toHaveLength(1);
      const welzijn = (await env.DB.prepare(
        "SELECT v.id FROM instrument_versions v JOIN instruments i ON i.id = v.instrument_id WHERE i.key = 'welzijn'",
      ).first<{ id: number }>())!.id;
      expect(JSON.parse(planned.results[0]!.instrument_version_ids)).toEqual([welzijn]);
      expect(await count("occasions", `WHERE participant_id = ${b.id}`)).toBe(0);
      const reported = await env.DB.prepare(
        "SELECT pilot_id, target, actor_type FROM audit_log WHERE action = 'occasion.unplanned' ORDER BY pilot_id",
      ).all();
      expect(reported.results).toEqual([
        { pilot_id: partly.id, target: "instrument:onbekend_a", actor_type: "system" },
        { pilot_id: none.id, target: "instrument:onbekend_b", actor_type: "system" },
      ]);
      // A day later it is reported again.
      await runScheduled(env, now + 25 * 3_600_000);
      expect(await count("audit_log", "WHERE action = 'occasion.unplanned'")).toBe(4);

      const researcher = await staffUser({ roles: [{ role: "researcher", pilotId: none.id }] });
      const s = await sessionFor(researcher.id);
      const page = await exports.default.fetch("http://questionnaire.localhost/staff/pilots/niets", {
        headers: s.headers,
      });
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('id="missing-instruments"');
      expect(html).toContain("onbekend_b");
      const fine = await exports.default.fetch("http://questionnaire.localhost/staff/pilots/fier", {
        headers: (await sessionFor((await staffUser({ admin: true })).id)).headers,
      });
      expect(await fine.text()).not.toContain('id="missing-instruments"');
    },
  );

  it("the first admin is created only while there is no active admin, and audited once", async () => {
    await env.DB.prepare("UPDATE staff_users SET disabled_at = 1 WHERE is_admin = 1").run();
    const run = (email: string, now: number) =>
      env.DB.batch(firstAdminStatements(email, "Beheer", now).map((s) => env.DB.prepare(s.sql).bind(...s.params)));
    await run("eerste@example.org", 1);
    await run("eerste@example.org", 2);
    await run("tweede@example.org", 3);
    const admins = await env.DB.prepare(
      "SELECT email FROM staff_users WHERE is_admin = 1 AND disabled_at IS NULL",
    ).all();
    expect(admins.results).toEqual([{ email: "eerste@example.org" }]);
    expect(await count("audit_log", "WHERE action = 'setup.first_admin'")).toBe(1);
  });
});
