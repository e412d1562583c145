// The per-pilot summary downloads and pages through the real worker and D1: what each format holds,
// that it reads stored results, that it carries codes only, that it is audited and access-checked.
import { env, exports } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { schema } from "../../worker/db";
import { addDays, localDate } from "../../worker/schedule/schedule";
import { BASE } from "../support/http";
import { asObjects, parseCsv } from "../support/csv";
import { apiToken, devAdmin } from "../support/staff";
import { addHistory, db, makeParticipant, makePilot, addStaffForm, addWave } from "../support/study";

const get = (path: string, headers: Record<string, string> = devAdmin()) =>
  exports.default.fetch(`${BASE}${path}`, { headers });
const post = (path: string, body: string | undefined, headers: Record<string, string> = devAdmin()) =>
  exports.default.fetch(`${BASE}${path}`, {
    method: "POST",
    body,
    headers: { ...headers, "content-type": "application/json" },
  });

const DOWNLOADS = ["indicators.csv", "wide.csv", "codebook.csv", "answers.csv", "report.html", "summary.json"];

let pilot: { id: number; key: string };
let other: { id: number; key: string };
const codes = { up: "", flat: "", few: "", evil: "" };

beforeAll(async () => {
  const made = await makePilot({ key: "fier", settings: { waveInstruments: ["gcir", "atmq"] } });
  pilot = made.pilot;
  const { versions } = made;
  other = (await makePilot()).pilot;
  const today = localDate(Date.now(), "Europe/Amsterdam");
  const start = addDays(today, -400);

  const up = await makeParticipant(pilot.id, {
    code: "FIER-01",
    start,
    email: "secret.youth@example.test",
    mentor: "secret.mentor@example.test",
  });
  await addHistory(up.id, versions, start, [4, 5, 5, 6, 7]);
  await addWave(up.id, versions, start, "T1", { gcir: 3, atmq: 2 });
  await addWave(up.id, versions, start, "T2", { gcir: 4.5, atmq: 3 });
  await addWave(up.id, versions, start, "T3", {}, { status: "missed" });

  const flat = await makeParticipant(pilot.id, { code: "FIER-02", start });
  await addHistory(flat.id, versions, start, [8, 8, 7, 8, 8, 8]);
  await addWave(flat.id, versions, start, "T1", { gcir: 3.5, atmq: 2.5 });

  const few = await makeParticipant(pilot.id, { code: "FIER-03", start });
  await addHistory(few.id, versions, start, [2, 3]);

  // A code that a spreadsheet would run as a formula, and comments with formulas and script.
  const evil = await makeParticipant(pilot.id, { code: '=HYPERLINK("http://x")', start });
  await addHistory(evil.id, versions, start, [5, 5, 5, 5, 5]);
  const [occ] = await db().select().from(schema.occasions).where(eq(schema.occasions.participantId, evil.id)).limit(1);
  await db()
    .update(schema.responses)
    .set({ comment: "=1+1 <script>alert(1)</script>" })
    .where(and(eq(schema.responses.occasionId, occ!.id), eq(schema.responses.itemKey, "algemeen")));
  await db()
    .update(schema.responses)
    .set({ comment: "@SUM(A1) gaat goed" })
    .where(and(eq(schema.responses.occasionId, occ!.id), eq(schema.responses.itemKey, "gezin")));
  Object.assign(codes, { up: up.code, flat: flat.code, few: few.code, evil: evil.code });

  // Background forms as worker/studies/validators.ts stores them (plus fields that must never show).
  await addStaffForm(up.id, "background", {
    ageAtPilotStart: 15,
    educationLevel: "vmbo",
    countryOfOrigin: "nl",
    careBefore: ["ambulant", "residentieel"],
    name: "Should Never Appear",
    dateOfBirth: "2010-01-01",
    careStartDate: "2024-05-01",
  });
  await addStaffForm(flat.id, "background", {
    ageAtPilotStart: 17,
    educationLevel: "mbo",
    countryOfOrigin: "nl",
    careBefore: ["ambulant"],
  });
  // RIS-L as the staff form stores it: arrays of yes/no/unknown.
  await addStaffForm(up.id, "risl", {
    a6: ["no", "no", "no", "no", "no"],
    signals: ["yes", "yes", "no", ...Array(24).fill("unknown")],
    risks: ["yes", ...Array(11).fill("no")],
    protective: ["unknown", "yes", "no", "no", "no", "no"],
  });
  await addStaffForm(flat.id, "risl", { signals: 5, risks: 0, protective: 4 });
  await addStaffForm(few.id, "risl", { signals: 1, risks: 2, protective: 1 });

  const r = await post(`/api/v1/pilots/${pilot.key}/recompute`, "{}");
  expect(r.status).toBe(200);
});

