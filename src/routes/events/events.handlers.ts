import type { RouteHandler } from "@hono/zod-openapi";
import { wantsEventStream } from "../../auth/access";
import type { AppEnv } from "../../env";
import { ApiError } from "../../http/api-error";
import { responseMetadata } from "../../http/envelope";
import { Status } from "../../http/status";
import { socketThreadEvents, streamThreadEvents, wantsWebSocket } from "../../realtime/thread-stream";
import { getDb } from "../../repositories/db";
import { eventsRepository } from "../../repositories/events.repository";
import { reachableThread } from "../threads/thread-access";
import { eventToWire } from "./event-wire";
import type { listThreadEvents } from "./events.routes";

export const listThreadEventsHandler: RouteHandler<typeof listThreadEvents, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const { after, limit } = c.req.valid("query");
  // Read before the events: its last_seq can only be behind them, never ahead.
  const thread = await reachableThread(c, id);
  const lastEventId = c.req.valid("header")["last-event-id"];
  const resumeAfter = lastEventId === undefined ? after : Number(lastEventId);
  if (wantsWebSocket(c)) return socketThreadEvents(c, id, resumeAfter);
  if (wantsEventStream(c)) return streamThreadEvents(c, id, resumeAfter);
  const rows = await eventsRepository(getDb(c.env.DB), c.env.DB).listAfter(id, after, limit);
  const first = rows[0];
  if ((first && first.seq !== after + 1) || (!first && thread.lastSeq > after)) {
    throw new ApiError(
      "event-log-truncated",
      `Events after ${after} of this thread are no longer kept${first ? `; the oldest kept is ${first.seq}` : ""}. Read the thread and its messages again, then follow its events after its last_event_seq.`,
    );
  }
  const page = rows.slice(0, limit);
  const data = page.map(eventToWire);
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
