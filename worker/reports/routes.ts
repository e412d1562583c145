import { Hono, type Context } from "hono";
import { renderToString } from "preact-render-to-string";
import type { InstrumentDefinition } from "../../schema/instruments/definitions";
import { ReportDocument } from "../../web/pages/reports/ReportDocument";
import type { CommentData, PlotData } from "../../web/pages/reports/SummaryView";
import { allIndicatorPoints, dayOf, pilotIndicators, readFrequentAnswers, recomputePilot } from "../analysis/recompute";
import { parseWaveIndicatorKey, TOTAL, waveScales, type WaveDefinition } from "../analysis/waves";
import { WAVES } from "../../core/waves";
import { trendChart } from "../analysis/plot";
import type { Trend } from "../analysis/stats";
import { getDb } from "../db";
import { AppError } from "../errors";
import { audit } from "../lib/audit";
import { toCsv } from "../lib/csv";
import { READ_ROLES, WRITE_ROLES, pilotFor, requireStaff, type StaffEnv } from "../staff/auth";
import { op } from "../staff/openapi";
import { z } from "zod";
import { answersCsv, codebookCsv, itemCodebookCsv, wideCsv, wideVariables, wideXlsx } from "./exports";
import { rScript, spssSyntax } from "./syntax";
import { XLSX_TYPE } from "./xlsx";
import { loadAllAnswers, loadComments, loadSummaryInput, type PilotRow } from "./queries";
import { recomputeResponse, summarySchema } from "./responses";
import { BODY_LIMITS, enforceBodyLimit } from "../lib/body-limit";
import { buildSummary } from "./summary";

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

/** Who may read summaries and download them (DESIGN.md §1: coordinators; researchers of the pilot too). */

const principalActor = (c: Context<StaffEnv>) => ({ type: c.get("principal").type, id: c.get("principal").id });

/** `?comments=1` includes free-text comments; absent or `0` leaves them out; anything else is an error. */
export function wantsComments(c: Context<StaffEnv>): boolean {
  const v = c.req.query("comments");
  if (v === undefined || v === "0") return false;
  if (v === "1") return true;
  throw new AppError("validation", "comments must be 0 or 1");
}

/**
 * The pilot of a download that may carry free text: comments only for a researcher of the pilot (and admins);
 * coordinators and the project coordinator get 403, never a download without them (DESIGN.md §3).
 */
async function pilotForDownload(c: Context<StaffEnv>) {
  const pilot = await pilotFor(c, READ_ROLES);
  const withComments = wantsComments(c);
  if (withComments) {
    await pilotFor(c, WRITE_ROLES).catch(() => {
      throw new AppError("forbidden", "Only a researcher of the pilot may include comments");
    });
  }
  return { pilot, withComments };
}

function download(c: Context<StaffEnv>, body: string | Uint8Array, type: string, filename: string) {
  c.header("Content-Type", type);
  c.header("Content-Disposition", `attachment; filename="${filename}"`);
  c.header("Cache-Control", "no-store");
  c.header("X-Content-Type-Options", "nosniff");
  return c.body(typeof body === "string" ? body : (body as Uint8Array<ArrayBuffer>));
}

export async function summaryFor(d1: D1Database, pilot: PilotRow, now: number) {
  return buildSummary(await loadSummaryInput(d1, pilot, now));
}

/**
 * Per youth and frequent indicator her trend chart (worker/analysis/plot.ts): the recompute's own reading and
 * aggregation of the points, its stored Theil-Sen slope and trend; per wave instrument a chart of her stored
 * total scores (`wave:<instrument>.totaal`, from two waves on) with reliable-change marks. The one source of every
 * chart: the
 * report, the coordinator pages and the workspace youth page (`only` = her participant id).
 */
