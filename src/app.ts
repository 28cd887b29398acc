import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { methodNotAllowed } from "hono/method-not-allowed";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "./env";
import { ApiError } from "./http/api-error";
import { handleError } from "./http/error-handler";
import { problemResponse } from "./http/problem";
import { createRouter } from "./http/router";
import { readReplication } from "./middleware/read-replication";
import { requestContext } from "./middleware/request-context";
import { serverTiming } from "./middleware/server-timing";
import { attachWebhooks } from "./openapi/document";
import { registerErrorResponses } from "./openapi/error-responses";
import { registerSecuritySchemes } from "./openapi/security-schemes";
import { activityRouter } from "./routes/activity";
import { apiKeysRouter } from "./routes/api-keys";
import { artifactsRouter } from "./routes/artifacts";
import { authRouter } from "./routes/auth";
import { chatRouter } from "./routes/chat";
import { eventsRouter } from "./routes/events";
import { exportRouter } from "./routes/export";
import { filesRouter } from "./routes/files";
import { healthRouter } from "./routes/health";
import { interactionsRouter } from "./routes/interactions";
import { mcpRouter } from "./routes/mcp";
import { meRouter } from "./routes/me";
import { memoryRouter } from "./routes/memory";
import { mentionsRouter } from "./routes/mentions";
import { messagesRouter } from "./routes/messages";
import { metaRouter } from "./routes/meta";
import { oauthRouter } from "./routes/oauth";
import { previewsRouter } from "./routes/previews";
import { reactionsRouter } from "./routes/reactions";
import { readsRouter } from "./routes/reads";
import { searchRouter } from "./routes/search";
import { streamTokensRouter } from "./routes/stream-tokens";
import { threadAgentsRouter } from "./routes/thread-agents";
import { threadsRouter } from "./routes/threads";
import { uploadsRouter } from "./routes/uploads";
import { usersRouter } from "./routes/users";
import { webhooksRouter } from "./routes/webhooks";
import { registerWebhookEvents } from "./routes/webhooks/webhooks.events";

const EXPOSED_HEADERS = [
  "X-Request-Id",
  "Content-Range",
  "Content-Disposition",
  "ETag",
  "Location",
  "Retry-After",
  "RateLimit",
  "RateLimit-Policy",
  "Idempotent-Replayed",
  // Read-your-writes: the SDK sends the newest bookmark back.
  "Consistency-Bookmark",
];

/** Config values come from env at request time; parse each distinct value once per isolate. */
const memoize = <T>(build: (value: string) => T) => {
  const cache = new Map<string, T>();
  return (value: string) => {
    let built = cache.get(value);
    if (built === undefined) {
      built = build(value);
      cache.set(value, built);
    }
    return built;
  };
};

const allowedOrigins = memoize((list) => new Set(list.split(",").map((origin) => origin.trim())));

const corsFromConfig = cors({
  origin: (origin, c) => (allowedOrigins((c.env as AppEnv["Bindings"]).CORS_ORIGINS).has(origin) ? origin : null),
  allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
  allowHeaders: [
    "Authorization",
    "Content-Type",
    "Idempotency-Key",
    "If-Match",
    "If-None-Match",
    "X-Request-Id",
    "X-API-Key",
    "Content-Digest",
    "Range",
    "Consistency-Bookmark",
    // The SDK's fetch-based subscribe resumes a live stream with it.
    "Last-Event-ID",
  ],
  exposeHeaders: EXPOSED_HEADERS,
  maxAge: 600,
});

const bodyLimitFor = memoize((maxBytes): MiddlewareHandler<AppEnv> => {
  const maxSize = Number(maxBytes);
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new ApiError("payload-too-large", `Request bodies may be at most ${maxSize} bytes.`);
    },
  });
});

/**
 * File uploads and the parts of resumable uploads stream their bodies and keep their own, larger
 * limits (MAX_UPLOAD_BYTES and the upload's part size, in their handlers).
 */
const isUpload = (method: string, path: string) =>
  (method === "POST" && path === "/files") || (method === "PUT" && /^\/uploads\/[^/]+\/parts\/[^/]+$/.test(path));

const bodyLimitFromConfig: MiddlewareHandler<AppEnv> = (c, next) =>
  isUpload(c.req.method, c.req.path) ? next() : bodyLimitFor(c.env.MAX_BODY_BYTES)(c, next);

export const createApp = () => {
  const app = createRouter();

  app.use(...requestContext());
  // Before the timing, so the statements it counts are the session's.
  app.use(readReplication());
  app.use(...serverTiming());
  // A handler's own header wins: the consent page's Referrer-Policy must let the browser send `Origin`.
  app.use(secureHeaders({ overwrite: false }));
  app.use(corsFromConfig);
  app.use(bodyLimitFromConfig);
  app.use(
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, allowed) =>
        problemResponse(
          c,
          new ApiError("method-not-allowed", `${c.req.method} is not supported here; use ${allowed.join(", ")}.`, {
            headers: { Allow: allowed.join(", ") },
          }),
        ),
    }),
  );

  app.route("/", healthRouter);
  app.route("/", authRouter);
  app.route("/", meRouter);
  app.route("/", usersRouter);
  app.route("/", apiKeysRouter);
  app.route("/", threadsRouter);
  app.route("/", threadAgentsRouter);
  app.route("/", readsRouter);
  app.route("/", mentionsRouter);
  app.route("/", exportRouter);
  app.route("/", memoryRouter);
  app.route("/", messagesRouter);
  app.route("/", reactionsRouter);
  app.route("/", artifactsRouter);
  app.route("/", interactionsRouter);
  app.route("/", eventsRouter);
  app.route("/", streamTokensRouter);
  app.route("/", activityRouter);
  app.route("/", searchRouter);
  app.route("/", filesRouter);
  app.route("/", previewsRouter);
  app.route("/", uploadsRouter);
  app.route("/", webhooksRouter);
  app.route("/", mcpRouter);
  app.route("/", chatRouter);
  app.route("/", oauthRouter);
  app.route("/", metaRouter(app));
  registerErrorResponses(app);
  registerSecuritySchemes(app);
  const webhookEvents = createRouter();
  registerWebhookEvents(webhookEvents);
  attachWebhooks(app, webhookEvents);

  app.notFound((c) => problemResponse(c, new ApiError("not-found", `No route matches ${c.req.method} ${c.req.path}.`)));
  app.onError(handleError);
  return app;
};
