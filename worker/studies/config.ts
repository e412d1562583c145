// Pilot configuration (schedule, instruments, pilot items, reminder policy, time zone, sender name,
// quick exit) and instruments as versioned data. Validation reuses the pure validators of the schedule
// and reminder modules, so the API refuses exactly what the job could not run.
import { and, eq } from "drizzle-orm";
import type { z } from "zod";
import type { InstrumentDefinition } from "../../schema/instruments/definitions";
import { getDb, schema } from "../db";
import { AppError } from "../errors";
import { audit, type Actor } from "../lib/audit";
import { sha256Hex } from "../lib/crypto";
import { validatePolicy } from "../schedule/reminder-policy";
import { validateSchedule } from "../schedule/schedule";
import { signalRulesOf } from "../signals/rules";
import { requestPilotEvaluation } from "../signals/store";
import { orConflict } from "./participants";
import {
  DEFAULT_QUICK_EXIT,
  instrumentsOf,
  parseSettings,
  policyOf,
  reportSettingsOf,
  scheduleOf,
  settingsOf,
  type PilotSettings,
} from "./settings";
import type {
  instrumentDefinitionBody,
  instrumentVersionResponse,
  PilotItems,
  settingsBody,
  settingsResponse,
} from "./validators";

type Pilot = typeof schema.pilots.$inferSelect;

export function effectiveSettings(pilot: Pilot, fallbackSender: string): z.infer<typeof settingsResponse> {
  const s = settingsOf(pilot);
  const { timezone: _tz, ...schedule } = scheduleOf(pilot);
  const { timezone: _tz2, ...reminders } = policyOf(pilot);
  return {
    pilot: pilot.key,
    name: pilot.name,
    timezone: pilot.timezone,
    senderName: s.senderName ?? fallbackSender,
    quickExitUrl: s.quickExitUrl ?? DEFAULT_QUICK_EXIT,
    schedule,
    reminders,
    ...instrumentsOf(pilot),
    signals: signalRulesOf(pilot),
    reports: reportSettingsOf(pilot),
  };
}

/** Latest version per instrument key with its completeness. */
export async function latestVersions(d1: D1Database) {
  const rows = await getDb(d1)
    .select({
      key: schema.instruments.key,
      kind: schema.instruments.kind,
      pilotId: schema.instruments.pilotId,
      instrumentId: schema.instruments.id,
      id: schema.instrumentVersions.id,
      version: schema.instrumentVersions.version,
      complete: schema.instrumentVersions.complete,
      definition: schema.instrumentVersions.definition,
    })
    .from(schema.instrumentVersions)
    .innerJoin(schema.instruments, eq(schema.instruments.id, schema.instrumentVersions.instrumentId));
  const out = new Map<string, (typeof rows)[number]>();
  for (const r of rows) if ((out.get(r.key)?.version ?? 0) < r.version) out.set(r.key, r);
  return out;
}

/**
 * The version of a pilot's configuration as a settings edit reads it (time zone and settings): a short
 * hash of their canonical JSON. GET /settings sends it as the ETag, the settings page as a hidden field;
 * an edit that names an older version is refused (409) instead of overwriting what someone else saved.
 */
export async function settingsVersion(pilot: { timezone: string; settings: unknown }): Promise<string> {
  return (await sha256Hex(`settings:${pilot.timezone}\n${canonical(pilot.settings ?? {})}`)).slice(0, 24);
}

/** A stale edit: the details name the version now stored, so a client can reload and retry. */
export class SettingsConflict extends AppError {
  constructor(readonly currentVersion: string) {
    super("conflict", "The settings were changed since you read them; read them again and reapply your change", [
      { path: "version", message: "stale", currentVersion },
    ]);
  }
}

/**
 * Applies a partial change on top of the stored configuration and validates the whole. The write is a
 * compare-and-swap on the row as read, so two concurrent edits never lose one another: with
 * `ifVersion` (If-Match, the page's hidden field) a version that is not the stored one is a
 * SettingsConflict; without it the change is merged onto whatever is stored, retried when the row moved.
 */
