import { z } from "@hono/zod-openapi";
import type { Thread } from "../generated/prisma/client";
import { Counter, Id, Timestamp } from "../schemas/common";
import { MetadataMap } from "../schemas/metadata";

export const THREAD_LIMITS = {
  maxTitleLength: 256,
  /** Messages a thread can be created with, in the same atomic write. */
  maxInitialMessages: 20,
} as const;

export const ThreadStatusSchema = z.enum(["ACTIVE", "ARCHIVED"]).openapi("ThreadStatus", {
  description: "ARCHIVED threads are read-only: posting, editing, deleting and reacting answer 409 until unarchived.",
});

export const Title = z.string().trim().min(1).max(THREAD_LIMITS.maxTitleLength).openapi({ example: "Q3 churn review" });

const threadFields = {
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
};

/** A thread as its events carry it: the same for everyone, so without the reader's own read state. */
export const ThreadSnapshotSchema = z.object(threadFields).openapi("ThreadSnapshot", {
  description:
    "A thread as events carry it: a Thread without `unread_count`, `last_read_seq` and `unread_mentions` (those are yours).",
});

export const ThreadSchema = z
  .object({
    ...threadFields,
    unread_count: Counter.openapi({
      description:
        "Messages by others after your read mark (PUT /threads/{id}/read), deleted ones not counted; your own never count.",
    }),
    last_read_seq: Counter.openapi({ description: "Your read mark: the `seq` you have read up to (0: nothing yet)." }),
    unread_mentions: Counter.openapi({
      description: "Of the unread messages, those that mention you (`mentions` on a message); 0 for an API key.",
    }),
  })
  .openapi("Thread");

export const threadExample: z.input<typeof ThreadSchema> = {
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
  unread_count: 0,
  last_read_seq: 2,
  unread_mentions: 0,
};

/** A thread row without its memory document (lists and access checks never load it). */
export type ThreadRow = Omit<Thread, "memory">;

/** A thread as its events carry it. */
export const threadSnapshot = (thread: ThreadRow): z.infer<typeof ThreadSnapshotSchema> => ({
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

/** Where a reader is in a thread; null when they have no mark there (nothing read, nothing written). */
export type ReadMark = { lastReadSeq: number; unreadCount: number; unreadMentions: number } | null;

/** A thread as its reader gets it: with their unread count and read mark. */
export const threadToWire = (thread: ThreadRow, mark: ReadMark): z.infer<typeof ThreadSchema> => ({
  ...threadSnapshot(thread),
  unread_count: mark?.unreadCount ?? thread.messageCount,
  last_read_seq: mark?.lastReadSeq ?? 0,
  unread_mentions: mark?.unreadMentions ?? 0,
});
