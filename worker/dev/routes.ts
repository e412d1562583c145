import { Hono } from "hono";
import { z } from "zod";
import { getDb } from "../db";
import { isDev } from "../env";
import { AppError } from "../errors";
import { DEMO_ADMIN, DEMO_PILOTS, DEMO_PROJECT_COORDINATOR, demoStaff, seedDemo } from "../demo/seed";
import { requireAdmin, requireStaff, type StaffEnv } from "../staff/auth";
import { sha256Hex } from "../lib/crypto";
import { ensureLink, linkToken } from "../survey/links";
import { signContext } from "../survey/routes";
import { createFixturePilot } from "./fixtures";
import { DAY_MS, HOUR_MS } from "../../core/time";

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
    const body = z
      .object({ pilot: z.string().min(1).max(40), kind: z.enum(["frequent", "wave"]).optional() })
      .safeParse(await c.req.json().catch(() => null));
    if (!body.success)
      throw new AppError(
        "validation",
        'Body must be {"pilot": "<key>", "kind"?: "frequent" | "wave"}',
        body.error.issues,
      );
    return c.json(await openLink(c.env, body.data.pilot, Date.now(), body.data.kind));
  })
  // `npm run bench` (test/bench/http/run.mjs): many open frequent questionnaires of one new demo youth,
  // so every measured answer POST sends a questionnaire that is really open (a send is taken once).
  .post("/bench-links", async (c) => {
    requireAdmin(c);
    const body = z
      .object({ pilot: z.string().min(1).max(40), count: z.number().int().min(1).max(20_000) })
      .strict()
      .safeParse(await c.req.json().catch(() => null));
    if (!body.success)
      throw new AppError("validation", 'Body must be {"pilot": "<key>", "count": 1..20000}', body.error.issues);
    return c.json(await benchLinks(c.env, body.data.pilot, body.data.count, Date.now()));
  })
  .post("/fixtures/pilot", async (c) => {
    requireAdmin(c);
    const youth = z
      .object({ email: z.string().email().max(200), history: z.array(z.number().int().min(0).max(10)).max(26) })
      .strict();
    const body = z
      .object({ youths: z.array(youth).min(1).max(500) })
      .strict()
      .safeParse(await c.req.json().catch(() => null));
    if (!body.success)
      throw new AppError(
        "validation",
        'Body must be {"youths": [{"email": string, "history": number[]}]}',
        body.error.issues,
      );
    return c.json(await createFixturePilot(getDb(c.env.DB), c.env, Date.now(), body.data.youths), 201);
  });

/** A link to an occasion of a demo youth that is open now (the youth with the latest-closing open occasion). */
async function openLink(env: StaffEnv["Bindings"], pilot: string, now: number, kind?: "frequent" | "wave") {
  const row = await env.DB.prepare(
    `SELECT o.id, o.closes_at, p.code FROM occasions o JOIN participants p ON p.id = o.participant_id JOIN pilots pl ON pl.id = p.pilot_id
     WHERE pl.key = ? AND o.status IN ('open','started') AND o.opens_at <= ? AND o.closes_at > ? AND p.status IN ('active','left_care')
       AND (?4 IS NULL OR o.kind = ?4)
     ORDER BY o.kind = 'frequent' DESC, o.closes_at DESC LIMIT 1`,
  )
    .bind(pilot, now, now, kind ?? null)
    .first<{ id: number; closes_at: number; code: string }>();
  if (!row)
    throw new AppError(
      "not_found",
      `No open questionnaire for pilot "${pilot}" (known: ${DEMO_PILOTS.map((p) => p.key).join(", ")})`,
    );
  return { code: row.code, url: await ensureLink(getDb(env.DB), env, row.id, row.closes_at) };
}

async function benchLinks(env: StaffEnv["Bindings"], pilot: string, count: number, now: number) {
  const src = await env.DB.prepare(
    "SELECT p.pilot_id, pl.settings, o.instrument_version_ids FROM occasions o JOIN participants p ON p.id = o.participant_id JOIN pilots pl ON pl.id = p.pilot_id WHERE pl.key = ? AND o.kind = 'frequent' ORDER BY o.id DESC LIMIT 1",
  )
    .bind(pilot)
    .first<{ pilot_id: number; settings: string | null; instrument_version_ids: string }>();
  if (!src) throw new AppError("not_found", `No frequent questionnaire in pilot "${pilot}"`);
  const code = `BENCH-${now.toString(36)}`;
  const day = new Date(now).toISOString().slice(0, 10);
  const pid = await env.DB.prepare(
    "INSERT INTO participants (pilot_id, code, pilot_start_date, status, consent_by, consent_date, created_at) VALUES (?, ?, ?, 'active', 'self', ?, ?) RETURNING id",
  )
    .bind(src.pilot_id, code, day, day, now)
    .first<number>("id");
  await env.DB.prepare(
    `INSERT INTO occasions (participant_id, kind, seq, due_date, opens_at, closes_at, status, instrument_version_ids, created_at)
     WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) SELECT ?, 'frequent', i, ?, ?, ?, 'open', ?, ? FROM n`,
  )
    .bind(count, pid, day, now - HOUR_MS, now + 7 * DAY_MS, src.instrument_version_ids, now)
    .run();
  const { results } = await env.DB.prepare("SELECT id FROM occasions WHERE participant_id = ? ORDER BY seq")
    .bind(pid)
    .all<{ id: number }>();
  const tokens = await Promise.all(results.map((r) => linkToken(env, r.id)));
  const hashes = await Promise.all(tokens.map((t) => sha256Hex(t)));
  for (let i = 0; i < results.length; i += 1000) {
    const chunk = results.slice(i, i + 1000).map((r, j) => [r.id, hashes[i + j]]);
    await env.DB.prepare(
      "INSERT INTO secure_links (occasion_id, token_hash, expires_at) SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), ? FROM json_each(?)",
    )
      .bind(now + 7 * DAY_MS, JSON.stringify(chunk))
      .run();
  }
  // what each questionnaire page carries in its form (worker/survey/routes.tsx), as a youth's browser would post it
  const quickExitUrl = (src.settings ? (JSON.parse(src.settings) as { quickExitUrl?: string }) : {}).quickExitUrl;
  const versionIds = JSON.parse(src.instrument_version_ids) as number[];
  const contexts = await Promise.all(
    results.map((r, i) =>
      signContext(env, hashes[i]!, {
        occasionId: r.id,
        participantId: pid!,
        versionIds,
        participantStatus: "active",
        quickExitUrl,
      }),
    ),
  );
  return { code, paths: tokens.map((t) => `/q/${t}`), contexts };
}
