import { env, exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createApp } from "../../worker/app";
import { getDb, schema } from "../../worker/db";
import { sha256Hex } from "../../worker/lib/crypto";
import { BASE, call, type TestPrincipal } from "../support/http";
import { sessionFor, staffUser } from "../support/staff";
import { makePilot } from "../support/study";

const db = () => getDb(env.DB);
const bearer = (token: string): TestPrincipal => ({
  label: "bearer",
  userId: null,
  email: null,
  csrf: null,
  headers: { authorization: `Bearer ${token}` },
});

describe("API tokens", () => {
  it(
    "an admin creates a pilot-scoped token shown once, " + "stored as a hash, listed without secret, and revocable",
    async () => {
      const a = await makePilot();
      const b = await makePilot();
      const admin = await sessionFor((await staffUser({ admin: true })).id);
      const res = await call(admin, "POST", "/api/v1/tokens", {
        name: "script",
        role: "researcher",
        pilots: [a.pilot.key],
      });
      expect(res.status).toBe(201);
      const created = (await res.json()) as { id: number; token: string };
      expect(created.token).toMatch(/^omt_[A-Za-z0-9_-]{43}$/);
      const [row] = await db().select().from(schema.apiTokens).where(eq(schema.apiTokens.id, created.id));
      expect(row!.tokenHash).toBe(await sha256Hex(created.token));
      expect(JSON.stringify(row)).not.toContain(created.token);
      expect(row!.pilotIds).toEqual([a.pilot.id]);
      const list = await (await call(admin, "GET", "/api/v1/tokens")).text();
      expect(list).not.toContain(created.token);
      expect(list).not.toContain(row!.tokenHash);
      expect(JSON.parse(list).tokens.find((t: { id: number }) => t.id === created.id)).toMatchObject({
        role: "researcher",
        pilots: [a.pilot.key],
        revokedAt: null,
      });

      const t = bearer(created.token);
      expect((await call(t, "GET", `/api/v1/pilots/${a.pilot.key}/participants`)).status).toBe(200);
      const [used] = await db().select().from(schema.apiTokens).where(eq(schema.apiTokens.id, created.id));
      expect(used!.lastUsedAt).toBeGreaterThan(Date.now() - 60_000);
      expect((await call(t, "GET", `/api/v1/pilots/${b.pilot.key}/participants`)).status).toBe(403);
      expect((await call(t, "GET", "/api/v1/tokens")).status).toBe(403);
      // a bearer token needs no CSRF token (it is never sent automatically by a browser)
      expect(
        (await call(t, "PUT", `/api/v1/pilots/${a.pilot.key}/settings`, { senderName: "Vragenlijst" })).status,
      ).toBe(200);

      expect((await call(admin, "DELETE", `/api/v1/tokens/${created.id}`)).status).toBe(200);
      expect((await call(t, "GET", `/api/v1/pilots/${a.pilot.key}/participants`)).status).toBe(401);
      expect((await call(admin, "DELETE", `/api/v1/tokens/${created.id}`)).status).toBe(404);
      expect((await call(admin, "DELETE", "/api/v1/tokens/abc")).status).toBe(400);
      const actions = (
        await db()
          .select()
          .from(schema.auditLog)
          .where(eq(schema.auditLog.target, `token:${created.id}`))
      ).map((r) => r.action);
      expect(actions).toEqual(["token.create", "token.revoke"]);
    },
  );

  it("validates token requests and refuses non-admins", async () => {
    const { pilot } = await makePilot();
    const admin = await sessionFor((await staffUser({ admin: true })).id);
    const researcher = await sessionFor((await staffUser({ roles: [{ role: "researcher", pilotId: pilot.id }] })).id);
    for (const body of [
      { name: "x", role: "researcher" },
      { name: "x", role: "admin", pilots: [pilot.key] },
      { name: "x", role: "root" },
      { name: "", role: "admin" },
      { name: "x", role: "coordinator", pilots: ["no-such-pilot"] },
    ]) {
      expect((await call(admin, "POST", "/api/v1/tokens", body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await call(researcher, "POST", "/api/v1/tokens", { name: "x", role: "admin" })).status).toBe(403);
    const pc = (await (
      await call(admin, "POST", "/api/v1/tokens", { name: "pc", role: "project_coordinator" })
    ).json()) as { token: string };
    expect((await call(bearer(pc.token), "GET", `/api/v1/pilots/${pilot.key}/settings`)).status).toBe(200);
    expect((await call(bearer(pc.token), "PUT", `/api/v1/pilots/${pilot.key}/settings`, {})).status).toBe(403);
  });
});

describe("audit log API", () => {
  it(
    "admins read sign-ins, imports, erasures and exports, " +
      "newest first, filtered by pilot and action; others may not",
    async () => {
      const { pilot } = await makePilot();
      const user = await staffUser({ roles: [{ role: "researcher", pilotId: pilot.id }] });
      const researcher = await sessionFor(user.id);
      const admin = await sessionFor((await staffUser({ admin: true })).id);
      await call(researcher, "PUT", `/api/v1/pilots/${pilot.key}/settings`, { senderName: "Vragenlijst" });
      await call(researcher, "GET", `/api/v1/pilots/${pilot.key}/summary/indicators.csv`);
      const res = await call(admin, "GET", `/api/v1/audit?pilot=${pilot.key}`);
      expect(res.status).toBe(200);
      const { entries } = (await res.json()) as { entries: { id: number; action: string; actorId: string }[] };
      expect(entries.map((e) => e.action)).toEqual(
        expect.arrayContaining(["pilot.settings_update", "export.indicators_csv"]),
      );
      expect(entries.every((e, i) => i === 0 || entries[i - 1]!.id > e.id)).toBe(true);
      const only = (await (
        await call(admin, "GET", `/api/v1/audit?pilot=${pilot.key}&action=pilot.settings_update&limit=1`)
      ).json()) as { entries: { actorId: string }[]; next: number | null };
      expect(only.entries).toHaveLength(1);
      expect(only.entries[0]!.actorId).toBe(`staff:${user.id}`);
      expect((await call(researcher, "GET", "/api/v1/audit")).status).toBe(403);
      for (const q of ["limit=0", "limit=100000", "before=-1", "pilot=nope", "evil=1"])
        expect((await call(admin, "GET", `/api/v1/audit?${q}`)).status, q).toBe(400);
      // the same log as a page for admins
      const page = await call(admin, "GET", `/staff/audit?pilot=${pilot.key}`);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('data-action="pilot.settings_update"');
      expect(html).toContain('data-action="export.indicators_csv"');
      expect((await call(researcher, "GET", "/staff/audit")).status).toBe(403);
      expect((await call(admin, "GET", "/staff/audit?limit=abc")).status).toBe(400);
    },
  );
});

describe("OpenAPI document", () => {
  it("describes every /api/v1 route, with request schemas from the zod validators", async () => {
    const res = await exports.default.fetch(`${BASE}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<
        string,
        Record<
          string,
          {
            requestBody?: {
              content: Record<string, { schema: { properties?: Record<string, unknown>; required?: string[] } }>;
            };
            parameters: { name: string }[];
          }
        >
      >;
    };
    expect(doc.openapi).toBe("3.1.0");
    const apiRoutes = createApp().routes.filter(
      (r) => r.method !== "ALL" && r.path.startsWith("/api/v1/") && !r.path.includes("*"),
    );
    for (const r of apiRoutes) {
      const path = r.path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
      expect(doc.paths[path]?.[r.method.toLowerCase()], `${r.method} ${r.path}`).toBeDefined();
    }
    const enrol = doc.paths["/api/v1/pilots/{pilot}/participants"]!.post!;
    const schema = enrol.requestBody!.content["application/json"]!.schema;
    expect(schema.required).toEqual(expect.arrayContaining(["code", "pilotStartDate", "consent"]));
    expect(Object.keys(schema.properties!)).toEqual(expect.arrayContaining(["email", "mentorEmail"]));
    expect(enrol.parameters.map((p) => p.name)).toContain("pilot");
    expect(
      doc.paths["/api/v1/pilots/{pilot}/imports/measurements"]!.post!.requestBody!.content["text/csv"],
    ).toBeDefined();
    // the document is the validator: a body the schema forbids (additional property) is refused
    expect((schema as { additionalProperties?: boolean }).additionalProperties).toBe(false);
  });
});

describe("who am I", () => {
  it("lists only the pilots of the principal; the project coordinator sees all", async () => {
    const a = await makePilot();
    const b = await makePilot();
    const r = await sessionFor((await staffUser({ roles: [{ role: "researcher", pilotId: a.pilot.id }] })).id);
    const pc = await sessionFor((await staffUser({ roles: [{ role: "project_coordinator", pilotId: null }] })).id);
    const mine = (
      (await (await call(r, "GET", "/api/v1/pilots")).json()) as { pilots: { key: string; roles: string[] }[] }
    ).pilots;
    expect(mine).toEqual([expect.objectContaining({ key: a.pilot.key, roles: ["researcher"] })]);
    const all = ((await (await call(pc, "GET", "/api/v1/pilots")).json()) as { pilots: { key: string }[] }).pilots.map(
      (p) => p.key,
    );
    expect(all).toEqual(expect.arrayContaining([a.pilot.key, b.pilot.key]));
    const me = (await (await call(r, "GET", "/api/v1/me")).json()) as { type: string; roles: unknown[] };
    expect(me).toMatchObject({ type: "staff", roles: [{ pilotId: a.pilot.id, role: "researcher" }] });
  });
});
