import { eq, inArray } from "drizzle-orm";
import { BUILT_IN, type InstrumentDefinition } from "../../schema/instruments/definitions";
import type { AskedInstrument } from "../../web/pages/Questionnaire";
import type { Db } from "../db";
import { schema } from "../db";
import type { ParticipantStatus } from "../../schema/tables";

/**
 * Installs the built-in definitions as version 1, once: idempotent, safe under concurrent runs (unique
 * keys, ON CONFLICT DO NOTHING). A pilot's own built-in items (PILOT_ITEMS, keyed by pilot key) are
 * attached to the pilot with that key when it exists, now or on a later call. Called by setup, on pilot
 * creation and by every scheduled run, so a deployment that never ran `npm run setup` still invites
 * youths. Returns instrument key → current version id.
 */
export async function ensureBuiltInInstruments(db: Db): Promise<Map<string, number>> {
  const pilots = await db.select({ id: schema.pilots.id, key: schema.pilots.key }).from(schema.pilots);
  const pilotIds = new Map(pilots.map((p) => [p.key, p.id]));
  await db
    .insert(schema.instruments)
    .values(BUILT_IN.map((def) => ({ key: def.key, name: def.title.nl, kind: def.kind, pilotId: def.pilot ? pilotIds.get(def.pilot) ?? null : null, licensed: def.kind === "wave" })))
    .onConflictDoNothing();
  const instruments = await db.select().from(schema.instruments);
  const byKey = new Map(instruments.map((i) => [i.key, i]));
  for (const def of BUILT_IN) {
    const row = byKey.get(def.key)!;
    const pilotId = def.pilot ? pilotIds.get(def.pilot) : undefined;
    if (pilotId !== undefined && row.pilotId === null) await db.update(schema.instruments).set({ pilotId }).where(eq(schema.instruments.id, row.id));
  }
  // BUILT_IN has 10 definitions: 40 bound values, under D1's 100 per statement.
  await db.insert(schema.instrumentVersions).values(BUILT_IN.map((def) => ({ instrumentId: byKey.get(def.key)!.id, version: 1, definition: def, complete: true }))).onConflictDoNothing();
  return currentVersions(db);
}

export async function currentVersions(db: Db): Promise<Map<string, number>> {
  const rows = await db
    .select({ key: schema.instruments.key, id: schema.instrumentVersions.id, version: schema.instrumentVersions.version })
    .from(schema.instrumentVersions)
    .innerJoin(schema.instruments, eq(schema.instruments.id, schema.instrumentVersions.instrumentId));
  const out = new Map<string, { id: number; version: number }>();
  for (const r of rows) if ((out.get(r.key)?.version ?? 0) < r.version) out.set(r.key, { id: r.id, version: r.version });
  return new Map([...out].map(([k, v]) => [k, v.id]));
}

export async function loadAsked(db: Db, versionIds: number[], participantStatus: ParticipantStatus): Promise<AskedInstrument[]> {
  if (!versionIds.length) return [];
  const rows = await db.select().from(schema.instrumentVersions).where(inArray(schema.instrumentVersions.id, versionIds));
  const byId = new Map(rows.map((r) => [r.id, r.definition as unknown as InstrumentDefinition]));
  return versionIds.flatMap((id) => {
    const definition = byId.get(id);
    if (!definition) return [];
    const items = definition.items.filter((i) => !(i.type === "slider" && i.onlyWhenLeftCare && participantStatus !== "left_care"));
    return [{ versionId: id, definition, items }];
  });
}
