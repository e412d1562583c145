import type { Context } from "hono";
import { renderToString } from "preact-render-to-string";
import { ReportDocument } from "../../web/pages/reports/ReportDocument";
import type { CommentData } from "../../web/pages/reports/SummaryView";
import { recomputePilot } from "../analysis/recompute";
import { evaluatePilotSignals } from "../signals/store";
import { AppError } from "../errors";
import { audit } from "../lib/audit";
import { toCsv } from "../lib/csv";
import { pilotFor, type StaffEnv, WRITE_ROLES } from "../http/auth";
import { mount, route } from "../http/operation";
import { z } from "zod";
import { answersCsv, codebookCsv, itemCodebookCsv, wideCsv, wideVariables, wideXlsx } from "./exports";
import { rScript, spssSyntax } from "./syntax";
import { XLSX_TYPE } from "./xlsx";
import { plotDataFor, summaryFor } from "./pilot-report";
import { indicatorRows, itemVersions, loadAllAnswers, loadComments } from "./queries";
import { recomputeResponse, summarySchema } from "./responses";
import { BODY_LIMITS } from "../http/body-limit";

export const INDICATOR_COLUMNS = [
  "participant_code",
  "indicator",
  "n",
  "mean",
  "min",
  "max",
  "slope_per_measurement",
  "slope_per_day",
  "kendall_s",
  "mk_p",
  "trend",
  "band",
] as const;

const principalActor = (c: Context<StaffEnv>) => ({ type: c.get("principal").type, id: c.get("principal").id });
/** Every download is audited: `export.<action>` for the pilot, with what it held. */
const exported = (
  c: Context<StaffEnv>,
  pilotId: number,
  action: string,
  details?: Record<string, unknown>,
  now = Date.now(),
) => audit(c.env.DB, principalActor(c), `export.${action}`, now, { pilotId, ...(details ? { details } : {}) });

/**
 * Comments (free text) only for a researcher of the pilot (and admins); coordinators and the project
 * coordinator get 403, never a download without them (DESIGN.md §3).
 */
async function commentsAllowed(c: Context<StaffEnv>, query: { comments?: "0" | "1" }) {
  const withComments = query.comments === "1";
  if (withComments) {
    await pilotFor(c, WRITE_ROLES).catch(() => {
      throw new AppError("forbidden", "Only a researcher of the pilot may include comments");
    });
  }
  return withComments;
}

function download(c: Context<StaffEnv>, body: string | Uint8Array, type: string, filename: string) {
  c.header("Content-Type", type);
  c.header("Content-Disposition", `attachment; filename="${filename}"`);
  c.header("Cache-Control", "no-store");
  c.header("X-Content-Type-Options", "nosniff");
  return c.body(typeof body === "string" ? body : (body as Uint8Array<ArrayBuffer>));
}

const S = "/api/v1/pilots/:pilot/summary";
const COMMENTS_QUERY = z.object({ comments: z.enum(["0", "1"]).optional() }).strict();
const RECOMPUTE_BODY = z.object({ force: z.boolean().optional() }).strict();
type Summary = Awaited<ReturnType<typeof summaryFor>>;
type Produces = "text/csv" | "text/plain" | typeof XLSX_TYPE;

type Pilot = Parameters<typeof summaryFor>[1];

/** A download made from what `load` reads of the pilot: `${pilot}-${file}`, audited as `export.<action>`. */
const downloadOf =
  <T>(load: (d1: D1Database, pilot: Pilot) => Promise<T>) =>
  (
    file: string,
    produces: Produces,
    summary: string,
    action: string,
    make: (s: T, pilotKey: string) => string | Uint8Array,
    details?: (s: T) => Record<string, unknown>,
  ) =>
    route({ method: "get", path: `${S}/${file}`, summary, access: "read", produces }, async (c, { pilot }) => {
      const s = await load(c.env.DB, pilot);
      await exported(c, pilot.id, action, details?.(s));
      const type = produces === XLSX_TYPE ? XLSX_TYPE : `${produces}; charset=utf-8`;
      return download(c, make(s, pilot.key), type, `${pilot.key}-${file}`);
    });
/** A download made from the pilot's summary model. */
const summaryDownload = downloadOf((d1, pilot) => summaryFor(d1, pilot, Date.now()));
const rows = (s: Summary) => ({ rows: s.participantCount });

