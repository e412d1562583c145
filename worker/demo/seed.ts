// The demo study: four pilots with the report's group sizes (12/8/8/5), synthetic youths under visibly
// synthetic codes, a year of answers with realistic patterns. Deterministic for a given `now`.
import { eq } from "drizzle-orm";
import { BUILT_IN, type InstrumentDefinition } from "../../schema/instruments/definitions";
import { getDb, schema } from "../db";
import type { Env } from "../env";
import { recomputeParticipants } from "../analysis/recompute";
import { addDays, localDate, planOccasions, zonedTimeToUtc } from "../schedule/schedule";
import { setContact } from "../studies/contacts";
import { ensureBuiltInInstruments } from "../studies/instruments";
import { instrumentsOf, scheduleOf, type PilotSettings } from "../studies/settings";
import { seedDemoCodes } from "../comments/demo";
import { seedDemoStaffForms } from "./staff-forms";
import { signalScript } from "../signals/demo";
import { evaluateSignals } from "../signals/store";
import { DAY_MS } from "../../core/time";
import { rng } from "./random";

export const DEMO_STUDY_KEY = "demo";
const TZ = "Europe/Amsterdam";

export const DEMO_PILOTS: {
  key: string;
  name: string;
  organisation: string;
  youths: number;
  settings: PilotSettings;
}[] = [
  { key: "fier", name: "Klaar voor de toekomst", organisation: "Fier (demo)", youths: 12, settings: {} },
  // The family-home pilot asked its own items every two months (report §2.4.1).
  {
    key: "gezinshuizen",
    name: "BoobieTrap",
    organisation: "Gezinshuizen (demo)",
    youths: 8,
    settings: { schedule: { instrumentEvery: { pilot_gezinshuizen: 4 } } },
  },
  { key: "sterkhuis", name: "Een sterke toekomst", organisation: "Sterk Huis (demo)", youths: 8, settings: {} },
  {
    key: "viajeugd",
    name: "Handen vol ervaring",
    organisation: "Via Jeugd (demo)",
    youths: 5,
    settings: { schedule: { frequentIntervalDays: 21, frequentWindowDays: 14 } },
  },
];

export const demoStaff = (pilot: string) => ({
  researcher: `onderzoeker.${pilot}@demo.invalid`,
  coordinator: `coordinator.${pilot}@demo.invalid`,
});
export const DEMO_PROJECT_COORDINATOR = "projectcoordinator@demo.invalid";
export const DEMO_ADMIN = "admin@demo.invalid";

const COMMENTS = [
  "Gaat wel",
  "Drukke week op school",
  "Leuk weekend gehad",
  "Beetje moe",
  "Ruzie thuis gehad",
  "Nieuwe stage gevonden",
  "Veel gesprekken gehad deze week",
  "Voel me beter dan vorige keer",
];

export type SeedResult = { created: boolean; participants: number; responses: number };

