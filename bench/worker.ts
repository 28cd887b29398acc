import { createApp } from "../src/app";
import service from "../src/index";
import { twins } from "./twins";
import { uploadStages } from "./upload-stages";

// The bench's own worker: the service with the raw-D1 twins under /_bench/, mounted after the service's own
// routes so every request — a route or its twin — goes through the same global middleware (request context and
// its log line, D1 session, Server-Timing, security headers, CORS, body limit). Its bindings are the service's
// (the same local D1, R2 and Durable Objects); bench/common.mjs points `wrangler dev` at this entry. The service
// itself has no bench routes.
export { ThreadHub, UserHub } from "../src/index";

const app = createApp();
app.route("/", twins);
app.route("/", uploadStages);

export default { ...service, fetch: app.fetch } satisfies typeof service;
