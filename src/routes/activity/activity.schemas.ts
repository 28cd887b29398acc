import { z } from "@hono/zod-openapi";
import { envelope } from "../../schemas/common";
import { ActivityStatusSchema, activityStatusExample, STATUS_LIMITS } from "../../wire/activity";

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

export const ActivityStatusResponse = envelope(ActivityStatusSchema, "ActivityStatusResponse", activityStatusExample);
export const ActivityStatusList = envelope(z.array(ActivityStatusSchema).max(1000), "ActivityStatusList", [
  activityStatusExample,
]);
