import type { Actor } from "../principal";
import { THREAD_READ } from "../wire/events";
import type { ReadState } from "../wire/read-state";
import type { ReadMark } from "../wire/threads";
import { jsonWith, type Sql, sql, sqlDate } from "./d1";
import type { Store } from "./db";
import { type ThreadScope, threadsInSql } from "./thread-scope";

/**
 * Readers' places in threads (`thread_reads`): each reader's read mark and the count of live messages by others
 * after it. The count is a counter — moved by the batches that post and delete messages (the statements below,
 * which ./messages.repository.ts and ./threads.repository.ts put in theirs) and recomputed only when the mark
 * moves, over the messages after it — so lists of threads read it, never count messages.
 */

/** Messages `m` written by the reader (`IS`: the other author column is NULL, and NOT NULL is not true). */
const writtenBy = (reader: Actor): Sql =>
  reader.type === "user" ? sql("m.author_id IS ?", reader.id) : sql("m.api_key_id IS ?", reader.id);

/** The reader's row of a thread (`r`). */
const readerRow = (threadId: string, reader: Actor): Sql =>
  sql("r.thread_id = ? AND r.reader_type = ? AND r.reader_id = ?", threadId, reader.type, reader.id);

/** Live messages not `mine` (the reader's: writtenBy) after `afterSeq` (an SQL expression). */
const unreadAfter = (threadId: string, mine: Sql, afterSeq: Sql): Sql =>
  sql(
    `SELECT COUNT(*) FROM messages m
     WHERE m.thread_id = ? AND m.seq > (${afterSeq.sql}) AND m.deleted_at IS NULL AND NOT (${mine.sql})`,
    threadId,
    ...afterSeq.params,
    ...mine.params,
  );

/**
 * In a batch that posts a message by `author` (each statement conditional on `pending`): the author gets a row if
 * they had none — a mark that never moved, with the live messages by others counted — so their own never count, and
 * every other reader's count grows by one (the new message is after every mark: marks stop at the thread's end).
 */
export const readsOnPost = (d1: D1Database, threadId: string, author: Actor, pending: Sql) => {
  const unread = unreadAfter(threadId, writtenBy(author), sql("0"));
  return [
    d1
      .prepare(
        `INSERT INTO thread_reads (thread_id, reader_type, reader_id, last_read_seq, unread_count, updated_at)
         SELECT ?, ?, ?, 0, (${unread.sql}), NULL
         WHERE ${pending.sql}
           AND NOT EXISTS (SELECT 1 FROM thread_reads r WHERE r.thread_id = ? AND r.reader_type = ? AND r.reader_id = ?)`,
      )
      .bind(threadId, author.type, author.id, ...unread.params, ...pending.params, threadId, author.type, author.id),
    d1
      .prepare(
        `UPDATE thread_reads SET unread_count = unread_count + 1
         WHERE thread_id = ? AND NOT (reader_type = ? AND reader_id = ?) AND ${pending.sql}`,
      )
      .bind(threadId, author.type, author.id, ...pending.params),
  ];
};

/** In a batch that deletes the message at `seq` by `author`: readers who had it unread have one fewer. */
export const readsOnDelete = (
  d1: D1Database,
  threadId: string,
  message: { seq: number; author: Actor | null },
  pending: Sql,
) =>
  d1
    .prepare(
      `UPDATE thread_reads SET unread_count = unread_count - 1
       WHERE thread_id = ? AND last_read_seq < ? AND NOT (reader_type = ? AND reader_id = ?) AND ${pending.sql}`,
    )
    .bind(threadId, message.seq, message.author?.type ?? "", message.author?.id ?? "", ...pending.params);

/** A user's unread mentions in a thread after `afterSeq` (an SQL expression): their mention rows after it. */
const mentionsAfter = (threadId: string, userId: Sql, afterSeq: Sql): Sql =>
  sql(
    `SELECT COUNT(*) FROM mentions mn WHERE mn.thread_id = ? AND mn.user_id = ${userId.sql} AND mn.seq > (${afterSeq.sql})`,
    threadId,
    ...userId.params,
    ...afterSeq.params,
  );

/**
 * In a batch that writes a message's content (after the message's own statements): its mention rows become
 * `users` (checked by the caller; those deleted meanwhile are skipped, and its author's own mention gets no row — it
 * is no news to them), a mentioned user without a read row gets one (as readsOnPost gives an author), and the
 * `unread_mentions` of everyone mentioned now or `before` is recounted from their mention rows after their mark: an
 * index range, never the thread's messages. Nothing when neither has anyone.
 */
