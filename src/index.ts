import { createApp } from "./app";
import type { Bindings } from "./env";
import { runHousekeeping } from "./housekeeping";

export { ThreadHub } from "./realtime/thread-hub";

const app = createApp();

export default {
  fetch: app.fetch,
  /** Hourly housekeeping (cron in wrangler.jsonc); see src/housekeeping.ts. */
  async scheduled(controller, env, _ctx) {
    await runHousekeeping(env, new Date(controller.scheduledTime));
  },
} satisfies ExportedHandler<Bindings>;
