// Data of the passwordless sign-in (worker/staff/signin.tsx): enabled staff users, single-use magic links
// (hash at rest), the once-a-minute audit of refused links, and sessions (hash at rest). Every function takes
// the D1 binding first; drizzle for the plain reads and writes, prepared statements where one statement must
// claim or guard atomically.
import { and, count, eq, gt, isNull, sql } from "drizzle-orm";
import { getDb, schema } from "../db";
import { type Actor, audit } from "../lib/audit";

/** An enabled (not disabled) staff user by id or by e-mail address; null when unknown or disabled. */
export async function enabledStaffUser(d1: D1Database, by: { id: number } | { email: string }) {
  const u = schema.staffUsers;
  const [user] = await getDb(d1)
    .select()
    .from(u)
    .where(and("id" in by ? eq(u.id, by.id) : eq(u.email, by.email), isNull(u.disabledAt)));
  return user ?? null;
}

/** How many of her links are still usable (unused, unexpired). */
export async function pendingMagicLinks(d1: D1Database, userId: number, now: number) {
  const m = schema.magicLinks;
  const [pending] = await getDb(d1)
    .select({ n: count() })
    .from(m)
    .where(and(eq(m.userId, userId), isNull(m.usedAt), gt(m.expiresAt, now)));
  return pending?.n ?? 0;
}

export async function insertMagicLink(
  d1: D1Database,
  userId: number,
  tokenHash: string,
  expiresAt: number,
  now: number,
) {
  await getDb(d1).insert(schema.magicLinks).values({ userId, tokenHash, expiresAt, createdAt: now });
}

/** Claims a link atomically (one UPDATE … RETURNING): of two concurrent uses at most one gets the user id. */
export async function claimMagicLink(d1: D1Database, tokenHash: string, now: number) {
  const row = await d1
    .prepare(
      "UPDATE magic_links SET used_at = ? WHERE token_hash = ? " +
        "AND used_at IS NULL AND expires_at > ? RETURNING user_id",
    )
    .bind(now, tokenHash, now)
    .first<{ user_id: number }>();
  return row?.user_id ?? null;
}

/** True while a link can still be used: known, unused and not expired. Changes nothing. */
export async function magicLinkIsOpen(d1: D1Database, tokenHash: string, now: number) {
  const row = await d1
    .prepare("SELECT 1 AS ok FROM magic_links WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?")
    .bind(tokenHash, now)
    .first();
  return row !== null;
}

/**
 * Audits a refused magic-link post of `client` unless that client already has such a row after `since`. One
 * conditional INSERT, so concurrent refusals add one row, not many.
 */
export async function auditRefusedLinkOnce(d1: D1Database, client: string, now: number, since: number) {
  await d1
    .prepare(
      `INSERT INTO audit_log (at, actor_type, actor_id, action, target, details)
       SELECT ?1, 'system', 'sign-in', 'staff.sign_in_failed', ?2, ?3
       WHERE NOT EXISTS (SELECT 1 FROM audit_log WHERE at > ?4 AND action = 'staff.sign_in_failed' AND target = ?2)`,
    )
    .bind(now, client, JSON.stringify({ reason: "invalid_expired_or_used" }), since)
    .run();
}

/** Stores a session; expired sessions of anyone are swept first, so the table does not grow without bound. */
export async function insertSession(d1: D1Database, userId: number, tokenHash: string, expiresAt: number, now: number) {
  const db = getDb(d1);
  await db.delete(schema.staffSessions).where(sql`${schema.staffSessions.expiresAt} <= ${now}`);
  await db.insert(schema.staffSessions).values({ userId, tokenHash, expiresAt, createdAt: now });
}

export async function deleteSession(d1: D1Database, tokenHash: string) {
  await getDb(d1).delete(schema.staffSessions).where(eq(schema.staffSessions.tokenHash, tokenHash));
}

/** An audit row of the sign-in about a staff user (her id as the actor unless another actor is given). */
export async function auditSignIn(
  d1: D1Database,
  who: number | Actor,
  action: string,
  now: number,
  details?: Record<string, unknown>,
) {
  const actor: Actor = typeof who === "number" ? { type: "staff", id: `staff:${who}` } : who;
  await audit(d1, actor, action, now, details ? { details } : {});
}
