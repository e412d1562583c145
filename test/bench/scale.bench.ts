// Scale, measured (issue 11, item 8): one study's year, run through the app's own code paths inside
// workerd with the real local D1, then extrapolated to 100 studies × 1,000 youths.
//
// The year: 250 youths over the four pilots (the report's 12 : 8 : 8 : 5), enrolled with the app's
// enrol() over the first two weeks (250, not 1,000: every mail goes through the real delivery code, and a
// 1,000-youth year takes about seven minutes on a 2-core machine; the figures are per youth); every day at 10:00
// Amsterdam time the scheduled job runs
// (runScheduled: open → close → plan → send inline or fan out → recompute); fanned-out queue messages are
// delivered by the consumer's deliverOutbox; mail leaves through a send_email binding that accepts
// everything (no network). Youths answer with parseAnswers + storeAnswers (the POST's own write path):
// 22 % answer on a day a message reached them, 2 % on other days — about two in three occasions.
// Some press the pause link; researchers and coordinators look at the overview and download monthly.
// Every D1 statement passes a recording binding (test/support/statement-log.ts) that counts statements and
// D1's own rows_written / rows_read per phase.
//
// Then a burst: 1,000 new youths who all start on the same day, so that one cron run opens, plans and
// fans out everything at once (the worst case for one run), and the queue consumer delivers it.
//
// Figures are printed (`BENCH scale…`), never asserted; assertions only check that the work was done.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { PILOT_WAVE_INSTRUMENT } from "../../schema/instruments/definitions";
import { createApp } from "../../worker/app";
import { rng } from "../../worker/demo/random"; // the demo seed's PRNG: the same year on every machine
import { getDb, schema } from "../../worker/db";
import type { Env, MailQueueMessage } from "../../worker/env";
import { collectDueOccasions } from "../../worker/studies/occasions";
import { runScheduled } from "../../worker/jobs/scheduled";
import { deliverOutbox } from "../../worker/reminders/outbox";
import { pauseToken } from "../../worker/survey/pause-token";
import { addDays, localDate, zonedTimeToUtc } from "../../worker/schedule/schedule";
import { setContact } from "../../worker/studies/contacts";
import { ensureBuiltInInstruments, loadAsked } from "../../worker/studies/instruments";
import { enrol } from "../../worker/studies/participants";
import { parseAnswers } from "../../worker/survey/answers";
import { linkToken } from "../../worker/survey/links";
import { FIRST_OPENED_SQL, storeAnswers } from "../../worker/survey/store";
import type { AskedInstrument } from "../../schema/instruments/definitions";
import { BASE } from "../support/http";
import { recordingD1, StatementLog, type Counts } from "../support/statement-log";

const TZ = "Europe/Amsterdam";
const PILOTS = [
  { key: "fier", youths: 91, burst: 364, settings: {} },
  // The family-home pilot asks its own items every two months (report §2.4.1), as in the demo.
  {
    key: "gezinshuizen",
    youths: 61,
    burst: 242,
    settings: { schedule: { instrumentEvery: { pilot_gezinshuizen: 4 } } },
  },
  { key: "sterkhuis", youths: 61, burst: 242, settings: {} },
  { key: "viajeugd", youths: 37, burst: 152, settings: {} },
];
const YOUTHS = PILOTS.reduce((n, p) => n + p.youths, 0);
const BURST_YOUTHS = PILOTS.reduce((n, p) => n + p.burst, 0);
/** The production cron runs every 15 minutes (wrangler.toml). */
const RUNS_PER_DAY = 96;
const ENROL_DAYS = 14;
/** Enrolment, a study year (T3 at day 365) and T3's 28-day window, plus a day to close it. */
const DAYS = ENROL_DAYS + 365 + 28 + 1;
const P_MESSAGE_DAY = 0.22;
const P_OTHER_DAY = 0.02;
const PAUSES = 20;
const STAFF_EVERY_DAYS = 28;
const HTTP_DAY = 200;
const HTTP_ANSWERS = 40;
const MB = 1_000_000;

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(s.length * p))]! : 0;
};
const median = (xs: number[]) => pct(xs, 0.5);
const diff = (a: Counts, b: Counts): Counts => ({
  statements: a.statements - b.statements,
  rowsWritten: a.rowsWritten - b.rowsWritten,
  rowsRead: a.rowsRead - b.rowsRead,
});
const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function dbBytes(): Promise<number> {
  try {
    const pages = await env.DB.prepare("PRAGMA page_count").first<number>("page_count");
    const size = await env.DB.prepare("PRAGMA page_size").first<number>("page_size");
    if (pages && size) return pages * size;
  } catch {
    /* D1 may refuse the pragma: its own meta says the same */
  }
  const r = await env.DB.prepare("UPDATE studies SET name = name WHERE id = -1").run();
  return r.meta.size_after;
}