export async function plotDataFor(d1: D1Database, pilot: PilotRow, only?: number): Promise<PlotData> {
  const ids = await (only === undefined
    ? d1.prepare("SELECT id, code, pilot_start_date FROM participants WHERE pilot_id = ?").bind(pilot.id)
    : d1
        .prepare("SELECT id, code, pilot_start_date FROM participants WHERE pilot_id = ? AND id = ?")
        .bind(pilot.id, only)
  ).raw<[number, string, string]>();
  const codeOf = new Map(ids.map(([id, code]) => [id, code]));
  const { people, answers } = await readFrequentAnswers(
    d1,
    ids.map(([id]) => id),
  );
  const storedRows = await d1
    .prepare(
      `SELECT r.participant_id, r.indicator, r.slope_per_day, r.trend FROM indicator_results r JOIN participants p ON p.id = r.participant_id
       WHERE p.pilot_id = ? AND (? IS NULL OR p.id = ?) AND r.indicator NOT LIKE 'wave:%'`,
    )
    .bind(pilot.id, only ?? null, only ?? null)
    .raw<[number, string, number | null, Trend | null]>();
  const stored = new Map(storedRows.map(([pid, ind, slopePerDay, trend]) => [`${pid}|${ind}`, { slopePerDay, trend }]));
  const indicators = (await pilotIndicators(d1, pilot.key)).filter((i) => i.aggregate === "mean");
  const out: PlotData = new Map();
  const personOf = new Map(people.map((p) => [p.id, p]));
  for (const [id, code] of codeOf) {
    const person = personOf.get(id);
    const none = { occasion: [], instrument: [], item: [], value: [], at: [] };
    const points = person ? allIndicatorPoints(indicators, person, answers.get(id) ?? none) : indicators.map(() => []);
    const charts = indicators.map(
      (ind, i) => [ind.key, trendChart({ points: points[i]!, stored: stored.get(`${id}|${ind.key}`) })] as const,
    );
    out.set(code, new Map(charts));
  }
  await addWaveCharts(d1, pilot, only, ids, out);
  return out;
}

/** Wave charts: her stored total per wave, placed on the day she finished that wave (the pilot's zone). */
async function addWaveCharts(
  d1: D1Database,
  pilot: PilotRow,
  only: number | undefined,
  ids: [number, string, string][],
  out: PlotData,
) {
  const scope = "p.pilot_id = ? AND (? IS NULL OR p.id = ?)";
  const bind = [pilot.id, only ?? null, only ?? null];
  const [scores, days, defs] = await Promise.all([
    d1
      .prepare(
        `SELECT r.participant_id, r.indicator, r.mean FROM indicator_results r JOIN participants p ON p.id = r.participant_id WHERE ${scope} AND r.indicator LIKE 'wave:%'`,
      )
      .bind(...bind)
      .raw<[number, string, number | null]>(),
    d1
      .prepare(
        `SELECT o.participant_id, o.wave, MAX(COALESCE(o.completed_at, (SELECT MAX(r.answered_at) FROM responses r WHERE r.occasion_id = o.id)))
         FROM occasions o JOIN participants p ON p.id = o.participant_id WHERE ${scope} AND o.kind = 'wave' GROUP BY o.participant_id, o.wave`,
      )
      .bind(...bind)
      .raw<[number, string, number | null]>(),
    d1
      .prepare(
        `SELECT i.key, v.definition FROM instrument_versions v JOIN instruments i ON i.id = v.instrument_id
         WHERE i.kind = 'wave' AND v.version = (SELECT MAX(version) FROM instrument_versions w WHERE w.instrument_id = v.instrument_id)`,
      )
      .raw<[string, string]>(),
  ]);
  const defOf = new Map(
    defs.map(([key, json]) => [key, JSON.parse(json) as WaveDefinition & { title?: { nl: string; en: string } }]),
  );
  const dayAt = new Map(days.map(([pid, wave, at]) => [`${pid}|${wave}`, at]));
  const totals = new Map<number, Map<string, Map<string, number | null>>>(); // youth → instrument → wave → score
  for (const [pid, key, mean] of scores) {
    const k = parseWaveIndicatorKey(key);
    if (!k || k.subscale !== TOTAL) continue;
    const byInst = totals.get(pid) ?? totals.set(pid, new Map()).get(pid)!;
    (byInst.get(k.instrument) ?? byInst.set(k.instrument, new Map()).get(k.instrument)!).set(k.wave, mean);
  }
  for (const [id, code, start] of ids) {
    for (const [inst, byWave] of totals.get(id) ?? []) {
      const def = defOf.get(inst);
      const scale = def && waveScales(def).find((sc) => sc.key === TOTAL);
      if (!def || !scale) continue;
      const waves = WAVES.flatMap((w) => {
        const at = dayAt.get(`${id}|${w}`);
        const value = byWave.get(w);
        return typeof at === "number" && value !== undefined
          ? [{ wave: w, day: dayOf(start, at, pilot.timezone), value }]
          : [];
      });
      if (waves.length < 2) continue; // one wave score is in the wave table already; a chart shows change
      const norm = scale.norm
        ? { sd: scale.norm.sd, reliability: scale.norm.reliability, higherIsBetter: scale.higherIsBetter }
        : null;
      const label = {
        nl: `${def.title?.nl ?? inst} · ${scale.label.nl}`,
        en: `${def.title?.en ?? inst} · ${scale.label.en}`,
      };
      const chart = trendChart({
        label,
        points: [],
        scale: def.scale ?? { min: 0, max: 10 },
        cutoffs: null,
        waves,
        norm,
      });
      out.get(code)?.set(`wave:${inst}.${TOTAL}`, chart);
    }
  }
}

