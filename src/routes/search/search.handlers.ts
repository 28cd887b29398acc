import type { RouteHandler } from "@hono/zod-openapi";
import { principalOf } from "../../auth/access";
import type { AppEnv } from "../../env";
import type { MessageRole } from "../../generated/prisma/client";
import { ApiError } from "../../http/api-error";
import { okPage } from "../../http/envelope";
import { searchRepository } from "../../repositories/search.repository";
import { authorOf } from "../messages/message-wire";
import type { searchMessages } from "./search.routes";
import { decodeSearchCursor, encodeSearchCursor, parseSnippet, toFtsQuery } from "./search-query";

export const searchMessagesHandler: RouteHandler<typeof searchMessages, AppEnv> = async (c) => {
  const { q, thread_id, limit, cursor } = c.req.valid("query");
  const match = toFtsQuery(q);
  if (match === null) {
    throw new ApiError("validation-error", "1 field is not valid.", {
      errors: [{ path: "query.q", message: "Search for at least one word", code: "no_terms" }],
    });
  }
  const principal = principalOf(c);
  const ownerId = principal.kind === "user" && principal.role !== "ADMIN" ? principal.id : null;
  const rows = await searchRepository(c.env.DB).search({
    match,
    ownerId,
    threadId: thread_id,
    limit,
    after: cursor ? (decodeSearchCursor(cursor) ?? undefined) : undefined,
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const hasMore = rows.length > limit;
  const hits = page.map((row) => ({
    message_id: row.id,
    thread_id: row.thread_id,
    thread_title: row.thread_title,
    seq: row.seq,
    parent_id: row.parent_id,
    role: row.role as MessageRole,
    author: authorOf({ authorId: row.author_id, apiKeyId: row.api_key_id }),
    created_at: new Date(row.created_at).toISOString(),
    score: -row.score,
    snippet: parseSnippet(row.snippet),
  }));
  return okPage(c, hits, {
    limit,
    has_more: hasMore,
    next_cursor: hasMore && last ? encodeSearchCursor({ score: last.score, row: last.row }) : null,
  });
};
