import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { createMiddleware } from "hono/factory";
import { getCookie } from "hono/cookie";
import type { Context } from "hono";
import { getDb, schema } from "../db";
import { isDev, type Env } from "../env";
import { AppError } from "../errors";
import { enforceBodyLimit } from "../lib/body-limit";
import { hmacToken, sha256Hex, timingSafeEqual } from "../lib/crypto";
import { accessConfigured, accessIdentity, csrfForAccess } from "./access";
import { TOKEN_EXPIRY_SQL } from "./admin-service";
import { HOUR_MS, MINUTE_MS } from "../../core/time";

export type Role = (typeof schema.STAFF_ROLES)[number];
export type Principal = {
  type: "staff" | "token";
  id: string;
  isAdmin: boolean;
  /** pilotId null = every pilot */
  roles: { pilotId: number | null; role: Role }[];
  /** staff_users.id behind a session or a user-bound token (consent "recorded by") */
  userId?: number | null;
  /** set when authenticated by the session cookie: the CSRF token the pages embed in their forms */
  csrf?: string;
  email?: string;
};

export type StaffEnv = { Bindings: Env; Variables: { principal: Principal } };

/** Who the page header shows (and the CSRF token its forms carry); null before sign-in. */
export const staffUserOf = (c: Context<StaffEnv>) => {
  const p = c.get("principal") as Principal | undefined;
  return p ? { email: p.email ?? p.id, csrf: p.csrf } : null;
};

export const SESSION_COOKIE = "om_staff";
export const CSRF_HEADER = "x-csrf-token";
export const CSRF_FIELD = "_csrf";
export const SESSION_TTL_MS = 12 * HOUR_MS;
const SESSION_TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;
const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);
/** Largest form (the CSV upload of the workspace) a cookie session may post. */
const MAX_FORM_BYTES = 2 * 1024 * 1024 + 16 * 1024;
/** Form routes that take larger uploads (path → bytes), registered by their domain (the study archive). */
export const LARGE_FORMS = new Map<string, number>();

/** The CSRF token of a session: derived from the session token, so nothing else needs storing. */
export const csrfFor = (env: Env, sessionToken: string) => hmacToken(env.SESSION_SECRET, `csrf:${sessionToken}`);

/** Everything a principal may do, from the staff_roles rows of one user. */
export async function principalForUser(env: Env, userId: number): Promise<Principal | null> {
  const db = getDb(env.DB);
  const [user] = await db
    .select()
    .from(schema.staffUsers)
    .where(and(eq(schema.staffUsers.id, userId), isNull(schema.staffUsers.disabledAt)));
  if (!user) return null;
  const roles = await db
    .select({ pilotId: schema.staffRoles.pilotId, role: schema.staffRoles.role })
    .from(schema.staffRoles)
    .where(eq(schema.staffRoles.userId, userId));
  return { type: "staff", id: `staff:${user.id}`, isAdmin: user.isAdmin, roles, userId: user.id, email: user.email };
}

/** Resolves the session cookie (hash at rest, not expired, user not disabled); null when absent or invalid. */
export async function sessionPrincipal(c: Context<StaffEnv>, now = Date.now()): Promise<Principal | null> {
  const token = getCookie(c, SESSION_COOKIE);
  if (!token || !SESSION_TOKEN_RE.test(token)) return null;
  const [session] = await getDb(c.env.DB)
    .select()
    .from(schema.staffSessions)
    .where(and(eq(schema.staffSessions.tokenHash, await sha256Hex(token)), gt(schema.staffSessions.expiresAt, now)));
  if (!session) return null;
  const p = await principalForUser(c.env, session.userId);
  if (!p) return null;
  return { ...p, csrf: await csrfFor(c.env, token) };
}

/**
 * A cookie-authenticated unsafe request must come from our own origin (when the browser says where it
 * comes from) and carry the session's CSRF token in the X-CSRF-Token header or the `_csrf` form field.
 */
async function checkCsrf(c: Context<StaffEnv>, expected: string) {
  const origin = c.req.header("origin");
  if (origin && origin !== new URL(c.req.url).origin) throw new AppError("forbidden", "Cross-origin request refused");
  let sent = c.req.header(CSRF_HEADER);
  if (!sent) {
    const type = c.req.header("content-type") ?? "";
    if (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data")) {
      // The form is parsed here, before any route's body limit, so bound it here too: declared length
      // first, and a body without one (chunked) is counted while it is read and handed on with its
      // length (the route's bodyLimit would otherwise try to read the stream parseBody has consumed).
      await enforceBodyLimit(c, LARGE_FORMS.get(c.req.path) ?? MAX_FORM_BYTES);
      // parseBody caches the parsed form, so the route handler can still read it.
      const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
      const v = form[CSRF_FIELD];
      sent = typeof v === "string" ? v : undefined;
    }
  }
  if (!sent || !timingSafeEqual(sent, expected)) throw new AppError("forbidden", "Missing or wrong CSRF token");
}

/** The posted form of a page (cached, see checkCsrf). A body that is not a readable form (multipart without
 * its boundary, cut off) is the sender's mistake: 400, not a server error. */
