// `npm run bench` — mail budgets (issue 6):
//   planning for 10,000 due youths in one invocation: ≤ 1 D1 round trip per 100 rows
//   delivery through the Queue into the local SMTP sink: ≥ 50 mails/s
// D1 round trips are counted by wrapping the binding in a counting proxy (here only): every
// statement executed on its own and every batch() is one round trip.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Env } from "../../worker/env";
import { openDueOccasions } from "../../worker/studies/occasions";
import { runScheduled } from "../../worker/jobs/scheduled";
import { enqueueMessages, planMessages } from "../../worker/reminders/outbox";
import { localDate } from "../../worker/schedule/schedule";
import { perRecipient, sinkFor, uniqueDomain, drained, statusCounts } from "../support/mail";
import { makePilot, bulkParticipants } from "../support/study";

const N = 10_000;

function countingD1(real: D1Database) {
  const counter = { roundTrips: 0 };
  const unwrap = new WeakMap<object, D1PreparedStatement>();
  const wrapStmt = (s: D1PreparedStatement): D1PreparedStatement => {
    const p = new Proxy(s, {
      get(target, prop) {
        if (prop === "bind") return (...args: unknown[]) => wrapStmt(target.bind(...args));
        if (prop === "run" || prop === "all" || prop === "first" || prop === "raw") {
          return (...args: unknown[]) => {
            counter.roundTrips++;
            return (target[prop] as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        const v = Reflect.get(target, prop, target);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    unwrap.set(p, s);
    return p;
  };
  const d1 = new Proxy(real, {
    get(target, prop) {
      if (prop === "prepare") return (sql: string) => wrapStmt(target.prepare(sql));
      if (prop === "batch") {
        return (stmts: D1PreparedStatement[]) => {
          counter.roundTrips++;
          return target.batch(stmts.map((s) => unwrap.get(s) ?? s));
        };
      }
      if (prop === "exec") {
        return (sql: string) => {
          counter.roundTrips++;
          return target.exec(sql);
        };
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  return { d1, counter };
}

describe("mail benchmark", () => {
  it(`plans ${N} due youths in one invocation and delivers them through the Queue`, async () => {
    const now = Date.now();
    const today = localDate(now, "Europe/Amsterdam");
    const sink = sinkFor(uniqueDomain("bench"));
    const quiet = { reminders: { quietHours: { start: "00:00", end: "00:00" }, quietWeekdays: [] } };

    // 1. Planning alone (open + plan + enqueue) on a pilot of its own, without delivery.
    const { pilot: planOnly } = await makePilot({ settings: quiet });
    await bulkParticipants(planOnly.id, N, { domain: `plan-${sink.domain}`, start: today, prefix: "P" });
    const c1 = countingD1(env.DB);
    const t1 = performance.now();
    const opened = await openDueOccasions(c1.d1, now, planOnly.id);
    const planned = await planMessages(c1.d1, now, { pilotId: planOnly.id });
    const enqueued = await enqueueMessages(c1.d1, planned, now, null);
    const planMs = performance.now() - t1;
    expect(opened).toBe(N);
    expect(planned.filter((p) => p.decision.action === "send")).toHaveLength(N);
    expect(enqueued).toBe(N);
    console.log(
      `BENCH mail-planning-roundtrips: ${((c1.counter.roundTrips / N) * 100).toFixed(3)} ` +
        `D1 round trips per 100 rows (${c1.counter.roundTrips} for ${N} ` +
        `youths: open + plan + enqueue, ${planMs.toFixed(0)} ms) (budget ≤1)`,
    );
    // Those rows must not be delivered by the next run: cancel them.
    await env.DB.prepare("UPDATE outbox SET status = 'cancelled', last_error = 'bench' WHERE pilot_id = ?")
      .bind(planOnly.id)
      .run();
    await env.DB.prepare("UPDATE participants SET status = 'completed' WHERE pilot_id = ?").bind(planOnly.id).run();

    // 2. A whole scheduled run over a second pilot of N due youths, counted, then the Queue delivers.
    const { pilot } = await makePilot({ settings: quiet });
    const youths = await bulkParticipants(pilot.id, N, { domain: sink.domain, start: today, prefix: "Q" });
    const c2 = countingD1(env.DB);
    const t2 = performance.now();
    const summary = await runScheduled({ ...env, DB: c2.d1 } as Env, now, {
      type: "manual",
      by: "bench",
      pilotId: pilot.id,
    });
    const runMs = performance.now() - t2;
    expect(summary.enqueued).toBe(N);
    expect(summary.queuedBatches).toBeGreaterThan(0);
    console.log(
      `BENCH mail-run-roundtrips: ${((c2.counter.roundTrips / N) * 100).toFixed(3)} ` +
        `D1 round trips per 100 rows (${c2.counter.roundTrips} for a whole run ` +
        `over ${N} due youths incl. fan-out, ${runMs.toFixed(0)} ms) (budget ≤1)`,
    );

    const tq = performance.now();
    await drained([pilot.id], now, 900_000);
    const secs = (performance.now() - tq) / 1000;
    const { messages } = await sink.messages();
    expect(await statusCounts([pilot.id])).toEqual({ sent: N });
    const per = perRecipient(messages);
    expect(per.size).toBe(N);
    expect(youths.every((y) => per.get(`${y.code.toLowerCase()}@${sink.domain}`) === 1)).toBe(true);
    console.log(
      `BENCH mail-queue-delivery: ${(N / secs).toFixed(1)} mails/s (${N} mails ` +
        `through the Queue into the SMTP sink in ${secs.toFixed(1)} s) (budget ≥50)`,
    );
  });
});
