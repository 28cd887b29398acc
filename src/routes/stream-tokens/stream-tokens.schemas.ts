import { z } from "@hono/zod-openapi";
import { envelope, Id, Timestamp } from "../../schemas/common";

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

export const StreamTokenSchema = z
  .object({
    token: z.string().max(2048).openapi({ description: "Pass as `token` on the stream's URL." }),
    expires_at: Timestamp.openapi({ description: "Open the stream before this; an open stream is not cut then." }),
    url: z.string().max(2200).openapi({
      description: "The stream's path with the token, for `new EventSource(baseUrl + url)`.",
      example: "/threads/cmif7vj3k0000thr000000001/events?token=eyJ…",
    }),
  })
  .openapi("StreamToken");

export const StreamTokenResponse = envelope(StreamTokenSchema, "StreamTokenResponse", {
  token: "eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIiwidHlwIjoic3RyZWFtK2p3dCJ9.e30.c2ln",
  expires_at: "2026-11-25T10:05:00.000Z",
  url: "/threads/cmif7vj3k0000thr000000001/events?token=eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIiwidHlwIjoic3RyZWFtK2p3dCJ9.e30.c2ln",
});
