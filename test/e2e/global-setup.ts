import type { TestProject } from "vitest/node";
import { startDevServer } from "./support/dev-server";

declare module "vitest" {
  export interface ProvidedContext {
    /** Where the wrangler dev server started below listens, e.g. http://127.0.0.1:43117. */
    baseUrl: string;
  }
}

/** One real `wrangler dev` (fresh local D1, free port) for the whole e2e run; stopped on teardown. */
export default async function setup(project: TestProject) {
  // Live-stream tests (event-stream.test.ts): heartbeats every second, and room for 120 streams of one user.
  // Webhook tests (webhooks.test.ts): five attempts, a second apart.
  const server = await startDevServer({
    vars: { STREAM_HEARTBEAT_SECONDS: "1", STREAM_MAX_PER_HOLDER: "200", WEBHOOK_RETRY_SCHEDULE: "1,1,1,1" },
  });
  project.provide("baseUrl", server.url);
  return server.stop;
}
