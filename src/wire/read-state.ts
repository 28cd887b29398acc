import { z } from "@hono/zod-openapi";
import { Counter, Id, Timestamp } from "../schemas/common";

export const readStateExample = {
  thread_id: "cmif7vj3k0000thr000000001",
  last_read_seq: 12,
  unread_count: 3,
  unread_mentions: 1,
  updated_at: "2026-11-25T10:05:00.000Z",
};

/** Where a reader is in a thread: GET and PUT /threads/{id}/read, and the `thread.read` event of a user's stream. */
export const ReadStateSchema = z
  .object({
    thread_id: Id,
    last_read_seq: Counter.openapi({
      description: "Your read mark: the `seq` (of an event or a message) you have read up to; 0 when nothing yet.",
    }),
    unread_count: Counter.openapi({
      description: "Messages by others after the mark, deleted ones not counted; your own never count.",
    }),
    unread_mentions: Counter.openapi({
      description: "Of those, the messages that mention you (a user; always 0 for an API key).",
    }),
    updated_at: Timestamp.nullable().openapi({ description: "When the mark last moved; null when it never has." }),
  })
  .openapi("ReadState", { example: readStateExample });

export type ReadState = z.infer<typeof ReadStateSchema>;

export const unreadTotalsExample = { threads: 3, messages: 17, mentions: 2 };

/** GET /me/unread: what is unread for you across every thread you reach. */
export const UnreadTotalsSchema = z
  .object({
    threads: Counter.openapi({ description: "Threads with something unread for you." }),
    messages: Counter.openapi({ description: "Unread messages in them: the sum of their `unread_count`." }),
    mentions: Counter.openapi({
      description:
        "Unread messages that mention you: the sum of their `unread_mentions` (GET /me/mentions lists them).",
    }),
  })
  .openapi("UnreadTotals", { example: unreadTotalsExample });
