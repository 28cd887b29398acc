import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { featureStatus } from "../../features";
import { ApiError } from "../../http/api-error";
import { ok } from "../../http/envelope";
import { Status } from "../../http/status";
import { getDb } from "../../repositories/db";
import { pingDatabase } from "../../repositories/health.repository";
import type { getHealth } from "./health.routes";

const RETRY_AFTER_SECONDS = "30";

export const getHealthHandler: RouteHandler<typeof getHealth, AppEnv> = async (c) => {
  let latency: number;
  try {
    latency = await pingDatabase(getDb(c.env.DB));
  } catch (error) {
    c.get("logger").error("health check: database unreachable", { error: String(error) });
    throw new ApiError("service-unavailable", "The database cannot be reached.", {
      headers: { "Retry-After": RETRY_AFTER_SECONDS },
    });
  }
  c.header("Cache-Control", "no-store");
  return ok(
    c,
    {
      status: "ok" as const,
      version: c.env.API_VERSION,
      environment: c.env.ENVIRONMENT,
      checks: { database: { status: "ok" as const, latency_ms: Math.round(latency * 100) / 100 } },
      features: featureStatus(c.env),
    },
    Status.OK,
  );
};