export async function updateSettings(
  d1: D1Database,
  pilot: Pilot,
  body: z.infer<typeof settingsBody>,
  actor: Actor,
  now: number,
  opts: { ifVersion?: string } = {},
) {
  const _db = getDb(d1);
  for (let attempt = 0; ; attempt++) {
    const row = await d1
      .prepare("SELECT timezone, settings FROM pilots WHERE id = ?")
      .bind(pilot.id)
      .first<{ timezone: string; settings: string }>();
    if (!row) throw new AppError("not_found", "No such pilot");
    const stored = { ...pilot, timezone: row.timezone, settings: parseSettings(row.settings) };
    const version = await settingsVersion(stored);
    if (opts.ifVersion !== undefined && opts.ifVersion !== version) throw new SettingsConflict(version);
    const candidate = await checkedSettings(d1, stored, body);
    const res = await d1
      .prepare("UPDATE pilots SET timezone = ?1, settings = ?2 WHERE id = ?3 AND timezone = ?4 AND settings = ?5")
      .bind(candidate.timezone, JSON.stringify(candidate.settings), pilot.id, row.timezone, row.settings)
      .run();
    if (res.meta.changes === 1) {
      await audit(d1, actor, "pilot.settings_update", now, {
        pilotId: pilot.id,
        details: { fields: Object.keys(body) },
      });
      // Changed signal rules apply to every youth of the pilot at the next run (worker/signals/README.md).
      if (body.signals) await requestPilotEvaluation(d1, pilot.id, now);
      return candidate;
    }
    // Someone saved in between: a versioned edit is stale now; an unversioned one is merged again.
    if (opts.ifVersion !== undefined || attempt >= 4)
      throw new SettingsConflict(await settingsVersion(await storedPilot(d1, pilot)));
  }
}

async function storedPilot(d1: D1Database, pilot: Pilot) {
  const row = await d1
    .prepare("SELECT timezone, settings FROM pilots WHERE id = ?")
    .bind(pilot.id)
    .first<{ timezone: string; settings: string }>();
  return {
    ...pilot,
    timezone: row?.timezone ?? pilot.timezone,
    settings: row ? parseSettings(row.settings) : pilot.settings,
  };
}

/** The stored configuration with `body` applied, validated as a whole (schedule, policy, instruments). */
async function checkedSettings(d1: D1Database, pilot: Pilot, body: z.infer<typeof settingsBody>) {
  const current = settingsOf(pilot);
  const next: PilotSettings = {
    ...current,
    ...(body.senderName !== undefined ? { senderName: body.senderName } : {}),
    ...(body.quickExitUrl !== undefined ? { quickExitUrl: body.quickExitUrl } : {}),
    ...(body.schedule ? { schedule: { ...current.schedule, ...body.schedule } } : {}),
    ...(body.reminders ? { reminders: { ...current.reminders, ...body.reminders } } : {}),
    ...(body.signals ? { signals: { ...current.signals, ...body.signals } } : {}),
    ...(body.reports ? { reports: { ...current.reports, ...body.reports } } : {}),
    ...(body.frequentInstruments ? { frequentInstruments: body.frequentInstruments } : {}),
    ...(body.waveInstruments ? { waveInstruments: body.waveInstruments } : {}),
  };
  const candidate = { ...pilot, timezone: body.timezone ?? pilot.timezone, settings: next as Record<string, unknown> };
  const problems = [
    ...validateSchedule(scheduleOf(candidate)).map((p) => `schedule.${p}`),
    ...validatePolicy(policyOf(candidate)).map((p) => `reminders.${p}`),
  ];
  const latest = await latestVersions(d1);
  const { frequent, wave } = instrumentsOf(candidate);
  for (const k of frequent) {
    const v = latest.get(k);
    if (v?.kind !== "frequent" || (v.pilotId !== null && v.pilotId !== pilot.id))
      problems.push(`frequentInstruments.${k}.unknown`);
  }
  for (const k of wave) {
    const v = latest.get(k);
    if (v?.kind !== "wave") problems.push(`waveInstruments.${k}.unknown`);
    else if (!v.complete) problems.push(`waveInstruments.${k}.incomplete`);
  }
  for (const k of Object.keys(scheduleOf(candidate).instrumentEvery ?? {}))
    if (!frequent.includes(k)) problems.push(`schedule.instrumentEvery.${k}.not_asked`);
  for (const k of Object.keys(scheduleOf(candidate).waveSchedules ?? {}))
    if (!wave.includes(k)) problems.push(`schedule.waveSchedules.${k}.not_asked`);
  if (problems.length)
    throw new AppError(
      "validation",
      `Invalid settings: ${problems.join(", ")}`,
      problems.map((p) => ({ path: p, message: p })),
    );
  return candidate;
}

