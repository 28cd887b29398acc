import { z } from "@hono/zod-openapi";
import { Id, Timestamp } from "../schemas/common";
import { type MessageRow, MessageSnapshotSchema, messageExample, messageSnapshot } from "./messages";
import { Title } from "./threads";

/** A message that mentions you, as GET /me/mentions lists it. */
export const MentionSchema = z
  .object({
    thread_id: Id,
    thread_title: Title,
    message: MessageSnapshotSchema,
    unread: z.boolean().openapi({ description: "The message is after your read mark in its thread." }),
    mentioned_at: Timestamp.openapi({ description: "When the message was posted." }),
  })
  .openapi("Mention", {
    description:
      "A message that mentions you, with its thread's title and whether you have read it (its `reactions` are not included: GET the message for them).",
  });

const { reactions: _reactions, ...snapshotExample } = messageExample;

export const mentionExample: z.input<typeof MentionSchema> = {
  thread_id: messageExample.thread_id,
  thread_title: "Q3 churn review",
  message: {
    ...snapshotExample,
    text: "<@cmif7vj3k0000abcd12345678> the churn numbers are in.",
    mentions: ["cmif7vj3k0000abcd12345678"],
  },
  unread: true,
  mentioned_at: messageExample.created_at,
};

export const mentionToWire = (
  message: MessageRow,
  thread: { title: string },
  lastReadSeq: number,
): z.infer<typeof MentionSchema> => ({
  thread_id: message.threadId,
  thread_title: thread.title,
  message: messageSnapshot(message),
  unread: message.seq > lastReadSeq,
  mentioned_at: message.createdAt.toISOString(),
});
