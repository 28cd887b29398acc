import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { featureStatus } from "../../features";
import { ApiError } from "../../http/api-error";
import { ok } from "../../http/envelope";
import { Status } from "../../http/status";
import { getDb } from "../../repositories/db";
import { pingDatabase, pingRealtime, pingStorage } from "../../repositories/health.repository";
import type { getHealth, getLiveness } from "./health.routes";

const RETRY_AFTER_SECONDS = "30";

/** Runs one dependency's check; a failure is logged and answered 503 naming the dependency. */
const check = async (c: Context<AppEnv>, name: string, run: () => Promise<number>) => {
  try {
    return { status: "ok" as const, latency_ms: await run() };
  } catch (error) {
    c.get("logger").error(`health check: ${name} unreachable`, { error: String(error) });
    throw new ApiError("service-unavailable", `The ${name} cannot be reached.`, {
      headers: { "Retry-After": RETRY_AFTER_SECONDS },
    });
  }
};

export const getHealthHandler: RouteHandler<typeof getHealth, AppEnv> = async (c) => {
  const [database, storage, realtime] = await Promise.all([
    check(c, "database", () => pingDatabase(getDb(c.env.DB))),
    check(c, "file storage", () => pingStorage(c.env)),
    check(c, "live-stream service", () => pingRealtime(c.env)),
  ]);
  c.header("Cache-Control", "no-store");
  return ok(
    c,
    {
      status: "ok" as const,
      version: c.env.API_VERSION,
      environment: c.env.ENVIRONMENT,
      checks: { database, storage, realtime },
      features: featureStatus(c.env),
    },
    Status.OK,
  );
};

export const getLivenessHandler: RouteHandler<typeof getLiveness, AppEnv> = (c) => {
  c.header("Cache-Control", "no-store");
  return ok(c, { status: "ok" as const }, Status.OK);
};
