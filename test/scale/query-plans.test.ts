// Scale on paper (issue 11, item 8): every hot query uses an index.
//
// The app's own code paths run against the real migrated D1 through a recording binding
// (test/support/statement-log.ts): the youth's questionnaire GET and POST and her pause link, three runs of the
// scheduled job (open → close → plan → send → recompute), a delivery claim, a recompute that removes
// stale indicators, the researcher's overview and reminders page, the admin's audit view and every
// summary download. Each distinct statement they sent is then run through `EXPLAIN QUERY PLAN` with
// the values it was sent with. Because the SQL comes from the code as it runs, a changed query is
// checked as changed — nothing here copies SQL.
//
// The rule: no `SCAN` (a full pass over a table, also `SCAN … USING [COVERING] INDEX`, which walks a
// whole index) and no `AUTOMATIC` index (built by a full pass at query time) on a table that grows with
// youths, answers or runs — except the few reads listed in ACCEPTED_SCANS, each of which really reads the
// whole table (or stops after LIMIT), with the reason next to it. Plans are taken without sqlite_stat1
// (D1 does not run ANALYZE for us), i.e. with SQLite's default estimates, as on a fresh production D1.
//
// Migration 0002 added the indexes this test asked for; the README ("Schaal / Scale") lists them.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../worker/app";
import { recomputeParticipants } from "../../worker/analysis/recompute";
import { seedDemo } from "../../worker/demo/seed";
import { createFixturePilot } from "../../worker/dev/fixtures";
import { runScheduled } from "../../worker/jobs/scheduled";
import { deliverOutbox } from "../../worker/reminders/outbox";
import { pauseToken } from "../../worker/survey/pause-token";
import { linkToken } from "../../worker/survey/links";
import { BASE } from "../support/http";
import { explain, planText, recordingD1, StatementLog, type PlanRow, type Recorded } from "../support/statement-log";

const DAY = 86_400_000;

/** Tables that grow with youths, answers, messages or runs. */
const BIG_TABLES = new Set([
  "participants",
  "participant_contacts",
  "occasions",
  "secure_links",
  "responses",
  "occasion_timings",
  "outbox",
  "reminder_runs",
  "indicator_results",
  "recompute_queue",
  "staff_forms",
  "audit_log",
  "draft_answers",
  "drafts",
  "signals",
  "comment_tags",
]);

/** Full passes that are the point of the query. Every entry must still be exercised (checked below). */
const ACCEPTED_SCANS: { table: string; sql: RegExp; why: string }[] = [
  {
    table: "participants",
    sql: /FROM participants WHERE status IN \('active','left_care'\)$/,
    why:
      "the scheduled job plans the occasions of every youth in care of " +
      "every pilot: it reads the whole table (one row per youth) by design",
  },
  {
    table: "recompute_queue",
    sql: /FROM recompute_queue ORDER BY requested_at LIMIT/,
    why:
      "the scheduled job drains the queue: it reads all of it " +
      "(only youths with answers since the last run are in it)",
  },
  {
    table: "reminder_runs",
    sql: /FROM reminder_runs WHERE pilot_id = \? OR pilot_id IS NULL ORDER BY id DESC LIMIT/,
    why:
      "newest runs first: walks the rowid backwards and stops after LIMIT " +
      "rows; the cron's own runs (pilot_id NULL) match, so it stops early",
  },
];

