import type { RouteHandler, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { ApiError } from "../../http/api-error";
import { responseMetadata } from "../../http/envelope";
import { Status } from "../../http/status";
import { getDb } from "../../repositories/db";
import { eventsRepository } from "../../repositories/events.repository";
import { reachableThread } from "../threads/thread-access";
import type { listThreadEvents } from "./events.routes";
import type { ThreadEventSchema } from "./events.schemas";

type ThreadEvent = z.infer<typeof ThreadEventSchema>;

export const listThreadEventsHandler: RouteHandler<typeof listThreadEvents, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const { after, limit } = c.req.valid("query");
  // Read before the events: its last_seq can only be behind them, never ahead.
  const thread = await reachableThread(c, id);
  const rows = await eventsRepository(getDb(c.env.DB), c.env.DB).listAfter(id, after, limit);
  const first = rows[0];
  if ((first && first.seq !== after + 1) || (!first && thread.lastSeq > after)) {
    throw new ApiError(
      "event-log-truncated",
      `Events after ${after} of this thread are no longer kept${first ? `; the oldest kept is ${first.seq}` : ""}. Read the thread and its messages again, then follow its events after its last_event_seq.`,
    );
  }
  const page = rows.slice(0, limit);
  // Payloads were written from the same wire schemas; the type is the discriminated union.
  const data = page.map(
    (row) =>
      ({
        seq: row.seq,
        thread_id: row.threadId,
        actor: row.actorType && row.actorId ? { type: row.actorType, id: row.actorId } : null,
        created_at: row.createdAt.toISOString(),
        type: row.type,
        data: row.payload,
      }) as ThreadEvent,
  );
  return c.json(
    {
      success: true as const,
      data,
      pagination: { limit, has_more: rows.length > limit, next_after: page.at(-1)?.seq ?? after },
      metadata: responseMetadata(c),
    },
    Status.OK,
  );
};