const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x) =>
    x && typeof x === "object" && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b)))
      : x,
  );

/**
 * Stores a definition as the next version of an instrument unless it equals the current one. Old
 * versions are never touched, so past responses keep the wording they answered.
 */
export async function saveVersion(
  d1: D1Database,
  key: string,
  kind: "frequent" | "wave",
  name: string,
  pilotId: number | null,
  definition: InstrumentDefinition,
): Promise<z.infer<typeof instrumentVersionResponse>> {
  const db = getDb(d1);
  await db
    .insert(schema.instruments)
    .values({ key, name, kind, pilotId, licensed: kind === "wave" })
    .onConflictDoNothing();
  const [inst] = await db.select().from(schema.instruments).where(eq(schema.instruments.key, key));
  if (!inst || inst.kind !== kind || (inst.pilotId ?? null) !== pilotId)
    throw new AppError("conflict", `Instrument ${key} exists with another kind or owner`);
  const latest = (await latestVersions(d1)).get(key);
  if (latest && canonical(latest.definition) === canonical(definition))
    return { instrument: key, version: latest.version, versionId: latest.id, created: false };
  const version = (latest?.version ?? 0) + 1;
  const [row] = await orConflict(
    db
      .insert(schema.instrumentVersions)
      .values({
        instrumentId: inst.id,
        version,
        definition: definition as unknown as Record<string, unknown>,
        complete: true,
      })
      .returning(),
    () => new AppError("conflict", "Another version was saved at the same time; try again"),
  );
  return { instrument: key, version, versionId: row!.id, created: true };
}

/**
 * An item key is one indicator across versions (worker/analysis/README.md): a new version may reword an item or
 * add and drop items, but an item key once asked as a slider cannot come back as yes/no (or the reverse), which
 * would mix a mean and a count in one series. Refused before anything is stored; a new key is the way.
 */
async function refuseTypeChanges(d1: D1Database, key: string, items: { key: string; type: string }[]) {
  const rows = await getDb(d1)
    .select({ version: schema.instrumentVersions.version, definition: schema.instrumentVersions.definition })
    .from(schema.instrumentVersions)
    .innerJoin(schema.instruments, eq(schema.instruments.id, schema.instrumentVersions.instrumentId))
    .where(eq(schema.instruments.key, key));
  const problems: { path: string; message: string }[] = [];
  items.forEach((item, i) => {
    for (const r of rows) {
      const was = (r.definition as unknown as InstrumentDefinition).items.find((x) => x.key === item.key);
      if (was && was.type !== item.type) {
        problems.push({
          path: `items.${i}.type`,
          message:
            `Item ${item.key} was asked as ${was.type} in ` +
            `version ${r.version}; give the ${item.type} question a new key`,
        });
        break;
      }
    }
  });
  if (problems.length) throw new AppError("validation", problems.map((p) => p.message).join("; "), problems);
}

