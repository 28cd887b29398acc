import { z } from "@hono/zod-openapi";
import { ActorSchema } from "../../schemas/actor";
import { envelope, Timestamp } from "../../schemas/common";

export const STATUS_LIMITS = { text: 100, defaultSeconds: 30, maxSeconds: 120 } as const;

export const SetActivityStatusBody = z
  .strictObject({
    text: z
      .string()
      .trim()
      .min(1)
      .max(STATUS_LIMITS.text)
      .openapi({ description: "What you are doing, shown to everyone watching.", example: "searching files…" }),
    expires_in: z
      .int()
      .min(1)
      .max(STATUS_LIMITS.maxSeconds)
      .default(STATUS_LIMITS.defaultSeconds)
      .openapi({
        description: `Seconds until it clears by itself (default ${STATUS_LIMITS.defaultSeconds}); set it again to keep it.`,
        format: "int32",
      }),
  })
  .openapi("SetActivityStatus", { example: { text: "thinking…", expires_in: 30 } });

export const ActivityStatusSchema = z
  .object({
    thread_id: z.string().max(64),
    actor: ActorSchema,
    text: z.string().max(STATUS_LIMITS.text),
    expires_at: Timestamp,
  })
  .openapi("ActivityStatus", {
    description: "Someone's short-lived status on a thread, like Slack's assistant status. Never logged.",
  });

const example = {
  thread_id: "cmif7vj3k0000thr000000001",
  actor: { type: "api_key" as const, id: "cmif7vj3k0000key000000001" },
  text: "thinking…",
  expires_at: "2026-11-25T10:00:30.000Z",
};

export const ActivityStatusResponse = envelope(ActivityStatusSchema, "ActivityStatusResponse", example);
export const ActivityStatusList = envelope(z.array(ActivityStatusSchema).max(1000), "ActivityStatusList", [example]);
