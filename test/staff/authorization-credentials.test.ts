// Forged, malformed and revoked credentials, and CSRF, on every staff route (test/support/authorization.ts). Its
// own file and world: revoking a token here cannot touch the matrix's principals, whatever the order of the files;
// within the file only a token of its own is revoked, so its tests pass in any order.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { getDb, schema } from "../../worker/db";
import { makeWorld, send, staffRoutes, type World } from "../support/authorization";
import { call, type TestPrincipal } from "../support/http";
import { apiToken, sessionFor, staffUser } from "../support/staff";

let world: World;
beforeAll(async () => {
  world = await makeWorld();
});

describe("credentials and CSRF on every staff route", () => {
  it("forged, malformed and revoked credentials get 401 on every staff route", { timeout: 600_000 }, async () => {
    const revoked = await apiToken("admin", null, "revoked");
    await getDb(env.DB)
      .update(schema.apiTokens)
      .set({ revokedAt: Date.now() })
      .where(eq(schema.apiTokens.id, revoked.id));
    const forged: TestPrincipal[] = [
      {
        label: "forged bearer",
        userId: null,
        email: null,
        csrf: null,
        headers: { authorization: `Bearer omt_${"x".repeat(43)}` },
      },
      {
        label: "forged cookie",
        userId: null,
        email: null,
        csrf: "x",
        headers: { cookie: `om_staff=${"A".repeat(43)}` },
      },
      revoked,
    ];
    const failures: string[] = [];
    for (const p of forged)
      for (const r of staffRoutes) {
        const res = await send(p, r, world.own);
        if (res.status !== 401) failures.push(`${p.label}: ${r.method} ${r.path} → ${res.status}`);
      }
    // malformed headers on a sample of routes
    for (const h of ["Bearer a b c", "Basic YWRtaW46YWRtaW4=", "Bearer ", `Bearer ${"x".repeat(500)}`]) {
      for (const r of staffRoutes.filter((_r, i) => i % 5 === 0)) {
        const res = await send(
          { label: h, userId: null, email: null, csrf: null, headers: { authorization: h } },
          r,
          world.own,
        );
        if (res.status !== 401) failures.push(`${h.slice(0, 12)}: ${r.method} ${r.path} → ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("a cookie session cannot change anything without its CSRF token or from another origin", {
    timeout: 600_000,
  }, async () => {
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
          if (otherOrigin.status !== 403)
            failures.push(`${who} cross-origin: ${r.method} ${r.path} → ${otherOrigin.status}`);
        }
      }),
    );
    expect(failures).toEqual([]);
    // the token of one session does not work for another
    const other = await sessionFor((await staffUser({ roles: [{ role: "researcher", pilotId: null }] })).id);
    const res = await call(
      world.principals.researcher!,
      "PUT",
      `/api/v1/pilots/${world.own.key}/settings`,
      {},
      { csrf: false, headers: { "x-csrf-token": other.csrf! } },
    );
    expect(res.status).toBe(403);
  });
});
