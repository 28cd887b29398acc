import type { Actor } from "../auth/principal";
import type { Message, MessageRole, MessageState, Prisma } from "../generated/prisma/client";
import { and, type Sql, sql, sqlDate } from "./d1";
import type { Db } from "./db";
import { type AnyThreadChange, applied, eventSeq, NEXT_SEQ, type ThreadChange, threadChange } from "./thread-log";

/** A message about to be written; `seq` is known only for messages of a new thread. */
export interface NewMessage {
  id: string;
  threadId: string;
  seq: number;
  parentId: string | null;
  authorId: string | null;
  apiKeyId: string | null;
  role: MessageRole;
  text: string;
  /** STREAMING for a streamed reply's start (its `text` is what it starts with). */
  state: Extract<MessageState, "COMPLETE" | "STREAMING">;
  blocks: Prisma.JsonArray | null;
  metadata: Prisma.JsonObject | null;
  fileIds: string[];
  createdAt: Date;
}

/** How appending a delta went: applied now, or already (a retry), or why not. */
export type AppendResult =
  | { applied: true; length: number /** The message's position; only when applied now. */; seq?: number }
  | {
      applied: false;
      reason: "gone" | "not_author" | "deleted" | "not_streaming" | "archived" | "too_long" | "mismatch";
      length: number;
      state?: MessageState;
    };

/** The end of a streamed message: completed by its author, or timed out. */
export interface StreamEnd {
  state: Extract<MessageState, "COMPLETE" | "INCOMPLETE">;
  /** Replaces the streamed text when given. */
  text?: string;
  blocks?: Prisma.JsonArray;
  metadata?: Prisma.JsonObject;
  /** INCOMPLETE only: the message must not have changed since (no delta came in the meantime). */
  idleSince?: Date;
}

export interface MessageEdit {
  text?: string;
  blocks?: Prisma.JsonArray | null;
  metadata?: Prisma.JsonObject | null;
}

export interface MessageListOptions {
  threadId: string;
  limit: number;
  order: "asc" | "desc";
  /** Only messages stored after / before these positions (exclusive). */
  afterSeq?: number;
  beforeSeq?: number;
  /** Only the replies of this message. */
  parentId?: string;
  /** Only messages that are not replies. */
  topLevel?: boolean;
}

const json = (value: Prisma.JsonValue | null | undefined) =>
  value === null || value === undefined ? null : JSON.stringify(value);

export interface AttachedFile {
  id: string;
  filename: string;
  contentType: string;
  sizeBytes: number;
}

/** A message with its attachments' files, in the order they were attached. */
export type MessageRow = Message & { attachments: { file: AttachedFile }[] };

/**
 * The attachments of a page of messages in one query. Not Prisma's `include`: it loads a relation
 * with one bound parameter per message, and a full page (101 rows) is past D1's 100.
 */
const withAttachments = async (d1: D1Database, messages: Message[]): Promise<MessageRow[]> => {
  if (messages.length === 0) return [];
  const { results } = await d1
    .prepare(
      `SELECT mf.message_id, f.id, f.filename, f.content_type, f.size_bytes
       FROM message_files mf JOIN files f ON f.id = mf.file_id
       WHERE mf.message_id IN (SELECT value FROM json_each(?))
       ORDER BY mf.message_id, mf.position`,
    )
    .bind(JSON.stringify(messages.map((message) => message.id)))
    .all<{ message_id: string; id: string; filename: string; content_type: string; size_bytes: number }>();
  const byMessage = new Map<string, { file: AttachedFile }[]>();
  for (const row of results) {
    const file = { id: row.id, filename: row.filename, contentType: row.content_type, sizeBytes: row.size_bytes };
    byMessage.set(row.message_id, [...(byMessage.get(row.message_id) ?? []), { file }]);
  }
  return messages.map((message) => ({ ...message, attachments: byMessage.get(message.id) ?? [] }));
};

/** The messages of a new thread and their attachments: one statement each, whatever their number. */
export const insertMessages = (d1: D1Database, messages: NewMessage[]): D1PreparedStatement[] => {
  if (messages.length === 0) return [];
  const rows = messages.map((message) => ({ ...message, createdAt: sqlDate(message.createdAt) }));
  const attachments = messages.flatMap((message) =>
    message.fileIds.map((fileId, position) => ({ messageId: message.id, fileId, position })),
  );
  return [
    d1
      .prepare(
        `INSERT INTO messages (id, thread_id, seq, parent_id, author_id, api_key_id, role, text, blocks, metadata,
                               created_at, updated_at)
         SELECT m.value ->> '$.id', m.value ->> '$.threadId', m.value ->> '$.seq', m.value ->> '$.parentId',
                m.value ->> '$.authorId', m.value ->> '$.apiKeyId', m.value ->> '$.role', m.value ->> '$.text',
                nullif(m.value -> '$.blocks', 'null'), nullif(m.value -> '$.metadata', 'null'),
                m.value ->> '$.createdAt', m.value ->> '$.createdAt'
         FROM json_each(?) m`,
      )
      .bind(JSON.stringify(rows)),
    ...(attachments.length === 0
      ? []
      : [
          d1
            .prepare(
              `INSERT INTO message_files (message_id, file_id, position, created_at)
               SELECT a.value ->> '$.messageId', a.value ->> '$.fileId', a.value ->> '$.position', ?
               FROM json_each(?) a`,
            )
            .bind(sqlDate(messages[0]?.createdAt ?? new Date()), JSON.stringify(attachments)),
        ]),
  ];
};

