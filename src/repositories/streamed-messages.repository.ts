import type { IncompleteReason, MessageState, Prisma } from "../generated/prisma/client";
import type { Actor } from "../principal";
import { and, sql, sqlDate } from "./d1";
import type { Store } from "./db";
import { ACTIVE_THREAD } from "./guards";
import { contentSets, updateMessage } from "./messages.repository";
import { mentionsOnWrite } from "./reads.repository";
import { type Committed, commitOne, type ThreadChange } from "./thread-log";

/**
 * Streamed replies: a STREAMING message's text grows by deltas (one UPDATE each, not logged: watchers hear of
 * them from the thread's hub) until its author completes it or it times out, which is logged as
 * `message.updated` with the whole text.
 */

/** How appending a delta went: applied now, or already (a retry), or why not. */
export type AppendResult =
  | { applied: true; length: number /** The message's position; only when applied now. */; seq?: number }
  | {
      applied: false;
      reason: "gone" | "not_author" | "deleted" | "not_streaming" | "archived" | "too_long" | "mismatch";
      length: number;
      state?: MessageState;
      incompleteReason?: IncompleteReason | null;
    };

/** The end of a streamed message: completed by its author, or cut short (timed out, stopped). */
export type StreamEnd = {
  /** Replaces the streamed text when given. */
  text?: string;
  blocks?: Prisma.JsonArray;
  metadata?: Prisma.JsonObject;
  /** The users the final content mentions (checked), and those it mentioned before. */
  mentions?: { now: string[]; before: string[] };
} & (
  | { state: "COMPLETE" }
  | {
      state: "INCOMPLETE";
      reason: IncompleteReason;
      /** Timing out: the message must not have changed since (no delta came in the meantime). */
      idleSince?: Date;
    }
);

export const streamedMessagesRepository = ({ d1 }: Store) => ({
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
        `SELECT m.state, m.incomplete_reason, m.streamed_length, m.deleted_at, t.status, m.${authorColumn} = ? AS by_author
         FROM messages m JOIN threads t ON t.id = m.thread_id WHERE m.id = ? AND m.thread_id = ?`,
      )
      .bind(delta.author.id, id, threadId)
      .first<{
        state: MessageState;
        incomplete_reason: IncompleteReason | null;
        streamed_length: number;
        deleted_at: string | null;
        status: string;
        by_author: number | null;
      }>();
    if (!current) return { applied: false, reason: "gone", length: 0 };
    const length = current.streamed_length;
    if (current.by_author !== 1) return { applied: false, reason: "not_author", length };
    if (current.deleted_at !== null) return { applied: false, reason: "deleted", length };
    if (current.state !== "STREAMING") {
      return {
        applied: false,
        reason: "not_streaming",
        length,
        state: current.state,
        incompleteReason: current.incomplete_reason,
      };
    }
    if (end <= length) return { applied: true, length };
    if (current.status !== "ACTIVE") return { applied: false, reason: "archived", length };
    if (offset === length) return { applied: false, reason: "too_long", length };
    return { applied: false, reason: "mismatch", length };
  },

  /**
   * Ends a STREAMING message — COMPLETE (its author finished it) or INCOMPLETE (timed out, stopped) —
   * logging `message.updated` with the text as stored at that moment. Null when it is no longer
   * streaming (or, timing out, a delta came in since `idleSince`), or the thread is gone or archived.
   */
  endStream: (
    event: Omit<ThreadChange<"message.updated">, "guard" | "computed">,
    id: string,
    end: StreamEnd,
  ): Promise<Committed | null> => {
    const idle = end.state === "INCOMPLETE" && end.idleSince ? [sql("m.updated_at <= ?", sqlDate(end.idleSince))] : [];
    const change = {
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
      ...(end.text === undefined ? { computed: { text: sql("SELECT text FROM messages WHERE id = ?", id) } } : {}),
    };
    return commitOne(d1, {
      change,
      write: (pending) => [
        ...updateMessage(d1, id, [
          sql(
            "state = ?, incomplete_reason = ?, streamed_length = 0, updated_at = ?",
            end.state,
            end.state === "INCOMPLETE" ? end.reason : null,
            sqlDate(event.now),
          ),
          ...contentSets(end),
        ])(pending),
        ...(end.mentions ? mentionsOnWrite(d1, { id, threadId: event.threadId }, end.mentions, pending) : []),
      ],
    });
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
});
