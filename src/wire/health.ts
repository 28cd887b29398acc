import { z } from "@hono/zod-openapi";
import { FEATURES } from "../features";

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

export const healthExample: z.input<typeof HealthSchema> = {
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
    webhooks: { configured: true, missing: [] },
    mcp: { configured: true, missing: [] },
    chat: { configured: true, missing: [] },
  },
};

export const LivenessSchema = z.object({ status: z.literal("ok") }).openapi("Liveness");
