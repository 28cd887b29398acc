import { z } from "@hono/zod-openapi";
import { envelope, Id } from "../../schemas/common";
import { StreamTokenSchema, streamTokenExample } from "../../wire/stream-tokens";

export const CreateStreamTokenBody = z
  .strictObject({
    thread_id: Id.optional().openapi({ description: "The thread whose event stream the token opens." }),
    stream: z
      .literal("user")
      .optional()
      .openapi({ description: "`user`: your own user stream (GET /events) instead; users only." }),
  })
  .superRefine((body, ctx) => {
    if ((body.thread_id === undefined) !== (body.stream === undefined)) return;
    ctx.addIssue({
      code: "custom",
      path: ["thread_id"],
      message: body.thread_id === undefined ? "Required unless stream is user" : "Send thread_id or stream, not both",
    });
  })
  .openapi("CreateStreamToken", {
    description: 'One thread\'s stream (`thread_id`), or your user stream (`"stream": "user"`).',
    example: { thread_id: "cmif7vj3k0000thr000000001" },
  });

export const StreamTokenResponse = envelope(StreamTokenSchema, "StreamTokenResponse", streamTokenExample);
