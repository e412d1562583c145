import { eq, inArray } from "drizzle-orm";
import type { InstrumentDefinition } from "../../schema/instruments/definitions";
import { builtInInstrumentStatements } from "./setup-sql";
import { instrumentsOf } from "./settings";
import type { AskedInstrument } from "../../schema/instruments/definitions";
import { getDb, schema } from "../db";
import type { ParticipantStatus } from "../../schema/tables";

/**
 * Installs the built-in definitions as version 1, once (worker/studies/setup-sql.ts, the same statements
 * `npm run setup` runs): idempotent and safe under concurrent runs, one D1 batch. A pilot's own built-in
 * items (PILOT_ITEMS, keyed by pilot key) are attached to the pilot with that key when it exists, now or
 * on a later call. Called on pilot creation and by every scheduled run, so a deployment that never ran
 * `npm run setup` still invites youths. Returns instrument key → current version id.
 */
export async function ensureBuiltInInstruments(d1: D1Database, now = Date.now()): Promise<Map<string, number>> {
  await d1.batch(builtInInstrumentStatements(now).map((s) => d1.prepare(s.sql).bind(...s.params)));
  return currentVersions(d1);
}

/** The instruments a pilot is configured with that have no definition (shown on the researcher's pilot page). */
export async function missingInstrumentsOf(
  d1: D1Database,
  pilot: { key: string; settings: unknown },
): Promise<string[]> {
  const versions = await currentVersions(d1);
  const { frequent, wave } = instrumentsOf(pilot as Parameters<typeof instrumentsOf>[0]);
  return [...new Set([...frequent, ...wave])].filter((k) => !versions.has(k));
}

/** The display names (instruments.name, Dutch) of the given instrument keys; a key not installed is left out. */
export async function instrumentNamesOf(d1: D1Database, keys: string[]): Promise<Record<string, string>> {
  if (keys.length === 0) return {};
  const rows = await getDb(d1)
    .select({ key: schema.instruments.key, name: schema.instruments.name })
    .from(schema.instruments)
    .where(inArray(schema.instruments.key, keys));
  return Object.fromEntries(rows.map((r) => [r.key, r.name]));
}

export async function currentVersions(d1: D1Database): Promise<Map<string, number>> {
  const rows = await getDb(d1)
    .select({
      key: schema.instruments.key,
      id: schema.instrumentVersions.id,
      version: schema.instrumentVersions.version,
    })
    .from(schema.instrumentVersions)
    .innerJoin(schema.instruments, eq(schema.instruments.id, schema.instrumentVersions.instrumentId));
  const out = new Map<string, { id: number; version: number }>();
  for (const r of rows)
    if ((out.get(r.key)?.version ?? 0) < r.version) out.set(r.key, { id: r.id, version: r.version });
  return new Map([...out].map(([k, v]) => [k, v.id]));
}

export async function loadAsked(
  d1: D1Database,
  versionIds: number[],
  participantStatus: ParticipantStatus,
): Promise<AskedInstrument[]> {
  return askedOf(await definitionsFor(d1, versionIds), versionIds, participantStatus);
}

/**
 * Instrument versions are immutable once created (a change makes a new version), so their definitions
 * are kept in the isolate: the youth's GET and POST read D1 for them only the first time an isolate
 * meets a version. Bounded, oldest entries dropped first.
 */
const DEFINITIONS = new Map<number, InstrumentDefinition>();
const MAX_CACHED_DEFINITIONS = 500;

export async function definitionsFor(d1: D1Database, versionIds: number[]): Promise<Map<number, InstrumentDefinition>> {
  const missing = [...new Set(versionIds)].filter((id) => !DEFINITIONS.has(id));
  if (missing.length) {
    const { results } = await d1
      .prepare(`SELECT id, definition FROM instrument_versions WHERE id IN (${missing.map(() => "?").join(",")})`)
      .bind(...missing)
      .all<{ id: number; definition: string }>();
    for (const r of results) {
      if (DEFINITIONS.size >= MAX_CACHED_DEFINITIONS) DEFINITIONS.delete(DEFINITIONS.keys().next().value!);
      DEFINITIONS.set(r.id, JSON.parse(r.definition) as InstrumentDefinition);
    }
  }
  return new Map(versionIds.flatMap((id) => (DEFINITIONS.has(id) ? [[id, DEFINITIONS.get(id)!] as const] : [])));
}

/** What is asked at an occasion: its versions in order, without items that do not apply to her (yet). */
export function askedOf(
  defs: Map<number, InstrumentDefinition>,
  versionIds: number[],
  participantStatus: string,
): AskedInstrument[] {
  return versionIds.flatMap((id) => {
    const definition = defs.get(id);
    if (!definition) return [];
    const items = definition.items.filter(
      (i) => !(i.type === "slider" && i.onlyWhenLeftCare && participantStatus !== "left_care"),
    );
    return [{ versionId: id, definition, items }];
  });
}
