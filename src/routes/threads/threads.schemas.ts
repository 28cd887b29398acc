import { z } from "@hono/zod-openapi";
import { envelope, Id, PageQuery, pageEnvelope, Timestamp } from "../../schemas/common";
import { MetadataMap } from "../../schemas/metadata";
import { THREAD_LIMITS, ThreadSchema, ThreadStatusSchema, Title, threadExample } from "../../wire/threads";
import { MessageInput } from "../messages/messages.schemas";

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
  unread: z
    .enum(["true", "false"])
    .optional()
    .transform((value) => value === "true")
    .openapi({
      param: { name: "unread", in: "query" },
      description: "`true`: only threads with something unread for you (`unread_count` > 0).",
    }),
});

export const ThreadResponse = envelope(ThreadSchema, "ThreadResponse", threadExample);
export const ThreadPage = pageEnvelope(ThreadSchema, "ThreadPage", threadExample);
