// Issue 16 item 3: the pilot items analysed and reported come from the instrument versions actually asked.
// A pilot item reworded, renamed and added mid-study through the instrument-version API (PUT /items) is found
// after the recompute in indicators.csv, summary.json (appendix and integral tables), wide.csv and codebook.csv,
// the old and the new wording side by side; one series runs across the version change.
import { env, exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { schema } from "../../worker/db";
import { recomputePilot } from "../../worker/analysis/recompute";
import { varName } from "../../worker/reports/exports";
import type { Summary } from "../../worker/reports/summary";
import { openDueOccasions } from "../../worker/studies/occasions";
import { evaluateSignals } from "../../worker/signals/store";
import { INTERVAL_SEQ_BASE } from "../../core/waves";
import { addDays, localDate, zonedTimeToUtc } from "../../worker/schedule/schedule";
import { asObjects, parseCsv } from "../support/csv";
import { BASE, call, type TestPrincipal } from "../support/http";
import { devAdmin, sessionFor, staffUser } from "../support/staff";
import { db, makeParticipant, makePilot, addWave } from "../support/study";

const get = async (path: string) => {
  const res = await exports.default.fetch(`${BASE}${path}`, { headers: devAdmin() });
  expect(res.status, path).toBe(200);
  return res.text();
};

const TOEKOMST_V1 = { nl: "Ik heb een duidelijk beeld van mijn toekomst.", en: "I have a clear picture of my future." };
const TOEKOMST_V2 = {
  nl: "Ik weet wat ik na deze tijd wil gaan doen.",
  en: "I know what I want to do after this time.",
};
const V1 = {
  items: [
    { key: "toekomst", type: "slider", text: TOEKOMST_V1 },
    { key: "motivatie", type: "slider", text: { nl: "Ik ga graag naar school.", en: "I like going to school." } },
  ],
};
// version 2: toekomst reworded (same key: same indicator), motivatie renamed to zin_in_school (a new indicator)
const V2 = {
  items: [
    { key: "toekomst", type: "slider", text: TOEKOMST_V2 },
    { key: "zin_in_school", type: "slider", text: { nl: "Ik heb zin in school.", en: "I look forward to school." } },
  ],
};

let pilot: { id: number; key: string };
let researcher: TestPrincipal;
let versionIds: { welzijn: number; v1: number; v2: number };
const TZ = "Europe/Amsterdam";
const start = addDays(localDate(Date.now(), TZ), -200);

/** A completed frequent occasion `seq` (every 14 days) answering the given items of one version. */
async function answer(participantId: number, seq: number, versionId: number, values: Record<string, number>) {
  const due = addDays(start, (seq - 1) * 14);
  const at = zonedTimeToUtc(due, 12, 0, TZ);
  const [occ] = await db()
    .insert(schema.occasions)
    .values({
      participantId,
      kind: "frequent",
      seq,
      dueDate: due,
      opensAt: at - 3_600_000,
      closesAt: at + 5 * 86_400_000,
      status: "completed",
      completedAt: at,
      instrumentVersionIds: [versionIds.welzijn, versionId],
    })
    .returning();
  const rows = Object.entries(values).map(([itemKey, value]) => ({
    occasionId: occ!.id,
    participantId,
    instrumentVersionId: versionId,
    itemKey,
    value,
    answeredAt: at,
    mode: "self" as const,
  }));
  rows.push({
    occasionId: occ!.id,
    participantId,
    instrumentVersionId: versionIds.welzijn,
    itemKey: "persoonlijk",
    value: 6,
    answeredAt: at,
    mode: "self",
  });
  await db().insert(schema.responses).values(rows);
}

const indicatorRows = async () => asObjects(parseCsv(await get(`/api/v1/pilots/${pilot.key}/summary/indicators.csv`)));
const versionCount = async (key: string) =>
  (
    await db()
      .select()
      .from(schema.instrumentVersions)
      .innerJoin(schema.instruments, eq(schema.instruments.id, schema.instrumentVersions.instrumentId))
      .where(eq(schema.instruments.key, key))
  ).length;

beforeAll(async () => {
  const made = await makePilot();
  pilot = made.pilot;
  const r = await staffUser({ roles: [{ role: "researcher", pilotId: pilot.id }] });
  researcher = await sessionFor(r.id);
  const v1 = (await (await call(researcher, "PUT", `/api/v1/pilots/${pilot.key}/items`, V1)).json()) as {
    version: number;
    versionId: number;
  };
  expect(v1.version).toBe(1);
  expect(
    (
      await call(researcher, "PUT", `/api/v1/pilots/${pilot.key}/settings`, {
        frequentInstruments: ["welzijn", `pilot_${pilot.key}`],
      })
    ).status,
  ).toBe(200);
  versionIds = { welzijn: made.versions.get("welzijn")!, v1: v1.versionId, v2: 0 };
});

describe("pilot items changed mid-study", () => {
  it(
    "analyses the items of every version asked: the new " + "item, the retired one and one series across the change",
    async () => {
      const youth = await makeParticipant(pilot.id, { start, email: null });
      const other = await makeParticipant(pilot.id, { start, email: null });
      for (const [i, v] of [2, 3, 4].entries())
        await answer(youth.id, i + 1, versionIds.v1, { toekomst: v, motivatie: 5 });
      await answer(other.id, 1, versionIds.v1, { toekomst: 7, motivatie: 7 });
      await recomputePilot(env.DB, pilot.id, Date.now());
      const before = await indicatorRows();
      const own = `pilot_${pilot.key}`;
      const pilotItems = (rows: Record<string, string>[]) =>
        rows.filter((r) => r.participant_code === youth.code && r.indicator!.startsWith(own));
      expect(pilotItems(before).map((r) => r.indicator)).toEqual([`${own}.motivatie`, `${own}.toekomst`]);

      // the change: a new version through the existing API; answers before it keep version 1
      const res = await call(researcher, "PUT", `/api/v1/pilots/${pilot.key}/items`, V2);
      expect(res.status).toBe(200);
      const v2 = (await res.json()) as { version: number; versionId: number; created: boolean };
      expect(v2).toMatchObject({ version: 2, created: true });
      versionIds.v2 = v2.versionId;
      for (const [i, v] of [5, 6, 7].entries())
        await answer(youth.id, i + 4, versionIds.v2, { toekomst: v, zin_in_school: 8 });
      await answer(other.id, 2, versionIds.v2, { toekomst: 6, zin_in_school: 4 });
      await recomputePilot(env.DB, pilot.id, Date.now());

      // indicators.csv: the new item, the renamed (old) one with its three answers, toekomst as one series of six
      const by = Object.fromEntries(pilotItems(await indicatorRows()).map((r) => [r.indicator, r]));
      expect(Object.keys(by)).toEqual([`${own}.motivatie`, `${own}.toekomst`, `${own}.zin_in_school`]);
      expect(by[`${own}.zin_in_school`]).toMatchObject({ n: "3", mean: "8", band: "high" });
      expect(by[`${own}.motivatie`]).toMatchObject({ n: "3", mean: "5" });
      expect(by[`${own}.toekomst`]).toMatchObject({ n: "6", mean: "4.5", min: "2", max: "7", trend: "up" });

      // summary.json: appendix tables (new, reworded with both wordings, retired) and the integral table's pilot
      // section
      const s = JSON.parse(await get(`/api/v1/pilots/${pilot.key}/summary/summary.json`)) as Summary;
      const tables = Object.fromEntries(s.frequentTables.map((t) => [t.indicator, t]));
      expect(tables[`${own}.zin_in_school`]!.label.nl).toBe("Ik heb zin in school.");
      expect(tables[`${own}.zin_in_school`]!.rows.find((r) => r.code === youth.code)).toMatchObject({ n: 3, mean: 8 });
      expect(tables[`${own}.zin_in_school`]!.versions).toBeUndefined();
      expect(tables[`${own}.toekomst`]!.label).toEqual(TOEKOMST_V2);
      expect(tables[`${own}.toekomst`]!.versions).toEqual([
        { version: 1, text: TOEKOMST_V1 },
        { version: 2, text: TOEKOMST_V2 },
      ]);
      expect(tables[`${own}.motivatie`]!.retired).toBe(true);
      const pilotColumns = s.integral.columns.filter((c) => c.section === "pilot").map((c) => c.key);
      expect(pilotColumns).toEqual([`${own}.toekomst`, `${own}.zin_in_school`, `${own}.motivatie`]);
      const row = s.integral.rows.find((r) => r.code === other.code)!;
      expect(row.cells[`${own}.zin_in_school`]).toMatchObject({ value: 4, n: 1 });
      expect(row.cells[`${own}.toekomst`]).toMatchObject({ value: 6.5, n: 2 });

      // wide.csv and codebook.csv: the new item's columns, and toekomst's wording per version side by side
      const wide = parseCsv(await get(`/api/v1/pilots/${pilot.key}/summary/wide.csv`));
      const header = wide[0]!;
      const col = (ind: string, stat: string) => header.indexOf(`${varName(ind)}_${stat}`);
      expect(col(`${own}.zin_in_school`, "mean")).toBeGreaterThan(-1);
      const youthRow = wide.find((r) => r[0] === youth.code)!;
      expect(youthRow[col(`${own}.zin_in_school`, "mean")]).toBe("8");
      expect(youthRow[col(`${own}.toekomst`, "n")]).toBe("6");
      const book = asObjects(parseCsv(await get(`/api/v1/pilots/${pilot.key}/summary/codebook.csv`)));
      const entry = (name: string) => book.find((b) => b.variable === name)!;
      expect(entry(`${varName(`${own}.zin_in_school`)}_mean`)).toMatchObject({
        label_nl: "Ik heb zin in school.: gemiddelde",
        item_wording_by_version: "",
      });
      const wording = entry(`${varName(`${own}.toekomst`)}_mean`).item_wording_by_version!;
      expect(wording).toBe(
        `${own} v1: ${TOEKOMST_V1.nl} / ${TOEKOMST_V1.en} | ${own} v2: ${TOEKOMST_V2.nl} / ${TOEKOMST_V2.en}`,
      );
      expect(book.map((b) => b.variable)).toEqual(header);
      // the HTML report renders the new item's table too
      const html = await get(`/api/v1/pilots/${pilot.key}/summary/report.html`);
      expect(html).toContain("Ik heb zin in school.");
      expect(html).toContain(`v1: ${TOEKOMST_V1.nl} | v2: ${TOEKOMST_V2.nl}`);
    },
  );

  it("raises staff signals on a new pilot item, none on a retired one", async () => {
    const own = `pilot_${pilot.key}`;
    const low = await makeParticipant(pilot.id, { start, email: null });
    // seq 7..11: after the change, version 2 is asked; the new item drops below her median
    for (const [i, v] of [8, 8, 8, 8, 3].entries())
      await answer(low.id, 7 + i, versionIds.v2, { toekomst: 7, zin_in_school: v });
    // the same drop on motivatie under version 1, the item version 2 no longer asks
    const retiredLow = await makeParticipant(pilot.id, { start, email: null });
    for (const [i, v] of [8, 8, 8, 8, 2].entries())
      await answer(retiredLow.id, 1 + i, versionIds.v1, { toekomst: 7, motivatie: v });
    await evaluateSignals(env.DB, [low.id, retiredLow.id], Date.now());
    const signals = await db().select().from(schema.signals);
    expect(signals.filter((x) => x.participantId === low.id).map((x) => [x.rule, x.indicator])).toEqual([
      ["drop_vs_median", `${own}.zin_in_school`],
    ]);
    // the signals page names the new item by its wording
    const page = await call(researcher, "GET", `/staff/pilots/${pilot.key}/signals`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Ik heb zin in school.");
    // no signal on an item no longer asked
    expect(signals.filter((x) => x.indicator === `${own}.motivatie`)).toEqual([]);
  });

  it("refuses an item key that changes type between versions, clearly and before anything is stored", async () => {
    const own = `pilot_${pilot.key}`;
    const count = await versionCount(own);
    const bad = { items: [{ key: "toekomst", type: "yesno", text: TOEKOMST_V2 }, V2.items[1]] };
    const res = await call(researcher, "PUT", `/api/v1/pilots/${pilot.key}/items`, bad);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string; details: { path: string }[] } };
    expect(body.error.message).toContain("Item toekomst was asked as slider in version 1");
    expect(body.error.details.map((d) => d.path)).toEqual(["items.0.type"]);
    // a retired key cannot come back with another type either
    const back = {
      items: [
        ...V2.items,
        { key: "motivatie", type: "yesno", text: { nl: "Ben je naar school geweest?", en: "Did you go to school?" } },
      ],
    };
    expect((await call(researcher, "PUT", `/api/v1/pilots/${pilot.key}/items`, back)).status).toBe(400);
    expect(await versionCount(own)).toBe(count);
    // a retired key may come back as it was (the same indicator again)
    const again = { items: [...V2.items, V1.items[1]] };
    expect((await call(researcher, "PUT", `/api/v1/pilots/${pilot.key}/items`, again)).status).toBe(200);
    expect(await versionCount(own)).toBe(count + 1);
  });
});

