// The authorisation matrix's world (authorization.test.ts, authorization-credentials.test.ts): EVERY route of
// the app that is not explicitly public is a staff route. Routes come from the Hono app itself (./routes.ts),
// so a route added by any domain is walked without touching these files, and fails the walk until it has an
// access level and an expected status here. Each test file sets up its own world (two pilots, a youth each,
// one principal per role) in its own isolated D1; the walks are split over two files because
// vitest-pool-workers fails ("Maximum call stack size exceeded") past some number of requests per file.
import { env } from "cloudflare:workers";
import { getDb, schema } from "../../worker/db";
import { OPERATIONS, type Access } from "../../worker/http/operation";
import { localDate } from "../../worker/schedule/schedule";
import { call, type TestPrincipal } from "./http";
import { APP_ROUTES, type AppRoute } from "./routes";
import { apiToken, sessionFor, staffUser } from "./staff";
import { makePilot, uniqueKey } from "./study";

/** Routes anyone may call: youth pages, assets, the API description and the sign-in steps. */
export const PUBLIC = [
  /^\/$/,
  /^\/healthz$/,
  /^\/static\//,
  /^\/q\//,
  /^\/p\//,
  /^\/k\//,
  /^\/api\/v1\/openapi\.json$/,
  /^\/staff\/sign-in$/,
  /^\/staff\/auth\/:token$/,
];
/** The access of the routes outside the API description (the pages, which follow the API's rules). */
export const PAGE_ACCESS: Record<string, Access> = {
  "GET /staff": "any",
  "POST /staff/sign-out": "any",
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
export const WITH_COMMENTS: { method: string; path: string }[] = ["answers.csv", "report.html"].map((f) => ({
  method: "GET",
  path: `/api/v1/pilots/:pilot/summary/${f}?comments=1`,
}));
for (const r of WITH_COMMENTS) PAGE_ACCESS[`${r.method} ${r.path}`] = "write";
/**
 * Routes a signed-in principal does not walk: signing out ends the session the walk relies on (it is checked for
 * anonymous callers and in signin.test.ts); seeding the demo study writes a year of data and changes the built-in
 * instruments other routes answer with, so an admin walking it would change what the others get (its 403s are
 * walked; an admin's seed is tested in test/staff/demo.test.ts).
 */
export const notWalked = (r: Route, principal: string) =>
  r.method === "POST" && (r.path === "/staff/sign-out" || (r.path === "/api/v1/dev/seed" && principal === "admin"));
/** Routes the walk sends an unknown youth's code: with hers, an allowed `{}` would withdraw her. */
const UNKNOWN_YOUTH = new Set(["POST /api/v1/pilots/:pilot/participants/:code/withdraw"]);

export type Route = AppRoute;
export const staffRoutes: Route[] = APP_ROUTES.filter((r) => !PUBLIC.some((re) => re.test(r.path)));
export const keyOf = (r: Route) => `${r.method} ${r.path}`;
export const accessOf = (r: Route): Access | undefined =>
  PAGE_ACCESS[`${r.method} ${r.path}`] ??
  OPERATIONS.find((o) => o.method.toUpperCase() === r.method && o.path === r.path)?.access;

export type World = {
  own: { key: string; code: string };
  foreign: { key: string; code: string };
  principals: Record<string, TestPrincipal>;
};

function concrete(path: string, pilot: { key: string; code: string }) {
  return path.replace(/:([A-Za-z_]+)/g, (_m, name: string) =>
    name === "pilot"
      ? pilot.key
      : name === "code"
        ? pilot.code
        : name === "form"
          ? "risl"
          : name === "key"
            ? "welzijn"
            : "999999",
  );
}
/**
 * The walk's request: ids of the world's pilot and youth (unknown ones for other ids), no body for GET and `{}`
 * otherwise, so an allowed call changes nothing the walk depends on (see ALLOWED_STATUS).
 */
export const send = (
  p: TestPrincipal | null,
  r: Route,
  pilot: { key: string; code: string },
  opts: { csrf?: boolean; headers?: Record<string, string> } = {},
) => {
  const target = UNKNOWN_YOUTH.has(keyOf(r)) ? { ...pilot, code: "AZ-NOBODY" } : pilot;
  return call(p, r.method, concrete(r.path, target), r.method === "GET" ? undefined : {}, opts);
};

/** Two pilots with a youth each and one principal per role (a session each, and a researcher token). */
export async function makeWorld(): Promise<World> {
  const today = localDate(Date.now(), "Europe/Amsterdam");
  const mk = async () => {
    const { pilot } = await makePilot();
    const code = uniqueKey("AZ-");
    await getDb(env.DB)
      .insert(schema.participants)
      .values({ pilotId: pilot.id, code, pilotStartDate: today, consentBy: "guardian", consentDate: today });
    return { pilot, code };
  };
  const a = await mk();
  const b = await mk();
  const researcher = await staffUser({ roles: [{ role: "researcher", pilotId: a.pilot.id }] });
  const coordinator = await staffUser({ roles: [{ role: "coordinator", pilotId: a.pilot.id }] });
  const pc = await staffUser({ roles: [{ role: "project_coordinator", pilotId: null }] });
  const admin = await staffUser({ admin: true });
  return {
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
}

const roleOf = (name: string) =>
  name.startsWith("researcher")
    ? "researcher"
    : name.startsWith("coordinator")
      ? "coordinator"
      : name === "projectCoordinator"
        ? "project_coordinator"
        : "admin";

/** Whether a principal of the world may call a route with this access on its own or the foreign pilot. */
export function allowed(access: Access, principal: string, own: boolean): boolean {
  const role = roleOf(principal);
  if (role === "admin" || access === "any") return true;
  if (access === "admin") return false;
  if (role === "project_coordinator") return access === "read";
  if (!own) return false;
  return access === "read" || role === "researcher";
}

/**
 * The exact status of the walk's request (see send) when the principal is allowed: 200 for reads; for changes the
 * documented refusal of the empty body (400), of the unknown id (404) or of the state (409: no open occasion), or
 * success where `{}` is a complete request that changes nothing the walk reads (a recompute, a key rotation, a
 * settings change that merges nothing onto the stored settings, a status form without a status). Kiosk and phone entry
 * record who entered the answers: an API token without a
 * staff user is refused (400) before the occasion is looked up.
 */
export const ALLOWED_STATUS: Record<string, number | { session: number; token: number }> = {
  "GET /api/v1/admin/archive": 200,
  "POST /api/v1/admin/archive/restore": 400,
  "POST /api/v1/admin/contacts/rotate": 200,
  "GET /api/v1/audit": 200,
  "POST /api/v1/dev/bench-links": 400,
  "POST /api/v1/dev/fixtures/pilot": 400,
  "POST /api/v1/dev/link": 400,
  "GET /api/v1/instruments": 200,
  "GET /api/v1/instruments/:key": 200,
  "POST /api/v1/instruments/import": 400,
  "GET /api/v1/me": 200,
  "GET /api/v1/pilots": 200,
  "POST /api/v1/pilots": 400,
  "PATCH /api/v1/pilots/:pilot": 400,
  "GET /api/v1/pilots/:pilot/codes": 200,
  "POST /api/v1/pilots/:pilot/codes": 400,
  "GET /api/v1/pilots/:pilot/codes.csv": 200,
  "POST /api/v1/pilots/:pilot/codes.csv": 400,
  "DELETE /api/v1/pilots/:pilot/codes/:id": 404,
  "PATCH /api/v1/pilots/:pilot/codes/:id": 404,
  "GET /api/v1/pilots/:pilot/comments": 200,
  "DELETE /api/v1/pilots/:pilot/comments/:response/codes/:id": 404,
  "PUT /api/v1/pilots/:pilot/comments/:response/codes/:id": 404,
  "GET /api/v1/pilots/:pilot/comments/coded.csv": 200,
  "POST /api/v1/pilots/:pilot/imports/measurements": 400,
  "GET /api/v1/pilots/:pilot/imports/measurements/template.csv": 200,
  "POST /api/v1/pilots/:pilot/imports/participants": 400,
  "GET /api/v1/pilots/:pilot/imports/participants/template.csv": 200,
  "PUT /api/v1/pilots/:pilot/items": 400,
  "GET /api/v1/pilots/:pilot/outbox": 200,
  "POST /api/v1/pilots/:pilot/outbox/:id/retry": 404,
  "GET /api/v1/pilots/:pilot/participants": 200,
  "POST /api/v1/pilots/:pilot/participants": 400,
  "GET /api/v1/pilots/:pilot/participants/:code": 200,
  "PATCH /api/v1/pilots/:pilot/participants/:code": 400,
  "POST /api/v1/pilots/:pilot/participants/:code/withdraw": 404,
  "POST /api/v1/pilots/:pilot/participants/:code/erase-answers": 400,
  "GET /api/v1/pilots/:pilot/participants/:code/forms/:form": 404,
  "PUT /api/v1/pilots/:pilot/participants/:code/forms/:form": 400,
  "POST /api/v1/pilots/:pilot/recompute": 200,
  "GET /api/v1/pilots/:pilot/reminder-pauses": 200,
  "GET /api/v1/pilots/:pilot/reminder-runs": 200,
  "POST /api/v1/pilots/:pilot/reminder-runs": 400,
  "GET /api/v1/pilots/:pilot/settings": 200,
  "PUT /api/v1/pilots/:pilot/settings": 200,
  "GET /api/v1/pilots/:pilot/signals": 200,
  "POST /api/v1/pilots/:pilot/signals/:id/acknowledge": 400,
  "GET /api/v1/pilots/:pilot/summary/answers-codebook.csv": 200,
  "GET /api/v1/pilots/:pilot/summary/answers.csv": 200,
  "GET /api/v1/pilots/:pilot/summary/answers.csv?comments=1": 200,
  "GET /api/v1/pilots/:pilot/summary/codebook.csv": 200,
  "GET /api/v1/pilots/:pilot/summary/indicators.csv": 200,
  "GET /api/v1/pilots/:pilot/summary/report.html": 200,
  "GET /api/v1/pilots/:pilot/summary/report.html?comments=1": 200,
  "GET /api/v1/pilots/:pilot/summary/summary.json": 200,
  "GET /api/v1/pilots/:pilot/summary/wide.R": 200,
  "GET /api/v1/pilots/:pilot/summary/wide.csv": 200,
  "GET /api/v1/pilots/:pilot/summary/wide.sps": 200,
  "GET /api/v1/pilots/:pilot/summary/wide.xlsx": 200,
  "GET /api/v1/staff": 200,
  "POST /api/v1/staff": 400,
  "POST /api/v1/staff/:id/disable": 404,
  "PUT /api/v1/staff/:id/roles": 400,
  "GET /api/v1/tokens": 200,
  "POST /api/v1/tokens": 400,
  "DELETE /api/v1/tokens/:id": 404,
  "GET /reports": 200,
  "GET /reports/pilots/:pilot": 200,
  "GET /staff": 200,
  "GET /staff/admin": 200,
  "GET /staff/admin/archive": 200,
  "POST /staff/admin/archive/restore": 400,
  "GET /staff/admin/pilots": 200,
  "POST /staff/admin/pilots": 400,
  "GET /staff/admin/pilots/:pilot": 200,
  "POST /staff/admin/pilots/:pilot": 400,
  "POST /staff/admin/pilots/:pilot/items": 400,
  "GET /staff/admin/pilots/new": 200,
  "GET /staff/admin/staff": 200,
  "POST /staff/admin/staff": 400,
  "GET /staff/admin/staff/:id": 404,
  "POST /staff/admin/staff/:id/disable": 404,
  "POST /staff/admin/staff/:id/roles": 404,
  "GET /staff/admin/staff/new": 200,
  "GET /staff/admin/tokens": 200,
  "POST /staff/admin/tokens": 400,
  "POST /staff/admin/tokens/:id/revoke": 404,
  "GET /staff/audit": 200,
  "GET /staff/pilots/:pilot": 200,
  "GET /staff/pilots/:pilot/codebook": 200,
  "POST /staff/pilots/:pilot/codebook": 400,
  "POST /staff/pilots/:pilot/codebook/:id": 404,
  "POST /staff/pilots/:pilot/codebook/:id/delete": 404,
  "POST /staff/pilots/:pilot/codebook/import": 400,
  "GET /staff/pilots/:pilot/enrol": 200,
  "POST /staff/pilots/:pilot/enrol": 400,
  "GET /staff/pilots/:pilot/import": 200,
  "POST /staff/pilots/:pilot/import": 400,
  "GET /staff/pilots/:pilot/reminders": 200,
  "POST /staff/pilots/:pilot/reminders/outbox/:id/retry": 404,
  "POST /staff/pilots/:pilot/reminders/run": 400,
  "GET /staff/pilots/:pilot/settings": 200,
  "POST /staff/pilots/:pilot/settings": 400,
  "GET /staff/pilots/:pilot/signals": 200,
  "POST /staff/pilots/:pilot/signals/:id/acknowledge": 400,
  "GET /staff/pilots/:pilot/youths/:code": 200,
  "GET /staff/pilots/:pilot/youths/:code/comments": 200,
  "POST /staff/pilots/:pilot/youths/:code/comments/:response/tags": 400,
  "GET /staff/pilots/:pilot/youths/:code/forms/:form": 200,
  "POST /staff/pilots/:pilot/youths/:code/forms/:form": 400,
  "GET /staff/pilots/:pilot/youths/:code/links": 200,
  "POST /staff/pilots/:pilot/youths/:code/kiosk": { session: 409, token: 400 },
  "POST /staff/pilots/:pilot/youths/:code/links/resend": 400,
  "POST /staff/pilots/:pilot/youths/:code/links/revoke": 400,
  "GET /staff/pilots/:pilot/youths/:code/phone/:occasion": 409,
  "POST /staff/pilots/:pilot/youths/:code/phone/:occasion": { session: 409, token: 400 },
  "POST /staff/pilots/:pilot/youths/:code/status": 303,
  "POST /staff/pilots/:pilot/youths/:code/withdraw": 400,
};

/** What a principal gets from the walk's request: 403 when its role or pilot does not allow it, else ALLOWED_STATUS. */
export function expectedStatus(r: Route, principal: string, own: boolean): number {
  const access = accessOf(r);
  if (access === undefined) throw new Error(`${keyOf(r)}: no access level (OPERATIONS or PAGE_ACCESS)`);
  if (!allowed(access, principal, own)) return 403;
  const status = ALLOWED_STATUS[keyOf(r)];
  if (status === undefined) throw new Error(`${keyOf(r)}: no expected status in ALLOWED_STATUS`);
  return typeof status === "number" ? status : principal.endsWith("Token") ? status.token : status.session;
}
