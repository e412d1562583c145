import { Hono } from "hono";
import { z } from "zod";
import { getDb } from "../db";
import { isDev } from "../env";
import { AppError } from "../errors";
import { DEMO_ADMIN, DEMO_PILOTS, DEMO_PROJECT_COORDINATOR, demoStaff, seedDemo } from "../demo/seed";
import { requireAdmin, requireStaff, type StaffEnv } from "../staff/auth";
import { ensureLink } from "../survey/links";
import { createFixturePilot } from "./fixtures";

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
    const result = await seedDemo(getDb(c.env.DB), c.env, now);
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
    const body = z.object({ pilot: z.string().min(1).max(40) }).safeParse(await c.req.json().catch(() => null));
    if (!body.success) throw new AppError("validation", "Body must be {\"pilot\": \"<key>\"}", body.error.issues);
    return c.json(await openLink(c.env, body.data.pilot, Date.now()));
  })
  .post("/fixtures/pilot", async (c) => {
    requireAdmin(c);
    const youth = z.object({ email: z.string().email().max(200), history: z.array(z.number().int().min(0).max(10)).max(26) }).strict();
    const body = z.object({ youths: z.array(youth).min(1).max(500) }).strict().safeParse(await c.req.json().catch(() => null));
    if (!body.success) throw new AppError("validation", 'Body must be {"youths": [{"email": string, "history": number[]}]}', body.error.issues);
    return c.json(await createFixturePilot(getDb(c.env.DB), c.env, Date.now(), body.data.youths), 201);
  });

/** A link to an occasion of a demo youth that is open now (the youth with the latest-closing open occasion). */
async function openLink(env: StaffEnv["Bindings"], pilot: string, now: number) {
  const row = await env.DB.prepare(
    `SELECT o.id, o.closes_at, p.code FROM occasions o JOIN participants p ON p.id = o.participant_id JOIN pilots pl ON pl.id = p.pilot_id
     WHERE pl.key = ? AND o.status IN ('open','started') AND o.opens_at <= ? AND o.closes_at > ? AND p.status IN ('active','left_care')
     ORDER BY o.kind = 'frequent' DESC, o.closes_at DESC LIMIT 1`,
  )
    .bind(pilot, now, now)
    .first<{ id: number; closes_at: number; code: string }>();
  if (!row) throw new AppError("not_found", `No open questionnaire for pilot "${pilot}" (known: ${DEMO_PILOTS.map((p) => p.key).join(", ")})`);
  return { code: row.code, url: await ensureLink(getDb(env.DB), env, row.id, row.closes_at) };
}