export const mentionsOnWrite = (
  d1: D1Database,
  message: { id: string; threadId: string },
  users: { now: string[]; before: string[] },
  pending: Sql,
): D1PreparedStatement[] => {
  if (users.now.length === 0 && users.before.length === 0) return [];
  const now = JSON.stringify(users.now);
  const touched = JSON.stringify([...new Set([...users.now, ...users.before])]);
  const threadId = message.threadId;
  // For each mentioned user `u.value` (users write as author_id).
  const unread = unreadAfter(threadId, sql("m.author_id IS u.value"), sql("0"));
  const recount = mentionsAfter(threadId, sql("thread_reads.reader_id"), sql("thread_reads.last_read_seq"));
  return [
    d1
      .prepare(
        `DELETE FROM mentions WHERE message_id = ? AND user_id NOT IN (SELECT value FROM json_each(?)) AND ${pending.sql}`,
      )
      .bind(message.id, now, ...pending.params),
    d1
      .prepare(
        `INSERT OR IGNORE INTO mentions (message_id, user_id, thread_id, seq, created_at)
         SELECT m.id, u.id, m.thread_id, m.seq, m.created_at
         FROM messages m JOIN users u ON u.id IN (SELECT value FROM json_each(?))
         WHERE m.id = ? AND u.id IS NOT m.author_id AND ${pending.sql}`,
      )
      .bind(now, message.id, ...pending.params),
    d1
      .prepare(
        `INSERT INTO thread_reads (thread_id, reader_type, reader_id, last_read_seq, unread_count, updated_at)
         SELECT ?, 'user', u.value, 0, (${unread.sql}), NULL FROM json_each(?) u
         WHERE ${pending.sql}
           AND EXISTS (SELECT 1 FROM mentions mn WHERE mn.message_id = ? AND mn.user_id = u.value)
           AND NOT EXISTS (SELECT 1 FROM thread_reads r
                           WHERE r.thread_id = ? AND r.reader_type = 'user' AND r.reader_id = u.value)`,
      )
      .bind(threadId, ...unread.params, now, ...pending.params, message.id, threadId),
    d1
      .prepare(
        `UPDATE thread_reads SET unread_mentions = (${recount.sql})
         WHERE thread_id = ? AND reader_type = 'user' AND reader_id IN (SELECT value FROM json_each(?))
           AND ${pending.sql}`,
      )
      .bind(...recount.params, threadId, touched, ...pending.params),
  ];
};

/** In the batch that creates a thread: its creator has read it up to its first messages (`lastSeq`). */
export const readsOnCreate = (d1: D1Database, threadId: string, creator: Actor, lastSeq: number, now: Date) =>
  d1
    .prepare(
      `INSERT INTO thread_reads (thread_id, reader_type, reader_id, last_read_seq, unread_count, updated_at)
       VALUES (?, ?, ?, ?, 0, ?)`,
    )
    .bind(threadId, creator.type, creator.id, lastSeq, sqlDate(now));

interface ReadRow {
  thread_id: string;
  last_read_seq: number;
  unread_count: number;
  unread_mentions: number;
  updated_at: string | null;
}

const toState = (row: ReadRow): ReadState => ({
  thread_id: row.thread_id,
  last_read_seq: row.last_read_seq,
  unread_count: row.unread_count,
  unread_mentions: row.unread_mentions,
  updated_at: row.updated_at === null ? null : new Date(row.updated_at).toISOString(),
});

/** What a thread carries of its reader's row (ReadMark). */
const MARK_FIELDS = { lastReadSeq: true, unreadCount: true, unreadMentions: true } as const;

