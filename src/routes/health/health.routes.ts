import { createRoute, z } from "@hono/zod-openapi";
import { Status } from "../../http/status";
import { commonErrors, serviceUnavailable } from "../../openapi/error-responses";
import { envelope } from "../../schemas/common";

export const HealthSchema = z
  .object({
    status: z.literal("ok"),
    version: z.string().openapi({ example: "1.0.0" }),
    environment: z.string().openapi({ example: "development" }),
    checks: z.object({
      database: z.object({ status: z.literal("ok"), latency_ms: z.number().nonnegative() }),
    }),
  })
  .openapi("Health");

export const getHealth = createRoute({
  operationId: "getHealth",
  method: "get",
  path: "/health",
  tags: ["Health"],
  summary: "Check service health",
  description:
    "Runs a real query against D1 and reports version, environment and database latency. Answers 503 when the database cannot be reached.",
  responses: {
    [Status.OK]: {
      description: "The service and its database are up.",
      content: { "application/json": { schema: envelope(HealthSchema, "HealthResponse") } },
    },
    ...commonErrors,
    ...serviceUnavailable,
  },
});
