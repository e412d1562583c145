// The authorisation matrix: EVERY route of the app that is not explicitly public is a staff route and is
// walked for every principal × own/foreign pilot. Routes come from the Hono app itself (app.routes), so a
// route added by any domain is covered without touching this file.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../worker/app";
import { getDb, schema } from "../../worker/db";
import { OPERATIONS, type Access } from "../../worker/staff/openapi";
import { localDate } from "../../worker/schedule/schedule";
import { makePilot, uniqueKey } from "../support/fixtures";
import { apiToken, call, sessionFor, staffUser, type TestPrincipal } from "./support";

/** Routes anyone may call: youth pages, assets, the API description and the sign-in steps. */
const PUBLIC = [/^\/$/, /^\/healthz$/, /^\/static\//, /^\/q\//, /^\/p\//, /^\/k\//, /^\/api\/v1\/openapi\.json$/, /^\/staff\/sign-in$/, /^\/staff\/auth\/:token$/];
/** Workspace pages follow the API's rules. */
const PAGE_ACCESS: Record<string, Access> = {
  "GET /staff": "any",
  "GET /staff/audit": "admin",
  "GET /staff/pilots/:pilot": "read",
  "GET /staff/pilots/:pilot/youths/:code": "read",
  "GET /staff/pilots/:pilot/enrol": "write",
  "POST /staff/pilots/:pilot/enrol": "write",
  "GET /staff/pilots/:pilot/import": "write",
  "POST /staff/pilots/:pilot/import": "write",
  "POST /staff/pilots/:pilot/youths/:code/status": "write",
  "POST /staff/pilots/:pilot/youths/:code/withdraw": "write",
  "GET /staff/pilots/:pilot/youths/:code/links": "write",
  "POST /staff/pilots/:pilot/youths/:code/links/resend": "write",
  "POST /staff/pilots/:pilot/youths/:code/links/revoke": "write",
  "POST /staff/pilots/:pilot/youths/:code/kiosk": "write",
  "GET /staff/pilots/:pilot/youths/:code/phone/:occasion": "write",
  "POST /staff/pilots/:pilot/youths/:code/phone/:occasion": "write",
  "GET /staff/pilots/:pilot/youths/:code/forms/:form": "write",
  "POST /staff/pilots/:pilot/youths/:code/forms/:form": "write",
  "GET /staff/pilots/:pilot/settings": "read",
  "POST /staff/pilots/:pilot/settings": "write",
  "GET /staff/pilots/:pilot/reminders": "write",
  "POST /staff/pilots/:pilot/reminders/run": "write",
  "POST /staff/pilots/:pilot/reminders/outbox/:id/retry": "write",
  "GET /staff/pilots/:pilot/signals": "write",
  "POST /staff/pilots/:pilot/signals/:id/acknowledge": "write",
  "GET /staff/admin/archive": "admin",
  "POST /staff/admin/archive/restore": "admin",
  "GET /staff/admin": "admin",
  "GET /staff/admin/pilots": "admin",
  "GET /staff/admin/pilots/new": "admin",
  "POST /staff/admin/pilots": "admin",
  "GET /staff/admin/pilots/:pilot": "admin",
  "POST /staff/admin/pilots/:pilot": "admin",
  "POST /staff/admin/pilots/:pilot/items": "admin",
  "GET /staff/admin/staff": "admin",
  "GET /staff/admin/staff/new": "admin",
  "POST /staff/admin/staff": "admin",
  "GET /staff/admin/staff/:id": "admin",
  "POST /staff/admin/staff/:id/roles": "admin",
  "POST /staff/admin/staff/:id/disable": "admin",
  "GET /staff/admin/tokens": "admin",
  "POST /staff/admin/tokens": "admin",
  "POST /staff/admin/tokens/:id/revoke": "admin",
  "GET /reports": "any",
  "GET /reports/pilots/:pilot": "read",
  // Comment timeline and codebook (worker/comments): researchers of the pilot (and admins) only.
  "GET /staff/pilots/:pilot/codebook": "write",
  "POST /staff/pilots/:pilot/codebook": "write",
  "POST /staff/pilots/:pilot/codebook/import": "write",
  "POST /staff/pilots/:pilot/codebook/:id": "write",
  "POST /staff/pilots/:pilot/codebook/:id/delete": "write",
  "GET /staff/pilots/:pilot/youths/:code/comments": "write",
  "POST /staff/pilots/:pilot/youths/:code/comments/:response/tags": "write",
};
/**
 * Free text is for researchers (issue 16): the downloads that carry comments with `?comments=1` are walked as
 * routes of their own, with the researchers' access; coordinators and the project coordinator get 403. (The
 * raw staff forms, API and page, are "write" routes in the walk already.)
 */
const WITH_COMMENTS: { method: string; path: string }[] = ["answers.csv", "report.html"].map((f) => ({ method: "GET", path: `/api/v1/pilots/:pilot/summary/${f}?comments=1` }));
for (const r of WITH_COMMENTS) PAGE_ACCESS[`${r.method} ${r.path}`] = "write";
/** Signing out ends the session the walk relies on; it is checked for anonymous callers and in signin.test.ts. */
const NOT_WALKED_SIGNED_IN = new Set(["POST /staff/sign-out"]);

type Route = { method: string; path: string };
const staffRoutes: Route[] = (() => {
  const seen = new Set<string>();
  const out: Route[] = [];
  for (const r of createApp().routes) {
    if (r.method === "ALL" || r.path.includes("*") || PUBLIC.some((re) => re.test(r.path))) continue;
    const k = `${r.method} ${r.path}`;
    if (!seen.has(k)) out.push({ method: r.method, path: r.path }), seen.add(k);
  }
  return out;
})();
const accessOf = (r: Route): Access | undefined => PAGE_ACCESS[`${r.method} ${r.path}`] ?? OPERATIONS.find((o) => o.method.toUpperCase() === r.method && o.path === r.path)?.access;

type World = { own: { key: string; code: string }; foreign: { key: string; code: string }; principals: Record<string, TestPrincipal> };
let world: World;

function concrete(path: string, pilot: { key: string; code: string }) {
  return path.replace(/:([A-Za-z_]+)/g, (_m, name: string) => (name === "pilot" ? pilot.key : name === "code" ? pilot.code : name === "form" ? "risl" : name === "key" ? "welzijn" : "999999"));
}
const send = (p: TestPrincipal | null, r: Route, pilot: { key: string; code: string }, opts: { csrf?: boolean; headers?: Record<string, string> } = {}) =>
  call(p, r.method, concrete(r.path, pilot), r.method === "GET" ? undefined : {}, opts);

beforeAll(async () => {
  const today = localDate(Date.now(), "Europe/Amsterdam");
  const mk = async () => {
    const { pilot } = await makePilot();
    const code = uniqueKey("AZ-");
    await getDb(env.DB).insert(schema.participants).values({ pilotId: pilot.id, code, pilotStartDate: today, consentBy: "guardian", consentDate: today });
    return { pilot, code };
  };
  const a = await mk();
  const b = await mk();
  const researcher = await staffUser({ roles: [{ role: "researcher", pilotId: a.pilot.id }] });
  const coordinator = await staffUser({ roles: [{ role: "coordinator", pilotId: a.pilot.id }] });
  const pc = await staffUser({ roles: [{ role: "project_coordinator", pilotId: null }] });
  const admin = await staffUser({ admin: true });
  world = {
    own: { key: a.pilot.key, code: a.code },
    foreign: { key: b.pilot.key, code: b.code },
    principals: {
      researcher: await sessionFor(researcher.id, "researcher (session)"),
      coordinator: await sessionFor(coordinator.id, "coordinator (session)"),
      researcherToken: await apiToken("researcher", [a.pilot.id], "researcher (token)"),
      projectCoordinator: await sessionFor(pc.id, "project coordinator (session)"),
      admin: await sessionFor(admin.id, "admin (session)"),
    },
  };
});

const PILOT_SCOPED = ["researcher", "coordinator", "researcherToken"] as const;
const roleOf = (name: string) => (name.startsWith("researcher") ? "researcher" : name.startsWith("coordinator") ? "coordinator" : name === "projectCoordinator" ? "project_coordinator" : "admin");

function expected(access: Access | undefined, principal: string, own: boolean): "allowed" | "forbidden" | "unknown" {
  const role = roleOf(principal);
  if (role === "admin") return "allowed";
  if (access === undefined) return "unknown";
  if (access === "any") return "allowed";
  if (access === "admin") return "forbidden";
  if (role === "project_coordinator") return access === "read" ? "allowed" : "forbidden";
  if (!own) return "forbidden";
  if (access === "read") return "allowed";
  return role === "researcher" ? "allowed" : "forbidden";
}

describe("authorisation matrix", () => {
  it("finds the staff routes of every domain", () => {
    const paths = staffRoutes.map((r) => `${r.method} ${r.path}`);
    expect(paths).toEqual(expect.arrayContaining(["GET /api/v1/pilots/:pilot/participants", "POST /api/v1/tokens", "GET /staff/pilots/:pilot", "GET /api/v1/pilots/:pilot/summary/indicators.csv"]));
    expect(staffRoutes.length).toBeGreaterThan(30);
    // every /api/v1 route of this domain is registered with an access level
    for (const o of OPERATIONS) expect(paths).toContain(`${o.method.toUpperCase()} ${o.path}`);
    // the free-text variants walked below are real routes; the raw staff forms are researchers' routes
    for (const r of WITH_COMMENTS) expect(paths).toContain(`${r.method} ${r.path.split("?")[0]}`);
    for (const r of ["GET /api/v1/pilots/:pilot/participants/:code/forms/:form", "GET /staff/pilots/:pilot/youths/:code/forms/:form"]) expect(accessOf({ method: "GET", path: r.slice(4) }), r).toBe("write");
  });

  it("anonymous callers get 401 on every staff route", async () => {
    const failures: string[] = [];
    for (const r of staffRoutes) {
      const res = await send(null, r, world.own);
      if (res.status !== 401) failures.push(`${r.method} ${r.path} → ${res.status}`);
    }
    expect(failures).toEqual([]);
  });

  it("forged, malformed and revoked credentials get 401 on every staff route", { timeout: 600_000 }, async () => {
    const revoked = await apiToken("admin", null, "revoked");
    await getDb(env.DB).update(schema.apiTokens).set({ revokedAt: Date.now() });
    void revoked;
    const forged: TestPrincipal[] = [
      { label: "forged bearer", userId: null, email: null, csrf: null, headers: { authorization: `Bearer omt_${"x".repeat(43)}` } },
      { label: "forged cookie", userId: null, email: null, csrf: "x", headers: { cookie: `om_staff=${"A".repeat(43)}` } },
      revoked,
    ];
    const failures: string[] = [];
    for (const p of forged) for (const r of staffRoutes) {
      const res = await send(p, r, world.own);
      if (res.status !== 401) failures.push(`${p.label}: ${r.method} ${r.path} → ${res.status}`);
    }
    // malformed headers on a sample of routes
    for (const h of ["Bearer a b c", "Basic YWRtaW46YWRtaW4=", "Bearer ", `Bearer ${"x".repeat(500)}`]) {
      for (const r of staffRoutes.filter((_r, i) => i % 5 === 0)) {
        const res = await send({ label: h, userId: null, email: null, csrf: null, headers: { authorization: h } }, r, world.own);
        if (res.status !== 401) failures.push(`${h.slice(0, 12)}: ${r.method} ${r.path} → ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
    // restore the tokens the matrix below uses (only `revoked` stays revoked)
    await getDb(env.DB).update(schema.apiTokens).set({ revokedAt: null });
    await getDb(env.DB).update(schema.apiTokens).set({ revokedAt: Date.now() }).where((await import("drizzle-orm")).eq(schema.apiTokens.id, revoked.id));
  });

  it("every role × own/foreign pilot × route: foreign pilots are 403, roles get exactly their access", { timeout: 600_000 }, async () => {
    const failures: string[] = [];
    let checked = 0;
    // Principals walk in parallel (each one's requests in order) to keep the matrix quick on two cores.
    await Promise.all(
      Object.entries(world.principals).map(async ([name, p]) => {
        for (const r of [...staffRoutes, ...WITH_COMMENTS]) {
          if (NOT_WALKED_SIGNED_IN.has(`${r.method} ${r.path}`)) continue;
          const pilotScoped = r.path.includes(":pilot");
          for (const own of pilotScoped ? [true, false] : [true]) {
            const res = await send(p, r, own ? world.own : world.foreign);
            checked++;
            const access = accessOf(r);
            let want = expected(access, name, own);
            if (want === "unknown" && pilotScoped && !own && (PILOT_SCOPED as readonly string[]).includes(name)) want = "forbidden";
            const where = `${p.label} ${own ? "own" : "foreign"}: ${r.method} ${r.path} → ${res.status}`;
            if (res.status === 401) failures.push(`${where} (authenticated principal refused)`);
            else if (want === "forbidden" && res.status !== 403) failures.push(`${where} (want 403)`);
            else if (want === "allowed" && res.status === 403) failures.push(`${where} (want access)`);
            else if (res.status >= 500) failures.push(`${where} (server error)`);
            await res.body?.cancel();
          }
        }
      }),
    );
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(200);
  });

  it("a full recompute is a write-role action: coordinators and the project coordinator get 403 with the API error, researchers and admins recompute", async () => {
    expect(OPERATIONS.find((o) => o.method === "post" && o.path === "/api/v1/pilots/:pilot/recompute")?.access).toBe("write");
    const path = `/api/v1/pilots/${world.own.key}/recompute`;
    for (const name of ["coordinator", "projectCoordinator"]) {
      const res = await call(world.principals[name]!, "POST", path, {});
      expect(res.status, name).toBe(403);
      expect(await res.json(), name).toMatchObject({ error: { code: "forbidden" } });
    }
    for (const name of ["researcher", "researcherToken", "admin"]) {
      const res = await call(world.principals[name]!, "POST", path, {});
      expect(res.status, name).toBe(200);
      expect(await res.json(), name).toMatchObject({ pilot: world.own.key });
    }
    // another pilot's researcher: 403 as before
    expect((await call(world.principals.researcher!, "POST", `/api/v1/pilots/${world.foreign.key}/recompute`, {})).status).toBe(403);
  });

  it("a cookie session cannot change anything without its CSRF token or from another origin", { timeout: 600_000 }, async () => {
    const unsafe = staffRoutes.filter((r) => r.method !== "GET");
    const failures: string[] = [];
    await Promise.all(
      (["researcher"] as const).map(async (who) => {
        const p = world.principals[who]!;
        for (const r of unsafe) {
          const none = await send(p, r, world.own, { csrf: false });
          if (none.status !== 403) failures.push(`${who} no token: ${r.method} ${r.path} → ${none.status}`);
          const wrong = await send(p, r, world.own, { csrf: false, headers: { "x-csrf-token": "A".repeat(43) } });
          if (wrong.status !== 403) failures.push(`${who} wrong token: ${r.method} ${r.path} → ${wrong.status}`);
          const otherOrigin = await send(p, r, world.own, { headers: { origin: "https://evil.example" } });
          if (otherOrigin.status !== 403) failures.push(`${who} cross-origin: ${r.method} ${r.path} → ${otherOrigin.status}`);
        }
      }),
    );
    expect(failures).toEqual([]);
    // the token of one session does not work for another
    const other = await sessionFor((await staffUser({ roles: [{ role: "researcher", pilotId: null }] })).id);
    const res = await call(world.principals.researcher!, "PUT", `/api/v1/pilots/${world.own.key}/settings`, {}, { csrf: false, headers: { "x-csrf-token": other.csrf! } });
    expect(res.status).toBe(403);
  });
});
