import { createApp } from "./app";
import type { Bindings, PreviewJob } from "./env";
import { runHousekeeping } from "./housekeeping";
import { makePreviews } from "./previews/queue";

export { ThreadHub } from "./realtime/thread-hub";
export { UserHub } from "./realtime/user-hub";

const app = createApp();

export default {
  fetch: app.fetch,
  /** Hourly housekeeping (cron in wrangler.jsonc); see src/housekeeping.ts. */
  async scheduled(controller, env, _ctx) {
    await runHousekeeping(env, new Date(controller.scheduledTime));
  },
  /** File previews, made off the upload's request (the PREVIEWS queue in wrangler.jsonc). */
  queue: makePreviews,
} satisfies ExportedHandler<Bindings, PreviewJob>;