export async function savePilotItems(d1: D1Database, pilot: Pilot, body: PilotItems, actor: Actor, now: number) {
  const _db = getDb(d1);
  const key = `pilot_${pilot.key}`;
  const items = body.items.map((i) =>
    i.type === "slider"
      ? {
          ...i,
          low: i.low ?? { nl: "helemaal niet", en: "not at all" },
          high: i.high ?? { nl: "helemaal wel", en: "completely" },
        }
      : i,
  );
  const definition: InstrumentDefinition = {
    key,
    kind: "frequent",
    title: { nl: "Nog een paar vragen", en: "A few more questions" },
    items,
    pilot: pilot.key,
  };
  await refuseTypeChanges(d1, key, items);
  const result = await saveVersion(d1, key, "frequent", `Pilot items ${pilot.key}`, pilot.id, definition);
  if (result.created)
    await audit(d1, actor, "instrument.pilot_items_version", now, {
      pilotId: pilot.id,
      target: key,
      details: { version: result.version, items: items.length },
    });
  return result;
}

export async function importInstrument(
  d1: D1Database,
  def: z.infer<typeof instrumentDefinitionBody>,
  actor: Actor,
  now: number,
) {
  const _db = getDb(d1);
  const definition = def as unknown as InstrumentDefinition;
  const result = await saveVersion(d1, def.key, "wave", def.title.nl, null, definition);
  if (result.created)
    await audit(d1, actor, "instrument.import", now, {
      target: def.key,
      details: { version: result.version, items: def.items.length, subscales: def.subscales.length },
    });
  return result;
}

/** What listing and loading an instrument read of each version (joined to its instrument). */
const VERSION_COLUMNS = {
  pilotId: schema.instruments.pilotId,
  version: schema.instrumentVersions.version,
  definition: schema.instrumentVersions.definition,
  complete: schema.instrumentVersions.complete,
};

export async function listInstruments(d1: D1Database, visiblePilotIds: number[] | "all") {
  const db = getDb(d1);
  const rows = await db
    .select({
      key: schema.instruments.key,
      name: schema.instruments.name,
      kind: schema.instruments.kind,
      ...VERSION_COLUMNS,
      createdAt: schema.instrumentVersions.createdAt,
    })
    .from(schema.instruments)
    .innerJoin(schema.instrumentVersions, eq(schema.instrumentVersions.instrumentId, schema.instruments.id));
  const out = new Map<
    string,
    {
      key: string;
      name: string;
      kind: string;
      pilotId: number | null;
      demo: boolean;
      versions: { version: number; complete: boolean; createdAt: number }[];
    }
  >();
  for (const r of rows) {
    if (r.pilotId !== null && visiblePilotIds !== "all" && !visiblePilotIds.includes(r.pilotId)) continue;
    const e = out.get(r.key) ?? {
      key: r.key,
      name: r.name,
      kind: r.kind,
      pilotId: r.pilotId,
      demo: false,
      versions: [],
    };
    e.versions.push({ version: r.version, complete: r.complete, createdAt: r.createdAt });
    if (r.version === Math.max(...e.versions.map((v) => v.version)))
      e.demo = (r.definition as { demo?: boolean }).demo === true;
    out.set(r.key, e);
  }
  return [...out.values()].map((e) => ({
    ...e,
    versions: e.versions.sort((a, b) => a.version - b.version),
    current: Math.max(...e.versions.map((v) => v.version)),
  }));
}

export async function instrumentVersion(d1: D1Database, key: string, version?: number) {
  const db = getDb(d1);
  const rows = await db
    .select(VERSION_COLUMNS)
    .from(schema.instruments)
    .innerJoin(schema.instrumentVersions, eq(schema.instrumentVersions.instrumentId, schema.instruments.id))
    .where(and(eq(schema.instruments.key, key)));
  if (!rows.length) throw new AppError("not_found", "No such instrument");
  const pick =
    version === undefined
      ? rows.reduce((a, b) => (b.version > a.version ? b : a))
      : rows.find((r) => r.version === version);
  if (!pick) throw new AppError("not_found", "No such version");
  return pick;
}
