import { env } from "cloudflare:workers";
import { eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb, schema } from "../../worker/db";
import { addDays, localDate } from "../../worker/schedule/schedule";
import { contactKeyId, decryptContact } from "../../worker/lib/contact-keys";
import { parseCsv } from "../../worker/studies/csv";
import { call } from "../support/http";
import { sessionFor, staffUser } from "../support/staff";
import { makeParticipant, makePilot, uniqueKey } from "../support/study";
import { recomputePilot } from "../../worker/analysis/recompute";
import { importedWave } from "../../worker/studies/import";
import { scheduleOf } from "../../worker/studies/settings";

const db = () => getDb(env.DB);
const today = () => localDate(Date.now(), "Europe/Amsterdam");
const P_HEADER = "participant_code,pilot_start_date,consent_by,consent_date,email,mentor_email";
const M_HEADER = "participant_code,instrument,item,measured_at,value,comment";
type Report = {
  ok: boolean;
  dryRun: boolean;
  rows: number;
  committed: number;
  errors: { line: number; column?: string; reason: string }[];
};

async function setup() {
  const { pilot } = await makePilot();
  const user = await staffUser({ roles: [{ role: "researcher", pilotId: pilot.id }] });
  return { pilot, researcher: await sessionFor(user.id) };
}
const countIn = async (pilotId: number) =>
  (await db().select().from(schema.participants).where(eq(schema.participants.pilotId, pilotId))).length;

describe("CSV reader", () => {
  it("handles BOM, CRLF, quotes, escaped quotes and line breaks inside quotes, keeping start lines", () => {
    const r = parseCsv('\uFEFFa,b\r\n"x, y","he said ""hi"""\r\n"multi\nline",2\n\n3,4');
    expect(r).toEqual({
      ok: true,
      records: [
        { line: 1, cells: ["a", "b"] },
        { line: 2, cells: ["x, y", 'he said "hi"'] },
        { line: 3, cells: ["multi\nline", "2"] },
        { line: 6, cells: ["3", "4"] },
      ],
    });
  });
  it("reports unclosed quotes, stray quotes and binary data with their line", () => {
    expect(parseCsv('a,b\n"open,1\n2,3')).toMatchObject({ ok: false, line: 2 });
    expect(parseCsv('a,b\nx"y,1')).toMatchObject({ ok: false, line: 2 });
    expect(parseCsv('a,b\n"x"y,1')).toMatchObject({ ok: false, line: 2 });
    expect(parseCsv("a,b\n\u0000,1")).toMatchObject({ ok: false });
  });
});

