import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { GCIR } from "../../schema/instruments/definitions";
import { getDb, schema } from "../../worker/db";
import { openDueOccasions } from "../../worker/studies/occasions";
import { localDate } from "../../worker/schedule/schedule";
import { call } from "../support/http";
import { apiToken, sessionFor, staffUser } from "../support/staff";
import { makePilot, uniqueKey } from "../support/study";

const db = () => getDb(env.DB);
const today = () => localDate(Date.now(), "Europe/Amsterdam");

async function setup() {
  const { pilot, versions } = await makePilot();
  const r = await staffUser({ roles: [{ role: "researcher", pilotId: pilot.id }] });
  const c = await staffUser({ roles: [{ role: "coordinator", pilotId: pilot.id }] });
  const a = await staffUser({ admin: true });
  return {
    pilot,
    versions,
    researcher: await sessionFor(r.id),
    coordinator: await sessionFor(c.id),
    admin: await sessionFor(a.id),
  };
}

describe("pilot configuration", () => {
  it(
    "shows effective settings and accepts a valid partial " +
      "change, validated with the schedule and policy validators",
    async () => {
      const { pilot, researcher, coordinator } = await setup();
      const base = `/api/v1/pilots/${pilot.key}/settings`;
      const before = (await (await call(coordinator, "GET", base)).json()) as {
        timezone: string;
        schedule: { frequentIntervalDays: number };
        reminders: { maxReminders: number };
        quickExitUrl: string;
      };
      expect(before).toMatchObject({
        timezone: "Europe/Amsterdam",
        schedule: { frequentIntervalDays: 14 },
        reminders: { maxReminders: 3 },
      });
      const ok = await call(researcher, "PUT", base, {
        senderName: "Vragenlijstje",
        quickExitUrl: "https://www.nu.nl/",
        schedule: { frequentIntervalDays: 21, frequentWindowDays: 14 },
        reminders: { maxReminders: 2, quietHours: { start: "22:00", end: "07:30" } },
      });
      expect(ok.status).toBe(200);
      const after = (await ok.json()) as {
        senderName: string;
        schedule: { frequentIntervalDays: number; frequentWindowDays: number };
        reminders: { maxReminders: number; minSpacingDays: number };
      };
      expect(after).toMatchObject({
        senderName: "Vragenlijstje",
        schedule: { frequentIntervalDays: 21, frequentWindowDays: 14 },
        reminders: { maxReminders: 2, minSpacingDays: 3 },
      });
      expect((await call(coordinator, "PUT", base, { senderName: "X" })).status).toBe(403);
      const audit = await db()
        .select()
        .from(schema.auditLog)
        .where(eq(schema.auditLog.action, "pilot.settings_update"));
      expect(audit.some((a) => a.pilotId === pilot.id)).toBe(true);
    },
  );

  it("refuses invalid settings as a whole and changes nothing", async () => {
    const { pilot, researcher } = await setup();
    const base = `/api/v1/pilots/${pilot.key}/settings`;
    const bad: unknown[] = [
      { schedule: { frequentIntervalDays: 7 } },
      // window longer than interval (validateSchedule)
      { schedule: { frequentIntervalDays: 14, frequentWindowDays: 20 } },
      { schedule: { waveOffsetsDays: { T1: 0, T2: 300, T3: 200 } } },
      { reminders: { quietHours: { start: "25:00", end: "07:00" } } },
      { reminders: { quietWeekdays: [1, 2, 3, 4, 5, 6, 8] } },
      { timezone: "Mars/Olympus" },
      { senderName: "Hulp voor slachtoffers" },
      { senderName: "<b>Hi</b>" },
      { quickExitUrl: "javascript:alert(1)" },
      { frequentInstruments: ["welzijn", "bestaat_niet"] },
      { waveInstruments: ["welzijn"] },
      { schedule: { instrumentEvery: { tasc: 2 } } },
      { unknownField: true },
    ];
    for (const b of bad) {
      const r = await call(researcher, "PUT", base, b);
      expect(r.status, JSON.stringify(b)).toBe(400);
    }
    const [fresh] = await db().select().from(schema.pilots).where(eq(schema.pilots.id, pilot.id));
    expect(fresh!.settings).toEqual(pilot.settings);
    expect(fresh!.timezone).toBe("Europe/Amsterdam");
  });

  it(
    "changing the pilot items makes a new version; past " + "responses keep theirs and new occasions ask the new one",
    async () => {
      const { pilot, researcher } = await setup();
      const items = {
        items: [
          {
            key: "toekomst",
            type: "slider",
            text: { nl: "Ik heb een duidelijk beeld van mijn toekomst.", en: "I have a clear picture of my future." },
          },
        ],
      };
      const first = await call(researcher, "PUT", `/api/v1/pilots/${pilot.key}/items`, items);
      expect(first.status).toBe(200);
      const v1 = (await first.json()) as { version: number; versionId: number; created: boolean };
      expect(v1).toMatchObject({ version: 1, created: true });
      const same = (await (await call(researcher, "PUT", `/api/v1/pilots/${pilot.key}/items`, items)).json()) as {
        version: number;
        created: boolean;
      };
      expect(same).toMatchObject({ version: 1, created: false });
      // make the pilot ask its own items, enrol, answer v1
      expect(
        (
          await call(researcher, "PUT", `/api/v1/pilots/${pilot.key}/settings`, {
            frequentInstruments: ["welzijn", `pilot_${pilot.key}`],
          })
        ).status,
      ).toBe(200);
      const code = uniqueKey("Y-");
      expect(
        (
          await call(researcher, "POST", `/api/v1/pilots/${pilot.key}/participants`, {
            code,
            pilotStartDate: today(),
            consent: { by: "guardian", date: today() },
          })
        ).status,
      ).toBe(201);
      const [p] = await db().select().from(schema.participants).where(eq(schema.participants.code, code));
      const [occ] = await db().select().from(schema.occasions).where(eq(schema.occasions.participantId, p!.id));
      expect(occ!.instrumentVersionIds).toContain(v1.versionId);
      await db().insert(schema.responses).values({
        occasionId: occ!.id,
        participantId: p!.id,
        instrumentVersionId: v1.versionId,
        itemKey: "toekomst",
        value: 6,
        answeredAt: Date.now(),
        mode: "self",
      });
      const changed = {
        items: [
          ...items.items,
          { key: "school", type: "yesno", text: { nl: "Ben je naar school geweest?", en: "Did you go to school?" } },
        ],
      };
      const v2 = (await (await call(researcher, "PUT", `/api/v1/pilots/${pilot.key}/items`, changed)).json()) as {
        version: number;
        versionId: number;
      };
      expect(v2.version).toBe(2);
      const [resp] = await db().select().from(schema.responses).where(eq(schema.responses.occasionId, occ!.id));
      expect(resp!.instrumentVersionId).toBe(v1.versionId);
      const [old] = await db()
        .select()
        .from(schema.instrumentVersions)
        .where(eq(schema.instrumentVersions.id, v1.versionId));
      expect((old!.definition as { items: unknown[] }).items).toHaveLength(1);
      // a second youth enrolled now gets version 2
      const code2 = uniqueKey("Y-");
      await call(researcher, "POST", `/api/v1/pilots/${pilot.key}/participants`, {
        code: code2,
        pilotStartDate: today(),
        consent: { by: "guardian", date: today() },
      });
      await openDueOccasions(env.DB, Date.now(), pilot.id);
      const [p2] = await db().select().from(schema.participants).where(eq(schema.participants.code, code2));
      const [occ2] = await db().select().from(schema.occasions).where(eq(schema.occasions.participantId, p2!.id));
      expect(occ2!.instrumentVersionIds).toContain(v2.versionId);
      // youth-facing wording is checked
      const bad = { items: [{ key: "x", type: "slider", text: { nl: "Ben je een slachtoffer?", en: "x" } }] };
      expect((await call(researcher, "PUT", `/api/v1/pilots/${pilot.key}/items`, bad)).status).toBe(400);
      const dupKeys = { items: [items.items[0], items.items[0]] };
      expect((await call(researcher, "PUT", `/api/v1/pilots/${pilot.key}/items`, dupKeys)).status).toBe(400);
    },
  );
});

