// Fuzz, the staff pages (issue 12 item 8): workspace, settings, staff forms, reminders, reports and admin
// screens, as each staff principal (sessions with a valid CSRF token, sometimes none or a wrong one; API
// tokens too). Errors must come back as pages. See README.md.
import { beforeAll, describe, expect, it } from "vitest";
import {
  buildWorld,
  fuzzable,
  invariantViolations,
  isImportRoute,
  isPublicRoute,
  requestArb,
  ROUTES,
  runArea,
  STAFF_SESSIONS,
  type World,
} from "../support/fuzz";

let w: World;
beforeAll(async () => {
  w = await buildWorld();
});

describe("fuzz: the staff pages", () => {
  it("answers every request without a server error, errors as pages, and stores nothing invalid", {
    timeout: 300_000,
  }, async () => {
    const routes = ROUTES.filter((r) => !r.api && fuzzable(r) && !isImportRoute(r) && !isPublicRoute(r));
    await runArea(
      "staff-pages",
      w,
      requestArb(w, {
        principals: [...STAFF_SESSIONS, ...STAFF_SESSIONS, "researcher", "researcher", "adminToken", "researcherToken"],
        routes,
      }),
      { seed: 1203, runs: 2500 },
    );
    expect(await invariantViolations(w)).toEqual([]);
  });
});
