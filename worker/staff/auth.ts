import { and, eq, isNull } from "drizzle-orm";
import { createMiddleware } from "hono/factory";
import type { Context } from "hono";
import { getDb, schema } from "../db";
import { isDev, type Env } from "../env";
import { AppError } from "../errors";
import { sha256Hex, timingSafeEqual } from "../lib/crypto";

export type Role = (typeof schema.STAFF_ROLES)[number];
export type Principal = {
  type: "staff" | "token";
  id: string;
  isAdmin: boolean;
  /** pilotId null = every pilot */
  roles: { pilotId: number | null; role: Role }[];
};

export type StaffEnv = { Bindings: Env; Variables: { principal: Principal } };

/** Bearer API tokens (hashed at rest); in local development also the generated dev admin token. */
export const requireStaff = createMiddleware<StaffEnv>(async (c, next) => {
  const header = c.req.header("authorization") ?? "";
  const m = /^Bearer ([A-Za-z0-9_-]{20,200})$/.exec(header);
  if (!m) throw new AppError("unauthorized", "A bearer token is required");
  const token = m[1]!;
  if (isDev(c.env) && c.env.DEV_ADMIN_TOKEN && timingSafeEqual(token, c.env.DEV_ADMIN_TOKEN)) {
    c.set("principal", { type: "token", id: "dev-admin", isAdmin: true, roles: [] });
    return next();
  }
  const db = getDb(c.env.DB);
  const [row] = await db
    .select()
    .from(schema.apiTokens)
    .where(and(eq(schema.apiTokens.tokenHash, await sha256Hex(token)), isNull(schema.apiTokens.revokedAt)));
  if (!row) throw new AppError("unauthorized", "Unknown or revoked token");
  const role = row.role as Role | "admin";
  c.set("principal", {
    type: "token",
    id: `token:${row.id}`,
    isAdmin: role === "admin",
    roles: role === "admin" ? [] : (row.pilotIds ?? [null]).map((pilotId) => ({ pilotId, role })),
  });
  return next();
});

/** Loads a pilot by key and checks the principal holds one of `roles` on it. Foreign or unknown pilots are 403 alike. */
export async function pilotFor(c: Context<StaffEnv>, roles: Role[]) {
  const p = c.get("principal");
  const [pilot] = await getDb(c.env.DB).select().from(schema.pilots).where(eq(schema.pilots.key, c.req.param("pilot") ?? ""));
  const allowed = pilot && (p.isAdmin || p.roles.some((r) => roles.includes(r.role) && (r.pilotId === pilot.id || r.pilotId === null)));
  if (!allowed) throw new AppError("forbidden", "No access to this pilot");
  return pilot;
}

export function requireAdmin(c: Context<StaffEnv>) {
  if (!c.get("principal").isAdmin) throw new AppError("forbidden", "Admins only");
}
