import { createApp } from "./app";
import { checkEnv, type Env, type MailQueueMessage } from "./env";
import { getDb } from "./db";
import { runScheduled } from "./jobs/scheduled";
import { deliverOutbox } from "./reminders/outbox";

const app = createApp();

export default {
  fetch(request, env, ctx) {
    checkEnv(env);
    return app.fetch(request, env, ctx);
  },
  async scheduled(controller, env, ctx) {
    checkEnv(env);
    ctx.waitUntil(
      runScheduled(env, controller.scheduledTime).then(
        (s) => console.log(JSON.stringify({ event: "scheduled", cron: controller.cron, ...s })),
        (e) => console.error(JSON.stringify({ event: "scheduled_failed", error: String(e) })),
      ),
    );
  },
  async queue(batch, env) {
    checkEnv(env);
    const ids = batch.messages.flatMap((m) => m.body.outboxIds);
    const counts = await deliverOutbox(env, getDb(env.DB), ids, () => Date.now());
    console.log(JSON.stringify({ event: "queue_delivery", ...counts }));
    batch.ackAll();
  },
} satisfies ExportedHandler<Env, MailQueueMessage>;
