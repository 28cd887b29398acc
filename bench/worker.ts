import { Hono } from "hono";
import type { AppEnv, PreviewJob } from "../src/env";
import service from "../src/index";
import { twins } from "./twins";

// The bench's own worker: the service, untouched, plus the raw-D1 twins under /_bench/, in one worker with
// the service's bindings (the same local D1, R2 and Durable Objects), so a route and its twin are measured
// side by side. bench/common.mjs points `wrangler dev` at this entry; the service itself has no bench routes.
export { ThreadHub, UserHub } from "../src/index";

const app = new Hono<AppEnv>().route("/", twins).all("*", (c) => service.fetch(c.req.raw, c.env, c.executionCtx));

export default { ...service, fetch: app.fetch } satisfies ExportedHandler<AppEnv["Bindings"], PreviewJob>;
