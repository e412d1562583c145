// Staff principals for tests: real staff_users/staff_roles rows, real sessions (created by the same code
// the magic link uses) and real hashed API tokens. `apiToken` is the one way tests make an API token.
import { env } from "cloudflare:workers";
import { getDb, schema } from "../../worker/db";
import { randomToken, sha256Hex } from "../../worker/lib/crypto";
import { csrfFor, SESSION_COOKIE, type Role } from "../../worker/http/auth";
import { createSession } from "../../worker/staff/signin";
import type { TestPrincipal } from "./http";
import { uniqueKey } from "./study";

export async function staffUser(
  opts: { roles?: { role: Role; pilotId: number | null }[]; admin?: boolean; email?: string } = {},
) {
  const db = getDb(env.DB);
  const email = opts.email ?? `${uniqueKey("staff")}@example.test`;
  const [user] = await db
    .insert(schema.staffUsers)
    .values({ email, name: email, isAdmin: opts.admin ?? false })
    .returning();
  if (opts.roles?.length)
    await db.insert(schema.staffRoles).values(opts.roles.map((r) => ({ userId: user!.id, ...r })));
  return user!;
}

/** A signed-in browser: the session cookie and its CSRF token. */
export async function sessionFor(userId: number, label = `user:${userId}`): Promise<TestPrincipal> {
  const token = await createSession(env, userId, Date.now());
  return {
    label,
    userId,
    email: null,
    headers: { cookie: `${SESSION_COOKIE}=${token}` },
    csrf: await csrfFor(env, token),
  };
}

/** A bearer API token with one role on the given pilots (null: all pilots), stored hashed as the app stores it. */
export async function apiToken(
  role: Role | "admin",
  pilotIds: number[] | null,
  label = `token:${role}`,
): Promise<TestPrincipal & { token: string; id: number }> {
  const token = `omt_${randomToken(32)}`;
  const [row] = await getDb(env.DB)
    .insert(schema.apiTokens)
    .values({ name: label, tokenHash: await sha256Hex(token), role, pilotIds })
    .returning();
  return {
    label,
    userId: null,
    email: null,
    headers: { authorization: `Bearer ${token}` },
    csrf: null,
    token,
    id: row!.id,
  };
}

/** The headers of the generated development admin token (DEV_ADMIN_TOKEN in vitest.config.ts). */
export const devAdmin = () => ({ authorization: `Bearer ${env.DEV_ADMIN_TOKEN}` });

/** The sign-in link in a mail's text. */
export const linkIn = (text: string) => /https?:\/\/\S+\/staff\/auth\/[A-Za-z0-9_-]{43}/.exec(text)?.[0] ?? null;
