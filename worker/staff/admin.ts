// Setting up the study (admins): pilots, staff users and their roles per pilot. Disabling a user ends
// her sessions and revokes her tokens at once.
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { eq, inArray } from "drizzle-orm";
import { PILOT_ITEMS } from "../../schema/instruments/definitions";
import { getDb, schema, type Db } from "../db";
import { AppError } from "../errors";
import { audit } from "../lib/audit";
import { validatePolicy, DEFAULT_POLICY } from "../reminders/policy";
import { isUniqueViolation } from "../studies/participants";
import { pilotBody, staffRolesBody, staffUserBody } from "../studies/validators";
import { actorOf, requireAdmin, requireStaff, type StaffEnv } from "./auth";
import { pilotCreatedResponse, staffListResponse, staffUserResponse } from "./responses";
import { API_BASE, jsonBody, op } from "./openapi";

const API = API_BASE;
const limit = bodyLimit({ maxSize: 16 * 1024, onError: () => { throw new AppError("payload_too_large", "Body larger than 16 KiB"); } });

async function grantsToRows(db: Db, userId: number, grants: { pilot: string | null; role: "researcher" | "coordinator" | "project_coordinator" }[]) {
  const keys = [...new Set(grants.map((g) => g.pilot).filter((k): k is string => k !== null))];
  const pilots = keys.length ? await db.select().from(schema.pilots).where(inArray(schema.pilots.key, keys)) : [];
  const missing = keys.filter((k) => !pilots.some((p) => p.key === k));
  if (missing.length) throw new AppError("validation", `Unknown pilots: ${missing.join(", ")}`);
  const seen = new Set<string>();
  return grants.flatMap((g) => {
    const pilotId = g.pilot === null ? null : pilots.find((p) => p.key === g.pilot)!.id;
    const k = `${pilotId}:${g.role}`;
    if (seen.has(k)) return [];
    seen.add(k);
    return [{ userId, pilotId, role: g.role }];
  });
}

async function userView(db: Db, userId: number) {
  const [u] = await db.select().from(schema.staffUsers).where(eq(schema.staffUsers.id, userId));
  if (!u) throw new AppError("not_found", "No such staff user");
  const pilots = new Map((await db.select().from(schema.pilots)).map((p) => [p.id, p.key]));
  const roles = await db.select().from(schema.staffRoles).where(eq(schema.staffRoles.userId, userId));
  return { id: u.id, email: u.email, name: u.name, isAdmin: u.isAdmin, disabledAt: u.disabledAt, roles: roles.map((r) => ({ pilot: r.pilotId === null ? null : pilots.get(r.pilotId) ?? null, role: r.role })) };
}

const userId = (raw: string | undefined) => {
  const id = Number(raw);
  if (!Number.isInteger(id) || id <= 0) throw new AppError("validation", "Staff user id must be a positive integer");
  return id;
};

