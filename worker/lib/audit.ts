export type Actor = { type: "staff" | "token" | "system" | "youth"; id: string };

type AuditExtra = { pilotId?: number | null; target?: string; details?: Record<string, unknown> };

/** Writes one audit entry. */
export async function audit(d1: D1Database, actor: Actor, action: string, now: number, extra: AuditExtra = {}) {
  await auditStatement(d1, actor, action, now, extra).run();
}

/** The same audit entry as a prepared statement, for a D1 batch (all or nothing with the change it records). */
export function auditStatement(d1: D1Database, actor: Actor, action: string, now: number, extra: AuditExtra = {}) {
  return d1
    .prepare(
      "INSERT INTO audit_log (at, actor_type, actor_id, action, " +
        "pilot_id, target, details) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(
      now,
      actor.type,
      actor.id,
      action,
      extra.pilotId ?? null,
      extra.target ?? null,
      extra.details === undefined ? null : JSON.stringify(extra.details),
    );
}
