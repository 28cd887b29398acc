import { createRoute, z } from "@hono/zod-openapi";
import { publicAccess } from "../../auth/access";
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
    "Runs a real query against D1 and reports version, environment and database latency. Answers 503 when the database cannot be reached.",
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
          }),
        },
      },
    },
    ...commonErrors,
    ...serviceUnavailable,
  },
});
