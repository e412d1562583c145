import type { Db } from "../db";
import { schema } from "../db";

export type Actor = { type: "staff" | "token" | "system" | "youth"; id: string };

export async function audit(
  db: Db,
  actor: Actor,
  action: string,
  now: number,
  extra: { pilotId?: number | null; target?: string; details?: Record<string, unknown> } = {},
) {
  await db.insert(schema.auditLog).values({
    at: now,
    actorType: actor.type,
    actorId: actor.id,
    action,
    pilotId: extra.pilotId ?? null,
    target: extra.target ?? null,
    details: extra.details ?? null,
  });
}