/** For the OpenAPI description; the handlers validate by hand to give the exact errors tested. */
const COMMENTS_QUERY = z.object({ comments: z.enum(["0", "1"]).optional() }).strict();
const RECOMPUTE_BODY = z.object({ force: z.boolean().optional() }).strict();

/** Downloads read stored results only; the scheduled job computes them. Every download is audited. */
export const reportRoutes = new Hono<StaffEnv>()
  .use("/pilots/:pilot/summary/*", requireStaff)
  .use("/pilots/:pilot/recompute", requireStaff)
  .get(
    op({
      method: "get",
      path: "/api/v1/pilots/:pilot/summary/indicators.csv",
      summary: "Stored indicators per youth × frequent indicator (CSV)",
      access: "read",
      produces: "text/csv",
    }),
    async (c) => {
      const pilot = await pilotFor(c, READ_ROLES);
      const results = await c.env.DB.prepare(
        `SELECT p.code, r.indicator, r.n, r.mean, r.min, r.max, r.slope_per_measurement, r.slope_per_day, r.kendall_s, r.p, r.trend, r.band
       FROM indicator_results r JOIN participants p ON p.id = r.participant_id
       WHERE p.pilot_id = ? AND r.indicator NOT LIKE 'wave:%' ORDER BY p.code, r.indicator`,
      )
        .bind(pilot.id)
        .raw<
          [
            string,
            string,
            number,
            number | null,
            number | null,
            number | null,
            number | null,
            number | null,
            number | null,
            number | null,
            string | null,
            string | null,
          ]
        >();
      await audit(getDb(c.env.DB), principalActor(c), "export.indicators_csv", Date.now(), {
        pilotId: pilot.id,
        details: { rows: results.length },
      });
      return download(
        c,
        toCsv([...INDICATOR_COLUMNS], results),
        "text/csv; charset=utf-8",
        `${pilot.key}-indicators.csv`,
      );
    },
  )
  .get(
    op({
      method: "get",
      path: "/api/v1/pilots/:pilot/summary/summary.json",
      summary: "The per-pilot summary model (integral table, wave tables, response, background)",
      access: "read",
      response: summarySchema,
    }),
    async (c) => {
      const pilot = await pilotFor(c, READ_ROLES);
      const s = await summaryFor(c.env.DB, pilot, Date.now());
      await audit(getDb(c.env.DB), principalActor(c), "export.summary_json", Date.now(), {
        pilotId: pilot.id,
        details: { participants: s.participantCount },
      });
      c.header("Cache-Control", "no-store");
      return c.json(s);
    },
  )
  .get(
    op({
      method: "get",
      path: "/api/v1/pilots/:pilot/summary/wide.csv",
      summary: "One row per youth for SPSS/R (CSV)",
      access: "read",
      produces: "text/csv",
    }),
    async (c) => {
      const pilot = await pilotFor(c, READ_ROLES);
      const s = await summaryFor(c.env.DB, pilot, Date.now());
      await audit(getDb(c.env.DB), principalActor(c), "export.wide_csv", Date.now(), {
        pilotId: pilot.id,
        details: { rows: s.participantCount },
      });
      return download(c, wideCsv(s), "text/csv; charset=utf-8", `${pilot.key}-wide.csv`);
    },
  )
  .get(
    op({
      method: "get",
      path: "/api/v1/pilots/:pilot/summary/codebook.csv",
      summary: "Codebook of wide.csv (CSV)",
      access: "read",
      produces: "text/csv",
    }),
    async (c) => {
      const pilot = await pilotFor(c, READ_ROLES);
      const s = await summaryFor(c.env.DB, pilot, Date.now());
      await audit(getDb(c.env.DB), principalActor(c), "export.codebook_csv", Date.now(), { pilotId: pilot.id });
      return download(c, codebookCsv(s), "text/csv; charset=utf-8", `${pilot.key}-codebook.csv`);
    },
  )
  .get(
    op({
      method: "get",
      path: "/api/v1/pilots/:pilot/summary/wide.xlsx",
      summary:
        "wide.csv as an Excel workbook (numbers rounded to the documented decimals) with its codebook as a second sheet",
      access: "read",
      produces: XLSX_TYPE,
    }),
    async (c) => {
      const pilot = await pilotFor(c, READ_ROLES);
      const s = await summaryFor(c.env.DB, pilot, Date.now());
      await audit(getDb(c.env.DB), principalActor(c), "export.wide_xlsx", Date.now(), {
        pilotId: pilot.id,
        details: { rows: s.participantCount },
      });
      return download(c, wideXlsx(s), XLSX_TYPE, `${pilot.key}-wide.xlsx`);
    },
  )
  .get(
    op({
      method: "get",
      path: "/api/v1/pilots/:pilot/summary/wide.sps",
      summary: "SPSS syntax that reads wide.csv with variable and value labels and missing values",
      access: "read",
      produces: "text/plain",
    }),
    async (c) => {
      const pilot = await pilotFor(c, READ_ROLES);
      const s = await summaryFor(c.env.DB, pilot, Date.now());
      await audit(getDb(c.env.DB), principalActor(c), "export.wide_sps", Date.now(), { pilotId: pilot.id });
      return download(
        c,
        spssSyntax(wideVariables(s), `${pilot.key}-wide.csv`, pilot.key),
        "text/plain; charset=utf-8",
        `${pilot.key}-wide.sps`,
      );
    },
  )
  .get(
    op({
      method: "get",
      path: "/api/v1/pilots/:pilot/summary/wide.R",
      summary: "R script that reads wide.csv with variable and value labels and missing values",
      access: "read",
      produces: "text/plain",
    }),
    async (c) => {
      const pilot = await pilotFor(c, READ_ROLES);
      const s = await summaryFor(c.env.DB, pilot, Date.now());
      await audit(getDb(c.env.DB), principalActor(c), "export.wide_r", Date.now(), { pilotId: pilot.id });
      return download(
        c,
        rScript(wideVariables(s), `${pilot.key}-wide.csv`, pilot.key),
        "text/plain; charset=utf-8",
        `${pilot.key}-wide.R`,
      );
    },
  )
  .get(
    op({
      method: "get",
      path: "/api/v1/pilots/:pilot/summary/answers-codebook.csv",
      summary: "Item codebook of answers.csv: wording (nl/en), instrument, version, subscale, reverse keying (CSV)",
      access: "read",
      produces: "text/csv",
    }),
    async (c) => {
      const pilot = await pilotFor(c, READ_ROLES);
      const versions = await c.env.DB.prepare(
        `SELECT i.key, v.version, v.definition FROM instrument_versions v JOIN instruments i ON i.id = v.instrument_id
       WHERE i.kind != 'staff' AND (i.pilot_id IS NULL OR i.pilot_id = ?)`,
      )
        .bind(pilot.id)
        .raw<[string, number, string]>();
      await audit(getDb(c.env.DB), principalActor(c), "export.answers_codebook_csv", Date.now(), {
        pilotId: pilot.id,
        details: { versions: versions.length },
      });
      const rows = versions.map(([key, version, definition]) => ({
        key,
        version,
        definition: JSON.parse(definition) as InstrumentDefinition,
      }));
      return download(c, itemCodebookCsv(rows), "text/csv; charset=utf-8", `${pilot.key}-answers-codebook.csv`);
    },
  )
  .get(
    op({
      method: "get",
      path: "/api/v1/pilots/:pilot/summary/answers.csv",
      summary:
        "Every stored answer, long format (CSV); comments only with comments=1, for researchers of the pilot (others 403)",
      access: "read",
      query: COMMENTS_QUERY,
      produces: "text/csv",
    }),
    async (c) => {
      const { pilot, withComments: comments } = await pilotForDownload(c);
      const rows = await loadAllAnswers(c.env.DB, pilot.id);
      await audit(getDb(c.env.DB), principalActor(c), "export.answers_csv", Date.now(), {
        pilotId: pilot.id,
        details: { rows: rows.length, comments },
      });
      return download(
        c,
        answersCsv(rows, comments),
        "text/csv; charset=utf-8",
        `${pilot.key}-answers${comments ? "-with-comments" : ""}.csv`,
      );
    },
  )
  .get(
    op({
      method: "get",
      path: "/api/v1/pilots/:pilot/summary/report.html",
      summary: "Self-contained HTML report; comments only with comments=1, for researchers of the pilot (others 403)",
      access: "read",
      query: COMMENTS_QUERY,
      produces: "text/html",
    }),
    async (c) => {
      const { pilot, withComments } = await pilotForDownload(c);
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
      await audit(getDb(c.env.DB), principalActor(c), "export.report_html", now, {
        pilotId: pilot.id,
        details: { participants: s.participantCount, comments: withComments },
      });
      const html = `<!doctype html>${renderToString(ReportDocument({ s, plots, comments: commentData, generatedAt: now }))}`;
      return download(
        c,
        html,
        "text/html; charset=utf-8",
        `${pilot.key}-report${withComments ? "-with-comments" : ""}.html`,
      );
    },
  )
  // A full recompute rewrites every stored indicator of the pilot and costs the whole pilot's answers in
  // reads: a researcher's (write-role) action, not a reader's.
  .post(
    op({
      method: "post",
      path: "/api/v1/pilots/:pilot/recompute",
      summary: "Full recompute of the pilot's stored indicators (researchers of the pilot and admins)",
      access: "write",
      body: RECOMPUTE_BODY,
      response: recomputeResponse,
    }),
    async (c) => {
      const pilot = await pilotFor(c, WRITE_ROLES);
      // Counted while it is read (chunked bodies too): a large body is refused before it is read whole.
      await enforceBodyLimit(c, BODY_LIMITS.tiny);
      const raw = await c.req.text();
      let force = false;
      if (raw.trim()) {
        let body: unknown;
        try {
          body = JSON.parse(raw);
        } catch {
          throw new AppError("validation", "Body must be JSON");
        }
        if (!body || typeof body !== "object" || Array.isArray(body))
          throw new AppError("validation", "Body must be a JSON object");
        const extra = Object.keys(body).filter((k) => k !== "force");
        if (extra.length) throw new AppError("validation", `Unknown fields: ${extra.join(", ")}`);
        const f = (body as { force?: unknown }).force;
        if (f !== undefined && typeof f !== "boolean") throw new AppError("validation", "force must be a boolean");
        force = f === true;
      }
      const started = Date.now();
      const result = await recomputePilot(c.env.DB, pilot.id, started, { force });
      const ms = Date.now() - started;
      await audit(getDb(c.env.DB), principalActor(c), "analysis.recompute", Date.now(), {
        pilotId: pilot.id,
        details: { ...result, force, ms },
      });
      return c.json({ pilot: pilot.key, ...result, force, ms });
    },
  );
