import { z } from "@hono/zod-openapi";
import { ActorSchema } from "../../schemas/actor";
import { Counter, Id, MAX_PAGE_SIZE, Metadata, Timestamp } from "../../schemas/common";
import { ArtifactSchema } from "../artifacts/artifacts.schemas";
import { InteractionSchema } from "../interactions/interactions.schemas";
import { ThreadMemorySchema } from "../memory/memory.schemas";
import { MESSAGE_LIMITS, MessageSnapshotSchema, messageExample } from "../messages/messages.schemas";
import { ReactionChangeSchema } from "../reactions/reactions.schemas";
import { ThreadSchema } from "../threads/threads.schemas";

const eventFields = {
  seq: Counter.openapi({ description: "Position in the thread's log: strictly increasing, no gaps.", example: 7 }),
  thread_id: Id,
  actor: ActorSchema.nullable().openapi({ description: "Who made the change." }),
  created_at: Timestamp,
};

/** One schema per event type; `data` is what the REST API returns for the changed object. */
const event = <T extends string, D extends z.ZodType>(type: T, data: D, name: string, description: string) =>
  z.object({ ...eventFields, type: z.literal(type), data }).openapi(name, { description });

export const ThreadEventSchema = z
  .discriminatedUnion("type", [
    event("thread.created", ThreadSchema, "ThreadCreatedEvent", "The thread was created; `data` is the new thread."),
    event(
      "thread.updated",
      ThreadSchema,
      "ThreadUpdatedEvent",
      "Title, status or metadata changed; `data` is the thread.",
    ),
    event("message.created", MessageSnapshotSchema, "MessageCreatedEvent", "A message was posted."),
    event(
      "message.updated",
      MessageSnapshotSchema,
      "MessageUpdatedEvent",
      "A message was edited, or a streamed message was completed or timed out (its `state`, with the whole text).",
    ),
    event("message.deleted", MessageSnapshotSchema, "MessageDeletedEvent", "A message became a tombstone."),
    event("reaction.added", ReactionChangeSchema, "ReactionAddedEvent", "Someone reacted to a message."),
    event("reaction.removed", ReactionChangeSchema, "ReactionRemovedEvent", "Someone took a reaction back."),
    event(
      "memory.updated",
      ThreadMemorySchema,
      "MemoryUpdatedEvent",
      "The memory document changed; `data` is all of it.",
    ),
    event("artifact.created", ArtifactSchema, "ArtifactCreatedEvent", "An artifact was published (version 1)."),
    event(
      "artifact.updated",
      ArtifactSchema,
      "ArtifactUpdatedEvent",
      "An artifact got a new version (an update or a restore).",
    ),
    event(
      "artifact.deleted",
      ArtifactSchema,
      "ArtifactDeletedEvent",
      "An artifact was deleted; `data` is what it was.",
    ),
    event(
      "interaction.created",
      InteractionSchema,
      "InteractionCreatedEvent",
      "Someone acted on a message's blocks or submitted its form.",
    ),
  ])
  .openapi("ThreadEvent", {
    description:
      "One change to a thread (its messages, reactions, memory or artifacts). Message events carry the message without `reactions` (those depend on who asks; follow `reaction.*` events); deleting a message also removes its reactions without separate events.",
  });

export const ListEventsQuery = z.object({
  after: z.coerce
    .number()
    .int()
    .min(0)
    .max(2_147_483_647)
    .default(0)
    .openapi({
      param: { name: "after", in: "query" },
      description: "Only events with a greater `seq`: the last one you have (0: from the start).",
      format: "int32",
      example: 0,
    }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE)
    .default(50)
    .openapi({ param: { name: "limit", in: "query" }, description: `Page size, 1–${MAX_PAGE_SIZE}.`, format: "int32" }),
  token: z
    .string()
    .max(2048)
    .optional()
    .openapi({
      param: { name: "token", in: "query" },
      description:
        "A stream token from POST /stream-tokens, for a browser's `EventSource`, which cannot send `Authorization`. Only with `Accept: text/event-stream`.",
    }),
});

