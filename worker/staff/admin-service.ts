// Setting up the study (admins): pilots, staff users with their roles per pilot, and API tokens. The
// JSON API (./admin.ts, ./api.ts) and the admin pages (./admin-pages.tsx) both call these functions with
// bodies parsed by the same zod schemas (worker/studies/validators.ts), so validation and audit are one
// code path. A refusal is an AppError whose details name the field it is about (`[{ path, message }]`),
// which the pages show beside that field.
import { and, eq, inArray, isNull } from "drizzle-orm";
import type { z } from "zod";
import { PILOT_ITEMS } from "../../schema/instruments/definitions";
import { getDb, schema } from "../db";
import { AppError } from "../errors";
import { audit, type Actor } from "../lib/audit";
import { randomToken, sha256Hex } from "../lib/crypto";
import { DEFAULT_POLICY, validatePolicy } from "../schedule/reminder-policy";
import { latestVersions, listInstruments, updateSettings } from "../studies/config";
import { ensureBuiltInInstruments } from "../studies/instruments";
import { orConflict } from "../studies/participants";
import { instrumentsOf } from "../studies/settings";
import type { pilotBody, PilotPatch, staffRolesBody, staffUserBody, tokenBody } from "../studies/validators";
import { TOKEN_DEFAULT_DAYS } from "../../core/api-tokens";
import { tokenExpiry } from "../http/tokens";
import { DAY_MS } from "../../core/time";

type Pilot = typeof schema.pilots.$inferSelect;
type Grant = z.infer<typeof staffRolesBody>["roles"][number];

/** A refusal about one field: the API answers it in the error envelope's details, the pages beside the field. */
const refused = (code: "validation" | "conflict" | "not_found", path: string, message: string) =>
  new AppError(code, message, [{ path, message }]);

export const DEFAULT_TIMEZONE = "Europe/Amsterdam";
const knownTimezone = (tz: string) => !validatePolicy({ ...DEFAULT_POLICY, timezone: tz }).includes("timezone");

// ---- pilots -------------------------------------------------------------------------------------------

export const pilotView = (p: Pilot) => {
  const { frequent, wave } = instrumentsOf(p);
  return {
    key: p.key,
    name: p.name,
    organisation: p.organisation,
    timezone: p.timezone,
    frequentInstruments: frequent,
    waveInstruments: wave,
  };
};

export async function listPilots(d1: D1Database) {
  const db = getDb(d1);
  return db.select().from(schema.pilots).orderBy(schema.pilots.key);
}

export async function pilotByKey(d1: D1Database, key: string) {
  const db = getDb(d1);
  const [pilot] = await db.select().from(schema.pilots).where(eq(schema.pilots.key, key));
  if (!pilot) throw new AppError("not_found", "No such pilot");
  return pilot;
}

/**
 * Creates a pilot (in the one study, made on first use) and installs the built-in instruments, attaching its own items
 * when it has built-in ones.
 */
export async function createPilot(d1: D1Database, body: z.infer<typeof pilotBody>, actor: Actor, now: number) {
  const db = getDb(d1);
  const timezone = body.timezone ?? DEFAULT_TIMEZONE;
  if (!knownTimezone(timezone)) throw refused("validation", "timezone", "Unknown time zone");
  let [study] = await db.select().from(schema.studies).limit(1);
  study ??= (await db.insert(schema.studies).values({ key: "main", name: "Study" }).returning())[0]!;
  // Frequent instruments that exist: the pilot's own items come later (PUT /pilots/{pilot}/items or the admin page).
  const frequentInstruments = [
    "welzijn",
    "functioneren",
    "basisbehoeften",
    ...(PILOT_ITEMS[body.key] ? [`pilot_${body.key}`] : []),
  ];
  const [pilot] = (await orConflict(
    db
      .insert(schema.pilots)
      .values({
        studyId: study.id,
        key: body.key,
        name: body.name,
        organisation: body.organisation,
        timezone,
        settings: { frequentInstruments },
      })
      .returning(),
    () => refused("conflict", "key", "A pilot with this key exists"),
  )) as [Pilot];
  await ensureBuiltInInstruments(d1, now);
  await audit(d1, actor, "pilot.create", now, {
    pilotId: pilot.id,
    target: pilot.key,
    details: { name: pilot.name, organisation: pilot.organisation, timezone },
  });
  return pilot;
}

/**
 * Changes a pilot's name and organisation, and (through updateSettings, with its whole-pilot checks) its
 * time zone and instruments. Everything is checked before anything is written.
 */
