import { z } from "@hono/zod-openapi";
import { Counter, envelope, Id } from "../../schemas/common";
import { ReadStateSchema, UnreadTotalsSchema } from "../../wire/read-state";

export const MarkReadBody = z
  .strictObject({
    seq: Counter.optional().openapi({
      description:
        "Read up to this `seq` (a message's, or an event's from the live stream); past the thread's end it stops there.",
    }),
    message_id: Id.optional().openapi({ description: "Read up to this message of the thread (its `seq`)." }),
  })
  .refine((body) => (body.seq === undefined) !== (body.message_id === undefined), {
    message: "Send either seq or message_id",
  })
  .openapi("MarkReadRequest", { example: { seq: 12 } });

const readStateExample = {
  thread_id: "cmif7vj3k0000thr000000001",
  last_read_seq: 12,
  unread_count: 0,
  updated_at: "2026-11-25T10:05:00.000Z",
};

export const ReadStateResponse = envelope(ReadStateSchema, "ReadStateResponse", readStateExample);

export const UnreadTotalsResponse = envelope(UnreadTotalsSchema, "UnreadTotalsResponse", { threads: 3, messages: 17 });
