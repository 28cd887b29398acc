import type { MiddlewareHandler } from "hono";
import { requestId } from "hono/request-id";
import type { AppEnv } from "../env";
import { createLogger } from "../logging";

/**
 * Accepts or generates `X-Request-Id` (hono's request-id middleware validates it), echoes it, and
 * writes one access-log line per request. Only method, path, status, duration and id are logged:
 * never headers (tokens) or bodies.
 */
export const requestContext = (): MiddlewareHandler<AppEnv>[] => [
  requestId({ headerName: "X-Request-Id" }),
  async (c, next) => {
    const logger = createLogger({ request_id: c.get("requestId") });
    c.set("logger", logger);
    const started = performance.now();
    await next();
    logger.info("request", {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      duration_ms: Math.round((performance.now() - started) * 100) / 100,
    });
  },
];