describe("participant import", () => {
  it(
    "a mixed valid/invalid file: the dry run reports each bad " +
      "row with its line and reason; the commit stores nothing",
    async () => {
      const { pilot, researcher } = await setup();
      const existing = uniqueKey("EX-");
      expect(
        (
          await call(researcher, "POST", `/api/v1/pilots/${pilot.key}/participants`, {
            code: existing,
            pilotStartDate: today(),
            consent: { by: "guardian", date: today() },
          })
        ).status,
      ).toBe(201);
      const good1 = uniqueKey("G-"),
        good2 = uniqueKey("G-");
      const csv = [
        P_HEADER,
        `${good1},${today()},self,${today()},${good1.toLowerCase()}@youth.example,`, // 2 ok
        `${existing},${today()},guardian,${today()},,`, // 3 duplicate of stored
        `${good2},${today()},guardian,${today()},,mentor@example.test`, // 4 ok
        `${good2},${today()},guardian,${today()},,`, // 5 duplicate of line 4
        `=1+cmd|calc,${today()},self,${today()},,`, // 6 formula-like code
        `${uniqueKey("Z-")},${addDays(today(), 500)},self,${today()},,`, // 7 start out of range
        `${uniqueKey("Z-")},2026-13-01,self,${today()},,`, // 8 not a date
        `${uniqueKey("Z-")},${today()},friend,${addDays(today(), 2)},nope,`, // 9 three errors
        `${uniqueKey("Z-")},${today()},self`, // 10 columns
      ].join("\r\n");
      const dry = await call(researcher, "POST", `/api/v1/pilots/${pilot.key}/imports/participants?dryRun=true`, csv);
      expect(dry.status).toBe(200);
      const report = (await dry.json()) as Report;
      expect(report.ok).toBe(false);
      expect(report.rows).toBe(9);
      expect(report.errors.map((e) => [e.line, e.column ?? null])).toEqual([
        [3, "participant_code"],
        [5, "participant_code"],
        [6, "participant_code"],
        [7, "pilot_start_date"],
        [8, "pilot_start_date"],
        [9, "consent_by"],
        [9, "consent_date"],
        [9, "email"],
        [10, null],
      ]);
      expect(report.errors[0]!.reason).toMatch(/duplicate/);
      expect(report.errors[1]!.reason).toMatch(/line 4/);
      expect(report.errors[3]!.reason).toMatch(/out of range/);
      const commit = await call(
        researcher,
        "POST",
        `/api/v1/pilots/${pilot.key}/imports/participants?dryRun=false`,
        csv,
      );
      expect(commit.status).toBe(400);
      const body = (await commit.json()) as { error: { code: string; details: Report } };
      expect(body.error.details.errors).toHaveLength(9);
      expect(await countIn(pilot.id)).toBe(1);
    },
  );

  it("a valid file commits every row, with contact data encrypted and bound to each participant", async () => {
    const { pilot, researcher } = await setup();
    const codes = Array.from({ length: 30 }, () => uniqueKey("V-"));
    const csv =
      [
        P_HEADER,
        ...codes.map(
          (c, i) =>
            `${c},${addDays(today(), -i)},${i % 2 ? "self" : "guardian"},${addDays(today(), -i)},` +
            `${c.toLowerCase()}@youth.example,${i % 3 ? "" : "m@example.test"}`,
        ),
      ].join("\n") + "\n";
    const dry = (await (
      await call(researcher, "POST", `/api/v1/pilots/${pilot.key}/imports/participants`, csv)
    ).json()) as Report;
    expect(dry).toMatchObject({ ok: true, dryRun: true, rows: 30, committed: 0 });
    expect(await countIn(pilot.id)).toBe(0);
    const res = await call(researcher, "POST", `/api/v1/pilots/${pilot.key}/imports/participants?dryRun=false`, csv);
    expect(res.status).toBe(201);
    expect(((await res.json()) as Report).committed).toBe(30);
    const rows = await db().select().from(schema.participants).where(eq(schema.participants.pilotId, pilot.id));
    expect(rows.map((r) => r.code).sort()).toEqual([...codes].sort());
    const contacts = await db()
      .select()
      .from(schema.participantContacts)
      .where(
        inArray(
          schema.participantContacts.participantId,
          rows.map((r) => r.id),
        ),
      );
    expect(contacts).toHaveLength(30);
    for (const c of contacts) {
      const p = rows.find((r) => r.id === c.participantId)!;
      expect(c.emailEnc).not.toContain("@");
      expect(c.emailEnc!.startsWith(`k${contactKeyId(env.CONTACT_KEY)}.`)).toBe(true); // names the current key
      expect(await decryptContact(env, c.emailEnc!, `participant:${p.id}:email`)).toBe(
        `${p.code.toLowerCase()}@youth.example`,
      );
    }
    const again = (await (
      await call(researcher, "POST", `/api/v1/pilots/${pilot.key}/imports/participants`, csv)
    ).json()) as Report;
    expect(again.errors).toHaveLength(30);
    expect(again.errors.every((e) => /duplicate/.test(e.reason))).toBe(true);
  });

  it("refuses malformed and huge files with clear errors and stores nothing", async () => {
    const { pilot, researcher } = await setup();
    const url = `/api/v1/pilots/${pilot.key}/imports/participants?dryRun=false`;
    const cases: [string, number][] = [
      ["", 400],
      ["code,start\nA1,2026-01-01", 400], // wrong header
      [`${P_HEADER}\n"unterminated,${today()},self,${today()},,`, 400],
      [`${P_HEADER}\n`, 400],
    ];
    for (const [csv, status] of cases) {
      const r = await call(researcher, "POST", url, csv);
      expect(r.status, csv.slice(0, 40)).toBe(status);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe("validation");
    }
    const huge = P_HEADER + "\n" + `X${"1".repeat(20)},${today()},self,${today()},,\n`.repeat(70_000);
    const big = await call(researcher, "POST", url, huge);
    expect(big.status).toBe(413);
    const tooManyRows =
      P_HEADER + "\n" + Array.from({ length: 20_001 }, (_, i) => `R${i},${today()},self,${today()},,`).join("\n");
    expect((await call(researcher, "POST", url, tooManyRows)).status).toBe(413);
    expect((await call(researcher, "POST", url, { json: true })).status).toBe(400); // not text/csv
    expect(
      (await call(researcher, "POST", `/api/v1/pilots/${pilot.key}/imports/participants?dryRun=maybe`, `${P_HEADER}\n`))
        .status,
    ).toBe(400);
    expect(await countIn(pilot.id)).toBe(0);
  });
});

