import { createApp } from "./app";
import type { Bindings } from "./env";

export { ThreadHub } from "./realtime/thread-hub";

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Bindings>;
