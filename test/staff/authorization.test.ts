// The authorisation matrix: every staff route (test/support/authorization.ts) walked for every principal ×
// own/foreign pilot; anonymous callers; the full recompute's access. Forged credentials and CSRF are walked in
// authorization-credentials.test.ts (the pool's per-file request limit, see the support module).
import { beforeAll, describe, expect, it } from "vitest";
import { OPERATIONS } from "../../worker/staff/openapi";
import {
  accessOf,
  expected,
  makeWorld,
  NOT_WALKED_SIGNED_IN,
  PILOT_SCOPED,
  send,
  staffRoutes,
  WITH_COMMENTS,
  type World,
} from "../support/authorization";
import { call } from "../support/http";

let world: World;
beforeAll(async () => {
  world = await makeWorld();
});

describe("authorisation matrix", () => {
  it("finds the staff routes of every domain", () => {
    const paths = staffRoutes.map((r) => `${r.method} ${r.path}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        "GET /api/v1/pilots/:pilot/participants",
        "POST /api/v1/tokens",
        "GET /staff/pilots/:pilot",
        "GET /api/v1/pilots/:pilot/summary/indicators.csv",
      ]),
    );
    expect(staffRoutes.length).toBeGreaterThan(30);
    // every /api/v1 route of this domain is registered with an access level
    for (const o of OPERATIONS) expect(paths).toContain(`${o.method.toUpperCase()} ${o.path}`);
    // the free-text variants walked below are real routes; the raw staff forms are researchers' routes
    for (const r of WITH_COMMENTS) expect(paths).toContain(`${r.method} ${r.path.split("?")[0]}`);
    for (const r of [
      "GET /api/v1/pilots/:pilot/participants/:code/forms/:form",
      "GET /staff/pilots/:pilot/youths/:code/forms/:form",
    ])
      expect(accessOf({ method: "GET", path: r.slice(4) }), r).toBe("write");
  });

  it("anonymous callers get 401 on every staff route", async () => {
    const failures: string[] = [];
    for (const r of staffRoutes) {
      const res = await send(null, r, world.own);
      if (res.status !== 401) failures.push(`${r.method} ${r.path} → ${res.status}`);
    }
    expect(failures).toEqual([]);
  });

  it("every role × own/foreign pilot × route: foreign pilots are 403, roles get exactly their access", {
    timeout: 600_000,
  }, async () => {
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
            if (want === "unknown" && pilotScoped && !own && (PILOT_SCOPED as readonly string[]).includes(name))
              want = "forbidden";
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
    expect(OPERATIONS.find((o) => o.method === "post" && o.path === "/api/v1/pilots/:pilot/recompute")?.access).toBe(
      "write",
    );
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
    expect(
      (await call(world.principals.researcher!, "POST", `/api/v1/pilots/${world.foreign.key}/recompute`, {})).status,
    ).toBe(403);
  });
});