/** The message exists in the change's thread (`t`), is live, and (when given) still has `updatedAt`. */
export const liveMessage = (id: string, updatedAt?: Date): Sql =>
  updatedAt
    ? sql(
        "EXISTS (SELECT 1 FROM messages m WHERE m.id = ? AND m.thread_id = t.id AND m.deleted_at IS NULL AND m.updated_at = ?)",
        id,
        sqlDate(updatedAt),
      )
    : sql("EXISTS (SELECT 1 FROM messages m WHERE m.id = ? AND m.thread_id = t.id AND m.deleted_at IS NULL)", id);

/** Assignments for the content a change sets; what is undefined stays as it is. */
const contentSets = (content: MessageEdit): Sql[] => [
  ...(content.text !== undefined ? [sql("text = ?", content.text)] : []),
  ...(content.blocks !== undefined ? [sql("blocks = ?", json(content.blocks))] : []),
  ...(content.metadata !== undefined ? [sql("metadata = ?", json(content.metadata))] : []),
];

/** One batch: the change's event, the message's `sets` (if the event was written), the thread's bump. */
const updateWithChange = async (
  d1: D1Database,
  change: ReturnType<typeof threadChange>,
  id: string,
  sets: Sql[],
): Promise<boolean> =>
  applied(
    await d1.batch([
      change.event,
      d1
        .prepare(`UPDATE messages SET ${sets.map((set) => set.sql).join(", ")} WHERE id = ? AND ${change.pending.sql}`)
        .bind(...sets.flatMap((set) => set.params), id, ...change.pending.params),
      change.bump(),
    ]),
  );

/** Archived threads are read-only. */
export const ACTIVE_THREAD = sql("t.status = 'ACTIVE'");

const replyCountOf = (id: string) => sql("SELECT reply_count FROM messages WHERE id = ?", id);
/** `edited_at` as the wire writes it (`toISOString()`), or null. */
const editedAtOf = (id: string) =>
  sql("SELECT strftime('%Y-%m-%dT%H:%M:%fZ', edited_at) FROM messages WHERE id = ?", id);

