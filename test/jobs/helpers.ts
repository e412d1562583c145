import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../worker/index";
import { setContact } from "../../worker/studies/contacts";
import { db } from "../support/fixtures";

/** Many youths of one pilot at once, with e-mail addresses `<code>@<domain>` stored encrypted as usual. */
export async function bulkParticipants(
  pilotId: number,
  n: number,
  opts: { domain: string; start: string; prefix: string; status?: string },
) {
  const rows = Array.from({ length: n }, (_, i) => [`${opts.prefix}-${String(i).padStart(5, "0")}`, opts.start]);
  const ids: { id: number; code: string }[] = [];
  for (let i = 0; i < rows.length; i += 2_000) {
    const { results } = await env.DB.prepare(
      `INSERT INTO participants (pilot_id, code, pilot_start_date, status, consent_by, consent_date)
       SELECT ?1, json_extract(value, '$[0]'), json_extract(value, '$[1]'), ?2, 'self', json_extract(value, '$[1]') FROM json_each(?3) RETURNING id, code`,
    )
      .bind(pilotId, opts.status ?? "active", JSON.stringify(rows.slice(i, i + 2_000)))
      .all<{ id: number; code: string }>();
    ids.push(...results);
  }
  const now = Date.now();
  for (let i = 0; i < ids.length; i += 50) {
    await Promise.all(
      ids.slice(i, i + 50).map((p) => setContact(db(), env, p.id, `${p.code.toLowerCase()}@${opts.domain}`, null, now)),
    );
  }
  return ids;
}

export async function fireCron(now: number) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: now, cron: "*/15 * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

let qid = 0;
/** Calls the worker's queue consumer directly, as the Queue would. */
export async function consume(outboxIds: number[], now?: number) {
  const batch = createMessageBatch("outcome-monitor-mail", [
    { id: `t${qid++}`, timestamp: new Date(), attempts: 1, body: { outboxIds, now } },
  ]);
  const ctx = createExecutionContext();
  await worker.queue(batch as never, env, ctx);
  await waitOnExecutionContext(ctx);
}

/** Waits until nothing of these pilots is in flight or due at `now` (the Queue delivers in the background). */
export async function drained(pilotIds: number[], now: number, timeoutMs = 120_000) {
  const start = Date.now();
  const sql = `SELECT COUNT(*) AS n FROM outbox WHERE pilot_id IN (SELECT value FROM json_each(?1)) AND (status = 'sending' OR (status = 'queued' AND next_attempt_at <= ?2))`;
  for (;;) {
    const n = (await env.DB.prepare(sql).bind(JSON.stringify(pilotIds), now).first<number>("n"))!;
    if (n === 0) return;
    if (Date.now() - start > timeoutMs)
      throw new Error(`outbox not drained after ${timeoutMs} ms: ${n} rows in flight or due`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export const statusCounts = async (pilotIds: number[]) =>
  Object.fromEntries(
    (
      await env.DB.prepare(
        "SELECT status, COUNT(*) AS n FROM outbox WHERE pilot_id IN (SELECT value FROM json_each(?)) GROUP BY status",
      )
        .bind(JSON.stringify(pilotIds))
        .all<{ status: string; n: number }>()
    ).results.map((r) => [r.status, r.n]),
  );
