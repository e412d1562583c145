// The run history behind the researcher's reminder API and page (./routes.ts): the recorded runs of a pilot,
// with its share of the cron runs over every pilot (./scheduled.ts records them).
import type { RunRecordCounts } from "./scheduled";

export async function listRuns(d1: D1Database, pilotId: number, limit: number) {
  const { results } = await d1
    .prepare(
      "SELECT id, pilot_id, trigger, triggered_by, dry_run, started_at, finished_at, counts " +
        "FROM reminder_runs WHERE pilot_id = ? OR pilot_id IS NULL ORDER BY id DESC LIMIT ?",
    )
    .bind(pilotId, limit)
    .all<{
      id: number;
      pilot_id: number | null;
      trigger: string;
      triggered_by: string;
      dry_run: number;
      started_at: number;
      finished_at: number | null;
      counts: string | null;
    }>();
  return results.map((r) => ({
    id: r.id,
    scope: r.pilot_id === null ? "all_pilots" : "pilot",
    trigger: r.trigger,
    triggeredBy: r.triggered_by,
    dryRun: !!r.dry_run,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    counts: r.counts ? countsFor(JSON.parse(r.counts) as RunRecordCounts, r.pilot_id, pilotId) : null,
  }));
}

/**
 * A run's counts as one pilot may see them: its own runs whole; a cron run (over every pilot) only this
 * pilot's share, zeros if the run had nothing of it. A cron run recorded before shares were kept shows no
 * counts rather than every pilot's totals.
 */
function countsFor(c: RunRecordCounts, runPilot: number | null, pilotId: number): Record<string, number> | null {
  const { byPilot, ...own } = c;
  if (runPilot !== null) return own;
  if (!byPilot) return null;
  const zeros = Object.fromEntries(Object.keys(own).map((k) => [k, 0]));
  return { ...zeros, ...byPilot[String(pilotId)], runId: c.runId };
}
