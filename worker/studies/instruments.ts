import { eq, inArray } from "drizzle-orm";
import { BUILT_IN, type InstrumentDefinition } from "../../schema/instruments/definitions";
import type { AskedInstrument } from "../../web/pages/Questionnaire";
import type { Db } from "../db";
import { schema } from "../db";
import type { ParticipantStatus } from "../../schema/tables";

/** Installs the built-in definitions as version 1 once; returns instrument key → current version id. */
export async function ensureBuiltInInstruments(db: Db, pilotIds: Record<string, number>): Promise<Map<string, number>> {
  for (const def of BUILT_IN) {
    await db
      .insert(schema.instruments)
      .values({ key: def.key, name: def.title.nl, kind: def.kind, pilotId: def.pilot ? pilotIds[def.pilot] ?? null : null, licensed: def.kind === "wave" })
      .onConflictDoNothing();
  }
  const instruments = await db.select().from(schema.instruments);
  const byKey = new Map(instruments.map((i) => [i.key, i.id]));
  for (const def of BUILT_IN) {
    await db
      .insert(schema.instrumentVersions)
      .values({ instrumentId: byKey.get(def.key)!, version: 1, definition: def, complete: true })
      .onConflictDoNothing();
  }
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
