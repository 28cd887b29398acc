import { z } from "@hono/zod-openapi";
import { ActorSchema } from "../../schemas/actor";
import { Counter, Id, MAX_PAGE_SIZE, pageEnvelope, Timestamp } from "../../schemas/common";
import { MessageRoleSchema } from "../messages/messages.schemas";
import { decodeSearchCursor, MAX_SEARCH_TERMS, MAX_SNIPPET_LENGTH } from "./search-query";

export const SearchMessagesQuery = z.object({
  q: z
    .string()
    .min(1)
    .max(256)
    .openapi({
      param: { name: "q", in: "query" },
      description: `Words and "quoted phrases" (up to ${MAX_SEARCH_TERMS}), all of which must occur; \`word*\` matches a prefix. Case and accents are ignored and English words match their stems (\`deploy\` finds "deployed").`,
      example: "churn report",
    }),
  thread_id: Id.optional().openapi({ param: { name: "thread_id", in: "query" }, description: "Only this thread." }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE)
    .default(20)
    .openapi({ param: { name: "limit", in: "query" }, description: `Page size, 1–${MAX_PAGE_SIZE}.`, format: "int32" }),
  cursor: z
    .string()
    .max(512)
    .refine((cursor) => decodeSearchCursor(cursor) !== null, "Not a cursor returned by this API")
    .optional()
    .openapi({
      param: { name: "cursor", in: "query" },
      description: "`next_cursor` of the previous page (send the same `q` and `thread_id`).",
    }),
});

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

export const SearchPage = pageEnvelope(SearchHitSchema, "SearchHitPage", {
  message_id: "cmif7vj3k0000msg000000001",
  thread_id: "cmif7vj3k0000thr000000001",
  thread_title: "Q3 churn review",
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
});