export async function updatePilot(d1: D1Database, pilot: Pilot, body: PilotPatch, actor: Actor, now: number) {
  const db = getDb(d1);
  const { name, organisation, timezone, frequentInstruments, waveInstruments } = body;
  if (timezone !== undefined && !knownTimezone(timezone)) throw refused("validation", "timezone", "Unknown time zone");
  let next = pilot;
  const config = {
    ...(timezone !== undefined ? { timezone } : {}),
    ...(frequentInstruments ? { frequentInstruments } : {}),
    ...(waveInstruments ? { waveInstruments } : {}),
  };
  if (Object.keys(config).length) next = { ...next, ...(await updateSettings(d1, pilot, config, actor, now)) };
  const details = {
    ...(name !== undefined && name !== pilot.name ? { name } : {}),
    ...(organisation !== undefined && organisation !== pilot.organisation ? { organisation } : {}),
  };
  if (Object.keys(details).length) {
    await db.update(schema.pilots).set(details).where(eq(schema.pilots.id, pilot.id));
    await audit(d1, actor, "pilot.update", now, {
      pilotId: pilot.id,
      target: pilot.key,
      details: { fields: Object.keys(details), ...details },
    });
    next = { ...next, ...details };
  }
  return next;
}

/** An instrument a pilot may be given: installed, installed with an incomplete current version, or missing. */
export type InstrumentChoice = { key: string; name: string; state: "ok" | "incomplete" | "missing" };

/** The instruments a pilot can be given: installed ones (its own items only), plus configured ones that are missing. */
export async function instrumentChoices(
  d1: D1Database,
  pilot: Pilot,
  configured: { frequent: string[]; wave: string[] },
) {
  const all = await listInstruments(d1, "all");
  const choice = (kind: "frequent" | "wave", keys: string[]): InstrumentChoice[] => [
    ...all
      // another pilot's own items (built-in ones stay unowned until that pilot exists) are not offered
      .filter(
        (i) =>
          i.kind === kind &&
          (i.pilotId === null || i.pilotId === pilot.id) &&
          (!i.key.startsWith("pilot_") || i.key === `pilot_${pilot.key}`),
      )
      .map((i) => ({
        key: i.key,
        name: i.name,
        state:
          i.versions.find((v) => v.version === i.current)?.complete === false
            ? ("incomplete" as const)
            : ("ok" as const),
      })),
    ...keys.filter((k) => !all.some((i) => i.key === k)).map((k) => ({ key: k, name: k, state: "missing" as const })),
  ];
  return { frequentChoices: choice("frequent", configured.frequent), waveChoices: choice("wave", configured.wave) };
}

/** The current definition of the pilot's own items (instrument `pilot_<key>`), if it has any. */
export async function pilotItemsDefinition(d1: D1Database, pilotKey: string) {
  return (await latestVersions(d1)).get(`pilot_${pilotKey}`)?.definition;
}

// ---- staff users --------------------------------------------------------------------------------------

/** Role grants with pilot keys → rows with pilot ids (duplicates dropped); unknown pilots are refused. */
async function resolveGrants(d1: D1Database, grants: Grant[]) {
  const keys = [...new Set(grants.map((g) => g.pilot).filter((k): k is string => k !== null))];
  const pilots = keys.length
    ? await getDb(d1).select().from(schema.pilots).where(inArray(schema.pilots.key, keys))
    : [];
  const missing = keys.filter((k) => !pilots.some((p) => p.key === k));
  if (missing.length) throw refused("validation", "roles", `Unknown pilots: ${missing.join(", ")}`);
  const seen = new Set<string>();
  return grants.flatMap((g) => {
    const pilotId = g.pilot === null ? null : pilots.find((p) => p.key === g.pilot)!.id;
    const k = `${pilotId}:${g.role}`;
    if (seen.has(k)) return [];
    seen.add(k);
    return [{ pilotId, role: g.role }];
  });
}

export async function userView(d1: D1Database, userId: number) {
  const db = getDb(d1);
  const [u] = await db.select().from(schema.staffUsers).where(eq(schema.staffUsers.id, userId));
  if (!u) throw new AppError("not_found", "No such staff user");
  const pilots = new Map((await db.select().from(schema.pilots)).map((p) => [p.id, p.key]));
  const roles = await db.select().from(schema.staffRoles).where(eq(schema.staffRoles.userId, userId));
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    isAdmin: u.isAdmin,
    disabledAt: u.disabledAt,
    roles: roles.map((r) => ({ pilot: r.pilotId === null ? null : (pilots.get(r.pilotId) ?? null), role: r.role })),
  };
}
export type StaffUserView = Awaited<ReturnType<typeof userView>>;

export async function listStaff(d1: D1Database) {
  const db = getDb(d1);
  const users = await db.select({ id: schema.staffUsers.id }).from(schema.staffUsers).orderBy(schema.staffUsers.id);
  return Promise.all(users.map((u) => userView(d1, u.id)));
}

export const staffId = (raw: string | undefined) => {
  const id = Number(raw);
  if (!Number.isInteger(id) || id <= 0) throw new AppError("validation", "Staff user id must be a positive integer");
  return id;
};

/** Adds a staff user with her roles; she signs in by magic link. */
export async function createStaffUser(d1: D1Database, body: z.infer<typeof staffUserBody>, actor: Actor, now: number) {
  const db = getDb(d1);
  const rows = await resolveGrants(d1, body.roles ?? []);
  const [created] = await orConflict(
    db
      .insert(schema.staffUsers)
      .values({ email: body.email, name: body.name, isAdmin: body.isAdmin ?? false, createdAt: now })
      .returning(),
    () => refused("conflict", "email", "A staff user with this e-mail exists"),
  );
  if (rows.length) await db.insert(schema.staffRoles).values(rows.map((r) => ({ ...r, userId: created!.id })));
  await audit(d1, actor, "staff.create", now, {
    target: `staff:${created!.id}`,
    details: { isAdmin: body.isAdmin ?? false, roles: body.roles ?? [] },
  });
  return userView(d1, created!.id);
}

