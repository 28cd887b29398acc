import type { MiddlewareHandler } from "hono";
import { requestId } from "hono/request-id";
import type { AppEnv } from "../env";

export type LogFields = Record<string, string | number | boolean | undefined>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** One JSON object per line, so Workers Logs / `wrangler tail` can filter on fields. */
const jsonLogger = (base: LogFields): Logger => {
  const write = (level: string, message: string, fields?: LogFields) =>
    console.log(JSON.stringify({ level, message, ...base, ...fields, time: new Date().toISOString() }));
  return {
    info: (message, fields) => write("info", message, fields),
    error: (message, fields) => write("error", message, fields),
  };
};

/**
 * Accepts or generates `X-Request-Id` (hono's request-id middleware validates it), echoes it, and
 * writes one access-log line per request. Only method, path, status, duration and id are logged:
 * never headers (tokens) or bodies.
 */
export const requestContext = (): MiddlewareHandler<AppEnv>[] => [
  requestId({ headerName: "X-Request-Id" }),
  async (c, next) => {
    const logger = jsonLogger({ request_id: c.get("requestId") });
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
