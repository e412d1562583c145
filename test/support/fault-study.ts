// The fault suite's study for runs and recomputes: two youths due today at a fresh SMTP sink domain (one with
// answers waiting for her recompute), what a run may leave after a fault, and where the next run must leave it.
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { openDueOccasions } from "../../worker/studies/occasions";
import { ABANDONED_RUN_MS } from "../../worker/jobs/scheduled";
import { enqueueMessages, planMessages, STALE_CLAIM_MS } from "../../worker/reminders/outbox";
import { addDays, localDate } from "../../worker/schedule/schedule";
import { cronWith } from "./handlers";
import { perRecipient, sinkFor, uniqueDomain } from "./mail";
import { apiToken } from "./staff";
import { addHistory, ALWAYS_SEND, makeParticipant, makePilot } from "./study";

export const TZ = "Europe/Amsterdam";
const DAY = 86_400_000;
/** How much later "the next run" comes: past the stale-claim time and the first retry backoff. */
export const NEXT_RUN_MS = STALE_CLAIM_MS + 60_000;

/** The first youth's five answered fortnights: falling, so her recompute raises a staff signal. */
const HISTORY = [8, 7, 6, 5, 3];
/** Youths per study: two (each mail costs an SMTP delivery, and each case sends every one). */
export const YOUTHS = 2;
/**
 * Youths due today (the first with five answered fortnights waiting for her recompute and signals, the second with a
 * third missed questionnaire to be closed), each with an address at a fresh sink domain.
 */
export async function study(opts: { planned?: boolean } = {}) {
  const now = Date.now();
  const today = localDate(now, TZ);
  const sink = sinkFor(uniqueDomain("fault"));
  const { pilot, versions } = await makePilot({ settings: ALWAYS_SEND });
  const youths = [];
  for (let i = 0; i < YOUTHS; i++) {
    const history = i === 0 ? HISTORY : [];
    const start = addDays(today, -14 * history.length);
    const p = await makeParticipant(pilot.id, { start, email: sink.address(`y${i}-${pilot.key}`) });
    if (history.length) {
      await addHistory(p.id, versions, start, history);
      await env.DB.prepare("INSERT INTO recompute_queue (participant_id, requested_at) VALUES (?, ?)")
        .bind(p.id, now - 1000)
        .run();
    } else {
      // two missed questionnaires and a third whose window has just closed: the run that closes it raises a signal
      const missed =
        `INSERT INTO occasions (participant_id, kind, seq, due_date, ` +
        `opens_at, closes_at, status, instrument_version_ids)
        VALUES (?1, 'frequent', ?2, ?3, ?4, ?5, ?6, '[]')`;
      await env.DB.batch([
        env.DB.prepare(missed).bind(p.id, 10, "2099-01-01", now - 50 * DAY, now - 20 * DAY, "missed"),
        env.DB.prepare(missed).bind(p.id, 11, "2099-01-15", now - 50 * DAY, now - 10 * DAY, "missed"),
        env.DB.prepare(missed).bind(p.id, 12, "2099-01-29", now - 50 * DAY, now - 1000, "open"),
      ]);
    }
    youths.push(p);
  }
  let outboxIds: number[] = [];
  if (opts.planned) {
    // planned by an earlier run: the queue consumer's share of the work
    await openDueOccasions(env.DB, now, pilot.id);
    await enqueueMessages(env.DB, await planMessages(env.DB, now, { pilotId: pilot.id }), now, null);
    outboxIds = (
      await env.DB.prepare("SELECT id FROM outbox WHERE pilot_id = ? ORDER BY id").bind(pilot.id).all<{ id: number }>()
    ).results.map((r) => r.id);
    expect(outboxIds).toHaveLength(YOUTHS);
  }
  const token = await apiToken("researcher", [pilot.id]);
  return { now, sink, pilot, youths, outboxIds, token };
}
export type Study = Awaited<ReturnType<typeof study>>;

export const ids = (f: Study) => JSON.stringify(f.youths.map((y) => y.id));
export async function outboxOf(f: Study) {
  return (
    await env.DB.prepare("SELECT occasion_id, kind, seq, status, last_error FROM outbox WHERE pilot_id = ? ORDER BY id")
      .bind(f.pilot.id)
      .all<{ occasion_id: number; kind: string; seq: number; status: string; last_error: string | null }>()
  ).results;
}
/** The rows a query over the study's youths returns (its `?` is their ids as a JSON array). */
const IN_YOUTHS = "participant_id IN (SELECT value FROM json_each(?))";
const ofYouths = async (f: Study, sql: string) => (await env.DB.prepare(sql).bind(ids(f)).all()).results;
export const indicatorsOf = (f: Study) =>
  ofYouths(
    f,
    `SELECT indicator, n, mean, trend, band, fingerprint FROM indicator_results WHERE ${IN_YOUTHS}
    ORDER BY indicator`,
  );
