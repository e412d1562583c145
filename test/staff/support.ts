// Staff principals for tests: real staff_users/staff_roles rows, real sessions (created by the same code
// the magic link uses) and real hashed API tokens.
import { env, exports } from "cloudflare:workers";
import { getDb, schema } from "../../worker/db";
import { randomToken, sha256Hex } from "../../worker/lib/crypto";
import { csrfFor, SESSION_COOKIE, type Role } from "../../worker/staff/auth";
import { createSession } from "../../worker/staff/signin";
import { smtpSink, uniqueKey } from "../support/fixtures";

export const BASE = "http://questionnaire.localhost";

export type TestPrincipal = {
  label: string;
  userId: number | null;
  email: string | null;
  headers: Record<string, string>;
  csrf: string | null;
};

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

/** A request as a principal; unsafe methods by a cookie session carry the CSRF header unless told not to. */
export function call(
  p: TestPrincipal | null,
  method: string,
  path: string,
  body?: unknown,
  opts: { csrf?: boolean; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...(p?.headers ?? {}), ...(opts.headers ?? {}) };
  let payload: BodyInit | undefined;
  if (body !== undefined) {
    if (typeof body === "string") {
      payload = body;
      headers["content-type"] ??= "text/csv";
    } else if (body instanceof FormData) {
      payload = body; // fetch sets the multipart boundary
    } else if (body instanceof URLSearchParams) {
      payload = body;
      headers["content-type"] ??= "application/x-www-form-urlencoded";
    } else {
      payload = JSON.stringify(body);
      headers["content-type"] ??= "application/json";
    }
  }
  if (p?.csrf && method !== "GET" && opts.csrf !== false) headers["x-csrf-token"] ??= p.csrf;
  return exports.default.fetch(`${BASE}${path}`, { method, headers, body: payload, redirect: "manual" });
}

/** Waits for the SMTP sink to hold a message to `to` (mail may go out after the response). */
export async function mailTo(to: string, timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { messages } = await smtpSink.messages();
    const found = messages.filter((m) => m.to.some((x) => x.toLowerCase() === to.toLowerCase()));
    if (found.length) return found;
    if (Date.now() > until) throw new Error(`no mail to ${to}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function mailCount(to: string) {
  const { messages } = await smtpSink.messages();
  return messages.filter((m) => m.to.some((x) => x.toLowerCase() === to.toLowerCase())).length;
}

export const linkIn = (text: string) => /https?:\/\/\S+\/staff\/auth\/[A-Za-z0-9_-]{43}/.exec(text)?.[0] ?? null;
