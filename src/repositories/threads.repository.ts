import type { Prisma, Thread, ThreadStatus } from "../generated/prisma/client";
import type { CursorPosition } from "../http/cursor";
import { sql, sqlDate } from "./d1";
import type { Db } from "./db";
import { after, newestFirst } from "./keyset";
import { insertMessages, type NewMessage } from "./messages.repository";
import { applied, insertEvents, type NewEvent, type ThreadChange, threadChange } from "./thread-log";

export interface ThreadListOptions {
  limit: number;
  after?: CursorPosition | null;
  /** Only threads of this owner; undefined: every thread (admins and API keys). */
  ownerId?: string;
  status?: ThreadStatus;
  updatedSince?: Date;
}

export interface ThreadChanges {
  title?: string;
  status?: ThreadStatus;
  metadata?: Prisma.JsonObject | null;
}

/** What access checks and guarded writes need of a thread, without its (possibly large) memory. */
const ACCESS_FIELDS = { id: true, ownerId: true, status: true, lastSeq: true } as const;

const json = (value: Prisma.JsonValue | null) => (value === null ? null : JSON.stringify(value));

export const threadsRepository = (db: Db, d1: D1Database) => ({
  /**
   * A new thread with its initial messages and their events, in one batch: nobody can know the
   * thread's id before it exists, so seqs are computed up front and each kind of row is one statement.
   */
  create: async (thread: Thread, messages: NewMessage[], events: NewEvent[]) => {
    await d1.batch([
      d1
        .prepare(
          `INSERT INTO threads (id, owner_id, title, status, metadata, message_count, last_message_at, last_seq,
                                memory_version, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
        )
        .bind(
          thread.id,
          thread.ownerId,
          thread.title,
          thread.status,
          json(thread.metadata),
          thread.messageCount,
          thread.lastMessageAt ? sqlDate(thread.lastMessageAt) : null,
          thread.lastSeq,
          sqlDate(thread.createdAt),
          sqlDate(thread.updatedAt),
        ),
      insertEvents(d1, thread.id, events, thread.createdAt),
      ...insertMessages(d1, messages),
    ]);
  },

  findById: (id: string) => db.thread.findFirst({ where: { id } }),

  /** Owner, status and event counter only: enough to check access and guard a write. */
  findForAccess: (id: string) => db.thread.findFirst({ where: { id }, select: ACCESS_FIELDS }),

  /** Most recently active first; one page plus one row, so the caller knows whether there is more. */
  listPage: ({ limit, after: position, ownerId, status, updatedSince }: ThreadListOptions) =>
    db.thread.findMany({
      where: {
        ownerId,
        status,
        ...(updatedSince ? { updatedAt: { gte: updatedSince } } : {}),
        ...after(position, "updatedAt"),
      },
      orderBy: newestFirst("updatedAt"),
      take: limit + 1,
      omit: { memory: true },
    }),

  /**
   * Changes the thread's own fields if nothing in the thread changed since `expectedSeq` was read,
   * and logs `thread.updated`. False when the guard failed (or the thread is gone).
   */
  update: async (
    event: Omit<ThreadChange, "guard" | "computed">,
    changes: ThreadChanges,
    expectedSeq: number,
  ): Promise<boolean> => {
    const change = threadChange(d1, { ...event, guard: sql("t.last_seq = ?", expectedSeq) });
    const sets = [
      ...(changes.title !== undefined ? [sql("title = ?", changes.title)] : []),
      ...(changes.status !== undefined ? [sql("status = ?", changes.status)] : []),
      ...(changes.metadata !== undefined ? [sql("metadata = ?", json(changes.metadata))] : []),
    ];
    const results = await d1.batch([
      change.event,
      change.bump({ sql: sets.map((set) => set.sql).join(", "), params: sets.flatMap((set) => set.params) }),
    ]);
    return applied(results);
  },

  /** Replaces the memory document if its version is still `expectedVersion`; logs `memory.updated`. */
  setMemory: async (
    event: Omit<ThreadChange, "guard" | "computed">,
    memory: Prisma.JsonObject,
    expectedVersion: number,
  ): Promise<boolean> => {
    const change = threadChange(d1, { ...event, guard: sql("t.memory_version = ?", expectedVersion) });
    const results = await d1.batch([
      change.event,
      change.bump(
        sql(
          "memory = ?, memory_version = memory_version + 1, memory_updated_at = ?",
          JSON.stringify(memory),
          sqlDate(event.now),
        ),
      ),
    ]);
    return applied(results);
  },

  findMemory: (id: string) =>
    db.thread.findFirst({
      where: { id },
      select: { ...ACCESS_FIELDS, memory: true, memoryVersion: true, memoryUpdatedAt: true },
    }),

  /** Deletes the thread and, by cascade, everything in it (its event log too). */
  delete: async (id: string) => (await db.thread.deleteMany({ where: { id } })).count > 0,
});