export const messagesRepository = (db: Db, d1: D1Database) => ({
  /**
   * Posts a message (and its attachments, and a reply's count on its parent) with its
   * `message.created` event. Null when the guard failed: the thread is gone or archived, or the
   * parent is no longer a live top-level message of it. Else the message's position (its seq).
   */
  post: async (event: Omit<ThreadChange, "guard" | "computed">, message: NewMessage): Promise<number | null> => {
    const parentGuard = message.parentId
      ? [
          sql(
            "EXISTS (SELECT 1 FROM messages m WHERE m.id = ? AND m.thread_id = t.id AND m.parent_id IS NULL AND m.deleted_at IS NULL)",
            message.parentId,
          ),
        ]
      : [];
    const change = threadChange(d1, {
      ...event,
      guard: and(ACTIVE_THREAD, ...parentGuard),
      computed: { seq: NEXT_SEQ },
    });
    const now = sqlDate(message.createdAt);
    const statements = [
      change.event,
      d1
        .prepare(
          `INSERT INTO messages (id, thread_id, seq, parent_id, author_id, api_key_id, role, text, state, streamed_length,
                                 blocks, metadata, created_at, updated_at)
           SELECT ?, t.id, t.last_seq + 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM threads t WHERE t.id = ? AND ${change.pending.sql}`,
        )
        .bind(
          message.id,
          message.parentId,
          message.authorId,
          message.apiKeyId,
          message.role,
          message.text,
          message.state,
          message.state === "STREAMING" ? message.text.length : 0,
          json(message.blocks),
          json(message.metadata),
          now,
          now,
          message.threadId,
          ...change.pending.params,
        ),
    ];
    if (message.fileIds.length > 0) {
      statements.push(
        d1
          .prepare(
            `INSERT INTO message_files (message_id, file_id, position, created_at)
             SELECT ?, f.value, f.key, ? FROM json_each(?) f WHERE ${change.pending.sql}`,
          )
          .bind(message.id, now, JSON.stringify(message.fileIds), ...change.pending.params),
      );
    }
    if (message.parentId) {
      statements.push(
        d1
          .prepare(`UPDATE messages SET reply_count = reply_count + 1 WHERE id = ? AND ${change.pending.sql}`)
          .bind(message.parentId, ...change.pending.params),
      );
    }
    statements.push(
      ...change.toOwner(),
      change.bump(sql("message_count = message_count + 1, last_message_at = ?", now)),
    );
    const results = await d1.batch(statements);
    return applied(results) ? eventSeq(results) : null;
  },

  /**
   * Edits a live message that still has `expectedUpdatedAt`, logging `message.updated`. False when
   * the guard failed: the message changed, was deleted, or the thread is gone or archived.
   */
  edit: async (
    event: Omit<ThreadChange, "guard" | "computed">,
    id: string,
    edit: MessageEdit,
    expectedUpdatedAt: Date,
  ): Promise<boolean> => {
    const change = threadChange(d1, {
      ...event,
      guard: and(ACTIVE_THREAD, liveMessage(id, expectedUpdatedAt)),
      computed: { reply_count: replyCountOf(id) },
    });
    const now = sqlDate(event.now);
    return updateWithChange(d1, change, id, [sql("edited_at = ?, updated_at = ?", now, now), ...contentSets(edit)]);
  },

  /**
   * Turns a live message into a tombstone: content, attachments and reactions removed, position,
   * author and replies kept; logs `message.deleted`. False when it was already deleted (or gone).
   */
  tombstone: async (
    event: Omit<ThreadChange, "guard" | "computed">,
    message: { id: string; parentId: string | null },
  ): Promise<boolean> => {
    const change = threadChange(d1, {
      ...event,
      guard: and(ACTIVE_THREAD, liveMessage(message.id)),
      // What a concurrent edit or reply may have changed since the caller read the message.
      computed: { reply_count: replyCountOf(message.id), edited_at: editedAtOf(message.id) },
    });
    const now = sqlDate(event.now);
    const pending = change.pending;
    const statements = [
      change.event,
      d1
        .prepare(
          `UPDATE messages SET text = '', blocks = NULL, metadata = NULL, deleted_at = ?, updated_at = ?
           WHERE id = ? AND ${pending.sql}`,
        )
        .bind(now, now, message.id, ...pending.params),
      d1
        .prepare(`DELETE FROM message_files WHERE message_id = ? AND ${pending.sql}`)
        .bind(message.id, ...pending.params),
      d1.prepare(`DELETE FROM reactions WHERE message_id = ? AND ${pending.sql}`).bind(message.id, ...pending.params),
    ];
    if (message.parentId) {
      statements.push(
        d1
          .prepare(`UPDATE messages SET reply_count = reply_count - 1 WHERE id = ? AND ${pending.sql}`)
          .bind(message.parentId, ...pending.params),
      );
    }
    statements.push(change.bump(sql("message_count = message_count - 1")));
    return applied(await d1.batch(statements));
  },

  /**
   * Appends `text` to a STREAMING message if it continues the text exactly (`offset` is its length
   * so far). Not a logged change: one UPDATE, which watchers hear of as a `message.delta` frame.
   * A delta already stored (a retry: it ends within the text) reports success without writing.
   */
  appendText: async (
    threadId: string,
    id: string,
    delta: { author: Actor; offset: number; text: string; maxLength: number },
    now: Date,
  ): Promise<AppendResult> => {
    const { offset, text } = delta;
    const end = offset + text.length;
    const authorColumn = delta.author.type === "user" ? "author_id" : "api_key_id";
    const written = await d1
      .prepare(
        `UPDATE messages SET text = text || ?, streamed_length = ?, updated_at = ?
         WHERE id = ? AND thread_id = ? AND ${authorColumn} = ? AND state = 'STREAMING' AND deleted_at IS NULL
           AND streamed_length = ? AND ? <= ? AND EXISTS (SELECT 1 FROM threads t WHERE t.id = ? AND ${ACTIVE_THREAD.sql})
         RETURNING streamed_length, seq`,
      )
      .bind(
        text,
        end,
        sqlDate(now),
        id,
        threadId,
        delta.author.id,
        offset,
        end,
        delta.maxLength,
        threadId,
        ...ACTIVE_THREAD.params,
      )
      .first<{ streamed_length: number; seq: number }>();
    if (written) return { applied: true, length: written.streamed_length, seq: written.seq };
    const current = await d1
      .prepare(
        `SELECT m.state, m.streamed_length, m.deleted_at, t.status, m.${authorColumn} = ? AS by_author
         FROM messages m JOIN threads t ON t.id = m.thread_id WHERE m.id = ? AND m.thread_id = ?`,
      )
      .bind(delta.author.id, id, threadId)
      .first<{
        state: MessageState;
        streamed_length: number;
        deleted_at: string | null;
        status: string;
        by_author: number | null;
      }>();
    if (!current) return { applied: false, reason: "gone", length: 0 };
    const length = current.streamed_length;
    if (current.by_author !== 1) return { applied: false, reason: "not_author", length };
    if (current.deleted_at !== null) return { applied: false, reason: "deleted", length };
    if (current.state !== "STREAMING") return { applied: false, reason: "not_streaming", length, state: current.state };
    if (end <= length) return { applied: true, length };
    if (current.status !== "ACTIVE") return { applied: false, reason: "archived", length };
    if (offset === length) return { applied: false, reason: "too_long", length };
    return { applied: false, reason: "mismatch", length };
  },

  /**
   * Ends a STREAMING message — COMPLETE (its author finished it) or INCOMPLETE (timed out) —
   * logging `message.updated` with the text as stored at that moment. False when it is no longer
   * streaming (or, timing out, a delta came in since `idleSince`), or the thread is gone or archived.
   */
  endStream: async (
    event: Omit<AnyThreadChange, "guard" | "computed">,
    id: string,
    end: StreamEnd,
  ): Promise<boolean> => {
    const idle = end.idleSince ? [sql("m.updated_at <= ?", sqlDate(end.idleSince))] : [];
    const change = threadChange(d1, {
      ...event,
      guard: and(
        ACTIVE_THREAD,
        sql(
          `EXISTS (SELECT 1 FROM messages m WHERE m.id = ? AND m.thread_id = t.id AND m.state = 'STREAMING'
                   AND m.deleted_at IS NULL${idle.map((part) => ` AND ${part.sql}`).join("")})`,
          id,
          ...idle.flatMap((part) => part.params),
        ),
      ),
      // The streamed text as it is when the change commits (a delta may have landed after the read).
      computed: end.text === undefined ? { text: sql("SELECT text FROM messages WHERE id = ?", id) } : {},
    });
    return updateWithChange(d1, change, id, [
      sql("state = ?, streamed_length = 0, updated_at = ?", end.state, sqlDate(event.now)),
      ...contentSets(end),
    ]);
  },

  /** The thread's STREAMING messages: what a joining watcher is sent so far, and what may time out. */
  streaming: async (threadId: string) =>
    (
      await d1
        .prepare(
          `SELECT id, text, strftime('%Y-%m-%dT%H:%M:%fZ', updated_at) AS updated_at FROM messages
           WHERE thread_id = ? AND state = 'STREAMING' AND deleted_at IS NULL`,
        )
        .bind(threadId)
        .all<{ id: string; text: string; updated_at: string }>()
    ).results,

  findInThread: async (threadId: string, id: string): Promise<MessageRow | null> => {
    const message = await db.message.findFirst({ where: { id, threadId } });
    return message ? ((await withAttachments(d1, [message]))[0] ?? null) : null;
  },

  /** The position of a message of this thread (for `before` / `after`); null when it is not in it. */
  seqOf: async (threadId: string, id: string) =>
    (await db.message.findFirst({ where: { id, threadId }, select: { seq: true } }))?.seq ?? null,

  /** One page plus one row, by position in the thread. */
  listPage: async ({ threadId, limit, order, afterSeq, beforeSeq, parentId, topLevel }: MessageListOptions) => {
    const messages = await db.message.findMany({
      where: {
        threadId,
        ...(afterSeq !== undefined || beforeSeq !== undefined
          ? {
              seq: {
                ...(afterSeq !== undefined ? { gt: afterSeq } : {}),
                ...(beforeSeq !== undefined ? { lt: beforeSeq } : {}),
              },
            }
          : {}),
        ...(parentId !== undefined ? { parentId } : {}),
        ...(topLevel ? { parentId: null } : {}),
      },
      orderBy: { seq: order },
      take: limit + 1,
    });
    return withAttachments(d1, messages);
  },

  /** Those of these files that are READY and (when `uploader` is given) were uploaded by it. */
  attachableFiles: (ids: string[], uploader: Actor | null) =>
    db.file.findMany({
      where: {
        id: { in: ids },
        status: "READY",
        ...(uploader === null
          ? {}
          : uploader.type === "user"
            ? { uploadedById: uploader.id }
            : { apiKeyId: uploader.id }),
      },
      select: { id: true, filename: true, contentType: true, sizeBytes: true },
    }),
});

export type MessageWithAttachments = NonNullable<
  Awaited<ReturnType<ReturnType<typeof messagesRepository>["findInThread"]>>
>;
