import { z } from "@hono/zod-openapi";
import { Id, MAX_PAGE_SIZE, pageEnvelope } from "../../schemas/common";
import { SearchHitSchema, searchHitExample } from "../../wire/search";
import { decodeSearchCursor, MAX_SEARCH_TERMS } from "./search-query";

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

export const SearchPage = pageEnvelope(SearchHitSchema, "SearchHitPage", searchHitExample);
