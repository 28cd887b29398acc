import { createApp } from "./app";
import type { Bindings } from "./env";
import { getDb } from "./repositories/db";
import { EVENT_RETENTION_DAYS, eventsRepository } from "./repositories/events.repository";
import { idempotencyRepository } from "./repositories/idempotency.repository";

export { ThreadHub } from "./realtime/thread-hub";

const app = createApp();

export default {
  fetch: app.fetch,
  /** Daily housekeeping (cron in wrangler.jsonc): expired Idempotency-Key records, events past retention. */
  async scheduled(controller, env, _ctx) {
    const db = getDb(env.DB);
    const now = new Date(controller.scheduledTime);
    const keys = await idempotencyRepository(db).deleteExpired(now);
    console.log(JSON.stringify({ level: "info", message: "expired idempotency records deleted", count: keys.count }));
    const cutoff = new Date(now.getTime() - EVENT_RETENTION_DAYS * 24 * 60 * 60 * 1000);
    const events = await eventsRepository(db, env.DB).deleteOlderThan(cutoff);
    console.log(JSON.stringify({ level: "info", message: "thread events past retention deleted", count: events }));
  },
} satisfies ExportedHandler<Bindings>;
