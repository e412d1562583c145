import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { z } from "zod";
import { isDev } from "../env";
import { AppError } from "../errors";
import { DEMO_ADMIN, DEMO_PILOTS, DEMO_PROJECT_COORDINATOR, demoStaff, seedDemo } from "../demo/seed";
import type { StaffEnv } from "../http/auth";
import { BODY_LIMITS } from "../http/body-limit";
import { API_BASE, mount, route } from "../http/operation";
import { sha256Hex } from "../lib/crypto";
import { ensureLink, linkToken } from "../survey/links";
import { signContext } from "../survey/link-context";
import { createFixturePilot } from "./fixtures";
import { insertBenchYouth, insertLinks, lastClosingOpenOccasion, newestFrequentOccasion } from "./queries";
import { DAY_MS, HOUR_MS } from "../../core/time";
import { parseSettings } from "../studies/settings";

const DEV = `${API_BASE}/dev`;

const pilotKey = z.string().min(1).max(40);
const linkBody = z.object({ pilot: pilotKey, kind: z.enum(["frequent", "wave"]).optional() });
const benchLinksBody = z.object({ pilot: pilotKey, count: z.number().int().min(1).max(20_000) }).strict();
const fixtureYouth = z
  .object({ email: z.string().email().max(200), history: z.array(z.number().int().min(0).max(10)).max(26) })
  .strict();
const fixturePilotBody = z.object({ youths: z.array(fixtureYouth).min(1).max(500) }).strict();
/**
 * The largest fixture a body may describe (500 youths with a 200-character address and 26 history values each) is
 * about 150 KB of JSON, 285 KB pretty-printed; 512 KiB holds either.
 */
const FIXTURE_LIMIT = 512 * 1024;

const link = z.strictObject({ code: z.string(), url: z.string() });
const seedResponse = z.strictObject({
  created: z.boolean(),
  participants: z.int().min(0),
  responses: z.int().min(0),
  pilots: z.array(z.string()),
  signIn: z.array(
    z.strictObject({
      role: z.enum(["admin", "project_coordinator", "researcher", "coordinator"]),
      email: z.string(),
      pilot: z.string().nullable(),
    }),
  ),
  links: z.array(link.extend({ pilot: z.string() })),
});
const benchLinksResponse = z.strictObject({
  code: z.string(),
  paths: z.array(z.string()),
  contexts: z.array(z.string()),
});
const fixturePilotResponse = z.strictObject({ pilot: z.string(), codes: z.array(z.string()) });

/** Local development only: the routes do not exist unless DEV_MODE=1 (set in the generated .dev.vars). */
const devOnly = createMiddleware<StaffEnv>(async (c, next) => {
  if (!isDev(c.env)) throw new AppError("not_found");
  await next();
});

/** Mounted at API_BASE: the DEV_MODE gate (404) comes before each route's own authentication and checks. */
export const devRoutes = new Hono<StaffEnv>().use("/dev/*", devOnly).route(
  "/",
  mount(
    route(
      {
        method: "post",
        path: `${DEV}/seed`,
        summary: "Load the demo study once (dev only): sign-in addresses and an open link per demo pilot",
        access: "admin",
        response: seedResponse,
      },
      async (c) => {
        const now = Date.now();
        const result = await seedDemo(c.env.DB, c.env, now);
        const links = [];
        for (const p of DEMO_PILOTS) links.push({ pilot: p.key, ...(await openLink(c.env, p.key, now)) });
        return c.json({
          ...result,
          pilots: DEMO_PILOTS.map((p) => p.key),
          signIn: [
            { role: "admin", email: DEMO_ADMIN, pilot: null },
            { role: "project_coordinator", email: DEMO_PROJECT_COORDINATOR, pilot: null },
            ...DEMO_PILOTS.flatMap((p) => [
              { role: "researcher", email: demoStaff(p.key).researcher, pilot: p.key },
              { role: "coordinator", email: demoStaff(p.key).coordinator, pilot: p.key },
            ]),
          ],
          links,
        });
      },
    ),
    route(
      {
        method: "post",
        path: `${DEV}/link`,
        summary: "A link to the pilot's open questionnaire that closes last, of the kind asked for (dev only)",
        access: "admin",
        body: linkBody,
        limit: BODY_LIMITS.tiny,
        response: link,
      },
      async (c, { body }) => c.json(await openLink(c.env, body.pilot, Date.now(), body.kind)),
    ),
    // `npm run bench` (test/bench/http/run.mjs): many open frequent questionnaires of one new demo youth,
    // so every measured answer POST sends a questionnaire that is really open (a send is taken once).
    route(
      {
        method: "post",
        path: `${DEV}/bench-links`,
        summary: "One new youth with that many open frequent questionnaires and their links (dev only, benchmarks)",
        access: "admin",
        body: benchLinksBody,
        limit: BODY_LIMITS.tiny,
        response: benchLinksResponse,
      },
      async (c, { body }) => c.json(await benchLinks(c.env, body.pilot, body.count, Date.now())),
    ),
    route(
      {
        method: "post",
        path: `${DEV}/fixtures/pilot`,
        summary: "A fresh pilot with the given youths and their answered history (dev only, tests)",
        access: "admin",
        body: fixturePilotBody,
        limit: FIXTURE_LIMIT,
        response: fixturePilotResponse,
        status: 201,
      },
      async (c, { body }) => c.json(await createFixturePilot(c.env.DB, c.env, Date.now(), body.youths), 201),
    ),
  ),
);

/** A link to an occasion of a demo youth that is open now (the youth with the latest-closing open occasion). */
async function openLink(env: StaffEnv["Bindings"], pilot: string, now: number, kind?: "frequent" | "wave") {
  const row = await lastClosingOpenOccasion(env.DB, pilot, now, kind);
  if (!row)
    throw new AppError(
      "not_found",
      `No open questionnaire for pilot "${pilot}" (known: ${DEMO_PILOTS.map((p) => p.key).join(", ")})`,
    );
  return { code: row.code, url: await ensureLink(env.DB, env, row.id, row.closes_at) };
}

async function benchLinks(env: StaffEnv["Bindings"], pilot: string, count: number, now: number) {
  const src = await newestFrequentOccasion(env.DB, pilot);
  if (!src) throw new AppError("not_found", `No frequent questionnaire in pilot "${pilot}"`);
  const code = `BENCH-${now.toString(36)}`;
  const { participantId: pid, occasionIds } = await insertBenchYouth(env.DB, {
    pilotId: src.pilot_id,
    code,
    day: new Date(now).toISOString().slice(0, 10),
    count,
    opensAt: now - HOUR_MS,
    closesAt: now + 7 * DAY_MS,
    instrumentVersionIds: src.instrument_version_ids,
    now,
  });
  const tokens = await Promise.all(occasionIds.map((id) => linkToken(env, id)));
  const hashes = await Promise.all(tokens.map((t) => sha256Hex(t)));
  await insertLinks(
    env.DB,
    occasionIds.map((id, i) => [id, hashes[i]!]),
    now + 7 * DAY_MS,
  );
  // what each questionnaire page carries in its form (worker/survey/routes.tsx), as a youth's browser would post it
  const quickExitUrl = parseSettings(src.settings).quickExitUrl;
  const versionIds = JSON.parse(src.instrument_version_ids) as number[];
  const contexts = await Promise.all(
    occasionIds.map((occasionId, i) =>
      signContext(env, hashes[i]!, {
        occasionId,
        participantId: pid,
        versionIds,
        participantStatus: "active",
        quickExitUrl,
      }),
    ),
  );
  return { code, paths: tokens.map((t) => `/q/${t}`), contexts };
}