/** Loads the demo study once. Returns created=false when it is already there. */
export async function seedDemo(d1: D1Database, env: Env, now: number): Promise<SeedResult> {
  const db = getDb(d1);
  const [existing] = await db.select().from(schema.studies).where(eq(schema.studies.key, DEMO_STUDY_KEY));
  if (existing) return { created: false, participants: 0, responses: 0 };
  const [study] = await db
    .insert(schema.studies)
    .values({ key: DEMO_STUDY_KEY, name: "Een goede toekomst (demo)" })
    .returning();
  const pilotIds: Record<string, number> = {};
  for (const p of DEMO_PILOTS) {
    const [row] = await db
      .insert(schema.pilots)
      .values({
        studyId: study!.id,
        key: p.key,
        name: p.name,
        organisation: p.organisation,
        timezone: TZ,
        settings: p.settings,
      })
      .returning();
    pilotIds[p.key] = row!.id;
  }
  const versions = await ensureBuiltInInstruments(d1);
  const defs = new Map<string, InstrumentDefinition>(BUILT_IN.map((d) => [d.key, d]));

  const [admin] = await db
    .insert(schema.staffUsers)
    .values({ email: DEMO_ADMIN, name: "Demo beheerder", isAdmin: true })
    .returning();
  const [pc] = await db
    .insert(schema.staffUsers)
    .values({ email: DEMO_PROJECT_COORDINATOR, name: "Demo projectcoördinator" })
    .returning();
  await db.insert(schema.staffRoles).values({ userId: pc!.id, pilotId: null, role: "project_coordinator" });
  void admin;

  const rand = rng(20261123);
  const today = localDate(now, TZ);
  let participantCount = 0;
  let responseCount = 0;
  const allIds: number[] = [];

  for (const p of DEMO_PILOTS) {
    const pilotId = pilotIds[p.key]!;
    const staff = demoStaff(p.key);
    const [researcher] = await db
      .insert(schema.staffUsers)
      .values({ email: staff.researcher, name: `Demo onderzoeker ${p.key}` })
      .returning();
    const [coordinator] = await db
      .insert(schema.staffUsers)
      .values({ email: staff.coordinator, name: `Demo coördinator ${p.key}` })
      .returning();
    await db.insert(schema.staffRoles).values([
      { userId: researcher!.id, pilotId, role: "researcher" },
      { userId: coordinator!.id, pilotId, role: "coordinator" },
    ]);
    const pilotRow = { key: p.key, timezone: TZ, settings: p.settings };
    const schedule = scheduleOf(pilotRow);
    const { frequent, wave } = instrumentsOf(pilotRow);

    for (let i = 1; i <= p.youths; i++) {
      const code = `DEMO-${p.key.slice(0, 3).toUpperCase()}-${String(i).padStart(2, "0")}`;
      // Start dates spread over the last 12 months; the first youth of each pilot started recently enough to have open
      // occasions.
      // A few youths follow a script that raises each staff signal rule (worker/signals/demo.ts).
      const script = signalScript(code);
      const startOffset = script?.startOffset ?? (i === 1 ? 20 : Math.floor(30 + rand() * 320));
      const start = addDays(today, -startOffset);
      // About a third leave care during the year; answers thin out after they leave (report §2.4.1).
      const leavesAfter =
        !script && rand() < 0.35 && startOffset > 120 ? Math.floor(90 + rand() * (startOffset - 90)) : null;
      const status = leavesAfter !== null ? "left_care" : i === p.youths && p.youths > 6 ? "paused" : "active";
      const [person] = await db
        .insert(schema.participants)
        .values({
          pilotId,
          code,
          pilotStartDate: start,
          status,
          consentBy: rand() < 0.3 ? "guardian" : "self",
          consentDate: start,
          consentRecordedBy: researcher!.id,
          leftCareAt: leavesAfter !== null ? addDays(start, leavesAfter) : null,
        })
        .returning();
      allIds.push(person!.id);
      participantCount++;
      await setContact(
        d1,
        env,
        person!.id,
        `jongere.${code.toLowerCase()}@demo.invalid`,
        rand() < 0.6 ? `mentor.${code.toLowerCase()}@demo.invalid` : null,
        now,
      );

      const pattern = rand();
      const trend = pattern < 0.3 ? 0.12 : pattern < 0.45 ? -0.1 : 0; // improving / worsening / flat
      const base = 3.5 + rand() * 3;
      const answered = new Set<string>();
      const occasionRows: (typeof schema.occasions.$inferInsert)[] = [];
      const plan = planOccasions(start, schedule, frequent, wave).filter((o) => o.dueDate <= today);
      for (const o of plan) {
        const day = Math.round((Date.parse(o.dueDate) - Date.parse(start)) / DAY_MS);
        const open = o.closesDate > today;
        const afterLeaving = leavesAfter !== null && day > leavesAfter;
        const pAnswer =
          o.kind === "wave" ? (o.wave === "T1" ? 1 : o.wave === "T2" ? 0.6 : 0.35) : afterLeaving ? 0.3 : 0.85;
        const done = !open && (script ? script.answered(o) : rand() < pAnswer);
        if (done) answered.add(`${o.kind}:${o.seq}`);
        occasionRows.push({
          participantId: person!.id,
          kind: o.kind,
          wave: o.wave,
          seq: o.seq,
          dueDate: o.dueDate,
          opensAt: zonedTimeToUtc(o.dueDate, 0, 0, TZ),
          closesAt: zonedTimeToUtc(o.closesDate, 0, 0, TZ),
          status: open ? "open" : done ? "completed" : "missed",
          instrumentVersionIds: o.instruments.map((k) => versions.get(k)!),
          completedAt: done
            ? zonedTimeToUtc(o.dueDate, 15, Math.floor(rand() * 59), TZ) + Math.floor(rand() * 3) * DAY_MS
            : null,
        });
      }
      const occIds: number[] = [];
      for (let j = 0; j < occasionRows.length; j += 8) {
        const inserted = await db
          .insert(schema.occasions)
          .values(occasionRows.slice(j, j + 8))
          .returning({ id: schema.occasions.id });
        occIds.push(...inserted.map((r) => r.id));
      }
      const responses: (typeof schema.responses.$inferInsert)[] = [];
      occasionRows.forEach((o, idx) => {
        if (o.status !== "completed") return;
        const day = Math.round((Date.parse(o.dueDate) - Date.parse(start)) / DAY_MS);
        for (const vid of o.instrumentVersionIds) {
          const key = [...versions].find(([, v]) => v === vid)![0];
          const def = defs.get(key)!;
          for (const item of def.items) {
            if (item.type === "slider" && item.onlyWhenLeftCare && (leavesAfter === null || day <= leavesAfter))
              continue;
            if (rand() < 0.04) continue; // an occasional skipped item
            let value: number | null;
            let notApplicable = false;
            if (item.type === "slider") {
              if (item.allowNotApplicable && rand() < 0.6) {
                value = null;
                notApplicable = true;
              } else
                value = script
                  ? script.slider(Math.round(day / schedule.frequentIntervalDays))
                  : Math.max(0, Math.min(10, Math.round(base + (trend * day) / 14 + (rand() - 0.5) * 3)));
            } else if (item.type === "yesno") value = rand() < 0.25 ? 1 : 0;
            else
              value =
                script?.likert(o.wave ?? null, def.scale!) ??
                Math.max(
                  def.scale!.min,
                  Math.min(
                    def.scale!.max,
                    Math.round(def.scale!.min + (def.scale!.max - def.scale!.min) * (0.4 + rand() * 0.5)),
                  ),
                );
            responses.push({
              occasionId: occIds[idx]!,
              participantId: person!.id,
              instrumentVersionId: vid,
              itemKey: item.key,
              value,
              notApplicable,
              comment:
                def.kind === "frequent" && item.key === "algemeen" && rand() < 0.2
                  ? COMMENTS[Math.floor(rand() * COMMENTS.length)]!
                  : null,
              answeredAt: o.completedAt!,
              mode: rand() < 0.6 ? "self" : rand() < 0.5 ? "phone" : "kiosk",
            });
          }
        }
      });
      // 9 columns → 11 rows keep each INSERT under D1's 100 bound parameters.
      const stmts = [];
      for (let j = 0; j < responses.length; j += 11)
        stmts.push(db.insert(schema.responses).values(responses.slice(j, j + 11)));
      for (let j = 0; j < stmts.length; j += 50) {
        const part = stmts.slice(j, j + 50);
        await db.batch(part as [(typeof part)[0], ...typeof part]);
      }
      responseCount += responses.length;
    }
  }
  await seedDemoCodes(
    env.DB,
    DEMO_PILOTS.map((p) => ({ key: p.key, researcher: demoStaff(p.key).researcher })),
    now,
  );
  await seedDemoStaffForms(
    env.DB,
    DEMO_PILOTS.map((p) => p.key),
    now,
  );
  await recomputeParticipants(env.DB, allIds, now);
  // Staff signals at once, as the scheduled run would raise them after its recompute.
  await evaluateSignals(env.DB, allIds, now);
  return { created: true, participants: participantCount, responses: responseCount };
}