export const adminRoutes = new Hono<StaffEnv>()
  .use("/staff", requireStaff)
  .use("/staff/*", requireStaff)
  .post(op({ method: "post", path: `${API}/pilots`, summary: "Create a pilot (admins)", access: "admin", body: pilotBody, response: pilotCreatedResponse, status: 201 }), requireStaff, limit, async (c) => {
    requireAdmin(c);
    const body = await jsonBody(c, pilotBody);
    const timezone = body.timezone ?? "Europe/Amsterdam";
    if (validatePolicy({ ...DEFAULT_POLICY, timezone }).includes("timezone")) throw new AppError("validation", "Unknown time zone");
    const db = getDb(c.env.DB);
    let [study] = await db.select().from(schema.studies).limit(1);
    study ??= (await db.insert(schema.studies).values({ key: "main", name: "Study" }).returning())[0]!;
    // Frequent instruments that exist: the pilot's own items come later through PUT /pilots/{pilot}/items.
    const frequentInstruments = ["welzijn", "functioneren", "basisbehoeften", ...(PILOT_ITEMS[body.key] ? [`pilot_${body.key}`] : [])];
    try {
      const [pilot] = await db.insert(schema.pilots).values({ studyId: study.id, key: body.key, name: body.name, organisation: body.organisation, timezone, settings: { frequentInstruments } }).returning();
      await audit(db, actorOf(c), "pilot.create", Date.now(), { pilotId: pilot!.id, target: pilot!.key });
      return c.json({ key: pilot!.key, name: pilot!.name, organisation: pilot!.organisation, timezone }, 201);
    } catch (e) {
      if (isUniqueViolation(e)) throw new AppError("conflict", "A pilot with this key exists");
      throw e;
    }
  })
  .get(op({ method: "get", path: `${API}/staff`, summary: "Staff users with their roles (admins)", access: "admin", response: staffListResponse }), async (c) => {
    requireAdmin(c);
    const db = getDb(c.env.DB);
    const users = await db.select({ id: schema.staffUsers.id }).from(schema.staffUsers).orderBy(schema.staffUsers.id);
    return c.json({ staff: await Promise.all(users.map((u) => userView(db, u.id))) });
  })
  .post(op({ method: "post", path: `${API}/staff`, summary: "Add a staff user with roles per pilot (admins); she signs in by magic link", access: "admin", body: staffUserBody, response: staffUserResponse, status: 201 }), limit, async (c) => {
    requireAdmin(c);
    const body = await jsonBody(c, staffUserBody);
    const db = getDb(c.env.DB);
    let created;
    try {
      [created] = await db.insert(schema.staffUsers).values({ email: body.email, name: body.name, isAdmin: body.isAdmin ?? false }).returning();
    } catch (e) {
      if (isUniqueViolation(e)) throw new AppError("conflict", "A staff user with this e-mail exists");
      throw e;
    }
    try {
      const rows = await grantsToRows(db, created!.id, body.roles ?? []);
      if (rows.length) await db.insert(schema.staffRoles).values(rows);
    } catch (e) {
      await db.delete(schema.staffUsers).where(eq(schema.staffUsers.id, created!.id));
      throw e;
    }
    await audit(db, actorOf(c), "staff.create", Date.now(), { target: `staff:${created!.id}`, details: { isAdmin: body.isAdmin ?? false, roles: body.roles ?? [] } });
    return c.json(await userView(db, created!.id), 201);
  })
  .put(op({ method: "put", path: `${API}/staff/:id/roles`, summary: "Replace a staff user's roles (admins)", access: "admin", body: staffRolesBody, response: staffUserResponse }), limit, async (c) => {
    requireAdmin(c);
    const id = userId(c.req.param("id"));
    const body = await jsonBody(c, staffRolesBody);
    const db = getDb(c.env.DB);
    await userView(db, id);
    const rows = await grantsToRows(db, id, body.roles);
    // One transaction: never a moment without roles, never a half-applied set.
    await db.batch([db.delete(schema.staffRoles).where(eq(schema.staffRoles.userId, id)), ...(rows.length ? [db.insert(schema.staffRoles).values(rows)] : [])]);
    await audit(db, actorOf(c), "staff.roles", Date.now(), { target: `staff:${id}`, details: { roles: body.roles } });
    return c.json(await userView(db, id));
  })
  .post(op({ method: "post", path: `${API}/staff/:id/disable`, summary: "Disable a staff user: ends her sessions and revokes her tokens (admins)", access: "admin", response: staffUserResponse }), async (c) => {
    requireAdmin(c);
    const id = userId(c.req.param("id"));
    const now = Date.now();
    const db = getDb(c.env.DB);
    await userView(db, id);
    await c.env.DB.batch([
      c.env.DB.prepare("UPDATE staff_users SET disabled_at = COALESCE(disabled_at, ?) WHERE id = ?").bind(now, id),
      c.env.DB.prepare("DELETE FROM staff_sessions WHERE user_id = ?").bind(id),
      c.env.DB.prepare("UPDATE magic_links SET used_at = COALESCE(used_at, ?) WHERE user_id = ?").bind(now, id),
      c.env.DB.prepare("UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE user_id = ?").bind(now, id),
    ]);
    await audit(db, actorOf(c), "staff.disable", now, { target: `staff:${id}` });
    return c.json(await userView(db, id));
  });
