import { z } from "@hono/zod-openapi";
import type { MessageRole } from "../generated/prisma/client";
import { ActorSchema } from "../schemas/actor";
import { Counter, Id, Timestamp } from "../schemas/common";
import { authorOf, MessageRoleSchema } from "./messages";

/**
 * Marks around each matching term in a snippet: private-use characters, which message text hardly
 * ever holds (one that does can show a stray highlight in its snippet, never an error).
 */
export const HIGHLIGHT_START = "\uE000";
export const HIGHLIGHT_END = "\uE001";
/** Longest snippet answered: FTS5 counts tokens, and one token can be thousands of characters. */
export const MAX_SNIPPET_LENGTH = 2000;

/**
 * A snippet with FTS5's highlight marks turned into plain text (at most MAX_SNIPPET_LENGTH
 * characters, cut with "…") and the ranges of the matches in it.
 */
export const parseSnippet = (marked: string) => {
  const highlights: { start: number; end: number }[] = [];
  const limit = MAX_SNIPPET_LENGTH - 1;
  let text = "";
  let start: number | null = null;
  for (const char of marked) {
    if (char === HIGHLIGHT_START) start = text.length;
    else if (char === HIGHLIGHT_END) {
      if (start !== null && text.length > start) highlights.push({ start, end: text.length });
      start = null;
    } else if (text.length + char.length > limit) {
      // Cut here, closing a highlight that is still open.
      if (start !== null && text.length > start) highlights.push({ start, end: text.length });
      return { text: `${text}…`, highlights };
    } else text += char;
  }
  return { text, highlights };
};

const Highlight = z
  .object({
    start: Counter.openapi({
      description: "Offset of the first character, in UTF-16 code units (JavaScript string indices).",
    }),
    end: Counter.openapi({ description: "Offset just past the last character." }),
  })
  .openapi("SearchHighlight");

export const SearchHitSchema = z
  .object({
    message_id: Id,
    thread_id: Id,
    thread_title: z.string().max(256),
    thread_unread_count: Counter.openapi({
      description: "The thread's `unread_count` for you: messages by others after your read mark.",
    }),
    seq: Counter.openapi({ description: "The message's position in its thread." }),
    parent_id: Id.nullable(),
    role: MessageRoleSchema,
    author: ActorSchema.nullable(),
    created_at: Timestamp,
    score: z.number().min(0).max(1_000_000).openapi({
      format: "double",
      description: "Relevance (BM25): higher is better; compare within one search only.",
    }),
    snippet: z
      .object({
        text: z
          .string()
          .max(MAX_SNIPPET_LENGTH)
          .openapi({ description: "A passage of the message around the matches, plain text." }),
        highlights: z.array(Highlight).max(200).openapi({ description: "Where the matching words are in `text`." }),
      })
      .openapi("SearchSnippet"),
  })
  .openapi("SearchHit");

export const searchHitExample: z.input<typeof SearchHitSchema> = {
  message_id: "cmif7vj3k0000msg000000001",
  thread_id: "cmif7vj3k0000thr000000001",
  thread_title: "Q3 churn review",
  thread_unread_count: 0,
  seq: 2,
  parent_id: null,
  role: "ASSISTANT",
  author: { type: "api_key", id: "cmif7vj3k0000apikey000001" },
  created_at: "2026-11-25T10:00:00.000Z",
  score: 2.41,
  snippet: {
    text: "The Q3 churn report is ready.",
    highlights: [
      { start: 7, end: 12 },
      { start: 13, end: 19 },
    ],
  },
};

/** A search result as the repository reads it: the message, its thread's title, its rank and marked snippet. */
export interface SearchRow {
  row: number;
  score: number;
  snippet: string;
  id: string;
  thread_id: string;
  thread_title: string;
  thread_unread_count: number;
  seq: number;
  parent_id: string | null;
  role: string;
  author_id: string | null;
  api_key_id: string | null;
  created_at: string;
}

export const searchHitToWire = (row: SearchRow): z.infer<typeof SearchHitSchema> => ({
  message_id: row.id,
  thread_id: row.thread_id,
  thread_title: row.thread_title,
  thread_unread_count: row.thread_unread_count,
  seq: row.seq,
  parent_id: row.parent_id,
  role: row.role as MessageRole,
  author: authorOf({ authorId: row.author_id, apiKeyId: row.api_key_id }),
  created_at: new Date(row.created_at).toISOString(),
  // bm25 is lower for better matches; the wire's score is higher for them.
  score: -row.score,
  snippet: parseSnippet(row.snippet),
});