export function formBody(c: Context<StaffEnv>): Promise<Record<string, string | File>>;
export function formBody(
  c: Context<StaffEnv>,
  opts: { all: true },
): Promise<Record<string, string | File | (string | File)[]>>;
export async function formBody(c: Context<StaffEnv>, opts?: { all: true }) {
  try {
    return await (opts ? c.req.parseBody(opts) : c.req.parseBody());
  } catch {
    throw new AppError("validation", "The form could not be read");
  }
}

/**
 * Bearer API tokens (hashed at rest); in local development also the generated dev admin token. Without an
 * Authorization header, the staff session cookie is accepted instead, with CSRF checks on unsafe methods.
 */
export const requireStaff = createMiddleware<StaffEnv>(async (c, next) => {
  // Several sub-apps share the /api/v1 prefix; authenticate (and check CSRF) once per request.
  if (c.get("principal")) return next();
  const header = c.req.header("authorization");
  const accessJwt = c.req.header("cf-access-jwt-assertion");
  if (header === undefined && accessJwt !== undefined && accessConfigured(c.env)) {
    // Cloudflare Access in front of the Worker: the edge signs who the visitor is; the browser sends it
    // automatically, so unsafe methods need the CSRF token just as with the session cookie.
    const identity = await accessIdentity(c.env, accessJwt);
    if (!identity) throw new AppError("unauthorized", "Invalid Cloudflare Access assertion");
    const [user] = await getDb(c.env.DB)
      .select({ id: schema.staffUsers.id })
      .from(schema.staffUsers)
      .where(eq(schema.staffUsers.email, identity.email));
    const p = user ? await principalForUser(c.env, user.id) : null;
    if (!p) throw new AppError("unauthorized", "No staff account for this Access identity");
    const csrf = await csrfForAccess(c.env, identity.sub);
    if (UNSAFE.has(c.req.method)) await checkCsrf(c, csrf);
    c.set("principal", { ...p, csrf });
    return next();
  }
  if (header === undefined) {
    const p = await sessionPrincipal(c);
    if (!p) throw new AppError("unauthorized", "Sign in or send a bearer token");
    if (UNSAFE.has(c.req.method)) await checkCsrf(c, p.csrf!);
    c.set("principal", p);
    return next();
  }
  const m = /^Bearer ([A-Za-z0-9_-]{20,200})$/.exec(header);
  if (!m) throw new AppError("unauthorized", "A bearer token is required");
  const token = m[1]!;
  if (isDev(c.env) && c.env.DEV_ADMIN_TOKEN && timingSafeEqual(token, c.env.DEV_ADMIN_TOKEN)) {
    c.set("principal", { type: "token", id: "dev-admin", isAdmin: true, roles: [] });
    return next();
  }
  const db = getDb(c.env.DB);
  const now = Date.now();
  // Expired tokens are refused like revoked ones (worker/staff/admin-service.ts tokenExpiry).
  const [row] = await db
    .select()
    .from(schema.apiTokens)
    .where(
      and(
        eq(schema.apiTokens.tokenHash, await sha256Hex(token)),
        isNull(schema.apiTokens.revokedAt),
        sql`${sql.raw(TOKEN_EXPIRY_SQL)} > ${now}`,
      ),
    );
  if (!row) throw new AppError("unauthorized", "Unknown, revoked or expired token");
  // Shown to admins in the token list; written at most once a minute per token.
  if (row.lastUsedAt === null || row.lastUsedAt < now - MINUTE_MS) {
    await c.env.DB.prepare(
      "UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)",
    )
      .bind(now, row.id, now - MINUTE_MS)
      .run();
  }
  const role = row.role as Role | "admin";
  c.set("principal", {
    type: "token",
    id: `token:${row.id}`,
    isAdmin: role === "admin",
    roles: role === "admin" ? [] : (row.pilotIds ?? [null]).map((pilotId) => ({ pilotId, role })),
    userId: row.userId,
  });
  return next();
});

/**
 * Loads a pilot by key and checks the principal holds one of `roles` on it. Foreign or unknown pilots are 403 alike.
 */
export async function pilotFor(c: Context<StaffEnv>, roles: Role[]) {
  const p = c.get("principal");
  const [pilot] = await getDb(c.env.DB)
    .select()
    .from(schema.pilots)
    .where(eq(schema.pilots.key, c.req.param("pilot") ?? ""));
  const allowed =
    pilot &&
    (p.isAdmin || p.roles.some((r) => roles.includes(r.role) && (r.pilotId === pilot.id || r.pilotId === null)));
  if (!allowed) throw new AppError("forbidden", "No access to this pilot");
  return pilot;
}

export function requireAdmin(c: Context<StaffEnv>) {
  if (!c.get("principal").isAdmin) throw new AppError("forbidden", "Admins only");
}

/**
 * Who may do what on a pilot (DESIGN.md §1): researchers work with youths, coordinators and the project coordinator
 * read.
 */
export const READ_ROLES: Role[] = ["researcher", "coordinator", "project_coordinator"];
export const WRITE_ROLES: Role[] = ["researcher"];

/** The audit actor of the current principal. */
export const actorOf = (c: Context<StaffEnv>) => ({ type: c.get("principal").type, id: c.get("principal").id });
