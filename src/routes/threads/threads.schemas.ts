import { z } from "@hono/zod-openapi";
import { Counter, envelope, Id, PageQuery, pageEnvelope, Timestamp } from "../../schemas/common";
import { MetadataMap } from "../../schemas/metadata";
import { MessageInput } from "../messages/messages.schemas";

export const THREAD_LIMITS = {
  maxTitleLength: 256,
  /** Messages a thread can be created with, in the same atomic write. */
  maxInitialMessages: 20,
} as const;

export const ThreadStatusSchema = z.enum(["ACTIVE", "ARCHIVED"]).openapi("ThreadStatus", {
  description: "ARCHIVED threads are read-only: posting, editing, deleting and reacting answer 409 until unarchived.",
});

const Title = z.string().trim().min(1).max(THREAD_LIMITS.maxTitleLength).openapi({ example: "Q3 churn review" });

export const ThreadSchema = z
  .object({
    id: Id,
    owner_id: Id.openapi({ description: "The user the thread belongs to." }),
    title: Title,
    status: ThreadStatusSchema,
    metadata: MetadataMap,
    message_count: Counter.openapi({ description: "Messages in the thread, not counting deleted ones." }),
    last_message_at: Timestamp.nullable().openapi({ description: "When the newest message was posted." }),
    last_event_seq: Counter.openapi({
      description:
        "Sequence number of the thread's newest event: read the thread (and its messages), then follow `GET /threads/{id}/events?after=` this number.",
    }),
    memory_version: Counter.openapi({ description: "Version of the thread's memory document (0: none yet)." }),
    created_at: Timestamp,
    updated_at: Timestamp.openapi({
      description: "Last activity: the last change to the thread or anything in it. Lists are ordered by it.",
    }),
  })
  .openapi("Thread");

export const CreateThreadBody = z
  .strictObject({
    title: Title,
    metadata: MetadataMap.optional(),
    owner_id: Id.optional().openapi({
      description:
        "Whose thread it is. Users create their own (omit it, or send their own id); admins and API keys name the user (API keys must).",
    }),
    messages: z
      .array(MessageInput)
      .max(THREAD_LIMITS.maxInitialMessages)
      .optional()
      .openapi({
        description: `Up to ${THREAD_LIMITS.maxInitialMessages} messages to start the thread with, stored with it in one atomic write.`,
      }),
  })
  .openapi("CreateThreadRequest", {
    example: {
      title: "Q3 churn review",
      metadata: { crm_account: "acme-42" },
      messages: [{ text: "What changed in churn since last quarter?" }],
    },
  });

export const UpdateThreadBody = z
  .strictObject({
    title: Title.optional(),
    status: ThreadStatusSchema.optional(),
    metadata: MetadataMap.nullable().optional().openapi({ description: "Replaces the metadata; null clears it." }),
  })
  .refine((body) => Object.keys(body).length > 0, "Send at least one field to change")
  .openapi("UpdateThreadRequest", { example: { status: "ARCHIVED" } });

export const ListThreadsQuery = PageQuery.extend({
  status: ThreadStatusSchema.optional().openapi({
    param: { name: "status", in: "query" },
    description: "Only threads with this status.",
  }),
  updated_since: Timestamp.optional().openapi({
    param: { name: "updated_since", in: "query" },
    description: "Only threads with activity at or after this time.",
  }),
  owner_id: Id.optional().openapi({
    param: { name: "owner_id", in: "query" },
    description:
      "Admins and API keys: only this user's threads (without it they see every thread). Users always see only their own.",
  }),
});

const threadExample: z.input<typeof ThreadSchema> = {
  id: "cmif7vj3k0000thr000000001",
  owner_id: "cmif7vj3k0000abcd12345678",
  title: "Q3 churn review",
  status: "ACTIVE",
  metadata: { crm_account: "acme-42" },
  message_count: 1,
  last_message_at: "2026-11-25T10:00:00.000Z",
  last_event_seq: 2,
  memory_version: 0,
  created_at: "2026-11-25T10:00:00.000Z",
  updated_at: "2026-11-25T10:00:00.000Z",
};

export const ThreadResponse = envelope(ThreadSchema, "ThreadResponse", threadExample);
export const ThreadPage = pageEnvelope(ThreadSchema, "ThreadPage", threadExample);
