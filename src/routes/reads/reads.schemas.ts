import { z } from "@hono/zod-openapi";
import { Counter, envelope, Id } from "../../schemas/common";
import { ReadStateSchema, readStateExample, UnreadTotalsSchema, unreadTotalsExample } from "../../wire/read-state";

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

export const ReadStateResponse = envelope(ReadStateSchema, "ReadStateResponse", readStateExample);

export const UnreadTotalsResponse = envelope(UnreadTotalsSchema, "UnreadTotalsResponse", unreadTotalsExample);