/** Statements each phase must have sent, so that a path that stops running here is noticed. */
const HOT: Record<string, RegExp[]> = {
  // The GET's one batch; instrument definitions come from the isolate's cache once read
  // (worker/studies/instruments.ts).
  "youth GET": [
    new RegExp(
      "FROM secure_links l JOIN occasions o ON o.id = l.occasion_id " +
        String.raw`JOIN participants p ON p.id = o.participant_id\s+JOIN pilots pl`,
    ),
    /INSERT OR IGNORE INTO occasion_timings/,
    /JOIN draft_answers a ON a.occasion_id = o.id/,
  ],
  "youth POST": [
    /DELETE FROM draft_answers WHERE occasion_id = \?1 AND instrument_version_id/,
    /INSERT INTO draft_answers/,
    /INSERT INTO drafts/,
    /DELETE FROM drafts WHERE occasion_id/,
    /INSERT INTO responses/,
    /UPDATE secure_links SET used_at/,
    /UPDATE occasion_timings SET submitted_at/,
    /INSERT INTO recompute_queue/,
    /UPDATE outbox SET status = 'cancelled', last_error = 'completed'/,
    /UPDATE occasions SET status = 'completed'/,
  ],
  "youth pause": [
    /UPDATE participants SET reminders_paused_until/,
    /UPDATE outbox SET next_attempt_at = max/,
    /INSERT INTO audit_log \(at, actor_type/, // audit() writes through auditStatement (worker/lib/audit.ts)
  ],
  cron: [
    /FROM participants WHERE status IN/,
    /INSERT INTO occasions/,
    /UPDATE outbox SET status = 'cancelled', last_error = 'closed'/,
    /UPDATE occasions SET status = 'missed'/,
    /WHERE status = 'sending' AND claimed_at <=/,
    /FROM occasions o JOIN participants p ON p.id = o.participant_id LEFT JOIN participant_contacts/,
    /FROM outbox b\s+JOIN occasions o ON o.id = b.occasion_id/,
    /INSERT INTO outbox/,
    /SELECT id, pilot_id FROM outbox WHERE status = 'queued'/,
    /SET status = 'sending'/,
    /INSERT INTO secure_links/,
    /UPDATE outbox SET send_started_at/,
    /UPDATE outbox SET status = \?1, last_error = \?2/,
    /FROM recompute_queue ORDER BY/,
    /INSERT INTO audit_log \(at, actor_type/, // the run's audit row (auditStatement, worker/lib/audit.ts)
  ],
  deliver: [
    /SET status = 'sending'/,
    /FROM outbox b LEFT JOIN occasions o ON o.id = b.occasion_id/,
    /INSERT INTO secure_links/,
  ],
  recompute: [
    /FROM participants p JOIN pilots pl/,
    /group_concat\(r.occasion_id\)/,
    /FROM occasions o JOIN responses r/,
    /SELECT participant_id, indicator, fingerprint FROM indicator_results/,
    /INSERT INTO indicator_results/,
    /DELETE FROM recompute_queue/,
  ],
  "recompute stale": [/DELETE FROM indicator_results/],
  "staff overview": [
    /from "participants" where "participants"."pilot_id" = \?/,
    /from "occasions" where "occasions"."participant_id" in/,
    /from "outbox" where \("outbox"."pilot_id" = \? and "outbox"."participant_id" in/,
    /from "participant_contacts"/,
  ],
  "reminders page": [
    /FROM outbox b JOIN participants p ON p.id = b.participant_id/,
    /FROM audit_log a/,
    /FROM reminder_runs/,
    /from "audit_log" where/,
  ],
  downloads: [
    new RegExp(
      String.raw`FROM indicator_results r JOIN participants p ON p.id = r.participant_id\s+` +
        String.raw`WHERE p.pilot_id = \? AND r.indicator NOT LIKE`,
    ),
    new RegExp(
      "SELECT id, code, status, pilot_start_date AS pilotStartDate, left_care_at AS leftCareAt " +
        String.raw`FROM participants WHERE pilot_id = \?`,
    ),
    /FROM staff_forms f JOIN participants p ON p.id = f.participant_id\s+WHERE f.form = 'risl' AND p.pilot_id IN/,
    /FROM occasions o JOIN participants p ON p.id = o.participant_id WHERE p.pilot_id = \?1 GROUP BY/,
    /FROM occasion_timings t JOIN occasions o/,
    /FROM staff_forms f JOIN participants p/,
    /FROM responses r JOIN occasions o ON o.id = r.occasion_id JOIN participants p/,
    /r.comment IS NOT NULL/,
    /group_concat\(r.occasion_id\)/,
  ],
};

/** alias (or name) → table for every table a statement names. */
function tablesOf(sql: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /\b(?:FROM|JOIN|UPDATE|INTO)\s+"?(\w+)"?(?:\s+(?:AS\s+)?(\w+))?/gi;
  const keywords = new RegExp(
    "^(WHERE|ON|SET|JOIN|LEFT|INNER|CROSS|ORDER|GROUP|LIMIT|VALUES|SELECT|USING|AS|WITH|DEFAULT|RETURNING|UNION|" +
      "HAVING)$",
    "i",
  );
  for (const m of sql.matchAll(re)) {
    const table = m[1]!;
    out.set(table, table);
    if (m[2] && !keywords.test(m[2])) out.set(m[2], table);
  }
  return out;
}

/** What in a plan breaks the rule; empty when every big table is reached through an index. */
function violations(r: Pick<Recorded, "sql">, plan: PlanRow[]): string[] {
  const names = tablesOf(r.sql);
  const isInsert = /^\s*INSERT/i.test(r.sql);
  const bad: string[] = [];
  for (const { detail } of plan) {
    const m = /^(SCAN|SEARCH) (\w+)/.exec(detail);
    if (!m || m[2] === "CONSTANT" || /VIRTUAL TABLE/.test(detail)) continue;
    const table = names.get(m[2]!);
    if (table === undefined) {
      // A table the statement does not name: SQLite's foreign-key check of rows referring to the row
      // being written. On INSERT into the parent it runs only while a deferred foreign-key violation is
      // outstanding (OP_FkIfZero), which never happens here; on UPDATE/DELETE it runs and counts.
      if (isInsert) continue;
      if (BIG_TABLES.has(m[2]!) && (m[1] === "SCAN" || /AUTOMATIC/.test(detail)))
        bad.push(`${detail} (foreign-key check)`);
      continue;
    }
    if (!BIG_TABLES.has(table)) continue;
    if (m[1] === "SCAN" || /AUTOMATIC/.test(detail)) {
      if (ACCEPTED_SCANS.some((a) => a.table === table && a.sql.test(oneLine(r.sql)))) continue;
      bad.push(`${detail} (${table})`);
    }
  }
  return bad;
}

const oneLine = (sql: string) => sql.replace(/\s+/g, " ").trim();

const log = new StatementLog();
const plans = new Map<string, { rec: Recorded; plan: PlanRow[] }>();

beforeAll(async () => {
  const recEnv = { ...env, DB: recordingD1(env.DB, log) };
  const app = createApp();
  const call = async (path: string, init: RequestInit = {}) => {
    const ctx = createExecutionContext();
    const res = await app.fetch(new Request(`${BASE}${path}`, init), recEnv, ctx);
    await res.arrayBuffer();
    await waitOnExecutionContext(ctx);
    return res.status;
  };
  const form = (fields: Record<string, string>): RequestInit => ({
    method: "POST",
    body: new URLSearchParams(fields),
    headers: { "content-type": "application/x-www-form-urlencoded" },
    redirect: "manual",
  });
  const now = Date.now();
  // The demo study (four pilots, a year of answers, stored indicators) plus a pilot mailed at any hour
  // whose three youths each have a questionnaire falling due today.
  await seedDemo(env.DB, env, now);
  const fx = await createFixturePilot(
    env.DB,
    env,
    now,
    [1, 2, 3].map((i) => ({ email: `scale${i}@example.test`, history: [5, 6, 7] })),
  );

  log.phase = "cron"; // opens, invites (inline: fewer than 50 due), links
  await runScheduled(recEnv, now);
  await runScheduled(recEnv, now + 3 * DAY + 3_600_000); // first reminders, closes what expired

  const open = (
    await env.DB.prepare(
      "SELECT o.id, o.participant_id, o.instrument_version_ids FROM occasions o JOIN participants p ON p.id = " +
        "o.participant_id JOIN pilots pl ON pl.id = p.pilot_id WHERE pl.key = ? AND o.status = 'open' ORDER BY o.id",
    )
      .bind(fx.pilot)
      .all<{ id: number; participant_id: number; instrument_version_ids: string }>()
  ).results;
  expect(open.length).toBe(3);
  const token = await linkToken(env, open[0]!.id);
  log.phase = "youth GET";
  expect(await call(`/q/${token}`)).toBe(200);
  log.phase = "youth POST";
  const welzijn = (JSON.parse(open[0]!.instrument_version_ids) as number[])[0]!;
  expect(await call(`/q/${token}`, form({ [`v.${welzijn}.persoonlijk`]: "7", [`v.${welzijn}.gezin`]: "6" }))).toBe(303);
  log.phase = "youth pause";
  expect(await call(`/p/${await pauseToken(env, open[1]!.participant_id)}`, form({}))).toBe(200);

  log.phase = "cron";
  await runScheduled(recEnv, now + 3 * DAY + 4_000_000);
  log.phase = "deliver"; // a claim of a due message (the queue consumer's path)
  const queued = await env.DB.prepare(
    "INSERT INTO outbox (key, occasion_id, participant_id, pilot_id, kind, seq, status, next_attempt_at) " +
      "SELECT o.id || ':reminder:9', o.id, o.participant_id, p.pilot_id, 'reminder', 9, 'queued', " +
      "0 FROM occasions o JOIN participants p ON p.id = o.participant_id WHERE o.id = ? RETURNING id",
  )
    .bind(open[2]!.id)
    .first<number>("id");
  await deliverOutbox(recEnv, [queued!], () => now + 3 * DAY + 4_000_000);

  log.phase = "recompute"; // the cron's recompute, isolated: one youth queued whose stored rows are outdated
  await env.DB.prepare("UPDATE indicator_results SET fingerprint = '' WHERE participant_id = ?")
    .bind(open[0]!.participant_id)
    .run();
  await env.DB.prepare("INSERT OR REPLACE INTO recompute_queue (participant_id, requested_at) VALUES (?, ?)")
    .bind(open[0]!.participant_id, now)
    .run();
  await runScheduled(recEnv, now + 3 * DAY + 5_000_000);
  log.phase = "recompute stale"; // an indicator no longer asked: its stored rows go
  const fier = (
    await env.DB.prepare(
      "SELECT p.id FROM participants p JOIN pilots pl ON pl.id " +
        "= p.pilot_id WHERE pl.key = 'fier' ORDER BY p.id LIMIT 2",
    ).raw<[number]>()
  ).map(([id]) => id);
  const before = await env.DB.prepare(
    "SELECT COUNT(*) AS n FROM indicator_results WHERE participant_id IN (?, ?) AND indicator NOT LIKE 'wave:%'",
  )
    .bind(fier[0], fier[1])
    .first<number>("n");
  expect(before).toBeGreaterThan(0);
  await recomputeParticipants(recEnv.DB, fier, now, { indicatorsOf: () => [] });
  expect(
    await env.DB.prepare(
      "SELECT COUNT(*) AS n FROM indicator_results WHERE participant_id IN (?, ?) AND indicator NOT LIKE 'wave:%'",
    )
      .bind(fier[0], fier[1])
      .first<number>("n"),
  ).toBe(0);

  const auth = { headers: { authorization: `Bearer ${env.DEV_ADMIN_TOKEN}` } };
  log.phase = "staff overview";
  expect(await call("/api/v1/pilots/fier/participants", auth)).toBe(200);
  log.phase = "reminders page";
  for (const p of ["outbox", "reminder-pauses", "reminder-runs"])
    expect(await call(`/api/v1/pilots/${p === "reminder-pauses" ? fx.pilot : "fier"}/${p}`, auth)).toBe(200);
  expect(await call("/api/v1/audit?pilot=fier", auth)).toBe(200);
  log.phase = "downloads";
  for (const d of [
    "indicators.csv",
    "summary.json",
    "wide.csv",
    "codebook.csv",
    "answers.csv?comments=1",
    "report.html?comments=1",
  ])
    expect(await call(`/api/v1/pilots/fier/summary/${d}`, auth)).toBe(200);

  for (const rec of log.distinct()) plans.set(rec.sql, { rec, plan: await explain(env.DB, rec) });
}, 120_000);

describe("query plans of the hot paths (EXPLAIN QUERY PLAN in workerd, real migrated D1)", () => {
  for (const [phase, expected] of Object.entries(HOT)) {
    it(`${phase}: every statement reaches the big tables through an index`, () => {
      const sent = log.distinct([phase]);
      for (const re of expected)
        expect(
          sent.some((r) => re.test(oneLine(r.sql))),
          `${phase} sent no statement matching ${re}`,
        ).toBe(true);
      const problems = sent.flatMap((rec) => {
        const { plan } = plans.get(rec.sql)!;
        const bad = violations(rec, plan);
        return bad.length ? [`${oneLine(rec.sql).slice(0, 240)}\n${planText(plan)}\n→ ${bad.join("; ")}`] : [];
      });
      expect(problems, problems.join("\n\n")).toEqual([]);
    });
  }

  it("no other statement sent along the way scans a big table either", () => {
    const problems = [...plans.values()].flatMap(({ rec, plan }) => {
      const bad = violations(rec, plan);
      return bad.length
        ? [`[${rec.phase}] ${oneLine(rec.sql).slice(0, 240)}\n${planText(plan)}\n→ ${bad.join("; ")}`]
        : [];
    });
    expect(problems, problems.join("\n\n")).toEqual([]);
  });

  it("every accepted full scan is still one the code runs (the list stays honest)", () => {
    for (const a of ACCEPTED_SCANS) {
      const hit = [...plans.values()].find(
        ({ rec, plan }) => a.sql.test(oneLine(rec.sql)) && plan.some((p) => p.detail.startsWith("SCAN ")),
      );
      expect(hit, `no recorded statement still scans ${a.table} as ${a.sql}`).toBeDefined();
    }
  });

  it("the checker itself: a filter without an index is caught, a primary-key lookup is not", async () => {
    const scan = { sql: "SELECT id FROM responses r WHERE r.comment = ?", params: ["x"] };
    expect(violations(scan, await explain(env.DB, scan))).toEqual(["SCAN r (responses)"]);
    const pk = { sql: "SELECT id FROM occasions WHERE id = ?", params: [1] };
    expect(violations(pk, await explain(env.DB, pk))).toEqual([]);
    const auto = {
      sql: "SELECT a.id FROM audit_log a JOIN participants p ON a.target = 'participant:' || p.id WHERE a.action = ?",
      params: ["x"],
    };
    expect(violations(auto, await explain(env.DB, auto)).length).toBeGreaterThan(0);
  });
});
