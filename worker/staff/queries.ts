// The staff domain's queries for its API and pages: the pilots a principal sees and the audit log.
// Data functions take the D1 binding first (worker/http/README.md, "Where SQL lives").
import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import { getDb, schema } from "../db";
import { AppError } from "../errors";
import type { Principal } from "../http/auth";

/** Pilots a principal can see: all for admins and project coordinators, else those with a role. */
export async function visiblePilots(d1: D1Database, p: Principal) {
  const db = getDb(d1);
  const all = await db.select().from(schema.pilots).orderBy(schema.pilots.key);
  if (p.isAdmin || p.roles.some((r) => r.pilotId === null))
    return all.map((pl) => ({
      ...pl,
      roles: p.isAdmin ? ["admin"] : p.roles.filter((r) => r.pilotId === null).map((r) => r.role),
    }));
  return all
    .filter((pl) => p.roles.some((r) => r.pilotId === pl.id))
    .map((pl) => ({ ...pl, roles: p.roles.filter((r) => r.pilotId === pl.id).map((r) => r.role) }));
}

/** Audit entries newest first, filtered by pilot key and action; `next` pages to older entries. */
export async function readAudit(
  d1: D1Database,
  q: { pilot?: string; action?: string; before?: number; limit?: number },
) {
  const db = getDb(d1);
  const where: SQL[] = [];
  if (q.pilot) {
    const [pilot] = await db.select().from(schema.pilots).where(eq(schema.pilots.key, q.pilot));
    if (!pilot) throw new AppError("validation", "Unknown pilot");
    where.push(eq(schema.auditLog.pilotId, pilot.id));
  }
  if (q.action) where.push(eq(schema.auditLog.action, q.action));
  if (q.before) where.push(lt(schema.auditLog.id, q.before));
  const limit = q.limit ?? 100;
  const entries = await db
    .select()
    .from(schema.auditLog)
    .where(and(...where))
    .orderBy(desc(schema.auditLog.id))
    .limit(limit);
  return { entries, next: entries.length === limit ? entries[entries.length - 1]!.id : null };
}
