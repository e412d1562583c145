import { Hono } from "hono";
import { getDb } from "../db";
import { audit } from "../lib/audit";
import { toCsv } from "../lib/csv";
import { pilotFor, requireStaff, type StaffEnv } from "../staff/auth";

export const INDICATOR_COLUMNS = ["participant_code", "indicator", "n", "mean", "min", "max", "slope_per_measurement", "slope_per_day", "kendall_s", "mk_p", "trend", "band"] as const;

/** Downloads read stored results only; the scheduled job computes them. Every download is audited. */
export const reportRoutes = new Hono<StaffEnv>()
  .use(requireStaff)
  .get("/pilots/:pilot/summary/indicators.csv", async (c) => {
    const pilot = await pilotFor(c, ["coordinator", "project_coordinator", "researcher"]);
    const results = await c.env.DB.prepare(
      `SELECT p.code, r.indicator, r.n, r.mean, r.min, r.max, r.slope_per_measurement, r.slope_per_day, r.kendall_s, r.p, r.trend, r.band
       FROM indicator_results r JOIN participants p ON p.id = r.participant_id
       WHERE p.pilot_id = ? ORDER BY p.code, r.indicator`,
    )
      .bind(pilot.id)
      .raw<[string, string, number, number | null, number | null, number | null, number | null, number | null, number | null, number | null, string | null, string | null]>();
    await audit(getDb(c.env.DB), { type: c.get("principal").type, id: c.get("principal").id }, "export.indicators_csv", Date.now(), { pilotId: pilot.id, details: { rows: results.length } });
    c.header("Content-Type", "text/csv; charset=utf-8");
    c.header("Content-Disposition", `attachment; filename="${pilot.key}-indicators.csv"`);
    c.header("Cache-Control", "no-store");
    return c.body(toCsv([...INDICATOR_COLUMNS], results));
  });
