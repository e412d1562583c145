// Fuzz, the uploads (issue 12 item 8): CSV imports of participants and measurements over the API (text/csv,
// dry runs and commits) and the workspace page (multipart), the instrument definition import and the
// archive restore, as researchers, coordinators and admins. See README.md.
import { beforeAll, describe, expect, it } from "vitest";
import {
  buildWorld,
  invariantViolations,
  isImportRoute,
  requestArb,
  ROUTES,
  runArea,
  type World,
} from "../support/fuzz";

let w: World;
beforeAll(async () => {
  w = await buildWorld();
});

describe("fuzz: imports and uploads", () => {
  it("answers every upload without a server error, in its envelope, and stores nothing invalid", {
    timeout: 300_000,
  }, async () => {
    const routes = ROUTES.filter(isImportRoute);
    const csvRoutes = routes.filter((r) => /import/.test(r.path) && !r.path.includes("instruments"));
    await runArea(
      "imports",
      w,
      requestArb(w, {
        principals: [
          "researcher",
          "researcher",
          "researcherToken",
          "researcherToken",
          "admin",
          "adminToken",
          "coordinator",
          "anonymous",
        ],
        routes: [...csvRoutes, ...csvRoutes, ...csvRoutes, ...routes],
        csv: true,
        hostile: false,
      }),
      { seed: 1204, runs: 2500 },
    );
    expect(await invariantViolations(w)).toEqual([]);
  });
});
