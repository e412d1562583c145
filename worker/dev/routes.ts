import { type Context, Hono } from "hono";
import { z } from "zod";
import { isDev } from "../env";
import { AppError } from "../errors";
import { DEMO_ADMIN, DEMO_PILOTS, DEMO_PROJECT_COORDINATOR, demoStaff, seedDemo } from "../demo/seed";
import { requireAdmin, requireStaff, type StaffEnv } from "../http/auth";
import { sha256Hex } from "../lib/crypto";
import { ensureLink, linkToken } from "../survey/links";
import { signContext } from "../survey/link-context";
import { createFixturePilot } from "./fixtures";
import { insertBenchYouth, insertLinks, lastClosingOpenOccasion, newestFrequentOccasion } from "./queries";
import { DAY_MS, HOUR_MS } from "../../core/time";
import { parseSettings } from "../studies/settings";

/** The JSON body parsed by `schema`; a validation error that shows the expected `shape` otherwise. */
async function jsonBody<T extends z.ZodType>(c: Context<StaffEnv>, schema: T, shape: string): Promise<z.infer<T>> {
  const body = schema.safeParse(await c.req.json().catch(() => null));
  if (!body.success) throw new AppError("validation", `Body must be ${shape}`, body.error.issues);
  return body.data;
}

/** Local development only: the routes do not exist unless DEV_MODE=1 (set in the generated .dev.vars). */
export const devRoutes = new Hono<StaffEnv>()
  .use(async (c, next) => {
    if (!isDev(c.env)) throw new AppError("not_found");
    await next();
  })
  .use(requireStaff)
  .post("/seed", async (c) => {
    requireAdmin(c);
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
  })
  .post("/link", async (c) => {
    requireAdmin(c);
    const body = await jsonBody(
      c,
      z.object({ pilot: z.string().min(1).max(40), kind: z.enum(["frequent", "wave"]).optional() }),
      '{"pilot": "<key>", "kind"?: "frequent" | "wave"}',
    );
    return c.json(await openLink(c.env, body.pilot, Date.now(), body.kind));
  })
  // `npm run bench` (test/bench/http/run.mjs): many open frequent questionnaires of one new demo youth,
  // so every measured answer POST sends a questionnaire that is really open (a send is taken once).
  .post("/bench-links", async (c) => {
    requireAdmin(c);
    const body = await jsonBody(
      c,
      z.object({ pilot: z.string().min(1).max(40), count: z.number().int().min(1).max(20_000) }).strict(),
      '{"pilot": "<key>", "count": 1..20000}',
    );
    return c.json(await benchLinks(c.env, body.pilot, body.count, Date.now()));
  })
  .post("/fixtures/pilot", async (c) => {
    requireAdmin(c);
    const youth = z
      .object({ email: z.string().email().max(200), history: z.array(z.number().int().min(0).max(10)).max(26) })
      .strict();
    const body = await jsonBody(
      c,
      z.object({ youths: z.array(youth).min(1).max(500) }).strict(),
      '{"youths": [{"email": string, "history": number[]}]}',
    );
    return c.json(await createFixturePilot(c.env.DB, c.env, Date.now(), body.youths), 201);
  });

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
