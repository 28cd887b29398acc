import type { RouteHandler } from "@hono/zod-openapi";
import { principalOf } from "../../auth/access";
import { callersThreads } from "../../auth/thread-access";
import type { AppEnv } from "../../env";
import { ApiError } from "../../http/api-error";
import { okPage } from "../../http/envelope";
import { actorOf } from "../../principal";
import { repositories } from "../../repositories";
import { searchHitToWire } from "../../wire/search";
import type { searchMessages } from "./search.routes";
import { decodeSearchCursor, encodeSearchCursor, toFtsQuery } from "./search-query";

export const searchMessagesHandler: RouteHandler<typeof searchMessages, AppEnv> = async (c) => {
  const { q, thread_id, limit, cursor } = c.req.valid("query");
  const match = toFtsQuery(q);
  if (match === null) {
    throw new ApiError("validation-error", "1 field is not valid.", {
      errors: [{ path: "query.q", message: "Search for at least one word", code: "no_terms" }],
    });
  }
  const rows = await repositories(c).search.search({
    match,
    scope: callersThreads(c),
    reader: actorOf(principalOf(c)),
    threadId: thread_id,
    limit,
    after: cursor ? (decodeSearchCursor(cursor) ?? undefined) : undefined,
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const hasMore = rows.length > limit;
  const hits = page.map(searchHitToWire);

  return okPage(c, hits, {
    limit,
    has_more: hasMore,
    next_cursor: hasMore && last ? encodeSearchCursor({ score: last.score, row: last.row }) : null,
  });
};
