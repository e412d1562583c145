// Coordinator pages under /reports (server-rendered, no script). Protected by the same requireStaff
// middleware as the API, which also accepts the staff session cookie once issue 4 provides it.
import { Hono, type Context } from "hono";
import { renderToString } from "preact-render-to-string";
import type { VNode } from "preact";
import { pickLang } from "../../web/i18n/messages";
import { AllPilotsPage, PilotReportPage } from "../../web/pages/reports/Pages";
import { REPORT_CSS } from "../../web/pages/reports/SummaryView";
import { getDb, schema } from "../db";
import { AppError } from "../errors";
import { pilotFor, READ_ROLES, requireStaff, type StaffEnv } from "../staff/auth";
import { staffPageError } from "../staff/pages";
import { plotDataFor, summaryFor } from "./routes";

let cssHash: Promise<string> | null = null;
const reportCssHash = () =>
  (cssHash ??= crypto.subtle.digest("SHA-256", new TextEncoder().encode(REPORT_CSS)).then((d) => `'sha256-${btoa(String.fromCharCode(...new Uint8Array(d)))}'`));

async function render(c: Context<StaffEnv>, page: VNode) {
  c.header("Cache-Control", "no-store");
  c.header("Referrer-Policy", "no-referrer");
  c.header("X-Robots-Tag", "noindex, nofollow");
  c.header("X-Content-Type-Options", "nosniff");
  c.header("X-Frame-Options", "DENY");
  c.header("Content-Security-Policy", `default-src 'none'; style-src ${await reportCssHash()}; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`);
  return c.html(`<!doctype html>${renderToString(page)}`);
}

/** A project coordinator (or admin) reads every pilot. */
const seesAllPilots = (c: Context<StaffEnv>) => {
  const p = c.get("principal");
  return p.isAdmin || p.roles.some((r) => r.pilotId === null && READ_ROLES.includes(r.role));
};

export const reportPages = new Hono<StaffEnv>()
  .use(requireStaff)
  .get("/", async (c) => {
    const p = c.get("principal");
    const pilots = await getDb(c.env.DB).select().from(schema.pilots).orderBy(schema.pilots.key);
    const visible = seesAllPilots(c) ? pilots : pilots.filter((pl) => p.roles.some((r) => r.pilotId === pl.id && READ_ROLES.includes(r.role)));
    if (!visible.length) throw new AppError("forbidden", "No access to any pilot");
    const now = Date.now();
    const summaries = [];
    for (const pl of visible) summaries.push(await summaryFor(c.env.DB, pl, now));
    return render(c, AllPilotsPage({ summaries, lang: pickLang(c.req.query("lang")) }));
  })
  .get("/pilots/:pilot", async (c) => {
    const pilot = await pilotFor(c, READ_ROLES);
    const [s, plots] = await Promise.all([summaryFor(c.env.DB, pilot, Date.now()), plotDataFor(c.env.DB, pilot)]);
    return render(c, PilotReportPage({ s, plots, lang: pickLang(c.req.query("lang")), showAllLink: seesAllPilots(c) }));
  })
  .onError(staffPageError);
