import type { Prisma, Thread, ThreadStatus } from "../generated/prisma/client";
import type { CursorPosition } from "../http/cursor";
import { and, type Sql, sql, sqlDate } from "./d1";
import type { Db } from "./db";
import { after, newestFirst } from "./keyset";
import { insertMessages, type NewMessage } from "./messages.repository";
import {
  applied,
  copyToOwner,
  eventPayload,
  insertEvents,
  type NewEvent,
  type ThreadChange,
  threadChange,
} from "./thread-log";

/** The memory document's bound, as compact UTF-8 JSON (the API checks it too; see memory.schemas.ts). */
export const MEMORY_MAX_BYTES = 65_536;

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
      // The owner's user stream hears of the thread (its first event), not of its first messages.
      ...copyToOwner(d1, thread.id, sql("1")),
    ]);
  },

  /** The thread without its memory document (only the memory operations need that). */
  findById: (id: string) => db.thread.findFirst({ where: { id }, omit: { memory: true } }),

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
      ...change.toOwner(),
      change.bump(
        sets.length === 0
          ? undefined
          : { sql: sets.map((set) => set.sql).join(", "), params: sets.flatMap((set) => set.params) },
      ),
    ]);
    return applied(results);
  },

  /**
   * Replaces (`replacement`) or merge-patches (`patch`, RFC 7396 by SQLite's `json_patch`) the
   * memory document and logs `memory.updated`, in one batch whose guard holds on the stored version.
   * The event's payload, the new ThreadMemory, is computed by SQL from the stored document, so it
   * is exactly what gets stored; null when the guard failed.
   */
  writeMemory: async (
    event: Omit<ThreadChange, "guard" | "computed" | "payload">,
    change: { replacement: Prisma.JsonObject } | { patch: Prisma.JsonObject },
    guard: Sql,
  ): Promise<unknown | null> => {
    // Unqualified `memory`: the thread's row, both in the event insert and in the bump.
    const document =
      "replacement" in change
        ? sql("json(?)", JSON.stringify(change.replacement))
        : sql("json_patch(COALESCE(memory, '{}'), ?)", JSON.stringify(change.patch));
    const updatedAt = event.now.toISOString();
    const write = threadChange(d1, {
      ...event,
      payload: { version: 0, updated_at: updatedAt, memory: {} },
      computed: { version: sql("t.memory_version + 1"), memory: document },
      guard: and(guard, sql(`length(CAST(${document.sql} AS BLOB)) <= ?`, ...document.params, MEMORY_MAX_BYTES)),
    });
    const results = await d1.batch([
      write.event,
      write.bump(
        sql(
          `memory = ${document.sql}, memory_version = memory_version + 1, memory_updated_at = ?`,
          ...document.params,
          sqlDate(event.now),
        ),
      ),
    ]);
    return applied(results) ? eventPayload(results) : null;
  },

  findMemory: (id: string) =>
    db.thread.findFirst({
      where: { id },
      select: { ...ACCESS_FIELDS, memory: true, memoryVersion: true, memoryUpdatedAt: true },
    }),

  /** Deletes the thread and, by cascade, everything in it (its event log too). */
  delete: async (id: string) => (await db.thread.deleteMany({ where: { id } })).count > 0,
});
