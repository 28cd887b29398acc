import { createRoute } from "@hono/zod-openapi";
import { publicAccess } from "../../auth/access";
import { Status } from "../../http/status";
import { rateLimit, readRateLimit } from "../../middleware/rate-limit";
import { commonErrors, rateLimited, serviceUnavailable } from "../../openapi/error-responses";
import { envelope } from "../../schemas/common";
import { HealthSchema, healthExample, LivenessSchema } from "../../wire/health";

export const getHealth = createRoute({
  operationId: "getHealth",
  method: "get",
  path: "/health",
  tags: ["Health"],
  ...publicAccess(rateLimit(readRateLimit)), // public: load balancers and uptime checks call it
  summary: "Check service health",
  description:
    "The deep check, for dashboards and deploys: a real round trip to each dependency — D1, R2 and Durable Objects — with its latency, the version and environment, and which optional features this deployment has configured (and what each lacks). Answers 503 naming the dependency that cannot be reached. Load balancers polling often should use GET /health/live, which touches nothing.",
  responses: {
    [Status.OK]: {
      description: "The service and its database are up.",
      content: {
        "application/json": {
          schema: envelope(HealthSchema, "HealthResponse", healthExample),
        },
      },
    },
    ...commonErrors,
    ...serviceUnavailable,
    ...rateLimited,
  },
});

export const getLiveness = createRoute({
  operationId: "getLiveness",
  method: "get",
  path: "/health/live",
  tags: ["Health"],
  ...publicAccess(rateLimit(readRateLimit)), // public: load balancers and orchestrators call it often
  summary: "Check the worker answers",
  description:
    "Liveness: answers 200 as soon as the worker runs, without touching D1, R2 or Durable Objects, so polling it costs nothing downstream. GET /health is the deep check.",
  responses: {
    [Status.OK]: {
      description: "The worker is running.",
      content: {
        "application/json": {
          schema: envelope(LivenessSchema, "LivenessResponse", { status: "ok" }),
        },
      },
    },
    ...commonErrors,
    ...rateLimited,
  },
});
