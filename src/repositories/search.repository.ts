import type { Actor } from "../principal";
/**
 * Full-text search over message text: the FTS5 table `messages_fts` (migrations/0004, 0010), kept in
 * sync with `messages` by triggers, so a tombstone's emptied text stops matching in the same write.
 * Its `scope` column holds each message's owner and thread as tokens, so an owner's, a member-only
 * key's or a thread's search is narrowed inside FTS5, before ranking; the joined rows are still
 * filtered, exactly.
 */

import { HIGHLIGHT_END, HIGHLIGHT_START, type SearchRow } from "../wire/search";
import type { Store } from "./db";
import { threadAgentsRepository } from "./thread-agents.repository";
import type { ThreadScope } from "./thread-scope";

/** Tokens of context in a snippet (FTS5 allows up to 64). */
const SNIPPET_TOKENS = 24;

/**
 * A member-only key's threads are narrowed inside FTS5 by their scope tokens up to this many; a key in more
 * threads is narrowed by the exact filter alone (slower, still correct).
 */
const MAX_SCOPE_TOKENS = 500;

export interface SearchOptions {
  /** An FTS5 query (see toFtsQuery). */
  match: string;
  /** The threads the reader reaches. */
  scope: ThreadScope;
  /** Whose unread counts the hits' threads carry. */
  reader: Actor;
  threadId?: string;
  limit: number;
  /** Continue after this (score, row) position: results are ordered by score, then row. */
  after?: { score: number; row: number };
}

/** An FTS5 string literal: a double quote inside is doubled. */
const ftsString = (text: string) => `"${text.replaceAll('"', '""')}"`;

/**
 * The query on the text column only (a word never matches an id in `scope`), AND the scope tokens
 * of the owner, of the key's threads and of the thread asked for: FTS5 intersects their posting lists
 * with the query's.
 */
const scopedMatch = (match: string, ownerId: string | null, memberThreads: string[] | null, threadId?: string) =>
  [
    `text : (${match})`,
    ...(ownerId === null ? [] : [`scope : ${ftsString(`o${ownerId}`)}`]),
    ...(memberThreads === null ? [] : [`scope : (${memberThreads.map((id) => ftsString(`t${id}`)).join(" OR ")})`]),
    ...(threadId === undefined ? [] : [`scope : ${ftsString(`t${threadId}`)}`]),
  ].join(" AND ");

/**
 * Live messages only; bm25 is lower for better matches, so ascending is best first. Its weights
 * (text 1, scope 0) keep the scope tokens out of the score.
 */
export const searchRepository = (store: Store) => ({
  search: async ({ match, scope, reader, threadId, limit, after }: SearchOptions): Promise<SearchRow[]> => {
    const ownerId = scope !== null && "ownerId" in scope ? scope.ownerId : null;
    const memberKeyId = scope !== null && "memberKeyId" in scope ? scope.memberKeyId : null;
    let memberThreads: string[] | null = null;
    if (memberKeyId !== null) {
      const threads = await threadAgentsRepository(store).threadIdsOf(memberKeyId, MAX_SCOPE_TOKENS + 1);
      if (threads.length === 0) return [];
      if (threads.length <= MAX_SCOPE_TOKENS) memberThreads = threads;
    }
    // ?4, ?5 and ?9 filter the joined rows exactly; the scope in ?3 only narrows what FTS5 ranks.
    const { results } = await store.d1
      .prepare(
        `SELECT * FROM (
           SELECT s.rowid AS row, bm25(messages_fts, 1.0, 0.0) AS score,
                  snippet(messages_fts, 0, ?1, ?2, '…', ${SNIPPET_TOKENS}) AS snippet,
                  m.id, m.thread_id, t.title AS thread_title,
                  COALESCE(r.unread_count, t.message_count) AS thread_unread_count,
                  m.seq, m.parent_id, m.role, m.author_id, m.api_key_id, m.created_at
           FROM messages_fts
           JOIN message_search_rows s ON s.rowid = messages_fts.rowid
           JOIN messages m ON m.id = s.message_id
           JOIN threads t ON t.id = m.thread_id
           LEFT JOIN thread_reads r ON r.thread_id = t.id AND r.reader_type = ?10 AND r.reader_id = ?11
           WHERE messages_fts MATCH ?3 AND m.deleted_at IS NULL
             AND (?4 IS NULL OR t.owner_id = ?4) AND (?5 IS NULL OR m.thread_id = ?5)
             AND (?9 IS NULL OR EXISTS (SELECT 1 FROM thread_agents a WHERE a.thread_id = m.thread_id AND a.api_key_id = ?9))
         )
         WHERE ?6 IS NULL OR score > ?6 OR (score = ?6 AND row > ?7)
         ORDER BY score, row LIMIT ?8`,
      )
      .bind(
        HIGHLIGHT_START,
        HIGHLIGHT_END,
        scopedMatch(match, ownerId, memberThreads, threadId),
        ownerId,
        threadId ?? null,
        after?.score ?? null,
        after?.row ?? null,
        limit + 1,
        memberKeyId,
        reader.type,
        reader.id,
      )
      .all<SearchRow>();
    return results;
  },
});
