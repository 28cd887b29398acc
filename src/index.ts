import { createApp } from "./app";
import type { Bindings, PreviewJob, WebhookJob } from "./env";
import { runHousekeeping } from "./housekeeping";
import { makePreviews } from "./previews/queue";
import { deliverWebhooks } from "./webhooks/deliver";
import { WEBHOOK_SWEEP_CRON, WEBHOOKS_QUEUE } from "./webhooks/settings";
import { sweepWebhooks } from "./webhooks/sweep";

export { ThreadHub } from "./realtime/thread-hub";
export { UserHub } from "./realtime/user-hub";

const app = createApp();

export default {
  fetch: app.fetch,
  /** Every minute the webhook sweep, hourly the housekeeping (the crons of wrangler.jsonc). */
  async scheduled(controller, env, _ctx) {
    const now = new Date(controller.scheduledTime);
    if (controller.cron === WEBHOOK_SWEEP_CRON) await sweepWebhooks(env, now);
    else await runHousekeeping(env, now);
  },
  /** File previews (PREVIEWS) and webhook deliveries (WEBHOOKS), both made off the request that asked. */
  async queue(batch, env) {
    if (batch.queue === WEBHOOKS_QUEUE) await deliverWebhooks(batch as MessageBatch<WebhookJob>, env);
    else await makePreviews(batch as MessageBatch<PreviewJob>, env);
  },
} satisfies ExportedHandler<Bindings, PreviewJob | WebhookJob>;