describe("concurrent item changes", () => {
  it("never stores two definitions under one version number", async () => {
    const { pilot, researcher } = await setup();
    const body = (n: number) => ({
      items: [{ key: `item${n}`, type: "slider", text: { nl: `Vraag ${n}`, en: `Question ${n}` } }],
    });
    const results = await Promise.all(
      [1, 2, 3, 4].map((n) => call(researcher, "PUT", `/api/v1/pilots/${pilot.key}/items`, body(n))),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    expect(statuses).toContain(200);
    const [inst] = await db()
      .select()
      .from(schema.instruments)
      .where(eq(schema.instruments.key, `pilot_${pilot.key}`));
    const versions = await db()
      .select()
      .from(schema.instrumentVersions)
      .where(eq(schema.instrumentVersions.instrumentId, inst!.id));
    expect(versions.length).toBe(statuses.filter((s) => s === 200).length);
    expect(new Set(versions.map((v) => v.version)).size).toBe(versions.length);
  });
});

describe("instrument definitions", () => {
  const licensed = () => ({
    ...GCIR,
    demo: false,
    items: GCIR.items.map((i) => ({
      ...i,
      text: { nl: `Gelicentieerd item ${i.key}`, en: `Licensed item ${i.key}` },
      ...(i.key === "item3" ? { reverse: true } : {}),
    })),
    subscales: GCIR.subscales!.map((s) => ({ ...s, norm: { mean: 3.2, sd: 0.6, reliability: 0.88 } })),
  });

  it("an admin imports a wave-instrument file as a new version; identical re-import changes nothing", async () => {
    const { admin, researcher } = await setup();
    const list0 = (await (await call(researcher, "GET", "/api/v1/instruments")).json()) as {
      instruments: { key: string; current: number }[];
    };
    const before = list0.instruments.find((i) => i.key === "gcir")!.current;
    const res = await call(admin, "POST", "/api/v1/instruments/import", licensed());
    expect(res.status).toBe(201);
    expect(((await res.json()) as { version: number }).version).toBe(before + 1);
    const again = await call(admin, "POST", "/api/v1/instruments/import", licensed());
    expect(again.status).toBe(200);
    expect(((await again.json()) as { created: boolean }).created).toBe(false);
    const cur = (await (await call(researcher, "GET", "/api/v1/instruments/gcir")).json()) as {
      version: number;
      definition: { items: { text: { nl: string }; reverse?: boolean }[] };
    };
    expect(cur.version).toBe(before + 1);
    expect(cur.definition.items[2]!.reverse).toBe(true);
    const old = (await (await call(researcher, "GET", `/api/v1/instruments/gcir?version=${before}`)).json()) as {
      definition: { items: { text: { nl: string } }[] };
    };
    expect(old.definition.items[0]!.text.nl).toMatch(/^Demo-item/);
    expect((await call(researcher, "POST", "/api/v1/instruments/import", licensed())).status).toBe(403);
  });

  it("rejects broken definition files", async () => {
    const { admin } = await setup();
    const bad: unknown[] = [
      { ...licensed(), items: licensed().items.map((i, n) => (n === 0 ? { ...i, subscale: "nope" } : i)) },
      {
        ...licensed(),
        subscales: licensed().subscales.map((s) => ({ ...s, norm: { mean: 3, sd: 0, reliability: 0.8 } })),
      },
      {
        ...licensed(),
        subscales: licensed().subscales.map((s) => ({ ...s, norm: { mean: 3, sd: 1, reliability: 1 } })),
      },
      { ...licensed(), scale: { min: 1, max: 5, labels: [] } },
      { ...licensed(), items: [...licensed().items, licensed().items[0]] },
      { ...licensed(), kind: "frequent" },
      { ...licensed(), key: "welzijn" }, // exists as a frequent instrument
      { ...licensed(), items: [] },
    ];
    for (const b of bad) {
      const r = await call(admin, "POST", "/api/v1/instruments/import", b);
      expect([400, 409], JSON.stringify(b).slice(0, 80)).toContain(r.status);
    }
  });
});

describe("staff forms", () => {
  it("stores background characteristics and RIS-L with scores, audited; rejects malformed forms", async () => {
    const { pilot, researcher, coordinator } = await setup();
    const code = uniqueKey("Y-");
    await call(researcher, "POST", `/api/v1/pilots/${pilot.key}/participants`, {
      code,
      pilotStartDate: today(),
      consent: { by: "guardian", date: today() },
    });
    const base = `/api/v1/pilots/${pilot.key}/participants/${code}/forms`;
    expect((await call(researcher, "GET", `${base}/risl`)).status).toBe(404);
    const risl = {
      a6: Array(5).fill("no"),
      signals: [...Array(4).fill("yes"), ...Array(23).fill("unknown")],
      risks: [...Array(2).fill("yes"), ...Array(10).fill("no")],
      protective: Array(6).fill("yes"),
    };
    const saved = await call(researcher, "PUT", `${base}/risl`, risl);
    expect(saved.status).toBe(200);
    expect(((await saved.json()) as { scores: unknown }).scores).toEqual({ signals: 4, risks: 2, protective: 6 });
    const read = (await (await call(researcher, "GET", `${base}/risl`)).json()) as { data: typeof risl };
    expect(read.data).toEqual(risl);
    // raw staff forms are for the pilot's researchers (issue 16 item 4)
    expect((await call(coordinator, "GET", `${base}/risl`)).status).toBe(403);
    const bg = {
      ageAtPilotStart: 16,
      countryOfOrigin: "nl",
      careBefore: ["ambulant"],
      debts: "unknown",
      referralReason: "<script>x</script>",
    };
    expect((await call(researcher, "PUT", `${base}/background`, bg)).status).toBe(200);
    for (const [form, body] of [
      ["risl", { ...risl, signals: risl.signals.slice(1) }],
      ["risl", { ...risl, a6: Array(5).fill("maybe") }],
      ["background", { ageAtPilotStart: 99 }],
      ["background", { countryOfOrigin: "mars" }],
      ["background", { name: "Anna" }],
      ["other", {}],
    ] as const) {
      const r = await call(researcher, "PUT", `${base}/${form}`, body);
      expect([400, 404], `${form} ${JSON.stringify(body).slice(0, 60)}`).toContain(r.status);
    }
    expect((await call(coordinator, "PUT", `${base}/risl`, risl)).status).toBe(403);
    const tok = await apiToken("researcher", [pilot.id]);
    expect((await call(tok, "GET", `${base}/background`)).status).toBe(200);
  });
});