export const readsRepository = ({ db, d1 }: Store) => ({
  /** The reader's marks in these threads, by thread id (threads where they have none are missing). */
  marksIn: async (threadIds: string[], reader: Actor) => {
    if (threadIds.length === 0) return new Map<string, NonNullable<ReadMark>>();
    const rows = await db.threadRead.findMany({
      where: { threadId: { in: threadIds }, readerType: reader.type, readerId: reader.id },
      select: { threadId: true, ...MARK_FIELDS },
    });
    return new Map(rows.map((row) => [row.threadId, row]));
  },

  /**
   * Moves the reader's mark forward to `seq` (clamped to the thread's last seq) and recounts what is unread after
   * it; a mark never moves back. For a user, a move also appends `thread.read` to their own stream, in the same
   * batch: every statement holds only when the mark moves, judged on the state before the batch. Answers the
   * state after it, and whether it moved; null when the thread is gone.
   */
  markRead: async (threadId: string, reader: Actor, seq: number, now: Date) => {
    const target = sql("MIN(?, (SELECT t.last_seq FROM threads t WHERE t.id = ?))", seq, threadId);
    const current = readerRow(threadId, reader);
    const moves = sql(
      `(${target.sql}) > COALESCE((SELECT r.last_read_seq FROM thread_reads r WHERE ${current.sql}), 0)`,
      ...target.params,
      ...current.params,
    );
    const unread = unreadAfter(threadId, writtenBy(reader), target);
    // Only users are mentioned; an API key's mention rows are none.
    const mentions = mentionsAfter(threadId, sql("?", reader.type === "user" ? reader.id : ""), target);
    const state = jsonWith(
      { thread_id: threadId, last_read_seq: 0, unread_count: 0, unread_mentions: 0, updated_at: now.toISOString() },
      { last_read_seq: target, unread_count: unread, unread_mentions: mentions },
    );
    const userStream =
      reader.type === "user"
        ? [
            d1
              .prepare(`UPDATE users SET last_event_seq = last_event_seq + 1 WHERE id = ? AND ${moves.sql}`)
              .bind(reader.id, ...moves.params),
            d1
              .prepare(
                `INSERT INTO user_events (user_id, seq, thread_id, thread_seq, type, actor_type, actor_id, payload, created_at)
                 SELECT u.id, u.last_event_seq, ?, (${target.sql}), ?, 'user', u.id, ${state.sql}, ?
                 FROM users u WHERE u.id = ? AND ${moves.sql}`,
              )
              .bind(threadId, ...target.params, THREAD_READ, ...state.params, sqlDate(now), reader.id, ...moves.params),
          ]
        : [];
    const results = await d1.batch([
      ...userStream,
      // Last: the statements above judge `moves` on the mark before this one moves it.
      d1
        .prepare(
          `INSERT INTO thread_reads (thread_id, reader_type, reader_id, last_read_seq, unread_count, unread_mentions,
                                     updated_at)
           SELECT ?, ?, ?, (${target.sql}), (${unread.sql}), (${mentions.sql}), ? WHERE ${moves.sql}
           ON CONFLICT (thread_id, reader_type, reader_id) DO UPDATE SET
             last_read_seq = excluded.last_read_seq, unread_count = excluded.unread_count,
             unread_mentions = excluded.unread_mentions, updated_at = excluded.updated_at`,
        )
        .bind(
          threadId,
          reader.type,
          reader.id,
          ...target.params,
          ...unread.params,
          ...mentions.params,
          sqlDate(now),
          ...moves.params,
        ),
    ]);
    const moved = (results.at(-1)?.meta.changes ?? 0) > 0;
    return { moved, userEvent: moved && reader.type === "user" };
  },

  /** Over every thread within reach: how many have something unread for the reader, and how many messages. */
  totals: async (scope: ThreadScope, reader: Actor) => {
    const within = threadsInSql(scope);
    const row = await d1
      .prepare(
        `SELECT COUNT(*) AS threads, COALESCE(SUM(unread), 0) AS messages, COALESCE(SUM(mentions), 0) AS mentions FROM (
           SELECT COALESCE(r.unread_count, t.message_count) AS unread, r.unread_mentions AS mentions
           FROM threads t LEFT JOIN thread_reads r
             ON r.thread_id = t.id AND r.reader_type = ? AND r.reader_id = ?
           WHERE ${within.sql}
         ) WHERE unread > 0`,
      )
      .bind(reader.type, reader.id, ...within.params)
      .first<{ threads: number; messages: number; mentions: number }>();
    return { threads: row?.threads ?? 0, messages: row?.messages ?? 0, mentions: row?.mentions ?? 0 };
  },

  /** The reader's read state in a thread (the thread exists); a reader without a mark has read nothing. */
  stateOf: async (thread: { id: string; messageCount: number }, reader: Actor): Promise<ReadState> => {
    const theirs = readerRow(thread.id, reader);
    const row = await d1
      .prepare(
        `SELECT thread_id, last_read_seq, unread_count, unread_mentions, updated_at FROM thread_reads r WHERE ${theirs.sql}`,
      )
      .bind(...theirs.params)
      .first<ReadRow>();
    return row
      ? toState(row)
      : {
          thread_id: thread.id,
          last_read_seq: 0,
          unread_count: thread.messageCount,
          unread_mentions: 0,
          updated_at: null,
        };
  },
});