export const EventStreamHeaders = z.object({
  "last-event-id": z
    .string()
    .max(10)
    .regex(/^\d{1,10}$/, "A seq: the `id` of the last event received")
    .optional()
    .openapi({
      param: { in: "header" },
      description:
        "With `Accept: text/event-stream`: the `id` of the last event you received (an `EventSource` sends it by itself when it reconnects). Takes precedence over `after`.",
      example: "42",
    }),
});

export const StreamResetSchema = z
  .object({
    reason: z.enum(["behind", "thread_deleted"]).openapi({
      description:
        "`behind`: the events after the position you asked for are no longer kept; `thread_deleted`: the thread is gone.",
    }),
  })
  .openapi("StreamReset", {
    description:
      "The last frame of a stream that cannot go on: read the thread (its `last_event_seq`) and its messages again, then follow from that seq.",
  });

export const ActivityChangeSchema = z
  .object({
    thread_id: Id,
    actor: ActorSchema,
    text: z.string().max(100).nullable().openapi({ description: "The status; null: cleared or expired." }),
    expires_at: Timestamp.nullable(),
  })
  .openapi("ActivityChange", {
    description:
      "Someone's status on the thread was set, cleared or expired (PUT /threads/{id}/activity). Not in the log: no `id`.",
  });

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

const EventPagination = z
  .object({
    limit: z.int().min(1).max(MAX_PAGE_SIZE).openapi({ format: "int32" }),
    has_more: z.boolean(),
    next_after: Counter.openapi({
      description: "Pass as `after` next time: the last `seq` of this page (or the `after` you sent when it is empty).",
    }),
  })
  .openapi("EventPagination");

/** One page of a log: its events after `after`, oldest first. */
const eventPage = <T extends z.ZodType>(event: T) =>
  z.object({
    success: z.literal(true),
    data: z.array(event).max(MAX_PAGE_SIZE),
    pagination: EventPagination,
    metadata: Metadata,
  });

export const EventPage = eventPage(ThreadEventSchema).openapi("ThreadEventPage", {
  example: {
    success: true,
    data: [
      {
        seq: 3,
        thread_id: "cmif7vj3k0000thr000000001",
        actor: { type: "user", id: "cmif7vj3k0000abcd12345678" },
        created_at: "2026-11-25T10:00:00.000Z",
        type: "reaction.added",
        data: {
          message_id: "cmif7vj3k0000msg000000001",
          emoji: "tada",
          actor: { type: "user", id: "cmif7vj3k0000abcd12345678" },
          count: 1,
        },
      },
    ],
    pagination: { limit: 50, has_more: false, next_after: 3 },
    metadata: {
      timestamp: "2026-11-25T10:00:00.000Z",
      correlation_id: "8d3c5b0e-7a1f-4c2b-9e6d-0f1a2b3c4d5e",
      version: "1.0.0",
    },
  },
});

export const UserEventSchema = z
  .object({
    seq: Counter.openapi({ description: "Position in your user stream: strictly increasing, no gaps.", example: 12 }),
    event: ThreadEventSchema,
  })
  .openapi("UserEvent", {
    description:
      "Something in one of your threads, as your user stream (GET /events) carries it: `event` is the thread's own event (with the thread's `seq`) — `thread.created`, `thread.updated` (renamed, archived, restored, metadata) or `message.created` — and `seq` its place in your stream.",
  });

export const UserEventPage = eventPage(UserEventSchema).openapi("UserEventPage", {
  example: {
    success: true,
    data: [
      {
        seq: 12,
        event: {
          seq: 2,
          thread_id: "cmif7vj3k0000thr000000001",
          actor: { type: "api_key", id: "cmif7vj3k0000apikey000001" },
          created_at: "2026-11-25T10:00:00.000Z",
          type: "message.created",
          data: { ...messageExample, reactions: undefined },
        },
      },
    ],
    pagination: { limit: 50, has_more: false, next_after: 12 },
    metadata: {
      timestamp: "2026-11-25T10:00:00.000Z",
      correlation_id: "8d3c5b0e-7a1f-4c2b-9e6d-0f1a2b3c4d5e",
      version: "1.0.0",
    },
  },
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