/** Bytes per table and index (SQLite's dbstat), if this SQLite has it. */
async function tableBytes(): Promise<Map<string, number> | null> {
  try {
    const { results } = await env.DB.prepare("SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name").all<{
      name: string;
      bytes: number;
    }>();
    return new Map(results.map((r) => [r.name, r.bytes]));
  } catch {
    return null;
  }
}

describe("scale: a study's year and a 1,000-youth burst", () => {
  it("measures rows, bytes, writes and times, and extrapolates to 100 studies × 1,000 youths", async () => {
    const benchStart = performance.now();
    const log = new StatementLog(false);
    const rec = recordingD1(env.DB, log);
    const queued: MailQueueMessage[] = [];
    let sendBatchCalls = 0;
    const recEnv: Env = {
      ...(env as unknown as Env),
      DB: rec,
      MAIL_TRANSPORT: "cloudflare",
      EMAIL: { send: async () => undefined } as unknown as SendEmail,
      MAIL_QUEUE: {
        send: async (body: MailQueueMessage) => void queued.push(body),
        sendBatch: async (msgs: { body: MailQueueMessage }[]) => {
          sendBatchCalls++;
          for (const m of msgs) queued.push(m.body);
        },
      } as unknown as Queue<MailQueueMessage>,
    };
    const app = createApp();
    const call = async (path: string, init: RequestInit = {}) => {
      const ctx = createExecutionContext();
      const res = await app.fetch(new Request(`${BASE}${path}`, init), recEnv, ctx);
      const body = await res.text();
      await waitOnExecutionContext(ctx);
      return { status: res.status, body };
    };
    const auth = { headers: { authorization: `Bearer ${env.DEV_ADMIN_TOKEN}` } };
    const rand = rng(20261111);

    // --- the study ---------------------------------------------------------------------------
    const [study] = await getDb(env.DB)
      .insert(schema.studies)
      .values({ key: "scale", name: "Scale bench" })
      .returning();
    const pilots = [];
    for (const p of PILOTS) {
      const [row] = await getDb(env.DB)
        .insert(schema.pilots)
        .values({
          studyId: study!.id,
          key: p.key,
          name: p.key,
          organisation: "Bench",
          timezone: TZ,
          settings: p.settings,
        })
        .returning();
      pilots.push({ ...p, row: row! });
    }
    await ensureBuiltInInstruments(env.DB);
    const bytesBefore = await dbBytes();
    const tablesBefore = await tableBytes();
    const day0 = addDays(localDate(Date.now(), TZ), 1);
    const at = (d: number, h = 10, m = 0) => zonedTimeToUtc(addDays(day0, d), h, m, TZ);

    // Enrolment order: pilots interleaved, spread evenly over the first two weeks.
    const enrolments: { pilot: (typeof pilots)[number]; code: string; day: number }[] = [];
    for (const p of pilots)
      for (let i = 0; i < p.youths; i++)
        enrolments.push({
          pilot: p,
          code: `S-${p.key.slice(0, 3).toUpperCase()}-${String(i + 1).padStart(4, "0")}`,
          day: Math.floor((i * ENROL_DAYS) / p.youths),
        });
    const pauseDays = new Set(Array.from({ length: PAUSES }, (_, i) => 30 + i * 15));

    const perRun: Counts[] = [];
    const runWall: number[] = [];
    const consumerWall: number[] = [];
    let queueMessages = 0;
    let submissions = 0;
    let answerRows = 0;
    let occasionsClosedAnswered = 0;
    const enrolWall: number[] = [];
    const asked = new Map<string, AskedInstrument[]>();
    const http = { get: [] as number[], post: [] as number[], getCounts: [] as Counts[], postCounts: [] as Counts[] };
    let idle: { wall: number; counts: Counts } | null = null;

    for (let d = 0; d < DAYS; d++) {
      const t = at(d);
      // 09:00 — the researchers enrol today's youths (enrol() opens what is due at once).
      log.phase = "enrol";
      for (const e of enrolments.filter((x) => x.day === d)) {
        const t0 = performance.now();
        await enrol(
          rec,
          recEnv,
          e.pilot.row,
          {
            code: e.code,
            pilotStartDate: addDays(day0, d),
            consent: { by: "self", date: addDays(day0, d) },
            email: `${e.code.toLowerCase()}@example.test`,
            mentorEmail: rand() < 0.6 ? `mentor.${e.code.toLowerCase()}@example.test` : null,
          },
          { type: "staff", id: "bench" },
          null,
          at(d, 9),
        );
        enrolWall.push(performance.now() - t0);
      }

      // 10:00 — the scheduled job, then the queue consumer for whatever it fanned out.
      log.phase = "cron";
      const c0 = log.of("cron");
      const r0 = performance.now();
      await runScheduled(recEnv, t);
      runWall.push(performance.now() - r0);
      perRun.push(diff(log.of("cron"), c0));
      log.phase = "queue";
      while (queued.length) {
        const m = queued.shift()!;
        const q0 = performance.now();
        await deliverOutbox(recEnv, m.outboxIds, () => m.now ?? t);
        consumerWall.push(performance.now() - q0);
        queueMessages++;
      }
      if (d === 100) {
        // A quarter of an hour later: what the other 95 runs of a day cost when nothing is due.
        log.phase = "idle";
        const i0 = performance.now();
        await runScheduled(recEnv, t + 15 * 60_000);
        idle = { wall: performance.now() - i0, counts: log.of("idle") };
      }

      // During the day — youths answer; on HTTP_DAY some do it through the real GET and POST.
      const open = (
        await env.DB.prepare(
          `SELECT o.id, o.participant_id, o.instrument_version_ids, p.status,
                (SELECT MAX(b.sent_at) FROM outbox b WHERE b.occasion_id = o.id AND b.status = 'sent') AS last_sent
         FROM occasions o JOIN participants p ON p.id = o.participant_id ` +
            `WHERE o.status IN ('open','started') AND o.opens_at <= ? ORDER BY o.id`,
        )
          .bind(t)
          .all<{
            id: number;
            participant_id: number;
            instrument_version_ids: string;
            status: "active";
            last_sent: number | null;
          }>()
      ).results;
      let viaHttp = 0;
      for (const o of open) {
        if (rand() >= ((o.last_sent ?? 0) >= t ? P_MESSAGE_DAY : P_OTHER_DAY)) continue;
        const ids = JSON.parse(o.instrument_version_ids) as number[];
        const key = `${o.instrument_version_ids}|${o.status}`;
        if (!asked.has(key)) asked.set(key, await loadAsked(env.DB, ids, o.status));
        const form: Record<string, string> = {};
        for (const ins of asked.get(key)!) {
          for (const item of ins.items) {
            if (rand() < 0.04) continue; // an item left untouched
            const k = `${ins.versionId}.${item.key}`;
            if (item.type === "slider") {
              if (item.allowNotApplicable && rand() < 0.3) form[`na.${k}`] = "1";
              else form[`v.${k}`] = String(Math.round(rand() * 10));
              if (item.key === "algemeen" && rand() < 0.05) form[`c.${k}`] = "Gaat wel";
            } else if (item.type === "yesno") form[`v.${k}`] = rand() < 0.25 ? "1" : "0";
            else
              form[`v.${k}`] = String(
                ins.definition.scale!.min +
                  Math.floor(rand() * (ins.definition.scale!.max - ins.definition.scale!.min + 1)),
              );
          }
        }
        if (d === HTTP_DAY && viaHttp < HTTP_ANSWERS) {
          const token = await linkToken(env, o.id);
          log.phase = "youth GET";
          let c = log.of("youth GET");
          let h0 = performance.now();
          expect((await call(`/q/${token}`)).status).toBe(200);
          http.get.push(performance.now() - h0);
          http.getCounts.push(diff(log.of("youth GET"), c));
          log.phase = "youth POST";
          c = log.of("youth POST");
          h0 = performance.now();
          const posted = await call(`/q/${token}`, {
            method: "POST",
            body: new URLSearchParams(form),
            headers: { "content-type": "application/x-www-form-urlencoded" },
            redirect: "manual",
          });
          expect(posted.status).toBe(303);
          http.post.push(performance.now() - h0);
          http.postCounts.push(diff(log.of("youth POST"), c));
          viaHttp++;
          submissions++;
          continue;
        }
        const parsed = parseAnswers(form, asked.get(key)!);
        if (!parsed.ok) continue; // every item skipped: she did not submit
        const ta = t + Math.floor((1 + rand() * 8) * 3_600_000);
        log.phase = "answer";
        await rec
          .prepare(FIRST_OPENED_SQL)
          .bind(o.id, ta - 120_000)
          .run();
        const ok = await storeAnswers(
          rec,
          { occasion: { id: o.id }, participant: { id: o.participant_id } },
          parsed.rows,
          ta,
          "self",
        );
        expect(ok).toBe(true);
        submissions++;
        answerRows += parsed.rows.length;
      }

      // Now and then a youth presses the pause link in her mail.
      if (pauseDays.has(d) && open.length) {
        log.phase = "pause";
        const who = open[Math.floor(rand() * open.length)]!;
        expect(
          (
            await call(`/p/${await pauseToken(env, who.participant_id)}`, {
              method: "POST",
              body: new URLSearchParams({}),
              headers: { "content-type": "application/x-www-form-urlencoded" },
            })
          ).status,
        ).toBe(200);
      }
      // Monthly, per pilot: the researcher's overview and the coordinator's indicators download.
      if (d > 0 && d % STAFF_EVERY_DAYS === 0) {
        log.phase = "staff";
        for (const p of pilots) {
          expect((await call(`/api/v1/pilots/${p.key}/participants`, auth)).status).toBe(200);
          expect((await call(`/api/v1/pilots/${p.key}/summary/indicators.csv`, auth)).status).toBe(200);
        }
      }
    }
    const yearMs = performance.now() - benchStart;

    // --- what a year left behind ---------------------------------------------------------------
    const bytesAfter = await dbBytes();
    const tablesAfter = await tableBytes();
    const tables = [
      "participants",
      "participant_contacts",
      "occasions",
      "secure_links",
      "occasion_timings",
      "responses",
      "outbox",
      "indicator_results",
      "recompute_queue",
      "reminder_runs",
      "audit_log",
    ];
    const rows: Record<string, number> = {};
    for (const t of tables) rows[t] = (await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${t}`).first<number>("n"))!;
    const occ = (
      await env.DB.prepare(
        "SELECT kind, COUNT(*) AS n, SUM(status = 'completed') AS done FROM occasions GROUP BY kind",
      ).all<{ kind: string; n: number; done: number }>()
    ).results;
    const frequent = occ.find((o) => o.kind === "frequent")!;
    const wave = occ.find((o) => o.kind === "wave")!;
    occasionsClosedAnswered = frequent.done + wave.done;
    const outboxByKind = (
      await env.DB.prepare("SELECT kind, status, COUNT(*) AS n FROM outbox GROUP BY kind, status").all<{
        kind: string;
        status: string;
        n: number;
      }>()
    ).results;
    expect(rows.participants).toBe(YOUTHS);
    expect(frequent.n).toBeGreaterThanOrEqual(YOUTHS * 26);
    expect(occasionsClosedAnswered).toBeGreaterThan(0);
    expect(rows.recompute_queue).toBe(0);

    const bytesPerYouth = (bytesAfter - bytesBefore) / YOUTHS;
    const phases = ["enrol", "cron", "queue", "idle", "answer", "youth GET", "youth POST", "pause", "staff"];
    const written = Object.fromEntries(phases.map((p) => [p, log.of(p)]));
    const yearWrites = sum(
      ["enrol", "cron", "queue", "answer", "youth GET", "youth POST", "pause", "staff"].map(
        (p) => written[p]!.rowsWritten,
      ),
    );
    const yearStatements = sum(
      ["enrol", "cron", "queue", "answer", "youth GET", "youth POST", "pause", "staff"].map(
        (p) => written[p]!.statements,
      ),
    );
    const busiest = perRun.reduce((a, b) => (b.rowsWritten > a.rowsWritten ? b : a));
    const busiestIdx = perRun.indexOf(busiest);

    console.log(
      `BENCH scale.year: ${YOUTHS} youths (${PILOTS.map((p) => `${p.key} ${p.youths}`).join(", ")}), ${DAYS} ` +
        `simulated days, simulated in ${(yearMs / 1000).toFixed(1)} s`,
    );
    console.log(
      `BENCH scale.year.occasions: ${fmt(frequent.n)} frequent (${fmt(frequent.n / YOUTHS, 1)} ` +
        `per youth, ${((100 * frequent.done) / frequent.n).toFixed(1)} % answered), ${fmt(wave.n)} ` +
        `wave (${((100 * wave.done) / wave.n).toFixed(1)} % answered); ${fmt(submissions)} ` +
        `submissions, ${fmt(answerRows / Math.max(1, submissions - http.post.length), 1)} answer rows each`,
    );
    console.log(`BENCH scale.year.outbox: ${outboxByKind.map((r) => `${r.kind}/${r.status} ${fmt(r.n)}`).join(", ")}`);
    console.log(
      `BENCH scale.rows_per_youth_year: ${tables.map((t) => `${t} ${fmt(rows[t]! / YOUTHS, 1)}`).join(", ")}; ` +
        `total ${fmt(sum(Object.values(rows)) / YOUTHS, 1)}`,
    );
    console.log(
      `BENCH scale.bytes_per_youth_year: ${fmt(bytesPerYouth)} B (D1 database ${fmt(bytesBefore / MB, 2)} ` +
        `MB → ${fmt(bytesAfter / MB, 2)} MB, PRAGMA page_count × page_size)`,
    );
    if (tablesBefore && tablesAfter) {
      const grown = [...tablesAfter]
        .map(([n, b]) => [n, b - (tablesBefore.get(n) ?? 0)] as const)
        .filter(([, b]) => b > 0)
        .sort((a, b) => b[1] - a[1]);
      console.log(
        `BENCH scale.bytes_per_youth_year.by_table_and_index: ${grown
          .slice(0, 16)
          .map(([n, b]) => `${n} ${fmt(b / YOUTHS)}`)
          .join(", ")}`,
      );
    }
    const byPhase = ["enrol", "cron", "queue", "answer", "pause", "staff"]
      .map((p) => `${p} ${fmt(written[p]!.rowsWritten / YOUTHS)}/${fmt(written[p]!.statements / YOUTHS)}`)
      .join(", ");
    console.log(
      `BENCH scale.writes_per_youth_year: ${fmt(yearWrites / YOUTHS)} rows ` +
        `written (D1 rows_written, indexes included), ${fmt(yearStatements / YOUTHS)} ` +
        `statements; by phase (rows written / statements per youth): ${byPhase}`,
    );
    console.log(
      `BENCH scale.cron_run (daily 10:00 run incl. inline sends, ${perRun.length} runs): ` +
        `rows written median ${fmt(median(perRun.map((r) => r.rowsWritten)))}, p95 ${fmt(
          pct(
            perRun.map((r) => r.rowsWritten),
            0.95,
          ),
        )}, max ${fmt(busiest.rowsWritten)} (day ${busiestIdx}); statements ` +
        `median ${fmt(median(perRun.map((r) => r.statements)))}, ` +
        `max ${fmt(Math.max(...perRun.map((r) => r.statements)))}; ` +
        `wall median ${fmt(median(runWall))} ms, max ${fmt(Math.max(...runWall))} ms`,
    );
    if (idle)
      console.log(
        `BENCH scale.cron_idle_run (15 min later, nothing due): ${fmt(idle.wall)} ms wall, ${idle.counts.statements} ` +
          `statements, ${fmt(idle.counts.rowsRead)} rows read, ${idle.counts.rowsWritten} rows written`,
      );
    console.log(
      `BENCH scale.queue_consumer: ${fmt(queueMessages)} queue messages in the year (≤ 25 outbox ids each), ` +
        `deliverOutbox median ${fmt(median(consumerWall))} ms, max ${fmt(Math.max(0, ...consumerWall))} ms ` +
        `per message; ${fmt(written.queue!.rowsWritten / Math.max(1, queueMessages))} rows written per message`,
    );
    const answer = written.answer!;
    console.log(
      `BENCH scale.rows_written_per_answer: ${fmt(answer.rowsWritten / (submissions - http.post.length), 1)} ` +
        `rows written, ${fmt(answer.statements / (submissions - http.post.length), 1)} statements per ` +
        `submission (storeAnswers + first-opened row; ${fmt(answerRows / (submissions - http.post.length), 1)} ` +
        `answer rows each, so ${fmt(answer.rowsWritten / answerRows, 2)} rows written per answer row)`,
    );
    console.log(
      `BENCH scale.enrol: ${fmt(median(enrolWall))} ms median, ${fmt(Math.max(...enrolWall))} ` +
        `ms max per enrolment (enrol() also opens what is due for the whole pilot)`,
    );
    if (http.get.length) {
      const per = (cs: Counts[], k: keyof Counts) => fmt(median(cs.map((c) => c[k])));
      console.log(
        `BENCH scale.youth_read_path (day ${HTTP_DAY}, ${http.get.length} youths, full-year database): GET ` +
          `/q/:token median ${fmt(median(http.get), 1)} ms, ` +
          `p95 ${fmt(pct(http.get, 0.95), 1)} ms (${per(http.getCounts, "statements")} ` +
          `statements, ${per(http.getCounts, "rowsRead")} rows read, ${per(http.getCounts, "rowsWritten")} ` +
          `written); POST median ${fmt(median(http.post), 1)} ms, p95 ${fmt(pct(http.post, 0.95), 1)} ms ` +
          `(${per(http.postCounts, "statements")} statements, ${per(http.postCounts, "rowsWritten")} rows written)`,
      );
    }

    // Staff reads on the full year (the largest pilot).
    const big = pilots[0]!.key;
    const staffTimes: Record<string, number[]> = {
      participants: [],
      "summary/indicators.csv": [],
      "summary/summary.json": [],
      "summary/wide.csv": [],
      "summary/report.html": [],
    };
    const staffReads: Record<string, number> = {};
    log.phase = "staff reads";
    for (let i = 0; i < 3; i++) {
      for (const path of Object.keys(staffTimes)) {
        const c = log.of("staff reads");
        const s0 = performance.now();
        expect((await call(`/api/v1/pilots/${big}/${path}`, auth)).status).toBe(200);
        staffTimes[path]!.push(performance.now() - s0);
        staffReads[path] = diff(log.of("staff reads"), c).rowsRead;
      }
    }
    console.log(
      `BENCH scale.staff_reads (${big}, ${pilots[0]!.youths} youths, after the year; median of 3): ${Object.entries(
        staffTimes,
      )
        .map(([p, ts]) => `${p} ${fmt(median(ts))} ms${staffReads[p] ? ` (${fmt(staffReads[p]!)} rows read)` : ""}`)
        .join(", ")}`,
    );

    // --- the burst: 1,000 youths start on the same day ----------------------------------------
    await env.DB.prepare("UPDATE participants SET status = 'completed'").run(); // the year's cohort has finished
    // The fixed cost of the cron itself: a day of 15-minute runs with nobody due (a reminder_runs row and
    // an audit entry each, whatever the number of youths).
    const fixed0 = await dbBytes();
    log.phase = "fixed";
    for (let i = 0; i < RUNS_PER_DAY; i++) await runScheduled(recEnv, at(DAYS, 0, 0) + i * 15 * 60_000);
    const fixedBytesPerRun = ((await dbBytes()) - fixed0) / RUNS_PER_DAY;
    const fixedPerRun = log.of("fixed");
    console.log(
      `BENCH scale.cron_fixed: a run with nothing due writes ${fmt(fixedPerRun.rowsWritten / RUNS_PER_DAY, 1)} ` +
        `rows (${fmt(fixedPerRun.statements / RUNS_PER_DAY, 1)} statements) and ` +
        `adds ${fmt(fixedBytesPerRun)} B; ${RUNS_PER_DAY} runs a day ` +
        `→ ${fmt((fixedBytesPerRun * RUNS_PER_DAY * 365) / MB, 1)} MB ` +
        `and ${fmt((fixedPerRun.rowsWritten / RUNS_PER_DAY) * RUNS_PER_DAY * 365)} ` +
        `rows written a year per database, independent of the number of youths`,
    );
    const tb = at(DAYS + 1);
    const startB = addDays(day0, DAYS + 1);
    const burstPilots = [];
    for (const p of PILOTS) {
      const settings = {
        frequentInstruments: ["welzijn", "functioneren", "basisbehoeften", `pilot_${p.key}`],
        waveInstruments: ["gcir", PILOT_WAVE_INSTRUMENT[p.key] ?? "atmq"],
      };
      const [row] = await getDb(env.DB)
        .insert(schema.pilots)
        .values({
          studyId: study!.id,
          key: `${p.key}-burst`,
          name: `${p.key} burst`,
          organisation: "Bench",
          timezone: TZ,
          settings,
        })
        .returning();
      burstPilots.push(row!);
      const codes = Array.from(
        { length: p.burst },
        (_, i) => `B-${p.key.slice(0, 3).toUpperCase()}-${String(i + 1).padStart(4, "0")}`,
      );
      const { results } = await env.DB.prepare(
        `INSERT INTO participants (pilot_id, code, pilot_start_date, status, consent_by, consent_date)
         SELECT ?1, value, ?2, 'active', 'self', ?2 FROM json_each(?3) RETURNING id, code`,
      )
        .bind(row!.id, startB, JSON.stringify(codes))
        .all<{ id: number; code: string }>();
      for (let i = 0; i < results.length; i += 50)
        await Promise.all(
          results
            .slice(i, i + 50)
            .map((y) => setContact(env.DB, env, y.id, `${y.code.toLowerCase()}@example.test`, null, tb)),
        );
    }
    // Planning alone (reads + the pure schedule code for every youth), then the whole run.
    const p0 = performance.now();
    const due = await collectDueOccasions(env.DB, tb);
    await env.DB.prepare("SELECT 1").first(); // workerd's clock moves on I/O: this makes the JavaScript time visible
    const planMs = performance.now() - p0;
    log.phase = "burst";
    sendBatchCalls = 0;
    const b0 = performance.now();
    const summary = await runScheduled(recEnv, tb);
    const burstMs = performance.now() - b0;
    const burst = log.of("burst");
    const burstMessages = queued.length;
    expect(summary.opened).toBe(due.length);
    expect(summary.queuedBatches).toBe(burstMessages);
    log.phase = "burst queue";
    const perMessage: number[] = [];
    // One mail per youth: a delivery also claims her other due rows (issue 14), so one queue message
    // may send more than its own ids and a later one skips them; over the whole burst every row goes once.
    const allIds = queued.reduce((n, m) => n + m.outboxIds.length, 0);
    let delivered = 0;
    while (queued.length) {
      const m = queued.shift()!;
      const q0 = performance.now();
      const counts = await deliverOutbox(recEnv, m.outboxIds, () => m.now ?? tb);
      perMessage.push(performance.now() - q0);
      delivered += counts.sent + counts.deferred;
    }
    expect(delivered).toBe(allIds);
    const burstQueue = log.of("burst queue");
    const probe0 = performance.now();
    let x = 0;
    for (let i = 0; i < 20_000_000; i++) x += i % 7;
    const probeFrozen = performance.now() - probe0 === 0;
    expect(x).toBeGreaterThan(0);
    console.log(
      `BENCH scale.burst_cron (${BURST_YOUTHS} youths all due at once): planning alone ${fmt(planMs)} ` +
        `ms for ${fmt(due.length)} due occasions; the whole run ${fmt(burstMs)} ms wall: ` +
        `opened ${summary.opened}, planned ${summary.planned}, ` +
        `enqueued ${summary.enqueued}, ${summary.queuedBatches} ` +
        `queue messages in ${sendBatchCalls} sendBatch call(s); ${fmt(burst.statements)} ` +
        `statements, ${fmt(burst.rowsWritten)} rows written, ${fmt(burst.rowsRead)} rows read`,
    );
    console.log(
      `BENCH scale.burst_queue: ${perMessage.length} messages delivered by deliverOutbox, ` +
        `median ${fmt(median(perMessage))} ms, max ${fmt(Math.max(...perMessage))} ms per message (25 mails, fake ` +
        `send_email); ${fmt(burstQueue.statements)} statements, ${fmt(burstQueue.rowsWritten)} rows written in all`,
    );
    console.log(
      `BENCH scale.clock: wall times above are local workerd wall clock, D1 in the same machine; they ` +
        `bound the Worker's CPU time from above (they also contain SQLite's own work). ` +
        `performance.now ${probeFrozen ? "does not advance" : "advances"} ` +
        `during pure JavaScript here, so spans without ` +
        `I/O at their end ${probeFrozen ? "were closed with a D1 round trip" : "are measured directly"}`,
    );

    // --- extrapolation: 100 studies × 1,000 youths in one database ------------------------------
    const TARGET = 100 * 1_000;
    const k = TARGET / YOUTHS; // from the year's per-youth figures
    const kb = TARGET / BURST_YOUTHS; // from the burst
    const fixedYearBytes = fixedBytesPerRun * RUNS_PER_DAY * 365;
    const gbPerYear = (bytesPerYouth * TARGET + fixedYearBytes) / 1e9;
    const rowsPerSec = (yearWrites * k) / (365 * 86_400);
    const stmtsPerSec = (yearStatements * k) / (365 * 86_400);
    console.log(
      `BENCH scale.extrapolated.size: 100 studies × 1,000 youths in one D1 → ${fmt(gbPerYear, 2)} GB per study ` +
        `year (${fmt(bytesPerYouth)} B per youth-year + the cron's fixed ${fmt(fixedYearBytes / MB, 1)} MB) ` +
        `against D1's 10 GB per database: full after ${fmt(10 / gbPerYear, 1)} years if nothing is archived; one ` +
        `study of 1,000 youths per database: ${fmt((bytesPerYouth * 1_000 + fixedYearBytes) / MB, 1)} MB per year`,
    );
    console.log(
      `BENCH scale.extrapolated.writes: ${fmt(yearWrites * k)} rows written and ${fmt(yearStatements * k)} ` +
        `statements a year → on average ${fmt(rowsPerSec, 1)} rows/s and ${fmt(stmtsPerSec, 1)} ` +
        `statements/s on the one primary; the busiest daily run ×${fmt(k)}: ${fmt(busiest.rowsWritten * k)} ` +
        `rows written in one cron run; the burst ×${fmt(kb)}: ${fmt(burst.rowsWritten * kb)} ` +
        `rows written by one run (in chunks of 2,000 rows per statement, so its ${burst.statements} ` +
        `statements grow far slower), ${fmt(burstQueue.rowsWritten * kb)} more by its consumers`,
    );
    console.log(
      `BENCH scale.extrapolated.queue: the burst ×${fmt(kb)}: ${fmt(burstMessages * kb)} queue messages ` +
        `(${fmt(Math.ceil((burstMessages * kb) / 100))} sendBatch calls of ≤ 100) from one ` +
        `run, ${fmt(burstMessages * kb * 25)} mails; Queues: 5,000 messages/s per queue, 100 messages per sendBatch`,
    );
    console.log(
      `BENCH scale.extrapolated.cron_time: the burst run ${fmt(burstMs)} ms wall for ${BURST_YOUTHS} ` +
        `youths → ×${fmt(kb)} ≈ ${fmt((burstMs * kb) / 1000, 1)} s if linear; an ordinary ` +
        `run with nothing due (${YOUTHS} youths in care: ${idle ? fmt(idle.wall) : "?"} ` +
        `ms, ${idle ? fmt(idle.counts.rowsRead) : "?"} rows read) → ` +
        `×${fmt(k)} ≈ ${idle ? fmt((idle.wall * k) / 1000, 1) : "?"} ` +
        `s and ${idle ? fmt(idle.counts.rowsRead * k) : "?"} rows read every 15 ` +
        `minutes; Workers: 30 s CPU per invocation by default, up to 5 min configurable (cpu_ms)`,
    );
    console.log(`BENCH scale.total: ${((performance.now() - benchStart) / 1000).toFixed(1)} s`);
  });
});
