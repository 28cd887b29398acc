import type { z } from "@hono/zod-openapi";
import type { Thread } from "../../generated/prisma/client";
import type { ThreadSchema } from "./threads.schemas";

/** A thread row without its memory document (lists and access checks never load it). */
export type ThreadRow = Omit<Thread, "memory">;

export const threadToWire = (thread: ThreadRow): z.infer<typeof ThreadSchema> => ({
  id: thread.id,
  owner_id: thread.ownerId,
  title: thread.title,
  status: thread.status,
  metadata: (thread.metadata ?? {}) as Record<string, string>,
  message_count: thread.messageCount,
  last_message_at: thread.lastMessageAt?.toISOString() ?? null,
  last_event_seq: thread.lastSeq,
  memory_version: thread.memoryVersion,
  created_at: thread.createdAt.toISOString(),
  updated_at: thread.updatedAt.toISOString(),
});
