import { inArray } from "drizzle-orm";
import type { Db } from "../db";
import { schema } from "../db";
import { dueOccasions, localDate, planOccasions, zonedTimeToUtc } from "../schedule/schedule";
import { currentVersions } from "../studies/instruments";
import { instrumentsOf, scheduleOf } from "../studies/settings";

const CHUNK = 100;

/**
 * Opens every occasion that is due today on a youth's schedule and not yet opened. Idempotent: the
 * (participant, kind, seq) unique index makes overlapping runs harmless. Rows go out 100 per D1 batch.
 */
export async function openDueOccasions(db: Db, now: number, pilotId?: number): Promise<number> {
  const pilots = await db.select().from(schema.pilots);
  const versions = await currentVersions(db);
  const people = await db
    .select({ id: schema.participants.id, pilotId: schema.participants.pilotId, start: schema.participants.pilotStartDate })
    .from(schema.participants)
    .where(inArray(schema.participants.status, ["active", "left_care"]));
  const rows: (typeof schema.occasions.$inferInsert)[] = [];
  for (const pilot of pilots) {
    if (pilotId !== undefined && pilot.id !== pilotId) continue;
    const schedule = scheduleOf(pilot);
    const { frequent, wave } = instrumentsOf(pilot);
    const today = localDate(now, pilot.timezone);
    for (const p of people) {
      if (p.pilotId !== pilot.id) continue;
      for (const o of dueOccasions(planOccasions(p.start, schedule, frequent, wave), today)) {
        const ids = o.instruments.map((k) => versions.get(k)).filter((v): v is number => v !== undefined);
        if (!ids.length) continue;
        rows.push({
          participantId: p.id,
          kind: o.kind,
          wave: o.wave,
          seq: o.seq,
          dueDate: o.dueDate,
          opensAt: zonedTimeToUtc(o.dueDate, 0, 0, pilot.timezone),
          closesAt: zonedTimeToUtc(o.closesDate, 0, 0, pilot.timezone),
          status: "open",
          instrumentVersionIds: ids,
        });
      }
    }
  }
  let opened = 0;
  // D1 allows 100 bound parameters per statement: 9 columns → 10 rows per INSERT, 10 INSERTs per batch.
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    const stmts = [];
    for (let j = 0; j < chunk.length; j += 10) stmts.push(db.insert(schema.occasions).values(chunk.slice(j, j + 10)).onConflictDoNothing());
    const res = await db.batch(stmts as [(typeof stmts)[0], ...typeof stmts]);
    for (const r of res) opened += (r as unknown as D1Result).meta.changes;
  }
  return opened;
}

/** Occasions whose window has passed become missed; their queued messages are cancelled. */
export async function closeExpired(d1: D1Database, now: number): Promise<number> {
  const [cancel, close] = await d1.batch([
    d1.prepare(
      "UPDATE outbox SET status = 'cancelled', last_error = 'closed' WHERE status = 'queued' AND occasion_id IN (SELECT id FROM occasions WHERE status IN ('open','started') AND closes_at <= ?)",
    ).bind(now),
    d1.prepare("UPDATE occasions SET status = 'missed' WHERE status IN ('open','started') AND closes_at <= ?").bind(now),
  ]);
  void cancel;
  return close?.meta.changes ?? 0;
}
