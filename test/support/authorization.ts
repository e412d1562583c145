// The authorisation matrix's world (authorization.test.ts, authorization-credentials.test.ts): EVERY route of
// the app that is not explicitly public is a staff route. Routes come from the Hono app itself (app.routes),
// so a route added by any domain is covered without touching these files. Each test file sets up its own
// world (two pilots, a youth each, one principal per role) in its own isolated D1; the walks are split over
// two files because vitest-pool-workers fails ("Maximum call stack size exceeded") past some number of
// requests per file.
import { env } from "cloudflare:workers";
import { getDb, schema } from "../../worker/db";
import { OPERATIONS, type Access } from "../../worker/staff/openapi";
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
/** Workspace pages follow the API's rules. */
export const PAGE_ACCESS: Record<string, Access> = {
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
export const WITH_COMMENTS: { method: string; path: string }[] = ["answers.csv", "report.html"].map((f) => ({
  method: "GET",
  path: `/api/v1/pilots/:pilot/summary/${f}?comments=1`,
}));
for (const r of WITH_COMMENTS) PAGE_ACCESS[`${r.method} ${r.path}`] = "write";
/** Signing out ends the session the walk relies on; it is checked for anonymous callers and in signin.test.ts. */
export const NOT_WALKED_SIGNED_IN = new Set(["POST /staff/sign-out"]);

export type Route = AppRoute;
export const staffRoutes: Route[] = APP_ROUTES.filter((r) => !PUBLIC.some((re) => re.test(r.path)));
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
export const send = (
  p: TestPrincipal | null,
  r: Route,
  pilot: { key: string; code: string },
  opts: { csrf?: boolean; headers?: Record<string, string> } = {},
) => call(p, r.method, concrete(r.path, pilot), r.method === "GET" ? undefined : {}, opts);

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

export const PILOT_SCOPED = ["researcher", "coordinator", "researcherToken"] as const;
export const roleOf = (name: string) =>
  name.startsWith("researcher")
    ? "researcher"
    : name.startsWith("coordinator")
      ? "coordinator"
      : name === "projectCoordinator"
        ? "project_coordinator"
        : "admin";

export function expected(
  access: Access | undefined,
  principal: string,
  own: boolean,
): "allowed" | "forbidden" | "unknown" {
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
