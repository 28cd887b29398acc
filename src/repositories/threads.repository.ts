import type { Prisma, Thread, ThreadStatus } from "../generated/prisma/client";
import type { CursorPosition } from "../http/cursor";
import type { Actor } from "../principal";
import { MEMORY_LIMITS } from "../wire/memory";
import type { ReadMark, ThreadRow } from "../wire/threads";
import { and, type Sql, sql, sqlDate } from "./d1";
import type { Store } from "./db";
import { insertMessages, type NewMessage } from "./messages.repository";
import { readsOnCreate } from "./reads.repository";
import {
  type Committed,
  commitOne,
  copiedTo,
  copyToUsers,
  insertEvents,
  type NewEvent,
  type ThreadChange,
} from "./thread-log";
import { type ThreadScope, threadsIn, threadsInSql } from "./thread-scope";
import { deliveryIdsOf, outboxInsert } from "./webhook-outbox";

export interface ThreadListOptions {
  limit: number;
  after?: CursorPosition | null;
  /** The threads the reader reaches. */
  scope: ThreadScope;
  /** Only threads of this owner. */
  ownerId?: string;
  status?: ThreadStatus;
  updatedSince?: Date;
  /** Whose read marks the threads come with. */
  reader: Actor;
  /** Only threads where the reader has something unread. */
  unreadOnly?: boolean;
}

export interface ThreadChanges {
  title?: string;
  status?: ThreadStatus;
  metadata?: Prisma.JsonObject | null;
}

/** What access checks and guarded writes need of a thread, without its (possibly large) memory. */
const ACCESS_FIELDS = { id: true, ownerId: true, status: true, lastSeq: true } as const;

/** A listed thread's row, with its reader's row of it (null columns when they have none). */
interface ListedRow {
  id: string;
  owner_id: string;
  title: string;
  status: ThreadStatus;
  metadata: string | null;
  message_count: number;
  last_message_at: string | null;
  last_seq: number;
  memory_version: number;
  memory_updated_at: string | null;
  created_at: string;
  updated_at: string;
  last_read_seq: number | null;
  unread_count: number | null;
  unread_mentions: number | null;
}

const dateOrNull = (text: string | null) => (text === null ? null : new Date(text));

const listedThread = (row: ListedRow): ThreadRow & { mark: ReadMark } => ({
  id: row.id,
  ownerId: row.owner_id,
  title: row.title,
  status: row.status,
  metadata: row.metadata === null ? null : (JSON.parse(row.metadata) as Prisma.JsonValue),
  messageCount: row.message_count,
  lastMessageAt: dateOrNull(row.last_message_at),
  lastSeq: row.last_seq,
  memoryVersion: row.memory_version,
  memoryUpdatedAt: dateOrNull(row.memory_updated_at),
  createdAt: new Date(row.created_at),
  updatedAt: new Date(row.updated_at),
  mark:
    row.last_read_seq === null
      ? null
      : {
          lastReadSeq: row.last_read_seq,
          unreadCount: row.unread_count ?? 0,
          unreadMentions: row.unread_mentions ?? 0,
        },
});

const json = (value: Prisma.JsonValue | null) => (value === null ? null : JSON.stringify(value));

