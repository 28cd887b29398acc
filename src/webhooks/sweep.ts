import type { Bindings } from "../env";
import { createLogger } from "../logging";
import { repositories } from "../repositories";
import { EVENT_RETENTION_DAYS } from "../repositories/events.repository";
import { enqueueDeliveries } from "./enqueue";
import { webhookSettings } from "./settings";

const log = createLogger({ job: "webhooks-sweep" });

/** Overdue deliveries sent again per run; the next run takes the rest. */
export const SWEEP_LIMIT = 500;

/**
 * The safety net under the queue (the every-minute cron): a delivery still pending well past its due time
 * lost its queue message (a send that failed after the commit, a consumer that died), so it is queued again.
 * Never drops anything; a delivery sent twice is deduplicated by receivers on its `webhook-id`.
 */
export const sweepWebhooks = async (env: Bindings, now: Date) => {
  if (!env.WEBHOOKS) return 0;
  const settings = webhookSettings(env);
  const overdue = await repositories({ env }).webhookDeliveries.overdue(
    new Date(now.getTime() - settings.sweepAfterMs),
    now,
    SWEEP_LIMIT,
  );
  await enqueueDeliveries(env.WEBHOOKS, overdue);
  if (overdue.length > 0) log.info("overdue webhook deliveries queued again", { count: overdue.length });
  return overdue.length;
};

/** Retention of finished deliveries (the hourly housekeeping): as long as the events they send are kept. */
export const dropOldDeliveries = (env: Bindings, now: Date) =>
  repositories({ env }).webhookDeliveries.deleteOlderThan(
    new Date(now.getTime() - EVENT_RETENTION_DAYS * 24 * 3600 * 1000),
  );
