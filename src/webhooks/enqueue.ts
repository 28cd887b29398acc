import type { WebhookJob } from "../env";

/** Cloudflare Queues take at most 100 messages per sendBatch. */
const BATCH = 100;

/** Asks the WEBHOOKS queue to attempt these deliveries (after `delaySeconds`). */
export const enqueueDeliveries = async (queue: Queue<WebhookJob>, ids: string[], delaySeconds = 0) => {
  for (let at = 0; at < ids.length; at += BATCH) {
    const messages = ids.slice(at, at + BATCH).map((deliveryId) => ({ body: { deliveryId } }));
    await queue.sendBatch(messages, delaySeconds > 0 ? { delaySeconds } : {});
  }
};
