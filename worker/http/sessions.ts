// The identity queries behind authentication (worker/http/auth.ts): who a staff user is with her roles, a
// session by its token hash, a user by her Cloudflare Access e-mail, a live API token by its hash, and a pilot
// by its key for the access check. All through drizzle.
import { and, eq, gt, isNull, lt, or, sql } from "drizzle-orm";
import { MINUTE_MS } from "../../core/time";
import { getDb, schema } from "../db";
import { TOKEN_EXPIRY_SQL } from "./tokens";

export type Role = (typeof schema.STAFF_ROLES)[number];

/** An enabled staff user with her roles (pilotId null = every pilot); null when unknown or disabled. */
export async function staffWithRoles(d1: D1Database, userId: number) {
  const db = getDb(d1);
  const [user] = await db
    .select()
    .from(schema.staffUsers)
    .where(and(eq(schema.staffUsers.id, userId), isNull(schema.staffUsers.disabledAt)));
  if (!user) return null;
  const roles = await db
    .select({ pilotId: schema.staffRoles.pilotId, role: schema.staffRoles.role })
    .from(schema.staffRoles)
    .where(eq(schema.staffRoles.userId, userId));
  return { user, roles };
}

/** The user of an unexpired session, by the hash of its token. */
export async function sessionUserId(d1: D1Database, tokenHash: string, now: number) {
  const [session] = await getDb(d1)
    .select({ userId: schema.staffSessions.userId })
    .from(schema.staffSessions)
    .where(and(eq(schema.staffSessions.tokenHash, tokenHash), gt(schema.staffSessions.expiresAt, now)));
  return session?.userId ?? null;
}

export async function staffIdByEmail(d1: D1Database, email: string) {
  const [user] = await getDb(d1)
    .select({ id: schema.staffUsers.id })
    .from(schema.staffUsers)
    .where(eq(schema.staffUsers.email, email));
  return user?.id ?? null;
}

/** A token that is neither revoked nor expired (worker/http/tokens.ts tokenExpiry), by the hash of its secret. */
export async function liveToken(d1: D1Database, tokenHash: string, now: number) {
  const [row] = await getDb(d1)
    .select()
    .from(schema.apiTokens)
    .where(
      and(
        eq(schema.apiTokens.tokenHash, tokenHash),
        isNull(schema.apiTokens.revokedAt),
        sql`${sql.raw(TOKEN_EXPIRY_SQL)} > ${now}`,
      ),
    );
  return row ?? null;
}

/** Records a token's use, at most once a minute (shown to admins in the token list). */
export async function touchToken(d1: D1Database, id: number, now: number) {
  const t = schema.apiTokens;
  await getDb(d1)
    .update(t)
    .set({ lastUsedAt: now })
    .where(and(eq(t.id, id), or(isNull(t.lastUsedAt), lt(t.lastUsedAt, now - MINUTE_MS))));
}

export async function pilotWithKey(d1: D1Database, key: string) {
  const [pilot] = await getDb(d1).select().from(schema.pilots).where(eq(schema.pilots.key, key));
  return pilot ?? null;
}
