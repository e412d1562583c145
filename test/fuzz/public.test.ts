// Fuzz, public side (issue 12 item 8): anonymous callers, youths holding their links and forged or revoked
// credentials, over every route (mostly the youth and sign-in pages). See test/fuzz/README.md.
import { beforeAll, describe, expect, it } from "vitest";
import {
  buildWorld,
  fingerprint,
  fuzzable,
  invariantViolations,
  isPublicRoute,
  OUTSIDERS,
  requestArb,
  ROUTES,
  runArea,
  type World,
} from "../support/fuzz";

let w: World;
beforeAll(async () => {
  w = await buildWorld({ youths: 24 }); // links get used up by valid submits
});

/** What no outsider may change, whatever she sends. */
const GUARDED = [
  "pilots",
  "staff_users",
  "staff_roles",
  "SELECT id, user_id, name, token_hash, role, pilot_ids, revoked_at FROM api_tokens ORDER BY id",
  // a youth may pause her reminders (reminders_paused_until); nothing else of her record changes
  "SELECT id, pilot_id, code, pilot_start_date, status, consent_by, " +
    "consent_date, left_care_at FROM participants ORDER BY id",
  "participant_contacts",
  "staff_forms",
  "instruments",
  "instrument_versions",
  "indicator_results",
];

describe("fuzz: public routes and outsiders", () => {
  it("answers every request without a server error, in its envelope, and stores nothing it should not", {
    timeout: 300_000,
  }, async () => {
    const before = await fingerprint(GUARDED);
    const routes = ROUTES.filter(fuzzable);
    const publicRoutes = routes.filter(isPublicRoute);
    // public routes three times as often as the staff routes an outsider should be refused on
    const weighted = [...publicRoutes, ...publicRoutes, ...publicRoutes, ...routes];
    await runArea("public", w, requestArb(w, { principals: OUTSIDERS, routes: weighted }), { seed: 1201, runs: 2500 });
    expect(await invariantViolations(w)).toEqual([]);
    expect(await fingerprint(GUARDED)).toEqual(before);
  });
});
