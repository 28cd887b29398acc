import { z } from "@hono/zod-openapi";
import type { File, Message } from "../generated/prisma/client";
import type { Actor } from "../principal";
import { ActorSchema } from "../schemas/actor";
import { type Block, Blocks } from "../schemas/blocks";
import { Counter, Id, Timestamp } from "../schemas/common";
import { MetadataMap } from "../schemas/metadata";
import { type ReactionSummary, ReactionSummarySchema } from "./reactions";

export const MESSAGE_LIMITS = {
  /** Slack's limit for `text`. */
  maxTextLength: 40_000,
  /** Files per message (Slack's limit for one message). */
  maxAttachments: 10,
} as const;

export const MessageRoleSchema = z.enum(["USER", "ASSISTANT", "SYSTEM", "TOOL"]).openapi("MessageRole", {
  description:
    "Who speaks: USER messages are written by signed-in users (and only they write them); ASSISTANT, SYSTEM and TOOL messages by agents (API keys).",
});

export const MessageStateSchema = z.enum(["COMPLETE", "STREAMING", "INCOMPLETE"]).openapi("MessageState", {
  description:
    "COMPLETE: written in one go, or streamed and completed. STREAMING: its author is still appending text (`message.delta` frames on the live stream). INCOMPLETE: the stream ended before its author completed it — `incomplete_reason` says why; the text is what arrived.",
});

export const IncompleteReasonSchema = z.enum(["TIMED_OUT", "STOPPED"]).openapi("IncompleteReason", {
  description:
    "Why a message is INCOMPLETE. TIMED_OUT: its author sent nothing for `MESSAGE_STREAM_IDLE_SECONDS` (300). STOPPED: someone stopped it (`POST …/stop`: the thread's owner, an admin or its author) — a user's \"stop generating\".",
});

const AttachmentSchema = z
  .object({
    id: Id,
    filename: z.string().max(255),
    content_type: z.string().max(255),
    size_bytes: z.int().min(0).max(Number.MAX_SAFE_INTEGER).openapi({ format: "int64" }),
  })
  .openapi("Attachment", { description: "A file attached to a message." });

const messageFields = {
  id: Id,
  thread_id: Id,
  seq: Counter.openapi({
    description:
      "Position in the thread: the sequence number of its `message.created` event. Messages list in this order, which is the order they were stored in.",
  }),
  parent_id: Id.nullable().openapi({ description: "The message this one replies to; null for a top-level message." }),
  role: MessageRoleSchema,
  state: MessageStateSchema,
  incomplete_reason: IncompleteReasonSchema.nullable().openapi({
    description: "Set when `state` is INCOMPLETE: why the stream ended early. Null otherwise.",
  }),
  author: ActorSchema.nullable().openapi({ description: "Who wrote it; null once that user was deleted." }),
  text: z.string().max(MESSAGE_LIMITS.maxTextLength).openapi({ description: "Empty once the message was deleted." }),
  blocks: Blocks,
  metadata: MetadataMap,
  attachments: z.array(AttachmentSchema).max(MESSAGE_LIMITS.maxAttachments),
  mentions: z.array(Id).max(MESSAGE_LIMITS.maxTextLength).openapi({
    description:
      "The users it mentions — `<@USER_ID>` in `text`, `user` elements in rich-text `blocks` — each checked when written (an existing user who can see the thread), in order of first mention. Empty once deleted.",
  }),
  reply_count: Counter.openapi({ description: "Live replies to this message." }),
  edited_at: Timestamp.nullable().openapi({ description: "When the text, blocks or metadata last changed." }),
  deleted_at: Timestamp.nullable().openapi({
    description:
      "Set on a deleted message: a tombstone that keeps its place, author and replies, with text, blocks, metadata, attachments and reactions removed.",
  }),
  created_at: Timestamp,
  updated_at: Timestamp,
};