/** Downloads read stored results only; the scheduled job computes them. Every download is audited. */
export const reportRoutes = mount(
  downloadOf((d1, pilot) => indicatorRows(d1, pilot.id))(
    "indicators.csv",
    "text/csv",
    "Stored indicators per youth × frequent indicator (CSV)",
    "indicators_csv",
    (results) => toCsv([...INDICATOR_COLUMNS], results),
    (results) => ({ rows: results.length }),
  ),
  route(
    {
      method: "get",
      path: `${S}/summary.json`,
      summary: "The per-pilot summary model (integral table, wave tables, response, background)",
      access: "read",
      response: summarySchema,
    },
    async (c, { pilot }) => {
      const s = await summaryFor(c.env.DB, pilot, Date.now());
      await exported(c, pilot.id, "summary_json", { participants: s.participantCount });
      c.header("Cache-Control", "no-store");
      return c.json(s);
    },
  ),
  summaryDownload("wide.csv", "text/csv", "One row per youth for SPSS/R (CSV)", "wide_csv", wideCsv, rows),
  summaryDownload("codebook.csv", "text/csv", "Codebook of wide.csv (CSV)", "codebook_csv", codebookCsv),
  summaryDownload(
    "wide.xlsx",
    XLSX_TYPE,
    "wide.csv as an Excel workbook (numbers rounded to the documented decimals) with its codebook as a second sheet",
    "wide_xlsx",
    wideXlsx,
    rows,
  ),
  summaryDownload(
    "wide.sps",
    "text/plain",
    "SPSS syntax that reads wide.csv with variable and value labels and missing values",
    "wide_sps",
    (s, key) => spssSyntax(wideVariables(s), `${key}-wide.csv`, key),
  ),
  summaryDownload(
    "wide.R",
    "text/plain",
    "R script that reads wide.csv with variable and value labels and missing values",
    "wide_r",
    (s, key) => rScript(wideVariables(s), `${key}-wide.csv`, key),
  ),
  downloadOf((d1, pilot) => itemVersions(d1, pilot.id))(
    "answers-codebook.csv",
    "text/csv",
    "Item codebook of answers.csv: wording (nl/en), instrument, version, subscale, reverse keying (CSV)",
    "answers_codebook_csv",
    (versions) => itemCodebookCsv(versions),
    (versions) => ({ versions: versions.length }),
  ),
  route(
    {
      method: "get",
      path: `${S}/answers.csv`,
      summary:
        "Every stored answer, long format (CSV); comments only " +
        "with comments=1, for researchers of the pilot (others 403)",
      access: "read",
      query: COMMENTS_QUERY,
      produces: "text/csv",
    },
    async (c, { pilot, query }) => {
      const comments = await commentsAllowed(c, query);
      const rows = await loadAllAnswers(c.env.DB, pilot.id);
      await exported(c, pilot.id, "answers_csv", { rows: rows.length, comments });
      return download(
        c,
        answersCsv(rows, comments),
        "text/csv; charset=utf-8",
        `${pilot.key}-answers${comments ? "-with-comments" : ""}.csv`,
      );
    },
  ),
  route(
    {
      method: "get",
      path: `${S}/report.html`,
      summary: "Self-contained HTML report; comments only with comments=1, for researchers of the pilot (others 403)",
      access: "read",
      query: COMMENTS_QUERY,
      produces: "text/html",
    },
    async (c, { pilot, query }) => {
      const withComments = await commentsAllowed(c, query);
      const now = Date.now();
      const [s, plots, comments] = await Promise.all([
        summaryFor(c.env.DB, pilot, now),
        plotDataFor(c.env.DB, pilot),
        withComments ? loadComments(c.env.DB, pilot.id) : Promise.resolve(null),
      ]);
      let commentData: CommentData | null = null;
      if (comments) {
        commentData = new Map();
        for (const cm of comments) (commentData.get(cm.code) ?? commentData.set(cm.code, []).get(cm.code)!).push(cm);
      }
      await exported(c, pilot.id, "report_html", { participants: s.participantCount, comments: withComments }, now);
      const html =
        `<!doctype html>` + `${renderToString(ReportDocument({ s, plots, comments: commentData, generatedAt: now }))}`;
      return download(
        c,
        html,
        "text/html; charset=utf-8",
        `${pilot.key}-report${withComments ? "-with-comments" : ""}.html`,
      );
    },
  ),
  // A full recompute rewrites every stored indicator of the pilot and costs the whole pilot's answers in
  // reads: a researcher's (write-role) action, not a reader's.
  route(
    {
      method: "post",
      path: "/api/v1/pilots/:pilot/recompute",
      summary:
        "Full recompute of the pilot's stored indicators, then its staff signals (researchers of the pilot and admins)",
      access: "write",
      body: RECOMPUTE_BODY,
      // a button press; an empty body is {} (no force)
      limit: BODY_LIMITS.tiny,
      emptyBody: true,
      response: recomputeResponse,
    },
    async (c, { pilot, body }) => {
      const force = body.force === true;
      const started = Date.now();
      const result = await recomputePilot(c.env.DB, pilot.id, started, { force });
      // then her staff signals, from the indicators just written (worker/signals/README.md)
      const { opened, cleared } = await evaluatePilotSignals(c.env.DB, pilot.id, started);
      const ms = Date.now() - started;
      const signals = { opened, cleared };
      await audit(c.env.DB, principalActor(c), "analysis.recompute", Date.now(), {
        pilotId: pilot.id,
        details: { ...result, signals, force, ms },
      });
      return c.json({ pilot: pilot.key, ...result, signals, force, ms });
    },
  ),
);
