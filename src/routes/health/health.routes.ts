import { createRoute, z } from "@hono/zod-openapi";
import { publicAccess } from "../../auth/access";
import { FEATURES } from "../../features";
import { Status } from "../../http/status";
import { commonErrors, serviceUnavailable } from "../../openapi/error-responses";
import { envelope } from "../../schemas/common";

export const HealthSchema = z
  .object({
    status: z.literal("ok"),
    version: z.string().max(32).openapi({ example: "1.0.0" }),
    environment: z.string().max(32).openapi({ example: "development" }),
    checks: z.object({
      database: z.object({ status: z.literal("ok"), latency_ms: z.number().nonnegative().max(600_000) }),
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
    "Runs a real query against D1 and reports version, environment, database latency, and which optional features this deployment has configured (and what each lacks). Answers 503 when the database cannot be reached.",
  responses: {
    [Status.OK]: {
      description: "The service and its database are up.",
      content: {
        "application/json": {
          schema: envelope(HealthSchema, "HealthResponse", {
            status: "ok",
            version: "1.0.0",
            environment: "production",
            checks: { database: { status: "ok", latency_ms: 1.8 } },
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