describe("measurement import", () => {
  async function withYouths(n: number, startDaysAgo = 60) {
    const s = await setup();
    const codes = Array.from({ length: n }, () => uniqueKey("M-"));
    const csv = [
      P_HEADER,
      ...codes.map((c) => `${c},${addDays(today(), -startDaysAgo)},guardian,${addDays(today(), -startDaysAgo)},,`),
    ].join("\n");
    expect(
      (await call(s.researcher, "POST", `/api/v1/pilots/${s.pilot.key}/imports/participants?dryRun=false`, csv)).status,
    ).toBe(201);
    return { ...s, codes };
  }
  const responsesOf = async (pilotId: number) =>
    (
      await env.DB.prepare(
        "SELECT r.* FROM responses r JOIN participants p ON p.id = r.participant_id WHERE p.pilot_id = ?",
      )
        .bind(pilotId)
        .all<{ value: number; comment: string | null; mode: string; not_applicable: number }>()
    ).results;

  it("mixed file: every bad row reported by line and reason; the commit stores nothing", async () => {
    const { pilot, researcher, codes } = await withYouths(2);
    const [a, b] = codes as [string, string];
    const d = (n: number) => addDays(today(), -n);
    const csv = [
      M_HEADER,
      `${a},welzijn,persoonlijk,${d(40)},7,Gaat goed`, // 2 ok
      `${a},welzijn,persoonlijk,${d(40)},8,`, // 3 duplicate of 2
      `${a},welzijn,bestaat_niet,${d(40)},5,`, // 4 unknown item
      `${a},onbekend,persoonlijk,${d(40)},5,`, // 5 unknown instrument
      `${b},welzijn,gezin,${d(-3)},5,`, // 6 future
      `${b},welzijn,gezin,${d(90)},5,`, // 7 before pilot start
      `${b},welzijn,gezin,${d(30)},11,`, // 8 out of range
      `${b},welzijn,gezin,${d(29)},,`, // 9 empty value
      `${b},welzijn,gezin,${d(28)},zeven,`, // 10 not a number
      `${b},gcir,item1,${d(20)},6,`, // 11 likert out of 1-5
      `GEEN-${a},welzijn,gezin,${d(20)},5,`, // 12 unknown youth
      `${b},welzijn,gezin,2026-02-30,5,`, // 13 impossible date
      `${b},welzijn,gezin,${d(20)},5,${"x".repeat(501)}`, // 14 comment too long
      `${b},welzijn,partner,${d(20)},nvt,`, // 15 ok (not applicable)
      `${b},pilot_fier,weggebleven,${d(20)},ja,`, // 16 ok (yes/no)
    ].join("\n");
    const report = (await (
      await call(researcher, "POST", `/api/v1/pilots/${pilot.key}/imports/measurements`, csv)
    ).json()) as Report;
    expect(report.ok).toBe(false);
    expect(report.errors.map((e) => e.line)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    const reasons = Object.fromEntries(report.errors.map((e) => [e.line, e.reason]));
    expect(reasons[3]).toMatch(/duplicate of line 2/);
    expect(reasons[6]).toMatch(/future/);
    expect(reasons[7]).toMatch(/before the pilot start/);
    expect(reasons[8]).toMatch(/0–10/);
    expect(reasons[11]).toMatch(/1–5/);
    const commit = await call(researcher, "POST", `/api/v1/pilots/${pilot.key}/imports/measurements?dryRun=false`, csv);
    expect(commit.status).toBe(400);
    expect(await responsesOf(pilot.id)).toHaveLength(0);
    expect(
      (await env.DB.prepare(
        "SELECT COUNT(*) AS n FROM occasions o JOIN participants p ON " +
          "p.id = o.participant_id WHERE p.pilot_id = ? AND o.seq >= 100000",
      )
        .bind(pilot.id)
        .first<{ n: number }>())!.n,
    ).toBe(0);
  });

  it(
    "refuses dates at the end of the calendar (9999-12-31) " + "as a bad row, not a 500 (found by the fuzz suite)",
    async () => {
      const { pilot, researcher, codes } = await withYouths(1);
      const res = await call(
        researcher,
        "POST",
        `/api/v1/pilots/${pilot.key}/imports/measurements`,
        [
          M_HEADER,
          `${codes[0]},welzijn,persoonlijk,9999-12-31,7,`,
          `${codes[0]},welzijn,gezin,9999-12-31 23:59,7,`,
        ].join("\n"),
      );
      expect(res.status).toBe(200);
      const report = (await res.json()) as Report;
      expect(report.errors.map((e) => [e.line, e.column])).toEqual([
        [2, "measured_at"],
        [3, "measured_at"],
      ]);
      const patch = await call(researcher, "PATCH", `/api/v1/pilots/${pilot.key}/participants/${codes[0]}`, {
        status: "left_care",
        leftCareAt: "9999-12-31",
      });
      expect(patch.status).toBe(400);
    },
  );

  it(
    "valid file: everything committed in one go as imported answers, " +
      "queued for recompute, and a re-import is refused as duplicate",
    async () => {
      const { pilot, researcher, codes } = await withYouths(3, 200);
      const lines = [M_HEADER];
      for (const c of codes)
        for (let k = 0; k < 12; k++)
          for (const item of ["persoonlijk", "gezin", "vrienden", "algemeen"])
            lines.push(
              `${c},welzijn,${item},${addDays(today(), -190 + k * 14)} ` +
                `15:30,${(k % 10) + (item === "gezin" ? 0.5 : 0)},${k === 3 ? '"=SUM(A1:A2), ""quoted"""' : ""}`,
            );
      lines.push(`${codes[0]},gcir,item1,${addDays(today(), -199)},4,`);
      const csv = lines.join("\r\n");
      const res = await call(researcher, "POST", `/api/v1/pilots/${pilot.key}/imports/measurements?dryRun=false`, csv);
      expect(res.status).toBe(201);
      expect(((await res.json()) as Report).committed).toBe(3 * 12 * 4 + 1);
      const stored = await responsesOf(pilot.id);
      expect(stored).toHaveLength(145);
      expect(stored.every((r) => r.mode === "import")).toBe(true);
      // stored verbatim; CSV exports neutralise it
      expect(stored.filter((r) => r.comment === '=SUM(A1:A2), "quoted"')).toHaveLength(12);
      const waves = await env.DB.prepare(
        "SELECT o.kind, o.wave, o.status FROM occasions o JOIN participants " +
          "p ON p.id = o.participant_id WHERE p.pilot_id = ? AND o.kind = 'wave'",
      )
        .bind(pilot.id)
        .all<{ wave: string; status: string }>();
      expect(waves.results).toEqual([{ kind: "wave", wave: "T1", status: "completed" }]);
      const queued = await env.DB.prepare(
        "SELECT COUNT(*) AS n FROM recompute_queue q JOIN " +
          "participants p ON p.id = q.participant_id WHERE p.pilot_id = ?",
      )
        .bind(pilot.id)
        .first<{ n: number }>();
      expect(queued!.n).toBe(3);
      const again = (await (
        await call(researcher, "POST", `/api/v1/pilots/${pilot.key}/imports/measurements`, csv)
      ).json()) as Report;
      expect(again.errors).toHaveLength(145);
      expect(again.errors.every((e) => /already stored/.test(e.reason))).toBe(true);
      const audit = await db().select().from(schema.auditLog).where(eq(schema.auditLog.action, "import.measurements"));
      expect(audit.some((a) => a.pilotId === pilot.id && (a.details as { rows: number }).rows === 145)).toBe(true);
    },
  );
});

describe("measurement import: a wave instrument asked at its own interval (TASC every 8 weeks)", () => {
  it(
    "a measurement inside a T window is that wave, one between the windows an interval measurement " +
      "(never taken for T1/T2/T3); the series counts them all",
    async () => {
      const settings = { waveInstruments: ["tasc"], schedule: { waveSchedules: { tasc: { everyWeeks: 8 } } } };
      const { pilot } = await makePilot({ settings });
      const researcher = await sessionFor((await staffUser({ roles: [{ role: "researcher", pilotId: pilot.id }] })).id);
      const start = addDays(today(), -200);
      const y = await makeParticipant(pilot.id, { start, email: null });
      // day 0 (T1), weeks 8 and 16 (between the windows), day 185 (inside T2's window: day 182 + 28 days)
      const measured = [
        [0, 3],
        [56, 2],
        [112, 1],
        [185, 4],
      ] as const;
      const lines = [M_HEADER];
      for (const [day, value] of measured)
        for (let i = 1; i <= 12; i++) lines.push(`${y.code},tasc,item${i},${addDays(start, day)} 10:00,${value},`);
      const path = `/api/v1/pilots/${pilot.key}/imports/measurements?dryRun=false`;
      expect((await call(researcher, "POST", path, lines.join("\n"))).status).toBe(201);
      const waves = await env.DB.prepare(
        "SELECT wave, due_date FROM occasions WHERE participant_id = ? AND kind = 'wave' ORDER BY due_date",
      )
        .bind(y.id)
        .all<{ wave: string | null; due_date: string }>();
      expect(waves.results.map((o) => o.wave)).toEqual(["T1", null, null, "T2"]);
      await recomputePilot(env.DB, pilot.id, Date.now());
      const rows = await env.DB.prepare("SELECT indicator, n, mean FROM indicator_results WHERE participant_id = ?")
        .bind(y.id)
        .all<{ indicator: string; n: number; mean: number }>();
      const mean = (indicator: string) => rows.results.find((r) => r.indicator === indicator)?.mean;
      // T1 is her day-0 score, not week 8's (the nearest wave to day 56 is T1)
      expect(mean("wave:T1:tasc.totaal")).toBe(3);
      expect(mean("wave:T2:tasc.totaal")).toBe(4);
      expect(rows.results.find((r) => r.indicator === "series:tasc.totaal")).toMatchObject({ n: 4, mean: 2.5 });
      // her page names the imported interval measurements
      const page = await (await call(researcher, "GET", `/staff/pilots/${pilot.key}/youths/${y.code}`)).text();
      expect(page.slice(page.indexOf('id="timeline"'))).toContain("meetmoment import");
    },
  );

  it("without its own interval an imported wave measurement still belongs to the nearest wave", () => {
    const schedule = scheduleOf({ timezone: "Europe/Amsterdam", settings: {} } as Parameters<typeof scheduleOf>[0]);
    expect([0, 56, 100, 185, 300, 400].map((d) => importedWave(schedule, d, ["tasc"]))).toEqual([
      "T1",
      "T1",
      "T2",
      "T2",
      "T3",
      "T3",
    ]);
    const own = { ...schedule, waveSchedules: { tasc: { everyWeeks: 8 } } };
    expect([0, 27, 28, 56, 182, 209, 210, 365].map((d) => importedWave(own, d, ["tasc"]))).toEqual([
      "T1",
      "T1",
      null,
      null,
      "T2",
      "T2",
      null,
      "T3",
    ]);
    // an instrument without its own interval on the same pilot: the nearest wave
    expect(importedWave(own, 56, ["gcir"])).toBe("T1");
  });
});

describe("concurrent submits", () => {
  it("two concurrent commits of the same participant file store it once; the other is refused whole", async () => {
    const { pilot, researcher } = await setup();
    const codes = Array.from({ length: 20 }, () => uniqueKey("CC-"));
    const csv = [
      P_HEADER,
      ...codes.map((c) => `${c},${today()},guardian,${today()},${c.toLowerCase()}@youth.example,`),
    ].join("\n");
    const url = `/api/v1/pilots/${pilot.key}/imports/participants?dryRun=false`;
    const results = await Promise.all([
      call(researcher, "POST", url, csv),
      call(researcher, "POST", url, csv),
      call(researcher, "POST", url, csv),
    ]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 400 || s === 409)).toHaveLength(2);
    expect(await countIn(pilot.id)).toBe(20);
    const contacts = await env.DB.prepare(
      "SELECT COUNT(*) AS n FROM participant_contacts c JOIN " +
        "participants p ON p.id = c.participant_id WHERE p.pilot_id = ?",
    )
      .bind(pilot.id)
      .first<{ n: number }>();
    expect(contacts!.n).toBe(20);
  });

  it("two concurrent enrolments with one code make one youth", async () => {
    const { pilot, researcher } = await setup();
    const code = uniqueKey("CE-");
    const body = { code, pilotStartDate: today(), consent: { by: "guardian", date: today() } };
    const results = await Promise.all(
      Array.from({ length: 4 }, () => call(researcher, "POST", `/api/v1/pilots/${pilot.key}/participants`, body)),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    expect(await countIn(pilot.id)).toBe(1);
  });
});
