// Data of the staff workspace pages (worker/staff/pages.tsx) that no other domain module reads: one pilot as
// stored now, and a youth's answers for her timeline. Every function takes the D1 binding first; drizzle.
import { eq } from "drizzle-orm";
import { getDb, schema } from "../db";

/** A pilot as stored now (e.g. after someone else saved its settings); null when it is gone. */
export async function pilotById(d1: D1Database, id: number) {
  const [pilot] = await getDb(d1).select().from(schema.pilots).where(eq(schema.pilots.id, id));
  return pilot ?? null;
}

/** Every answer of a participant with its occasion and instrument (her timeline), in no particular order. */
export function answersOf(d1: D1Database, participantId: number) {
  const { responses: r, occasions: o, instrumentVersions: v, instruments: i } = schema;
  return getDb(d1)
    .select({
      occasionId: r.occasionId,
      kind: o.kind,
      wave: o.wave,
      seq: o.seq,
      instrument: i.key,
      item: r.itemKey,
      value: r.value,
      notApplicable: r.notApplicable,
      comment: r.comment,
      at: r.answeredAt,
      mode: r.mode,
    })
    .from(r)
    .innerJoin(o, eq(o.id, r.occasionId))
    .innerJoin(v, eq(v.id, r.instrumentVersionId))
    .innerJoin(i, eq(i.id, v.instrumentId))
    .where(eq(r.participantId, participantId));
}
