import { createRoute, z } from "@hono/zod-openapi";
import { publicAccess } from "../../auth/access";
import { FEATURES } from "../../features";
import { Status } from "../../http/status";
import { commonErrors, serviceUnavailable } from "../../openapi/error-responses";
import { envelope } from "../../schemas/common";

const Check = z.object({ status: z.literal("ok"), latency_ms: z.number().nonnegative().max(600_000) });

export const HealthSchema = z
  .object({
    status: z.literal("ok"),
    version: z.string().max(32).openapi({ example: "1.0.0" }),
    environment: z.string().max(32).openapi({ example: "development" }),
    checks: z.object({
      database: Check.openapi({ description: "D1: `SELECT 1` through the API's own Prisma client." }),
      storage: Check.openapi({ description: "R2: the metadata of a key that never exists." }),
      realtime: Check.openapi({ description: "Durable Objects: a call to a live-stream hub." }),
    }),
    features: z
      .record(
        z.enum(FEATURES),
        z
          .object({
            configured: z.boolean(),
            missing: z
              .array(z.string().max(64))
              .max(4)
              .openapi({ description: "The settings or bindings it lacks (empty when configured)." }),
          })
          .openapi("FeatureStatus"),
      )
      .openapi({
        description:
          "The optional features and whether this deployment has what each needs; an operation of one that is not answers 503 `feature-not-configured` naming the setting.",
      }),
  })
  .openapi("Health");

export const getHealth = createRoute({
  operationId: "getHealth",
  method: "get",
  path: "/health",
  tags: ["Health"],
  ...publicAccess(), // public: load balancers and uptime checks call it
  summary: "Check service health",
  description:
    "The deep check, for dashboards and deploys: a real round trip to each dependency — D1, R2 and Durable Objects — with its latency, the version and environment, and which optional features this deployment has configured (and what each lacks). Answers 503 naming the dependency that cannot be reached. Load balancers polling often should use GET /health/live, which touches nothing.",
  responses: {
    [Status.OK]: {
      description: "The service and its database are up.",
      content: {
        "application/json": {
          schema: envelope(HealthSchema, "HealthResponse", {
            status: "ok",
            version: "1.0.0",
            environment: "production",
            checks: {
              database: { status: "ok", latency_ms: 1.8 },
              storage: { status: "ok", latency_ms: 2.4 },
              realtime: { status: "ok", latency_ms: 3.1 },
            },
            features: {
              google_sign_in: { configured: true, missing: [] },
              download_links: { configured: true, missing: [] },
              previews: { configured: true, missing: [] },
              image_previews: { configured: false, missing: ["IMAGES"] },
            },
          }),
        },
      },
    },
    ...commonErrors,
    ...serviceUnavailable,
  },
});

export const getLiveness = createRoute({
  operationId: "getLiveness",
  method: "get",
  path: "/health/live",
  tags: ["Health"],
  ...publicAccess(), // public: load balancers and orchestrators call it often
  summary: "Check the worker answers",
  description:
    "Liveness: answers 200 as soon as the worker runs, without touching D1, R2 or Durable Objects, so polling it costs nothing downstream. GET /health is the deep check.",
  responses: {
    [Status.OK]: {
      description: "The worker is running.",
      content: {
        "application/json": {
          schema: envelope(z.object({ status: z.literal("ok") }).openapi("Liveness"), "LivenessResponse", {
            status: "ok",
          }),
        },
      },
    },
    ...commonErrors,
  },
});
