import { createApp } from "./app";
import type { Bindings } from "./env";
import { getDb } from "./repositories/db";
import { idempotencyRepository } from "./repositories/idempotency.repository";

export { ThreadHub } from "./realtime/thread-hub";

const app = createApp();

export default {
  fetch: app.fetch,
  /** Daily housekeeping (cron in wrangler.jsonc): drop expired Idempotency-Key records. */
  async scheduled(_controller, env, _ctx) {
    const { count } = await idempotencyRepository(getDb(env.DB)).deleteExpired(new Date());
    console.log(JSON.stringify({ level: "info", message: "expired idempotency records deleted", count }));
  },
} satisfies ExportedHandler<Bindings>;
