import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb, schema } from "../../worker/db";
import { createMagicLink } from "../../worker/staff/signin";
import { call } from "../support/http";
import { apiToken, sessionFor, staffUser } from "../support/staff";
import { makePilot, uniqueKey } from "../support/study";

const db = () => getDb(env.DB);
const admin = async () => sessionFor((await staffUser({ admin: true })).id);

describe("setting up the study", () => {
  it("an admin creates a pilot and a researcher for it, who can then work in that pilot only", async () => {
    const a = await admin();
    const key = uniqueKey("np").toLowerCase();
    const res = await call(a, "POST", "/api/v1/pilots", { key, name: "Nieuwe pilot", organisation: "Org" });
    expect(res.status).toBe(201);
    expect((await call(a, "POST", "/api/v1/pilots", { key, name: "Dubbel", organisation: "Org" })).status).toBe(409);
    for (const bad of [
      { key: "Bad Key", name: "x", organisation: "y" },
      { key: "ok-key", name: "x", organisation: "y", timezone: "Mars/Base" },
      { key: "ok-key2", name: "", organisation: "y" },
    ]) {
      expect((await call(a, "POST", "/api/v1/pilots", bad)).status, JSON.stringify(bad)).toBe(400);
    }
    const other = await makePilot();
    const email = `${uniqueKey("new")}@example.test`;
    const created = await call(a, "POST", "/api/v1/staff", {
      email: email.toUpperCase(),
      name: "Nieuwe onderzoeker",
      roles: [{ pilot: key, role: "researcher" }],
    });
    expect(created.status).toBe(201);
    const user = (await created.json()) as { id: number; email: string; roles: unknown[] };
    expect(user).toMatchObject({ email, roles: [{ pilot: key, role: "researcher" }] });
    expect((await call(a, "POST", "/api/v1/staff", { email, name: "again" })).status).toBe(409);
    const r = await sessionFor(user.id);
    // settings of a new pilot can be changed right away (its defaults only name existing instruments)
    expect((await call(r, "PUT", `/api/v1/pilots/${key}/settings`, { senderName: "Vragenlijst" })).status).toBe(200);
    expect((await call(r, "GET", `/api/v1/pilots/${other.pilot.key}/participants`)).status).toBe(403);
    const audits = (
      await db()
        .select()
        .from(schema.auditLog)
        .where(eq(schema.auditLog.target, `staff:${user.id}`))
    ).map((x) => x.action);
    expect(audits).toContain("staff.create");
  });

  it("replaces roles atomically and validates grants", async () => {
    const a = await admin();
    const p1 = await makePilot();
    const p2 = await makePilot();
    const u = await staffUser({ roles: [{ role: "researcher", pilotId: p1.pilot.id }] });
    const s = await sessionFor(u.id);
    const res = await call(a, "PUT", `/api/v1/staff/${u.id}/roles`, {
      roles: [{ pilot: p2.pilot.key, role: "coordinator" }],
    });
    expect(res.status).toBe(200);
    expect((await call(s, "GET", `/api/v1/pilots/${p1.pilot.key}/participants`)).status).toBe(403);
    expect((await call(s, "GET", `/api/v1/pilots/${p2.pilot.key}/participants`)).status).toBe(200);
    for (const roles of [
      [{ pilot: "nope", role: "researcher" }],
      [{ pilot: null, role: "researcher" }],
      [{ pilot: p1.pilot.key, role: "project_coordinator" }],
      [{ pilot: p1.pilot.key, role: "admin" }],
    ]) {
      expect((await call(a, "PUT", `/api/v1/staff/${u.id}/roles`, { roles })).status, JSON.stringify(roles)).toBe(400);
    }
    // nothing changed by the refused requests
    expect((await call(s, "GET", `/api/v1/pilots/${p2.pilot.key}/participants`)).status).toBe(200);
    expect((await call(a, "PUT", "/api/v1/staff/999999/roles", { roles: [] })).status).toBe(404);
    expect(
      (await call(s, "PUT", `/api/v1/staff/${u.id}/roles`, { roles: [{ pilot: null, role: "project_coordinator" }] }))
        .status,
    ).toBe(403);
  });

  it("disabling a user ends her sessions, pending links and tokens at once", async () => {
    const a = await admin();
    const { pilot } = await makePilot();
    const u = await staffUser({ roles: [{ role: "researcher", pilotId: pilot.id }] });
    const s = await sessionFor(u.id);
    const token = await apiToken("researcher", [pilot.id]);
    await db().update(schema.apiTokens).set({ userId: u.id }).where(eq(schema.apiTokens.id, token.id));
    const link = (await createMagicLink(env, u.email, Date.now()))!;
    expect((await call(token, "GET", `/api/v1/pilots/${pilot.key}/participants`)).status).toBe(200);
    expect((await call(a, "POST", `/api/v1/staff/${u.id}/disable`)).status).toBe(200);
    expect((await call(s, "GET", "/api/v1/me")).status).toBe(401);
    expect((await call(token, "GET", `/api/v1/pilots/${pilot.key}/participants`)).status).toBe(401);
    expect((await call(null, "GET", `/staff/auth/${link}`)).status).toBe(410);
  });
});
