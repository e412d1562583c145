// Fuzz, the JSON API (issue 12 item 8): every /api/v1 route but the imports, as each staff principal —
// sessions with a valid CSRF token (so the handlers are really reached) and API tokens. See README.md.
import { beforeAll, describe, expect, it } from "vitest";
import {
  buildWorld,
  fuzzable,
  invariantViolations,
  isImportRoute,
  requestArb,
  ROUTES,
  runArea,
  STAFF_SESSIONS,
  STAFF_TOKENS,
  type World,
} from "../support/fuzz";

let w: World;
beforeAll(async () => {
  w = await buildWorld();
});

describe("fuzz: the JSON API as staff", () => {
  it("answers every request without a server error, in its envelope, and stores nothing invalid", {
    timeout: 300_000,
  }, async () => {
    const routes = ROUTES.filter((r) => r.api && fuzzable(r) && !isImportRoute(r));
    await runArea(
      "staff-api",
      w,
      requestArb(w, {
        principals: [...STAFF_SESSIONS, ...STAFF_TOKENS, "researcher", "researcherToken", "admin"],
        routes,
      }),
      { seed: 1202, runs: 2500 },
    );
    expect(await invariantViolations(w)).toEqual([]);
  });
});