/** Replaces a staff user's roles in one transaction: never a moment without roles, never a half-applied set. */
export async function replaceRoles(d1: D1Database, id: number, roles: Grant[], actor: Actor, now: number) {
  const db = getDb(d1);
  await userView(d1, id);
  const rows = await resolveGrants(d1, roles);
  await db.batch([
    db.delete(schema.staffRoles).where(eq(schema.staffRoles.userId, id)),
    ...(rows.length ? [db.insert(schema.staffRoles).values(rows.map((r) => ({ ...r, userId: id })))] : []),
  ]);
  await audit(d1, actor, "staff.roles", now, { target: `staff:${id}`, details: { roles } });
  return userView(d1, id);
}

/** Disables a staff user: ends her sessions, uses up her sign-in links and revokes her tokens at once. */
export async function disableStaffUser(d1: D1Database, id: number, actor: Actor, now: number) {
  const _db = getDb(d1);
  await userView(d1, id);
  // An admin cannot lock herself (and possibly everyone) out.
  if (actor.id === `staff:${id}`) throw refused("validation", "confirm", "You cannot disable your own account");
  await d1.batch([
    d1.prepare("UPDATE staff_users SET disabled_at = COALESCE(disabled_at, ?) WHERE id = ?").bind(now, id),
    d1.prepare("DELETE FROM staff_sessions WHERE user_id = ?").bind(id),
    d1.prepare("UPDATE magic_links SET used_at = COALESCE(used_at, ?) WHERE user_id = ?").bind(now, id),
    d1.prepare("UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE user_id = ?").bind(now, id),
  ]);
  await audit(d1, actor, "staff.disable", now, { target: `staff:${id}` });
  return userView(d1, id);
}

// ---- API tokens ---------------------------------------------------------------------------------------

/** Every token without its secret (only its hash is stored), with when it expires. */
export async function listTokens(d1: D1Database, now = Date.now()) {
  const db = getDb(d1);
  const pilots = new Map((await db.select().from(schema.pilots)).map((p) => [p.id, p.key]));
  const rows = await db.select().from(schema.apiTokens).orderBy(schema.apiTokens.id);
  return rows.map((t) => ({
    id: t.id,
    name: t.name,
    role: t.role as z.infer<typeof tokenBody>["role"],
    pilots: t.pilotIds?.map((id) => pilots.get(id) ?? null) ?? null,
    createdAt: t.createdAt,
    revokedAt: t.revokedAt,
    lastUsedAt: t.lastUsedAt,
    expiresAt: tokenExpiry(t),
    expired: tokenExpiry(t) <= now,
  }));
}

/** Creates a token scoped to a role and pilots; the returned secret is never stored and never shown again. */
export async function createToken(
  d1: D1Database,
  body: z.infer<typeof tokenBody>,
  userId: number | null,
  actor: Actor,
  now: number,
) {
  const db = getDb(d1);
  let pilotIds: number[] | null = null;
  if (body.pilots?.length) {
    const rows = await db.select().from(schema.pilots).where(inArray(schema.pilots.key, body.pilots));
    const missing = body.pilots.filter((k) => !rows.some((r) => r.key === k));
    if (missing.length) throw refused("validation", "pilots", `Unknown pilots: ${missing.join(", ")}`);
    pilotIds = rows.map((r) => r.id);
  }
  const secret = `omt_${randomToken(32)}`;
  const days = body.expiresInDays ?? TOKEN_DEFAULT_DAYS;
  const expiresAt = now + days * DAY_MS;
  const [row] = await db
    .insert(schema.apiTokens)
    .values({
      userId,
      name: body.name,
      tokenHash: await sha256Hex(secret),
      role: body.role,
      pilotIds,
      createdAt: now,
      expiresAt,
    })
    .returning();
  await audit(d1, actor, "token.create", now, {
    target: `token:${row!.id}`,
    details: { role: body.role, pilots: body.pilots ?? null, expiresInDays: days, expiresAt },
  });
  return { id: row!.id, name: body.name, role: body.role, pilots: body.pilots ?? null, token: secret, expiresAt };
}

export async function revokeToken(d1: D1Database, rawId: string | undefined, actor: Actor, now: number) {
  const db = getDb(d1);
  const id = Number(rawId);
  if (!Number.isInteger(id) || id <= 0) throw new AppError("validation", "Token id must be a positive integer");
  const [row] = await db
    .update(schema.apiTokens)
    .set({ revokedAt: now })
    .where(and(eq(schema.apiTokens.id, id), isNull(schema.apiTokens.revokedAt)))
    .returning();
  if (!row) throw new AppError("not_found", "No active token with this id");
  await audit(d1, actor, "token.revoke", now, { target: `token:${id}` });
  return { id, revokedAt: now };
}
