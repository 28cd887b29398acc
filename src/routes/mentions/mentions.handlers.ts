import type { RouteHandler } from "@hono/zod-openapi";
import { principalOf } from "../../auth/access";
import { callersThreads } from "../../auth/thread-access";
import type { AppEnv } from "../../env";
import { decodeCursor } from "../../http/cursor";
import { okPage } from "../../http/envelope";
import { toPage } from "../../http/pagination";
import { actorOf } from "../../principal";
import { repositories } from "../../repositories";
import { mentionToWire } from "../../wire/mentions";
import type { listMyMentions } from "./mentions.routes";

export const listMyMentionsHandler: RouteHandler<typeof listMyMentions, AppEnv> = async (c) => {
  const { limit, cursor } = c.req.valid("query");
  const reader = actorOf(principalOf(c));
  const rows = await repositories(c).messages.mentioning(
    reader.id,
    callersThreads(c),
    limit,
    cursor ? decodeCursor(cursor) : null,
  );
  const { page, pagination } = toPage(
    rows.map((row) => ({ ...row, id: row.message.id })),
    limit,
    (row) => row.message.createdAt,
  );
  const marks = await repositories(c).reads.marksIn([...new Set(page.map((row) => row.message.threadId))], reader);
  return okPage(
    c,
    page.map((row) => mentionToWire(row.message, row.thread, marks.get(row.message.threadId)?.lastReadSeq ?? 0)),
    pagination,
  );
};
