// The Worker's own handlers (fetch, scheduled, queue) called directly with an env of the test's choosing (the
// test env, or one whose D1 fails on purpose: ./fault-injector.ts), their waitUntil work awaited.
import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  getQueueResult,
  waitOnExecutionContext,
} from "cloudflare:test";
import worker from "../../worker/index";
import type { Env } from "../../worker/env";
import { BASE } from "./http";

/** A request to the Worker's fetch handler with `e` as its env; its waitUntil work is awaited. */
export async function fetchWith(e: Env, path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`${BASE}${path}`, { redirect: "manual", ...init }) as Request<unknown, IncomingRequestCfProperties>,
    e,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

/** The cron through the scheduled handler (which logs, never throws, when the run fails). */
export async function cronWith(e: Env, now: number) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: now, cron: "*/15 * * * *" }), e, ctx);
  await waitOnExecutionContext(ctx);
}

let qid = 0;
/** One queue message through the consumer; returns whether it was acked or left for a retry. */
export async function consumeWith(e: Env, outboxIds: number[], now?: number): Promise<"ack" | "retry"> {
  const batch = createMessageBatch("outcome-monitor-mail", [
    { id: `f${qid++}`, timestamp: new Date(), attempts: 1, body: { outboxIds, now } },
  ]);
  const ctx = createExecutionContext();
  await worker.queue(batch as never, e, ctx);
  await waitOnExecutionContext(ctx);
  const r = await getQueueResult(batch, ctx);
  return r.retryMessages.length || r.retryBatch.retry ? "retry" : "ack";
}
