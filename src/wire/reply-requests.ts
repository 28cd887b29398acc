import { z } from "@hono/zod-openapi";
import { ActorSchema } from "../schemas/actor";
import { Counter, Id, Timestamp } from "../schemas/common";

export const replyRequestExample = {
  thread_id: "cmif7vj3k0000thr000000001",
  message_id: "cmif7vj3k0000msg000000001",
  previous_reply_id: "cmif7vj3k0000msg000000002",
  requested_by: { type: "user", id: "cmif7vj3k0000usr000000001" },
  seq: 9,
  requested_at: "2026-11-25T10:02:00.000Z",
} as const;

/** A request for a new reply to a message (a chat's "regenerate"): the payload of `message.reply_requested`. */
export const ReplyRequestSchema = z
  .object({
    thread_id: Id,
    message_id: Id.openapi({ description: "The message to answer again (usually a user's)." }),
    previous_reply_id: Id.nullable().openapi({
      description:
        "The newest live ASSISTANT message after it at the same level (top level, or the same parent): the reply a new one would replace. It stays in the thread; null when there was none.",
    }),
    requested_by: ActorSchema,
    seq: Counter.openapi({
      description: "The request's place in the thread's log: the new reply is the first ASSISTANT message after it.",
    }),
    requested_at: Timestamp,
  })
  .openapi("ReplyRequest", {
    description:
      "Someone asked the thread's agents for a new reply to a message. Nothing else changes: agents that see the `message.reply_requested` event (live stream, webhooks) answer with a new message.",
    example: replyRequestExample,
  });

export type ReplyRequest = z.infer<typeof ReplyRequestSchema>;
