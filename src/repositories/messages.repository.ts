import type { Message, MessageRole, MessageState, Prisma } from "../generated/prisma/client";
import type { CursorPosition } from "../http/cursor";
import type { Actor } from "../principal";
import { type AttachedFile, type MessageRow, mentionedIn } from "../wire/messages";
import { and, type Sql, sql, sqlDate } from "./d1";
import type { Store } from "./db";
import { ACTIVE_THREAD, liveMessage } from "./guards";
import { mentionsOnWrite, readsOnDelete, readsOnPost } from "./reads.repository";
import { type Committed, commitOne, NEXT_SEQ, type ThreadChange } from "./thread-log";
import { type ThreadScope, threadsIn } from "./thread-scope";

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
  /** The users it mentions, checked (src/auth/mentions.ts). */
  mentions: string[];
  createdAt: Date;
}

export interface MessageEdit {
  text?: string;
  blocks?: Prisma.JsonArray | null;
  metadata?: Prisma.JsonObject | null;
  /** When the text or blocks change: the users mentioned after the edit (checked), and before it. */
  mentions?: { now: string[]; before: string[] };
}

/** The `mentions` column: null for none. */
const mentionsColumn = (users: string[]) => (users.length === 0 ? null : JSON.stringify(users));

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
  const rows = messages.map((message) => ({
    ...message,
    mentions: mentionsColumn(message.mentions),
    createdAt: sqlDate(message.createdAt),
  }));
  const attachments = messages.flatMap((message) =>
    message.fileIds.map((fileId, position) => ({ messageId: message.id, fileId, position })),
  );
  return [
    d1
      .prepare(
        `INSERT INTO messages (id, thread_id, seq, parent_id, author_id, api_key_id, role, text, blocks, metadata,
                               mentions, created_at, updated_at)
         SELECT m.value ->> '$.id', m.value ->> '$.threadId', m.value ->> '$.seq', m.value ->> '$.parentId',
                m.value ->> '$.authorId', m.value ->> '$.apiKeyId', m.value ->> '$.role', m.value ->> '$.text',
                nullif(m.value -> '$.blocks', 'null'), nullif(m.value -> '$.metadata', 'null'),
                m.value ->> '$.mentions', m.value ->> '$.createdAt', m.value ->> '$.createdAt'
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
    // Nothing else is pending in a new thread's batch: its statements all hold.
    ...messages.flatMap((message) => mentionsOnWrite(d1, message, { now: message.mentions, before: [] }, sql("1"))),
  ];
};

/** Assignments for the content a change sets; what is undefined stays as it is. */
export const contentSets = (content: MessageEdit): Sql[] => [
  ...(content.text !== undefined ? [sql("text = ?", content.text)] : []),
  ...(content.blocks !== undefined ? [sql("blocks = ?", json(content.blocks))] : []),
  ...(content.metadata !== undefined ? [sql("metadata = ?", json(content.metadata))] : []),
  ...(content.mentions !== undefined ? [sql("mentions = ?", mentionsColumn(content.mentions.now))] : []),
];

/** What a write of a message's event carries: the rest (guard, computed members) the repository adds. */
type MessageEvent<T extends "message.created" | "message.updated" | "message.deleted"> = Omit<
  ThreadChange<T>,
  "guard" | "computed"
>;

/** An UPDATE of the message, made only while the change's event is pending. */
export const updateMessage = (d1: D1Database, id: string, sets: Sql[]) => (pending: Sql) => [
  d1
    .prepare(`UPDATE messages SET ${sets.map((set) => set.sql).join(", ")} WHERE id = ? AND ${pending.sql}`)
    .bind(...sets.flatMap((set) => set.params), id, ...pending.params),
];

/** Who wrote a message: its user, or its API key (null when its author was deleted). */
const authorOf = (message: { authorId: string | null; apiKeyId: string | null }): Actor | null =>
  message.authorId !== null
    ? { type: "user", id: message.authorId }
    : message.apiKeyId !== null
      ? { type: "api_key", id: message.apiKeyId }
      : null;

const replyCountOf = (id: string) => sql("SELECT reply_count FROM messages WHERE id = ?", id);
/** `edited_at` as the wire writes it (`toISOString()`), or null. */
const editedAtOf = (id: string) =>
  sql("SELECT strftime('%Y-%m-%dT%H:%M:%fZ', edited_at) FROM messages WHERE id = ?", id);

export const messagesRepository = ({ db, d1 }: Store) => ({
  /**
   * Posts a message (and its attachments, and a reply's count on its parent) with its
   * `message.created` event. Null when the guard failed: the thread is gone or archived, or the
   * parent is no longer a live top-level message of it. Its seq is the message's position.
   */
  post: (event: MessageEvent<"message.created">, message: NewMessage): Promise<Committed | null> => {
    const parentGuard = message.parentId
      ? [
          sql(
            "EXISTS (SELECT 1 FROM messages m WHERE m.id = ? AND m.thread_id = t.id AND m.parent_id IS NULL AND m.deleted_at IS NULL)",
            message.parentId,
          ),
        ]
      : [];
    const now = sqlDate(message.createdAt);
    const author = authorOf(message);
    if (!author) throw new Error("a new message has a user or an API key as its author");
    return commitOne(d1, {
      change: { ...event, guard: and(ACTIVE_THREAD, ...parentGuard), computed: { seq: NEXT_SEQ } },
      write: (pending) => [
        d1
          .prepare(
            `INSERT INTO messages (id, thread_id, seq, parent_id, author_id, api_key_id, role, text, state, streamed_length,
                                   blocks, metadata, mentions, created_at, updated_at)
             SELECT ?, t.id, t.last_seq + 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM threads t WHERE t.id = ? AND ${pending.sql}`,
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
            mentionsColumn(message.mentions),
            now,
            now,
            message.threadId,
            ...pending.params,
          ),
        ...(message.fileIds.length === 0
          ? []
          : [
              d1
                .prepare(
                  `INSERT INTO message_files (message_id, file_id, position, created_at)
                   SELECT ?, f.value, f.key, ? FROM json_each(?) f WHERE ${pending.sql}`,
                )
                .bind(message.id, now, JSON.stringify(message.fileIds), ...pending.params),
            ]),
        ...(message.parentId
          ? [
              d1
                .prepare(`UPDATE messages SET reply_count = reply_count + 1 WHERE id = ? AND ${pending.sql}`)
                .bind(message.parentId, ...pending.params),
            ]
          : []),
        ...readsOnPost(d1, message.threadId, author, pending),
        // After the readers' counts moved: a mentioned reader's new row counts this message once.
        ...mentionsOnWrite(d1, message, { now: message.mentions, before: [] }, pending),
      ],
      sets: sql("message_count = message_count + 1, last_message_at = ?", now),
    });
  },

  /**
   * Edits a live message that still has `expectedUpdatedAt`, logging `message.updated`. Null when
   * the guard failed: the message changed, was deleted, or the thread is gone or archived.
   */
  edit: (
    event: MessageEvent<"message.updated">,
    id: string,
    edit: MessageEdit,
    expectedUpdatedAt: Date,
  ): Promise<Committed | null> => {
    const now = sqlDate(event.now);
    return commitOne(d1, {
      change: {
        ...event,
        guard: and(ACTIVE_THREAD, liveMessage(id, expectedUpdatedAt)),
        computed: { reply_count: replyCountOf(id) },
      },
      write: (pending) => [
        ...updateMessage(d1, id, [sql("edited_at = ?, updated_at = ?", now, now), ...contentSets(edit)])(pending),
        ...(edit.mentions ? mentionsOnWrite(d1, { id, threadId: event.threadId }, edit.mentions, pending) : []),
      ],
    });
  },

  /**
   * Turns a live message into a tombstone: content, attachments and reactions removed, position,
   * author and replies kept; logs `message.deleted`. Null when it was already deleted (or gone).
   */
  tombstone: (
    event: MessageEvent<"message.deleted">,
    message: Pick<MessageRow, "id" | "parentId" | "seq" | "authorId" | "apiKeyId" | "mentions">,
  ): Promise<Committed | null> => {
    const now = sqlDate(event.now);
    return commitOne(d1, {
      change: {
        ...event,
        guard: and(ACTIVE_THREAD, liveMessage(message.id)),
        // What a concurrent edit or reply may have changed since the caller read the message.
        computed: { reply_count: replyCountOf(message.id), edited_at: editedAtOf(message.id) },
      },
      write: (pending) => [
        d1
          .prepare(
            `UPDATE messages SET text = '', blocks = NULL, metadata = NULL, mentions = NULL, deleted_at = ?, updated_at = ?
             WHERE id = ? AND ${pending.sql}`,
          )
          .bind(now, now, message.id, ...pending.params),
        d1
          .prepare(`DELETE FROM message_files WHERE message_id = ? AND ${pending.sql}`)
          .bind(message.id, ...pending.params),
        d1.prepare(`DELETE FROM reactions WHERE message_id = ? AND ${pending.sql}`).bind(message.id, ...pending.params),
        readsOnDelete(d1, event.threadId, { seq: message.seq, author: authorOf(message) }, pending),
        ...mentionsOnWrite(
          d1,
          { id: message.id, threadId: event.threadId },
          { now: [], before: mentionedIn(message) },
          pending,
        ),
        ...(message.parentId
          ? [
              d1
                .prepare(`UPDATE messages SET reply_count = reply_count - 1 WHERE id = ? AND ${pending.sql}`)
                .bind(message.parentId, ...pending.params),
            ]
          : []),
      ],
      sets: sql("message_count = message_count - 1"),
    });
  },

  /**
   * Logs `message.reply_requested` for a live message: its `seq` and `previous_reply_id` (the newest live
   * ASSISTANT message after it at its level) are read in the same write. Null when the message was deleted
   * meanwhile or the thread is gone or archived.
   */
  requestReply: (
    event: Omit<ThreadChange<"message.reply_requested">, "guard" | "computed">,
    message: { id: string; seq: number; parentId: string | null },
  ): Promise<Committed | null> =>
    commitOne(d1, {
      change: {
        ...event,
        guard: and(ACTIVE_THREAD, liveMessage(message.id)),
        computed: {
          seq: NEXT_SEQ,
          previous_reply_id: sql(
            `SELECT m.id FROM messages m WHERE m.thread_id = t.id AND m.seq > ? AND m.parent_id IS ?
               AND m.role = 'ASSISTANT' AND m.deleted_at IS NULL ORDER BY m.seq DESC LIMIT 1`,
            message.seq,
            message.parentId,
          ),
        },
      },
    }),

  findInThread: async (threadId: string, id: string): Promise<MessageRow | null> => {
    const message = await db.message.findFirst({ where: { id, threadId } });
    return message ? ((await withAttachments(d1, [message]))[0] ?? null) : null;
  },

  /** The position of a message of this thread (for `before` / `after`); null when it is not in it. */
  seqOf: async (threadId: string, id: string) =>
    (await db.message.findFirst({ where: { id, threadId }, select: { seq: true } }))?.seq ?? null,

  /** The `seq` of each of these messages of the thread, in one query whatever their number (others left out). */
  seqsOf: async (threadId: string, ids: string[]): Promise<Map<string, number>> => {
    if (ids.length === 0) return new Map();
    const { results } = await d1
      .prepare("SELECT id, seq FROM messages WHERE thread_id = ? AND id IN (SELECT value FROM json_each(?))")
      .bind(threadId, JSON.stringify(ids))
      .all<{ id: string; seq: number }>();
    return new Map(results.map((row) => [row.id, row.seq]));
  },

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

  /**
   * The live messages that mention a user, in threads within `scope`, newest first (by when they were posted): one
   * page plus one row, each with its thread's title.
   */
  mentioning: async (userId: string, scope: ThreadScope, limit: number, position: CursorPosition | null) => {
    const rows = await db.mention.findMany({
      where: {
        userId,
        thread: threadsIn(scope),
        ...(position
          ? {
              OR: [{ createdAt: { lt: position.at } }, { createdAt: position.at, messageId: { lt: position.id } }],
            }
          : {}),
      },
      orderBy: [{ createdAt: "desc" }, { messageId: "desc" }],
      take: limit + 1,
      select: { message: true, thread: { select: { title: true } } },
    });
    const messages = await withAttachments(
      d1,
      rows.map((row) => row.message),
    );
    return messages.map((message, i) => ({ message, thread: { title: rows[i]?.thread.title ?? "" } }));
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
