// Local development and tests only: small, known situations that the end-to-end test and the workerd
// tests build on. Reached through POST /api/v1/dev/fixtures/* (DEV_MODE=1 only) or imported by tests.
import { eq } from "drizzle-orm";
import { getDb, schema } from "../db";
import type { Env } from "../env";
import { addDays, localDate, zonedTimeToUtc } from "../schedule/schedule";
import { setContact } from "../studies/contacts";
import { ensureBuiltInInstruments } from "../studies/instruments";
import { DAY_MS, HOUR_MS } from "../../core/time";

const TZ = "Europe/Amsterdam";
/** No quiet hours or days, so a fixture pilot can be mailed whenever a test happens to run. */
export const ALWAYS_SEND = { reminders: { quietHours: { start: "00:00", end: "00:00" }, quietWeekdays: [] } };

/** The frequent items an import would store for every past occasion (welzijn's partner item left out). */
const HISTORY_ITEMS: [string, string][] = [
  ["welzijn", "persoonlijk"],
  ["welzijn", "gezin"],
  ["welzijn", "vrienden"],
  ["welzijn", "algemeen"],
  ["functioneren", "school_werk"],
  ["basisbehoeften", "gezien"],
  ["basisbehoeften", "beslissen"],
  ["basisbehoeften", "goed_in"],
];

/**
 * Past frequent occasions, completed, with the same value on every history item, due every 14 days
 * from `start` (as an import of historical measurements would store them).
 */
export async function addFrequentHistory(
  d1: D1Database,
  participantId: number,
  versions: Map<string, number>,
  start: string,
  values: number[],
) {
  const db = getDb(d1);
  for (const [i, v] of values.entries()) {
    const due = addDays(start, i * 14);
    const at = zonedTimeToUtc(due, 12, 0, TZ);
    const [occ] = await db
      .insert(schema.occasions)
      .values({
        participantId,
        kind: "frequent",
        seq: i + 1,
        dueDate: due,
        opensAt: at - 12 * HOUR_MS,
        closesAt: at + 5 * DAY_MS,
        status: "completed",
        completedAt: at,
        instrumentVersionIds: [],
      })
      .returning();
    await db.insert(schema.responses).values(
      HISTORY_ITEMS.map(([ins, item]) => ({
        occasionId: occ!.id,
        participantId,
        instrumentVersionId: versions.get(ins)!,
        itemKey: item,
        value: v,
        answeredAt: at,
        mode: "import" as const,
      })),
    );
  }
}

/**
 * A fresh pilot (mailed at any hour) with the given youths. A youth with n history values started
 * n fortnights ago: n answered occasions lie behind her and the next falls due today.
 */
export async function createFixturePilot(
  d1: D1Database,
  env: Env,
  now: number,
  youths: { email: string; history: number[] }[],
) {
  const db = getDb(d1);
  let [study] = await db.select().from(schema.studies).where(eq(schema.studies.key, "dev"));
  study ??= (await db.insert(schema.studies).values({ key: "dev", name: "Development fixtures" }).returning())[0]!;
  const key = `e2e${now.toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const [pilot] = await db
    .insert(schema.pilots)
    .values({
      studyId: study.id,
      key,
      name: `E2E ${key}`,
      organisation: "Fixture",
      timezone: TZ,
      settings: {
        frequentInstruments: ["welzijn", "functioneren", "basisbehoeften", "pilot_fier"],
        waveInstruments: [],
        ...ALWAYS_SEND,
      },
    })
    .returning();
  const versions = await ensureBuiltInInstruments(d1);
  const codes: string[] = [];
  for (const [i, y] of youths.entries()) {
    const start = addDays(localDate(now, TZ), -14 * y.history.length);
    const code = `E2E-${key.slice(3, 9).toUpperCase()}-${String(i + 1).padStart(3, "0")}`;
    const [youth] = await db
      .insert(schema.participants)
      .values({
        pilotId: pilot!.id,
        code,
        pilotStartDate: start,
        status: "active",
        consentBy: "self",
        consentDate: start,
      })
      .returning();
    await setContact(d1, env, youth!.id, y.email, null, now);
    await addFrequentHistory(d1, youth!.id, versions, start, y.history);
    codes.push(code);
  }
  return { pilot: key, codes };
}
