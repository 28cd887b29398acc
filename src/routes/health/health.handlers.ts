import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { featureStatus } from "../../features";
import { ApiError } from "../../http/api-error";
import { ok } from "../../http/envelope";
import { Status } from "../../http/status";
import { errorMessage } from "../../logging";
import { threadHub } from "../../realtime/hubs";
import { repositories } from "../../repositories";
import type { getHealth, getLiveness } from "./health.routes";

const RETRY_AFTER_SECONDS = "30";

/** Times one dependency's round trip; a failure is logged and answered 503 naming the dependency. */
const check = async (c: Context<AppEnv>, name: string, roundTrip: () => Promise<unknown>) => {
  try {
    const started = performance.now();
    await roundTrip();
    return { status: "ok" as const, latency_ms: Math.round((performance.now() - started) * 100) / 100 };
  } catch (error) {
    c.get("logger").error(`health check: ${name} unreachable`, { error: errorMessage(error) });
    throw new ApiError("service-unavailable", `The ${name} cannot be reached.`, {
      headers: { "Retry-After": RETRY_AFTER_SECONDS },
    });
  }
};

export const getHealthHandler: RouteHandler<typeof getHealth, AppEnv> = async (c) => {
  const [database, storage, realtime] = await Promise.all([
    // Through the same Prisma client the API uses.
    check(c, "database", () => repositories(c).health.ping()),
    // The metadata of a key that never exists: no object is read or written.
    check(c, "file storage", () => c.env.FILES.head("health/ping")),
    // The live-stream hub set aside for health checks.
    check(c, "live-stream service", () => threadHub(c.env, "health-check").ping()),
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
