import { createApp } from "./app";
import { startupProblems, type Env, type MailQueueMessage } from "./env";
import { unavailableResponse } from "./lib/unavailable";
import { runScheduled } from "./jobs/scheduled";
import { deliverOutbox } from "./reminders/outbox";

const app = createApp();

export default {
  // Start-up guards (worker/env.ts): with an unsafe configuration the Worker serves nothing but a 503
  // page, sends no mail and runs no job; the reason is logged once per isolate as `config_refused`.
  fetch(request, env, ctx) {
    if (startupProblems(env).length) return unavailableResponse(request);
    return app.fetch(request, env, ctx);
  },
  async scheduled(controller, env, ctx) {
    if (startupProblems(env).length) return;
    ctx.waitUntil(
      runScheduled(env, controller.scheduledTime).then(
        (s) => console.log(JSON.stringify({ event: "scheduled", cron: controller.cron, ...s })),
        (e) => console.error(JSON.stringify({ event: "scheduled_failed", error: String(e) })),
      ),
    );
  },
  /**
   * Fan-out deliveries. Each message carries outbox ids and the planning run's clock; a consumer never
   * acts "earlier" than that run (tests advance the clock). A thrown batch is retried by the queue; the
   * outbox claims make that harmless.
   */
  async queue(batch, env, _ctx) {
    if (startupProblems(env).length) {
      batch.retryAll({ delaySeconds: 300 }); // kept until the configuration is fixed
      return;
    }
    // The messages of a batch (max_batch_size in wrangler.toml: 4, well under the 6 connections a
    // Worker may hold open) are delivered side by side, each over its own SMTP session.
    await Promise.all(
      batch.messages.map(async (m) => {
        const body = m.body;
        const offset = Math.max(0, (body.now ?? 0) - Date.now());
        try {
          const counts = await deliverOutbox(env, body.outboxIds, () => Date.now() + offset);
          console.log(JSON.stringify({ event: "queue_delivery", ...counts }));
          m.ack();
        } catch (e) {
          console.error(JSON.stringify({ event: "queue_delivery_failed", error: String(e) }));
          m.retry({ delaySeconds: 30 });
        }
      }),
    );
  },
} satisfies ExportedHandler<Env, MailQueueMessage>;
