// Staff-wide API: who am I, my pilots, API tokens (admin), the audit log (admin) and instruments.
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import { getDb, schema } from "../db";
import { AppError } from "../errors";
import { importInstrument, instrumentVersion, listInstruments } from "../studies/config";
import { auditQuery, instrumentDefinitionBody, instrumentVersionResponse, tokenBody } from "../studies/validators";
import {
  auditResponse,
  instrumentResponse,
  instrumentsResponse,
  meResponse,
  pilotsResponse,
  tokenCreatedResponse,
  tokenRevokedResponse,
  tokensResponse,
} from "./responses";
import { createToken, listTokens, revokeToken } from "./admin-service";
import { actorOf, requireAdmin, requireStaff, type Principal, type StaffEnv } from "./auth";
import { API_BASE, jsonBody, op, queryOf } from "./openapi";

const API = API_BASE;
const jsonLimit = (kb: number) =>
  bodyLimit({
    maxSize: kb * 1024,
    onError: () => {
      throw new AppError("payload_too_large", `Body larger than ${kb} KiB`);
    },
  });

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

export const staffApiRoutes = new Hono<StaffEnv>()
  .use("/me", requireStaff)
  .use("/pilots", requireStaff)
  .use("/tokens", requireStaff)
  .use("/tokens/*", requireStaff)
  .use("/audit", requireStaff)
  .use("/instruments", requireStaff)
  .use("/instruments/*", requireStaff)
  .get(
    op({
      method: "get",
      path: `${API}/me`,
      summary: "The signed-in principal and its roles",
      access: "any",
      response: meResponse,
    }),
    (c) => {
      const p = c.get("principal");
      return c.json({ type: p.type, id: p.id, isAdmin: p.isAdmin, email: p.email ?? null, roles: p.roles });
    },
  )
  .get(
    op({
      method: "get",
      path: `${API}/pilots`,
      summary: "Pilots visible to the principal",
      access: "any",
      response: pilotsResponse,
    }),
    async (c) => {
      const list = await visiblePilots(c.env.DB, c.get("principal"));
      return c.json({
        pilots: list.map((p) => ({
          key: p.key,
          name: p.name,
          organisation: p.organisation,
          timezone: p.timezone,
          roles: p.roles,
        })),
      });
    },
  )
  .get(
    op({
      method: "get",
      path: `${API}/tokens`,
      summary: "List API tokens (never their secret)",
      access: "admin",
      response: tokensResponse,
    }),
    async (c) => {
      requireAdmin(c);
      return c.json({ tokens: await listTokens(c.env.DB) });
    },
  )
  .post(
    op({
      method: "post",
      path: `${API}/tokens`,
      summary: "Create an API token scoped to pilots and a role; the secret is shown once",
      access: "admin",
      body: tokenBody,
      response: tokenCreatedResponse,
      status: 201,
    }),
    jsonLimit(8),
    async (c) => {
      requireAdmin(c);
      const body = await jsonBody(c, tokenBody);
      return c.json(await createToken(c.env.DB, body, c.get("principal").userId ?? null, actorOf(c), Date.now()), 201);
    },
  )
  .delete(
    op({
      method: "delete",
      path: `${API}/tokens/:id`,
      summary: "Revoke an API token",
      access: "admin",
      response: tokenRevokedResponse,
    }),
    async (c) => {
      requireAdmin(c);
      return c.json(await revokeToken(c.env.DB, c.req.param("id"), actorOf(c), Date.now()));
    },
  )
  .get(
    op({
      method: "get",
      path: `${API}/audit`,
      summary: "Read the audit log (admins), newest first",
      access: "admin",
      query: auditQuery,
      response: auditResponse,
    }),
    async (c) => {
      requireAdmin(c);
      return c.json(await readAudit(c.env.DB, queryOf(c, auditQuery)));
    },
  )
  .get(
    op({
      method: "get",
      path: `${API}/instruments`,
      summary: "Instruments with their versions",
      access: "any",
      response: instrumentsResponse,
    }),
    async (c) => {
      const p = c.get("principal");
      const visible =
        p.isAdmin || p.roles.some((r) => r.pilotId === null)
          ? "all"
          : p.roles.map((r) => r.pilotId!).filter((x) => x !== null);
      return c.json({ instruments: await listInstruments(getDb(c.env.DB), visible) });
    },
  )
  .post(
    op({
      method: "post",
      path: `${API}/instruments/import`,
      summary:
        "Import a wave-instrument definition file (items, scale, subscales, reverse keys, norms); a change makes a new version (201; 200 when unchanged)",
      access: "admin",
      body: instrumentDefinitionBody,
      response: instrumentVersionResponse,
      status: [200, 201],
    }),
    jsonLimit(512),
    async (c) => {
      requireAdmin(c);
      const result = await importInstrument(
        getDb(c.env.DB),
        await jsonBody(c, instrumentDefinitionBody),
        actorOf(c),
        Date.now(),
      );
      return c.json(result, result.created ? 201 : 200);
    },
  )
  .get(
    op({
      method: "get",
      path: `${API}/instruments/:key`,
      summary: "The current definition of an instrument (or ?version=n)",
      access: "any",
      response: instrumentResponse,
    }),
    async (c) => {
      const v = c.req.query("version");
      const version = v === undefined ? undefined : Number(v);
      if (version !== undefined && (!Number.isInteger(version) || version < 1))
        throw new AppError("validation", "version must be a positive integer");
      const row = await instrumentVersion(getDb(c.env.DB), c.req.param("key") ?? "", version);
      const p = c.get("principal");
      if (row.pilotId !== null && !p.isAdmin && !p.roles.some((r) => r.pilotId === null || r.pilotId === row.pilotId))
        throw new AppError("forbidden", "No access to this pilot's items");
      return c.json({
        key: c.req.param("key"),
        version: row.version,
        complete: row.complete,
        definition: row.definition,
      });
    },
  );
