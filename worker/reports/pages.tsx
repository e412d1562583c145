// Coordinator pages under /reports (server-rendered, no script), declared with page() as the API's operations
// are (worker/http/operation.ts): a staff session cookie or a Bearer token.
import type { Context } from "hono";
import { pickLang } from "../../core/i18n/messages";
import { AllPilotsPage, PilotReportPage, REPORT_PAGE_CSS } from "../../web/pages/reports/Pages";
import { AppError } from "../errors";
import { renderStaffView } from "../http/staff-view";
import { mount, page } from "../http/operation";
import { READ_ROLES, WRITE_ROLES, type StaffEnv } from "../http/auth";
import { staffPageError } from "../http/page-error";
import { plotDataFor, summaryFor } from "./pilot-report";
import { allPilots } from "./queries";

/** A project coordinator (or admin) reads every pilot. */
const seesAllPilots = (c: Context<StaffEnv>) => {
  const p = c.get("principal");
  return p.isAdmin || p.roles.some((r) => r.pilotId === null && READ_ROLES.includes(r.role));
};

export const reportPages = mount(
  page({ method: "get", path: "/", access: "any" }, async (c) => {
    const p = c.get("principal");
    const pilots = await allPilots(c.env.DB);
    const visible = seesAllPilots(c)
      ? pilots
      : pilots.filter((pl) => p.roles.some((r) => r.pilotId === pl.id && READ_ROLES.includes(r.role)));
    if (!visible.length) throw new AppError("forbidden", "No access to any pilot");
    const now = Date.now();
    const summaries = [];
    for (const pl of visible) summaries.push(await summaryFor(c.env.DB, pl, now));
    const lang = pickLang(c.req.query("lang"));
    return renderStaffView(c, AllPilotsPage, { summaries, lang }, 200, REPORT_PAGE_CSS);
  }),
  page({ method: "get", path: "/pilots/:pilot", access: "read" }, async (c, { pilot }) => {
    const [s, plots] = await Promise.all([summaryFor(c.env.DB, pilot, Date.now()), plotDataFor(c.env.DB, pilot)]);
    // Comments are for researchers of the pilot (and admins): the link to the report with comments is theirs only.
    const p = c.get("principal");
    const canComments =
      p.isAdmin || p.roles.some((r) => WRITE_ROLES.includes(r.role) && (r.pilotId === pilot.id || r.pilotId === null));
    return renderStaffView(
      c,
      PilotReportPage,
      { s, plots, lang: pickLang(c.req.query("lang")), showAllLink: seesAllPilots(c), canComments },
      200,
      REPORT_PAGE_CSS,
    );
  }),
).onError(staffPageError);
