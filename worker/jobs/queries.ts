// The data of the reminder runs: the run records the real run (./scheduled.ts) and the dry run (./preview.ts)
// write, what they read beyond the domains' own data functions, and the run history behind the researcher's
// reminder API and page (./routes.ts): the recorded runs of a pilot, with its share of the cron runs over
// every pilot.
import type { ParticipantStatus } from "../../schema/tables";
import { getDb, schema } from "../db";
import { auditStatement, type Actor } from "../lib/audit";
import type { RunRecordCounts, RunTrigger } from "./scheduled";

/** Who started a run, as its record keeps it; `pilotId` null: a cron run over every pilot. */
type RunOrigin = { pilotId: number | null; trigger: RunTrigger["type"]; by: string };

/**
 * Opens a real run's record. In the same batch (one transaction) the records of real runs started before
 * `abandonedBefore` and never finished (their Worker died) are closed as aborted. Returns the new record's id.
 */
export async function openRun(d1: D1Database, run: RunOrigin, now: number, abandonedBefore: number): Promise<number> {
  const [, opened] = await d1.batch<{ id: number }>([
    d1
      .prepare(
        "UPDATE reminder_runs SET finished_at = ?1, counts = ?2 " +
          "WHERE finished_at IS NULL AND dry_run = 0 AND started_at < ?3",
      )
      .bind(now, JSON.stringify({ aborted: 1 }), abandonedBefore),
    d1
      .prepare(
        "INSERT INTO reminder_runs (pilot_id, trigger, triggered_by, dry_run, started_at) " +
          "VALUES (?, ?, ?, 0, ?) RETURNING id",
      )
      .bind(run.pilotId, run.trigger, run.by, now),
  ]);
  return opened!.results[0]!.id;
}

/**
 * Finishes a real run's record with its counts and writes its audit row, in one batch: a run is finished and
 * audited, or neither (the next run closes it as aborted).
 */
export async function finishRun(
  d1: D1Database,
  runId: number,
  finishedAt: number,
  counts: RunRecordCounts,
  entry: { actor: Actor; now: number; pilotId: number | null; details: Record<string, unknown> },
): Promise<void> {
  await d1.batch([
    d1
      .prepare("UPDATE reminder_runs SET finished_at = ?, counts = ? WHERE id = ?")
      .bind(finishedAt, JSON.stringify(counts), runId),
    auditStatement(d1, entry.actor, "reminder_run", entry.now, {
      pilotId: entry.pilotId,
      target: `run:${runId}`,
      details: entry.details,
    }),
  ]);
}

/** The record of a dry run, written whole (it sends nothing, so it cannot die half-way). Returns its id. */
export async function recordDryRun(
  d1: D1Database,
  run: RunOrigin & { pilotId: number },
  startedAt: number,
  finishedAt: number,
  counts: Record<string, number>,
): Promise<number> {
  const [row] = await getDb(d1)
    .insert(schema.reminderRuns)
    .values({
      pilotId: run.pilotId,
      trigger: run.trigger,
      triggeredBy: run.by,
      dryRun: true,
      startedAt,
      finishedAt,
      counts,
    })
    .returning({ id: schema.reminderRuns.id });
  return row!.id;
}

/**
 * Queues youths for the next run's recompute (and so its staff signals), keeping an earlier request where one
 * is queued already.
 */
export async function requeueRecompute(d1: D1Database, participantIds: number[], now: number): Promise<void> {
  await d1
    .prepare(
      `INSERT INTO recompute_queue (participant_id, requested_at) SELECT value, ?1 FROM json_each(?2) WHERE true
         ON CONFLICT (participant_id) DO NOTHING`,
    )
    .bind(now, JSON.stringify(participantIds))
    .run();
}

/** A pilot's youths with what the reminder policy asks of them (the dry run plans occasions not yet opened). */
export async function planningPeople(d1: D1Database, pilotId: number) {
  const { results } = await d1
    .prepare(
      `SELECT p.id, p.status, p.reminders_paused_until, c.email_enc IS ` +
        `NOT NULL AS has_email, c.mentor_email_enc IS NOT NULL AS has_mentor
         FROM participants p LEFT JOIN participant_contacts c ON c.participant_id = p.id WHERE p.pilot_id = ?`,
    )
    .bind(pilotId)
    .all<{
      id: number;
      status: ParticipantStatus;
      reminders_paused_until: number | null;
      has_email: number;
      has_mentor: number;
    }>();
  return results;
}

/** Every occasion of a pilot with its youth's code and its due date (the dry run's queued outbox rows). */
export async function occasionCodes(d1: D1Database, pilotId: number) {
  const { results } = await d1
    .prepare(
      "SELECT p.id, p.code, o.id AS occasion_id, o.due_date FROM participants " +
        "p JOIN occasions o ON o.participant_id = p.id WHERE p.pilot_id = ?",
    )
    .bind(pilotId)
    .all<{ id: number; code: string; occasion_id: number; due_date: string }>();
  return results;
}

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
