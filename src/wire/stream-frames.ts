import { z } from "@hono/zod-openapi";
import { Id } from "../schemas/common";
import { ActivityChangeSchema } from "./activity";
import { ThreadEventSchema, UserEventSchema } from "./events";
import { MESSAGE_LIMITS } from "./messages";

// What live streams send besides the log's events: the deltas of streamed replies, activity, and a reset.

export const StreamResetSchema = z
  .object({
    reason: z.enum(["behind", "thread_deleted", "access_removed"]).openapi({
      description:
        "`behind`: the events after the position you asked for are no longer kept; `thread_deleted`: the thread is gone; `access_removed`: your API key was removed from the thread (after its `thread.agent_removed` event), so reading it again answers 404 until it is added back.",
    }),
  })
  .openapi("StreamReset", {
    description:
      "The last frame of a stream that cannot go on: read the thread (its `last_event_seq`) and its messages again, then follow from that seq.",
  });

export type StreamReset = z.infer<typeof StreamResetSchema>;

export const MessageDeltaSchema = z
  .object({
    thread_id: Id,
    message_id: Id,
    offset: z.int().min(0).max(MESSAGE_LIMITS.maxTextLength).openapi({
      format: "int32",
      description: "Where `text` starts in the message's text (UTF-16 code units).",
    }),
    text: z.string().max(MESSAGE_LIMITS.maxTextLength),
  })
  .openapi("MessageDelta", {
    description:
      "Text appended to a STREAMING message. Apply it only when `offset` ≤ the length you have and `offset + text.length` > it: `text = text.slice(0, offset) + delta.text` (the SDK's `applyDelta`). On connecting, each message still streaming is sent whole (offset 0). Not in the log: no `id`; the message's `message.updated` event carries the final text.",
  });

export type MessageDelta = z.infer<typeof MessageDeltaSchema>;

const ResetFrame = z
  .object({ event: z.literal("reset"), data: StreamResetSchema })
  .openapi("ThreadStreamResetFrame", { description: "Sent once, then the stream ends." });

/** A frame's `id`: the seq to send back as `Last-Event-ID`. */
const FrameId = z
  .string()
  .max(10)
  .regex(/^\d{1,10}$/);

export const ThreadStreamFrame = z
  .union([
    z
      .object({
        id: FrameId.openapi({ description: "The event's `seq`: send it back as `Last-Event-ID`." }),
        event: z.string().max(64).openapi({ description: "The event's `type`.", example: "message.created" }),
        data: ThreadEventSchema,
      })
      .openapi("ThreadStreamEvent", { description: "One event of the log, as the JSON feed returns it." }),
    z.object({ event: z.literal("message.delta"), data: MessageDeltaSchema }).openapi("ThreadStreamDeltaFrame", {
      description: "Text streamed into a message (POST …/messages/{message_id}/deltas).",
    }),
    z.object({ event: z.literal("activity"), data: ActivityChangeSchema }).openapi("ThreadStreamActivityFrame", {
      description: "A status set, cleared or expired; also sent on connecting for each live status.",
    }),
    ResetFrame,
  ])
  .openapi("ThreadStreamFrame", {
    description:
      "One server-sent event (WHATWG HTML §9.2), shown here as an object: on the wire each member is a line (`id: 7`, `event: message.created`, `data: {…}` with `data` as one line of JSON), and a blank line ends the event. The stream starts with `retry: 3000` and carries a `: heartbeat` comment about every 15 seconds.",
  });

export const UserStreamFrame = z
  .union([
    z
      .object({
        id: FrameId.openapi({ description: "The user event's `seq`: send it back as `Last-Event-ID`." }),
        event: z.string().max(64).openapi({ description: "The thread event's `type`.", example: "message.created" }),
        data: UserEventSchema,
      })
      .openapi("UserStreamEvent", { description: "One event of your user stream, as the JSON feed returns it." }),
    ResetFrame,
  ])
  .openapi("UserStreamFrame", {
    description:
      "One server-sent event of your user stream, shown as an object (see ThreadStreamFrame for the wire form): `retry: 3000` first, a `: heartbeat` comment about every 15 seconds.",
  });
