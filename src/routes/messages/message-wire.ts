import type { z } from "@hono/zod-openapi";
import type { Actor } from "../../auth/principal";
import type { Message } from "../../generated/prisma/client";
import type { MessageRow } from "../../repositories/messages.repository";
import type { Block } from "../../schemas/blocks";
import type { MessageSchema, MessageSnapshotSchema } from "./messages.schemas";

export type MessageSnapshot = z.infer<typeof MessageSnapshotSchema>;
export type MessageWire = z.infer<typeof MessageSchema>;
export type ReactionSummary = MessageWire["reactions"][number];

export const authorOf = (message: Pick<Message, "authorId" | "apiKeyId">): Actor | null => {
  if (message.authorId) return { type: "user", id: message.authorId };
  if (message.apiKeyId) return { type: "api_key", id: message.apiKeyId };
  return null;
};

/** The message without its reactions: what events carry (reactions depend on who is asking). */
export const messageSnapshot = (message: MessageRow): MessageSnapshot => ({
  id: message.id,
  thread_id: message.threadId,
  seq: message.seq,
  parent_id: message.parentId,
  role: message.role,
  state: message.state,
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
