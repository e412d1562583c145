// The authorisation matrix: every staff route (test/support/authorization.ts) walked for every principal
// × own/foreign pilot, each call asserting its exact status; anonymous callers; the full recompute's access.
// Forged credentials and CSRF are walked in authorization-credentials.test.ts (the pool's per-file request
// limit, see the support module).
import { beforeAll, describe, expect, it } from "vitest";
import { OPERATIONS } from "../../worker/http/operation";
import {
  ALLOWED_STATUS,
  accessOf,
  expectedStatus,
  keyOf,
  makeWorld,
  notWalked,
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

  it("knows the access of every staff route, and expects statuses of existing routes only", () => {
    const walked = [...staffRoutes, ...WITH_COMMENTS];
    expect(walked.filter((r) => accessOf(r) === undefined).map(keyOf)).toEqual([]);
    const keys = new Set(walked.map(keyOf));
    expect(Object.keys(ALLOWED_STATUS).filter((k) => !keys.has(k))).toEqual([]);
  });

  it("anonymous callers get 401 on every staff route", { timeout: 600_000 }, async () => {
    const failures: string[] = [];
    for (const r of staffRoutes) {
      const res = await send(null, r, world.own);
      if (res.status !== 401) failures.push(`${r.method} ${r.path} → ${res.status}`);
    }
    expect(failures).toEqual([]);
  });

  it("every role × own/foreign pilot × route: exactly the status of its access (403 when refused)", {
    timeout: 600_000,
  }, async () => {
    const failures: string[] = [];
    let checked = 0;
    // Principals walk in parallel (each one's requests in order) to keep the matrix quick on two cores; the walk's
    // requests change nothing another principal's answer depends on (see send), so the order does not matter.
    await Promise.all(
      Object.entries(world.principals).map(async ([name, p]) => {
        for (const r of [...staffRoutes, ...WITH_COMMENTS]) {
          if (notWalked(r, name)) continue;
          for (const own of r.path.includes(":pilot") ? [true, false] : [true]) {
            const res = await send(p, r, own ? world.own : world.foreign);
            checked++;
            const want = expectedStatus(r, name, own);
            if (res.status !== want)
              failures.push(
                `${p.label} ${own ? "own" : "foreign"}: ${r.method} ${r.path} → ${res.status}, want ${want}`,
              );
            await res.body?.cancel();
          }
        }
      }),
    );
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(200);
  });

  it(
    "a full recompute is a write-role action: coordinators and the project " +
      "coordinator get 403 with the API error, researchers and admins recompute",
    async () => {
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
    },
  );
});