/** A message as event payloads carry it: everything but the reactions, which depend on who is asking. */
export const MessageSnapshotSchema = z.object(messageFields).openapi("MessageSnapshot", {
  description: "A message without `reactions` (which say whether *you* reacted): how events and search carry it.",
});

export const MessageSchema = z
  .object({
    ...messageFields,
    reactions: z.array(ReactionSummarySchema).max(50).openapi({
      description: "One entry per emoji, in the order each was first used, with whether you reacted.",
    }),
  })
  .openapi("Message");

export const StreamPositionSchema = z
  .object({
    message_id: Id,
    length: z.int().min(0).max(MESSAGE_LIMITS.maxTextLength).openapi({
      format: "int32",
      description: "The length of the message's text now (UTF-16 code units): the offset of your next delta.",
    }),
  })
  .openapi("StreamPosition");

export const messageExample: z.input<typeof MessageSchema> = {
  id: "cmif7vj3k0000msg000000001",
  thread_id: "cmif7vj3k0000thr000000001",
  seq: 2,
  parent_id: null,
  role: "ASSISTANT",
  state: "COMPLETE",
  incomplete_reason: null,
  author: { type: "api_key", id: "cmif7vj3k0000apikey000001" },
  text: "Churn fell from 4.1% to 3.2%.",
  blocks: [{ type: "section", text: { type: "mrkdwn", text: "*Churn* fell from 4.1% to 3.2%." } }],
  metadata: { report_id: "q3-churn" },
  attachments: [],
  mentions: [],
  reactions: [{ emoji: "tada", count: 2, me: true }],
  reply_count: 0,
  edited_at: null,
  deleted_at: null,
  created_at: "2026-11-25T10:00:00.000Z",
  updated_at: "2026-11-25T10:00:00.000Z",
};

/** A file as a message's attachment lists it. */
export type AttachedFile = Pick<File, "id" | "filename" | "contentType" | "sizeBytes">;

/** A message row with its attachments' files, in the order they were attached (as repositories load it). */
export type MessageRow = Message & { attachments: { file: AttachedFile }[] };

export type MessageSnapshot = z.infer<typeof MessageSnapshotSchema>;
export type MessageWire = z.infer<typeof MessageSchema>;

export const authorOf = (message: Pick<Message, "authorId" | "apiKeyId">): Actor | null => {
  if (message.authorId) return { type: "user", id: message.authorId };
  if (message.apiKeyId) return { type: "api_key", id: message.apiKeyId };
  return null;
};

/** The users a message mentions: its `mentions` column holds only checked user ids (src/auth/mentions.ts). */
export const mentionedIn = (message: Pick<Message, "mentions">): string[] => (message.mentions ?? []) as string[];

/** The message without its reactions: what events carry (reactions depend on who is asking). */
export const messageSnapshot = (message: MessageRow): MessageSnapshot => ({
  id: message.id,
  thread_id: message.threadId,
  seq: message.seq,
  parent_id: message.parentId,
  role: message.role,
  state: message.state,
  incomplete_reason: message.incompleteReason,
  author: authorOf(message),
  text: message.text,
  // Stored only after validation against the Block Kit schemas.
  blocks: (message.blocks ?? []) as Block[],
  metadata: (message.metadata ?? {}) as Record<string, string>,
  attachments: message.attachments.map(({ file }) => ({
    id: file.id,
    filename: file.filename,
    content_type: file.contentType,
    size_bytes: file.sizeBytes,
  })),
  mentions: mentionedIn(message),
  reply_count: message.replyCount,
  edited_at: message.editedAt?.toISOString() ?? null,
  deleted_at: message.deletedAt?.toISOString() ?? null,
  created_at: message.createdAt.toISOString(),
  updated_at: message.updatedAt.toISOString(),
});

export const messageToWire = (message: MessageRow, reactions: ReactionSummary[]): MessageWire => ({
  ...messageSnapshot(message),
  reactions,
});
