// Who is calling: a bearer API token, the staff session cookie or a Cloudflare Access assertion, with the
// CSRF check for cookie-borne unsafe requests; and the access checks an operation declares (pilotFor,
// requireAdmin). Operations get these from their declaration (worker/http/operation.ts); the identity
// queries live in ./sessions.ts.
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import type { Env } from "../env";
import { isDev } from "../env";
import { AppError } from "../errors";
import { hmacToken, sha256Hex, timingSafeEqual } from "../lib/crypto";
import { HOUR_MS, MINUTE_MS } from "../../core/time";
import { enforceBodyLimit } from "./body-limit";
import { accessConfigured, accessIdentity, csrfForAccess } from "./cf-access";
import {
  liveToken,
  pilotWithKey,
  type Role,
  sessionUserId,
  staffIdByEmail,
  staffWithRoles,
  touchToken,
} from "./sessions";

export type { Role };
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
  const found = await staffWithRoles(env.DB, userId);
  if (!found) return null;
  const { user, roles } = found;
  return { type: "staff", id: `staff:${user.id}`, isAdmin: user.isAdmin, roles, userId: user.id, email: user.email };
}

/** Resolves the session cookie (hash at rest, not expired, user not disabled); null when absent or invalid. */
export async function sessionPrincipal(c: Context<StaffEnv>, now = Date.now()): Promise<Principal | null> {
  const token = getCookie(c, SESSION_COOKIE);
  if (!token || !SESSION_TOKEN_RE.test(token)) return null;
  const userId = await sessionUserId(c.env.DB, await sha256Hex(token), now);
  if (userId === null) return null;
  const p = await principalForUser(c.env, userId);
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
 * Sets the principal of the request, or refuses it (401). Bearer API tokens (hashed at rest); in local
 * development also the generated dev admin token. Without an Authorization header, the staff session cookie
 * (or a Cloudflare Access assertion) is accepted instead, with CSRF checks on unsafe methods.
 */
export async function authenticate(c: Context<StaffEnv>): Promise<void> {
  c.set("principal", await principalOf(c));
}

async function principalOf(c: Context<StaffEnv>): Promise<Principal> {
  const header = c.req.header("authorization");
  const accessJwt = c.req.header("cf-access-jwt-assertion");
  if (header === undefined && accessJwt !== undefined && accessConfigured(c.env)) {
    // Cloudflare Access in front of the Worker: the edge signs who the visitor is; the browser sends it
    // automatically, so unsafe methods need the CSRF token just as with the session cookie.
    const identity = await accessIdentity(c.env, accessJwt);
    if (!identity) throw new AppError("unauthorized", "Invalid Cloudflare Access assertion");
    const userId = await staffIdByEmail(c.env.DB, identity.email);
    const p = userId === null ? null : await principalForUser(c.env, userId);
    if (!p) throw new AppError("unauthorized", "No staff account for this Access identity");
    const csrf = await csrfForAccess(c.env, identity.sub);
    if (UNSAFE.has(c.req.method)) await checkCsrf(c, csrf);
    return { ...p, csrf };
  }
  if (header === undefined) {
    const p = await sessionPrincipal(c);
    if (!p) throw new AppError("unauthorized", "Sign in or send a bearer token");
    if (UNSAFE.has(c.req.method)) await checkCsrf(c, p.csrf!);
    return p;
  }
  const m = /^Bearer ([A-Za-z0-9_-]{20,200})$/.exec(header);
  if (!m) throw new AppError("unauthorized", "A bearer token is required");
  const token = m[1]!;
  if (isDev(c.env) && c.env.DEV_ADMIN_TOKEN && timingSafeEqual(token, c.env.DEV_ADMIN_TOKEN))
    return { type: "token", id: "dev-admin", isAdmin: true, roles: [] };
  const now = Date.now();
  // Expired tokens are refused like revoked ones (worker/http/tokens.ts tokenExpiry).
  const row = await liveToken(c.env.DB, await sha256Hex(token), now);
  if (!row) throw new AppError("unauthorized", "Unknown, revoked or expired token");
  // Shown to admins in the token list; written at most once a minute per token.
  if (row.lastUsedAt === null || row.lastUsedAt < now - MINUTE_MS) await touchToken(c.env.DB, row.id, now);
  const role = row.role as Role | "admin";
  return {
    type: "token",
    id: `token:${row.id}`,
    isAdmin: role === "admin",
    roles: role === "admin" ? [] : (row.pilotIds ?? [null]).map((pilotId) => ({ pilotId, role })),
    userId: row.userId,
  };
}

/**
 * Loads a pilot by key and checks the principal holds one of `roles` on it. Foreign or unknown pilots are 403 alike.
 */
export async function pilotFor(c: Context<StaffEnv>, roles: Role[]) {
  const p = c.get("principal");
  const pilot = await pilotWithKey(c.env.DB, c.req.param("pilot") ?? "");
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