describe("a wave instrument at its own interval (TASC every 8 weeks)", () => {
  it(
    "is configured per pilot with bounds, gets its occasions " +
      "once, and its series over all measurements is analysed",
    async () => {
      const made = await makePilot({ settings: { waveInstruments: ["gcir", "tasc"] } });
      const p = made.pilot;
      const r = await staffUser({ roles: [{ role: "researcher", pilotId: p.id }] });
      const res = await sessionFor(r.id);
      const base = `/api/v1/pilots/${p.key}/settings`;
      const bad: [unknown, string][] = [
        [{ schedule: { waveSchedules: { tasc: { everyWeeks: 2 } } } }, "everyWeeks"],
        [{ schedule: { waveSchedules: { tasc: { everyWeeks: 8.5 } } } }, "everyWeeks"],
        [{ schedule: { waveSchedules: { tasc: { everyWeeks: 8, days: 3 } } } }, ""],
        [{ schedule: { waveSchedules: { atmq: { everyWeeks: 8 } } } }, "schedule.waveSchedules.atmq.not_asked"],
        [
          {
            schedule: {
              studyLengthDays: 50,
              waveOffsetsDays: { T1: 0, T2: 20, T3: 40 },
              waveSchedules: { tasc: { everyWeeks: 8 } },
            },
          },
          "schedule.wave_schedules_beyond_study",
        ],
      ];
      for (const [body, says] of bad) {
        const rr = await call(res, "PUT", base, body);
        expect(rr.status, JSON.stringify(body)).toBe(400);
        expect(await rr.text()).toContain(says);
      }
      const [unchanged] = await db().select().from(schema.pilots).where(eq(schema.pilots.id, p.id));
      expect(unchanged!.settings).toEqual(p.settings);
      expect((await call(res, "PUT", base, { schedule: { waveSchedules: { tasc: { everyWeeks: 8 } } } })).status).toBe(
        200,
      );
      const shown = (await (await call(res, "GET", base)).json()) as { schedule: { waveSchedules?: unknown } };
      expect(shown.schedule.waveSchedules).toEqual({ tasc: { everyWeeks: 8 } });

      // a youth 24 weeks in: today is her third TASC interval date (weeks 8, 16, 24)
      const today = localDate(Date.now(), TZ);
      const youthStart = addDays(today, -168);
      const youth = await makeParticipant(p.id, { start: youthStart, email: null });
      const tasc = made.versions.get("tasc")!;
      const now = Date.now();
      await openDueOccasions(env.DB, now, p.id);
      await openDueOccasions(env.DB, now, p.id);
      const occ = await db().select().from(schema.occasions).where(eq(schema.occasions.participantId, youth.id));
      const interval = occ.filter((o) => o.kind === "wave");
      expect(interval.map((o) => [o.wave, o.seq, o.dueDate, o.instrumentVersionIds])).toEqual([
        [null, INTERVAL_SEQ_BASE + 24, today, [tasc]],
      ]);

      // answers: T1, weeks 8 and 16 (past, completed), and today's interval occasion
      await addWave(youth.id, made.versions, youthStart, "T1", { tasc: 2 });
      const answerTasc = async (occasionId: number, at: number, value: number) => {
        const rows = Array.from({ length: 12 }, (_, i) => ({
          occasionId,
          participantId: youth.id,
          instrumentVersionId: tasc,
          itemKey: `item${i + 1}`,
          value,
          answeredAt: at,
          mode: "self" as const,
        }));
        await db().insert(schema.responses).values(rows.slice(0, 6));
        await db().insert(schema.responses).values(rows.slice(6));
        await db()
          .update(schema.occasions)
          .set({ status: "completed", completedAt: at })
          .where(eq(schema.occasions.id, occasionId));
      };
      for (const [week, value] of [
        [8, 3],
        [16, 3],
      ] as const) {
        const due = addDays(youthStart, week * 7);
        const at = zonedTimeToUtc(due, 12, 0, TZ);
        const [o] = await db()
          .insert(schema.occasions)
          .values({
            participantId: youth.id,
            kind: "wave",
            wave: null,
            seq: INTERVAL_SEQ_BASE + week,
            dueDate: due,
            opensAt: at - 3_600_000,
            closesAt: at + 28 * 86_400_000,
            status: "open",
            instrumentVersionIds: [tasc],
          })
          .returning();
        await answerTasc(o!.id, at, value);
      }
      // staff pages name an interval occasion by its week, never "null"
      const page = await (
        await call(res, "GET", `/staff/pilots/${p.key}/youths/${encodeURIComponent(youth.code)}`)
      ).text();
      expect(page).toContain("meetmoment week 24");
      expect(page).not.toContain("meetmoment null");
      await answerTasc(interval[0]!.id, now - 60_000, 4);
      await recomputePilot(env.DB, p.id, Date.now());

      const rows = asObjects(parseCsv(await get(`/api/v1/pilots/${p.key}/summary/indicators.csv`))).filter(
        (x) => x.participant_code === youth.code,
      );
      expect(rows.find((x) => x.indicator === "series:tasc.totaal")).toMatchObject({
        n: "4",
        mean: "3",
        min: "2",
        max: "4",
        band: "",
      });
      const s = JSON.parse(await get(`/api/v1/pilots/${p.key}/summary/summary.json`)) as Summary;
      // T1 stays T1: the interval measurements do not replace a wave
      const tascTable = s.waveTables.find((t) => t.instrument === "tasc")!;
      expect(tascTable.rows[0]!.scores.T1.value).toBe(2);
      expect(tascTable.rows[0]!.scores.T2.value).toBeNull();
      const series = s.frequentTables.find((t) => t.indicator === "series:tasc.totaal")!;
      expect(series.label.nl).toBe("TASC Totaal, alle metingen");
      expect(series.rows[0]).toMatchObject({ code: youth.code, n: 4, mean: 3 });
      expect(s.integral.columns.map((c) => c.key)).not.toContain("series:tasc.totaal");
      const wide = parseCsv(await get(`/api/v1/pilots/${p.key}/summary/wide.csv`));
      expect(wide[1]![wide[0]!.indexOf("series_tasc_totaal_mean")]).toBe("3");
      expect(wide[0]).not.toContain("series_tasc_totaal_band");
      const book = asObjects(parseCsv(await get(`/api/v1/pilots/${p.key}/summary/codebook.csv`)));
      expect(book.find((b) => b.variable === "series_tasc_totaal_n")!.label_nl).toBe(
        "TASC Totaal, alle metingen: aantal metingen",
      );
    },
  );
});
