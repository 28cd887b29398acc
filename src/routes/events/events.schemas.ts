import { z } from "@hono/zod-openapi";
import { Counter, MAX_PAGE_SIZE, Metadata } from "../../schemas/common";
import { ThreadEventSchema, UserEventSchema } from "../../wire/events";
import { messageExample } from "../../wire/messages";

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
        mentioned: false,
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