export const threadsRepository = ({ db, d1 }: Store) => ({
  /**
   * A new thread with its initial messages and their events, in one batch: nobody can know the
   * thread's id before it exists, so seqs are computed up front and each kind of row is one statement.
   * A member-only key that creates a thread is its first agent (`memberKeyId`), so it reaches what it made.
   */
  create: async (
    thread: Thread,
    messages: NewMessage[],
    events: NewEvent[],
    creator: Actor,
    memberKeyId: string | null,
  ): Promise<Committed> => {
    const results = await d1.batch([
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
      readsOnCreate(d1, thread.id, creator, thread.lastSeq, thread.createdAt),
      ...(memberKeyId === null
        ? []
        : [
            d1
              .prepare(
                "INSERT INTO thread_agents (thread_id, api_key_id, added_by_id, created_at) VALUES (?, ?, NULL, ?)",
              )
              .bind(thread.id, memberKeyId, sqlDate(thread.createdAt)),
          ]),
      // Every event of the new thread gets its webhook deliveries (after the creating key became its agent).
      outboxInsert(d1, thread.id, sql("e.seq"), thread.createdAt),
      // The owner's user stream hears of the thread (its first event), not of its first messages.
      ...copyToUsers(d1, thread.id, sql("1")),
    ]);
    const outbox = results.at(-3);
    const copy = results.at(-2);
    return {
      threadId: thread.id,
      seq: thread.lastSeq,
      copiedTo: copiedTo(copy),
      deliveries: deliveryIdsOf(outbox),
      payload: events.at(-1)?.payload,
    };
  },

  /** The thread without its memory document (only the memory operations need that), if `scope` reaches it. */
  findById: (id: string, scope: ThreadScope) =>
    db.thread.findFirst({ where: { id, ...threadsIn(scope) }, omit: { memory: true } }),

  /**
   * Owner, status and event counter only, if `scope` reaches the thread (one statement, membership
   * included): enough to check access and guard a write.
   */
  findForAccess: (id: string, scope: ThreadScope) =>
    db.thread.findFirst({ where: { id, ...threadsIn(scope) }, select: ACCESS_FIELDS }),

  /**
   * Most recently active first, each with the reader's read mark in it (one statement: the page left-joined with
   * the reader's rows, so unread counts cost the list no query of its own); one page plus one row, so the caller
   * knows whether there is more.
   */
  listPage: async ({
    limit,
    after: position,
    scope,
    ownerId,
    status,
    updatedSince,
    reader,
    unreadOnly,
  }: ThreadListOptions) => {
    const where = and(
      threadsInSql(scope),
      ...(ownerId === undefined ? [] : [sql("t.owner_id = ?", ownerId)]),
      ...(status === undefined ? [] : [sql("t.status = ?", status)]),
      ...(updatedSince === undefined ? [] : [sql("t.updated_at >= ?", sqlDate(updatedSince))]),
      // A reader without a row has read nothing: every live message is unread.
      ...(unreadOnly ? [sql("COALESCE(r.unread_count, t.message_count) > 0")] : []),
      ...(position
        ? [
            sql(
              "t.updated_at < ? OR (t.updated_at = ? AND t.id < ?)",
              sqlDate(position.at),
              sqlDate(position.at),
              position.id,
            ),
          ]
        : []),
    );
    const { results } = await d1
      .prepare(
        `SELECT t.id, t.owner_id, t.title, t.status, t.metadata, t.message_count, t.last_message_at, t.last_seq,
                t.memory_version, t.memory_updated_at, t.created_at, t.updated_at,
                r.last_read_seq, r.unread_count, r.unread_mentions
         FROM threads t LEFT JOIN thread_reads r
           ON r.thread_id = t.id AND r.reader_type = ? AND r.reader_id = ?
         WHERE ${where.sql}
         ORDER BY t.updated_at DESC, t.id DESC LIMIT ?`,
      )
      .bind(reader.type, reader.id, ...where.params, limit + 1)
      .all<ListedRow>();
    return results.map(listedThread);
  },

  /**
   * Changes the thread's own fields if nothing in the thread changed since `expectedSeq` was read,
   * and logs `thread.updated`. Null when the guard failed (or the thread is gone).
   */
  update: (
    event: Omit<ThreadChange<"thread.updated">, "guard" | "computed">,
    changes: ThreadChanges,
    expectedSeq: number,
  ): Promise<Committed | null> => {
    const sets = [
      ...(changes.title !== undefined ? [sql("title = ?", changes.title)] : []),
      ...(changes.status !== undefined ? [sql("status = ?", changes.status)] : []),
      ...(changes.metadata !== undefined ? [sql("metadata = ?", json(changes.metadata))] : []),
    ];
    return commitOne(d1, {
      change: { ...event, guard: sql("t.last_seq = ?", expectedSeq) },
      ...(sets.length === 0
        ? {}
        : { sets: { sql: sets.map((set) => set.sql).join(", "), params: sets.flatMap((set) => set.params) } }),
    });
  },

  /**
   * Replaces (`replacement`) or merge-patches (`patch`, RFC 7396 by SQLite's `json_patch`) the
   * memory document and logs `memory.updated`, in one batch whose guard holds on the stored version.
   * The event's payload, the new ThreadMemory, is computed by SQL from the stored document, so it
   * is exactly what gets stored (the committed `payload`); null when the guard failed.
   */
  writeMemory: (
    event: Omit<ThreadChange<"memory.updated">, "guard" | "computed" | "payload">,
    change: { replacement: Prisma.JsonObject } | { patch: Prisma.JsonObject },
    guard: Sql,
  ): Promise<Committed | null> => {
    // Unqualified `memory`: the thread's row, both in the event insert and in the bump.
    const document =
      "replacement" in change
        ? sql("json(?)", JSON.stringify(change.replacement))
        : sql("json_patch(COALESCE(memory, '{}'), ?)", JSON.stringify(change.patch));
    const updatedAt = event.now.toISOString();
    return commitOne(d1, {
      change: {
        ...event,
        payload: { version: 0, updated_at: updatedAt, memory: {} },
        computed: { version: sql("t.memory_version + 1"), memory: document },
        guard: and(
          guard,
          sql(`length(CAST(${document.sql} AS BLOB)) <= ?`, ...document.params, MEMORY_LIMITS.maxBytes),
        ),
      },
      sets: sql(
        `memory = ${document.sql}, memory_version = memory_version + 1, memory_updated_at = ?`,
        ...document.params,
        sqlDate(event.now),
      ),
    });
  },

  findMemory: (id: string, scope: ThreadScope) =>
    db.thread.findFirst({
      where: { id, ...threadsIn(scope) },
      select: { ...ACCESS_FIELDS, memory: true, memoryVersion: true, memoryUpdatedAt: true },
    }),

  /** Deletes the thread and, by cascade, everything in it (its event log too). */
  delete: async (id: string) => (await db.thread.deleteMany({ where: { id } })).count > 0,
});