describe("POST /api/v1/pilots/:pilot/recompute", () => {
  it("recomputes every youth of the pilot, stores wave scores, and is audited", async () => {
    const res = await post(`/api/v1/pilots/${pilot.key}/recompute`, JSON.stringify({ force: true }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { participants: number; changed: number; force: boolean };
    expect(body.participants).toBe(4);
    expect(body.force).toBe(true);
    // 4 youths × 7 fier indicators, plus wave scores: GCI-R 5 subscales + total and ATMQ total at T1 for 2 youths and
    // T2 for 1.
    expect(body.changed).toBe(4 * 7 + (6 + 1) * 3);
    const again = (await (await post(`/api/v1/pilots/${pilot.key}/recompute`, undefined)).json()) as {
      changed: number;
    };
    expect(again.changed).toBe(0); // fingerprints unchanged: nothing rewritten
    const audits = await db()
      .select()
      .from(schema.auditLog)
      .where(and(eq(schema.auditLog.action, "analysis.recompute"), eq(schema.auditLog.pilotId, pilot.id)));
    expect(audits.length).toBeGreaterThanOrEqual(3);
  });

  it.each([
    ["not JSON", "{force:", 400, "validation"],
    ["an array", "[]", 400, "validation"],
    ["a wrong type", JSON.stringify({ force: "yes" }), 400, "validation"],
    ["an unknown field", JSON.stringify({ force: true, pilot: "other" }), 400, "validation"],
    ["an oversized body", JSON.stringify({ force: true, pad: "x".repeat(5000) }), 413, "payload_too_large"],
  ])("refuses %s with a clear error and changes nothing", async (_what, body, status, code) => {
    const before = await db().select().from(schema.auditLog).where(eq(schema.auditLog.action, "analysis.recompute"));
    const res = await post(`/api/v1/pilots/${pilot.key}/recompute`, body);
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    const after = await db().select().from(schema.auditLog).where(eq(schema.auditLog.action, "analysis.recompute"));
    expect(after.length).toBe(before.length);
  });
});

describe("indicators.csv", () => {
  it("has the documented columns, one row per youth × frequent indicator, and the stored numbers", async () => {
    const res = await get(`/api/v1/pilots/${pilot.key}/summary/indicators.csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(new TextDecoder().decode(bytes));
    expect(rows[0]).toEqual([
      "participant_code",
      "indicator",
      "n",
      "mean",
      "min",
      "max",
      "slope_per_measurement",
      "slope_per_day",
      "kendall_s",
      "mk_p",
      "trend",
      "band",
    ]);
    const objs = asObjects(rows);
    expect(objs.length).toBe(4 * 7);
    expect(objs.some((o) => o.indicator!.startsWith("wave:"))).toBe(false);
    const w = objs.find((o) => o.participant_code === codes.up && o.indicator === "welzijn")!;
    expect(Number(w.n)).toBe(5);
    expect(Number(w.mean)).toBeCloseTo(5.4, 12);
    // pairwise slopes of 4,5,5,6,7 sorted: 0, .5, .5, 2/3, 2/3, .75, 1, 1, 1, 1 → (2/3 + .75) / 2
    expect(Number(w.slope_per_measurement)).toBeCloseTo(17 / 24, 12);
    expect(w.trend).toBe("up");
    expect(w.band).toBe("middle");
    const f = objs.find((o) => o.participant_code === codes.few && o.indicator === "welzijn")!;
    expect(f.slope_per_measurement).toBe(""); // fewer than 5: no slope, no test
    expect(f.mk_p).toBe("");
    expect(f.trend).toBe("");
  });
});

describe("wide.csv and codebook.csv", () => {
  it(
    "gives one row per youth with frequent statistics, wave " +
      "scores, RCI, RIS-L and response, documented in the codebook",
    async () => {
      const [wide, book] = await Promise.all([
        get(`/api/v1/pilots/${pilot.key}/summary/wide.csv`),
        get(`/api/v1/pilots/${pilot.key}/summary/codebook.csv`),
      ]);
      expect(wide.status).toBe(200);
      expect(book.status).toBe(200);
      const wrows = parseCsv(await wide.text());
      const brows = asObjects(parseCsv(await book.text()));
      expect(brows.map((b) => b.variable)).toEqual(wrows[0]);
      expect(new Set(wrows[0]).size).toBe(wrows[0]!.length);
      for (const v of wrows[0]!) expect(v).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/); // SPSS/R-safe names
      expect(brows.filter((b) => b.type === "numeric").every((b) => b.decimal_separator === ".")).toBe(true);
      const objs = asObjects(wrows);
      expect(objs.length).toBe(4);
      const up = objs.find((o) => o.participant_code === codes.up)!;
      expect(Number(up.welzijn_n)).toBe(5);
      expect(up.welzijn_flag).toBe("desired"); // "++" would be neutralised as a formula, so the CSV spells it out
      expect(Number(up.gcir_ondersteuning_T1)).toBe(3);
      expect(Number(up.gcir_ondersteuning_T2)).toBe(4.5);
      expect(up.gcir_ondersteuning_T3).toBe(""); // non-response is empty, never 0
      // demo norm sd 0.7, r 0.9: Sdiff = √(2·0.7²·0.1); RCI = 1.5 / Sdiff
      expect(Number(up.gcir_ondersteuning_rci_T2vsT1)).toBeCloseTo(1.5 / Math.sqrt(2 * 0.49 * 0.1), 9);
      expect(up.gcir_ondersteuning_change_T2vsT1).toBe("improved");
      // Repressie: higher is worse, so the same increase is a deterioration.
      expect(up.gcir_repressie_change_T2vsT1).toBe("deteriorated");
      expect(up.response_T3).toBe("missed");
      expect(Number(up.risl_signals)).toBe(2);
      expect(Number(up.risl_protective)).toBe(1);
      expect(Number(up.freq_completed)).toBe(5);
    },
  );

  it("neutralises formula-like cells", async () => {
    const objs = asObjects(parseCsv(await (await get(`/api/v1/pilots/${pilot.key}/summary/wide.csv`)).text()));
    expect(objs.some((o) => o.participant_code === `'${codes.evil}`)).toBe(true);
    expect(objs.some((o) => o.participant_code === codes.evil)).toBe(false);
  });
});

describe("answers.csv", () => {
  it("lists every stored answer in long format, without comments unless asked", async () => {
    const res = await get(`/api/v1/pilots/${pilot.key}/summary/answers.csv`);
    const text = await res.text();
    const rows = parseCsv(text);
    expect(rows[0]).toEqual([
      "participant_code",
      "occasion_kind",
      "wave",
      "occasion_seq",
      "due_date",
      "instrument",
      "instrument_version",
      "item",
      "value",
      "not_applicable",
      "mode",
      "answered_at_utc",
    ]);
    const count = await env.DB.prepare(
      "SELECT COUNT(*) AS n FROM responses r JOIN participants p ON p.id = r.participant_id WHERE p.pilot_id = ?",
    )
      .bind(pilot.id)
      .first<{ n: number }>();
    expect(rows.length - 1).toBe(count!.n);
    expect(text).not.toContain("alert(1)");
    expect(text).not.toContain("@SUM");
  });

  it("with ?comments=1 adds the comments, neutralised against formulas", async () => {
    const rows = asObjects(
      parseCsv(await (await get(`/api/v1/pilots/${pilot.key}/summary/answers.csv?comments=1`)).text()),
    );
    const withComment = rows.filter((r) => r.comment);
    expect(withComment.map((r) => r.comment).sort()).toEqual([
      "'=1+1 <script>alert(1)</script>",
      "'@SUM(A1) gaat goed",
    ]);
    const audit = await db().select().from(schema.auditLog).where(eq(schema.auditLog.action, "export.answers_csv"));
    expect(audit.some((a) => (a.details as { comments?: boolean }).comments === true)).toBe(true);
  });

  it.each(["2", "yes", "", "1,1"])("refuses comments=%s", async (v) => {
    const res = await get(`/api/v1/pilots/${pilot.key}/summary/answers.csv?comments=${encodeURIComponent(v)}`);
    expect(res.status).toBe(400);
  });
});

describe("report.html", () => {
  it(
    "is self-contained, with the integral table in colour, legend, " +
      "wave and frequent tables and an SVG plot per youth and indicator",
    async () => {
      const res = await get(`/api/v1/pilots/${pilot.key}/summary/report.html`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-disposition")).toContain(`${pilot.key}-report.html`);
      const html = await res.text();
      expect(html.startsWith("<!doctype html>")).toBe(true);
      expect(html).not.toMatch(/<script|<link|<img|@import|url\(/i);
      expect(html).not.toMatch(/(src|href)="https?:/);
      expect(html).toContain('id="integral-table"');
      expect(html).toContain('id="legend"');
      expect(html).toContain("@media print");
      expect(html).toMatch(/class="b-(high|middle|low)"/);
      expect(html).toContain("Groepsgemiddelde");
      // fier: 6 sloped indicators (welzijn, functioneren, basisbehoeften, 3 sliders) × 4 youths, plus a wave chart
      // with reliable-change marks per wave instrument for the one youth with two waves (FIER-01: GCI-R, ATMQ)
      expect(html.match(/<svg /g)!.length).toBe(6 * 4 + 2);
      expect(html).toContain('class="trend"');
      expect(html).toContain("(T2)"); // wave cell marked with its wave
      expect(html).toContain('class="nr"'); // T3 non-response
      expect(html).not.toContain("alert(1)");
    },
  );

  it("shows comments only with ?comments=1, escaped", async () => {
    const html = await (await get(`/api/v1/pilots/${pilot.key}/summary/report.html?comments=1`)).text();
    expect(html).toContain("=1+1 &lt;script>alert(1)&lt;/script>");
    expect(html).not.toContain("<script>alert(1)");
    expect(html).toContain('class="comments"');
  });

  it("shows the background table without identifying fields", async () => {
    const html = await (await get(`/api/v1/pilots/${pilot.key}/summary/report.html`)).text();
    expect(html).toContain('id="background"');
    expect(html).toContain("Leeftijd start pilot");
    // Counts below the minimum cell size (3) are withheld; the old free text "vmbo" counts as "anders".
    expect(html).toMatch(/<tr data-value="nl"><td class="code">Nederland<\/td><td>&lt; 3<\/td><\/tr>/);
    expect(html).toMatch(/<tr data-value="other"><td class="code">anders<\/td><td>&lt; 3<\/td><\/tr>/);
    expect(html).not.toMatch(/>vmbo</);
    expect(html).not.toContain("Should Never Appear");
    expect(html).not.toContain("2010-01-01");
    expect(html).not.toContain("2024-05-01");
  });
});

describe("privacy and audit", () => {
  it("no download carries contact data or names", async () => {
    // answers.csv and report.html are fetched with comments: even then no contact data or names.
    const withComments = new Set(["answers.csv", "report.html"]);
    for (const d of DOWNLOADS) {
      const text = await (
        await get(`/api/v1/pilots/${pilot.key}/summary/${d}${withComments.has(d) ? "?comments=1" : ""}`)
      ).text();
      expect(text, d).not.toContain("secret.youth@example.test");
      expect(text, d).not.toContain("secret.mentor@example.test");
      expect(text, d).not.toContain("Should Never Appear");
      // codes are the only identifiers: no internal database ids either
      expect(text, d).not.toMatch(/participant_?id/i);
    }
  });

  it("every download is audited with the pilot and the principal", async () => {
    for (const d of DOWNLOADS) await get(`/api/v1/pilots/${pilot.key}/summary/${d}`);
    const rows = await db().select().from(schema.auditLog).where(eq(schema.auditLog.pilotId, pilot.id));
    for (const action of [
      "export.indicators_csv",
      "export.wide_csv",
      "export.codebook_csv",
      "export.answers_csv",
      "export.report_html",
      "export.summary_json",
    ]) {
      const row = rows.find((r) => r.action === action);
      expect(row, action).toBeDefined();
      expect(row!.actorId).toBe("dev-admin");
    }
  });
});

describe("access", () => {
  it("anonymous or forged requests get 401 on every download and page", async () => {
    for (const d of DOWNLOADS) {
      expect((await get(`/api/v1/pilots/${pilot.key}/summary/${d}`, {})).status, d).toBe(401);
      expect(
        (
          await get(`/api/v1/pilots/${pilot.key}/summary/${d}`, {
            authorization: "Bearer forged_token_forged_token_123",
          })
        ).status,
        d,
      ).toBe(401);
    }
    expect((await post(`/api/v1/pilots/${pilot.key}/recompute`, "{}", {})).status).toBe(401);
    const page = await get(`/reports/pilots/${pilot.key}`, {});
    expect(page.status).toBe(401);
    expect(await page.text()).toContain('href="/staff/sign-in"'); // a page that leads to sign-in, not JSON
    expect((await get(`/reports`, {})).status).toBe(401);
  });

  it(
    "staff of another pilot get 403 everywhere; own-pilot " + "staff and the project coordinator get the data",
    async () => {
      const foreign = (await apiToken("coordinator", [other.id])).headers;
      const own = (await apiToken("coordinator", [pilot.id])).headers;
      const researcher = (await apiToken("researcher", [pilot.id])).headers;
      const pc = (await apiToken("project_coordinator", null)).headers;
      for (const d of DOWNLOADS) {
        expect((await get(`/api/v1/pilots/${pilot.key}/summary/${d}`, foreign)).status, d).toBe(403);
        expect((await get(`/api/v1/pilots/${pilot.key}/summary/${d}`, own)).status, d).toBe(200);
        expect((await get(`/api/v1/pilots/${pilot.key}/summary/${d}`, researcher)).status, d).toBe(200);
        expect((await get(`/api/v1/pilots/${pilot.key}/summary/${d}`, pc)).status, d).toBe(200);
      }
      expect((await post(`/api/v1/pilots/${pilot.key}/recompute`, "{}", foreign)).status).toBe(403);
      // A full recompute is a write-role action: readers of the pilot get 403 with the API error.
      for (const reader of [own, pc]) {
        const refused = await post(`/api/v1/pilots/${pilot.key}/recompute`, "{}", reader);
        expect(refused.status).toBe(403);
        expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("forbidden");
      }
      expect((await post(`/api/v1/pilots/${pilot.key}/recompute`, "{}", researcher)).status).toBe(200);
      expect((await get(`/reports/pilots/${pilot.key}`, foreign)).status).toBe(403);
      expect((await get(`/api/v1/pilots/no-such-pilot/summary/wide.csv`, pc)).status).toBe(403);
      const audit = await db().select().from(schema.auditLog).where(eq(schema.auditLog.action, "export.wide_csv"));
      expect(audit.some((a) => a.actorId.startsWith("token:"))).toBe(true);
    },
  );
});

describe("coordinator pages", () => {
  it("per pilot: the integral table in colour, a plot per youth, and download links", async () => {
    const res = await get(`/reports/pilots/${pilot.key}`, (await apiToken("coordinator", [pilot.id])).headers);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toMatch(/style-src 'sha256-/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const html = await res.text();
    expect(html).toContain('<html lang="nl">');
    expect(html).toContain("Integrale tabel");
    expect(html).toContain('id="integral-table"');
    expect(html).toMatch(/class="b-(high|middle|low)"/);
    expect(html).toContain(`data-code="${codes.up}"`);
    expect(html).toContain(`href="/api/v1/pilots/${pilot.key}/summary/wide.csv"`);
    expect(html).not.toContain("all-pilots-link"); // a pilot coordinator has no all-pilots view
    const en = await (await get(`/reports/pilots/${pilot.key}?lang=en`)).text();
    expect(en).toContain("Integral table");
  });

  it("the project coordinator sees every pilot; a pilot coordinator only their own", async () => {
    const pc = await (await get(`/reports`, (await apiToken("project_coordinator", null)).headers)).text();
    expect(pc).toContain(`data-pilot="${pilot.key}"`);
    expect(pc).toContain(`data-pilot="${other.key}"`);
    const own = await (await get(`/reports`, (await apiToken("coordinator", [other.id])).headers)).text();
    expect(own).toContain(`data-pilot="${other.key}"`);
    expect(own).not.toContain(`data-pilot="${pilot.key}"`);
  });
});