export const signalsOf = (f: Study) =>
  ofYouths(f, `SELECT rule, indicator, status FROM signals WHERE ${IN_YOUTHS} ORDER BY rule, indicator`);
export const queuedRecomputes = async (f: Study) =>
  (await ofYouths(f, `SELECT COUNT(*) AS n FROM recompute_queue WHERE ${IN_YOUTHS}`))[0]!.n as number;
export const unfinishedRuns = async () =>
  (await env.DB.prepare("SELECT COUNT(*) AS n FROM reminder_runs WHERE finished_at IS NULL").first<number>("n"))!;
export const openOccasions = async (f: Study) =>
  (await env.DB.prepare(
    "SELECT COUNT(*) AS n FROM occasions o JOIN participants p ON " +
      "p.id = o.participant_id WHERE p.pilot_id = ? AND o.status = 'open'",
  )
    .bind(f.pilot.id)
    .first<number>("n"))!;

/** What every failed attempt may leave: never a second mail, never two rows for one message, indicators old or new. */
export async function checkNothingHalf(f: Study, fresh: Fresh) {
  const { messages } = await f.sink.messages();
  for (const [, n] of perRecipient(messages)) expect(n).toBe(1);
  const rows = await outboxOf(f);
  expect(new Set(rows.map((r) => `${r.occasion_id}:${r.kind}:${r.seq}`)).size).toBe(rows.length);
  expect(rows.every((r) => r.kind === "invitation")).toBe(true);
  const indicators = await indicatorsOf(f);
  expect([[], fresh.indicators]).toContainEqual(indicators);
}

/** What a fault-free run leaves for the study's youths: their indicator rows and staff signals (cleanRun). */
export type Fresh = { indicators: unknown[]; signals: unknown[] };

/** Where the next run must leave every case: as a fault-free run does. */
export async function checkResumed(f: Study, fresh: Fresh) {
  const { messages } = await f.sink.messages();
  const counts = perRecipient(messages);
  expect(counts.size).toBe(YOUTHS);
  for (const [, n] of counts) expect(n).toBe(1);
  const rows = await outboxOf(f);
  expect(rows).toHaveLength(YOUTHS);
  expect(rows.map((r) => [r.status, r.last_error])).toEqual(rows.map(() => ["sent", null]));
  expect(await openOccasions(f)).toBe(YOUTHS);
  expect(await indicatorsOf(f)).toEqual(fresh.indicators);
  expect(await queuedRecomputes(f)).toBe(0);
  expect(await unfinishedRuns()).toBe(0);
  expect(await signalsOf(f)).toEqual(fresh.signals);
}

/** Its youths leave the study, so later cases' runs have nothing of this one to do. */
export async function retire(f: Study) {
  await env.DB.batch([
    env.DB.prepare(
      "UPDATE occasions SET status = 'missed' WHERE participant_id IN " +
        "(SELECT value FROM json_each(?)) AND status IN ('open','started')",
    ).bind(ids(f)),
    env.DB.prepare("UPDATE participants SET status = 'withdrawn' WHERE pilot_id = ?").bind(f.pilot.id),
  ]);
}

/**
 * The fault-free run: the indicator rows and signals every case must end with (the same history, so the same rows).
 * Returned, not kept in the module, so each test holds its own.
 */
export async function cleanRun(): Promise<Fresh> {
  const f = await study();
  await cronWith(env, f.now);
  const fresh = { indicators: await indicatorsOf(f), signals: await signalsOf(f) };
  expect(fresh.indicators.length).toBeGreaterThan(0);
  expect(fresh.signals.length).toBeGreaterThan(0);
  await checkResumed(f, fresh);
  await retire(f);
  return fresh;
}

/**
 * The next run, and the one after the abandoned-run time when a record is still open: they finish what the faulted one
 * left.
 */
export async function nextRuns(f: Study) {
  await cronWith(env, f.now + NEXT_RUN_MS);
  if (await unfinishedRuns()) await cronWith(env, f.now + ABANDONED_RUN_MS + NEXT_RUN_MS);
}
